//! The one way a blob is written: read and hashed on the calling thread,
//! transformed (sealed, or left as it is) and written on a second thread,
//! into a temporary file that is fsynced and renamed into place.
//!
//! Two threads because the SHA-256 of the plaintext (the evidence's
//! identity) and the writing side each take about as long as the other on a
//! large file; run one after the other, a core waits on the page cache while
//! the other idles. Buffers go round a bounded loop of channels, so chunks
//! are written in the order they were read and memory stays flat: at most
//! [`DEPTH`] buffers of [`CHUNK`] bytes (plus the transform's overhead),
//! whatever the file's size.
use super::{fill, Integrity, CHUNK};
use crate::error::{Error, Result};
use crate::hash::Sha256Stream;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use tempfile::NamedTempFile;

/// Chunk buffers in flight between the two threads: enough to keep both
/// cores busy, few enough that memory stays flat.
const DEPTH: usize = 4;

/// How much is written before the kernel is asked to start writing it out.
/// Left alone, a large file piles up as dirty pages until the kernel throttles
/// the writer hard (a 1 GiB ingest took 1–3 s depending on what was dirty
/// before, `crosswalk-bench ingest-lab`); starting writeback every few MiB
/// keeps the final fsync short and the time steady. Durability still comes
/// from that fsync.
const WRITEBACK_EVERY: u64 = 8 << 20;

/// What the writing thread does to each chunk before writing it: `last` is
/// true for the final (short, possibly empty) chunk. A transform may grow
/// the buffer by at most the `overhead` given to [`stream_to_temp`]; an
/// error is the reason, for a message "cannot store {what}: {reason}".
pub(crate) type Transform<'a> =
    dyn FnMut(&mut Vec<u8>, bool) -> std::result::Result<(), String> + Send + 'a;

/// The data a blob is made from, as [`super::BlobStore::put`] receives it.
pub(crate) struct Incoming<'a> {
    /// The plaintext, read to its end.
    pub input: &'a mut dyn Read,
    /// What it is, for messages (a path, or "stored file …").
    pub what: &'a str,
    /// Its expected size in bytes, for progress only (0 when unknown).
    pub total: u64,
    /// `(done, total)`: plaintext bytes written so far.
    pub progress: &'a mut dyn FnMut(u64, u64),
}

/// A new temporary file in `<vault>/tmp` holding `prologue` and then every
/// chunk of the incoming plaintext passed through `transform`; returns it
/// with the plaintext's SHA-256 and size. On any error the temporary file is
/// dropped (deleted).
pub(crate) fn stream_to_temp(
    vault: &Path,
    from: Incoming<'_>,
    prologue: &[u8],
    overhead: usize,
    transform: &mut Transform<'_>,
) -> Result<(NamedTempFile, String, u64)> {
    let Incoming {
        input,
        what,
        total,
        progress,
    } = from;
    let tmp_dir = vault.join("tmp");
    std::fs::create_dir_all(&tmp_dir)
        .map_err(|e| Error::io("cannot create the vault's tmp folder", e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix("ingest-")
        .tempfile_in(&tmp_dir)
        .map_err(|e| Error::io("cannot create a file in the vault", e))?;
    tmp.write_all(prologue)
        .map_err(|e| Error::io("cannot write to the vault", e))?;
    let (full_tx, full_rx) = mpsc::sync_channel::<Vec<u8>>(DEPTH);
    let (free_tx, free_rx) = mpsc::sync_channel::<Vec<u8>>(DEPTH);
    let out = tmp.as_file_mut();
    let (sha256, size) = std::thread::scope(|s| {
        let writer = s.spawn(move || write_chunks(transform, what, full_rx, free_tx, out));
        let read = hash_chunks(input, what, total, progress, overhead, full_tx, free_rx);
        let written = writer
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        match (read, written) {
            // An input error wins over the writer's, which then only saw
            // the stream stop.
            (Err(e), _) | (Ok(_), Err(e)) => Err(e),
            (Ok(Some(done)), Ok(true)) => Ok(done),
            // The writer stops early only on an error, and reading only
            // stops early when the writer has.
            _ => Err(Error::Usage(format!(
                "cannot store {what}: the stream ended early"
            ))),
        }
    })?;
    Ok((tmp, sha256, size))
}

/// Fsyncs `tmp`, renames it to `dest` (making its shard folder) and syncs
/// the folder: a blob under its final name is complete.
pub(crate) fn persist(tmp: NamedTempFile, dest: &Path) -> Result<()> {
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io("cannot sync the vault", e))?;
    let shard = dest.parent().expect("a blob path has a shard folder");
    std::fs::create_dir_all(shard).map_err(|e| Error::io("cannot create a vault folder", e))?;
    tmp.persist(dest)
        .map_err(|e| Error::io("cannot store the file in the vault", e.error))?;
    crate::fsutil::sync_dir(shard);
    Ok(())
}

/// The reading side: fills buffers, hashes them, passes them on; a buffer
/// shorter than `CHUNK` is the last. `None` when the writing side stopped
/// first (its error says why).
fn hash_chunks(
    input: &mut dyn Read,
    what: &str,
    total: u64,
    progress: &mut dyn FnMut(u64, u64),
    overhead: usize,
    full: mpsc::SyncSender<Vec<u8>>,
    free: mpsc::Receiver<Vec<u8>>,
) -> Result<Option<(String, u64)>> {
    let mut hasher = Sha256Stream::new();
    let (mut made, mut read, mut written) = (0usize, 0u64, 0u64);
    let mut sent = std::collections::VecDeque::with_capacity(DEPTH);
    progress(0, total);
    loop {
        let mut buf = if made < DEPTH {
            made += 1;
            Vec::with_capacity(CHUNK + overhead)
        } else {
            let Ok(b) = free.recv() else { return Ok(None) };
            written += sent.pop_front().unwrap_or(0);
            progress(written, total);
            b
        };
        buf.resize(CHUNK, 0);
        let n = fill(input, &mut buf).map_err(|e| match Integrity::of(&e) {
            Some(i) => Error::Usage(format!("{what} is damaged: {i}")),
            None => Error::io(format!("cannot read {what}"), e),
        })?;
        buf.truncate(n);
        hasher.update(&buf);
        read += n as u64;
        sent.push_back(n as u64);
        if full.send(buf).is_err() {
            return Ok(None);
        }
        if n < CHUNK {
            break;
        }
    }
    drop(full);
    // The writer hands every buffer back, then hangs up when it is done.
    for _ in free.iter() {
        written += sent.pop_front().unwrap_or(0);
        progress(written, total);
    }
    Ok(Some((hasher.finish_hex(), read)))
}

/// The writing side: transforms each buffer in place, writes it, hands the
/// buffer back. `Ok(false)` when the stream stopped before its last chunk.
fn write_chunks(
    transform: &mut Transform<'_>,
    what: &str,
    full: mpsc::Receiver<Vec<u8>>,
    free: mpsc::SyncSender<Vec<u8>>,
    out: &mut std::fs::File,
) -> Result<bool> {
    let (mut written, mut flushed) = (0u64, 0u64);
    while let Ok(mut buf) = full.recv() {
        let last = buf.len() < CHUNK;
        transform(&mut buf, last)
            .map_err(|why| Error::Usage(format!("cannot store {what}: {why}")))?;
        out.write_all(&buf)
            .map_err(|e| Error::io("cannot write to the vault", e))?;
        written += buf.len() as u64;
        if written - flushed >= WRITEBACK_EVERY {
            start_writeback(out, flushed, written - flushed);
            flushed = written;
        }
        // The reader may have stopped; its buffer is simply dropped.
        let _ = free.send(buf);
        if last {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Asks the kernel to start writing `len` bytes at `offset` of `file` to
/// disk, without waiting (Linux `sync_file_range(WRITE)`). A hint: elsewhere,
/// or if it fails, the fsync before the rename does all the work.
#[cfg(target_os = "linux")]
fn start_writeback(file: &std::fs::File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // SAFETY: the descriptor is open for the whole call (we hold `file`);
    // the call only starts writeback of pages already written.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &std::fs::File, _offset: u64, _len: u64) {}
