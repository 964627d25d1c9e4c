//! The encrypted vault. Each blob is `evidence/<2>/<name>.cwb` where `name` is
//! HMAC-SHA256(name key, plaintext SHA-256 in hex): the stored names do not
//! reveal which file is inside, yet the same plaintext is stored once.
//!
//! A blob file (all integers big-endian; format in docs/formats.md):
//!
//! ```text
//! header (80 bytes)
//!   0  magic "CWBLOB\0\1"            8
//!   8  chunk size (plaintext bytes)  4
//!  12  key nonce                     12
//!  24  blob key, AES-256-GCM-wrapped by the wrap key, AAD = bytes 0..12   48
//!  72  STREAM nonce prefix           7
//!  79  reserved (0)                  1
//! chunks: AES-256-GCM under the blob key, nonce = prefix || counter (u32) ||
//!   last-flag (u8) (the STREAM construction, `aead::stream::StreamBE32`),
//!   AAD = the whole header. Every chunk but the last holds exactly
//!   `chunk size` plaintext bytes; the last holds fewer (possibly none), so a
//!   file cut at a chunk boundary is caught as well as one cut inside a chunk.
//! ```
//!
//! Flipped bytes, swapped or dropped chunks, a cut file or a changed header all
//! fail authentication; a blob moved to another name fails the SHA-256 check.
//! Purging a blob overwrites its header (the only copy of its key) before
//! deleting the file: without the key the ciphertext is noise.
use super::aead::{self, fill_random, Stream, PREFIX, TAG};
use super::{
    fill, pipeline, shard_files, tmp_files, BlobReader, BlobStore, Integrity, Verifying, CHUNK,
};
use crate::error::{Error, Result};
use crate::evidence::Blob;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The first 8 bytes of every encrypted blob file (format version 1).
pub const MAGIC: &[u8; 8] = b"CWBLOB\x00\x01";
/// Size in bytes of a blob file's header (see the module docs).
pub const HEADER_LEN: usize = 80;
/// Encrypted blob files end in this, so they are never mistaken for
/// plaintext blobs (also named by 64 hex digits) during a conversion.
pub const SUFFIX: &str = "cwb";

/// The two keys an encrypted store needs, both derived from the data key.
#[derive(Clone)]
pub struct BlobKeys {
    pub(crate) wrap: Zeroizing<[u8; 32]>,
    pub(crate) name: Zeroizing<[u8; 32]>,
}

impl BlobKeys {
    pub(crate) fn from_data_key(dk: &[u8; 32]) -> Self {
        BlobKeys {
            wrap: derive(dk, b"crosswalk/blob-wrap"),
            name: derive(dk, b"crosswalk/blob-name"),
        }
    }

    /// The stored name of the blob whose plaintext SHA-256 is `sha256`.
    pub(crate) fn name_of(&self, sha256: &str) -> String {
        hex::encode(hmac_sha256(
            &self.name[..],
            sha256.to_ascii_lowercase().as_bytes(),
        ))
    }

    fn path(&self, dir: &Path, sha256: &str) -> PathBuf {
        let name = self.name_of(sha256);
        dir.join(&name[..2]).join(format!("{name}.{SUFFIX}"))
    }
}

/// HMAC-SHA256(key, label): one independent subkey per purpose.
pub(crate) fn derive(key: &[u8], label: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(hmac_sha256(key, label).as_ref());
    out
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> ring::hmac::Tag {
    ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key), msg)
}

/// The store. During a data-key rotation `previous` holds the outgoing keys
/// (reads fall back to them); during a conversion from a plaintext workspace
/// `plain_fallback` lets reads find blobs not yet encrypted.
pub struct EncryptedStore {
    dir: PathBuf,
    keys: BlobKeys,
    previous: Option<BlobKeys>,
    plain_fallback: bool,
}

impl EncryptedStore {
    /// A store over the vault folder `dir` under `keys`; `previous` and `plain_fallback` as described on the type.
    pub fn new(
        dir: impl Into<PathBuf>,
        keys: BlobKeys,
        previous: Option<BlobKeys>,
        plain_fallback: bool,
    ) -> Self {
        EncryptedStore {
            dir: dir.into(),
            keys,
            previous,
            plain_fallback,
        }
    }

    /// Where a blob is now: under the current keys, the previous keys, or
    /// (while converting) as plaintext.
    pub(crate) fn find(&self, sha256: &str) -> Option<(PathBuf, Where)> {
        let p = self.keys.path(&self.dir, sha256);
        if p.is_file() {
            return Some((p, Where::Current));
        }
        if let Some(prev) = &self.previous {
            let p = prev.path(&self.dir, sha256);
            if p.is_file() {
                return Some((p, Where::Previous));
            }
        }
        if self.plain_fallback {
            let p = super::plain::path(&self.dir, sha256);
            if p.is_file() {
                return Some((p, Where::Plain));
            }
        }
        None
    }

    fn keys_for(&self, w: Where) -> &BlobKeys {
        match w {
            Where::Previous => self.previous.as_ref().expect("found under previous keys"),
            _ => &self.keys,
        }
    }

    /// Moves one blob to the current keys (from plaintext or the previous
    /// keys): write the new blob completely, then destroy the old one. Safe to
    /// repeat after a crash at any point. Returns whether anything was moved.
    pub(crate) fn migrate(&self, sha256: &str) -> Result<bool> {
        let Some((old, w)) = self.find(sha256) else {
            return Ok(false);
        };
        if w == Where::Current {
            // A crash may have left the old copy behind after the new one landed.
            let mut moved = false;
            if self.plain_fallback {
                moved |= remove_plain(&super::plain::path(&self.dir, sha256))?;
            }
            if let Some(prev) = &self.previous {
                moved |= destroy(&prev.path(&self.dir, sha256))?;
            }
            return Ok(moved);
        }
        let mut reader = self.open(sha256).map_err(|e| read_error(&old, e, sha256))?;
        let blob = self.put_with(
            &mut reader,
            &old.display().to_string(),
            0,
            &mut |_, _| {},
            true,
        )?;
        debug_assert_eq!(blob.sha256, sha256);
        match w {
            Where::Plain => remove_plain(&old)?,
            _ => destroy(&old)?,
        };
        Ok(true)
    }

    /// Streams `input` into a new blob: hashed on this thread, encrypted and
    /// written on another (see [`pipeline`]), then fsynced and renamed into
    /// place unless an intact copy is already there.
    fn put_with(
        &self,
        input: &mut dyn Read,
        what: &str,
        total: u64,
        progress: &mut dyn FnMut(u64, u64),
        verified_source: bool,
    ) -> Result<Blob> {
        let (header, blob_key) = new_header(&self.keys.wrap)?;
        let mut chunks = Stream::new(
            &blob_key,
            header[72..72 + PREFIX].try_into().expect("7 bytes"),
        );
        let (tmp, sha256, size) = pipeline::stream_to_temp(
            &self.dir,
            pipeline::Incoming {
                input,
                what,
                total,
                progress,
            },
            &header,
            TAG,
            &mut |buf, last| {
                chunks
                    .seal_next(&header, buf, last)
                    .map_err(|_| "it has too many chunks to encrypt".to_string())
            },
        )?;
        let dest = self.keys.path(&self.dir, &sha256);
        if dest.exists()
            && (verified_source || self.check(&sha256, &mut |_| {}) == super::Check::Ok)
        {
            return Ok(Blob { sha256, size });
        }
        pipeline::persist(tmp, &dest)?;
        Ok(Blob { sha256, size })
    }
}

/// A fresh blob header: a random blob key, wrapped under `wrap`, and a random
/// STREAM nonce prefix. Returns the header and the blob key.
fn new_header(wrap: &[u8; 32]) -> Result<([u8; HEADER_LEN], Zeroizing<[u8; 32]>)> {
    let mut blob_key = Zeroizing::new([0u8; 32]);
    fill_random(&mut blob_key[..]);
    let mut header = [0u8; HEADER_LEN];
    header[..8].copy_from_slice(MAGIC);
    header[8..12].copy_from_slice(&(CHUNK as u32).to_be_bytes());
    fill_random(&mut header[12..24]);
    let nonce: [u8; 12] = header[12..24].try_into().expect("12 bytes");
    let wrapped = aead::seal(wrap, &nonce, &header[..12], &blob_key[..]);
    header[24..72].copy_from_slice(&wrapped);
    fill_random(&mut header[72..72 + PREFIX]);
    Ok((header, blob_key))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Where {
    Current,
    Previous,
    Plain,
}

fn read_error(path: &Path, e: std::io::Error, _sha: &str) -> Error {
    Error::io(format!("cannot read {}", path.display()), e)
}

fn remove_plain(p: &Path) -> Result<bool> {
    match std::fs::remove_file(p) {
        Ok(()) => {
            if let Some(d) = p.parent() {
                crate::fsutil::sync_dir(d);
            }
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(format!("cannot delete {}", p.display()), e)),
    }
}

/// Overwrites the header (the wrapped key) with random bytes, syncs, deletes.
pub(crate) fn destroy(p: &Path) -> Result<bool> {
    let mut f = match std::fs::OpenOptions::new().write(true).open(p) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io(format!("cannot erase {}", p.display()), e)),
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0) as usize;
    let mut noise = vec![0u8; HEADER_LEN.min(len)];
    fill_random(&mut noise);
    f.write_all(&noise)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io(format!("cannot erase {}", p.display()), e))?;
    drop(f);
    remove_plain(p)
}

impl BlobStore for EncryptedStore {
    fn put(
        &self,
        input: &mut dyn Read,
        what: &str,
        total: u64,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Blob> {
        self.put_with(input, what, total, progress, false)
    }

    fn open(&self, sha256: &str) -> std::io::Result<BlobReader> {
        let Some((path, w)) = self.find(sha256) else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "no stored file {}",
                    self.keys.path(&self.dir, sha256).display()
                ),
            ));
        };
        let (file, _) = crate::input::open_regular(&path, false)?;
        if w == Where::Plain {
            return Ok(Box::new(Verifying::new(file, sha256)));
        }
        let reader = ChunkReader::new(file, &self.keys_for(w).wrap)?;
        Ok(Box::new(Verifying::new(reader, sha256)))
    }

    fn exists(&self, sha256: &str) -> bool {
        self.find(sha256).is_some()
    }

    fn location(&self, sha256: &str) -> PathBuf {
        self.find(sha256)
            .map(|(p, _)| p)
            .unwrap_or_else(|| self.keys.path(&self.dir, sha256))
    }

    fn purge(&self, sha256: &str) -> Result<bool> {
        let mut any = false;
        while let Some((p, w)) = self.find(sha256) {
            any |= match w {
                Where::Plain => remove_plain(&p)?,
                _ => destroy(&p)?,
            };
        }
        Ok(any)
    }

    fn list(&self) -> Result<Vec<PathBuf>> {
        shard_files(&self.dir)
    }

    fn temp_files(&self) -> Vec<PathBuf> {
        tmp_files(&self.dir)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn encrypted(&self) -> bool {
        true
    }
}

/// Decrypts a blob file chunk by chunk; every chunk is authenticated before
/// a byte of it is returned.
pub(crate) struct ChunkReader {
    file: File,
    header: [u8; HEADER_LEN],
    dec: Stream,
    chunk: usize,
    buf: Vec<u8>,
    pos: usize,
    index: u64,
    done: bool,
}

impl ChunkReader {
    pub(crate) fn new(mut file: File, wrap: &[u8; 32]) -> std::io::Result<Self> {
        let mut header = [0u8; HEADER_LEN];
        let n = fill(&mut file, &mut header)?;
        let bad = |m: &str| Integrity::Tampered(m.to_string()).into_io();
        if n < HEADER_LEN || &header[..8] != MAGIC {
            return Err(bad("it is not an encrypted Crosswalk blob (bad header)"));
        }
        let chunk = u32::from_be_bytes(header[8..12].try_into().unwrap()) as usize;
        if chunk == 0 || chunk > 64 * CHUNK {
            return Err(bad("its header is damaged (chunk size)"));
        }
        let nonce: [u8; 12] = header[12..24].try_into().expect("12 bytes");
        let key = aead::open(wrap, &nonce, &header[..12], &header[24..72])
            .filter(|k| k.len() == 32)
            .ok_or_else(|| {
                bad("its key does not unwrap (header altered, or another workspace's blob)")
            })?;
        let key = Zeroizing::new(key);
        let dec = Stream::new(
            key[..].try_into().expect("32 bytes"),
            header[72..72 + PREFIX].try_into().expect("7 bytes"),
        );
        Ok(ChunkReader {
            file,
            header,
            dec,
            chunk,
            buf: Vec::with_capacity(chunk + TAG),
            pos: 0,
            index: 0,
            done: false,
        })
    }

    fn next_chunk(&mut self) -> std::io::Result<()> {
        let full = self.chunk + TAG;
        self.buf.resize(full, 0);
        let n = fill(&mut self.file, &mut self.buf)?;
        self.buf.truncate(n);
        self.pos = 0;
        let i = self.index;
        let fail = |m: String| Integrity::Tampered(m).into_io();
        if n == full {
            self.dec
                .open_next(&self.header, &mut self.buf, false)
                .map_err(|_| {
                    fail(format!(
                        "chunk {i} fails authentication (altered, reordered or replaced)"
                    ))
                })?;
        } else if n < TAG {
            return Err(fail(format!(
                "it is truncated: chunk {i} is missing or cut short (the final chunk never came)"
            )));
        } else {
            self.dec
                .open_next(&self.header, &mut self.buf, true)
                .map_err(|_| {
                    fail(format!(
                        "chunk {i} fails authentication as the final chunk (altered, truncated or reordered)"
                    ))
                })?;
            let mut extra = [0u8; 1];
            if fill(&mut self.file, &mut extra)? != 0 {
                return Err(fail(format!("it has data after its final chunk {i}")));
            }
            self.done = true;
        }
        self.index += 1;
        Ok(())
    }
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.buf.len() {
            if self.done {
                return Ok(0);
            }
            self.next_chunk()?;
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Subkeys and blob names are HMAC-SHA256 as RFC 4231 defines it, so the
    /// names of blobs already on disk stay the names this code looks for.
    #[test]
    fn subkeys_are_rfc_4231_hmac_sha256() {
        assert_eq!(
            hex::encode(&derive(b"Jefe", b"what do ya want for nothing?")[..]),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
