//! The scope rows in SQL (tables `scopes` and `scope_requirements`).
use crate::error::Result;
use crate::interop::scope::{Scope, ScopeSummary};
use rusqlite::{params, Connection};

/// Writes (or replaces) scopes inside the import's transaction.
pub(crate) fn store(conn: &Connection, scopes: &[Scope]) -> Result<()> {
    for s in scopes {
        conn.execute(
            "DELETE FROM scope_requirements WHERE scope_id = ?1",
            [&s.id],
        )?;
        conn.execute(
            "INSERT INTO scopes (id, name, source) VALUES (?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, source = excluded.source",
            params![s.id, s.name, s.source],
        )?;
        let mut stmt = conn.prepare(
            "INSERT OR IGNORE INTO scope_requirements (scope_id, framework_id, ref, position) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, (fw, r)) in s.requirements.iter().enumerate() {
            stmt.execute(params![s.id, fw, r, i as i64])?;
        }
    }
    Ok(())
}

/// Every scope with its frameworks and requirement count, by id.
pub(crate) fn summaries(conn: &Connection) -> Result<Vec<ScopeSummary>> {
    let mut stmt = conn.prepare(
            "SELECT s.id, s.name, s.source, COUNT(r.ref), COALESCE(GROUP_CONCAT(DISTINCT r.framework_id), '')
             FROM scopes s LEFT JOIN scope_requirements r ON r.scope_id = s.id GROUP BY s.id ORDER BY s.id",
        )?;
    let rows = stmt.query_map([], |r| {
        let fws: String = r.get(4)?;
        Ok(ScopeSummary {
            id: r.get(0)?,
            name: r.get(1)?,
            source: r.get(2)?,
            requirements: r.get::<_, i64>(3)? as usize,
            frameworks: fws
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The requirements of scope `id`, (framework id, ref) in the source's order.
pub(crate) fn requirements(conn: &Connection, id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT framework_id, ref FROM scope_requirements WHERE scope_id = ?1 ORDER BY position",
    )?;
    let reqs = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(reqs)
}
