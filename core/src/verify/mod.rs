//! `verify`: proves the data unchanged. Re-hashes every stored file, walks the
//! audit chain, and checks every row that decides a status or appears in a
//! report against what vouches for it:
//! - controls (with their mappings), evidence, assessments (with their
//!   applicability), user catalogs, user crosswalk links, settings and the
//!   import keys of evidence: against the state the audit trail last recorded;
//! - shipped frameworks, requirements and crosswalk links: against the data
//!   embedded in this build (its hashes and its parsed content);
//! - the trail itself: every hash recomputed from genesis, and, given anchors
//!   kept outside the workspace (`HASH:COUNT`, or a report carrying one), that
//!   the trail still holds exactly that prefix.
//!
//! Without an anchor, a consistent chain only proves the trail was not edited
//! by someone who did not recompute the hashes; with one, nothing up to the
//! anchor can be rewritten, forged or cut off unnoticed.
//!
//! Nothing here blocks: stored files are checked with `lstat` and opened
//! non-blocking, so a FIFO or a link to a device in the vault is a fault, not a hang.
use crate::audit::{self, Anchor};
use crate::error::Result;
use crate::evidence;
use crate::import::control_digest;
use crate::model::Requirement;
use crate::vault::{Check, Integrity};
use crate::workspace::Workspace;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Settings that are caches of shipped data, checked against the build itself.
const INTERNAL_SETTINGS: &[&str] = &["shipped_crosswalks_sha256"];

/// What to check beyond the workspace itself.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Chain heads kept outside the workspace; each must still be a prefix.
    pub anchors: Vec<Anchor>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fault {
    /// `evidence:12`, `control:ENC-01`, `audit:57`, `blob:<sha256>`
    pub subject: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub events_checked: usize,
    pub last_event_hash: String,
    pub files_checked: usize,
    pub bytes_hashed: u64,
    pub evidence_checked: usize,
    pub controls_checked: usize,
    pub faults: Vec<Fault>,
    /// Partial files in `evidence/tmp` left by interrupted ingests. Not faults:
    /// nothing refers to them; safe to delete when no ingest is running.
    pub leftovers: Vec<String>,
    /// Files in the vault no evidence revision refers to (`crosswalk gc` removes them).
    pub orphan_blobs: Vec<String>,
    /// Frameworks, requirements, crosswalk links and settings checked.
    pub reference_rows_checked: usize,
    /// Anchors proven (as `HASH:COUNT`); a failed one is a fault instead.
    pub anchors_checked: Vec<String>,
}

/// Progress of a verify run: which phase, and how far.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyProgress {
    pub phase: &'static str,
    pub done: u64,
    pub total: u64,
}

impl Workspace {
    pub fn verify(&self, progress: &mut dyn FnMut(VerifyProgress)) -> Result<VerifyReport> {
        self.verify_with(&VerifyOptions::default(), progress)
    }

    pub fn verify_with(
        &self,
        options: &VerifyOptions,
        progress: &mut dyn FnMut(VerifyProgress),
    ) -> Result<VerifyReport> {
        let mut faults = Vec::new();
        progress(VerifyProgress {
            phase: "audit chain",
            done: 0,
            total: 1,
        });
        let (chain_faults, events_checked, last_event_hash) = audit::verify_chain(&self.conn)?;
        faults.extend(chain_faults.into_iter().map(|f| Fault {
            subject: format!("audit:{}", f.seq),
            message: f.message,
        }));
        let (checkpoint_faults, _) = crate::signing::verify_checkpoints(&self.conn)?;
        faults.extend(
            checkpoint_faults
                .into_iter()
                .map(|(subject, message)| Fault { subject, message }),
        );
        let mut anchors_checked = Vec::new();
        for anchor in &options.anchors {
            match audit::check_anchor(&self.conn, anchor)? {
                Some(message) => faults.push(Fault {
                    subject: format!("anchor:{anchor}"),
                    message,
                }),
                None => anchors_checked.push(anchor.to_string()),
            }
        }

        // The state each subject was left in by the last event that touched it.
        let mut expected: BTreeMap<String, (Option<String>, i64)> = BTreeMap::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT seq, details FROM audit_log ORDER BY seq")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let seq: i64 = r.get(0)?;
                let details: String = r.get(1)?;
                let Ok(value) = serde_json::from_str::<serde_json::Value>(&details) else {
                    continue;
                };
                if let Some(states) = value.get("states").and_then(|s| s.as_object()) {
                    for (subject, digest) in states {
                        expected
                            .insert(subject.clone(), (digest.as_str().map(str::to_string), seq));
                    }
                }
            }
        }
        let mut actual: HashMap<String, String> = HashMap::new();
        let controls = self.controls()?;
        for c in &controls {
            actual.insert(format!("control:{}", c.id), control_digest(c));
        }
        for a in self.assessments()? {
            actual.insert(
                format!("assessment:{}", a.id),
                crate::assessment::assessment_digest(&a),
            );
        }
        // Workspace applicability decisions and SoA documents (issue 10).
        actual.extend(crate::applicability::verify_states(self)?);
        let all_evidence = evidence::load(&self.conn, "1 = 1", &[])?;
        for e in &all_evidence {
            actual.insert(format!("evidence:{}", e.id), evidence::state_digest(e));
        }
        let (reference, reference_rows_checked) = recorded_reference_states(&self.conn)?;
        actual.extend(reference);
        faults.extend(shipped_data_faults(&self.conn)?);
        for (subject, digest) in &actual {
            match expected.get(subject) {
                None => faults.push(Fault { subject: subject.clone(), message: format!("{} exists but no audit event records it (written outside Crosswalk)", describe(subject)) }),
                Some((None, seq)) => faults.push(Fault { subject: subject.clone(), message: format!("{} was deleted by audit event {seq} but is present", describe(subject)) }),
                Some((Some(want), seq)) if want != digest => faults.push(Fault {
                    subject: subject.clone(),
                    message: format!("{} differs from what audit event {seq} recorded (edited outside Crosswalk)", describe(subject)),
                }),
                _ => {}
            }
        }
        for (subject, (digest, seq)) in &expected {
            if digest.is_some() && !actual.contains_key(subject) {
                faults.push(Fault {
                    subject: subject.clone(),
                    message: format!(
                        "{} recorded by audit event {seq} is missing (deleted outside Crosswalk)",
                        describe(subject)
                    ),
                });
            }
        }

        // Every revision's file, each distinct blob hashed once. A purged
        // evidence's files were destroyed on purpose.
        let purged = crate::vault::purged_evidence(&self.conn)?;
        let mut blobs: BTreeMap<&str, Vec<(i64, u32)>> = BTreeMap::new();
        for e in all_evidence.iter().filter(|e| !purged.contains(&e.id)) {
            for r in &e.revisions {
                blobs
                    .entry(r.sha256.as_str())
                    .or_default()
                    .push((e.id, r.number));
            }
        }
        let total_bytes: u64 = all_evidence
            .iter()
            .filter(|e| !purged.contains(&e.id))
            .flat_map(|e| &e.revisions)
            .map(|r| r.size)
            .sum();
        let mut bytes_hashed = 0u64;
        let vault = self.vault();
        for (sha, users) in &blobs {
            let used_by = users
                .iter()
                .map(|(id, n)| format!("evidence #{id} revision {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let path = vault.location(sha);
            // lstat first: a link or a FIFO planted under a blob's name is a
            // fault, never followed and never opened (opening a FIFO blocks).
            match std::fs::symlink_metadata(&path) {
                Ok(m) if !m.is_file() => {
                    faults.push(Fault {
                        subject: format!("blob:{sha}"),
                        message: format!(
                            "the stored file of {used_by} was replaced by {} ({})",
                            crate::input::kind_of(&m),
                            path.display()
                        ),
                    });
                    continue;
                }
                _ => {}
            }
            let base = bytes_hashed;
            let mut read = 0u64;
            let checked = vault.check(sha, &mut |done| {
                read = done;
                progress(VerifyProgress {
                    phase: "evidence files",
                    done: base + done,
                    total: total_bytes,
                })
            });
            let fault = |message: String| Fault {
                subject: format!("blob:{sha}"),
                message,
            };
            match checked {
                Check::Missing => faults.push(fault(format!(
                    "the stored file of {used_by} is missing ({})",
                    path.display()
                ))),
                Check::Unreadable(e) => faults.push(fault(format!(
                    "the stored file of {used_by} cannot be read: {e}"
                ))),
                Check::Bad(Integrity::Changed { actual }) => faults.push(fault(format!(
                    "the stored file of {used_by} has changed: its SHA-256 is now {actual}"
                ))),
                Check::Bad(Integrity::Tampered(why)) => faults.push(fault(format!(
                    "the stored file of {used_by} has been tampered with: {why} ({})",
                    path.display()
                ))),
                Check::Ok => {}
            }
            bytes_hashed += read;
        }
        let mut leftovers: Vec<String> = vault
            .temp_files()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        leftovers.sort();
        let referenced: HashSet<&str> = blobs.keys().copied().collect();
        let orphan_blobs = orphan_blobs(vault, &referenced);
        progress(VerifyProgress {
            phase: "done",
            done: 1,
            total: 1,
        });
        Ok(VerifyReport {
            ok: faults.is_empty(),
            events_checked,
            last_event_hash,
            files_checked: blobs.len(),
            bytes_hashed,
            evidence_checked: all_evidence.len(),
            controls_checked: controls.len(),
            faults,
            leftovers,
            orphan_blobs,
            reference_rows_checked,
            anchors_checked,
        })
    }
}

fn describe(subject: &str) -> String {
    match subject.split_once(':') {
        Some(("evidence", id)) => format!("evidence #{id}"),
        Some(("control", id)) => format!("control {id}"),
        Some(("assessment", id)) => format!("assessment #{id}"),
        Some(("framework", id)) => format!("framework {id} (its catalog and requirements)"),
        Some(("crosswalk", origin)) => format!("the crosswalk links imported from {origin}"),
        Some(("setting", key)) => format!("setting `{key}`"),
        Some(("import-key", id)) => format!("the import key of evidence #{id}"),
        _ => subject.to_string(),
    }
}

/// Files in the vault's shards that no revision refers to, and anything in a
/// shard that is not a regular file. Listed by name only: nothing is opened.
/// Backend-agnostic: a stored file is referenced when it sits where the store
/// keeps one of the referenced plaintext hashes.
pub(crate) fn orphan_blobs(
    vault: &dyn crate::vault::BlobStore,
    referenced: &HashSet<&str>,
) -> Vec<String> {
    let wanted: HashSet<std::path::PathBuf> =
        referenced.iter().map(|sha| vault.location(sha)).collect();
    let mut out: Vec<String> = vault
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|p| !wanted.contains(p))
        .map(|p| p.display().to_string())
        .collect();
    out.sort();
    out
}

fn sha_json(value: &serde_json::Value) -> String {
    crate::hash::sha256_hex(value.to_string().as_bytes())
}

/// Every column of every row a query returns, as JSON: a digest of raw rows
/// sees any edit, even one the typed loaders would smooth over.
fn rows_json(
    conn: &Connection,
    sql: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<serde_json::Value> {
    use rusqlite::types::ValueRef;
    let mut stmt = conn.prepare(sql)?;
    let n = stmt.column_count();
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::with_capacity(n);
        for i in 0..n {
            row.push(match r.get_ref(i)? {
                ValueRef::Null => serde_json::Value::Null,
                ValueRef::Integer(v) => v.into(),
                ValueRef::Real(v) => v.into(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                ValueRef::Blob(b) => hex::encode(b).into(),
            });
        }
        out.push(serde_json::Value::Array(row));
    }
    Ok(serde_json::Value::Array(out))
}

/// What the trail records of a framework: its row and all its requirements.
pub(crate) fn framework_digest(conn: &Connection, id: &str) -> Result<String> {
    let fw = rows_json(conn, "SELECT * FROM frameworks WHERE id = ?1", &[&id])?;
    let reqs = rows_json(
        conn,
        "SELECT * FROM requirements WHERE framework_id = ?1 ORDER BY position, ref",
        &[&id],
    )?;
    Ok(sha_json(&serde_json::json!([fw, reqs])))
}

/// What the trail records of the crosswalk links imported from one file;
/// None when there are none.
pub(crate) fn links_digest(conn: &Connection, origin: &str) -> Result<Option<String>> {
    let rows = rows_json(
        conn,
        "SELECT from_framework, from_ref, to_framework, to_ref, relationship, basis, source, note,
                properties, strength, publisher, document, version, licence, url
         FROM crosswalk_links WHERE origin = ?1 ORDER BY from_framework, from_ref, to_framework, to_ref, relationship",
        &[&origin],
    )?;
    Ok((rows.as_array().is_some_and(|a| !a.is_empty())).then(|| sha_json(&rows)))
}

pub(crate) fn setting_digest(value: &str) -> String {
    crate::hash::sha256_hex(value.as_bytes())
}

pub(crate) fn import_key_digest(key: &str) -> String {
    crate::hash::sha256_hex(key.as_bytes())
}

/// The current digests of everything the trail vouches for besides controls,
/// evidence and assessments; and how many rows they cover.
fn recorded_reference_states(conn: &Connection) -> Result<(HashMap<String, String>, usize)> {
    let mut out = HashMap::new();
    let mut rows = 0usize;
    let user_frameworks: Vec<String> = {
        let mut stmt = conn.prepare("SELECT id FROM frameworks WHERE shipped = 0 ORDER BY id")?;
        let r = stmt.query_map([], |r| r.get(0))?;
        r.collect::<Result<_, _>>()?
    };
    for id in user_frameworks {
        rows += 1;
        out.insert(format!("framework:{id}"), framework_digest(conn, &id)?);
    }
    let origins: Vec<(String, i64)> = {
        let mut stmt = conn.prepare(
            "SELECT origin, count(*) FROM crosswalk_links WHERE origin <> 'shipped' GROUP BY origin",
        )?;
        let r = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        r.collect::<Result<_, _>>()?
    };
    for (origin, n) in origins {
        rows += n as usize;
        if let Some(d) = links_digest(conn, &origin)? {
            out.insert(format!("crosswalk:{origin}"), d);
        }
    }
    let settings: Vec<(String, String)> = {
        let mut stmt = conn.prepare("SELECT key, value FROM settings")?;
        let r = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        r.collect::<Result<_, _>>()?
    };
    for (key, value) in settings {
        rows += 1;
        // The day of the last expiry reminder is bookkeeping, written without
        // an event (settings.rs), so it is not vouched for.
        if !INTERNAL_SETTINGS.contains(&key.as_str()) && !key.ends_with(".expiry_reminded_on") {
            out.insert(format!("setting:{key}"), setting_digest(&value));
        }
    }
    let keys: Vec<(i64, String)> = {
        let mut stmt =
            conn.prepare("SELECT id, import_key FROM evidence WHERE import_key IS NOT NULL")?;
        let r = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        r.collect::<Result<_, _>>()?
    };
    for (id, key) in keys {
        out.insert(format!("import-key:{id}"), import_key_digest(&key));
    }
    Ok((out, rows))
}

/// Shipped frameworks, requirements and crosswalk links against the data
/// embedded in this build.
fn shipped_data_faults(conn: &Connection) -> Result<Vec<Fault>> {
    let mut faults = Vec::new();
    let fault = |subject: String, message: String| Fault { subject, message };
    let catalogs = crate::catalog::shipped_catalogs().map_err(crate::Error::Invalid)?;
    let shipped_ids: HashSet<&str> = catalogs
        .iter()
        .map(|(c, _)| c.framework.id.as_str())
        .collect();
    let stored_shipped: Vec<String> = {
        let mut stmt = conn.prepare("SELECT id FROM frameworks WHERE shipped = 1")?;
        let r = stmt.query_map([], |r| r.get(0))?;
        r.collect::<Result<_, _>>()?
    };
    for id in &stored_shipped {
        if !shipped_ids.contains(id.as_str()) {
            faults.push(fault(format!("framework:{id}"), format!("framework {id} is marked as shipped but this build ships no such catalog (written outside Crosswalk)")));
        }
    }
    for (catalog, sha) in &catalogs {
        let f = &catalog.framework;
        let subject = format!("framework:{}", f.id);
        #[allow(clippy::type_complexity)] // one framework row, compared whole
        let row: Option<(String, String, String, String, String, Option<String>, String, String, String, String, bool)> = conn
            .query_row(
                "SELECT name, short_name, version, publisher, source, published, text_rights, levels, catalog_sha256, id, shipped FROM frameworks WHERE id = ?1",
                [&f.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?)),
            )
            .optional()?;
        let Some(row) = row else {
            faults.push(fault(
                subject,
                format!("shipped framework {} is missing from the database", f.id),
            ));
            continue;
        };
        let expected = (
            f.name.clone(),
            f.short_name.clone(),
            f.version.clone(),
            f.publisher.clone(),
            f.source.clone(),
            f.published.map(|d| d.to_string()),
            f.text_rights.clone(),
            serde_json::to_string(&f.levels).unwrap_or_default(),
            sha.clone(),
            f.id.clone(),
            true,
        );
        if row != expected {
            faults.push(fault(subject.clone(), format!("framework {} differs from the catalog shipped in this build (edited outside Crosswalk, or last opened by another Crosswalk version)", f.id)));
        }
        let mut stored: HashMap<String, Requirement> = HashMap::new();
        {
            let mut stmt = conn.prepare("SELECT ref, parent, level, title, summary, assessable, designation, theme, ref_key, own_title FROM requirements WHERE framework_id = ?1")?;
            let mut rows = stmt.query([&f.id])?;
            while let Some(r) = rows.next()? {
                let reference: String = r.get(0)?;
                let key: String = r.get(8)?;
                if key != crate::text::ref_key(&reference) {
                    faults.push(fault(
                        format!("requirement:{}/{reference}", f.id),
                        format!(
                            "{} {reference}: its lookup key was edited outside Crosswalk",
                            f.id
                        ),
                    ));
                }
                stored.insert(
                    reference.clone(),
                    Requirement {
                        framework_id: f.id.clone(),
                        reference,
                        parent: r.get(1)?,
                        level: r.get(2)?,
                        title: r.get(3)?,
                        summary: r.get(4)?,
                        assessable: r.get(5)?,
                        designation: r.get(6)?,
                        theme: r.get(7)?,
                        own_title: r.get(9)?,
                    },
                );
            }
        }
        let mut shipped_refs = HashSet::new();
        for want in &catalog.requirements {
            shipped_refs.insert(want.reference.as_str());
            let subject = format!("requirement:{}/{}", f.id, want.reference);
            match stored.get(&want.reference) {
                None => faults.push(fault(
                    subject,
                    format!(
                        "{} {} of the shipped catalog is missing (deleted outside Crosswalk)",
                        f.id, want.reference
                    ),
                )),
                Some(have) if have != want => {
                    let what = if have.title != want.title {
                        "title"
                    } else if have.summary != want.summary {
                        "summary"
                    } else {
                        "fields"
                    };
                    faults.push(fault(subject, format!("{} {}: its {what} differs from the shipped catalog (edited outside Crosswalk)", f.id, want.reference)));
                }
                Some(_) => {}
            }
        }
        // Requirements a newer catalog dropped stay only while something maps to them.
        for reference in stored.keys().filter(|r| !shipped_refs.contains(r.as_str())) {
            let used: bool = conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM mappings WHERE framework_id = ?1 AND ref = ?2) OR EXISTS(SELECT 1 FROM applicability WHERE framework_id = ?1 AND ref = ?2) OR EXISTS(SELECT 1 FROM applicability_decisions WHERE framework_id = ?1 AND ref = ?2)",
                [&f.id, reference],
                |r| r.get(0),
            )?;
            if !used {
                faults.push(fault(format!("requirement:{}/{reference}", f.id), format!("{} {reference} is not in the shipped catalog and nothing maps to it (written outside Crosswalk)", f.id)));
            }
        }
    }
    // Shipped crosswalk links: exactly the embedded files' links, each once.
    let mut want: HashMap<String, i64> = HashMap::new();
    for (name, bytes) in crate::embedded::CROSSWALK_FILES {
        let file = format!("controls/crosswalks/{name}");
        let root = crate::yaml::parse(&file, bytes).map_err(|p| crate::Error::Invalid(vec![p]))?;
        let links = crate::catalog::parse_crosswalk(
            &file,
            &root,
            &|fw, r| crate::workspace::resolve_ref_in(conn, fw, r),
            &|fw| crate::workspace::framework_exists(conn, fw),
        );
        let Ok(links) = links else {
            faults.push(fault("crosswalk:shipped".into(), format!("the shipped crosswalk {name} no longer resolves against the stored requirements")));
            continue;
        };
        for l in links {
            *want.entry(link_key(&l)).or_default() += 1;
        }
    }
    let mut have: HashMap<String, i64> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT from_framework, from_ref, to_framework, to_ref, relationship, basis, source, note, properties, strength FROM crosswalk_links WHERE origin = 'shipped'")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key = serde_json::json!([
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, Option<i64>>(9)?
            ])
            .to_string();
            *have.entry(key).or_default() += 1;
        }
    }
    let mut extra: Vec<String> = Vec::new();
    let mut missing = 0i64;
    for (k, n) in &have {
        let w = want.get(k).copied().unwrap_or(0);
        if *n > w {
            extra.push(describe_link(k));
        }
    }
    for (k, w) in &want {
        missing += (w - have.get(k).copied().unwrap_or(0)).max(0);
    }
    extra.sort();
    for l in extra.iter().take(20) {
        faults.push(fault("crosswalk:shipped".into(), format!("crosswalk link {l} is not in the crosswalks shipped in this build (inserted outside Crosswalk)")));
    }
    if extra.len() > 20 {
        faults.push(fault(
            "crosswalk:shipped".into(),
            format!("… and {} more inserted crosswalk links", extra.len() - 20),
        ));
    }
    if missing > 0 {
        faults.push(fault("crosswalk:shipped".into(), format!("{missing} shipped crosswalk link(s) are missing or were edited (changed outside Crosswalk)")));
    }
    Ok(faults)
}

fn link_key(l: &crate::model::CrosswalkLink) -> String {
    serde_json::json!([
        l.from_framework,
        l.from_ref,
        l.to_framework,
        l.to_ref,
        l.relationship.as_str(),
        l.basis.as_str(),
        l.source,
        l.note,
        l.properties
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(","),
        l.strength.map(i64::from)
    ])
    .to_string()
}

fn describe_link(key: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(key).unwrap_or_default();
    format!(
        "{} {} {} {} {}",
        v[0].as_str().unwrap_or(""),
        v[1].as_str().unwrap_or(""),
        v[4].as_str().unwrap_or(""),
        v[2].as_str().unwrap_or(""),
        v[3].as_str().unwrap_or("")
    )
}

/// The PDF keyword that carries a report's chain anchor.
const ANCHOR_KEYWORD: &str = "crosswalk-anchor:";

pub(crate) fn anchor_keyword(v: &VerifyReport) -> String {
    format!("{ANCHOR_KEYWORD}{}:{}", v.last_event_hash, v.events_checked)
}

/// An anchor as the user gives it: `HASH:COUNT`, or the path of a report PDF
/// whose metadata carries one.
pub fn parse_anchor(arg: &str) -> crate::Result<Anchor> {
    if let Some(a) = Anchor::parse(arg) {
        return Ok(a);
    }
    let path = std::path::Path::new(arg);
    if !path.exists() {
        return Err(crate::Error::Usage(format!(
            "--anchor {arg}: give HASH:COUNT (64 hex digits, a colon, the event count) or a report PDF"
        )));
    }
    anchor_from_pdf(path)
}

/// Reads the anchor a Crosswalk report carries in its PDF Keywords.
pub fn anchor_from_pdf(path: &std::path::Path) -> crate::Result<Anchor> {
    let bytes = crate::input::read_untrusted(path, 1 << 30)?;
    let not_found = || {
        crate::Error::Usage(format!(
            "{} carries no Crosswalk chain anchor (is it a Crosswalk report?)",
            path.display()
        ))
    };
    let doc = lopdf::Document::load_mem(&bytes).map_err(|_| not_found())?;
    let keywords = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .and_then(|id| doc.get_dictionary(id))
        .and_then(|info| info.get(b"Keywords"))
        .and_then(lopdf::Object::as_str)
        .map_err(|_| not_found())?;
    let text = match keywords.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => String::from_utf16_lossy(
            &utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        ),
        None => String::from_utf8_lossy(keywords).into_owned(),
    };
    text.split(',')
        .find_map(|k| {
            k.trim()
                .strip_prefix(ANCHOR_KEYWORD)
                .and_then(Anchor::parse)
        })
        .ok_or_else(not_found)
}
