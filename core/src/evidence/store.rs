//! The evidence rows in SQL: loading with their links and revisions,
//! inserting items and revisions, and the state digest the trail records.
use super::*;
use crate::error::Result;
use crate::model::*;
use rusqlite::{params, Connection};
use std::collections::HashMap;

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
