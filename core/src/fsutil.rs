//! Writing files so that nothing is ever half-written under its final name:
//! write to a temporary name in the same folder, fsync, rename, fsync the folder.
use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::Path;

#[allow(dead_code)] // for writes that record no audit event of their own
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |f| {
        f.write_all(bytes)
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
    })
}

/// [`write_atomic`] of whatever `fill` writes into the temporary file (a
/// stream, say); `fill`'s error is returned as it is and nothing is left.
/// The file is private to its owner (0600) from creation to rename.
pub fn write_atomic_with<T>(path: &Path, fill: impl FnOnce(&mut File) -> Result<T>) -> Result<T> {
    let ctx = |what: &str| format!("cannot {what} {}", path.display());
    let dir = folder_of(path);
    let mut tmp = temp_beside(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(ctx("protect"), e))?;
    }
    let out = fill(tmp.as_file_mut())?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(ctx("sync"), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io(ctx("write"), e.error))?;
    sync_dir(dir);
    Ok(out)
}

/// The folder `path` is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A new temporary file beside `path`, in the same folder so the rename
/// that publishes it cannot cross file systems.
fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".crosswalk-")
        .suffix(".tmp")
        .tempfile_in(folder_of(path))
        .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
}

/// Makes a rename durable. Best effort: not every platform can open a folder.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A file written and fsynced under a temporary name beside its destination,
/// not yet visible under its final name. [`Staged::publish`] renames it into
/// place; dropping it removes it. Lets a caller commit the audit event that
/// records a file before the file appears, so no file exists unrecorded.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: std::path::PathBuf,
}

/// Writes `bytes` to a temporary file in `path`'s folder and fsyncs it; the
/// file appears under `path` only on [`Staged::publish`].
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged> {
    let ctx = |what: &str| format!("cannot {what} {}", path.display());
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes)
        .map_err(|e| Error::io(ctx("write"), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(ctx("sync"), e))?;
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
    })
}

impl Staged {
    /// Renames the file to its final name (replacing what was there) and
    /// makes the rename durable.
    pub fn publish(self) -> Result<()> {
        let dir = folder_of(&self.path).to_path_buf();
        self.tmp
            .persist(&self.path)
            .map_err(|e| Error::io(format!("cannot write {}", self.path.display()), e.error))?;
        sync_dir(&dir);
        Ok(())
    }
}
