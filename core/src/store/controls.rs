//! The control rows in SQL (tables `controls` and `mappings`).
use super::types::Cells;
use crate::error::Result;
use crate::model::{Control, Mapping};
use rusqlite::{params, Connection};
use std::collections::HashMap;

/// All controls with their mappings (in their order), ordered by id.
pub(crate) fn load_controls(conn: &Connection) -> Result<Vec<Control>> {
    let mut mappings: HashMap<String, Vec<Mapping>> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT control_id, framework_id, ref, coverage, rationale FROM mappings ORDER BY control_id, position")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (control, framework, reference): (String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?);
            let key = format!("{control} → {framework} {reference}");
            let c = Cells::new(r, "mappings", key);
            mappings.entry(control).or_default().push(Mapping {
                framework_id: framework,
                reference,
                coverage: c.get(3, "coverage")?,
                rationale: r.get(4)?,
            });
        }
    }
    let mut stmt = conn.prepare("SELECT id, title, description, category, owner, status, review_every_days FROM controls ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        let id: String = r.get(0)?;
        let c = Cells::new(r, "controls", &id);
        Ok(Control {
            mappings: mappings.remove(&id).unwrap_or_default(),
            title: r.get(1)?,
            description: r.get(2)?,
            category: r.get(3)?,
            owner: r.get(4)?,
            status: c.get(5, "status")?,
            review_every_days: r.get(6)?,
            id,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Inserts or replaces a control with its mappings (in their order).
/// `source_file` empty keeps the file it came from, if any.
pub(crate) fn upsert_control(
    conn: &Connection,
    c: &Control,
    source_file: &str,
    now: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO controls (id, title, description, category, owner, status, review_every_days, source_file, created_at, updated_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?9)
         ON CONFLICT(id) DO UPDATE SET title=excluded.title, description=excluded.description, category=excluded.category,
           owner=excluded.owner, status=excluded.status, review_every_days=excluded.review_every_days,
           source_file=COALESCE(excluded.source_file, controls.source_file), updated_at=excluded.updated_at",
        params![c.id, c.title, c.description, c.category, c.owner, c.status, c.review_every_days, if source_file.is_empty() { None } else { Some(source_file) }, now],
    )?;
    conn.execute("DELETE FROM mappings WHERE control_id = ?1", [&c.id])?;
    let mut stmt = conn.prepare("INSERT INTO mappings (control_id, framework_id, ref, coverage, rationale, position) VALUES (?1,?2,?3,?4,?5,?6)")?;
    for (i, m) in c.mappings.iter().enumerate() {
        stmt.execute(params![
            c.id,
            m.framework_id,
            m.reference,
            m.coverage,
            m.rationale,
            i as i64
        ])?;
    }
    Ok(())
}

/// Each control's id and the file it was imported from (None: made in the app).
pub(crate) fn source_files(conn: &Connection) -> Result<Vec<(String, Option<String>)>> {
    let mut stmt = conn.prepare("SELECT id, source_file FROM controls")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
