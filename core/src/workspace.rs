//! `Workspace`: one data directory (`crosswalk.db` + `evidence/`), the single
//! entry point the CLI, the desktop app and the tests all use.
use crate::audit::{self, AuditEvent, NewEvent};
use crate::catalog::{self, Catalog};
use crate::error::{Error, Result};
use crate::model::*;
use crate::store;
use crate::yaml;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Shipped catalogs (with their hash) that differ from the stored ones, and
/// the shipped crosswalks' hash when they differ.
type OutOfDate = (Vec<(Catalog, String)>, Option<String>);

/// An open workspace: its database, its vault of evidence files, and who is acting. Every rule of the domain is a method on it or takes it.
pub struct Workspace {
    pub(crate) conn: Connection,
    dir: PathBuf,
    actor: String,
    /// Where evidence files live (core/src/vault/): plain or encrypted.
    pub(crate) vault: Box<dyn crate::vault::BlobStore>,
    /// The unwrapped keys of an encrypted workspace.
    pub(crate) keys: Option<crate::vault::keys::Unlocked>,
    /// Opened on a folder this process cannot write: reading only.
    read_only: bool,
}

/// "Now" for everything Crosswalk records. `SOURCE_DATE_EPOCH` (the
/// reproducible-builds convention) pins it, so reports and tests can be
/// byte-for-byte reproducible.
pub fn now() -> DateTime<Utc> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(Utc::now)
}

/// `at` as RFC 3339 UTC to the second (`2026-10-01T09:30:00Z`), the form every recorded time takes.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Workspace {
    /// Opens (creating if needed) the workspace in `dir`, and brings the
    /// shipped framework catalogs and crosswalks up to date.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        if crate::vault::keys::is_encrypted(&dir) {
            return Err(Error::Locked(format!(
                "{} is an encrypted workspace; give its passphrase (CROSSWALK_PASSPHRASE, --passphrase-fd N, or at the prompt)",
                dir.display()
            )));
        }
        let db_path = dir.join("crosswalk.db");
        // An existing workspace this process cannot write (an auditor's copy,
        // a read-only mount) is opened for reading: verify, listings, reports.
        let read_only = db_path.is_file()
            && !(crate::store::writable(&dir) && crate::store::writable(&db_path));
        if !db_path.exists() {
            refuse_vault_without_database(&dir)?;
        }
        if !read_only {
            std::fs::create_dir_all(dir.join("evidence")).map_err(|e| {
                Error::io(
                    format!("cannot create the data directory {}", dir.display()),
                    e,
                )
            })?;
        }
        let conn = if read_only {
            crate::store::open_read_only(&db_path)?
        } else {
            crate::store::open(&db_path)?
        };
        let vault = Box::new(crate::vault::plain::PlainStore::new(dir.join("evidence")));
        Self::from_parts(dir, conn, vault, None, read_only)
    }

    /// A workspace over an opened database and vault (plain or encrypted).
    pub(crate) fn from_parts(
        dir: PathBuf,
        conn: Connection,
        vault: Box<dyn crate::vault::BlobStore>,
        keys: Option<crate::vault::keys::Unlocked>,
        read_only: bool,
    ) -> Result<Self> {
        let actor = crate::settings::actor_for(&conn)?;
        let mut ws = Workspace {
            conn,
            dir,
            actor,
            vault,
            keys,
            read_only,
        };
        if !read_only {
            // Read-only, an out-of-date copy is left as it is; verify says so.
            ws.sync_shipped_data()?;
            ws.protect_signing_key()?;
        }
        Ok(ws)
    }

    /// The evidence-file store (the storage seam: core/src/vault/).
    pub fn vault(&self) -> &dyn crate::vault::BlobStore {
        self.vault.as_ref()
    }

    /// Whether the workspace was opened for reading only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The data folder it lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// The vault's folder (`evidence/` in the data folder).
    pub fn evidence_dir(&self) -> PathBuf {
        self.dir.join("evidence")
    }
    /// The name changes are recorded under.
    pub fn actor(&self) -> &str {
        &self.actor
    }
    /// Records later changes under `actor`.
    pub fn set_actor(&mut self, actor: impl Into<String>) {
        self.actor = actor.into();
    }
    /// Today's date in UTC ([`now`]'s day).
    pub fn today(&self) -> NaiveDate {
        now().date_naive()
    }

    /// Starts a transaction. Every change and its audit event go in one, so
    /// either both are written or neither is.
    pub(crate) fn begin(&self) -> Result<Transaction<'_>> {
        if self.read_only {
            return Err(Error::Usage(format!(
                "the workspace at {} is read-only (this user cannot write to it); it can be verified, listed and reported on, not changed",
                self.dir.display()
            )));
        }
        // One Workspace is used from one thread at a time; nested transactions
        // would be a bug, which SQLite itself refuses.
        // IMMEDIATE: take the write lock up front, so a concurrent writer waits
        // (busy_timeout) instead of failing on a read-to-write upgrade.
        Ok(Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?)
    }

    /// Appends the event of a change to vouched-for records, inside the
    /// caller's transaction: `states` (what the change left, per subject) go
    /// into the details, where `verify` finds them.
    pub(crate) fn record_change(
        &self,
        tx: &Transaction<'_>,
        action: audit::Mutation,
        subject: &audit::Subject,
        summary: String,
        details: serde_json::Value,
        states: audit::States,
    ) -> Result<AuditEvent> {
        let mut details = match details {
            serde_json::Value::Object(map) => map,
            serde_json::Value::Null => serde_json::Map::new(),
            other => serde_json::Map::from_iter([("value".to_string(), other)]),
        };
        details.insert("states".into(), json!(states));
        self.append_event(tx, action.as_str(), subject, summary, details.into())
    }

    /// Appends the event of something done that changes no vouched-for
    /// record (an export, a report, a key), inside the caller's transaction.
    pub(crate) fn record_note(
        &self,
        tx: &Transaction<'_>,
        action: audit::Note,
        subject: &audit::Subject,
        summary: String,
        details: serde_json::Value,
    ) -> Result<AuditEvent> {
        self.append_event(tx, action.as_str(), subject, summary, details)
    }

    fn append_event(
        &self,
        tx: &Transaction<'_>,
        action: &str,
        subject: &audit::Subject,
        summary: String,
        details: serde_json::Value,
    ) -> Result<AuditEvent> {
        let at = timestamp(now());
        audit::append(
            tx,
            NewEvent {
                at: &at,
                actor: &self.actor,
                action,
                subject: &subject.to_string(),
                summary,
                details,
            },
        )
    }

    fn sync_shipped_data(&mut self) -> Result<()> {
        let catalogs = catalog::shipped_catalogs().map_err(Error::Invalid)?;
        let crosswalk_sha = crate::hash::sha256_hex(
            &crate::embedded::CROSSWALK_FILES
                .iter()
                .flat_map(|(n, b)| n.bytes().chain(b.iter().copied()))
                .collect::<Vec<u8>>(),
        );
        let up_to_date = |conn: &Connection| -> Result<OutOfDate> {
            let stored = store::catalog::catalog_digests(conn)?;
            let changed = catalogs
                .iter()
                .filter(|(c, sha)| stored.get(&c.framework.id) != Some(sha))
                .cloned()
                .collect();
            let xw = store::settings::get(conn, "shipped_crosswalks_sha256")?;
            Ok((changed, xw))
        };
        let (changed, stored_crosswalk_sha) = up_to_date(&self.conn)?;
        if changed.is_empty() && stored_crosswalk_sha.as_deref() == Some(crosswalk_sha.as_str()) {
            return Ok(());
        }
        // Under the write lock, look again: another process may have just done it.
        let tx = Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)?;
        let (changed, stored_crosswalk_sha) = up_to_date(&tx)?;
        if changed.is_empty() && stored_crosswalk_sha.as_deref() == Some(crosswalk_sha.as_str()) {
            return Ok(());
        }
        for (catalog, sha) in &changed {
            store::catalog::store_catalog(&tx, catalog, sha, true)?;
            self.record_note(
                &tx,
                audit::Note::FrameworkLoaded,
                &audit::Subject::Framework(catalog.framework.id.clone()),
                format!("Loaded {} catalog ({} requirements)", catalog.framework.short_name, catalog.requirements.len()),
                json!({"framework": catalog.framework.id, "catalog_sha256": sha, "requirements": catalog.requirements.len()}),
            )?;
        }
        store::catalog::delete_links(&tx, "shipped")?;
        let mut total = 0;
        for (name, bytes) in crate::embedded::CROSSWALK_FILES {
            let file = format!("controls/crosswalks/{name}");
            let root = yaml::parse(&file, bytes).map_err(|p| Error::Invalid(vec![p]))?;
            let links = catalog::parse_crosswalk(
                &file,
                &root,
                &|fw, r| store::catalog::resolve_ref_in(&tx, fw, r),
                &|fw| store::catalog::framework_exists(&tx, fw),
            )
            .map_err(Error::Invalid)?;
            total += links.len();
            store::catalog::insert_links(&tx, &links, "shipped")?;
        }
        store::settings::set(&tx, "shipped_crosswalks_sha256", &crosswalk_sha)?;
        if stored_crosswalk_sha.as_deref() != Some(crosswalk_sha.as_str()) {
            self.record_note(
                &tx,
                audit::Note::CrosswalksLoaded,
                &audit::Subject::Crosswalks,
                format!("Loaded {total} crosswalk links"),
                json!({"links": total, "sha256": crosswalk_sha}),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored value of setting `key`; None when it was never set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        store::settings::get(&self.conn, key)
    }

    /// The organisation named on reports.
    pub fn organisation(&self) -> Result<String> {
        Ok(self
            .setting("organisation")?
            .unwrap_or_else(|| "Your organisation".into()))
    }

    /// Sets the organisation's name (trimmed, not empty), recording the change.
    pub fn set_organisation(&mut self, name: &str) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Usage("the organisation name cannot be empty".into()));
        }
        let tx = self.begin()?;
        store::settings::set(&tx, "organisation", name)?;
        self.record_change(
            &tx,
            audit::Mutation::SettingsChanged,
            &audit::Subject::Organisation,
            format!("Organisation set to {name}"),
            json!({"organisation": name}),
            audit::States::of(
                audit::Subject::Setting("organisation".into()),
                audit::State::Text(name),
            ),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every installed framework: the shipped ones first, then by id.
    pub fn frameworks(&self) -> Result<Vec<Framework>> {
        store::catalog::frameworks(&self.conn)
    }

    /// The framework `id`; an unknown id is an error that lists the known ones.
    pub fn framework(&self, id: &str) -> Result<Framework> {
        self.frameworks()?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| self.unknown_framework(id))
    }

    pub(crate) fn unknown_framework(&self, id: &str) -> Error {
        let ids: Vec<String> = self
            .frameworks()
            .map(|f| f.into_iter().map(|f| f.id).collect())
            .unwrap_or_default();
        let hint = crate::text::closest(id, ids.iter().map(String::as_str))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        Error::NotFound(format!(
            "unknown framework `{id}`{hint} (known: {})",
            ids.join(", ")
        ))
    }

    /// Requirements of one framework, in catalog order.
    pub fn requirements(&self, framework_id: &str) -> Result<Vec<Requirement>> {
        let fw = if framework_id.is_empty() {
            None
        } else {
            Some(framework_id)
        };
        store::catalog::requirements(&self.conn, fw)
    }

    /// The canonical ref of a requirement, matched forgiving whitespace.
    pub fn resolve_ref(&self, framework_id: &str, reference: &str) -> Option<String> {
        store::catalog::resolve_ref_in(&self.conn, framework_id, reference)
    }

    /// Every crosswalk link stored, shipped and imported, in the order stored.
    pub fn crosswalk_links(&self) -> Result<Vec<CrosswalkLink>> {
        store::catalog::crosswalk_links(&self.conn)
    }

    /// Every control, with its mappings.
    pub fn controls(&self) -> Result<Vec<Control>> {
        store::controls::load_controls(&self.conn)
    }

    /// The control `id`; an unknown id is an error naming the closest one.
    pub fn control(&self, id: &str) -> Result<Control> {
        let controls = self.controls()?;
        if let Some(c) = controls.iter().find(|c| c.id == id) {
            return Ok(c.clone());
        }
        let hint = crate::text::closest(id, controls.iter().map(|c| c.id.as_str()))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        Err(Error::NotFound(format!("no control `{id}`{hint}")))
    }

    /// The audit trail, newest first.
    pub fn log(&self, limit: usize, subject: Option<&str>) -> Result<Vec<AuditEvent>> {
        audit::list(&self.conn, limit, subject)
    }

    /// The newest audit event's number and hash (0 and the genesis hash for
    /// an empty trail): a cheap way to notice that the workspace changed.
    pub fn audit_head(&self) -> Result<(i64, String)> {
        crate::signing::head(&self.conn)
    }

    /// Loads a framework catalog a user wrote (a seventh framework).
    pub(crate) fn store_user_catalog(
        &self,
        tx: &Transaction<'_>,
        catalog: &Catalog,
        sha: &str,
    ) -> Result<()> {
        store::catalog::store_catalog(tx, catalog, sha, false)
    }
}

/// A vault full of evidence beside no database is a deleted or lost
/// `crosswalk.db`, not a new workspace: starting afresh there would hide it.
fn refuse_vault_without_database(dir: &Path) -> Result<()> {
    let vault = dir.join("evidence");
    let Ok(shards) = std::fs::read_dir(&vault) else {
        return Ok(());
    };
    let blobs = shards
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.len() == 2 && n.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .filter_map(|e| std::fs::read_dir(e.path()).ok())
        .map(|files| files.count())
        .sum::<usize>();
    if blobs > 0 {
        return Err(Error::Usage(format!(
            "{} holds {blobs} evidence file(s) but no crosswalk.db: the database was deleted or lost. Restore crosswalk.db from a backup; to start a new workspace instead, move the evidence folder away first",
            dir.display()
        )));
    }
    Ok(())
}
