//! Converting a plaintext workspace to an encrypted one and rotating the
//! data key: each a sequence of steps that is atomic (a rename) and that a
//! later run recognises as done, with the key file recording what is under
//! way, so a kill -9 anywhere leaves a workspace that opens and running the
//! same command again completes it.
use super::encrypted::EncryptedStore;
use super::keys::{self, db_key, KeyFile, KeyState, Secret, Unlocked};
use super::ops::{open_db, store_for, VaultOutcome, VaultProgress, DB, DB_NEXT};
use super::BlobStore;
use crate::audit::{Note, Subject};
use crate::error::{Error, Result};
use crate::workspace::Workspace;
use rusqlite::Connection;
use serde_json::json;
use std::collections::BTreeSet;
use std::path::Path;
use zeroize::Zeroizing;

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
            crate::store::cipher::apply_key(&conn, k, &path)?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        crate::store::cipher::export_under(&conn, &next, to)?;
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
    let mut b = [0u8; 8];
    super::aead::fill_random(&mut b);
    hex::encode(b)
}

fn audit_has(conn: &Connection, action: Note, key: &str, id: &str) -> Result<bool> {
    for (_, d) in crate::store::audit::details(conn, Some(action.as_str()))? {
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

/// What a conversion starts from: its key file, the unlocked keys, the
/// recovery key (only when this run made it) and whether it resumes one.
type Started = (KeyFile, Unlocked, Option<super::keys::RecoveryKey>, bool);

/// The first step of a conversion: a new key file in state `converting`
/// (the schema brought up to date while still plaintext), or, when one is
/// there, the interrupted conversion unlocked with `resume`.
fn start_conversion(
    dir: &Path,
    new_passphrase: Option<&str>,
    resume: Option<&Secret>,
) -> Result<Started> {
    let dir = dir.to_path_buf();
    Ok(if keys::is_encrypted(&dir) {
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
        drop(Workspace::open(&dir)?);
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
    })
}

impl Workspace {
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
        let (mut kf, u, recovery, resumed) = start_conversion(&dir, new_passphrase, resume)?;
        let db_path = dir.join(DB);
        if crate::store::cipher::is_plain(&db_path) {
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
        if !audit_has(&ws.conn, Note::VaultEncrypted, "conversion", &conversion)? {
            let tx = ws.begin()?;
            ws.record_note(
                &tx,
                Note::VaultEncrypted,
                &Subject::Vault,
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
        let mut shas: BTreeSet<String> = crate::store::evidence::referenced_blobs(&self.conn)?
            .into_iter()
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
            KeyState::Ready => (Some(self.begin_rotating(&dir, &mut kf, passphrase)?), false),
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
        self.rekey_database(&dir, &kf, &u)?;
        if !audit_has(&self.conn, Note::VaultRotated, "rotation", &rotation.id)? {
            let tx = self.begin()?;
            self.record_note(
                &tx,
                Note::VaultRotated,
                &Subject::Vault,
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

    /// The first step of a rotation: a next key (and recovery key) in the
    /// key file, the store switched to it, the start audited.
    fn begin_rotating(
        &mut self,
        dir: &Path,
        kf: &mut KeyFile,
        passphrase: &str,
    ) -> Result<super::keys::RecoveryKey> {
        let u = self.unlocked()?;
        let rk = kf.begin_rotation(u, passphrase)?;
        kf.save(dir)?;
        let u = kf.unlock(
            &Secret::Passphrase(Zeroizing::new(passphrase.to_string())),
            dir,
        )?;
        self.vault = store_for(dir, kf, &u);
        self.keys = Some(u);
        let tx = self.begin()?;
        let r = kf.rotation.as_ref().expect("just begun");
        self.record_note(
            &tx,
            Note::VaultRotationStarted,
            &Subject::Vault,
            "Started rotating the data key".into(),
            json!({"rotation": r.id, "from": kf.current.key_id, "to": r.next.key_id}),
        )?;
        tx.commit()?;
        Ok(rk)
    }

    /// The database under the rotation's next key, unless a crash came after
    /// that was done; this handle's connection is reopened on it.
    fn rekey_database(&mut self, dir: &Path, kf: &KeyFile, u: &Unlocked) -> Result<()> {
        let next = u.next.as_ref().expect("rotating");
        let path = dir.join(DB);
        let under_next = Connection::open(&path)
            .ok()
            .map(|c| crate::store::cipher::apply_key(&c, &db_key(next), &path).is_ok())
            .unwrap_or(false);
        if !under_next {
            // Close our connection first: the file is replaced underneath.
            let conn = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
            drop(conn);
            let r = rewrite_db(dir, Some(&db_key(&u.current)), &db_key(next));
            self.conn = open_db(dir, kf, u, false)?;
            r?;
        }
        Ok(())
    }
}
