//! Assessments: frameworks, an audit period, a scope statement and
//! per-requirement applicability. Reports are of an assessment.
use crate::error::{Error, Result};
use crate::model::AssessmentType;
use crate::workspace::{timestamp, Workspace};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// An assessment's decision on one requirement: in scope or not, and why
/// (the Statement of Applicability's row). A requirement without one follows
/// the workspace's decision, else is applicable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Applicability {
    /// The requirement's framework; one of the assessment's frameworks.
    pub framework_id: String,
    /// The requirement's ref as its catalog writes it (serialized as `ref`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// false: out of scope for this assessment (status not applicable).
    pub applicable: bool,
    /// Why it is (not) applicable; required when not applicable.
    pub justification: String,
    /// How it is implemented (Statement of Applicability).
    #[serde(default)]
    pub implementation: String,
}

/// An audit engagement: which frameworks, over which period, for whom, with
/// its own applicability decisions. Reports and registers can be of one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Assessment {
    /// The workspace's number for it (`--assessment ID`).
    pub id: i64,
    /// What the user called it (`SOC 2 Type II 2026`).
    pub name: String,
    /// The organisation assessed, as reports name it (the workspace's name
    /// when the user gave none).
    pub organisation: String,
    /// The scope statement, as written; may be empty.
    pub scope: String,
    /// First day of the audit period (inclusive).
    pub period_start: NaiveDate,
    /// Last day of the audit period (inclusive); never before the start.
    pub period_end: NaiveDate,
    /// Ids of the frameworks assessed, sorted; at least one.
    pub frameworks: Vec<String>,
    /// The decisions recorded in this assessment, by framework then in
    /// catalog order; requirements without one are not listed.
    pub applicability: Vec<Applicability>,
    /// When it was created, RFC 3339 UTC to the second.
    pub created_at: String,
    /// When it was last saved, RFC 3339 UTC to the second.
    pub updated_at: String,
    /// Type I or Type II; None when nobody said (assessments made before
    /// types existed). Left out when None so their audit states stay the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AssessmentType>,
}

/// Fields a user sets; `id` None creates a new assessment.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct AssessmentInput {
    /// The assessment to change; None creates one.
    pub id: Option<i64>,
    /// Required (not blank); stored trimmed.
    pub name: String,
    /// None or blank: the workspace's organisation name.
    pub organisation: Option<String>,
    /// The scope statement; may be empty.
    #[serde(default)]
    pub scope: String,
    /// First day of the audit period.
    pub period_start: NaiveDate,
    /// Last day of the audit period; not before `period_start`.
    pub period_end: NaiveDate,
    /// Framework ids, at least one, each a known framework; replaces the
    /// assessment's list.
    pub frameworks: Vec<String>,
    /// Type I (design on a day) or Type II (operation over the period).
    #[serde(default)]
    pub kind: Option<AssessmentType>,
}

/// The rules of an assessment's fields, each naming its field (the app's
/// form shows the message beside it, see `forms.rs`).
pub(crate) fn check_assessment_input(
    input: &AssessmentInput,
) -> std::result::Result<(), crate::forms::FieldError> {
    use crate::forms::FieldError as F;
    if input.name.trim().is_empty() {
        return Err(F::new("name", "the assessment needs a name"));
    }
    if input.period_start > input.period_end {
        return Err(F::new(
            "period_end",
            format!(
                "the period ends ({}) before it starts ({})",
                input.period_end, input.period_start
            ),
        ));
    }
    if input.frameworks.is_empty() {
        return Err(F::new("frameworks", "choose at least one framework"));
    }
    Ok(())
}

impl Workspace {
    /// Every assessment, the latest period end first.
    pub fn assessments(&self) -> Result<Vec<Assessment>> {
        let ids: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM assessments ORDER BY period_end DESC, id DESC")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        ids.into_iter().map(|id| self.assessment(id)).collect()
    }

    /// Assessment `id` with its frameworks and decisions; [`Error::NotFound`]
    /// when there is none, [`Error::Corrupt`] when a stored value does not read
    /// back.
    pub fn assessment(&self, id: i64) -> Result<Assessment> {
        let row = self
            .conn
            .query_row("SELECT name, organisation, scope, period_start, period_end, created_at, updated_at, kind FROM assessments WHERE id = ?1", [id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?, r.get::<_, String>(6)?, r.get::<_, Option<String>>(7)?))
            })
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("no assessment #{id}")))?;
        let frameworks: Vec<String> = {
            let mut stmt = self.conn.prepare("SELECT framework_id FROM assessment_frameworks WHERE assessment_id = ?1 ORDER BY framework_id")?;
            let rows = stmt.query_map([id], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let applicability: Vec<Applicability> = {
            let mut stmt = self.conn.prepare(
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
            rows.collect::<Result<_, _>>()?
        };
        let key = format!("id {id}");
        let period_start = crate::db::date_col("assessments", "period_start", &key, &row.3)?;
        let period_end = crate::db::date_col("assessments", "period_end", &key, &row.4)?;
        let kind = row
            .7
            .as_deref()
            .map(|k| {
                crate::db::enum_col(
                    "assessments",
                    "kind",
                    &key,
                    k,
                    "type1 or type2",
                    AssessmentType::parse,
                )
            })
            .transpose()?;
        Ok(Assessment {
            id,
            name: row.0,
            organisation: row.1,
            scope: row.2,
            period_start,
            period_end,
            frameworks,
            applicability,
            created_at: row.5,
            updated_at: row.6,
            kind,
        })
    }

    /// Creates or changes an assessment (one transaction, one audit event)
    /// and returns it as stored. [`Error::Usage`] when a field rule fails
    /// (blank name, period ending before it starts, no framework),
    /// [`Error::NotFound`] for an unknown framework or assessment id.
    /// Applicability decisions are kept.
    pub fn save_assessment(&mut self, input: &AssessmentInput) -> Result<Assessment> {
        check_assessment_input(input).map_err(|e| Error::Usage(e.message))?;
        let name = input.name.trim();
        for f in &input.frameworks {
            self.framework(f)?;
        }
        let organisation = match &input.organisation {
            Some(o) if !o.trim().is_empty() => o.trim().to_string(),
            _ => self.organisation()?,
        };
        let now = timestamp(crate::now());
        let tx = self.begin()?;
        let id = match input.id {
            Some(id) => {
                let n = tx.execute(
                    "UPDATE assessments SET name=?2, organisation=?3, scope=?4, period_start=?5, period_end=?6, updated_at=?7, kind=?8 WHERE id=?1",
                    params![id, name, organisation, input.scope.trim(), input.period_start.to_string(), input.period_end.to_string(), now, input.kind.map(|k| k.as_str())],
                )?;
                if n == 0 {
                    return Err(Error::NotFound(format!("no assessment #{id}")));
                }
                tx.execute(
                    "DELETE FROM assessment_frameworks WHERE assessment_id = ?1",
                    [id],
                )?;
                id
            }
            None => {
                tx.execute(
                    "INSERT INTO assessments (name, organisation, scope, period_start, period_end, created_at, updated_at, kind) VALUES (?1,?2,?3,?4,?5,?6,?6,?7)",
                    params![name, organisation, input.scope.trim(), input.period_start.to_string(), input.period_end.to_string(), now, input.kind.map(|k| k.as_str())],
                )?;
                tx.last_insert_rowid()
            }
        };
        for f in &input.frameworks {
            tx.execute("INSERT OR IGNORE INTO assessment_frameworks (assessment_id, framework_id) VALUES (?1, ?2)", params![id, f])?;
        }
        let digest = assessment_digest(&self.assessment(id)?);
        self.record(
            &tx,
            if input.id.is_some() { "assessment.edited" } else { "assessment.created" },
            &format!("assessment:{id}"),
            format!("{} assessment #{id} \"{name}\" ({}..{}, {}, {})", if input.id.is_some() { "Edited" } else { "Created" }, input.period_start, input.period_end, input.frameworks.join(", "), input.kind.map(type_label).unwrap_or("type not stated")),
            json!({"assessment": id, "name": name, "period": [input.period_start, input.period_end], "frameworks": input.frameworks, "scope": input.scope.trim(), "type": input.kind, "states": {format!("assessment:{id}"): digest}}),
        )?;
        tx.commit()?;
        self.assessment(id)
    }

    /// Marks one requirement applicable or not (with a justification) in an assessment.
    pub fn set_applicability(
        &mut self,
        assessment_id: i64,
        item: &Applicability,
    ) -> Result<Assessment> {
        let a = self.assessment(assessment_id)?;
        if !a.frameworks.contains(&item.framework_id) {
            return Err(Error::Usage(format!(
                "assessment #{assessment_id} does not cover {}",
                item.framework_id
            )));
        }
        let reference = self
            .resolve_ref(&item.framework_id, &item.reference)
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "`{}` is not a requirement of {}",
                    item.reference, item.framework_id
                ))
            })?;
        if crate::forms::justification_missing(item.applicable, &item.justification) {
            return Err(Error::Usage(format!("{} {reference}: marking a requirement not applicable needs a written justification", item.framework_id)));
        }
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO applicability (assessment_id, framework_id, ref, applicable, justification, implementation) VALUES (?1,?2,?3,?4,?5,?6)
             ON CONFLICT(assessment_id, framework_id, ref) DO UPDATE SET applicable=excluded.applicable, justification=excluded.justification, implementation=excluded.implementation",
            params![assessment_id, item.framework_id, reference, item.applicable, item.justification.trim(), item.implementation.trim()],
        )?;
        let digest = assessment_digest(&self.assessment(assessment_id)?);
        self.record(
            &tx,
            "assessment.applicability",
            &format!("assessment:{assessment_id}"),
            format!("{} {reference} marked {} in assessment #{assessment_id}", item.framework_id, if item.applicable { "applicable" } else { "not applicable" }),
            json!({"assessment": assessment_id, "framework": item.framework_id, "ref": reference, "applicable": item.applicable, "justification": item.justification.trim(), "states": {format!("assessment:{assessment_id}"): digest}}),
        )?;
        tx.commit()?;
        self.assessment(assessment_id)
    }
}

/// "Type I" / "Type II".
pub fn type_label(kind: AssessmentType) -> &'static str {
    match kind {
        AssessmentType::Type1 => "Type I",
        AssessmentType::Type2 => "Type II",
    }
}

/// What the audit trail records of an assessment; `verify` recomputes it.
pub(crate) fn assessment_digest(a: &Assessment) -> String {
    crate::hash::sha256_hex(
        serde_json::to_string(a)
            .expect("assessment serializes")
            .as_bytes(),
    )
}
