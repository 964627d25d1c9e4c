//! SHA-256 helpers.
use sha2::{Digest, Sha256};

/// SHA-256 of `bytes` as 64 lower-case hex digits, the form every stored
/// hash takes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `text` is a SHA-256 as Crosswalk writes one: exactly 64
/// lower-case hex digits (upper case does not match).
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
