//! Workspace operations of the vault: open an encrypted workspace, create
//! one, convert a plaintext one, change the passphrase, rotate the data key,
//! keep the key in the OS keyring, purge evidence, report status.
//!
//! Conversion and rotation are written as a sequence of steps each of which
//! is atomic (a rename) and each of which a later run can recognise as done,
//! with the key file recording what is under way: a kill -9 anywhere leaves a
//! workspace that opens, and running the same command again completes it.
use super::encrypted::{BlobKeys, EncryptedStore};
use super::keys::{
    self, db_key, DataKey, KeyFile, KeyState, RecoveryKey, Secret, Unlocked, VaultStatus,
};
use super::BlobStore;
use crate::error::{Error, Result};
use crate::workspace::{timestamp, Workspace};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

const DB: &str = "crosswalk.db";
/// The database being rewritten under a new key; renamed over `crosswalk.db` when complete.
const DB_NEXT: &str = "crosswalk.db.next";

/// Progress of a long vault operation.
#[derive(Debug, Clone, Serialize)]
pub struct VaultProgress {
    pub phase: &'static str,
    pub done: u64,
    pub total: u64,
}

/// What `vault encrypt`, `vault rotate` and `init --encrypt` report.
#[derive(Debug, Serialize)]
pub struct VaultOutcome {
    pub key_id: String,
    pub blobs_moved: usize,
    pub temp_files_removed: usize,
    /// True when this run finished work an interrupted run had started.
    pub resumed: bool,
    /// Shown once; `None` when an earlier (interrupted) run already showed it.
    #[serde(skip)]
    pub recovery_key: Option<RecoveryKey>,
}

/// What `evidence purge` did.
#[derive(Debug, Serialize)]
pub struct PurgeOutcome {
    pub evidence: i64,
    pub files: Vec<String>,
    pub files_destroyed: usize,
    /// True in an encrypted workspace: the destroyed key makes any copy of the
    /// ciphertext left on the disk unreadable.
    pub cryptographic_erasure: bool,
    pub already_purged: bool,
}

/// Ids of purged evidence (their files are gone on purpose).
pub fn purged_evidence(conn: &Connection) -> Result<HashSet<i64>> {
    let mut stmt = conn.prepare("SELECT evidence_id FROM evidence_purges")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

fn store_for(dir: &Path, kf: &KeyFile, u: &Unlocked) -> Box<dyn BlobStore> {
    let evidence = dir.join("evidence");
    let (keys, previous) = match &u.next {
        Some(next) => (
            BlobKeys::from_data_key(next),
            Some(BlobKeys::from_data_key(&u.current)),
        ),
        None => (BlobKeys::from_data_key(&u.current), None),
    };
    Box::new(EncryptedStore::new(
        evidence,
        keys,
        previous,
        kf.state == KeyState::Converting,
    ))
}

/// Opens the database with whichever key it is under: mid-rotation it may be
/// either, mid-conversion it may still be plaintext.
/// Read-only, nothing is written: no WAL switch, no migration.
fn open_db(dir: &Path, kf: &KeyFile, u: &Unlocked, read_only: bool) -> Result<Connection> {
    let path = dir.join(DB);
    let mut candidates: Vec<Option<Zeroizing<[u8; 32]>>> = Vec::new();
    if let Some(next) = &u.next {
        candidates.push(Some(db_key(next)));
    }
    candidates.push(Some(db_key(&u.current)));
    if kf.state == KeyState::Converting {
        candidates.push(None);
    }
    let mut last = None;
    for key in &candidates {
        let opened = if read_only {
            crate::db::open_read_only_keyed(&path, key.as_deref())
        } else {
            crate::db::open_keyed(&path, key.as_deref())
        };
        match opened {
            Ok(c) => return Ok(c),
            Err(e @ Error::Locked(_)) => last = Some(e),
            Err(Error::Db(rusqlite::Error::SqliteFailure(f, m)))
                if f.code == rusqlite::ErrorCode::NotADatabase =>
            {
                last = Some(Error::Db(rusqlite::Error::SqliteFailure(f, m)))
            }
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| Error::Locked("the database does not open".into())))
}

/// Whether the database file opens without a key (is plaintext).
fn db_is_plain(path: &Path) -> bool {
    if !path.exists() {
        return false;
    }
    Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| {
            c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
        })
        .is_ok()
}

/// Writes a copy of the database under `to` (SQLCipher's export), then
/// renames it over the original: the database is under the old key or the
/// new one, never half of each. Nothing else may have it open meanwhile.
fn rewrite_db(dir: &Path, from: Option<&[u8; 32]>, to: &[u8; 32]) -> Result<()> {
    let path = dir.join(DB);
    let next = dir.join(DB_NEXT);
    for stale in [next.clone(), dir.join(format!("{DB_NEXT}-journal"))] {
        let _ = std::fs::remove_file(stale);
    }
    {
        let conn = Connection::open(&path)?;
        if let Some(k) = from {
            keys::apply_db_key(&conn, k, &path)?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Everything into the main file, so the copy sees it and no old WAL survives.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let attach = Zeroizing::new(format!(
            "ATTACH DATABASE '{}' AS next KEY \"x'{}'\";",
            next.display().to_string().replace('\'', "''"),
            hex::encode(&to[..])
        ));
        conn.execute_batch(&attach)?;
        conn.query_row("SELECT sqlcipher_export('next')", [], |_| Ok(()))?;
        conn.execute_batch(&format!("PRAGMA next.user_version = {version};"))?;
        conn.execute_batch("DETACH DATABASE next;")?;
    }
    std::fs::File::open(&next)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(format!("cannot sync {}", next.display()), e))?;
    // The old WAL and shared-memory index belong to the old file.
    for side in ["-wal", "-shm"] {
        let p = dir.join(format!("{DB}{side}"));
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(format!("cannot remove {}", p.display()), e)),
        }
    }
    std::fs::rename(&next, &path)
        .map_err(|e| Error::io(format!("cannot replace {}", path.display()), e))?;
    crate::fsutil::sync_dir(dir);
    Ok(())
}

fn random_id() -> String {
    use aes_gcm::aead::{rand_core::RngCore, OsRng};
    let mut b = [0u8; 8];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

fn audit_has(conn: &Connection, action: &str, key: &str, id: &str) -> Result<bool> {
    let mut stmt = conn.prepare("SELECT details FROM audit_log WHERE action = ?1")?;
    let mut rows = stmt.query([action])?;
    while let Some(r) = rows.next()? {
        let d: String = r.get(0)?;
        if serde_json::from_str::<serde_json::Value>(&d)
            .ok()
            .and_then(|v| v.get(key).and_then(|x| x.as_str()).map(|s| s == id))
            .unwrap_or(false)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Every distinct file hash the database refers to.
fn referenced_blobs(conn: &Connection) -> Result<BTreeSet<(String, u64)>> {
    let mut stmt = conn.prepare("SELECT DISTINCT sha256, size FROM evidence_revisions")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

impl Workspace {
    /// Opens an encrypted workspace with `secret`. A wrong secret or a damaged
    /// key file is an [`Error::Locked`]; nothing is changed.
    pub fn open_with(dir: impl AsRef<Path>, secret: &Secret) -> Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        if !keys::is_encrypted(&dir) {
            return Self::open(&dir);
        }
        let kf = KeyFile::load(&dir)?;
        let u = kf.unlock(secret, &dir)?;
        // As with a plaintext one: a workspace this process cannot write (an
        // auditor's copy, a read-only mount) opens for reading, and nothing
        // is written, not the key file, not the signing key, not a temp file.
        let db = dir.join(DB);
        let read_only = db.is_file() && !(crate::db::writable(&dir) && crate::db::writable(&db));
        let conn = open_db(&dir, &kf, &u, read_only)?;
        let vault = store_for(&dir, &kf, &u);
        Self::from_parts(dir, conn, vault, Some(u), read_only)
    }

    /// Creates a new encrypted workspace in `dir` (which must not hold one).
    pub fn create_encrypted(
        dir: impl AsRef<Path>,
        passphrase: &str,
    ) -> Result<(Self, VaultOutcome)> {
        let dir = dir.as_ref().to_path_buf();
        if keys::is_encrypted(&dir) || dir.join(DB).exists() {
            return Err(Error::Usage(format!(
                "{} already holds a workspace; to encrypt it run `crosswalk vault encrypt`",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir.join("evidence")).map_err(|e| {
            Error::io(
                format!("cannot create the data directory {}", dir.display()),
                e,
            )
        })?;
        let (mut kf, dk, recovery) = KeyFile::create(passphrase, KeyState::Ready)?;
        kf.save(&dir)?;
        let u = Unlocked {
            current: dk,
            next: None,
        };
        let conn = crate::db::open_keyed(&dir.join(DB), Some(&db_key(&u.current)))?;
        let vault = store_for(&dir, &kf, &u);
        let key_id = kf.current.key_id.clone();
        let ws = Self::from_parts(dir, conn, vault, Some(u), false)?;
        {
            let tx = ws.begin()?;
            ws.record(
                &tx,
                "vault.created",
                "vault",
                "Created an encrypted workspace".into(),
                json!({"key_id": key_id, "kdf": kf.current.kdf}),
            )?;
            tx.commit()?;
        }
        Ok((
            ws,
            VaultOutcome {
                key_id,
                blobs_moved: 0,
                temp_files_removed: 0,
                resumed: false,
                recovery_key: Some(recovery),
            },
        ))
    }

    /// Converts a plaintext workspace to an encrypted one, or completes an
    /// interrupted conversion. `new_passphrase` is used when no conversion has
    /// started; `resume` unlocks one that has.
    pub fn encrypt_workspace(
        dir: impl AsRef<Path>,
        new_passphrase: Option<&str>,
        resume: Option<&Secret>,
        progress: &mut dyn FnMut(VaultProgress),
    ) -> Result<(Self, VaultOutcome)> {
        let dir = dir.as_ref().to_path_buf();
        let (mut kf, u, recovery, resumed) = if keys::is_encrypted(&dir) {
            let kf = KeyFile::load(&dir)?;
            if kf.state != KeyState::Converting {
                return Err(Error::Usage(format!(
                    "{} is already encrypted (`crosswalk vault status`)",
                    dir.display()
                )));
            }
            let secret = resume.ok_or_else(|| {
                Error::Locked(
                    "an interrupted conversion needs the passphrase chosen when it started".into(),
                )
            })?;
            let u = kf.unlock(secret, &dir)?;
            (kf, u, None, true)
        } else {
            if !dir.join(DB).exists() {
                return Err(Error::NotFound(format!(
                    "no workspace in {}; to start an encrypted one run `crosswalk init --encrypt`",
                    dir.display()
                )));
            }
            let pass = new_passphrase
                .ok_or_else(|| Error::Usage("encrypting needs a new passphrase".into()))?;
            // Bring the schema up to date while still plaintext.
            drop(Self::open(&dir)?);
            let (mut kf, dk, recovery) = KeyFile::create(pass, KeyState::Converting)?;
            kf.conversion = Some(random_id());
            kf.save(&dir)?;
            (
                kf,
                Unlocked {
                    current: dk,
                    next: None,
                },
                Some(recovery),
                false,
            )
        };
        let db_path = dir.join(DB);
        if db_is_plain(&db_path) {
            progress(VaultProgress {
                phase: "database",
                done: 0,
                total: 1,
            });
            rewrite_db(&dir, None, &db_key(&u.current))?;
        }
        let conn = open_db(&dir, &kf, &u, false)?;
        let vault = store_for(&dir, &kf, &u);
        let mut ws = Self::from_parts(dir.clone(), conn, vault, Some(u), false)?;
        let (moved, removed) = ws.move_blobs("evidence files", true, progress)?;
        let conversion = kf.conversion.clone().unwrap_or_default();
        if !audit_has(&ws.conn, "vault.encrypted", "conversion", &conversion)? {
            let tx = ws.begin()?;
            ws.record(
                &tx,
                "vault.encrypted",
                "vault",
                "Encrypted the workspace (database and evidence files)".into(),
                json!({"conversion": conversion, "key_id": kf.current.key_id, "kdf": kf.current.kdf}),
            )?;
            tx.commit()?;
        }
        // Opening wrapped the signing key into the file on disk: keep it.
        kf.secrets = KeyFile::load(&dir)?.secrets;
        kf.state = KeyState::Ready;
        kf.conversion = None;
        kf.save(&dir)?;
        let u = ws.keys.take().expect("unlocked");
        ws.vault = store_for(&dir, &kf, &u);
        ws.keys = Some(u);
        Ok((
            ws,
            VaultOutcome {
                key_id: kf.current.key_id.clone(),
                blobs_moved: moved,
                temp_files_removed: removed,
                resumed,
                recovery_key: recovery,
            },
        ))
    }

    /// Moves every referenced blob (and, converting, every plaintext file
    /// found) under the current keys; deletes temp files (they hold plaintext
    /// of interrupted ingests).
    fn move_blobs(
        &mut self,
        phase: &'static str,
        plain_leftovers: bool,
        progress: &mut dyn FnMut(VaultProgress),
    ) -> Result<(usize, usize)> {
        let store = self
            .vault
            .as_any()
            .downcast_ref::<EncryptedStore>()
            .expect("an encrypted store");
        let mut shas: BTreeSet<String> = referenced_blobs(&self.conn)?
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        if plain_leftovers {
            for p in store.list()? {
                if super::plain::is_plain_name(&p) {
                    shas.insert(p.file_name().unwrap().to_string_lossy().to_string());
                }
            }
        }
        let total = shas.len() as u64;
        let mut moved = 0;
        for (i, sha) in shas.iter().enumerate() {
            progress(VaultProgress {
                phase,
                done: i as u64,
                total,
            });
            if store.migrate(sha).map_err(|e| match e {
                Error::Usage(m) => {
                    Error::Usage(format!("{m} (blob {sha}); run `crosswalk verify`"))
                }
                e => e,
            })? {
                moved += 1;
            }
        }
        progress(VaultProgress {
            phase,
            done: total,
            total,
        });
        let mut removed = 0;
        for t in store.temp_files() {
            if std::fs::remove_file(&t).is_ok() {
                removed += 1;
            }
        }
        Ok((moved, removed))
    }

    /// Changes the passphrase: re-wraps the data key; nothing else changes.
    pub fn change_passphrase(&mut self, new: &str) -> Result<()> {
        let u = self.unlocked()?;
        let mut kf = KeyFile::load(self.dir())?;
        kf.change_passphrase(u, new)?;
        kf.save(self.dir())?;
        let tx = self.begin()?;
        self.record(
            &tx,
            "vault.passphrase_changed",
            "vault",
            "Changed the workspace passphrase".into(),
            json!({"key_id": kf.current.key_id, "kdf": kf.current.kdf}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Rotates the data key: a new key and recovery key; every blob is
    /// re-encrypted under new per-blob keys and names, the database rewritten
    /// under the new key. Resumable: run again after an interruption.
    pub fn rotate_data_key(
        &mut self,
        passphrase: &str,
        progress: &mut dyn FnMut(VaultProgress),
    ) -> Result<VaultOutcome> {
        let dir = self.dir().to_path_buf();
        let mut kf = KeyFile::load(&dir)?;
        let (recovery, resumed) = match kf.state {
            KeyState::Converting => {
                return Err(Error::Usage(
                    "finish the conversion first: `crosswalk vault encrypt`".into(),
                ))
            }
            KeyState::Ready => {
                let u = self.unlocked()?;
                let rk = kf.begin_rotation(u, passphrase)?;
                kf.save(&dir)?;
                let u = kf.unlock(
                    &Secret::Passphrase(Zeroizing::new(passphrase.to_string())),
                    &dir,
                )?;
                self.vault = store_for(&dir, &kf, &u);
                self.keys = Some(u);
                let tx = self.begin()?;
                let r = kf.rotation.as_ref().expect("just begun");
                self.record(
                    &tx,
                    "vault.rotation_started",
                    "vault",
                    "Started rotating the data key".into(),
                    json!({"rotation": r.id, "from": kf.current.key_id, "to": r.next.key_id}),
                )?;
                tx.commit()?;
                (Some(rk), false)
            }
            KeyState::Rotating => (None, true),
        };
        let rotation = kf.rotation.clone().expect("rotating");
        let (moved, removed) = self.move_blobs("evidence files", false, progress)?;
        // The database: rewritten under the next key unless a crash came after that.
        progress(VaultProgress {
            phase: "database",
            done: 0,
            total: 1,
        });
        let u = self.keys.take().expect("unlocked");
        let next = u.next.as_ref().expect("rotating");
        let path = dir.join(DB);
        let under_next = Connection::open(&path)
            .ok()
            .map(|c| keys::apply_db_key(&c, &db_key(next), &path).is_ok())
            .unwrap_or(false);
        if !under_next {
            // Close our connection first: the file is replaced underneath.
            let conn = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
            drop(conn);
            let r = rewrite_db(&dir, Some(&db_key(&u.current)), &db_key(next));
            self.conn = open_db(&dir, &kf, &u, false)?;
            r?;
        }
        if !audit_has(&self.conn, "vault.rotated", "rotation", &rotation.id)? {
            let tx = self.begin()?;
            self.record(
                &tx,
                "vault.rotated",
                "vault",
                "Rotated the data key: every evidence file and the database re-encrypted".into(),
                json!({"rotation": rotation.id, "from": kf.current.key_id, "to": rotation.next.key_id, "blobs": moved}),
            )?;
            tx.commit()?;
        }
        kf.finish_rotation(&u)?;
        kf.save(&dir)?;
        let u = Unlocked {
            current: u.next.clone().expect("rotating"),
            next: None,
        };
        if kf.keyring {
            keys::keyring_set(&dir, &u.current)?;
        }
        self.vault = store_for(&dir, &kf, &u);
        self.keys = Some(u);
        Ok(VaultOutcome {
            key_id: kf.current.key_id.clone(),
            blobs_moved: moved,
            temp_files_removed: removed,
            resumed,
            recovery_key: recovery,
        })
    }

    /// Keeps the data key in the OS keyring (or removes it), so the
    /// workspace unlocks without typing.
    pub fn set_keyring(&mut self, on: bool) -> Result<()> {
        let dir = self.dir().to_path_buf();
        let u = self.unlocked()?;
        if on {
            keys::keyring_set(&dir, &u.current)?;
        } else {
            keys::keyring_delete(&dir)?;
        }
        let mut kf = KeyFile::load(&dir)?;
        kf.keyring = on;
        kf.save(&dir)?;
        let tx = self.begin()?;
        self.record(
            &tx,
            "vault.keyring",
            "vault",
            if on {
                "Stored the data key in the OS keyring"
            } else {
                "Removed the data key from the OS keyring"
            }
            .into(),
            json!({"keyring": on}),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn unlocked(&self) -> Result<&Unlocked> {
        self.keys.as_ref().ok_or_else(|| {
            Error::Usage(
                "this workspace is not encrypted; run `crosswalk vault encrypt` first".into(),
            )
        })
    }

    /// The data key other secrets are wrapped by (the current one: a rotation
    /// re-wraps them when it finishes).
    pub(crate) fn data_key(&self) -> Option<&DataKey> {
        self.keys.as_ref().map(|u| &u.current)
    }

    pub fn vault_status(&self) -> Result<VaultStatus> {
        let dir = self.dir();
        let refs = referenced_blobs(&self.conn)?;
        let temp = self.vault.temp_files().len();
        if !keys::is_encrypted(dir) {
            return Ok(VaultStatus {
                encrypted: false,
                state: None,
                key_id: None,
                kdf: None,
                keyring: false,
                database_encrypted: false,
                blobs_total: refs.len(),
                blobs_pending: 0,
                temp_files: temp,
                key_file: None,
            });
        }
        let kf = KeyFile::load(dir)?;
        let store = self.vault.as_any().downcast_ref::<EncryptedStore>();
        let pending = refs
            .iter()
            .filter(|(sha, _)| {
                store
                    .and_then(|s| s.find(sha))
                    .is_some_and(|(_, w)| w != super::encrypted::Where::Current)
            })
            .count();
        Ok(VaultStatus {
            encrypted: true,
            state: Some(kf.state),
            key_id: Some(kf.current.key_id.clone()),
            kdf: Some(kf.current.kdf.clone()),
            keyring: kf.keyring,
            database_encrypted: !db_is_plain(&dir.join(DB)),
            blobs_total: refs.len(),
            blobs_pending: pending,
            temp_files: temp,
            key_file: Some(keys::path(dir).display().to_string()),
        })
    }

    /// Destroys the stored files of a piece of evidence, for good (a legal
    /// erasure request, data stored by mistake). The row stays, withdrawn and
    /// marked purged with the reason; the audit trail records who and why.
    /// In an encrypted workspace each file's key is destroyed first.
    pub fn purge_evidence(&mut self, id: i64, reason: &str) -> Result<PurgeOutcome> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::Usage(
                "a purge needs a reason (--reason TEXT); the audit trail records it".into(),
            ));
        }
        let e = self.evidence(id)?;
        if e.kind != crate::model::EvidenceKind::File {
            return Err(Error::Usage(format!(
                "evidence #{id} is a {}, it has no stored file; withdraw it with `crosswalk evidence remove {id}`",
                e.kind
            )));
        }
        let shas: BTreeSet<String> = e.revisions.iter().map(|r| r.sha256.clone()).collect();
        let purged = purged_evidence(&self.conn)?;
        let already = purged.contains(&id);
        // The same bytes stored once may serve other evidence: never destroy theirs.
        let mut sharing: BTreeSet<i64> = BTreeSet::new();
        for sha in &shas {
            let mut stmt = self.conn.prepare(
                "SELECT DISTINCT evidence_id FROM evidence_revisions WHERE sha256 = ?1 AND evidence_id <> ?2",
            )?;
            let others: Vec<i64> = stmt
                .query_map(rusqlite::params![sha, id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            sharing.extend(others.into_iter().filter(|o| !purged.contains(o)));
        }
        if !sharing.is_empty() {
            let list = sharing
                .iter()
                .map(|i| format!("#{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::Usage(format!(
                "evidence #{id} shares a stored file with evidence {list}; purge those too (or first) — nothing was changed"
            )));
        }
        if !already {
            let now = timestamp(crate::now());
            let tx = self.begin()?;
            tx.execute(
                "INSERT INTO evidence_purges (evidence_id, purged_at, reason) VALUES (?1, ?2, ?3)",
                rusqlite::params![id, now, reason],
            )?;
            tx.execute(
                "UPDATE evidence SET removed_at = COALESCE(removed_at, ?2) WHERE id = ?1",
                rusqlite::params![id, now],
            )?;
            let after = crate::evidence::load(&tx, "e.id = ?1", &[&id])?
                .pop()
                .expect("exists");
            self.record(
                &tx,
                "evidence.purged",
                &format!("evidence:{id}"),
                format!("Purged the files of evidence #{id} \"{}\": {reason}", after.title),
                json!({"evidence": id, "reason": reason, "sha256": shas, "encrypted": self.vault.encrypted(),
                       "states": {format!("evidence:{id}"): crate::evidence::state_digest(&after)}}),
            )?;
            tx.commit()?;
        }
        let mut destroyed = 0;
        for sha in &shas {
            if self.vault.purge(sha)? {
                destroyed += 1;
            }
        }
        Ok(PurgeOutcome {
            evidence: id,
            files: shas.into_iter().collect(),
            files_destroyed: destroyed,
            cryptographic_erasure: self.vault.encrypted(),
            already_purged: already,
        })
    }

    /// Writes the plaintext of a stored evidence file to `dest` (verified on
    /// the way: a damaged file is refused, not copied).
    pub fn export_evidence_file(
        &self,
        id: i64,
        revision: Option<u32>,
        dest: &Path,
    ) -> Result<PathBuf> {
        let (_, rev) = self.evidence_file(id, revision)?;
        super::copy_out(self.vault(), &rev.sha256, dest).map_err(|e| match e {
            Error::Usage(m) => Error::Usage(format!("evidence #{id} revision {}: {m}", rev.number)),
            e => e,
        })?;
        Ok(dest.to_path_buf())
    }

    /// A verified reader of an evidence file's plaintext (decrypted in an
    /// encrypted workspace), for the viewer: it fails rather than hand out
    /// bytes whose SHA-256 is not the recorded one, and never blocks on a
    /// FIFO or follows a link planted in the vault.
    pub fn evidence_reader(
        &self,
        id: i64,
        revision: Option<u32>,
    ) -> Result<(super::BlobReader, crate::model::Revision)> {
        let (_, rev) = self.evidence_file(id, revision)?;
        let reader = self.vault().open(&rev.sha256).map_err(|e| {
            Error::io(
                format!(
                    "cannot read the stored file of evidence #{id} revision {} ({})",
                    rev.number,
                    self.vault().location(&rev.sha256).display()
                ),
                e,
            )
        })?;
        Ok((reader, rev))
    }

    /// Another handle on the same workspace, with its own database
    /// connection and the same unwrapped keys (no passphrase asked again):
    /// for a watcher that must not wait behind this handle's long commands.
    pub fn second_handle(&self) -> Result<Workspace> {
        let Some(u) = &self.keys else {
            return Workspace::open(self.dir());
        };
        let dir = self.dir().to_path_buf();
        let kf = KeyFile::load(&dir)?;
        let read_only = self.is_read_only();
        let conn = open_db(&dir, &kf, u, read_only)?;
        let vault = store_for(&dir, &kf, u);
        Self::from_parts(dir, conn, vault, Some(u.clone()), read_only)
    }

    /// Whether this workspace is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.keys.is_some()
    }

    /// The secret named `name` (e.g. the signing key) kept wrapped in the key
    /// file of an encrypted workspace; `None` when not stored.
    pub fn vault_secret(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let dk = self
            .data_key()
            .ok_or_else(|| Error::Usage("not an encrypted workspace".into()))?;
        let kf = KeyFile::load(self.dir())?;
        kf.secrets
            .get(name)
            .map(|w| keys::open_secret(dk, w, name))
            .transpose()
    }

    /// Stores a small secret wrapped by the data key in the key file.
    pub fn set_vault_secret(&self, name: &str, plain: &[u8]) -> Result<()> {
        let dk = self
            .data_key()
            .ok_or_else(|| Error::Usage("not an encrypted workspace".into()))?;
        let mut kf = KeyFile::load(self.dir())?;
        if kf.rotation.is_some() {
            return Err(Error::Usage(
                "finish the key rotation first: `crosswalk vault rotate`".into(),
            ));
        }
        kf.secrets
            .insert(name.into(), keys::seal_secret(dk, plain, name));
        kf.save(self.dir())
    }
}

// --- lock after idle ------------------------------------------------------

/// The settings row holding the app's idle lock, in minutes.
const IDLE_LOCK_KEY: &str = "vault.idle_lock_minutes";
/// A day: an idle lock longer than that protects nothing a shut lid would not.
pub const MAX_IDLE_LOCK_MINUTES: u32 = 24 * 60;

/// Reads the idle lock as typed: empty or `off` turns it off, else whole
/// minutes between 1 and [`MAX_IDLE_LOCK_MINUTES`].
pub fn parse_idle_lock(text: &str) -> Result<Option<u32>> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(m) if (1..=MAX_IDLE_LOCK_MINUTES).contains(&m) => Ok(Some(m)),
        _ => Err(Error::Usage(format!(
            "lock after idle: `{t}` is not a number of minutes between 1 and {MAX_IDLE_LOCK_MINUTES}; leave it empty to turn the idle lock off"
        ))),
    }
}

impl Workspace {
    /// Minutes without input after which the app locks an encrypted
    /// workspace; `None`: it stays open until locked by hand or closed.
    pub fn idle_lock_minutes(&self) -> Result<Option<u32>> {
        Ok(self
            .setting(IDLE_LOCK_KEY)?
            .and_then(|v| v.parse().ok())
            .filter(|m| (1..=MAX_IDLE_LOCK_MINUTES).contains(m)))
    }

    /// Sets (or, with `None`, turns off) the idle lock, with one audit event.
    pub fn set_idle_lock_minutes(&mut self, minutes: Option<u32>) -> Result<Option<u32>> {
        if let Some(m) = minutes {
            if !(1..=MAX_IDLE_LOCK_MINUTES).contains(&m) {
                return Err(Error::Usage(format!(
                    "lock after idle: give between 1 and {MAX_IDLE_LOCK_MINUTES} minutes, or turn it off"
                )));
            }
        }
        if !self.is_encrypted() {
            return Err(Error::Usage(
                "only an encrypted workspace can be locked; encrypt it first (`crosswalk vault encrypt`)".into(),
            ));
        }
        if self.idle_lock_minutes()? == minutes {
            return Ok(minutes);
        }
        let tx = self.begin()?;
        let value = minutes.map(|m| m.to_string());
        match &value {
            Some(v) => crate::workspace::set_setting(&tx, IDLE_LOCK_KEY, v)?,
            None => {
                tx.execute("DELETE FROM settings WHERE key = ?1", [IDLE_LOCK_KEY])?;
            }
        }
        let summary = match minutes {
            Some(m) => format!("The app locks the workspace after {m} minutes without input"),
            None => "The app no longer locks the workspace when idle".into(),
        };
        self.record(
            &tx,
            "settings.changed",
            "settings",
            summary,
            json!({
                "changed": {IDLE_LOCK_KEY: minutes},
                "states": {format!("setting:{IDLE_LOCK_KEY}"): value.as_deref().map(crate::verify::setting_digest)},
            }),
        )?;
        tx.commit()?;
        Ok(minutes)
    }
}
