//! `Workspace`: one data directory (`crosswalk.db` + `evidence/`), the single
//! entry point the CLI, the desktop app and the tests all use.
use crate::audit::{self, AuditEvent, NewEvent};
use crate::catalog::{self, Catalog};
use crate::error::{Error, Result};
use crate::model::*;
use crate::text::ref_key;
use crate::yaml;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
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
        let read_only =
            db_path.is_file() && !(crate::db::writable(&dir) && crate::db::writable(&db_path));
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
            crate::db::open_read_only(&db_path)?
        } else {
            crate::db::open(&db_path)?
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

    /// Appends one audit event inside the caller's transaction.
    pub(crate) fn record(
        &self,
        tx: &Transaction<'_>,
        action: &str,
        subject: &str,
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
                subject,
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
            let stored: std::collections::HashMap<String, String> = {
                let mut stmt = conn.prepare("SELECT id, catalog_sha256 FROM frameworks")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let changed = catalogs
                .iter()
                .filter(|(c, sha)| stored.get(&c.framework.id) != Some(sha))
                .cloned()
                .collect();
            let xw: Option<String> = conn
                .query_row(
                    "SELECT value FROM settings WHERE key = 'shipped_crosswalks_sha256'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
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
            store_catalog(&tx, catalog, sha, true)?;
            self.record(
                &tx,
                "framework.loaded",
                &format!("framework:{}", catalog.framework.id),
                format!("Loaded {} catalog ({} requirements)", catalog.framework.short_name, catalog.requirements.len()),
                json!({"framework": catalog.framework.id, "catalog_sha256": sha, "requirements": catalog.requirements.len()}),
            )?;
        }
        tx.execute("DELETE FROM crosswalk_links WHERE origin = 'shipped'", [])?;
        let mut total = 0;
        for (name, bytes) in crate::embedded::CROSSWALK_FILES {
            let file = format!("controls/crosswalks/{name}");
            let root = yaml::parse(&file, bytes).map_err(|p| Error::Invalid(vec![p]))?;
            let links = catalog::parse_crosswalk(
                &file,
                &root,
                &|fw, r| resolve_ref_in(&tx, fw, r),
                &|fw| framework_exists(&tx, fw),
            )
            .map_err(Error::Invalid)?;
            total += links.len();
            insert_links(&tx, &links, "shipped")?;
        }
        set_setting(&tx, "shipped_crosswalks_sha256", &crosswalk_sha)?;
        if stored_crosswalk_sha.as_deref() != Some(crosswalk_sha.as_str()) {
            self.record(
                &tx,
                "crosswalks.loaded",
                "crosswalks",
                format!("Loaded {total} crosswalk links"),
                json!({"links": total, "sha256": crosswalk_sha}),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored value of setting `key`; None when it was never set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
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
        set_setting(&tx, "organisation", name)?;
        self.record(
            &tx,
            "settings.changed",
            "settings:organisation",
            format!("Organisation set to {name}"),
            json!({"organisation": name, "states": {"setting:organisation": crate::verify::setting_digest(name)}}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every installed framework: the shipped ones first, then by id.
    pub fn frameworks(&self) -> Result<Vec<Framework>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, name, short_name, version, publisher, published, source, text_rights, levels FROM frameworks ORDER BY shipped DESC, id",
        )?;
        let rows = stmt.query_map([], |r| {
            let levels: String = r.get(8)?;
            let published: Option<String> = r.get(5)?;
            Ok(Framework {
                id: r.get(0)?,
                name: r.get(1)?,
                short_name: r.get(2)?,
                version: r.get(3)?,
                publisher: r.get(4)?,
                published: published.and_then(|p| NaiveDate::parse_from_str(&p, "%Y-%m-%d").ok()),
                source: r.get(6)?,
                text_rights: r.get(7)?,
                levels: serde_json::from_str(&levels).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
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
        let mut stmt = self.conn.prepare(
            "SELECT framework_id, ref, parent, level, title, summary, assessable, designation, theme, own_title
             FROM requirements WHERE ?1 IS NULL OR framework_id = ?1 ORDER BY framework_id, position",
        )?;
        let fw = if framework_id.is_empty() {
            None
        } else {
            Some(framework_id)
        };
        let rows = stmt.query_map([fw], |r| {
            Ok(Requirement {
                framework_id: r.get(0)?,
                reference: r.get(1)?,
                parent: r.get(2)?,
                level: r.get(3)?,
                title: r.get(4)?,
                summary: r.get(5)?,
                assessable: r.get(6)?,
                designation: r.get(7)?,
                theme: r.get(8)?,
                own_title: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The canonical ref of a requirement, matched forgiving whitespace.
    pub fn resolve_ref(&self, framework_id: &str, reference: &str) -> Option<String> {
        resolve_ref_in(&self.conn, framework_id, reference)
    }

    /// Every crosswalk link stored, shipped and imported, in the order stored.
    pub fn crosswalk_links(&self) -> Result<Vec<CrosswalkLink>> {
        let mut stmt = self.conn.prepare(
            "SELECT from_framework, from_ref, to_framework, to_ref, relationship, basis, source, note,
                    properties, strength, publisher, document, version, licence, url
             FROM crosswalk_links ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let rel: String = r.get(4)?;
            let basis: String = r.get(5)?;
            let properties: String = r.get(8)?;
            Ok(CrosswalkLink {
                from_framework: r.get(0)?,
                from_ref: r.get(1)?,
                to_framework: r.get(2)?,
                to_ref: r.get(3)?,
                relationship: Relationship::parse(&rel).unwrap_or(Relationship::Intersects),
                properties: properties
                    .split(',')
                    .filter_map(SupportProperty::parse)
                    .collect(),
                strength: r.get(9)?,
                basis: LinkBasis::parse(&basis).unwrap_or(LinkBasis::Judgement),
                source: r.get(6)?,
                note: r.get(7)?,
                provenance: Provenance {
                    publisher: r.get(10)?,
                    document: r.get(11)?,
                    version: r.get(12)?,
                    licence: r.get(13)?,
                    url: r.get(14)?,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every control, with its mappings.
    pub fn controls(&self) -> Result<Vec<Control>> {
        load_controls(&self.conn)
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
        Ok(self
            .conn
            .query_row(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, audit::GENESIS_HASH.to_string())))
    }

    /// Loads a framework catalog a user wrote (a seventh framework).
    pub(crate) fn store_user_catalog(
        &self,
        tx: &Transaction<'_>,
        catalog: &Catalog,
        sha: &str,
    ) -> Result<()> {
        store_catalog(tx, catalog, sha, false)
    }
}

pub(crate) fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])?;
    Ok(())
}

pub(crate) fn framework_exists(conn: &Connection, id: &str) -> bool {
    conn.query_row("SELECT 1 FROM frameworks WHERE id = ?1", [id], |_| Ok(()))
        .optional()
        .ok()
        .flatten()
        .is_some()
}

pub(crate) fn resolve_ref_in(
    conn: &Connection,
    framework_id: &str,
    reference: &str,
) -> Option<String> {
    conn.query_row(
        "SELECT ref FROM requirements WHERE framework_id = ?1 AND ref_key = ?2",
        params![framework_id, ref_key(reference)],
        |r| r.get(0),
    )
    .optional()
    .ok()
    .flatten()
}

pub(crate) fn insert_links(conn: &Connection, links: &[CrosswalkLink], origin: &str) -> Result<()> {
    let mut stmt = conn.prepare(
        "INSERT INTO crosswalk_links (from_framework, from_ref, to_framework, to_ref, relationship, basis, source, note, origin,
            properties, strength, publisher, document, version, licence, url)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
    )?;
    for l in links {
        let properties: Vec<&str> = l.properties.iter().map(|p| p.as_str()).collect();
        let p = &l.provenance;
        stmt.execute(params![
            l.from_framework,
            l.from_ref,
            l.to_framework,
            l.to_ref,
            l.relationship.as_str(),
            l.basis.as_str(),
            l.source,
            l.note,
            origin,
            properties.join(","),
            l.strength,
            p.publisher,
            p.document,
            p.version,
            p.licence,
            p.url
        ])?;
    }
    Ok(())
}

/// Writes or refreshes one catalog. Requirements that controls still map to
/// are kept even if the new catalog dropped them, so no mapping is lost.
fn store_catalog(tx: &Transaction<'_>, catalog: &Catalog, sha: &str, shipped: bool) -> Result<()> {
    let f = &catalog.framework;
    tx.execute(
        "INSERT INTO frameworks (id, name, short_name, version, publisher, published, source, text_rights, levels, catalog_sha256, shipped)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)
         ON CONFLICT(id) DO UPDATE SET name=excluded.name, short_name=excluded.short_name, version=excluded.version,
           publisher=excluded.publisher, published=excluded.published, source=excluded.source, text_rights=excluded.text_rights,
           levels=excluded.levels, catalog_sha256=excluded.catalog_sha256, shipped=excluded.shipped",
        params![
            f.id,
            f.name,
            f.short_name,
            f.version,
            f.publisher,
            f.published.map(|d| d.to_string()),
            f.source,
            f.text_rights,
            serde_json::to_string(&f.levels).unwrap(),
            sha,
            shipped
        ],
    )?;
    tx.execute(
        "DELETE FROM requirements WHERE framework_id = ?1 AND NOT EXISTS
           (SELECT 1 FROM mappings m WHERE m.framework_id = requirements.framework_id AND m.ref = requirements.ref)
         AND NOT EXISTS (SELECT 1 FROM applicability a WHERE a.framework_id = requirements.framework_id AND a.ref = requirements.ref)
         AND NOT EXISTS (SELECT 1 FROM applicability_decisions d WHERE d.framework_id = requirements.framework_id AND d.ref = requirements.ref)",
        [&f.id],
    )?;
    let mut stmt = tx.prepare(
        "INSERT INTO requirements (framework_id, ref, ref_key, parent, level, title, summary, assessable, designation, theme, position, own_title)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)
         ON CONFLICT(framework_id, ref) DO UPDATE SET ref_key=excluded.ref_key, parent=excluded.parent, level=excluded.level,
           title=excluded.title, summary=excluded.summary, assessable=excluded.assessable, designation=excluded.designation,
           theme=excluded.theme, position=excluded.position, own_title=excluded.own_title",
    )?;
    for (i, r) in catalog.requirements.iter().enumerate() {
        stmt.execute(params![
            f.id,
            r.reference,
            ref_key(&r.reference),
            r.parent,
            r.level,
            r.title,
            r.summary,
            r.assessable,
            r.designation,
            r.theme,
            i as i64,
            r.own_title
        ])?;
    }
    Ok(())
}

/// All controls with their mappings, ordered by id.
pub(crate) fn load_controls(conn: &Connection) -> Result<Vec<Control>> {
    let mut mappings: std::collections::HashMap<String, Vec<Mapping>> =
        std::collections::HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT control_id, framework_id, ref, coverage, rationale FROM mappings ORDER BY control_id, position")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let coverage: String = r.get(3)?;
            mappings.entry(r.get(0)?).or_default().push(Mapping {
                framework_id: r.get(1)?,
                reference: r.get(2)?,
                coverage: MappingCoverage::parse(&coverage).unwrap_or(MappingCoverage::Partial),
                rationale: r.get(4)?,
            });
        }
    }
    let mut stmt = conn.prepare("SELECT id, title, description, category, owner, status, review_every_days FROM controls ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        let status: String = r.get(5)?;
        let id: String = r.get(0)?;
        Ok(Control {
            mappings: mappings.remove(&id).unwrap_or_default(),
            title: r.get(1)?,
            description: r.get(2)?,
            category: r.get(3)?,
            owner: r.get(4)?,
            status: crate::db::enum_col(
                "controls",
                "status",
                &id,
                &status,
                "implemented, partial, planned or not_applicable",
                ControlStatus::parse,
            )?,
            review_every_days: r.get(6)?,
            id,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
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
