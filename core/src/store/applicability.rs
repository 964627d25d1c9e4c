//! The workspace's applicability rows in SQL (tables
//! `applicability_decisions`, the history of decisions, and
//! `soa_documents`, the Statement of Applicability's document fields).
use super::types::{Cells, Day};
use crate::applicability::{ApplicabilityDecision, SoaDocument};
use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// Every decision, oldest first per requirement, optionally of one
/// framework and one ref.
pub(crate) fn decisions(
    conn: &Connection,
    framework: Option<&str>,
    reference: Option<&str>,
) -> Result<Vec<ApplicabilityDecision>> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.framework_id, d.ref, d.applicable, d.justification, d.decided_by, d.decided_at
         FROM applicability_decisions d
         WHERE (?1 IS NULL OR d.framework_id = ?1) AND (?2 IS NULL OR d.ref = ?2)
         ORDER BY d.framework_id, d.ref, d.id",
    )?;
    let rows = stmt.query_map(params![framework, reference], |r| {
        Ok(ApplicabilityDecision {
            id: r.get(0)?,
            framework_id: r.get(1)?,
            reference: r.get(2)?,
            applicable: r.get(3)?,
            justification: r.get(4)?,
            decided_by: r.get(5)?,
            decided_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Appends one decision (`id` is ignored: the database numbers it).
pub(crate) fn insert_decision(conn: &Connection, d: &ApplicabilityDecision) -> Result<()> {
    conn.execute(
        "INSERT INTO applicability_decisions (framework_id, ref, applicable, justification, decided_by, decided_at) VALUES (?1,?2,?3,?4,?5,?6)",
        params![d.framework_id, d.reference, d.applicable, d.justification, d.decided_by, d.decided_at],
    )?;
    Ok(())
}

/// The SoA document fields of one framework, if they were ever set.
pub(crate) fn soa_document(conn: &Connection, framework: &str) -> Result<Option<SoaDocument>> {
    Ok(conn
        .query_row(
            "SELECT version, owner, approved_by, approved_on, updated_at FROM soa_documents WHERE framework_id = ?1",
            [framework],
            |r| {
                let c = Cells::new(r, "soa_documents", framework);
                Ok(SoaDocument {
                    framework_id: framework.into(),
                    version: r.get(0)?,
                    owner: r.get(1)?,
                    approved_by: r.get(2)?,
                    approved_on: c.date_opt(3, "approved_on")?,
                    updated_at: Some(r.get(4)?),
                })
            },
        )
        .optional()?)
}

/// The frameworks whose SoA document fields were set, by id.
pub(crate) fn soa_frameworks(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT framework_id FROM soa_documents ORDER BY framework_id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes the SoA document fields of `d.framework_id` (`updated_at` must be set).
pub(crate) fn save_soa_document(conn: &Connection, d: &SoaDocument) -> Result<()> {
    conn.execute(
        "INSERT INTO soa_documents (framework_id, version, owner, approved_by, approved_on, updated_at) VALUES (?1,?2,?3,?4,?5,?6)
         ON CONFLICT(framework_id) DO UPDATE SET version=excluded.version, owner=excluded.owner, approved_by=excluded.approved_by, approved_on=excluded.approved_on, updated_at=excluded.updated_at",
        params![d.framework_id, d.version, d.owner, d.approved_by, d.approved_on.map(Day), d.updated_at],
    )?;
    Ok(())
}
