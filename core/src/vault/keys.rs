//! Keys of an encrypted workspace and the key file that holds them.
//!
//! One random 256-bit **data key** per workspace. It never sits on disk in the
//! clear: `crosswalk.key` (JSON, mode 0600, written atomically) holds it
//! wrapped (AES-256-GCM) twice, by a key derived from the passphrase with
//! Argon2id and by a key derived from a random **recovery key** shown once.
//! Changing the passphrase re-wraps; nothing else is touched. Everything else
//! is derived from the data key with HMAC-SHA256 and a label: the SQLCipher
//! key, the blob-wrapping key, the blob-naming key.
//!
//! A rotation writes the next data key into the file (`next`, wrapped the same
//! ways, plus each key wrapped by the other) before anything is re-encrypted,
//! so an interrupted rotation can always be resumed with either passphrase or
//! either recovery key.
//!
//! Every wrapping carries its purpose as associated data, and the file carries
//! a SHA-256 checksum of its body: a damaged file is told apart from a wrong
//! passphrase.
use super::aead::{self, fill_random};
use super::encrypted::derive;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// The key file's name in the data folder; its presence makes a workspace encrypted.
pub const KEY_FILE: &str = "crosswalk.key";
const FORMAT: &str = "crosswalk-keyfile";
const VERSION: u32 = 1;

/// Argon2id limits. The floor is OWASP's minimum for Argon2id (19 MiB, two
/// passes); the ceilings stop a hostile key file from making unlock take
/// hours or all memory.
pub const KDF_MIN_MEMORY_KIB: u32 = 19 * 1024;
/// Most Argon2id memory a key file may ask for, in KiB (1 GiB).
pub const KDF_MAX_MEMORY_KIB: u32 = 1024 * 1024;
/// Fewest Argon2id passes a key file may ask for.
pub const KDF_MIN_ITERATIONS: u32 = 2;
/// Most Argon2id passes a key file may ask for.
pub const KDF_MAX_ITERATIONS: u32 = 64;
/// Unlock time aimed at when a key file is created; `CROSSWALK_KDF_TARGET_MS`
/// overrides it (lower is weaker against guessing: for tests and slow machines).
pub const KDF_TARGET_MS: u64 = 500;
/// A key file larger than this is not one.
const KEY_FILE_MAX_BYTES: u64 = 64 * 1024;

/// The 32-byte key everything of a workspace is encrypted under; zeroed when dropped.
pub type DataKey = Zeroizing<[u8; 32]>;

/// How a user unlocks an encrypted workspace.
pub enum Secret {
    /// The user's passphrase.
    Passphrase(Zeroizing<String>),
    /// The recovery key shown once at creation (or rotation), as typed.
    RecoveryKey(Zeroizing<String>),
    /// The data key kept in the OS keyring (`crosswalk vault keyring on`).
    Keyring,
}

/// A recovery key: 32 random bytes shown as eight groups of eight hex digits.
pub struct RecoveryKey(pub(crate) Zeroizing<[u8; 32]>);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(…)")
    }
}

impl RecoveryKey {
    fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        fill_random(&mut k[..]);
        RecoveryKey(k)
    }
    /// The key as shown to the user: 64 hex digits in eight groups of eight, joined by `-`.
    pub fn display(&self) -> Zeroizing<String> {
        let h = Zeroizing::new(hex::encode(&self.0[..]));
        Zeroizing::new(
            h.as_bytes()
                .chunks(8)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("-"),
        )
    }
    /// Reads a key as typed (any case; spaces and `-` ignored); an error says what a recovery key looks like.
    pub fn parse(text: &str) -> Result<Self> {
        let digits: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect::<String>()
                .to_ascii_lowercase(),
        );
        let bytes = Zeroizing::new(hex::decode(digits.as_bytes()).unwrap_or_default());
        if bytes.len() != 32 {
            return Err(Error::Locked(
                "that is not a recovery key: expected 64 hex digits (eight groups of eight)".into(),
            ));
        }
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&bytes);
        Ok(RecoveryKey(k))
    }
    fn kek(&self) -> Zeroizing<[u8; 32]> {
        derive(&self.0[..], b"crosswalk/recovery-kek")
    }
}

/// The passphrase's key derivation (Argon2id), as stored in the key file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ts_rs::TS)]
pub struct KdfParams {
    /// Always `argon2id`.
    pub algorithm: String,
    /// Argon2 version; 0x13 (19).
    pub version: u32,
    /// Memory per derivation in KiB, within the `KDF_*_MEMORY_KIB` limits.
    pub memory_kib: u32,
    /// Passes over the memory, within the `KDF_*_ITERATIONS` limits.
    pub iterations: u32,
    /// Lanes; 1.
    pub parallelism: u32,
    /// The random salt, hex.
    pub salt: String,
    /// How long one derivation took on the machine that chose these, in ms.
    pub measured_ms: u64,
}

impl KdfParams {
    fn derive(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>> {
        let damaged = |what: &str| {
            Error::Locked(format!("the key file is damaged ({what}); restore it from a backup or unlock with the recovery key"))
        };
        if self.algorithm != "argon2id" || self.version != 0x13 {
            return Err(damaged("unknown key derivation"));
        }
        if !(KDF_MIN_MEMORY_KIB..=KDF_MAX_MEMORY_KIB).contains(&self.memory_kib)
            || !(KDF_MIN_ITERATIONS..=KDF_MAX_ITERATIONS).contains(&self.iterations)
            || !(1..=16).contains(&self.parallelism)
        {
            return Err(damaged("key derivation parameters out of range"));
        }
        let salt = hex::decode(&self.salt).map_err(|_| damaged("salt"))?;
        argon2_into(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            passphrase.as_bytes(),
            &salt,
        )
    }

    /// Fresh parameters tuned so one derivation takes about `target` here:
    /// measured, not guessed. Memory grows first (it is what makes guessing
    /// expensive on GPUs), passes only once memory is at its ceiling.
    pub fn tune(target: Duration) -> Result<Self> {
        let mut salt = [0u8; 16];
        fill_random(&mut salt);
        let probe_m = 32 * 1024;
        let mut t = 3;
        let el = time_argon2(probe_m, t)?;
        let scale = target.as_secs_f64() / el.as_secs_f64().max(1e-6);
        let mut m = ((probe_m as f64 * scale) as u32).clamp(KDF_MIN_MEMORY_KIB, KDF_MAX_MEMORY_KIB);
        if m == KDF_MIN_MEMORY_KIB && scale < (KDF_MIN_MEMORY_KIB as f64 / probe_m as f64) {
            t = KDF_MIN_ITERATIONS; // a low target: the floor, as fast as allowed
        }
        let mut measured = time_argon2(m, t)?;
        if m == KDF_MAX_MEMORY_KIB && measured < target {
            t = ((t as f64 * target.as_secs_f64() / measured.as_secs_f64()).ceil() as u32)
                .clamp(KDF_MIN_ITERATIONS, KDF_MAX_ITERATIONS);
            measured = time_argon2(m, t)?;
        } else if m > KDF_MIN_MEMORY_KIB {
            // One correction step: the first estimate assumed linear cost.
            let m2 = ((m as f64 * target.as_secs_f64() / measured.as_secs_f64()) as u32)
                .clamp(KDF_MIN_MEMORY_KIB, KDF_MAX_MEMORY_KIB);
            if (m2 as f64 - m as f64).abs() / (m as f64) > 0.15 {
                m = m2;
                measured = time_argon2(m, t)?;
            }
        }
        Ok(KdfParams {
            algorithm: "argon2id".into(),
            version: 0x13,
            memory_kib: m,
            iterations: t,
            parallelism: 1,
            salt: hex::encode(salt),
            measured_ms: measured.as_millis() as u64,
        })
    }

    /// The target from `CROSSWALK_KDF_TARGET_MS`, else [`KDF_TARGET_MS`].
    pub fn target() -> Duration {
        let ms = std::env::var("CROSSWALK_KDF_TARGET_MS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|ms| *ms > 0)
            .unwrap_or(KDF_TARGET_MS);
        Duration::from_millis(ms)
    }
}

fn argon2_into(m: u32, t: u32, p: u32, pwd: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    let params = argon2::Params::new(m, t, p, Some(32))
        .map_err(|e| Error::Locked(format!("bad key derivation parameters: {e}")))?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    a.hash_password_into(pwd, salt, &mut out[..])
        .map_err(|e| Error::Locked(format!("key derivation failed: {e}")))?;
    Ok(out)
}

fn time_argon2(m: u32, t: u32) -> Result<Duration> {
    let start = Instant::now();
    argon2_into(m, t, 1, b"crosswalk tuning probe", b"crosswalk-probe-salt")?;
    Ok(start.elapsed())
}

/// One AES-256-GCM wrapping of a 32-byte key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Wrapped {
    /// The 12-byte nonce, hex.
    pub nonce: String,
    /// The wrapped key with its 16-byte tag, hex.
    pub ciphertext: String,
}

impl Wrapped {
    fn seal(kek: &[u8; 32], key: &[u8], purpose: &str) -> Self {
        let mut nonce = [0u8; 12];
        fill_random(&mut nonce);
        let ct = aead::seal(kek, &nonce, aad(purpose).as_bytes(), key);
        Wrapped {
            nonce: hex::encode(nonce),
            ciphertext: hex::encode(ct),
        }
    }

    /// `None` when the key-encryption key is wrong (or the wrapping altered;
    /// the file checksum has ruled out accidental damage by then).
    fn open(&self, kek: &[u8; 32], purpose: &str) -> Result<Option<DataKey>> {
        let damaged = || {
            Error::Locked(
                "the key file is damaged (a wrapped key is malformed); restore it from a backup"
                    .into(),
            )
        };
        let nonce = hex::decode(&self.nonce).map_err(|_| damaged())?;
        let ct = hex::decode(&self.ciphertext).map_err(|_| damaged())?;
        let (Ok(nonce), 48) = (<[u8; 12]>::try_from(nonce), ct.len()) else {
            return Err(damaged());
        };
        let Some(pt) = aead::open(kek, &nonce, aad(purpose).as_bytes(), &ct) else {
            return Ok(None);
        };
        let pt = Zeroizing::new(pt);
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&pt);
        Ok(Some(k))
    }
}

fn aad(purpose: &str) -> String {
    format!("{FORMAT}/{VERSION} {purpose}")
}

/// One data key, wrapped for each way in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeySlot {
    /// First 8 bytes of HMAC(data key, "crosswalk/key-id"), hex: names the key.
    pub key_id: String,
    /// How the passphrase becomes the key that opens `by_passphrase`.
    pub kdf: KdfParams,
    /// The data key wrapped by the passphrase's derived key.
    pub by_passphrase: Wrapped,
    /// The data key wrapped by a key derived from the recovery key.
    pub by_recovery_key: Wrapped,
}

/// What an interrupted operation still has to do.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyState {
    /// The workspace is fully encrypted under `current`.
    Ready,
    /// `crosswalk vault encrypt` started: the database or some blobs may still be plaintext.
    Converting,
    /// `crosswalk vault rotate` started: data moves from `current` to `next`.
    Rotating,
}

/// A key rotation in progress: the next data key and the two keys wrapped by each other, so either unlocks both.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rotation {
    /// Random id of the rotation, hex (its audit events name it).
    pub id: String,
    /// The next data key, wrapped for the passphrase and the new recovery key.
    pub next: KeySlot,
    /// The next data key wrapped by the current one.
    pub next_by_current: Wrapped,
    /// The current data key wrapped by the next one.
    pub current_by_next: Wrapped,
}

/// The key file (`crosswalk.key`, JSON): the wrapped data keys and the state of any interrupted operation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyFile {
    /// Always `crosswalk-keyfile`.
    pub format: String,
    /// The file format's version; 1.
    pub version: u32,
    /// Ready, or what an interrupted operation still has to do.
    pub state: KeyState,
    /// Id of the conversion when state is `converting` (its audit event names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<String>,
    /// The data key everything is encrypted under.
    pub current: KeySlot,
    /// The rotation in progress, when `state` is `rotating`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<Rotation>,
    /// Whether the data key is also kept in the OS keyring.
    #[serde(default)]
    pub keyring: bool,
    /// Other secrets of the workspace (the signing key), wrapped by a key
    /// derived from the data key; name → wrapping.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub secrets: std::collections::BTreeMap<String, Wrapped>,
    /// SHA-256 of the file without this field, hex: tells a damaged file from a wrong passphrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

/// The unwrapped keys of an open workspace (zeroed when dropped).
#[derive(Clone)]
pub struct Unlocked {
    /// The current data key.
    pub current: DataKey,
    /// The next data key during a rotation.
    pub next: Option<DataKey>,
}

/// The id that names a data key: the first 8 bytes of HMAC(key, "crosswalk/key-id"), hex.
pub fn key_id(dk: &[u8; 32]) -> String {
    hex::encode(&derive(&dk[..], b"crosswalk/key-id")[..8])
}

/// The key file's path in the data folder `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(KEY_FILE)
}

/// Whether `dir` holds an encrypted (or half-converted) workspace.
pub fn is_encrypted(dir: &Path) -> bool {
    path(dir).exists()
}

fn random_key() -> DataKey {
    let mut k = Zeroizing::new([0u8; 32]);
    fill_random(&mut k[..]);
    k
}

fn slot(dk: &[u8; 32], kdf: KdfParams, pass_kek: &[u8; 32], recovery: &RecoveryKey) -> KeySlot {
    KeySlot {
        key_id: key_id(dk),
        kdf,
        by_passphrase: Wrapped::seal(pass_kek, &dk[..], "passphrase"),
        by_recovery_key: Wrapped::seal(&recovery.kek(), &dk[..], "recovery"),
    }
}

/// Refuses passphrases too short to protect anything.
pub fn check_new_passphrase(p: &str) -> Result<()> {
    if p.chars().count() < 8 {
        return Err(Error::Usage(
            "the passphrase must have at least 8 characters; a few unrelated words are best".into(),
        ));
    }
    Ok(())
}

impl KeyFile {
    /// A new key file with a fresh data key; returns it with the data key and
    /// the recovery key (to show once).
    pub fn create(passphrase: &str, state: KeyState) -> Result<(KeyFile, DataKey, RecoveryKey)> {
        check_new_passphrase(passphrase)?;
        let kdf = KdfParams::tune(KdfParams::target())?;
        let kek = kdf.derive(passphrase)?;
        let dk = random_key();
        let recovery = RecoveryKey::generate();
        let kf = KeyFile {
            format: FORMAT.into(),
            version: VERSION,
            state,
            conversion: None,
            current: slot(&dk, kdf, &kek, &recovery),
            rotation: None,
            keyring: false,
            secrets: Default::default(),
            checksum: None,
        };
        Ok((kf, dk, recovery))
    }

    fn body_sha(&self) -> String {
        let mut body = self.clone();
        body.checksum = None;
        crate::hash::sha256_hex(serde_json::to_string(&body).expect("serializes").as_bytes())
    }

    /// Reads and checks the key file in `dir`; a damaged or foreign file is an error saying to restore it from a backup.
    pub fn load(dir: &Path) -> Result<KeyFile> {
        let p = path(dir);
        let damaged = |what: String| {
            Error::Locked(format!(
                "the key file {} is damaged ({what}); restore it from a backup — without it the workspace cannot be opened",
                p.display()
            ))
        };
        let meta = std::fs::metadata(&p)
            .map_err(|e| Error::io(format!("cannot read {}", p.display()), e))?;
        if meta.len() > KEY_FILE_MAX_BYTES {
            return Err(damaged("too large".into()));
        }
        let text =
            std::fs::read(&p).map_err(|e| Error::io(format!("cannot read {}", p.display()), e))?;
        let kf: KeyFile = serde_json::from_slice(&text).map_err(|e| damaged(e.to_string()))?;
        if kf.format != FORMAT || kf.version != VERSION {
            return Err(damaged(format!("not a {FORMAT} version {VERSION}")));
        }
        if kf.checksum.as_deref() != Some(kf.body_sha().as_str()) {
            return Err(damaged("checksum mismatch".into()));
        }
        Ok(kf)
    }

    /// Writes the file atomically (temp name, fsync, rename), mode 0600.
    pub fn save(&mut self, dir: &Path) -> Result<()> {
        self.checksum = Some(self.body_sha());
        let mut text = serde_json::to_string_pretty(self).expect("serializes");
        text.push('\n');
        // write_atomic keeps the file 0600 from creation to rename.
        crate::fsutil::write_atomic(&path(dir), text.as_bytes())
    }

    /// Unwraps the data key(s) with `secret`. Wrong secret: [`Error::Locked`], nothing changed.
    pub fn unlock(&self, secret: &Secret, dir: &Path) -> Result<Unlocked> {
        let purpose_of = |by_pass: bool| if by_pass { "passphrase" } else { "recovery" };
        let try_slot = |s: &KeySlot,
                        secret: &Secret,
                        kek_cache: &mut Option<(KdfParams, Zeroizing<[u8; 32]>)>|
         -> Result<Option<DataKey>> {
            match secret {
                Secret::Passphrase(p) => {
                    let kek = match kek_cache {
                        Some((k, kek)) if *k == s.kdf => kek.clone(),
                        _ => {
                            let kek = s.kdf.derive(p)?;
                            *kek_cache = Some((s.kdf.clone(), kek.clone()));
                            kek
                        }
                    };
                    s.by_passphrase.open(&kek, purpose_of(true))
                }
                Secret::RecoveryKey(r) => {
                    let rk = RecoveryKey::parse(r)?;
                    s.by_recovery_key.open(&rk.kek(), purpose_of(false))
                }
                Secret::Keyring => {
                    let k = keyring_get(dir)?;
                    Ok((key_id(&k) == s.key_id).then_some(k))
                }
            }
        };
        let mut cache = None;
        let current = try_slot(&self.current, secret, &mut cache)?;
        let unlocked = match (&self.rotation, current) {
            (None, Some(current)) => Unlocked {
                current,
                next: None,
            },
            (Some(r), Some(current)) => {
                let next = r.next_by_current.open(&current, "next")?.ok_or_else(|| {
                    Error::Locked(
                        "the key file is damaged (the rotation's next key does not unwrap)".into(),
                    )
                })?;
                Unlocked {
                    current,
                    next: Some(next),
                }
            }
            (Some(r), None) => {
                match try_slot(&r.next, secret, &mut cache)? {
                    Some(next) => {
                        let current = r
                        .current_by_next
                        .open(&next, "current")?
                        .ok_or_else(|| Error::Locked("the key file is damaged (the rotation's current key does not unwrap)".into()))?;
                        Unlocked {
                            current,
                            next: Some(next),
                        }
                    }
                    None => return Err(wrong(secret)),
                }
            }
            (None, None) => return Err(wrong(secret)),
        };
        Ok(unlocked)
    }

    /// Re-wraps every data key in the file under a new passphrase (fresh salt,
    /// parameters tuned again). Nothing else is re-encrypted.
    pub fn change_passphrase(&mut self, unlocked: &Unlocked, new: &str) -> Result<()> {
        check_new_passphrase(new)?;
        let kdf = KdfParams::tune(KdfParams::target())?;
        let kek = kdf.derive(new)?;
        self.current.kdf = kdf.clone();
        self.current.by_passphrase = Wrapped::seal(&kek, &unlocked.current[..], "passphrase");
        if let (Some(r), Some(next)) = (&mut self.rotation, &unlocked.next) {
            r.next.kdf = kdf;
            r.next.by_passphrase = Wrapped::seal(&kek, &next[..], "passphrase");
        }
        Ok(())
    }

    /// Starts a rotation: a new data key and a new recovery key, wrapped
    /// under the same passphrase. Returns the new recovery key (show it once).
    pub fn begin_rotation(&mut self, unlocked: &Unlocked, passphrase: &str) -> Result<RecoveryKey> {
        let kek = self.current.kdf.derive(passphrase)?;
        if self
            .current
            .by_passphrase
            .open(&kek, "passphrase")?
            .is_none()
        {
            return Err(wrong(&Secret::Passphrase(Zeroizing::new(String::new()))));
        }
        let next = random_key();
        let recovery = RecoveryKey::generate();
        let mut id = [0u8; 8];
        fill_random(&mut id);
        self.rotation = Some(Rotation {
            id: hex::encode(id),
            next: slot(&next, self.current.kdf.clone(), &kek, &recovery),
            next_by_current: Wrapped::seal(&unlocked.current, &next[..], "next"),
            current_by_next: Wrapped::seal(&next, &unlocked.current[..], "current"),
        });
        self.state = KeyState::Rotating;
        Ok(recovery)
    }

    /// Ends a rotation: `next` becomes `current`; secrets are re-wrapped.
    pub fn finish_rotation(&mut self, unlocked: &Unlocked) -> Result<()> {
        let (Some(r), Some(next)) = (self.rotation.take(), &unlocked.next) else {
            return Ok(());
        };
        let mut secrets = std::collections::BTreeMap::new();
        for (name, w) in &self.secrets {
            let plain = open_secret(&unlocked.current, w, name)?;
            secrets.insert(name.clone(), seal_secret(next, &plain, name));
        }
        self.secrets = secrets;
        self.current = r.next;
        self.state = KeyState::Ready;
        Ok(())
    }
}

fn wrong(secret: &Secret) -> Error {
    Error::Locked(match secret {
        Secret::Passphrase(_) => "wrong passphrase; nothing was changed (forgotten it? unlock with the recovery key: CROSSWALK_RECOVERY_KEY)".into(),
        Secret::RecoveryKey(_) => "that recovery key does not belong to this workspace; nothing was changed".into(),
        Secret::Keyring => "the key in the OS keyring does not belong to this workspace; unlock with the passphrase and run `crosswalk vault keyring on` again".into(),
    })
}

/// Seals a small secret (the signing key) under a key derived from the data key.
pub fn seal_secret(dk: &[u8; 32], plain: &[u8], name: &str) -> Wrapped {
    let k = derive(&dk[..], format!("crosswalk/secret/{name}").as_bytes());
    let mut nonce = [0u8; 12];
    fill_random(&mut nonce);
    let ct = aead::seal(&k, &nonce, aad(name).as_bytes(), plain);
    Wrapped {
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ct),
    }
}

/// Unwraps the secret `name` sealed by [`seal_secret`] under the data key `dk`.
pub fn open_secret(dk: &[u8; 32], w: &Wrapped, name: &str) -> Result<Zeroizing<Vec<u8>>> {
    let k = derive(&dk[..], format!("crosswalk/secret/{name}").as_bytes());
    let damaged = || {
        Error::Locked(format!(
            "the key file is damaged (secret `{name}` does not unwrap)"
        ))
    };
    let nonce = hex::decode(&w.nonce).map_err(|_| damaged())?;
    let ct = hex::decode(&w.ciphertext).map_err(|_| damaged())?;
    let Ok(nonce) = <[u8; 12]>::try_from(nonce) else {
        return Err(damaged());
    };
    aead::open(&k, &nonce, aad(name).as_bytes(), &ct)
        .map(Zeroizing::new)
        .ok_or_else(damaged)
}

/// What `crosswalk vault status` shows.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct VaultStatus {
    /// Whether the workspace has a key file.
    pub encrypted: bool,
    /// ready | converting | rotating (absent for a plaintext workspace)
    pub state: Option<KeyState>,
    /// The current data key's id; None for a plaintext workspace.
    pub key_id: Option<String>,
    /// The passphrase's key derivation; None for a plaintext workspace.
    pub kdf: Option<KdfParams>,
    /// Whether the data key is also in the OS keyring.
    pub keyring: bool,
    /// Whether the database file is encrypted (SQLCipher).
    pub database_encrypted: bool,
    /// Stored files that evidence revisions refer to.
    pub blobs_total: usize,
    /// Blobs not yet under the current key (plaintext during a conversion, old key during a rotation).
    pub blobs_pending: usize,
    /// Partial files left in the vault's temporary folder by interrupted work.
    pub temp_files: usize,
    /// The key file's path; None for a plaintext workspace.
    pub key_file: Option<String>,
}

// --- OS keyring ----------------------------------------------------------

fn keyring_user(dir: &Path) -> String {
    let canon = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    format!("workspace {}", canon.display())
}

#[cfg(feature = "os-keyring")]
fn keyring_entry(dir: &Path) -> Result<keyring::Entry> {
    keyring::Entry::new("crosswalk", &keyring_user(dir)).map_err(keyring_error)
}

#[cfg(feature = "os-keyring")]
fn keyring_error(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoEntry => Error::Locked(
            "the OS keyring has no key for this workspace; unlock with the passphrase (CROSSWALK_PASSPHRASE or --passphrase-fd) and run `crosswalk vault keyring on`".into(),
        ),
        keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => Error::Locked(format!(
            "the OS keyring is not available ({e}); on Linux it needs a running Secret Service (GNOME Keyring, KWallet); unlock with the passphrase instead"
        )),
        other => Error::Locked(format!("the OS keyring refused: {other}")),
    }
}

#[cfg(feature = "os-keyring")]
pub(crate) fn keyring_get(dir: &Path) -> Result<DataKey> {
    let text = Zeroizing::new(keyring_entry(dir)?.get_password().map_err(keyring_error)?);
    let bytes = Zeroizing::new(hex::decode(text.trim()).unwrap_or_default());
    if bytes.len() != 32 {
        return Err(Error::Locked("the OS keyring entry for this workspace is damaged; run `crosswalk vault keyring on` again".into()));
    }
    let mut k = Zeroizing::new([0u8; 32]);
    k.copy_from_slice(&bytes);
    Ok(k)
}

#[cfg(feature = "os-keyring")]
pub(crate) fn keyring_set(dir: &Path, dk: &[u8; 32]) -> Result<()> {
    let text = Zeroizing::new(hex::encode(&dk[..]));
    keyring_entry(dir)?
        .set_password(&text)
        .map_err(keyring_error)
}

#[cfg(feature = "os-keyring")]
pub(crate) fn keyring_delete(dir: &Path) -> Result<()> {
    match keyring_entry(dir)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    }
}

#[cfg(not(feature = "os-keyring"))]
pub(crate) fn keyring_get(_dir: &Path) -> Result<DataKey> {
    Err(Error::Locked(
        "this build of Crosswalk has no OS keyring support".into(),
    ))
}
#[cfg(not(feature = "os-keyring"))]
pub(crate) fn keyring_set(_dir: &Path, _dk: &[u8; 32]) -> Result<()> {
    keyring_get(_dir).map(|_| ())
}
#[cfg(not(feature = "os-keyring"))]
pub(crate) fn keyring_delete(_dir: &Path) -> Result<()> {
    Ok(())
}

// --- the database key -----------------------------------------------------

/// The SQLCipher key of a data key.
pub(crate) fn db_key(dk: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    derive(&dk[..], b"crosswalk/database")
}
