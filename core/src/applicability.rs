//! Applicability at workspace level: which requirements are in scope, why,
//! who decided and when. Every decision is kept (the history); the latest
//! per requirement holds. Assessments inherit these decisions and may
//! override one requirement for themselves (`assessment applicability`).
//! Also the Statement of Applicability's document-control fields.
//!
//! Nothing here invents a decision: a requirement nobody decided on has no
//! decision, and the views say so.
use crate::assessment::Assessment;
use crate::audit::{Mutation, State, States, Subject};
use crate::coverage::{Decision, Options};
use crate::error::{Error, Result};
use crate::store::applicability as rows;
use crate::workspace::{timestamp, Workspace};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// One decision as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ApplicabilityDecision {
    /// Its number in the history; a later decision has a larger one.
    pub id: i64,
    /// The requirement's framework.
    pub framework_id: String,
    /// The requirement's ref as its catalog writes it (serialized as `ref`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// false: out of scope (the requirement's status is not applicable).
    pub applicable: bool,
    /// The reason as written; never empty when not applicable, may be empty
    /// when applicable.
    pub justification: String,
    /// Who decided (the workspace's actor at the time).
    pub decided_by: String,
    /// When, RFC 3339 UTC to the second.
    pub decided_at: String,
}

/// A decision for one or many requirements at once.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct ApplicabilityRequest {
    /// The framework the refs belong to; it must exist.
    pub framework_id: String,
    /// Requirement refs. A ref that groups others (SOC 2 `P1`) stands for every
    /// assessable requirement under it; `P*` for every one whose ref starts
    /// with `P`.
    pub refs: Vec<String>,
    /// false marks them not applicable.
    pub applicable: bool,
    /// The reason an auditor will read; required when `applicable` is false.
    #[serde(default)]
    pub justification: String,
}

/// The Statement of Applicability as a controlled document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SoaDocument {
    /// The framework whose SoA this is (in practice `iso27001-2022`).
    pub framework_id: String,
    /// The document's version as the user writes it; empty when not set.
    pub version: String,
    /// Who owns the document; empty when not set.
    pub owner: String,
    /// Who approved it; empty when not set.
    pub approved_by: String,
    /// The approval date (never in the future); None when not set.
    pub approved_on: Option<NaiveDate>,
    /// When the fields were last set, RFC 3339 UTC; None when never set.
    pub updated_at: Option<String>,
}

/// Fields to change; None leaves one as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct SoaInput {
    /// New version text (trimmed).
    pub version: Option<String>,
    /// New owner (trimmed).
    pub owner: Option<String>,
    /// New approver (trimmed).
    pub approved_by: Option<String>,
    /// New approval date; refused when in the future. It can be changed, not
    /// cleared.
    pub approved_on: Option<NaiveDate>,
}

impl Workspace {
    /// Every decision ever made (oldest first per requirement), optionally
    /// of one framework or one requirement.
    pub fn applicability_history(
        &self,
        framework: Option<&str>,
        reference: Option<&str>,
    ) -> Result<Vec<ApplicabilityDecision>> {
        if let Some(f) = framework {
            self.framework(f)?;
        }
        let reference = match (framework, reference) {
            (Some(f), Some(r)) => Some(
                self.resolve_ref(f, r)
                    .ok_or_else(|| Error::NotFound(format!("`{r}` is not a requirement of {f}")))?,
            ),
            _ => None,
        };
        rows::decisions(&self.conn, framework, reference.as_deref())
    }

    /// The decision that holds for each requirement (the latest one).
    pub fn applicability(&self, framework: Option<&str>) -> Result<Vec<ApplicabilityDecision>> {
        let mut latest: BTreeMap<(String, String), ApplicabilityDecision> = BTreeMap::new();
        for d in self.applicability_history(framework, None)? {
            latest.insert((d.framework_id.clone(), d.reference.clone()), d);
        }
        Ok(latest.into_values().collect())
    }

    /// Records one decision for every requirement the request names, in one
    /// transaction with one audit event.
    pub fn decide_applicability(
        &mut self,
        request: &ApplicabilityRequest,
    ) -> Result<Vec<ApplicabilityDecision>> {
        let fw = request.framework_id.as_str();
        self.framework(fw)?;
        let justification = request.justification.trim();
        if crate::forms::justification_missing(request.applicable, justification) {
            return Err(Error::Usage(format!(
                "{fw}: marking requirements not applicable needs a written justification (--justification)"
            )));
        }
        if request.refs.is_empty() {
            return Err(Error::Usage("name at least one requirement".into()));
        }
        let refs = self.expand_refs(fw, &request.refs)?;
        let now = timestamp(crate::now());
        let actor = self.actor().to_string();
        let tx = self.begin()?;
        let mut states = States::new();
        for r in &refs {
            let decision = ApplicabilityDecision {
                id: 0,
                framework_id: fw.into(),
                reference: r.clone(),
                applicable: request.applicable,
                justification: justification.into(),
                decided_by: actor.clone(),
                decided_at: now.clone(),
            };
            rows::insert_decision(&tx, &decision)?;
            let history = rows::decisions(&tx, Some(fw), Some(r))?;
            states.set(
                Subject::RequirementApplicability(fw.into(), r.clone()),
                State::Applicability(&history),
            );
        }
        let shown: String = if refs.len() > 6 {
            format!("{} and {} more", refs[..6].join(", "), refs.len() - 6)
        } else {
            refs.join(", ")
        };
        self.record_change(
            &tx,
            Mutation::ApplicabilityDecided,
            &Subject::Applicability(fw.into()),
            format!(
                "{fw} {shown} marked {}{}",
                if request.applicable { "applicable" } else { "not applicable" },
                if justification.is_empty() { String::new() } else { format!(": {justification}") }
            ),
            json!({"framework": fw, "refs": refs, "applicable": request.applicable, "justification": justification}),
            states,
        )?;
        tx.commit()?;
        let current = self.applicability(Some(fw))?;
        Ok(current
            .into_iter()
            .filter(|d| refs.contains(&d.reference))
            .collect())
    }

    /// Assessable requirements named by refs, groups (their assessable
    /// descendants) or `PREFIX*`, in catalog order, without repeats.
    fn expand_refs(&self, fw: &str, refs: &[String]) -> Result<Vec<String>> {
        let reqs = self.requirements(fw)?;
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for r in &reqs {
            if let Some(p) = &r.parent {
                children
                    .entry(p.as_str())
                    .or_default()
                    .push(r.reference.as_str());
            }
        }
        let assessable: HashMap<&str, bool> = reqs
            .iter()
            .map(|r| (r.reference.as_str(), r.assessable))
            .collect();
        let mut wanted = std::collections::HashSet::new();
        for given in refs {
            let given = given.trim();
            if let Some(prefix) = given.strip_suffix('*') {
                let hits: Vec<&str> = reqs
                    .iter()
                    .filter(|r| r.assessable && r.reference.starts_with(prefix))
                    .map(|r| r.reference.as_str())
                    .collect();
                if hits.is_empty() {
                    return Err(Error::NotFound(format!(
                        "no requirement of {fw} starts with `{prefix}`"
                    )));
                }
                wanted.extend(hits.into_iter().map(str::to_string));
                continue;
            }
            let Some(r) = self.resolve_ref(fw, given) else {
                return Err(Error::NotFound(format!(
                    "`{given}` is not a requirement of {fw}"
                )));
            };
            let mut stack = vec![r];
            while let Some(x) = stack.pop() {
                if assessable.get(x.as_str()).copied().unwrap_or(false) {
                    wanted.insert(x.clone());
                }
                if let Some(kids) = children.get(x.as_str()) {
                    stack.extend(kids.iter().map(|k| k.to_string()));
                }
            }
        }
        if wanted.is_empty() {
            return Err(Error::Usage(format!(
                "{} names no assessable requirement of {fw}",
                refs.join(", ")
            )));
        }
        Ok(reqs
            .iter()
            .filter(|r| wanted.contains(&r.reference))
            .map(|r| r.reference.clone())
            .collect())
    }

    /// Coverage options of a view: the workspace's decisions, then (for an
    /// assessment) its period, type and its own overrides on top.
    pub fn scope_options(&self, assessment: Option<&Assessment>) -> Result<Options> {
        let mut options = Options::default();
        for d in self.applicability(None)? {
            options.decisions.insert(
                (d.framework_id.clone(), d.reference.clone()),
                Decision {
                    applicable: d.applicable,
                    justification: d.justification,
                    decided_by: d.decided_by,
                    decided_at: d.decided_at,
                    source: "workspace".into(),
                },
            );
        }
        if let Some(a) = assessment {
            options.period = Some((a.period_start, a.period_end));
            options.kind = a.kind;
            for x in &a.applicability {
                options.decisions.insert(
                    (x.framework_id.clone(), x.reference.clone()),
                    Decision {
                        applicable: x.applicable,
                        justification: x.justification.clone(),
                        decided_by: String::new(),
                        decided_at: a.updated_at.clone(),
                        source: format!("assessment #{}", a.id),
                    },
                );
            }
        }
        options.not_applicable = options
            .decisions
            .iter()
            .filter(|(_, d)| !d.applicable)
            .map(|(k, d)| (k.clone(), d.justification.clone()))
            .collect();
        Ok(options)
    }

    /// The SoA's document-control fields (empty when nobody set them).
    pub fn soa_document(&self, framework: &str) -> Result<SoaDocument> {
        self.framework(framework)?;
        Ok(
            rows::soa_document(&self.conn, framework)?.unwrap_or_else(|| SoaDocument {
                framework_id: framework.into(),
                ..Default::default()
            }),
        )
    }

    /// Every SoA document that has been set (for verify).
    pub(crate) fn soa_documents(&self) -> Result<Vec<SoaDocument>> {
        let ids = rows::soa_frameworks(&self.conn)?;
        ids.iter().map(|f| self.soa_document(f)).collect()
    }

    /// Sets the SoA's document-control fields that `input` gives (one
    /// transaction, one audit event with before and after) and returns the
    /// result. [`Error::NotFound`] for an unknown framework, [`Error::Usage`]
    /// for an approval date in the future.
    pub fn set_soa_document(&mut self, framework: &str, input: &SoaInput) -> Result<SoaDocument> {
        let old = self.soa_document(framework)?;
        if let Some(d) = input.approved_on {
            crate::forms::approval_date(d, self.today()).map_err(Error::Usage)?;
        }
        let pick = |new: &Option<String>, old: &str| {
            new.as_deref().map(str::trim).unwrap_or(old).to_string()
        };
        let version = pick(&input.version, &old.version);
        let owner = pick(&input.owner, &old.owner);
        let approved_by = pick(&input.approved_by, &old.approved_by);
        let approved_on = input.approved_on.or(old.approved_on);
        let now = timestamp(crate::now());
        let tx = self.begin()?;
        let new = SoaDocument {
            framework_id: framework.into(),
            version,
            owner,
            approved_by,
            approved_on,
            updated_at: Some(now),
        };
        rows::save_soa_document(&tx, &new)?;
        self.record_change(
            &tx,
            Mutation::SoaEdited,
            &Subject::Soa(framework.into()),
            format!(
                "Statement of Applicability ({framework}) set: version {}, owner {}, approved by {} on {}",
                or_unset(&new.version),
                or_unset(&new.owner),
                or_unset(&new.approved_by),
                new.approved_on.map(|d| d.to_string()).unwrap_or_else(|| "(not set)".into())
            ),
            json!({"before": old, "after": new}),
            States::of(Subject::Soa(framework.into()), State::Soa(&new)),
        )?;
        tx.commit()?;
        Ok(new)
    }
}

fn or_unset(s: &str) -> &str {
    if s.is_empty() {
        "(not set)"
    } else {
        s
    }
}

/// What `verify` compares with the audit trail: each requirement's decision
/// history and each SoA document.
pub(crate) fn verify_states(ws: &Workspace) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut groups: BTreeMap<(String, String), Vec<ApplicabilityDecision>> = BTreeMap::new();
    for d in rows::decisions(&ws.conn, None, None)? {
        groups
            .entry((d.framework_id.clone(), d.reference.clone()))
            .or_default()
            .push(d);
    }
    for ((f, r), rows) in groups {
        out.push((
            Subject::RequirementApplicability(f, r).to_string(),
            State::Applicability(&rows).digest(),
        ));
    }
    for d in ws.soa_documents()? {
        out.push((
            Subject::Soa(d.framework_id.clone()).to_string(),
            State::Soa(&d).digest(),
        ));
    }
    Ok(out)
}
