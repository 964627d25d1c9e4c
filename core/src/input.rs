//! Reading files someone else wrote: the one way every importer reads input.
//!
//! What this module promises, whatever the file system holds:
//! - nothing blocks: files are opened non-blocking and must be regular files
//!   (a FIFO, a device, a socket is refused without being read);
//! - nothing grows without bound: the size of the *opened* file is checked
//!   before reading, and reading stops one byte past the limit anyway (files
//!   under `/proc` report size 0 and a link to `/dev/zero` never ends);
//! - a folder walk never follows a link to a folder (so link loops cannot
//!   hang it) and never returns a file outside the folder it started in;
//! - evidence named by an imported file resolves, after links, inside the
//!   folder of that file, or inside a folder the user allowed explicitly.
//!
//! Importers call [`read_untrusted`] for whole files and [`walk`] for folders;
//! text formats then call [`check_text`] for the NUL/UTF-8 check with a position.
use crate::error::{Error, Location, Problem, Result};
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The default cap for one input file (YAML, CSV, JSON, …). A library of 5,000
/// controls is about 3 MiB; 16 MiB leaves room without letting a hostile file
/// take the machine's memory.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;
/// Deepest folder nesting a walk descends into; real libraries need a handful.
pub const MAX_WALK_DEPTH: usize = 32;
/// Most directory entries one walk looks at, so a huge tree fails fast.
pub const MAX_WALK_ENTRIES: usize = 200_000;

/// Pseudo file systems whose files lie about their size or never end; never read as input.
const SPECIAL_ROOTS: &[&str] = &["/proc", "/sys", "/dev"];

fn problem(path: &Path, message: impl Into<String>) -> Error {
    Error::Invalid(vec![Problem {
        location: Location {
            file: path.display().to_string(),
            line: 1,
            column: 1,
        },
        message: message.into(),
    }])
}

/// What a file is, in words, for errors about non-regular files.
pub fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading without ever blocking, and returns it only if the
/// opened handle is a regular file (checked with fstat, so a swap between a
/// check and the open cannot slip a FIFO or a device in). With `follow_links`
/// false, a link in the last component is refused (`O_NOFOLLOW`).
pub fn open_regular(path: &Path, follow_links: bool) -> std::io::Result<(File, Metadata)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
        if !follow_links {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if !follow_links && e.raw_os_error() == Some(libc::ELOOP) {
            return std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "it is a symbolic link, which is not followed here",
            );
        }
        e
    })?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", kind_of(&meta)),
        ));
    }
    Ok((file, meta))
}

/// Reads a whole input file of at most `limit` bytes. Refuses non-regular
/// files and files under `/proc`, `/sys`, `/dev` before reading anything, and
/// checks the size of the opened handle before reading; reads at most
/// `limit + 1` bytes whatever the size claims. Errors name the file.
pub fn read_untrusted(path: &Path, limit: u64) -> Result<Vec<u8>> {
    if let Ok(real) = path.canonicalize() {
        if is_special(&real) {
            return Err(problem(
                path,
                format!(
                    "{} is on a system pseudo file system; it cannot be imported",
                    real.display()
                ),
            ));
        }
    }
    let (file, meta) = open_regular(path, true)
        .map_err(|e| problem(path, format!("cannot read the file: {e}")))?;
    let too_big = |size: u64| {
        problem(
            path,
            format!(
                "file is {size} bytes, over the limit of {}; split it into several files",
                human(limit)
            ),
        )
    };
    if meta.len() > limit {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| problem(path, format!("cannot read the file: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// Line and column (1-based, columns in characters) of byte `offset` of `bytes`.
pub fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// The text of a text input file: UTF-8 without NUL bytes (a NUL silently ends
/// the document for some parsers, and no text format we read allows one).
/// `file` names the file in the error.
pub fn check_text<'a>(file: &str, bytes: &'a [u8]) -> std::result::Result<&'a str, Problem> {
    let at = |offset: usize, message: String| {
        let (line, column) = position(bytes, offset);
        Problem {
            location: Location {
                file: file.to_string(),
                line,
                column,
            },
            message,
        }
    };
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        return Err(at(
            i,
            "NUL byte in the file; a text file never contains one: is this the right file, or was it cut or corrupted?".into(),
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        at(
            e.valid_up_to(),
            "file is not valid UTF-8; save it as UTF-8".into(),
        )
    })
}

/// A path a walk or an import passed over, and why.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct Skipped {
    /// The path as found under the folder walked.
    pub path: String,
    /// Why it was passed over, for a person (`a broken link`, `a link to a
    /// folder; …`, `a device, not a regular file`).
    pub reason: String,
}

/// What a folder walk found.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// Regular files inside the root that `wanted` accepted, sorted.
    pub files: Vec<PathBuf>,
    /// Wanted-looking entries that were not taken: links to folders, links
    /// out of the root, FIFOs and devices.
    pub skipped: Vec<Skipped>,
}

/// Walks `root` for files `wanted` accepts (by path, e.g. by extension).
/// Hidden entries (`.name`) are ignored. Links to folders are never followed
/// (so loops cannot hang the walk); a link to a file is taken only when it
/// resolves to a regular file inside `root`. Nothing is opened, so nothing blocks.
pub fn walk(root: &Path, wanted: &dyn Fn(&Path) -> bool) -> Result<Walk> {
    let real_root = root
        .canonicalize()
        .map_err(|e| Error::io(format!("cannot read folder {}", root.display()), e))?;
    let mut out = Walk::default();
    let mut seen = 0usize;
    walk_dir(root, &real_root, 0, wanted, &mut out, &mut seen)?;
    out.files.sort();
    Ok(out)
}

fn walk_dir(
    dir: &Path,
    real_root: &Path,
    depth: usize,
    wanted: &dyn Fn(&Path) -> bool,
    out: &mut Walk,
    seen: &mut usize,
) -> Result<()> {
    let mut entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("cannot read folder {}", dir.display()), e))?
        .filter_map(|e| e.ok())
        .collect();
    *seen += entries.len();
    if *seen > MAX_WALK_ENTRIES {
        return Err(Error::Usage(format!(
            "{} holds more than {MAX_WALK_ENTRIES} entries; import a smaller folder",
            real_root.display()
        )));
    }
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let skip = |out: &mut Walk, reason: &str| {
            out.skipped.push(Skipped {
                path: path.display().to_string(),
                reason: reason.to_string(),
            })
        };
        // file_type() does not follow links.
        let Ok(ty) = entry.file_type() else { continue };
        if ty.is_dir() {
            if depth + 1 >= MAX_WALK_DEPTH {
                skip(
                    out,
                    &format!("folders nested deeper than {MAX_WALK_DEPTH} levels are not searched"),
                );
            } else {
                walk_dir(&path, real_root, depth + 1, wanted, out, seen)?;
            }
            continue;
        }
        if !wanted(&path) {
            continue;
        }
        if ty.is_file() {
            out.files.push(path);
        } else if ty.is_symlink() {
            match (path.canonicalize(), std::fs::metadata(&path)) {
                (Ok(real), Ok(meta)) if meta.is_dir() => {
                    let _ = real;
                    skip(out, "a link to a folder; links to folders are not followed");
                }
                (Ok(real), Ok(meta)) => {
                    if !real.starts_with(real_root) {
                        skip(
                            out,
                            &format!(
                                "a link to {}, outside the folder being imported",
                                real.display()
                            ),
                        );
                    } else if !meta.is_file() {
                        skip(out, &format!("a link to {}", kind_of(&meta)));
                    } else {
                        out.files.push(path);
                    }
                }
                _ => skip(out, "a broken link"),
            }
        } else if let Ok(meta) = entry.metadata() {
            skip(out, &format!("{}, not a regular file", kind_of(&meta)));
        }
    }
    Ok(())
}

fn is_special(real: &Path) -> bool {
    SPECIAL_ROOTS.iter().any(|r| real.starts_with(r))
}

/// Where an evidence file named in an imported file may come from: the
/// folder of the file that names it, and any folder the user allowed.
#[derive(Debug, Clone, Default)]
pub struct Confinement {
    allowed: Vec<PathBuf>,
}

/// An evidence file checked by [`Confinement::resolve`]: its real path, and
/// the identity of the file checked, so the later open can prove it is the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfinedFile {
    /// The file's real path, links resolved; inside an allowed folder.
    pub path: PathBuf,
    #[cfg(unix)]
    id: (u64, u64),
}

impl Confinement {
    /// `allowed`: extra folders (`--allow-outside DIR`); each must exist.
    pub fn new(allowed: &[PathBuf]) -> Result<Self> {
        let allowed = allowed
            .iter()
            .map(|d| {
                let real = d
                    .canonicalize()
                    .map_err(|e| Error::io(format!("--allow-outside {}", d.display()), e))?;
                if !real.is_dir() {
                    return Err(Error::Usage(format!(
                        "--allow-outside {}: not a folder",
                        d.display()
                    )));
                }
                Ok(real)
            })
            .collect::<Result<_>>()?;
        Ok(Confinement { allowed })
    }

    /// Resolves `name` (as written in the file) against `base` (the folder of
    /// the file naming it). Refuses, with a message to show at the entry: a
    /// missing file, a path that leaves `base` after links are resolved
    /// (unless allowed), anything under `/proc`, `/sys`, `/dev`, and anything
    /// that is not a regular file. Nothing is opened.
    pub fn resolve(&self, base: &Path, name: &str) -> std::result::Result<ConfinedFile, String> {
        let joined = base.join(name);
        let real = joined.canonicalize().map_err(|_| {
            format!(
                "evidence file `{name}` not found (looked for {}); paths are relative to the YAML file",
                joined.display()
            )
        })?;
        if is_special(&real) {
            return Err(format!(
                "evidence file `{name}` is {}, on a system pseudo file system; it cannot be evidence",
                real.display()
            ));
        }
        let real_base = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
        let inside =
            real.starts_with(&real_base) || self.allowed.iter().any(|a| real.starts_with(a));
        if !inside {
            return Err(format!(
                "evidence file `{name}` resolves to {}, outside the folder of this file ({}); \
                 move it into that folder, or allow it with --allow-outside DIR",
                real.display(),
                real_base.display()
            ));
        }
        // `real` has no links left, so this stat is of the file itself.
        let meta = std::fs::symlink_metadata(&real)
            .map_err(|e| format!("evidence file `{name}` cannot be read: {e}"))?;
        if !meta.is_file() {
            return Err(format!(
                "evidence file `{name}` is {}; evidence must be a regular file",
                kind_of(&meta)
            ));
        }
        Ok(ConfinedFile {
            path: real,
            #[cfg(unix)]
            id: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino())
            },
        })
    }
}

impl ConfinedFile {
    /// Opens the checked file without following links and without blocking,
    /// and proves it is the very file that was checked (same device and inode).
    pub fn open(&self) -> Result<(File, Metadata)> {
        let ctx = || format!("cannot read evidence file {}", self.path.display());
        let (file, meta) = open_regular(&self.path, false).map_err(|e| Error::io(ctx(), e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if (meta.dev(), meta.ino()) != self.id {
                return Err(Error::Usage(format!(
                    "{}: the file was replaced while it was being imported; nothing was written",
                    self.path.display()
                )));
            }
        }
        Ok((file, meta))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_is_capped_even_when_the_size_lies() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.yaml");
        std::fs::write(&p, vec![b'a'; 2000]).unwrap();
        let e = read_untrusted(&p, 1000).unwrap_err().to_string();
        assert!(e.contains("over the limit of 1000 bytes"), "{e}");
        assert_eq!(read_untrusted(&p, 2000).unwrap().len(), 2000);
        #[cfg(unix)]
        {
            // /dev/zero claims size 0 and never ends; refused before reading.
            let link = dir.path().join("zero.yaml");
            std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
            let e = read_untrusted(&link, 1000).unwrap_err().to_string();
            assert!(e.contains("pseudo file system"), "{e}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.yaml");
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_untrusted(&p, 1000).unwrap_err().to_string();
        assert!(e.contains("FIFO"), "{e}");
        let w = walk(dir.path(), &|_| true).unwrap();
        assert!(w.files.is_empty());
        assert!(w.skipped[0].reason.contains("FIFO"), "{:?}", w.skipped);
    }

    #[test]
    fn nul_bytes_are_refused_with_their_position() {
        let p = check_text("f.yaml", b"a: 1\nbb: x\0y\n").unwrap_err();
        assert_eq!((p.location.line, p.location.column), (2, 6));
        assert!(p.message.contains("NUL"));
        assert_eq!(check_text("f", b"ok").unwrap(), "ok");
    }

    #[cfg(unix)]
    #[test]
    fn walks_never_follow_folder_links_nor_leave_the_root() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.yaml"), "x").unwrap();
        std::fs::write(root.join("sub/b.yaml"), "x").unwrap();
        std::fs::write(dir.path().join("outside.yaml"), "x").unwrap();
        symlink(".", root.join("loop1")).unwrap();
        symlink(".", root.join("sub/loop2")).unwrap();
        symlink("/usr", root.join("usr")).unwrap();
        symlink("../outside.yaml", root.join("out.yaml")).unwrap();
        symlink("a.yaml", root.join("in.yaml")).unwrap();
        let w = walk(&root, &|p| p.extension().is_some_and(|e| e == "yaml")).unwrap();
        let names: Vec<_> = w
            .files
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.yaml", "in.yaml", "sub/b.yaml"]);
        assert!(w
            .skipped
            .iter()
            .any(|s| s.path.ends_with("out.yaml") && s.reason.contains("outside")));
    }

    #[cfg(unix)]
    #[test]
    fn confinement_keeps_evidence_inside_the_library_folder() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("lib");
        std::fs::create_dir_all(lib.join("evidence")).unwrap();
        std::fs::write(lib.join("evidence/ok.txt"), "fine").unwrap();
        std::fs::write(dir.path().join("secret"), "s").unwrap();
        symlink("../../secret", lib.join("evidence/link.txt")).unwrap();
        let c = Confinement::default();
        assert!(c.resolve(&lib, "evidence/ok.txt").is_ok());
        for bad in [
            "../secret",
            "evidence/link.txt",
            "/etc/hostname",
            "/proc/self/environ",
        ] {
            assert!(c.resolve(&lib, bad).is_err(), "{bad} must be refused");
        }
        let allowed = Confinement::new(&[dir.path().to_path_buf()]).unwrap();
        let f = allowed.resolve(&lib, "../secret").unwrap();
        assert!(f.open().is_ok());
        assert!(allowed.resolve(&lib, "/proc/self/environ").is_err());
        // Swapped after the check: the open notices.
        std::fs::write(dir.path().join("other"), "other").unwrap();
        std::fs::rename(dir.path().join("other"), dir.path().join("secret")).unwrap();
        assert!(f.open().is_err());
    }
}
