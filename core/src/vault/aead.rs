//! The one AES-256-GCM of the vault: one-shot sealing of small secrets (keys),
//! the STREAM chunk construction of blob files, and the random bytes both need.
//!
//! Backed by `ring`, whose AES-GCM uses the CPU's vector AES and carry-less
//! multiply (AES-NI/PCLMULQDQ, and VAES/VPCLMULQDQ where present): about seven
//! times the throughput of the portable RustCrypto crate on this project's
//! machines, which is what lets an encrypted ingest stay near a plain copy
//! (docs/BENCHMARKS.md).
//!
//! The chunk construction is STREAM with a 32-bit big-endian counter, exactly
//! as `aead::stream::StreamBE32` defines it, so blobs written before this
//! module existed read unchanged (a test seals with both and compares bytes):
//! nonce = 7-byte prefix ‖ counter (u32, big-endian) ‖ last-flag (1 byte, 0 or
//! 1). The last flag makes a stream cut at a chunk boundary fail, the counter
//! makes reordered chunks fail.
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use ring::rand::{SecureRandom, SystemRandom};

/// Bytes of an AES-GCM tag, appended to every sealed message and chunk.
pub const TAG: usize = 16;
/// Bytes of a STREAM nonce prefix.
pub const PREFIX: usize = 7;

/// Fills `buf` from the operating system's random source.
///
/// # Panics
/// When the OS has no random source at all: no key could be made safely.
pub fn fill_random(buf: &mut [u8]) {
    SystemRandom::new()
        .fill(buf)
        .expect("the operating system's random source is available");
}

fn key(k: &[u8; 32]) -> LessSafeKey {
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, k).expect("a 32-byte key fits AES-256"))
}

/// `msg` sealed under `k` with `nonce` and `aad`: ciphertext ‖ tag.
pub fn seal(k: &[u8; 32], nonce: &[u8; 12], aad: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(msg.len() + TAG);
    out.extend_from_slice(msg);
    key(k)
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(*nonce),
            Aad::from(aad),
            &mut out,
        )
        .expect("AES-GCM seals any message under its length limit");
    out
}

/// The plaintext of `sealed` (ciphertext ‖ tag), or `None` when it fails
/// authentication: wrong key, altered bytes or other `aad`.
pub fn open(k: &[u8; 32], nonce: &[u8; 12], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    let mut buf = sealed.to_vec();
    let n = key(k)
        .open_in_place(
            Nonce::assume_unique_for_key(*nonce),
            Aad::from(aad),
            &mut buf,
        )
        .ok()?
        .len();
    buf.truncate(n);
    Some(buf)
}

/// Why a chunk could not be sealed or opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkError {
    /// The stream already has 2³² − 1 chunks, the most its counter can number.
    TooMany,
    /// The chunk failed authentication.
    Unauthentic,
}

/// One STREAM (BE32) over a blob key: seals or opens its chunks in order.
pub struct Stream {
    key: LessSafeKey,
    prefix: [u8; PREFIX],
    // Wider than the u32 it numbers, so the last chunk may take u32::MAX.
    counter: u64,
}

impl Stream {
    /// A stream under `k` whose nonces start with `prefix`.
    pub fn new(k: &[u8; 32], prefix: &[u8; PREFIX]) -> Self {
        Stream {
            key: key(k),
            prefix: *prefix,
            counter: 0,
        }
    }

    /// The nonce of the next chunk. As in `StreamBE32`, counter u32::MAX is
    /// left for a final chunk, so a counter never wraps.
    fn next_nonce(&mut self, last: bool) -> Result<Nonce, ChunkError> {
        let max = u64::from(u32::MAX);
        if self.counter > max || (self.counter == max && !last) {
            return Err(ChunkError::TooMany);
        }
        let mut n = [0u8; 12];
        n[..PREFIX].copy_from_slice(&self.prefix);
        n[PREFIX..11].copy_from_slice(&(self.counter as u32).to_be_bytes());
        n[11] = last as u8;
        self.counter += 1;
        Ok(Nonce::assume_unique_for_key(n))
    }

    /// Seals `buf` in place as the next chunk (the final one if `last`),
    /// appending its tag.
    pub fn seal_next(
        &mut self,
        aad: &[u8],
        buf: &mut Vec<u8>,
        last: bool,
    ) -> Result<(), ChunkError> {
        let nonce = self.next_nonce(last)?;
        self.key
            .seal_in_place_append_tag(nonce, Aad::from(aad), buf)
            .map_err(|_| ChunkError::TooMany)
    }

    /// Opens `buf` (ciphertext ‖ tag) in place as the next chunk (the final
    /// one if `last`), leaving only its plaintext.
    pub fn open_next(
        &mut self,
        aad: &[u8],
        buf: &mut Vec<u8>,
        last: bool,
    ) -> Result<(), ChunkError> {
        let nonce = self.next_nonce(last)?;
        let n = self
            .key
            .open_in_place(nonce, Aad::from(aad), buf)
            .map_err(|_| ChunkError::Unauthentic)?
            .len();
        buf.truncate(n);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_gcm::aead::stream::{DecryptorBE32, EncryptorBE32};
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    use aes_gcm::{Aes256Gcm, Key};

    const K: [u8; 32] = [0x42; 32];
    const P: [u8; PREFIX] = [1, 2, 3, 4, 5, 6, 7];

    /// Chunks of uneven sizes, a non-empty final one, and an empty final one.
    fn chunks() -> Vec<Vec<Vec<u8>>> {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        vec![
            vec![
                data[..1000].to_vec(),
                data[1000..2000].to_vec(),
                data[2000..2300].to_vec(),
            ],
            vec![data[..4096].to_vec(), Vec::new()],
            vec![Vec::new()],
        ]
    }

    #[test]
    fn chunks_are_byte_identical_to_the_stream_be32_the_vault_used_to_write() {
        for stream in chunks() {
            let mut ours = Stream::new(&K, &P);
            let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&K));
            let mut theirs = Some(EncryptorBE32::from_aead(cipher, (&P).into()));
            for (i, chunk) in stream.iter().enumerate() {
                let last = i + 1 == stream.len();
                let mut a = chunk.clone();
                ours.seal_next(b"header", &mut a, last).unwrap();
                let b = if last {
                    theirs.take().unwrap().encrypt_last(Payload {
                        msg: chunk,
                        aad: b"header",
                    })
                } else {
                    theirs.as_mut().unwrap().encrypt_next(Payload {
                        msg: chunk,
                        aad: b"header",
                    })
                }
                .unwrap();
                assert_eq!(a, b, "chunk {i}");
            }
        }
    }

    #[test]
    fn chunks_sealed_the_old_way_open_and_reordered_or_relabelled_ones_do_not() {
        let stream = &chunks()[0];
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&K));
        let mut enc = EncryptorBE32::from_aead(cipher, (&P).into());
        let mut sealed: Vec<Vec<u8>> = stream[..2]
            .iter()
            .map(|c| {
                enc.encrypt_next(Payload {
                    msg: &c[..],
                    aad: b"h",
                })
                .unwrap()
            })
            .collect();
        sealed.push(
            enc.encrypt_last(Payload {
                msg: &stream[2][..],
                aad: b"h",
            })
            .unwrap(),
        );

        let mut dec = Stream::new(&K, &P);
        for (i, s) in sealed.iter().enumerate() {
            let mut buf = s.clone();
            dec.open_next(b"h", &mut buf, i == 2).unwrap();
            assert_eq!(buf, stream[i]);
        }
        // Swapped chunks fail, and so does a middle chunk offered as the last.
        let mut swapped = Stream::new(&K, &P);
        let mut buf = sealed[1].clone();
        assert_eq!(
            swapped.open_next(b"h", &mut buf, false),
            Err(ChunkError::Unauthentic)
        );
        let mut early_end = Stream::new(&K, &P);
        let mut buf = sealed[0].clone();
        assert_eq!(
            early_end.open_next(b"h", &mut buf, true),
            Err(ChunkError::Unauthentic)
        );
        // The old crate opens what this one seals.
        let mut ours = Stream::new(&K, &P);
        let mut buf = stream[0].clone();
        ours.seal_next(b"h", &mut buf, false).unwrap();
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&K));
        let mut old = DecryptorBE32::from_aead(cipher, (&P).into());
        assert_eq!(
            old.decrypt_next(Payload {
                msg: &buf[..],
                aad: b"h"
            })
            .unwrap(),
            stream[0]
        );
    }

    #[test]
    fn one_shot_seal_matches_the_old_crate_and_refuses_a_changed_aad() {
        let nonce = [9u8; 12];
        let ours = seal(&K, &nonce, b"purpose", b"a 32-byte data key goes here....");
        let theirs = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&K))
            .encrypt(
                (&nonce).into(),
                Payload {
                    msg: b"a 32-byte data key goes here....",
                    aad: b"purpose",
                },
            )
            .unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(
            open(&K, &nonce, b"purpose", &ours).unwrap(),
            b"a 32-byte data key goes here...."
        );
        assert_eq!(open(&K, &nonce, b"other", &ours), None);
        assert_eq!(open(&[0u8; 32], &nonce, b"purpose", &ours), None);
    }

    #[test]
    fn the_counter_stops_before_it_can_wrap() {
        let mut s = Stream::new(&K, &P);
        s.counter = u64::from(u32::MAX) - 1;
        let mut buf = vec![1, 2, 3];
        assert_eq!(s.seal_next(b"", &mut buf, false), Ok(()));
        let mut at_max = Stream {
            counter: s.counter,
            ..Stream::new(&K, &P)
        };
        assert_eq!(
            at_max.seal_next(b"", &mut vec![1], false),
            Err(ChunkError::TooMany)
        );
        assert_eq!(s.seal_next(b"", &mut buf, true), Ok(()));
        assert_eq!(
            s.seal_next(b"", &mut vec![1], true),
            Err(ChunkError::TooMany)
        );
    }
}
