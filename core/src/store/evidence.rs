//! The evidence rows in SQL (tables `evidence`, `evidence_controls`,
//! `evidence_revisions`): loading items with their links and revisions by a
//! typed [`EvidenceFilter`], inserting items and revisions, and the updates
//! of a correction, an edit and a removal.
use super::types::{Cells, Day};
use crate::error::Result;
use crate::evidence::{Blob, Checked};
use crate::model::*;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};
use std::collections::HashMap;

/// Which evidence rows to load. Each is a fixed condition with bound
/// parameters: no SQL text crosses the module boundary.
#[derive(Debug, Clone, Copy)]
pub(crate) enum EvidenceFilter<'a> {
    /// Every row, removed or not (verify).
    All,
    /// Every row not removed.
    Current,
    /// Row `id`, removed or not.
    Id(i64),
    /// The rows of the series named by its first item: that item and every
    /// later occurrence pointing to it, removed or not.
    Series(i64),
    /// Current rows linked to the control.
    OfControl(&'a str),
    /// Current rows that an import wrote (they have an import key).
    Imported,
    /// Current rows holding this file (any revision) or this URL.
    SameFileOrUrl {
        sha256: Option<&'a str>,
        url: Option<&'a str>,
    },
}

impl EvidenceFilter<'_> {
    /// The condition on the `evidence e` alias and its parameters.
    fn condition(&self) -> (&'static str, Vec<Value>) {
        let text = |s: Option<&str>| s.map_or(Value::Null, |s| Value::Text(s.into()));
        match *self {
            EvidenceFilter::All => ("1 = 1", vec![]),
            EvidenceFilter::Current => ("e.removed_at IS NULL", vec![]),
            EvidenceFilter::Id(id) => ("e.id = ?1", vec![Value::Integer(id)]),
            EvidenceFilter::Series(id) => {
                ("(e.id = ?1 OR e.series_id = ?1)", vec![Value::Integer(id)])
            }
            EvidenceFilter::OfControl(c) => (
                "e.removed_at IS NULL AND e.id IN (SELECT evidence_id FROM evidence_controls WHERE control_id = ?1)",
                vec![Value::Text(c.into())],
            ),
            EvidenceFilter::Imported => ("e.import_key IS NOT NULL AND e.removed_at IS NULL", vec![]),
            EvidenceFilter::SameFileOrUrl { sha256, url } => (
                "e.removed_at IS NULL AND (e.url = ?2 OR e.id IN (SELECT evidence_id FROM evidence_revisions WHERE sha256 = ?1))",
                vec![text(sha256), text(url)],
            ),
        }
    }
}

/// The rows `filter` selects, ordered by id, with their links and revisions.
pub(crate) fn load(conn: &Connection, filter: &EvidenceFilter<'_>) -> Result<Vec<Evidence>> {
    let (condition, args) = filter.condition();
    let mut stmt = conn.prepare(&format!(
        "SELECT e.id, e.kind, e.title, e.description, e.url, e.note, e.collected_by, e.collected_on, e.valid_until, e.added_at, e.removed_at, e.series_id
         FROM evidence e WHERE {condition} ORDER BY e.id"
    ))?;
    let mut list: Vec<Evidence> = stmt
        .query_map(params_from_iter(&args), |r| {
            let id: i64 = r.get(0)?;
            let c = Cells::new(r, "evidence", format!("id {id}"));
            Ok(Evidence {
                id,
                kind: c.get(1, "kind")?,
                title: r.get(2)?,
                description: r.get(3)?,
                url: r.get(4)?,
                note: r.get(5)?,
                collected_by: r.get(6)?,
                collected_on: c.date(7, "collected_on")?,
                valid_until: c.date_opt(8, "valid_until")?,
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
    let subset = format!("evidence_id IN (SELECT e.id FROM evidence e WHERE {condition})");
    let mut stmt = conn.prepare(&format!("SELECT evidence_id, control_id FROM evidence_controls WHERE {subset} ORDER BY evidence_id, control_id"))?;
    let mut rows = stmt.query(params_from_iter(&args))?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
            list[i].controls.push(r.get(1)?);
        }
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT evidence_id, number, sha256, size, file_name, added_at FROM evidence_revisions WHERE {subset} ORDER BY evidence_id, number"
    ))?;
    let mut rows = stmt.query(params_from_iter(&args))?;
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

/// Row `id` (removed or not) with its links and revisions, if it exists.
pub(crate) fn load_one(conn: &Connection, id: i64) -> Result<Option<Evidence>> {
    Ok(load(conn, &EvidenceFilter::Id(id))?.pop())
}

/// The ids of the current rows an import wrote, by import key.
pub(crate) fn import_keys(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT id, import_key FROM evidence WHERE import_key IS NOT NULL AND removed_at IS NULL",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The fields of a new row; the links and the import key go with it.
pub(crate) struct NewEvidence<'a> {
    pub kind: EvidenceKind,
    pub checked: &'a Checked,
    pub description: &'a str,
    pub url: Option<&'a str>,
    pub note: Option<&'a str>,
    pub import_key: Option<&'a str>,
    pub controls: &'a [String],
    pub at: &'a str,
}

/// Inserts a row and its links; returns its id.
pub(crate) fn insert_evidence(conn: &Connection, new: &NewEvidence<'_>) -> Result<i64> {
    let c = new.checked;
    conn.execute(
        "INSERT INTO evidence (kind, title, description, url, note, collected_by, collected_on, valid_until, import_key, added_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        params![new.kind, c.title, new.description, new.url, new.note, c.collected_by, Day(c.collected_on), c.valid_until.map(Day), new.import_key, new.at],
    )?;
    let id = conn.last_insert_rowid();
    for control in new.controls {
        link(conn, id, control)?;
    }
    Ok(id)
}

/// Links row `id` to a control (nothing when it already is).
pub(crate) fn link(conn: &Connection, id: i64, control: &str) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO evidence_controls (evidence_id, control_id) VALUES (?1, ?2)",
        params![id, control],
    )?;
    Ok(())
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

/// Rewrites the fields of row `id` as an import gives them again.
pub(crate) fn rewrite(conn: &Connection, id: i64, new: &NewEvidence<'_>) -> Result<()> {
    let c = new.checked;
    conn.execute(
        "UPDATE evidence SET kind=?2, title=?3, description=?4, url=?5, note=?6, collected_by=?7, collected_on=?8, valid_until=?9 WHERE id=?1",
        params![id, new.kind, c.title, new.description, new.url, new.note, c.collected_by, Day(c.collected_on), c.valid_until.map(Day)],
    )?;
    for control in new.controls {
        link(conn, id, control)?;
    }
    Ok(())
}

/// Makes row `id` a later occurrence of the series named by `series`.
pub(crate) fn set_series(conn: &Connection, id: i64, series: i64) -> Result<()> {
    conn.execute(
        "UPDATE evidence SET series_id = ?2 WHERE id = ?1",
        params![id, series],
    )?;
    Ok(())
}

/// The evidence dates of row `id` (a corrected file brings new ones).
pub(crate) fn set_dates(
    conn: &Connection,
    id: i64,
    collected_on: chrono::NaiveDate,
    valid_until: Option<chrono::NaiveDate>,
) -> Result<()> {
    conn.execute(
        "UPDATE evidence SET collected_on = ?2, valid_until = ?3 WHERE id = ?1",
        params![id, Day(collected_on), valid_until.map(Day)],
    )?;
    Ok(())
}

/// Writes the editable fields of `e` to its row and, when `with_links`,
/// replaces its links with `e.controls`.
pub(crate) fn update(conn: &Connection, e: &Evidence, with_links: bool) -> Result<()> {
    conn.execute(
        "UPDATE evidence SET title = ?2, description = ?3, collected_on = ?4, valid_until = ?5, collected_by = ?6 WHERE id = ?1",
        params![e.id, e.title, e.description, Day(e.collected_on), e.valid_until.map(Day), e.collected_by],
    )?;
    if with_links {
        conn.execute(
            "DELETE FROM evidence_controls WHERE evidence_id = ?1",
            [e.id],
        )?;
        for c in &e.controls {
            conn.execute(
                "INSERT INTO evidence_controls (evidence_id, control_id) VALUES (?1, ?2)",
                params![e.id, c],
            )?;
        }
    }
    Ok(())
}

/// Marks row `id` removed at `at` (a row removed before keeps its time).
pub(crate) fn set_removed(conn: &Connection, id: i64, at: &str) -> Result<()> {
    conn.execute(
        "UPDATE evidence SET removed_at = COALESCE(removed_at, ?2) WHERE id = ?1",
        params![id, at],
    )?;
    Ok(())
}

/// Deletes controls; returns the ids of the evidence that was linked to
/// them, in the order found (their rows change with the links).
pub(crate) fn delete_controls(conn: &Connection, controls: &[String]) -> Result<Vec<i64>> {
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
    Ok(affected)
}

/// The SHA-256 of every file any revision holds (gc keeps these).
pub(crate) fn referenced_blobs(conn: &Connection) -> Result<std::collections::HashSet<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT sha256 FROM evidence_revisions")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Other evidence (not `except`) with a revision stored as `sha256`.
pub(crate) fn sharing_file(conn: &Connection, sha256: &str, except: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT evidence_id FROM evidence_revisions WHERE sha256 = ?1 AND evidence_id <> ?2",
    )?;
    let rows = stmt.query_map(params![sha256, except], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Ids of purged evidence (their files are gone on purpose).
pub(crate) fn purged_ids(conn: &Connection) -> Result<std::collections::HashSet<i64>> {
    let mut stmt = conn.prepare("SELECT evidence_id FROM evidence_purges")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records that evidence `id`'s files were destroyed, when and why.
pub(crate) fn insert_purge(conn: &Connection, id: i64, at: &str, reason: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO evidence_purges (evidence_id, purged_at, reason) VALUES (?1, ?2, ?3)",
        params![id, at, reason],
    )?;
    Ok(())
}
