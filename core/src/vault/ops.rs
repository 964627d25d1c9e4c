//! Workspace operations of the vault: open an encrypted workspace (for
//! writing, or read-only when the folder cannot be written), create one,
//! change the passphrase, keep the key in the OS keyring, purge evidence,
//! report status. Conversion and rotation are in `convert.rs`, the idle lock
//! in `idle.rs`.
use super::encrypted::{BlobKeys, EncryptedStore};
use super::keys::{
    self, db_key, DataKey, KeyFile, KeyState, RecoveryKey, Secret, Unlocked, VaultStatus,
};
use super::BlobStore;
use crate::audit::{Mutation, Note, State, States, Subject};
use crate::error::{Error, Result};
use crate::workspace::{timestamp, Workspace};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub(super) const DB: &str = "crosswalk.db";
/// The database being rewritten under a new key; renamed over `crosswalk.db` when complete.
pub(super) const DB_NEXT: &str = "crosswalk.db.next";

/// Progress of a long vault operation.
#[derive(Debug, Clone, Serialize)]
pub struct VaultProgress {
    /// `database` (re-encrypting the database) or `evidence files`.
    pub phase: &'static str,
    /// Units done in the phase: evidence files moved, or 0 of 1 for the database.
    pub done: u64,
    /// Units in the phase.
    pub total: u64,
}

/// What `vault encrypt`, `vault rotate` and `init --encrypt` report.
#[derive(Debug, Serialize)]
pub struct VaultOutcome {
    /// Id of the data key everything is now under.
    pub key_id: String,
    /// Evidence files re-encrypted (or encrypted, converting).
    pub blobs_moved: usize,
    /// Temporary files of interrupted ingests deleted (they held plaintext).
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
    /// The evidence item purged.
    pub evidence: i64,
    /// SHA-256 of each of its stored files.
    pub files: Vec<String>,
    /// Stored files deleted; files that other evidence also uses are kept.
    pub files_destroyed: usize,
    /// True in an encrypted workspace: the destroyed key makes any copy of the
    /// ciphertext left on the disk unreadable.
    pub cryptographic_erasure: bool,
    /// True when it had been purged before (its files were gone already).
    pub already_purged: bool,
}

pub(super) fn store_for(dir: &Path, kf: &KeyFile, u: &Unlocked) -> Box<dyn BlobStore> {
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
pub(super) fn open_db(
    dir: &Path,
    kf: &KeyFile,
    u: &Unlocked,
    read_only: bool,
) -> Result<Connection> {
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
            crate::store::open_read_only_keyed(&path, key.as_deref())
        } else {
            crate::store::open_keyed(&path, key.as_deref())
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
        let read_only =
            db.is_file() && !(crate::store::writable(&dir) && crate::store::writable(&db));
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
        let conn = crate::store::open_keyed(&dir.join(DB), Some(&db_key(&u.current)))?;
        let vault = store_for(&dir, &kf, &u);
        let key_id = kf.current.key_id.clone();
        let ws = Self::from_parts(dir, conn, vault, Some(u), false)?;
        {
            let tx = ws.begin()?;
            ws.record_note(
                &tx,
                Note::VaultCreated,
                &Subject::Vault,
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

    /// Changes the passphrase: re-wraps the data key; nothing else changes.
    pub fn change_passphrase(&mut self, new: &str) -> Result<()> {
        let u = self.unlocked()?;
        let mut kf = KeyFile::load(self.dir())?;
        kf.change_passphrase(u, new)?;
        kf.save(self.dir())?;
        let tx = self.begin()?;
        self.record_note(
            &tx,
            Note::VaultPassphraseChanged,
            &Subject::Vault,
            "Changed the workspace passphrase".into(),
            json!({"key_id": kf.current.key_id, "kdf": kf.current.kdf}),
        )?;
        tx.commit()?;
        Ok(())
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
        self.record_note(
            &tx,
            Note::VaultKeyring,
            &Subject::Vault,
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

    pub(super) fn unlocked(&self) -> Result<&Unlocked> {
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

    /// The vault's state: encryption, keys, and the blobs still to move (`crosswalk vault status`).
    pub fn vault_status(&self) -> Result<VaultStatus> {
        let dir = self.dir();
        let refs = crate::store::evidence::referenced_blobs(&self.conn)?;
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
            .filter(|sha| {
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
            database_encrypted: !crate::store::cipher::is_plain(&dir.join(DB)),
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
        let purged = crate::store::evidence::purged_ids(&self.conn)?;
        let already = purged.contains(&id);
        // The same bytes stored once may serve other evidence: never destroy theirs.
        let mut sharing: BTreeSet<i64> = BTreeSet::new();
        for sha in &shas {
            let others = crate::store::evidence::sharing_file(&self.conn, sha, id)?;
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
            crate::store::evidence::insert_purge(&tx, id, &now, reason)?;
            crate::store::evidence::set_removed(&tx, id, &now)?;
            let after = crate::store::evidence::load_one(&tx, id)?.expect("exists");
            self.record_change(
                &tx,
                Mutation::EvidencePurged,
                &Subject::Evidence(id),
                format!("Purged the files of evidence #{id} \"{}\": {reason}", after.title),
                json!({"evidence": id, "reason": reason, "sha256": shas, "encrypted": self.vault.encrypted()}),
                States::of(Subject::Evidence(id), State::Evidence(&after)),
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
