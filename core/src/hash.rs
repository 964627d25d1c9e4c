//! SHA-256 helpers.

/// SHA-256 of `bytes` as 64 lower-case hex digits, the form every stored
/// hash takes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, bytes))
}

/// A SHA-256 over data that arrives in pieces (a file streamed in chunks).
/// `ring`'s SHA-256 uses the CPU's SHA extensions where present, which makes
/// hashing a large evidence file about as fast as `openssl dgst`.
pub struct Sha256Stream(ring::digest::Context);

impl Sha256Stream {
    /// An empty hash.
    pub fn new() -> Self {
        Sha256Stream(ring::digest::Context::new(&ring::digest::SHA256))
    }

    /// Adds `bytes` to what has been hashed.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The SHA-256 of everything added, as 64 lower-case hex digits.
    pub fn finish_hex(self) -> String {
        hex::encode(self.0.finish())
    }
}

impl Default for Sha256Stream {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `text` is a SHA-256 as Crosswalk writes one: exactly 64
/// lower-case hex digits (upper case does not match).
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
