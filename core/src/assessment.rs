//! Assessments: frameworks, an audit period, a scope statement and
//! per-requirement applicability. Reports are of an assessment.
use crate::audit::{Mutation, State, States, Subject};
use crate::error::{Error, Result};
use crate::model::AssessmentType;
use crate::store;
use crate::workspace::{timestamp, Workspace};
use chrono::NaiveDate;
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
        let ids = store::assessment::ids(&self.conn)?;
        ids.into_iter().map(|id| self.assessment(id)).collect()
    }

    /// Assessment `id` with its frameworks and decisions; [`Error::NotFound`]
    /// when there is none, [`Error::Corrupt`] when a stored value does not read
    /// back.
    pub fn assessment(&self, id: i64) -> Result<Assessment> {
        store::assessment::load(&self.conn, id)?
            .ok_or_else(|| Error::NotFound(format!("no assessment #{id}")))
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
        let row = store::assessment::AssessmentRow {
            name,
            organisation: &organisation,
            scope: input.scope.trim(),
            period_start: input.period_start,
            period_end: input.period_end,
            kind: input.kind,
            frameworks: &input.frameworks,
            at: &now,
        };
        let id = store::assessment::save(&tx, input.id, &row)?;
        let states = States::of(
            Subject::Assessment(id),
            State::Assessment(&self.assessment(id)?),
        );
        self.record_change(
            &tx,
            if input.id.is_some() { Mutation::AssessmentEdited } else { Mutation::AssessmentCreated },
            &Subject::Assessment(id),
            format!("{} assessment #{id} \"{name}\" ({}..{}, {}, {})", if input.id.is_some() { "Edited" } else { "Created" }, input.period_start, input.period_end, input.frameworks.join(", "), input.kind.map(type_label).unwrap_or("type not stated")),
            json!({"assessment": id, "name": name, "period": [input.period_start, input.period_end], "frameworks": input.frameworks, "scope": input.scope.trim(), "type": input.kind}),
            states,
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
        store::assessment::set_applicability(&tx, assessment_id, item, &reference)?;
        let subject = Subject::Assessment(assessment_id);
        let states = States::of(
            subject.clone(),
            State::Assessment(&self.assessment(assessment_id)?),
        );
        self.record_change(
            &tx,
            Mutation::AssessmentApplicability,
            &subject,
            format!("{} {reference} marked {} in assessment #{assessment_id}", item.framework_id, if item.applicable { "applicable" } else { "not applicable" }),
            json!({"assessment": assessment_id, "framework": item.framework_id, "ref": reference, "applicable": item.applicable, "justification": item.justification.trim()}),
            states,
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
