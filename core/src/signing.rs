//! The workspace key and signed checkpoints.
//!
//! Each workspace has one Ed25519 key pair, created on first use. The private
//! half lives in `keys/workspace-ed25519.json` in the data directory (mode
//! 0600, written to a temporary name, fsynced and renamed). In an encrypted
//! workspace that file keeps only the public half (`protection: data-key`):
//! the secret seed is wrapped by the data key in `crosswalk.key`, so it is
//! never stored in the clear. The public half,
//! its fingerprint and a random workspace id are recorded in the database with
//! an audit event, so a swapped key file is noticed.
//!
//! The fingerprint is the SHA-256 of the 32-byte public key, shown as sixteen
//! groups of four hex digits. An auditor compares it with the one the officer
//! gave them: a signature proves "made with this key", the fingerprint proves
//! "this key is theirs".
//!
//! A **checkpoint** is the pair (event count, head hash) of the audit trail at
//! a moment, signed. `verify` checks every stored checkpoint's signature and
//! that the trail still holds the exact prefix it names, so rewriting or
//! truncating events before a checkpoint is caught. What this does not prove:
//! someone who can read the key file can sign new checkpoints; the checkpoint
//! copies held outside the machine (in packages and reports given to the
//! auditor) are the anchors a forger cannot reach.
use crate::audit::{Note, Subject};
use crate::error::{Error, Result};
use crate::store::signing::{self as rows, key_row};
use crate::workspace::{timestamp, Workspace};
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::{Connection, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Where the private key lives, relative to the data directory.
pub const KEY_FILE: &str = "keys/workspace-ed25519.json";
const KEY_FORMAT: &str = "crosswalk-workspace-key";
/// The key file holds the secret seed (plain workspaces).
const IN_FILE: &str = "none";
/// The seed is wrapped by the data key in `crosswalk.key` (encrypted workspaces).
const BY_DATA_KEY: &str = "data-key";
/// The name of the wrapped seed among the key file's secrets.
const VAULT_SECRET: &str = "workspace-signing-key";
/// The key file is a few hundred bytes; anything much larger is not one.
const MAX_KEY_FILE: u64 = 64 * 1024;
/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the 32 key bytes follow.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// The public side of the workspace key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct KeyInfo {
    /// The workspace's random id (32 hex digits), made with the key; signed into every checkpoint.
    pub workspace_id: String,
    /// SHA-256 of the public key, sixteen groups of four hex digits.
    pub fingerprint: String,
    /// The 32-byte public key, hex.
    pub public_key: String,
    /// When the key was made, RFC 3339 UTC.
    pub created_at: String,
    /// Where the key file is (it holds the secret half).
    pub key_file: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    format: String,
    version: u32,
    algorithm: String,
    workspace_id: String,
    /// `none`: `secret_key` is the plain 32-byte seed in hex. A wrapped form
    /// (the seed encrypted by a workspace data key) gets its own value here.
    protection: String,
    secret_key: String,
    public_key: String,
    created_at: String,
}

/// One signed statement about the audit trail: its first `event_count`
/// events end with `head_hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Checkpoint {
    /// The id of the workspace whose trail this is.
    pub workspace_id: String,
    /// How many events the trail had.
    pub event_count: i64,
    /// The hash of the last of them.
    pub head_hash: String,
    /// When the checkpoint was made, RFC 3339 UTC.
    pub at: String,
    /// Why it was made: `report`, `package` or `on demand`.
    pub reason: String,
    /// Fingerprint of the key that signed it.
    pub fingerprint: String,
    /// Ed25519 signature of [`Checkpoint::message`], hex.
    pub signature: String,
}

impl Checkpoint {
    /// The exact bytes that are signed.
    pub fn message(workspace_id: &str, event_count: i64, head_hash: &str, at: &str) -> String {
        format!("crosswalk-checkpoint-v1\nworkspace {workspace_id}\nevents {event_count}\nhead {head_hash}\nat {at}\n")
    }

    /// Whether the signature holds for `public_key` (32 bytes).
    pub fn signature_valid(&self, public_key: &[u8; 32]) -> bool {
        let msg = Self::message(
            &self.workspace_id,
            self.event_count,
            &self.head_hash,
            &self.at,
        );
        verify_hex_signature(public_key, msg.as_bytes(), &self.signature)
    }
}

/// The fingerprint of a public key: SHA-256, sixteen groups of four hex digits.
pub fn fingerprint(public_key: &[u8; 32]) -> String {
    let hex = crate::hash::sha256_hex(public_key);
    hex.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fingerprint as a user may type it (any case, spaces or colons) in the
/// canonical form, or None when it is not 64 hex digits.
pub fn normalize_fingerprint(text: &str) -> Option<String> {
    let hex: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    let hex = hex.strip_prefix("sha256").unwrap_or(&hex).to_string();
    if !crate::hash::is_sha256_hex(&hex) {
        return None;
    }
    Some(
        hex.as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The public key as PEM (SubjectPublicKeyInfo), which `openssl pkeyutl` reads.
pub fn public_key_pem(public_key: &[u8; 32]) -> String {
    let mut der = SPKI_PREFIX.to_vec();
    der.extend_from_slice(public_key);
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(der)
    )
}

/// Reads a PEM written by [`public_key_pem`]; the error says what is wrong.
pub fn parse_public_key_pem(text: &str) -> std::result::Result<[u8; 32], String> {
    let body: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("-----"))
        .collect();
    if !text.contains("-----BEGIN PUBLIC KEY-----") {
        return Err("not a PEM public key (no BEGIN PUBLIC KEY line)".into());
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .map_err(|e| format!("the PEM body is not base64: {e}"))?;
    if der.len() != 44 || der[..12] != SPKI_PREFIX {
        return Err("not an Ed25519 public key".into());
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&der[12..]);
    VerifyingKey::from_bytes(&key).map_err(|_| "not a valid Ed25519 point".to_string())?;
    Ok(key)
}

/// Whether `signature` (raw 64 bytes) is a valid signature of `message`.
pub fn verify_signature(public_key: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public_key) else {
        return false;
    };
    let Ok(sig) = <[u8; 64]>::try_from(signature) else {
        return false;
    };
    key.verify(message, &Signature::from_bytes(&sig)).is_ok()
}

fn verify_hex_signature(public_key: &[u8; 32], message: &[u8], signature: &str) -> bool {
    hex::decode(signature)
        .map(|s| verify_signature(public_key, message, &s))
        .unwrap_or(false)
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| {
        Error::io(
            "cannot get random bytes from the operating system",
            std::io::Error::other(e.to_string()),
        )
    })?;
    Ok(b)
}

/// The key pair, loaded. Signing happens only through this type.
pub struct WorkspaceKey {
    /// Its public side.
    pub info: KeyInfo,
    key: SigningKey,
}

impl WorkspaceKey {
    /// The Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
    /// The 32-byte public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }
    /// The public key as PEM (SubjectPublicKeyInfo), as packages carry it.
    pub fn public_key_pem(&self) -> String {
        public_key_pem(&self.public_key())
    }
    /// Signs (event count, head hash) as of `at`.
    pub fn checkpoint(
        &self,
        event_count: i64,
        head_hash: &str,
        at: &str,
        reason: &str,
    ) -> Checkpoint {
        let msg = Checkpoint::message(&self.info.workspace_id, event_count, head_hash, at);
        Checkpoint {
            workspace_id: self.info.workspace_id.clone(),
            event_count,
            head_hash: head_hash.to_string(),
            at: at.to_string(),
            reason: reason.to_string(),
            fingerprint: self.info.fingerprint.clone(),
            signature: hex::encode(self.sign(msg.as_bytes())),
        }
    }
}

fn read_key_file(path: &Path) -> Result<KeyFile> {
    let ctx = || format!("cannot read the workspace key {}", path.display());
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io(ctx(), e))?;
    if !meta.is_file() || meta.len() > MAX_KEY_FILE {
        return Err(Error::Usage(format!(
            "{} is not a workspace key file (not a regular file of a few hundred bytes)",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(ctx(), e))?;
    let file: KeyFile = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{}:{}:{}: not a workspace key file: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    if file.format != KEY_FORMAT || file.algorithm != "ed25519" {
        return Err(Error::Usage(format!(
            "{}: not a Crosswalk Ed25519 workspace key",
            path.display()
        )));
    }
    if file.protection != IN_FILE && file.protection != BY_DATA_KEY {
        return Err(Error::Usage(format!(
            "{}: the key is protected with `{}`, which this build cannot unwrap; update Crosswalk",
            path.display(),
            file.protection
        )));
    }
    Ok(file)
}

fn decode_key(ws: &Workspace, file: &KeyFile, path: &Path) -> Result<SigningKey> {
    let bad = || Error::Usage(format!("{}: the secret key is damaged", path.display()));
    let seed: [u8; 32] = if file.protection == BY_DATA_KEY {
        let wrapped = ws.vault_secret(VAULT_SECRET)?.ok_or_else(|| {
            Error::NotFound(format!(
                "{} says its secret is wrapped in crosswalk.key, but crosswalk.key holds no signing key; restore crosswalk.key from a backup",
                path.display()
            ))
        })?;
        wrapped.as_slice().try_into().map_err(|_| bad())?
    } else {
        hex::decode(&file.secret_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(bad)?
    };
    let key = SigningKey::from_bytes(&seed);
    if hex::encode(key.verifying_key().to_bytes()) != file.public_key {
        return Err(bad());
    }
    Ok(key)
}

fn write_key_file(path: &Path, file: &KeyFile) -> Result<()> {
    let dir = path.parent().expect("key file has a folder");
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    let text = serde_json::to_string_pretty(file).expect("serializes");
    // tempfile creates the temporary file 0600, so the secret is never readable by others.
    crate::fsutil::write_atomic(path, text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(format!("cannot protect {}", path.display()), e))?;
    }
    Ok(())
}

/// (event count, head hash) of the trail as `conn` sees it.
pub(crate) fn head(conn: &Connection) -> Result<(i64, String)> {
    Ok(crate::store::audit::last(conn)?.unwrap_or((0, crate::audit::GENESIS_HASH.to_string())))
}

impl Workspace {
    /// Where the workspace's key file is (it may not exist yet).
    pub fn key_path(&self) -> PathBuf {
        self.dir().join(KEY_FILE)
    }

    /// The public side of the workspace key, if one was created.
    pub fn key_info_if_any(&self) -> Result<Option<KeyInfo>> {
        Ok(
            key_row(&self.conn)?.map(|(workspace_id, public_key, fingerprint, created_at)| {
                KeyInfo {
                    workspace_id,
                    fingerprint,
                    public_key,
                    created_at,
                    key_file: self.key_path(),
                }
            }),
        )
    }

    /// The workspace key, created (and its creation audited) on first use.
    pub fn workspace_key(&self) -> Result<WorkspaceKey> {
        let path = self.key_path();
        if let Some(info) = self.key_info_if_any()? {
            let file = match read_key_file(&path) {
                Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                    return Err(Error::NotFound(format!(
                        "the workspace key {} is missing (fingerprint {}); restore it from a backup: a new key would not match the checkpoints already signed",
                        path.display(),
                        info.fingerprint
                    )))
                }
                other => other?,
            };
            let key = decode_key(self, &file, &path)?;
            if file.public_key != info.public_key || file.workspace_id != info.workspace_id {
                return Err(Error::Usage(format!(
                    "{} is not this workspace's key: the workspace records fingerprint {}",
                    path.display(),
                    info.fingerprint
                )));
            }
            return Ok(WorkspaceKey { info, key });
        }
        // First use: under the write lock, so two processes create one key.
        let tx = self.begin()?;
        if key_row(&tx)?.is_some() {
            drop(tx);
            return self.workspace_key();
        }
        // A key file without its row is left by a crash between the two
        // writes below: adopt it rather than make a second key.
        let file = if path.exists() {
            read_key_file(&path)?
        } else {
            self.new_key_file(&path)?
        };
        let key = decode_key(self, &file, &path)?;
        let fp = fingerprint(&key.verifying_key().to_bytes());
        rows::insert_key(
            &tx,
            &file.workspace_id,
            &file.public_key,
            &fp,
            &file.created_at,
        )?;
        self.record_note(
            &tx,
            Note::KeyCreated,
            &Subject::WorkspaceKey,
            format!("Created the workspace signing key (fingerprint {fp})"),
            json!({"workspace_id": file.workspace_id, "public_key": file.public_key, "fingerprint": fp, "algorithm": "ed25519"}),
        )?;
        tx.commit()?;
        let info = KeyInfo {
            workspace_id: file.workspace_id.clone(),
            fingerprint: fp,
            public_key: file.public_key.clone(),
            created_at: file.created_at.clone(),
            key_file: path,
        };
        Ok(WorkspaceKey { info, key })
    }

    /// Makes a new signing key and writes its file at `path`: the secret in
    /// the file in a plain workspace, wrapped by the data key (the file
    /// holding only the public half) in an encrypted one.
    fn new_key_file(&self, path: &Path) -> Result<KeyFile> {
        let seed = zeroize::Zeroizing::new(random_bytes::<32>()?);
        let key = SigningKey::from_bytes(&seed);
        let encrypted = self.is_encrypted();
        if encrypted {
            self.set_vault_secret(VAULT_SECRET, &seed[..])?;
        }
        let file = KeyFile {
            format: KEY_FORMAT.into(),
            version: 1,
            algorithm: "ed25519".into(),
            workspace_id: hex::encode(random_bytes::<16>()?),
            protection: if encrypted { BY_DATA_KEY } else { IN_FILE }.into(),
            secret_key: if encrypted {
                String::new()
            } else {
                hex::encode(&seed[..])
            },
            public_key: hex::encode(key.verifying_key().to_bytes()),
            created_at: timestamp(crate::now()),
        };
        write_key_file(path, &file)?;
        Ok(file)
    }

    /// In an encrypted workspace, moves a signing key still held in the clear
    /// (made before `vault encrypt`) into `crosswalk.key`, wrapped by the
    /// data key. Idempotent and crash-safe: the wrapped copy is saved before
    /// the clear one is rewritten, and a retry finds one or the other.
    pub(crate) fn protect_signing_key(&self) -> Result<()> {
        let path = self.key_path();
        if !self.is_encrypted() || !path.exists() {
            return Ok(());
        }
        let mut file = read_key_file(&path)?;
        if file.protection == BY_DATA_KEY {
            return Ok(());
        }
        let key = decode_key(self, &file, &path)?;
        self.set_vault_secret(VAULT_SECRET, &key.to_bytes())?;
        file.protection = BY_DATA_KEY.into();
        file.secret_key = String::new();
        write_key_file(&path, &file)
    }

    /// Signs the trail's current head, stores the checkpoint and audits it.
    pub fn checkpoint(&self, reason: &str) -> Result<Checkpoint> {
        let key = self.workspace_key()?;
        let tx = self.begin()?;
        let (count, hash) = head(&tx)?;
        let cp = key.checkpoint(count, &hash, &timestamp(crate::now()), reason);
        self.store_checkpoint(&tx, &cp)?;
        tx.commit()?;
        Ok(cp)
    }

    /// Signs the head as `tx` sees it and stores it, inside the caller's transaction.
    pub(crate) fn checkpoint_in(
        &self,
        tx: &Transaction<'_>,
        key: &WorkspaceKey,
        reason: &str,
    ) -> Result<Checkpoint> {
        let (count, hash) = head(tx)?;
        let cp = key.checkpoint(count, &hash, &timestamp(crate::now()), reason);
        self.store_checkpoint(tx, &cp)?;
        Ok(cp)
    }

    /// Stores a checkpoint signed earlier (a package signs one before it is
    /// written) with its audit event, inside the caller's transaction.
    pub(crate) fn store_checkpoint(&self, tx: &Transaction<'_>, cp: &Checkpoint) -> Result<()> {
        let id = rows::insert_checkpoint(tx, cp)?;
        self.record_note(
            tx,
            Note::CheckpointSigned,
            &Subject::Checkpoint(id),
            format!(
                "Signed checkpoint {id} ({}): {} events, head {}",
                cp.reason,
                cp.event_count,
                &cp.head_hash[..16.min(cp.head_hash.len())]
            ),
            json!({"checkpoint": id, "event_count": cp.event_count, "head_hash": cp.head_hash, "at": cp.at, "reason": cp.reason, "fingerprint": cp.fingerprint, "signature": cp.signature}),
        )?;
        Ok(())
    }

    /// Every stored checkpoint, oldest first.
    pub fn checkpoints(&self) -> Result<Vec<Checkpoint>> {
        let workspace_id = key_row(&self.conn)?.map(|r| r.0).unwrap_or_default();
        let rows = rows::checkpoints(&self.conn, &workspace_id)?;
        Ok(rows.into_iter().map(|(_, cp)| cp).collect())
    }
}

/// A fault of `verify`: (subject, message).
type CheckpointFault = (String, String);

/// Checks every checkpoint: signed by the workspace key, and the trail still
/// holds the prefix it names. Returns (subject, message) for each fault and
/// the number of checkpoints checked. Called by `verify`.
pub(crate) fn verify_checkpoints(conn: &Connection) -> Result<(Vec<CheckpointFault>, usize)> {
    let mut faults = Vec::new();
    let key = key_row(conn)?;
    let rows = rows::checkpoints(conn, "")?;
    let Some((workspace_id, public_hex, _, _)) = key else {
        if rows.is_empty() {
            return Ok((faults, 0));
        }
        faults.push((
            "key:workspace".into(),
            format!(
                "{} checkpoint(s) exist but the workspace key record is missing",
                rows.len()
            ),
        ));
        return Ok((faults, rows.len()));
    };
    faults.extend(key_swap_fault(conn, &public_hex)?);
    let public: Option<[u8; 32]> = hex::decode(&public_hex)
        .ok()
        .and_then(|b| b.try_into().ok());
    let (last_seq, _) = head(conn)?;
    faults.extend(record_faults(&recorded_checkpoints(conn)?, &rows));
    for (id, mut cp) in rows.iter().cloned() {
        cp.workspace_id = workspace_id.clone();
        faults.extend(checkpoint_faults(conn, id, &cp, public.as_ref(), last_seq)?);
    }
    Ok((faults, rows.len()))
}

/// The key row must be the one its `key.created` event recorded.
fn key_swap_fault(conn: &Connection, public_hex: &str) -> Result<Option<CheckpointFault>> {
    let created = crate::store::audit::details(conn, Some(Note::KeyCreated.as_str()))?;
    let created_key = (created.into_iter().next_back())
        .and_then(|(_, d)| serde_json::from_str::<serde_json::Value>(&d).ok())
        .and_then(|v| v["public_key"].as_str().map(str::to_string));
    Ok((created_key.as_deref() != Some(public_hex)).then(|| {
        (
            "key:workspace".into(),
            "the workspace public key differs from the one its audit event recorded (key swapped)"
                .into(),
        )
    }))
}

/// The signature of each checkpoint as the trail's `checkpoint.signed` events recorded it.
fn recorded_checkpoints(conn: &Connection) -> Result<std::collections::BTreeMap<i64, String>> {
    let mut recorded = std::collections::BTreeMap::new();
    for (_, details) in crate::store::audit::details(conn, Some(Note::CheckpointSigned.as_str()))? {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&details) {
            if let (Some(id), Some(sig)) = (v["checkpoint"].as_i64(), v["signature"].as_str()) {
                recorded.insert(id, sig.to_string());
            }
        }
    }
    Ok(recorded)
}

/// Each checkpoint row and the audit event that recorded it must agree, so a
/// checkpoint deleted or slipped in by hand is named.
fn record_faults(
    recorded: &std::collections::BTreeMap<i64, String>,
    rows: &[(i64, Checkpoint)],
) -> Vec<CheckpointFault> {
    let mut faults = Vec::new();
    for (id, sig) in recorded {
        match rows.iter().find(|(rid, _)| rid == id) {
            None => faults.push((
                format!("checkpoint:{id}"),
                format!("checkpoint {id} recorded in the audit trail is missing (deleted outside Crosswalk)"),
            )),
            Some((_, cp)) if &cp.signature != sig => faults.push((
                format!("checkpoint:{id}"),
                format!("checkpoint {id} differs from what the audit trail recorded"),
            )),
            _ => {}
        }
    }
    for (id, _) in rows {
        if !recorded.contains_key(id) {
            faults.push((
                format!("checkpoint:{id}"),
                format!("checkpoint {id} exists but no audit event records it (written outside Crosswalk)"),
            ));
        }
    }
    faults
}

/// One checkpoint: signed by the workspace key, and the trail still holds
/// the prefix it names.
fn checkpoint_faults(
    conn: &Connection,
    id: i64,
    cp: &Checkpoint,
    public: Option<&[u8; 32]>,
    last_seq: i64,
) -> Result<Vec<CheckpointFault>> {
    let mut faults = Vec::new();
    let subject = format!("checkpoint:{id}");
    if !public.is_some_and(|p| cp.signature_valid(p)) {
        faults.push((
            subject.clone(),
            format!("checkpoint {id} is not signed by the workspace key (forged or edited)"),
        ));
    }
    if cp.event_count > last_seq {
        faults.push((
            subject,
            format!(
                "checkpoint {id} vouches for {} events but the trail ends at event {last_seq} (events deleted)",
                cp.event_count
            ),
        ));
        return Ok(faults);
    }
    if cp.event_count == 0 {
        return Ok(faults);
    }
    match crate::store::audit::hash_at(conn, cp.event_count)? {
        Some(h) if h == cp.head_hash => {}
        Some(_) => faults.push((
            subject,
            format!(
                "the trail no longer holds the prefix checkpoint {id} signed: event {} has a different hash (events before it rewritten)",
                cp.event_count
            ),
        )),
        None => faults.push((
            subject,
            format!("event {} named by checkpoint {id} is missing", cp.event_count),
        )),
    }
    Ok(faults)
}

#[cfg(test)]
mod tests;
