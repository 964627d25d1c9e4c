//! The storage seam for evidence files. Everything that writes, reads,
//! re-hashes or destroys a stored file goes through [`BlobStore`]; the rest of
//! core speaks only of a file's plaintext SHA-256, which stays the evidence's
//! identity in the database, reports and packages whatever the backend.
//!
//! Two backends today:
//! - [`plain::PlainStore`]: `evidence/<2-char shard>/<sha256>`, the layout
//!   every workspace had before encryption existed, byte for byte;
//! - [`encrypted::EncryptedStore`]: AES-256-GCM in STREAM chunks, a random key
//!   per blob wrapped by the workspace data key, names from a keyed hash.
//!
//! A future backend (S3-compatible object storage, say) implements the same
//! trait; nothing outside this module needs to change.
//!
//! Promises every backend keeps:
//! - a blob under its final name is complete (temp file, fsync, rename);
//! - [`BlobStore::open`] returns a reader that fails (`InvalidData`, carrying
//!   an [`Integrity`]) rather than hand out bytes whose SHA-256 is not the one
//!   asked for; a read of the whole stream is a verification;
//! - memory stays flat: data is streamed in chunks of [`CHUNK`] bytes.
use crate::error::{Error, Result};
use crate::evidence::Blob;
use crate::hash::Sha256Stream;
use std::io::Read;
use std::path::{Path, PathBuf};

pub mod aead;
mod convert;
pub mod encrypted;
pub mod first_run;
mod idle;
pub mod keys;
mod ops;
mod pipeline;
pub mod plain;

pub use first_run::{
    check_new_passphrases, holds_workspace, needs_first_run, FirstRun, NewPassphraseCheck,
};
pub use idle::parse_idle_lock;
pub use keys::{KeyFile, RecoveryKey, Secret, VaultStatus};
pub use ops::{PurgeOutcome, VaultOutcome, VaultProgress};

/// Bytes read, hashed, encrypted and written per step.
pub const CHUNK: usize = 1024 * 1024;

/// Why a stored file cannot be trusted. Carried inside the `io::Error` a
/// verified reader returns, so callers can tell tampering from I/O trouble.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integrity {
    /// The bytes read back hash to something else.
    Changed {
        /// What they hash to now (SHA-256, lower-case hex).
        actual: String,
    },
    /// An encrypted blob failed authentication or is malformed.
    Tampered(String),
}

impl std::fmt::Display for Integrity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Integrity::Changed { actual } => write!(f, "its SHA-256 is now {actual}"),
            Integrity::Tampered(m) => f.write_str(m),
        }
    }
}
impl std::error::Error for Integrity {}

impl Integrity {
    pub(crate) fn into_io(self) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, self)
    }
    /// The integrity fault inside an error from a verified reader, if any.
    pub fn of(e: &std::io::Error) -> Option<&Integrity> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<Integrity>())
    }
}

/// The outcome of re-reading one stored blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// It reads back whole and hashes to its name.
    Ok,
    /// There is no file for it.
    Missing,
    /// It cannot be read (the system's message).
    Unreadable(String),
    /// It reads, but is not what was stored.
    Bad(Integrity),
}

/// A reader over a stored blob's plaintext.
pub type BlobReader = Box<dyn Read + Send>;

/// The evidence-file store behind a workspace.
pub trait BlobStore: Send + Sync {
    /// Streams `src` into the store and returns its plaintext SHA-256 and size.
    /// `what` names the source in error messages; `total` is its expected size
    /// (for progress only). The same plaintext is stored once.
    fn put(
        &self,
        src: &mut dyn Read,
        what: &str,
        total: u64,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Blob>;

    /// A verified streaming reader of the blob whose plaintext SHA-256 is `sha256`.
    fn open(&self, sha256: &str) -> std::io::Result<BlobReader>;

    /// Whether a blob for `sha256` is stored (not whether it is intact).
    fn exists(&self, sha256: &str) -> bool;

    /// Where the blob for `sha256` lives (or would), for messages.
    fn location(&self, sha256: &str) -> PathBuf;

    /// Destroys the blob for `sha256`; in an encrypted store its key is
    /// overwritten first (cryptographic erasure). Returns whether one was there.
    fn purge(&self, sha256: &str) -> Result<bool>;

    /// The names of every stored blob file (for garbage collection and the
    /// conversion to an encrypted store).
    fn list(&self) -> Result<Vec<PathBuf>>;

    /// Partial files left by interrupted writes: not blobs, safe to delete
    /// when no write is running.
    fn temp_files(&self) -> Vec<PathBuf>;

    /// Whether blobs are encrypted at rest.
    fn encrypted(&self) -> bool;

    /// For operations specific to one backend (conversion, rotation).
    fn as_any(&self) -> &dyn std::any::Any;

    /// Stores a file from disk: a regular file only, opened without blocking
    /// (a FIFO or a device named like evidence never hangs the ingest).
    fn put_file(&self, src: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<Blob> {
        let (mut input, meta) = crate::input::open_regular(src, true)
            .map_err(|e| Error::io(format!("cannot read {}", src.display()), e))?;
        self.put(&mut input, &src.display().to_string(), meta.len(), progress)
    }

    /// Reads the whole blob back and says whether it is what was stored.
    /// `progress(bytes)` reports plaintext bytes read so far.
    fn check(&self, sha256: &str, progress: &mut dyn FnMut(u64)) -> Check {
        let mut reader = match self.open(sha256) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Check::Missing,
            Err(e) => return classify(e),
        };
        let mut buf = vec![0u8; CHUNK];
        let mut done = 0u64;
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Check::Ok,
                Ok(n) => {
                    done += n as u64;
                    progress(done);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return classify(e),
            }
        }
    }
}

fn classify(e: std::io::Error) -> Check {
    match Integrity::of(&e) {
        Some(i) => Check::Bad(i.clone()),
        None => Check::Unreadable(e.to_string()),
    }
}

/// Streams a blob's verified plaintext into `dest` (temp name, fsync,
/// rename): for viewing or exporting a file of an encrypted workspace.
pub fn copy_out(store: &dyn BlobStore, sha256: &str, dest: &Path) -> Result<u64> {
    let ctx = |what: &str| format!("cannot {what} {}", dest.display());
    let mut reader = store.open(sha256).map_err(|e| {
        Error::io(
            format!(
                "cannot read the stored file {}",
                store.location(sha256).display()
            ),
            e,
        )
    })?;
    crate::fsutil::write_atomic_with(dest, |file| {
        std::io::copy(&mut reader, file).map_err(|e| match Integrity::of(&e) {
            Some(i) => Error::Usage(format!(
                "the stored file {} is damaged: {i}",
                store.location(sha256).display()
            )),
            None => Error::io(ctx("write"), e),
        })
    })
}

/// Wraps a plaintext reader: hashes what passes through and, at the end,
/// fails with [`Integrity::Changed`] unless the SHA-256 is the expected one.
pub(crate) struct Verifying<R> {
    inner: R,
    hasher: Sha256Stream,
    expected: String,
    finished: bool,
}

impl<R: Read> Verifying<R> {
    pub(crate) fn new(inner: R, expected: &str) -> Self {
        Verifying {
            inner,
            hasher: Sha256Stream::new(),
            expected: expected.to_ascii_lowercase(),
            finished: false,
        }
    }
}

impl<R: Read> Read for Verifying<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.finished {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.finished = true;
            let actual = std::mem::take(&mut self.hasher).finish_hex();
            if actual != self.expected {
                return Err(Integrity::Changed { actual }.into_io());
            }
            return Ok(0);
        }
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
pub(crate) fn fill(src: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match src.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Every file under the two-character shard folders of `dir` (not `tmp/`).
pub(crate) fn shard_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(format!("cannot list {}", dir.display()), e)),
    };
    for shard in entries.filter_map(|e| e.ok()) {
        let name = shard.file_name();
        let name = name.to_string_lossy();
        if name.len() != 2 || !shard.path().is_dir() {
            continue;
        }
        let files = std::fs::read_dir(shard.path())
            .map_err(|e| Error::io(format!("cannot list {}", shard.path().display()), e))?;
        out.extend(files.filter_map(|e| e.ok()).map(|e| e.path()));
    }
    out.sort();
    Ok(out)
}

/// Files in `dir/tmp`.
pub(crate) fn tmp_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("tmp"))
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}
