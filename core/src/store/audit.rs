//! The `audit_log` table's SQL. Rows are read back exactly as stored (the
//! chain's hashes cover the stored text), so nothing here interprets an
//! event: hashing and chaining are `audit/`'s, what a state means is
//! `verify/`'s.
use crate::audit::AuditEvent;
use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

const SELECT: &str =
    "SELECT seq, at, actor, action, subject, summary, details, prev_hash, hash FROM audit_log";

/// One row and its `details` exactly as stored (what the hash covers). A
/// `details` that is not JSON (written by hand) is kept as a JSON string, so
/// it can be listed and its row still fails the hash check.
fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(AuditEvent, String)> {
    let details: String = r.get(6)?;
    Ok((
        AuditEvent {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            subject: r.get(4)?,
            summary: r.get(5)?,
            details: serde_json::from_str(&details).unwrap_or(Value::String(details.clone())),
            prev_hash: r.get(7)?,
            hash: r.get(8)?,
        },
        details,
    ))
}

/// The last event's number and hash; None for an empty trail.
pub(crate) fn last(conn: &Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Writes `event` with `details` as the canonical text its hash covers.
pub(crate) fn insert(conn: &Connection, event: &AuditEvent, details: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, subject, summary, details, prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
        params![event.seq, event.at, event.actor, event.action, event.subject, event.summary, details, event.prev_hash, event.hash],
    )?;
    Ok(())
}

/// Newest first, at most `limit` rows, optionally only those about `subject`.
pub(crate) fn newest(
    conn: &Connection,
    limit: usize,
    subject: Option<&str>,
) -> Result<Vec<AuditEvent>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE (?1 IS NULL OR subject = ?1) ORDER BY seq DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![subject, limit as i64], |r| {
        read_row(r).map(|(e, _)| e)
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Calls `visit` with every row, oldest first, and its stored `details` text.
pub(crate) fn each_in_order(
    conn: &Connection,
    mut visit: impl FnMut(AuditEvent, String),
) -> Result<()> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (event, details) = read_row(row)?;
        visit(event, details);
    }
    Ok(())
}

/// The hash of event `seq`, if there is one.
pub(crate) fn hash_at(conn: &Connection, seq: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .optional()?)
}

/// How many events the trail holds.
pub(crate) fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)
}

/// (seq, stored details) of every event, oldest first, or only of those
/// whose action is `action`.
pub(crate) fn details(conn: &Connection, action: Option<&str>) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT seq, details FROM audit_log WHERE (?1 IS NULL OR action = ?1) ORDER BY seq",
    )?;
    let rows = stmt.query_map([action], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
