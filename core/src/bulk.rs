//! Changing many controls at once: delete them, or set their owner, status
//! or category. A selection (ids and/or filters) names the controls; the plan
//! lists every control the change touches with its before and after, so the
//! app and `--dry-run` can show it first. Applying writes the whole plan in
//! one transaction with one audit event that lists every changed control:
//! either all of it is written or none.
use crate::audit::{Mutation, State, States, Subject};
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::controls::{load_controls, source_files, upsert_control};
use crate::workspace::{timestamp, Workspace};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// Which controls. Ids and filters combine (a control must pass all that are
/// given); a selection that names nothing is refused rather than read as
/// "everything" (`all` says that).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct Selection {
    /// Controls by id; each must exist.
    #[serde(default)]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub ids: Vec<String>,
    /// Every control (still narrowed by the filters).
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub all: bool,
    /// The example controls shipped with Crosswalk (AIOS and AMAS).
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub examples: bool,
    /// Only controls of this status.
    pub status: Option<ControlStatus>,
    /// Only controls of this category.
    pub category: Option<String>,
    /// Only controls of this owner.
    pub owner: Option<String>,
    /// Mapped to this framework.
    pub framework: Option<String>,
    /// Last imported from this YAML file (its path, or its file name).
    pub source_file: Option<String>,
}

/// What to do to the selected controls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    /// Deletes them. Evidence stays in the vault; with
    /// `withdraw_orphaned_evidence`, evidence that supported only these
    /// controls is withdrawn too (its files and history stay).
    Delete {
        /// Also withdraw evidence left supporting no control.
        #[serde(default)]
        withdraw_orphaned_evidence: bool,
    },
    /// Sets the given fields; fields left out stay as they are.
    Set {
        /// The new owner; None leaves it.
        owner: Option<String>,
        /// The new status; None leaves it.
        status: Option<ControlStatus>,
        /// The new category; None leaves it.
        category: Option<String>,
    },
}

/// One control the change touches.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PlannedControl {
    /// Id of the control the change touches.
    pub id: String,
    /// Its short name, for the preview.
    pub title: String,
    /// Its fields before the change.
    pub before: Fields,
    /// None when the control is deleted.
    pub after: Option<Fields>,
}

/// The fields a bulk change can set.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(rename = "BulkFields")]
pub struct Fields {
    /// Who answers for the control.
    pub owner: String,
    /// How far it is implemented.
    pub status: ControlStatus,
    /// Its free-text grouping (`encryption`).
    pub category: String,
}

/// What a bulk change does (or did).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BulkReport {
    /// True when nothing was written (a preview).
    pub dry_run: bool,
    /// The change asked for.
    pub change: Change,
    /// Controls that change, in id order.
    pub controls: Vec<PlannedControl>,
    /// Selected but already as asked.
    pub unchanged: Vec<String>,
    /// Evidence that loses a link to a deleted control.
    pub evidence_unlinked: Vec<i64>,
    /// Evidence withdrawn because it supported only deleted controls.
    pub evidence_withdrawn: Vec<i64>,
    /// The audit event written (None on a dry run or when nothing changed).
    pub event: Option<i64>,
}

fn fields(c: &Control) -> Fields {
    Fields {
        owner: c.owner.clone(),
        status: c.status,
        category: c.category.clone(),
    }
}

fn is_empty(s: &Selection) -> bool {
    s.ids.is_empty()
        && !s.all
        && !s.examples
        && s.status.is_none()
        && s.category.is_none()
        && s.owner.is_none()
        && s.framework.is_none()
        && s.source_file.is_none()
}

impl Workspace {
    /// The controls a selection names, in id order.
    pub fn select_controls(&self, sel: &Selection) -> Result<Vec<Control>> {
        if is_empty(sel) {
            return Err(Error::Usage(
                "say which controls: ids, a filter (status, category, owner, framework, source file), the examples, or all".into(),
            ));
        }
        let controls = self.controls()?;
        for id in &sel.ids {
            if !controls.iter().any(|c| &c.id == id) {
                self.control(id)?; // names the closest id
            }
        }
        if let Some(fw) = &sel.framework {
            self.framework(fw)?;
        }
        let examples: BTreeSet<String> = if sel.examples {
            crate::examples::example_control_ids()?
                .into_iter()
                .collect()
        } else {
            BTreeSet::new()
        };
        let sources: BTreeMap<String, Option<String>> =
            source_files(&self.conn)?.into_iter().collect();
        let wanted_source = sel.source_file.as_ref().map(|s| {
            let canonical = std::path::Path::new(s)
                .canonicalize()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| s.clone());
            (canonical, s.clone())
        });
        Ok(controls
            .into_iter()
            .filter(|c| sel.ids.is_empty() || sel.ids.contains(&c.id))
            .filter(|c| !sel.examples || examples.contains(&c.id))
            .filter(|c| sel.status.is_none_or(|s| c.status == s))
            .filter(|c| sel.category.as_ref().is_none_or(|x| &c.category == x))
            .filter(|c| sel.owner.as_ref().is_none_or(|x| &c.owner == x))
            .filter(|c| {
                sel.framework
                    .as_ref()
                    .is_none_or(|fw| c.mappings.iter().any(|m| &m.framework_id == fw))
            })
            .filter(|c| {
                wanted_source.as_ref().is_none_or(|(canonical, given)| {
                    sources
                        .get(&c.id)
                        .cloned()
                        .flatten()
                        .is_some_and(|f| &f == canonical || f.ends_with(&format!("/{given}")))
                })
            })
            .collect())
    }

    /// Works out, and unless `dry_run` applies, one change to many controls.
    pub fn bulk_controls(
        &mut self,
        sel: &Selection,
        change: &Change,
        dry_run: bool,
    ) -> Result<BulkReport> {
        let change = checked_change(change)?;
        let selected = self.select_controls(sel)?;
        let plan = plan_change(&selected, &change);
        let ids: Vec<String> = plan.planned.iter().map(|p| p.id.clone()).collect();
        let (unlinked, withdrawn) = match &change {
            Change::Delete {
                withdraw_orphaned_evidence,
            } => self.evidence_losing_links(&ids, *withdraw_orphaned_evidence)?,
            Change::Set { .. } => (Vec::new(), Vec::new()),
        };
        let mut report = BulkReport {
            dry_run,
            change: change.clone(),
            controls: plan.planned,
            unchanged: plan.unchanged,
            evidence_unlinked: unlinked,
            evidence_withdrawn: withdrawn,
            event: None,
        };
        if dry_run || report.controls.is_empty() {
            return Ok(report);
        }
        report.event = Some(self.apply_bulk(&report, &ids, &plan.updated)?);
        Ok(report)
    }

    /// Writes a planned bulk change and its one audit event, in one
    /// transaction; gives the event's number.
    fn apply_bulk(
        &mut self,
        report: &BulkReport,
        ids: &[String],
        updated: &[Control],
    ) -> Result<i64> {
        let now = timestamp(crate::now());
        let tx = self.begin()?;
        let mut states = States::new();
        let (action, verb) = match &report.change {
            Change::Delete { .. } => {
                states = crate::evidence::states_after_unlinking(&tx, ids)?;
                for id in &report.evidence_withdrawn {
                    crate::store::evidence::set_removed(&tx, *id, &now)?;
                    if let Some(e) = crate::store::evidence::load_one(&tx, *id)? {
                        states.set(Subject::Evidence(*id), State::Evidence(&e));
                    }
                }
                for id in ids {
                    states.deleted(Subject::Control(id.clone()));
                }
                (Mutation::ControlsBulkDeleted, "Deleted")
            }
            Change::Set { .. } => {
                for c in updated {
                    upsert_control(&tx, c, "", &now)?;
                }
                let stored = load_controls(&tx)?;
                for s in stored.iter().filter(|s| ids.contains(&s.id)) {
                    states.set(Subject::Control(s.id.clone()), State::Control(s));
                }
                (Mutation::ControlsBulkEdited, "Changed")
            }
        };
        let what = change_text(&report.change, report.evidence_withdrawn.len());
        let summary = format!("{verb} {} control(s) ({}){what}", ids.len(), ids.join(", "));
        let event = self.record_change(
            &tx,
            action,
            &Subject::Controls,
            summary,
            json!({
                "controls": report.controls,
                "evidence_unlinked": report.evidence_unlinked,
                "evidence_withdrawn": report.evidence_withdrawn,
            }),
            states,
        )?;
        tx.commit()?;
        Ok(event.seq)
    }

    /// Current evidence linked to any of `ids`, and of those, the evidence
    /// with no link to any other control (withdrawn when `withdraw`).
    fn evidence_losing_links(
        &self,
        ids: &[String],
        withdraw: bool,
    ) -> Result<(Vec<i64>, Vec<i64>)> {
        let gone: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        let mut unlinked = Vec::new();
        let mut orphaned = Vec::new();
        for e in self.evidence_list(None)? {
            if e.controls.iter().any(|c| gone.contains(c.as_str())) {
                unlinked.push(e.id);
                if withdraw && e.controls.iter().all(|c| gone.contains(c.as_str())) {
                    orphaned.push(e.id);
                }
            }
        }
        Ok((unlinked, orphaned))
    }
}

/// The change as it will be applied: a set must set something; its owner is
/// trimmed and its category must not be empty.
fn checked_change(change: &Change) -> Result<Change> {
    Ok(match change {
        Change::Set {
            owner,
            status,
            category,
        } => {
            if owner.is_none() && status.is_none() && category.is_none() {
                return Err(Error::Usage(
                    "say what to set: an owner, a status or a category".into(),
                ));
            }
            let category = match category {
                Some(c) => {
                    Some(crate::validate::non_empty(c, "the category").map_err(Error::Usage)?)
                }
                None => None,
            };
            Change::Set {
                owner: owner.as_ref().map(|o| o.trim().to_string()),
                status: *status,
                category,
            }
        }
        d => d.clone(),
    })
}

/// What a change does to each selected control.
struct Plan {
    planned: Vec<PlannedControl>,
    /// Controls a set leaves as they are.
    unchanged: Vec<String>,
    /// The controls a set changes, as they will be.
    updated: Vec<Control>,
}

/// Each selected control before and after the change; nothing written.
fn plan_change(selected: &[Control], change: &Change) -> Plan {
    let mut plan = Plan {
        planned: Vec::new(),
        unchanged: Vec::new(),
        updated: Vec::new(),
    };
    for c in selected {
        match change {
            Change::Delete { .. } => plan.planned.push(PlannedControl {
                id: c.id.clone(),
                title: c.title.clone(),
                before: fields(c),
                after: None,
            }),
            Change::Set {
                owner,
                status,
                category,
            } => {
                let mut n = c.clone();
                if let Some(o) = owner {
                    n.owner = o.clone();
                }
                if let Some(s) = status {
                    n.status = *s;
                }
                if let Some(x) = category {
                    n.category = x.clone();
                }
                if &n == c {
                    plan.unchanged.push(c.id.clone());
                } else {
                    plan.planned.push(PlannedControl {
                        id: c.id.clone(),
                        title: c.title.clone(),
                        before: fields(c),
                        after: Some(fields(&n)),
                    });
                    plan.updated.push(n);
                }
            }
        }
    }
    plan
}

/// The end of the event's summary: what a set set, or what a delete withdrew.
fn change_text(change: &Change, withdrawn: usize) -> String {
    match change {
        Change::Set {
            owner,
            status,
            category,
        } => {
            let mut parts = Vec::new();
            if let Some(o) = owner {
                parts.push(format!("owner to \"{o}\""));
            }
            if let Some(s) = status {
                parts.push(format!("status to {s}"));
            }
            if let Some(c) = category {
                parts.push(format!("category to \"{c}\""));
            }
            format!(": set {}", parts.join(", "))
        }
        Change::Delete { .. } if withdrawn > 0 => {
            format!("; withdrew {withdrawn} evidence item(s) that supported only them")
        }
        Change::Delete { .. } => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control(id: &str, owner: &str) -> Control {
        Control {
            id: id.into(),
            title: id.into(),
            description: String::new(),
            category: "general".into(),
            owner: owner.into(),
            status: ControlStatus::Planned,
            review_every_days: None,
            mappings: Vec::new(),
        }
    }

    fn set(owner: Option<&str>, status: Option<ControlStatus>, category: Option<&str>) -> Change {
        Change::Set {
            owner: owner.map(str::to_string),
            status,
            category: category.map(str::to_string),
        }
    }

    #[test]
    fn a_set_must_set_something_and_its_owner_is_trimmed() {
        assert!(matches!(
            checked_change(&set(None, None, None)),
            Err(Error::Usage(_))
        ));
        assert!(matches!(
            checked_change(&set(None, None, Some("  "))),
            Err(Error::Usage(_))
        ));
        assert_eq!(
            checked_change(&set(Some(" Ops "), None, None)).unwrap(),
            set(Some("Ops"), None, None)
        );
    }

    #[test]
    fn a_plan_lists_what_changes_and_leaves_the_rest_unchanged() {
        let selected = [control("A", "Ops"), control("B", "Dev")];
        let plan = plan_change(&selected, &set(Some("Ops"), None, None));
        assert_eq!(plan.unchanged, ["A"]);
        assert_eq!(plan.planned.len(), 1);
        assert_eq!(plan.planned[0].id, "B");
        assert_eq!(plan.planned[0].before.owner, "Dev");
        assert_eq!(plan.planned[0].after.as_ref().unwrap().owner, "Ops");
        assert_eq!(plan.updated[0].owner, "Ops");
        let delete = Change::Delete {
            withdraw_orphaned_evidence: false,
        };
        let plan = plan_change(&selected, &delete);
        assert_eq!(plan.planned.len(), 2);
        assert!(plan.planned.iter().all(|p| p.after.is_none()));
        assert!(plan.updated.is_empty() && plan.unchanged.is_empty());
    }

    #[test]
    fn the_summary_says_what_was_set_or_withdrawn() {
        assert_eq!(
            change_text(
                &set(Some("Ops"), Some(ControlStatus::Implemented), Some("net")),
                0
            ),
            ": set owner to \"Ops\", status to implemented, category to \"net\""
        );
        let delete = Change::Delete {
            withdraw_orphaned_evidence: true,
        };
        assert_eq!(change_text(&delete, 0), "");
        assert_eq!(
            change_text(&delete, 2),
            "; withdrew 2 evidence item(s) that supported only them"
        );
    }
}
