//! The plaintext vault: `evidence/<first two hex digits>/<sha256>`, the file's
//! bytes as they were. Every workspace made before encryption existed uses
//! it, and keeps working byte for byte.
use super::{pipeline, shard_files, tmp_files, BlobReader, BlobStore, Verifying};
use crate::error::{Error, Result};
use crate::evidence::Blob;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The plaintext vault: blobs stored under their SHA-256, unencrypted.
pub struct PlainStore {
    dir: PathBuf,
}

impl PlainStore {
    /// A store over the vault folder `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        PlainStore { dir: dir.into() }
    }
}

/// Path of a plaintext blob: `evidence/ab/abcdef…`.
pub fn path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(&sha256[..2.min(sha256.len())]).join(sha256)
}

impl BlobStore for PlainStore {
    /// Hashes and copies in one streaming pass via a temporary file in
    /// `evidence/tmp` that is fsynced and renamed. A blob already stored
    /// (and intact) is not written again.
    fn put(
        &self,
        input: &mut dyn Read,
        what: &str,
        total: u64,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Blob> {
        let (tmp, sha256, size) = pipeline::stream_to_temp(
            &self.dir,
            pipeline::Incoming {
                input,
                what,
                total,
                progress,
            },
            &[],
            0,
            &mut |_, _| Ok(()),
        )?;
        let dest = path(&self.dir, &sha256);
        if dest.exists() && self.check(&sha256, &mut |_| {}) == super::Check::Ok {
            return Ok(Blob { sha256, size }); // already stored; the temp file is dropped
        }
        pipeline::persist(tmp, &dest)?;
        Ok(Blob { sha256, size })
    }

    fn open(&self, sha256: &str) -> std::io::Result<BlobReader> {
        // Never follows a link or blocks on a FIFO planted under a blob's name.
        let (f, _) = crate::input::open_regular(&path(&self.dir, sha256), false)?;
        Ok(Box::new(Verifying::new(f, sha256)))
    }

    fn exists(&self, sha256: &str) -> bool {
        path(&self.dir, sha256).is_file()
    }

    fn location(&self, sha256: &str) -> PathBuf {
        path(&self.dir, sha256)
    }

    fn purge(&self, sha256: &str) -> Result<bool> {
        let p = path(&self.dir, sha256);
        match std::fs::remove_file(&p) {
            Ok(()) => {
                if let Some(shard) = p.parent() {
                    crate::fsutil::sync_dir(shard);
                }
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::io(format!("cannot delete {}", p.display()), e)),
        }
    }

    fn list(&self) -> Result<Vec<PathBuf>> {
        // Every entry, odd names and non-files too: verify and gc report them.
        shard_files(&self.dir)
    }

    fn temp_files(&self) -> Vec<PathBuf> {
        tmp_files(&self.dir)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn encrypted(&self) -> bool {
        false
    }
}

/// Whether a vault file is named like a plaintext blob (64 lowercase hex digits).
pub(crate) fn is_plain_name(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.len() == 64 && n.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A FIFO or a link planted under a blob's name is refused at once: the
    /// viewer, packages and exports read through `open`, which must not hang
    /// or follow the link out of the vault.
    #[test]
    fn open_refuses_a_fifo_or_a_link_under_a_blob_name() {
        let dir = tempfile::tempdir().unwrap();
        let store = PlainStore::new(dir.path());
        let blob = store
            .put(&mut &b"evidence"[..], "x", 8, &mut |_, _| {})
            .unwrap();
        let at = store.location(&blob.sha256);
        assert!(store.open(&blob.sha256).is_ok());

        std::fs::remove_file(&at).unwrap();
        let fifo = std::ffi::CString::new(at.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let err = store.open(&blob.sha256).err().expect("a FIFO is refused");
        assert!(err.to_string().contains("not a regular file"), "{err}");

        std::fs::remove_file(&at).unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, b"evidence").unwrap();
        std::os::unix::fs::symlink(&target, &at).unwrap();
        let err = store.open(&blob.sha256).err().expect("a link is refused");
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }
}
