//! The evidence vault: files stored by content (SHA-256) under `evidence/`,
//! links and notes, revisions, expiry.
use crate::error::{Error, Result};
use crate::model::*;
use crate::workspace::{timestamp, Workspace};
use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

const CHUNK: usize = 1024 * 1024;

/// Where a piece of evidence comes from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Source {
    File(PathBuf),
    Link(String),
    Note(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewEvidence {
    pub controls: Vec<String>,
    pub source: Source,
    /// Defaults to the file name, the URL or the note's first line.
    pub title: Option<String>,
    #[serde(default)]
    pub description: String,
    /// Defaults to the current user.
    pub collected_by: Option<String>,
    /// The evidence date; defaults to today.
    pub collected_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// Alternative to `valid_until`: days from `collected_on`. When neither is
    /// given, the shortest review cadence of the linked controls applies.
    pub valid_for_days: Option<u32>,
    /// The user says this is a new collection of evidence already stored for
    /// the same control (the next quarter's review of the same export): it is
    /// kept as a new occurrence of that item's series instead of refused.
    #[serde(default)]
    pub new_occurrence: bool,
}

/// Changes to an evidence item's metadata; None leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EvidenceEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub controls: Option<Vec<String>>,
    pub collected_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// Removes the valid-until date (the evidence no longer expires).
    #[serde(default)]
    pub no_expiry: bool,
    pub collected_by: Option<String>,
}

/// What to do with a file given for an existing item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplaceMode {
    /// The stored file was wrong: correct this occurrence. Its evidence date
    /// stays unless a new one is given.
    Revision,
    /// The evidence was collected again (next quarter): a new dated record
    /// in the same series; the earlier occurrence stays as it is.
    NewOccurrence,
}

/// A stored blob: content address and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blob {
    pub sha256: String,
    pub size: u64,
}

/// Path of a blob inside a plaintext vault: `evidence/ab/abcdef…`.
pub fn blob_path(vault: &Path, sha256: &str) -> PathBuf {
    crate::vault::plain::path(vault, sha256)
}

/// Hashes and copies `src` into a plaintext vault in one streaming pass
/// (memory stays flat), via a temporary file that is fsynced and renamed: a
/// blob under its final name is always complete. The same bytes are stored
/// once. (A workspace stores through `Workspace::vault()`, which may encrypt.)
pub fn store_blob(vault: &Path, src: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<Blob> {
    crate::vault::BlobStore::put_file(&crate::vault::plain::PlainStore::new(vault), src, progress)
}

/// SHA-256 of a file, streamed.
pub fn hash_file(path: &Path, progress: &mut dyn FnMut(u64, u64)) -> std::io::Result<String> {
    let (f, meta) = crate::input::open_regular(path, true)?;
    hash_open_file(f, meta.len(), progress)
}

/// [`hash_file`] of a file already opened (and checked) by the caller.
pub(crate) fn hash_open_file(
    mut f: File,
    total: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        done += n as u64;
        progress(done, total);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// What the audit trail records of an evidence row; `verify` recomputes it.
pub(crate) fn state_digest(e: &Evidence) -> String {
    crate::hash::sha256_hex(
        serde_json::to_string(e)
            .expect("evidence serializes")
            .as_bytes(),
    )
}

/// Loads evidence rows; `where_sql` filters on the `evidence e` alias.
pub(crate) fn load(
    conn: &Connection,
    where_sql: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Evidence>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT e.id, e.kind, e.title, e.description, e.url, e.note, e.collected_by, e.collected_on, e.valid_until, e.added_at, e.removed_at, e.series_id
         FROM evidence e WHERE {where_sql} ORDER BY e.id"
    ))?;
    let mut list: Vec<Evidence> = stmt
        .query_map(args, |r| {
            let id: i64 = r.get(0)?;
            let row = format!("id {id}");
            let kind: String = r.get(1)?;
            let collected: String = r.get(7)?;
            let until: Option<String> = r.get(8)?;
            Ok(Evidence {
                id,
                kind: crate::db::enum_col(
                    "evidence",
                    "kind",
                    &row,
                    &kind,
                    "file, link or note",
                    EvidenceKind::parse,
                )?,
                title: r.get(2)?,
                description: r.get(3)?,
                url: r.get(4)?,
                note: r.get(5)?,
                collected_by: r.get(6)?,
                collected_on: crate::db::date_col("evidence", "collected_on", &row, &collected)?,
                valid_until: until
                    .map(|u| crate::db::date_col("evidence", "valid_until", &row, &u))
                    .transpose()?,
                controls: Vec::new(),
                revisions: Vec::new(),
                added_at: r.get(9)?,
                removed_at: r.get(10)?,
                series_id: r.get(11)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    if list.is_empty() {
        return Ok(list);
    }
    let index: HashMap<i64, usize> = list.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
    // Only the links and revisions of the rows selected above.
    let subset = format!("evidence_id IN (SELECT e.id FROM evidence e WHERE {where_sql})");
    let mut stmt = conn.prepare(&format!("SELECT evidence_id, control_id FROM evidence_controls WHERE {subset} ORDER BY evidence_id, control_id"))?;
    let mut rows = stmt.query(args)?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
            list[i].controls.push(r.get(1)?);
        }
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT evidence_id, number, sha256, size, file_name, added_at FROM evidence_revisions WHERE {subset} ORDER BY evidence_id, number"
    ))?;
    let mut rows = stmt.query(args)?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
            list[i].revisions.push(Revision {
                number: r.get(1)?,
                sha256: r.get(2)?,
                size: r.get::<_, i64>(3)? as u64,
                file_name: r.get(4)?,
                added_at: r.get(5)?,
            });
        }
    }
    Ok(list)
}

#[derive(Debug, Clone, Serialize)]
pub struct Expiry {
    pub as_of: NaiveDate,
    pub within_days: u32,
    pub expired: Vec<Evidence>,
    pub expiring: Vec<Evidence>,
}

/// Checked field values of a new or edited piece of evidence.
pub(crate) struct Checked {
    pub title: String,
    pub collected_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub collected_by: String,
}

impl Workspace {
    /// Current evidence (not removed), optionally only that of one control.
    pub fn evidence_list(&self, control: Option<&str>) -> Result<Vec<Evidence>> {
        if let Some(id) = control {
            self.control(id)?;
            return load(&self.conn, "e.removed_at IS NULL AND e.id IN (SELECT evidence_id FROM evidence_controls WHERE control_id = ?1)", &[&id]);
        }
        load(&self.conn, "e.removed_at IS NULL", &[])
    }

    /// One piece of evidence, removed or not, with its revisions.
    pub fn evidence(&self, id: i64) -> Result<Evidence> {
        load(&self.conn, "e.id = ?1", &[&id])?
            .pop()
            .ok_or_else(|| Error::NotFound(format!("no evidence #{id}")))
    }

    /// The stored file of a revision (the current one when `revision` is None).
    pub fn evidence_file(&self, id: i64, revision: Option<u32>) -> Result<(PathBuf, Revision)> {
        let e = self.evidence(id)?;
        let rev = match revision {
            Some(n) => e.revisions.iter().find(|r| r.number == n).cloned(),
            None => e.current_revision().cloned(),
        }
        .ok_or_else(|| {
            Error::NotFound(format!(
                "evidence #{id} has no file{}",
                revision
                    .map(|n| format!(" revision {n}"))
                    .unwrap_or_default()
            ))
        })?;
        Ok((self.vault().location(&rev.sha256), rev))
    }

    /// Evidence that has expired, and that expires within `within_days`.
    pub fn expiry(&self, within_days: u32) -> Result<Expiry> {
        let today = self.today();
        let (mut expired, mut expiring) = (Vec::new(), Vec::new());
        for e in self.evidence_list(None)? {
            match e.validity_on(today, within_days) {
                Validity::Expired => expired.push(e),
                Validity::Expiring => expiring.push(e),
                Validity::Current => {}
            }
        }
        expired.sort_by_key(|e| e.valid_until);
        expiring.sort_by_key(|e| e.valid_until);
        Ok(Expiry {
            as_of: today,
            within_days,
            expired,
            expiring,
        })
    }

    // One argument per form field: the form check (forms.rs) passes fields
    // one by one, before there is a NewEvidence to pass.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check_evidence_fields(
        &self,
        controls: &[String],
        default_title: &str,
        title: Option<&str>,
        collected_by: Option<&str>,
        collected_on: Option<NaiveDate>,
        valid_until: Option<NaiveDate>,
        valid_for_days: Option<u32>,
        cadence: &dyn Fn(&str) -> Option<u32>,
    ) -> std::result::Result<Checked, crate::forms::FieldError> {
        use crate::forms::FieldError as F;
        if controls.is_empty() {
            return Err(F::new(
                "controls",
                "evidence must support at least one control",
            ));
        }
        let collected_on = collected_on.unwrap_or_else(|| self.today());
        if collected_on > self.today() {
            return Err(F::new("collected_on", format!("the collected date {collected_on} is in the future; use the date the evidence was gathered")));
        }
        if valid_until.is_some() && valid_for_days.is_some() {
            return Err(F::new(
                "valid_for_days",
                "give either a valid-until date or a validity period, not both",
            ));
        }
        let valid_until = match (valid_until, valid_for_days) {
            (Some(u), _) => Some(u),
            (None, Some(days)) => Some(collected_on + Duration::days(days as i64)),
            (None, None) => controls
                .iter()
                .filter_map(|c| cadence(c))
                .min()
                .map(|d| collected_on + Duration::days(d as i64)),
        };
        if let Some(u) = valid_until {
            if u < collected_on {
                return Err(F::new(
                    "valid_until",
                    format!("valid until {u} is before the collected date {collected_on}"),
                ));
            }
        }
        let title = title
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(default_title)
            .to_string();
        if title.is_empty() {
            return Err(F::new("title", "evidence needs a title"));
        }
        Ok(Checked {
            title,
            collected_on,
            valid_until,
            collected_by: collected_by
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .unwrap_or(self.actor())
                .to_string(),
        })
    }

    /// Adds evidence: a file is hashed and copied into the vault (with
    /// `progress(bytes_done, bytes_total)`), then the row, its links and the
    /// audit event are written in one transaction.
    pub fn add_evidence(
        &mut self,
        new: &NewEvidence,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Evidence> {
        self.insert_new_evidence(new, None, progress)
    }

    /// `series`: put the new item in this series (a new occurrence the user
    /// asked for); otherwise a duplicate the user allowed gives the series.
    fn insert_new_evidence(
        &mut self,
        new: &NewEvidence,
        series: Option<i64>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Evidence> {
        let known: HashMap<String, Option<u32>> = self
            .controls()?
            .into_iter()
            .map(|c| (c.id, c.review_every_days))
            .collect();
        for c in &new.controls {
            if !known.contains_key(c) {
                self.control(c)?; // the error names the closest id
            }
        }
        let (kind, default_title, url, note) = match &new.source {
            Source::File(p) => (
                EvidenceKind::File,
                p.file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
                None,
                None,
            ),
            Source::Link(u) => {
                let u = crate::validate::url(u).map_err(Error::Usage)?;
                (EvidenceKind::Link, u.clone(), Some(u), None)
            }
            Source::Note(n) => {
                if n.trim().is_empty() {
                    return Err(Error::Usage("the note is empty".into()));
                }
                (
                    EvidenceKind::Note,
                    n.lines().next().unwrap_or("").chars().take(80).collect(),
                    None,
                    Some(n.clone()),
                )
            }
        };
        let checked = self
            .check_evidence_fields(
                &new.controls,
                &default_title,
                new.title.as_deref(),
                new.collected_by.as_deref(),
                new.collected_on,
                new.valid_until,
                new.valid_for_days,
                &|c| known.get(c).copied().flatten(),
            )
            .map_err(|e| Error::Usage(e.message))?;
        let blob = match &new.source {
            Source::File(p) => Some((self.vault().put_file(p, progress)?, default_title.clone())),
            _ => None,
        };
        let duplicate = self.find_duplicate(
            &new.controls,
            blob.as_ref().map(|(b, _)| b.sha256.as_str()),
            url.as_deref(),
        )?;
        if let Some(d) = &duplicate {
            if !new.new_occurrence {
                return Err(Error::Usage(format!(
                    "this {} is already evidence #{} \"{}\" for {} (evidence date {}); to record it as another collection, add it as a new occurrence (--new-occurrence), or correct #{} with `evidence replace` or `evidence edit`",
                    if url.is_some() { "link" } else { "file" },
                    d.id,
                    d.title,
                    d.controls.join(", "),
                    d.collected_on,
                    d.id
                )));
            }
        }
        let tx = self.begin()?;
        let id = insert_evidence(
            &tx,
            kind,
            &checked,
            &new.description,
            url.as_deref(),
            note.as_deref(),
            None,
            &new.controls,
            &timestamp(crate::now()),
        )?;
        if let Some((blob, name)) = &blob {
            insert_revision(&tx, id, 1, blob, name, &timestamp(crate::now()))?;
        }
        if let Some(series) = series.or(duplicate.as_ref().map(Evidence::series)) {
            tx.execute(
                "UPDATE evidence SET series_id = ?2 WHERE id = ?1",
                params![id, series],
            )?;
        }
        let e = load(&tx, "e.id = ?1", &[&id])?
            .pop()
            .expect("just inserted");
        self.record(
            &tx,
            "evidence.added",
            &format!("evidence:{id}"),
            format!(
                "Added {} evidence #{id} \"{}\" for {}, evidence date {}{}",
                kind,
                e.title,
                new.controls.join(", "),
                e.collected_on,
                e.series_id.map(|s| format!(", new occurrence of #{s}")).unwrap_or_default()
            ),
            json!({"evidence": id, "sha256": blob.as_ref().map(|(b, _)| &b.sha256), "series": e.series_id, "collected_on": e.collected_on, "states": {format!("evidence:{id}"): state_digest(&e)}}),
        )?;
        tx.commit()?;
        Ok(e)
    }

    /// Stores a new revision of a file evidence (`ReplaceMode::Revision`):
    /// the item keeps its evidence date unless `collected_on` gives a new one,
    /// and older revisions stay. `ReplaceMode::NewOccurrence` instead records
    /// a new collection in the same series (see [`Workspace::add_occurrence`]).
    pub fn replace_evidence(
        &mut self,
        id: i64,
        file: &Path,
        mode: ReplaceMode,
        collected_on: Option<NaiveDate>,
        valid_until: Option<NaiveDate>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Evidence> {
        if mode == ReplaceMode::NewOccurrence {
            return self.add_occurrence(
                id,
                &Source::File(file.to_path_buf()),
                collected_on,
                valid_until,
                progress,
            );
        }
        let old = self.evidence(id)?;
        if old.removed_at.is_some() {
            return Err(Error::Usage(format!(
                "evidence #{id} was removed; add it anew instead"
            )));
        }
        if old.kind != EvidenceKind::File {
            return Err(Error::Usage(format!(
                "evidence #{id} is a {}, not a file; only files have revisions",
                old.kind
            )));
        }
        // A revision corrects the file of this occurrence: the evidence was
        // still gathered when it was, so the date stays unless the user says.
        let collected_on = collected_on.unwrap_or(old.collected_on);
        if collected_on > self.today() {
            return Err(Error::Usage(format!(
                "the collected date {collected_on} is in the future"
            )));
        }
        let valid_until = valid_until.or_else(|| {
            // Keep the same validity length as before.
            old.valid_until
                .map(|u| collected_on + (u - old.collected_on))
        });
        if valid_until.is_some_and(|u| u < collected_on) {
            return Err(Error::Usage(
                "valid-until is before the collected date".into(),
            ));
        }
        let blob = self.vault().put_file(file, progress)?;
        if old
            .current_revision()
            .is_some_and(|r| r.sha256 == blob.sha256)
        {
            return Err(Error::Usage(format!(
                "{} is the file evidence #{id} already holds (revision {}); nothing to correct",
                file.display(),
                old.current_revision().map(|r| r.number).unwrap_or(0)
            )));
        }
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let number = old.revisions.last().map(|r| r.number + 1).unwrap_or(1);
        let tx = self.begin()?;
        insert_revision(&tx, id, number, &blob, &name, &timestamp(crate::now()))?;
        tx.execute(
            "UPDATE evidence SET collected_on = ?2, valid_until = ?3 WHERE id = ?1",
            params![
                id,
                collected_on.to_string(),
                valid_until.map(|d| d.to_string())
            ],
        )?;
        let e = load(&tx, "e.id = ?1", &[&id])?.pop().expect("exists");
        self.record(
            &tx,
            "evidence.replaced",
            &format!("evidence:{id}"),
            format!(
                "Corrected evidence #{id} \"{}\" with revision {number} (evidence date {})",
                e.title, e.collected_on
            ),
            json!({"evidence": id, "revision": number, "sha256": blob.sha256,
                   "before": {"collected_on": old.collected_on, "valid_until": old.valid_until},
                   "after": {"collected_on": e.collected_on, "valid_until": e.valid_until},
                   "states": {format!("evidence:{id}"): state_digest(&e)}}),
        )?;
        tx.commit()?;
        Ok(e)
    }

    /// Records a new collection of the evidence item `of` (the next quarter's
    /// access review): a new item with its own evidence date, in the same
    /// series, with the same title, description, controls and collector. The
    /// earlier occurrences stay as they are.
    pub fn add_occurrence(
        &mut self,
        of: i64,
        source: &Source,
        collected_on: Option<NaiveDate>,
        valid_until: Option<NaiveDate>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Evidence> {
        let base = self.evidence(of)?;
        if base.removed_at.is_some() {
            return Err(Error::Usage(format!(
                "evidence #{of} was removed; add the evidence anew instead"
            )));
        }
        let Some(collected_on) = collected_on else {
            return Err(Error::Usage(format!(
                "a new occurrence of evidence #{of} needs its evidence date (the day it was collected), e.g. --collected {}",
                self.today()
            )));
        };
        // The same validity length as the item it follows, unless given.
        let valid_for_days = match valid_until {
            Some(_) => None,
            None => base
                .valid_until
                .map(|u| (u - base.collected_on).num_days().max(0) as u32),
        };
        let new = NewEvidence {
            controls: base.controls.clone(),
            source: source.clone(),
            title: Some(base.title.clone()),
            description: base.description.clone(),
            collected_by: Some(base.collected_by.clone()),
            collected_on: Some(collected_on),
            valid_until,
            valid_for_days,
            new_occurrence: true,
        };
        self.insert_new_evidence(&new, Some(base.series()), progress)
    }

    /// Every occurrence of the series `id` belongs to, oldest evidence date first.
    pub fn evidence_series(&self, id: i64) -> Result<Vec<Evidence>> {
        let series = self.evidence(id)?.series();
        let mut list = load(&self.conn, "(e.id = ?1 OR e.series_id = ?1)", &[&series])?;
        list.sort_by_key(|e| (e.collected_on, e.id));
        Ok(list)
    }

    /// Current evidence for one of `controls` holding the same file (or link).
    fn find_duplicate(
        &self,
        controls: &[String],
        sha256: Option<&str>,
        url: Option<&str>,
    ) -> Result<Option<Evidence>> {
        if sha256.is_none() && url.is_none() {
            return Ok(None);
        }
        let candidates = load(
            &self.conn,
            "e.removed_at IS NULL AND (e.url = ?2 OR e.id IN (SELECT evidence_id FROM evidence_revisions WHERE sha256 = ?1))",
            &[&sha256, &url],
        )?;
        Ok(candidates
            .into_iter()
            .filter(|e| e.controls.iter().any(|c| controls.contains(c)))
            .max_by_key(|e| (e.collected_on, e.id)))
    }

    /// Changes an item's metadata (title, description, controls, evidence
    /// date, valid until, collector) in one transaction with one audit event
    /// that records each changed field before and after.
    pub fn edit_evidence(&mut self, id: i64, edit: &EvidenceEdit) -> Result<Evidence> {
        let old = self.evidence(id)?;
        if old.removed_at.is_some() {
            return Err(Error::Usage(format!(
                "evidence #{id} was removed; it can no longer be edited"
            )));
        }
        if edit.no_expiry && edit.valid_until.is_some() {
            return Err(Error::Usage(
                "give either a valid-until date or no expiry, not both".into(),
            ));
        }
        let title = match &edit.title {
            Some(t) if t.trim().is_empty() => {
                return Err(Error::Usage("evidence needs a title".into()))
            }
            Some(t) => t.trim().to_string(),
            None => old.title.clone(),
        };
        let collected_by = match &edit.collected_by {
            Some(c) if c.trim().is_empty() => {
                return Err(Error::Usage(
                    "collected by cannot be empty; name who gathered the evidence".into(),
                ))
            }
            Some(c) => c.trim().to_string(),
            None => old.collected_by.clone(),
        };
        let controls = match &edit.controls {
            Some(list) => {
                let mut ids: Vec<String> = Vec::new();
                for c in list.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
                    self.control(c)?; // the error names the closest id
                    if !ids.iter().any(|x| x == c) {
                        ids.push(c.to_string());
                    }
                }
                if ids.is_empty() {
                    return Err(Error::Usage(
                        "evidence must support at least one control".into(),
                    ));
                }
                ids.sort();
                ids
            }
            None => old.controls.clone(),
        };
        let collected_on = edit.collected_on.unwrap_or(old.collected_on);
        if collected_on > self.today() {
            return Err(Error::Usage(format!("the collected date {collected_on} is in the future; use the date the evidence was gathered")));
        }
        let valid_until = if edit.no_expiry {
            None
        } else {
            edit.valid_until.or(old.valid_until)
        };
        if let Some(u) = valid_until {
            if u < collected_on {
                return Err(Error::Usage(format!(
                    "valid until {u} is before the collected date {collected_on}"
                )));
            }
        }
        let description = edit
            .description
            .as_deref()
            .map(str::trim)
            .unwrap_or(&old.description)
            .to_string();
        let mut before = serde_json::Map::new();
        let mut after = serde_json::Map::new();
        let mut change = |field: &str, b: serde_json::Value, a: serde_json::Value| {
            if b != a {
                before.insert(field.into(), b);
                after.insert(field.into(), a);
            }
        };
        change("title", json!(old.title), json!(title));
        change("description", json!(old.description), json!(description));
        change("controls", json!(old.controls), json!(controls));
        change("collected_on", json!(old.collected_on), json!(collected_on));
        change("valid_until", json!(old.valid_until), json!(valid_until));
        change("collected_by", json!(old.collected_by), json!(collected_by));
        if after.is_empty() {
            return Ok(old);
        }
        let tx = self.begin()?;
        tx.execute(
            "UPDATE evidence SET title = ?2, description = ?3, collected_on = ?4, valid_until = ?5, collected_by = ?6 WHERE id = ?1",
            params![id, title, description, collected_on.to_string(), valid_until.map(|d| d.to_string()), collected_by],
        )?;
        if edit.controls.is_some() {
            tx.execute("DELETE FROM evidence_controls WHERE evidence_id = ?1", [id])?;
            for c in &controls {
                tx.execute(
                    "INSERT INTO evidence_controls (evidence_id, control_id) VALUES (?1, ?2)",
                    params![id, c],
                )?;
            }
        }
        let e = load(&tx, "e.id = ?1", &[&id])?.pop().expect("exists");
        let fields: Vec<String> = after.keys().cloned().collect();
        self.record(
            &tx,
            "evidence.edited",
            &format!("evidence:{id}"),
            format!("Edited evidence #{id} \"{}\": {}", e.title, fields.join(", ")),
            json!({"evidence": id, "before": before, "after": after, "states": {format!("evidence:{id}"): state_digest(&e)}}),
        )?;
        tx.commit()?;
        Ok(e)
    }

    /// Withdraws evidence: it stops counting, its files and history stay.
    pub fn remove_evidence(&mut self, id: i64) -> Result<Evidence> {
        let old = self.evidence(id)?;
        if old.removed_at.is_some() {
            return Err(Error::Usage(format!("evidence #{id} was already removed")));
        }
        let tx = self.begin()?;
        tx.execute(
            "UPDATE evidence SET removed_at = ?2 WHERE id = ?1",
            params![id, timestamp(crate::now())],
        )?;
        let e = load(&tx, "e.id = ?1", &[&id])?.pop().expect("exists");
        self.record(
            &tx,
            "evidence.removed",
            &format!("evidence:{id}"),
            format!("Removed evidence #{id} \"{}\"", e.title),
            json!({"evidence": id, "states": {format!("evidence:{id}"): state_digest(&e)}}),
        )?;
        tx.commit()?;
        Ok(e)
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_evidence(
    conn: &Connection,
    kind: EvidenceKind,
    c: &Checked,
    description: &str,
    url: Option<&str>,
    note: Option<&str>,
    import_key: Option<&str>,
    controls: &[String],
    at: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO evidence (kind, title, description, url, note, collected_by, collected_on, valid_until, import_key, added_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        params![kind.as_str(), c.title, description, url, note, c.collected_by, c.collected_on.to_string(), c.valid_until.map(|d| d.to_string()), import_key, at],
    )?;
    let id = conn.last_insert_rowid();
    let mut stmt = conn.prepare(
        "INSERT OR IGNORE INTO evidence_controls (evidence_id, control_id) VALUES (?1, ?2)",
    )?;
    for control in controls {
        stmt.execute(params![id, control])?;
    }
    Ok(id)
}

pub(crate) fn insert_revision(
    conn: &Connection,
    id: i64,
    number: u32,
    blob: &Blob,
    file_name: &str,
    at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO evidence_revisions (evidence_id, number, sha256, size, file_name, added_at) VALUES (?1,?2,?3,?4,?5,?6)",
        params![id, number, blob.sha256, blob.size as i64, file_name, at],
    )?;
    Ok(())
}

/// Deletes controls and returns the new audit states of the evidence that
/// lost a link to them (their rows change, so the trail must say so).
pub(crate) fn states_after_unlinking(
    conn: &Connection,
    controls: &[String],
) -> Result<std::collections::BTreeMap<String, Option<String>>> {
    let mut affected = Vec::new();
    for c in controls {
        let mut stmt =
            conn.prepare("SELECT evidence_id FROM evidence_controls WHERE control_id = ?1")?;
        let ids: Vec<i64> = stmt
            .query_map([c], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        affected.extend(ids);
        conn.execute("DELETE FROM controls WHERE id = ?1", [c])?;
    }
    let mut states = std::collections::BTreeMap::new();
    for id in affected {
        if let Some(e) = load(conn, "e.id = ?1", &[&id])?.pop() {
            states.insert(format!("evidence:{id}"), Some(state_digest(&e)));
        }
    }
    Ok(states)
}
