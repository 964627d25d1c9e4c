//! The app's forms checked before they save: evidence (added and edited),
//! assessment, the SoA's document fields and an applicability decision. Each check applies the
//! rules the write itself applies (the field rules of `validate.rs`, then
//! the rules across fields that `add_evidence`, `save_assessment`,
//! `set_soa_document` and the applicability decisions enforce) and answers
//! with one result per field, so the form shows core's message beside the
//! field it is about. Nothing is written.
use crate::assessment::{check_assessment_input, AssessmentInput};
use crate::error::Result;
use crate::model::EvidenceKind;
use crate::validate::{self, FieldResult};
use crate::workspace::Workspace;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A rule broken by one field (used by the writers, which turn it into an
/// error, and by the form checks, which put it beside the field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field's name as the UI knows it (`collected_on`, `controls`).
    pub field: &'static str,
    /// What is wrong and what to do, in one sentence for the user.
    pub message: String,
}

impl FieldError {
    /// The rule `field` broke, with its message.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// An approval date may not lie in the future (the SoA's document control).
pub fn approval_date(day: NaiveDate, today: NaiveDate) -> std::result::Result<(), String> {
    if day > today {
        return Err("the approval date is in the future".into());
    }
    Ok(())
}

/// Marking a requirement not applicable needs the reason an auditor will read.
pub fn justification_missing(applicable: bool, justification: &str) -> bool {
    !applicable && justification.trim().is_empty()
}

/// The add-evidence form as typed: every value a string.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct EvidenceForm {
    /// File, link or note; None is taken as a file.
    pub kind: Option<EvidenceKind>,
    /// The file to add (kind `file`); its name is the default title.
    #[serde(default)]
    pub path: String,
    /// The link (kind `link`), under the rule of [`validate::url`].
    #[serde(default)]
    pub url: String,
    /// The statement (kind `note`); its first line (80 characters at most)
    /// is the default title.
    #[serde(default)]
    pub note: String,
    /// Empty: the default title of the kind.
    #[serde(default)]
    pub title: String,
    /// Ids of the controls it supports; at least one, each an existing control.
    #[serde(default)]
    pub controls: Vec<String>,
    /// The evidence date, `YYYY-MM-DD`, not in the future; empty: today.
    #[serde(default)]
    pub collected_on: String,
    /// `YYYY-MM-DD`, not before the evidence date. With `valid_for` empty
    /// too, the shortest review cadence of its controls decides (none: no
    /// expiry).
    #[serde(default)]
    pub valid_until: String,
    /// A period (365d, 52w, 1y) from the evidence date; not together with
    /// `valid_until`.
    #[serde(default)]
    pub valid_for: String,
    /// Who gathered it; empty: the current user.
    #[serde(default)]
    pub collected_by: String,
}

/// The edit-evidence form as typed: the item's metadata after the user's
/// changes. An empty valid-until means the item no longer expires.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct EvidenceEditForm {
    /// The evidence being edited ([`crate::model::Evidence::id`]); it must exist.
    pub id: i64,
    /// Required.
    #[serde(default)]
    pub title: String,
    /// Ids of the controls it supports; at least one, each an existing control.
    #[serde(default)]
    pub controls: Vec<String>,
    /// The evidence date, `YYYY-MM-DD`, required and not in the future.
    #[serde(default)]
    pub collected_on: String,
    /// `YYYY-MM-DD`, not before the evidence date; empty: no expiry.
    #[serde(default)]
    pub valid_until: String,
    /// Who gathered it; required, under [`validate::collector`].
    #[serde(default)]
    pub collected_by: String,
}

/// The assessment form as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct AssessmentForm {
    /// Required (`SOC 2 Type II 2026`).
    #[serde(default)]
    pub name: String,
    /// First day of the audit period, `YYYY-MM-DD`; required.
    #[serde(default)]
    pub period_start: String,
    /// Last day of the audit period, `YYYY-MM-DD`; required, not before the start.
    #[serde(default)]
    pub period_end: String,
    /// The organisation assessed, as the report names it; optional and not checked.
    #[serde(default)]
    pub organisation: String,
    /// Ids of the frameworks in scope; at least one.
    #[serde(default)]
    pub frameworks: Vec<String>,
}

/// The SoA document-control form as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct SoaForm {
    /// The SoA document's version (`1.3`); free text, not checked.
    #[serde(default)]
    pub version: String,
    /// Who owns the document (`CISO`); free text, not checked.
    #[serde(default)]
    pub owner: String,
    /// Who approved it; free text, not checked.
    #[serde(default)]
    pub approved_by: String,
    /// The approval date, `YYYY-MM-DD`, not in the future; may be empty.
    #[serde(default)]
    pub approved_on: String,
}

/// An applicability decision as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct ApplicabilityForm {
    /// false: the requirement is being marked not applicable.
    pub applicable: bool,
    /// The reason an auditor will read; required when `applicable` is false.
    #[serde(default)]
    pub justification: String,
}

/// One of the forms, in JSON tagged by `form` (`{"form": "evidence_edit",
/// "id": 7, …}`).
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Form {
    /// Add evidence (`evidence`).
    Evidence(EvidenceForm),
    /// Edit an evidence item's metadata (`evidence_edit`).
    EvidenceEdit(EvidenceEditForm),
    /// Create or change an assessment (`assessment`).
    Assessment(AssessmentForm),
    /// The SoA's document control (`soa`).
    Soa(SoaForm),
    /// An applicability decision on one requirement (`applicability`).
    Applicability(ApplicabilityForm),
}

/// Results by field, in the order the fields were checked.
struct Results(Vec<FieldResult>);

impl Results {
    fn check<T>(
        &mut self,
        field: &str,
        value: &str,
        required: bool,
        rule: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> Option<T> {
        if value.trim().is_empty() && !required {
            self.ok(field, "");
            return None;
        }
        match rule(value) {
            Ok(v) => {
                self.ok(field, value.trim());
                Some(v)
            }
            Err(m) => {
                self.fail(field, m);
                None
            }
        }
    }
    fn ok(&mut self, field: &str, value: &str) {
        self.0.push(FieldResult {
            field: field.into(),
            ok: true,
            message: None,
            value: Some(value.into()),
        });
    }
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        // One message per field: the first rule it breaks.
        if let Some(r) = self.0.iter_mut().find(|r| r.field == field) {
            if r.ok {
                r.ok = false;
                r.message = Some(message.into());
                r.value = None;
            }
            return;
        }
        self.0.push(FieldResult {
            field: field.into(),
            ok: false,
            message: Some(message.into()),
            value: None,
        });
    }
    fn all_ok(&self) -> bool {
        self.0.iter().all(|r| r.ok)
    }
}

impl Workspace {
    /// Checks one form as its save would (see the module's promise).
    pub fn check_form(&self, form: &Form) -> Result<Vec<FieldResult>> {
        match form {
            Form::Evidence(f) => self.check_evidence_form(f),
            Form::EvidenceEdit(f) => self.check_evidence_edit_form(f),
            Form::Assessment(f) => Ok(check_assessment_form(f)),
            Form::Soa(f) => Ok(check_soa_form(f, self.today())),
            Form::Applicability(f) => Ok(check_applicability_form(f)),
        }
    }

    fn check_evidence_form(&self, f: &EvidenceForm) -> Result<Vec<FieldResult>> {
        let mut r = Results(Vec::new());
        let default_title = match f.kind.unwrap_or(EvidenceKind::File) {
            EvidenceKind::File => r
                .check("path", &f.path, true, |p| {
                    validate::non_empty(p, "the file").map_err(|_| {
                        "choose the evidence file, drop it on the window or paste its path"
                            .to_string()
                    })
                })
                .map(|p| {
                    std::path::Path::new(&p)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or(p)
                }),
            EvidenceKind::Link => r.check("url", &f.url, true, validate::url),
            EvidenceKind::Note => r
                .check("note", &f.note, true, |n| {
                    validate::non_empty(n, "the note").map_err(|_| "the note is empty".to_string())
                })
                .map(|n| n.lines().next().unwrap_or("").chars().take(80).collect()),
        };
        let collected_on = r.check("collected_on", &f.collected_on, false, validate::date);
        let valid_until = r.check("valid_until", &f.valid_until, false, validate::date);
        let valid_for = r.check("valid_for", &f.valid_for, false, validate::duration);
        let known: HashMap<String, Option<u32>> = self
            .controls()?
            .into_iter()
            .map(|c| (c.id, c.review_every_days))
            .collect();
        for c in &f.controls {
            if !known.contains_key(c) {
                r.fail("controls", format!("there is no control `{c}`"));
            }
        }
        if !r.all_ok() {
            // The rules across fields wait for the fields to be right, but
            // "no control" stands on its own: say it now too.
            let alone = crate::evidence::Fields {
                controls: &f.controls,
                default_title: "-",
                title: None,
                collected_by: None,
                collected_on: None,
                valid_until: None,
                valid_for_days: None,
            };
            if let Err(e) = self.check_evidence_fields(&alone, &|_| None) {
                if e.field == "controls" {
                    r.fail(e.field, e.message);
                }
            }
            return Ok(r.0);
        }
        // The rules across fields, exactly as add_evidence applies them.
        let fields = crate::evidence::Fields {
            controls: &f.controls,
            default_title: default_title.as_deref().unwrap_or(""),
            title: Some(f.title.as_str()),
            collected_by: Some(f.collected_by.as_str()),
            collected_on,
            valid_until,
            valid_for_days: valid_for,
        };
        if let Err(e) = self.check_evidence_fields(&fields, &|c| known.get(c).copied().flatten()) {
            let field = if e.field == "valid_for_days" {
                "valid_for"
            } else {
                e.field
            };
            r.fail(field, e.message);
        }
        Ok(r.0)
    }
}

impl Workspace {
    /// The edit form under the rules `edit_evidence` applies: a title, a
    /// collector, known controls (at least one), an evidence date that is not
    /// in the future and a valid-until date not before it.
    fn check_evidence_edit_form(&self, f: &EvidenceEditForm) -> Result<Vec<FieldResult>> {
        let existing = self.evidence(f.id)?;
        let mut r = Results(Vec::new());
        r.check("title", &f.title, true, |t| {
            validate::non_empty(t, "the title").map_err(|_| "evidence needs a title".to_string())
        });
        let collected_on = r.check("collected_on", &f.collected_on, true, |d| {
            if d.trim().is_empty() {
                return Err(format!(
                    "the evidence date is needed, written YYYY-MM-DD (it was {})",
                    existing.collected_on
                ));
            }
            validate::date(d)
        });
        let valid_until = r.check("valid_until", &f.valid_until, false, validate::date);
        r.check("collected_by", &f.collected_by, true, validate::collector);
        let known: std::collections::HashSet<String> =
            self.controls()?.into_iter().map(|c| c.id).collect();
        for c in &f.controls {
            if !known.contains(c) {
                r.fail("controls", format!("there is no control `{c}`"));
            }
        }
        if f.controls.is_empty() {
            r.fail("controls", "evidence must support at least one control");
        }
        if !r.all_ok() {
            return Ok(r.0);
        }
        // The rules across fields, the same function the writers use.
        let fields = crate::evidence::Fields {
            controls: &f.controls,
            default_title: "",
            title: Some(f.title.as_str()),
            collected_by: Some(f.collected_by.as_str()),
            collected_on,
            valid_until,
            valid_for_days: None,
        };
        if let Err(e) = self.check_evidence_fields(&fields, &|_| None) {
            r.fail(e.field, e.message);
        }
        Ok(r.0)
    }
}

fn check_assessment_form(f: &AssessmentForm) -> Vec<FieldResult> {
    let mut r = Results(Vec::new());
    if f.name.trim().is_empty() {
        // The same words as save_assessment's.
        r.fail("name", "the assessment needs a name");
    }
    let date = |r: &mut Results, field: &str, value: &str, which: &str| {
        if value.trim().is_empty() {
            r.fail(
                field,
                format!("the period needs {which} date, written YYYY-MM-DD"),
            );
            None
        } else {
            r.check(field, value, true, validate::date)
        }
    };
    let start = date(&mut r, "period_start", &f.period_start, "a start");
    let end = date(&mut r, "period_end", &f.period_end, "an end");
    if f.frameworks.is_empty() {
        r.fail("frameworks", "choose at least one framework");
    }
    if let (true, Some(start), Some(end)) = (r.all_ok(), start, end) {
        let input = AssessmentInput {
            id: None,
            name: f.name.clone(),
            organisation: None,
            scope: String::new(),
            period_start: start,
            period_end: end,
            frameworks: f.frameworks.clone(),
            kind: None,
        };
        if let Err(e) = check_assessment_input(&input) {
            r.fail(e.field, e.message);
        }
    }
    r.0
}

fn check_soa_form(f: &SoaForm, today: NaiveDate) -> Vec<FieldResult> {
    let mut r = Results(Vec::new());
    r.check("approved_on", &f.approved_on, false, |v| {
        let d = validate::date(v)?;
        approval_date(d, today).map(|_| d)
    });
    r.0
}

fn check_applicability_form(f: &ApplicabilityForm) -> Vec<FieldResult> {
    let mut r = Results(Vec::new());
    if justification_missing(f.applicable, &f.justification) {
        r.fail(
            "justification",
            "marking a requirement not applicable needs a written justification: the reason an auditor will read",
        );
    } else {
        r.ok("justification", f.justification.trim());
    }
    r.0
}
