//! The assessment rows in SQL (tables `assessments`,
//! `assessment_frameworks` and `applicability`, the assessment's own
//! decisions).
use super::types::{Cells, Day};
use crate::assessment::{Applicability, Assessment};
use crate::error::{Error, Result};
use crate::model::AssessmentType;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

/// Every assessment's id, the latest period end first.
pub(crate) fn ids(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT id FROM assessments ORDER BY period_end DESC, id DESC")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Assessment `id` with its frameworks and decisions, if it exists.
pub(crate) fn load(conn: &Connection, id: i64) -> Result<Option<Assessment>> {
    let found = conn
        .query_row(
            "SELECT name, organisation, scope, period_start, period_end, created_at, updated_at, kind FROM assessments WHERE id = ?1",
            [id],
            |r| {
                let c = Cells::new(r, "assessments", format!("id {id}"));
                Ok(Assessment {
                    id,
                    name: r.get(0)?,
                    organisation: r.get(1)?,
                    scope: r.get(2)?,
                    period_start: c.date(3, "period_start")?,
                    period_end: c.date(4, "period_end")?,
                    frameworks: Vec::new(),
                    applicability: Vec::new(),
                    created_at: r.get(5)?,
                    updated_at: r.get(6)?,
                    kind: c.get(7, "kind")?,
                })
            },
        )
        .optional()?;
    let Some(mut a) = found else {
        return Ok(None);
    };
    let mut stmt = conn.prepare("SELECT framework_id FROM assessment_frameworks WHERE assessment_id = ?1 ORDER BY framework_id")?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    a.frameworks = rows.collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT a.framework_id, a.ref, a.applicable, a.justification, a.implementation FROM applicability a
         JOIN requirements r ON r.framework_id = a.framework_id AND r.ref = a.ref
         WHERE a.assessment_id = ?1 ORDER BY a.framework_id, r.position",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(Applicability {
            framework_id: r.get(0)?,
            reference: r.get(1)?,
            applicable: r.get(2)?,
            justification: r.get(3)?,
            implementation: r.get(4)?,
        })
    })?;
    a.applicability = rows.collect::<Result<_, _>>()?;
    Ok(Some(a))
}

/// The fields of an assessment row as saved (checked and trimmed).
pub(crate) struct AssessmentRow<'a> {
    pub name: &'a str,
    pub organisation: &'a str,
    pub scope: &'a str,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub kind: Option<AssessmentType>,
    pub frameworks: &'a [String],
    pub at: &'a str,
}

/// Writes assessment `id` (a new one when None) with its frameworks;
/// returns its id; [`Error::NotFound`] when `id` names no assessment.
pub(crate) fn save(conn: &Connection, id: Option<i64>, a: &AssessmentRow<'_>) -> Result<i64> {
    let (start, end) = (Day(a.period_start), Day(a.period_end));
    let id = match id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE assessments SET name=?2, organisation=?3, scope=?4, period_start=?5, period_end=?6, updated_at=?7, kind=?8 WHERE id=?1",
                params![id, a.name, a.organisation, a.scope, start, end, a.at, a.kind],
            )?;
            if n == 0 {
                return Err(Error::NotFound(format!("no assessment #{id}")));
            }
            conn.execute(
                "DELETE FROM assessment_frameworks WHERE assessment_id = ?1",
                [id],
            )?;
            id
        }
        None => {
            conn.execute(
                "INSERT INTO assessments (name, organisation, scope, period_start, period_end, created_at, updated_at, kind) VALUES (?1,?2,?3,?4,?5,?6,?6,?7)",
                params![a.name, a.organisation, a.scope, start, end, a.at, a.kind],
            )?;
            conn.last_insert_rowid()
        }
    };
    for f in a.frameworks {
        conn.execute("INSERT OR IGNORE INTO assessment_frameworks (assessment_id, framework_id) VALUES (?1, ?2)", params![id, f])?;
    }
    Ok(id)
}

/// Records (or replaces) the assessment's decision on one requirement;
/// `reference` is the catalog's ref, the texts are stored trimmed.
pub(crate) fn set_applicability(
    conn: &Connection,
    assessment_id: i64,
    item: &Applicability,
    reference: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO applicability (assessment_id, framework_id, ref, applicable, justification, implementation) VALUES (?1,?2,?3,?4,?5,?6)
         ON CONFLICT(assessment_id, framework_id, ref) DO UPDATE SET applicable=excluded.applicable, justification=excluded.justification, implementation=excluded.implementation",
        params![assessment_id, item.framework_id, reference, item.applicable, item.justification.trim(), item.implementation.trim()],
    )?;
    Ok(())
}
