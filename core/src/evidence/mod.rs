//! The evidence vault: files stored by content (SHA-256) under `evidence/`,
//! links and notes, revisions, expiry. This file holds the types, the field
//! rules and the reads; `add` adds items and occurrences, `change` corrects,
//! edits and removes them; their rows' SQL is in `store/evidence.rs`.
mod add;
mod change;

use crate::audit::{State, States, Subject};
use crate::error::{Error, Result};
use crate::hash::Sha256Stream;
use crate::model::*;
use crate::store::evidence::{self as rows, EvidenceFilter};
use crate::workspace::Workspace;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Deletes controls and returns the new audit states of the evidence that
/// lost a link to them (their rows change, so the trail must say so).
pub(crate) fn states_after_unlinking(
    conn: &rusqlite::Connection,
    controls: &[String],
) -> Result<States> {
    let mut states = States::new();
    for id in rows::delete_controls(conn, controls)? {
        if let Some(e) = rows::load_one(conn, id)? {
            states.set(Subject::Evidence(id), State::Evidence(&e));
        }
    }
    Ok(states)
}

const CHUNK: usize = 1024 * 1024;

/// Where a piece of evidence comes from.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Source {
    /// A file to store in the vault (hashed and copied).
    File(PathBuf),
    /// A URL; nothing is stored.
    Link(String),
    /// A written statement.
    Note(String),
}

/// A piece of evidence to add, as the app's form or the CLI gives it.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct NewEvidence {
    /// Ids of the controls it supports; at least one, each existing.
    pub controls: Vec<String>,
    /// The file, link or note.
    pub source: Source,
    /// Defaults to the file name, the URL or the note's first line.
    pub title: Option<String>,
    /// Free text; may be empty.
    #[serde(default)]
    pub description: String,
    /// Defaults to the current user.
    pub collected_by: Option<String>,
    /// The evidence date; defaults to today.
    pub collected_on: Option<NaiveDate>,
    /// The last day it counts; not before the evidence date.
    pub valid_until: Option<NaiveDate>,
    /// Alternative to `valid_until`: days from `collected_on`. When neither is
    /// given, the shortest review cadence of the linked controls applies.
    pub valid_for_days: Option<u32>,
    /// The user says this is a new collection of evidence already stored for
    /// the same control (the next quarter's review of the same export): it is
    /// kept as a new occurrence of that item's series instead of refused.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub new_occurrence: bool,
}

/// Changes to an evidence item's metadata; None leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct EvidenceEdit {
    /// A new title.
    pub title: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new list of supported controls (replaces the old one; at least one).
    pub controls: Option<Vec<String>>,
    /// A new evidence date (not in the future).
    pub collected_on: Option<NaiveDate>,
    /// A new valid-until date (not before the evidence date).
    pub valid_until: Option<NaiveDate>,
    /// Removes the valid-until date (the evidence no longer expires).
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub no_expiry: bool,
    /// Who gathered it.
    pub collected_by: Option<String>,
}

/// What to do with a file given for an existing item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
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
    /// SHA-256 of the plaintext, lower-case hex: the blob's content address.
    pub sha256: String,
    /// Size of the plaintext in bytes.
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
    let mut hasher = Sha256Stream::new();
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
    Ok(hasher.finish_hex())
}

/// Evidence that has expired or expires soon, as of today.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Expiry {
    /// The day judged on: today.
    pub as_of: NaiveDate,
    /// The window in days: evidence valid until a day within it is expiring.
    pub within_days: u32,
    /// Past its valid-until date, earliest valid-until first.
    pub expired: Vec<Evidence>,
    /// Valid until a day within the window, earliest valid-until first.
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
            return rows::load(&self.conn, &EvidenceFilter::OfControl(id));
        }
        rows::load(&self.conn, &EvidenceFilter::Current)
    }

    /// One piece of evidence, removed or not, with its revisions.
    pub fn evidence(&self, id: i64) -> Result<Evidence> {
        rows::load_one(&self.conn, id)?.ok_or_else(|| Error::NotFound(format!("no evidence #{id}")))
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

    /// [`check_fields`] as of today, for the current user.
    pub(crate) fn check_evidence_fields(
        &self,
        fields: &Fields<'_>,
        cadence: &dyn Fn(&str) -> Option<u32>,
    ) -> std::result::Result<Checked, crate::forms::FieldError> {
        check_fields(fields, self.today(), self.actor(), cadence)
    }

    /// Every occurrence of the series `id` belongs to, oldest evidence date first.
    pub fn evidence_series(&self, id: i64) -> Result<Vec<Evidence>> {
        let series = self.evidence(id)?.series();
        let mut list = rows::load(&self.conn, &EvidenceFilter::Series(series))?;
        list.sort_by_key(|e| (e.collected_on, e.id));
        Ok(list)
    }
}

/// The fields of a new piece of evidence as a form or a file gives them.
pub(crate) struct Fields<'a> {
    pub controls: &'a [String],
    /// The file name, the URL or the note's first line.
    pub default_title: &'a str,
    pub title: Option<&'a str>,
    pub collected_by: Option<&'a str>,
    pub collected_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub valid_for_days: Option<u32>,
}

/// The rule for a new item's fields: at least one control; an evidence date
/// (default today) not in the future; a valid-until date, or a validity
/// period, not both; without either, the shortest review cadence of its
/// controls (`cadence`) from the evidence date; never ending before the
/// evidence date; a title (default `default_title`) and a collector
/// (default `actor`). Pure: `today` and `actor` are given.
pub(crate) fn check_fields(
    f: &Fields<'_>,
    today: NaiveDate,
    actor: &str,
    cadence: &dyn Fn(&str) -> Option<u32>,
) -> std::result::Result<Checked, crate::forms::FieldError> {
    let controls = f.controls;
    use crate::forms::FieldError as F;
    if controls.is_empty() {
        return Err(F::new(
            "controls",
            "evidence must support at least one control",
        ));
    }
    let collected_on = f.collected_on.unwrap_or(today);
    if collected_on > today {
        return Err(F::new("collected_on", format!("the collected date {collected_on} is in the future; use the date the evidence was gathered")));
    }
    if f.valid_until.is_some() && f.valid_for_days.is_some() {
        return Err(F::new(
            "valid_for_days",
            "give either a valid-until date or a validity period, not both",
        ));
    }
    let valid_until = match (f.valid_until, f.valid_for_days) {
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
    let title = f
        .title
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(f.default_title)
        .to_string();
    if title.is_empty() {
        return Err(F::new("title", "evidence needs a title"));
    }
    Ok(Checked {
        title,
        collected_on,
        valid_until,
        collected_by: f
            .collected_by
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or(actor)
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::coverage::tests::day;

    const TODAY: &str = "2026-06-15";

    fn fields<'a>(controls: &'a [String]) -> Fields<'a> {
        Fields {
            controls,
            default_title: "report.pdf",
            title: None,
            collected_by: None,
            collected_on: None,
            valid_until: None,
            valid_for_days: None,
        }
    }

    fn check(f: &Fields<'_>) -> std::result::Result<Checked, crate::forms::FieldError> {
        // Control A is reviewed every 90 days, B every 30, C never.
        let cadence = |c: &str| match c {
            "A" => Some(90),
            "B" => Some(30),
            _ => None,
        };
        check_fields(f, day(TODAY), "alice", &cadence)
    }

    fn refused(f: &Fields<'_>) -> (String, String) {
        match check(f) {
            Ok(_) => panic!("expected a refusal"),
            Err(e) => (e.field.to_string(), e.message),
        }
    }

    #[test]
    fn defaults_are_today_the_default_title_and_the_current_user() {
        let controls = ["C".to_string()];
        let c = check(&fields(&controls)).unwrap();
        assert_eq!(c.collected_on, day(TODAY));
        assert_eq!(c.title, "report.pdf");
        assert_eq!(c.collected_by, "alice");
        assert_eq!(c.valid_until, None, "no cadence, no period: no expiry");
        let f = Fields {
            title: Some("  Access review Q2 "),
            collected_by: Some(" bob "),
            ..fields(&controls)
        };
        let c = check(&f).unwrap();
        assert_eq!(
            (c.title.as_str(), c.collected_by.as_str()),
            ("Access review Q2", "bob")
        );
    }

    #[test]
    fn without_a_date_evidence_expires_after_the_shortest_cadence_of_its_controls() {
        let controls = ["A".to_string(), "B".to_string(), "C".to_string()];
        let f = Fields {
            collected_on: Some(day("2026-06-01")),
            ..fields(&controls)
        };
        assert_eq!(check(&f).unwrap().valid_until, Some(day("2026-07-01")));
        let f = Fields {
            valid_for_days: Some(10),
            ..f
        };
        assert_eq!(check(&f).unwrap().valid_until, Some(day("2026-06-11")));
        let f = Fields {
            valid_for_days: None,
            valid_until: Some(day("2027-01-01")),
            ..f
        };
        assert_eq!(check(&f).unwrap().valid_until, Some(day("2027-01-01")));
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        assert_eq!(refused(&fields(&[])).0, "controls");
        let controls = ["A".to_string()];
        let future = Fields {
            collected_on: Some(day("2026-06-16")),
            ..fields(&controls)
        };
        assert_eq!(
            refused(&future),
            (
                "collected_on".into(),
                "the collected date 2026-06-16 is in the future; use the date the evidence was gathered".into()
            )
        );
        let both = Fields {
            valid_until: Some(day("2026-12-31")),
            valid_for_days: Some(30),
            ..fields(&controls)
        };
        assert_eq!(refused(&both).0, "valid_for_days");
        let backwards = Fields {
            collected_on: Some(day("2026-06-01")),
            valid_until: Some(day("2026-05-31")),
            ..fields(&controls)
        };
        assert_eq!(
            refused(&backwards),
            (
                "valid_until".into(),
                "valid until 2026-05-31 is before the collected date 2026-06-01".into()
            )
        );
        let untitled = Fields {
            default_title: "",
            title: Some("   "),
            ..fields(&controls)
        };
        assert_eq!(refused(&untitled).0, "title");
        // Valid on its own evidence date only: allowed.
        let one_day = Fields {
            collected_on: Some(day("2026-06-01")),
            valid_until: Some(day("2026-06-01")),
            ..fields(&controls)
        };
        assert!(check(&one_day).is_ok());
    }

    fn item(collected: &str, until: Option<&str>) -> Evidence {
        crate::coverage::tests::evidence(1, "A", collected, until)
    }

    #[test]
    fn validity_is_expired_after_its_last_day_and_expiring_within_the_window() {
        let e = item("2026-01-01", Some("2026-06-30"));
        let on = |d: &str, window| e.validity_on(day(d), window);
        assert_eq!(on("2026-07-01", 30), Validity::Expired);
        assert_eq!(
            on("2026-06-30", 30),
            Validity::Expiring,
            "the last valid day"
        );
        assert_eq!(
            on("2026-05-31", 30),
            Validity::Expiring,
            "exactly the window away"
        );
        assert_eq!(on("2026-05-30", 30), Validity::Current);
        assert_eq!(on("2026-05-30", 0), Validity::Current);
        assert!(e.is_valid_on(day("2026-06-30")));
        assert!(!e.is_valid_on(day("2026-07-01")));
        assert!(
            !e.is_valid_on(day("2025-12-31")),
            "not before it was collected"
        );
        let forever = item("2026-01-01", None);
        assert_eq!(
            forever.validity_on(day("2099-01-01"), 30),
            Validity::Current
        );
        // A window past the end of the calendar reaches every date, without panicking.
        assert_eq!(e.validity_on(NaiveDate::MAX, u32::MAX), Validity::Expired);
        assert_eq!(
            e.validity_on(day("2026-01-01"), u32::MAX),
            Validity::Expiring
        );
    }

    #[test]
    fn the_trail_digest_changes_with_any_field() {
        let e = item("2026-01-01", Some("2026-06-30"));
        let mut other = e.clone();
        let digest = |e: &Evidence| State::Evidence(e).digest();
        assert_eq!(digest(&e), digest(&other));
        other.valid_until = Some(day("2026-07-01"));
        assert_ne!(digest(&e), digest(&other));
    }
}
