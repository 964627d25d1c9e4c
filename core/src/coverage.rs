//! Coverage: derived from data, never stored by hand.
//!
//! A requirement is
//! - **covered** when an implemented control maps to it fully and has current evidence;
//! - **partial** when a control with current evidence maps to it only in part,
//!   or is itself only partly implemented;
//! - **stale** when the controls that would cover it have evidence, but all of it expired;
//! - **covered via crosswalk** when nothing of its own covers it, but a requirement of
//!   another framework that is `equal` to it or a `superset_of` it is covered directly
//!   (a suggestion, never counted as covered);
//! - **not applicable** when the assessment says so, with a justification;
//! - a **gap** otherwise.
//!
//! Evidence counts when it was collected inside the period (if any) and is
//! still valid on the reference day: the end of the period, or today if sooner.
use crate::model::*;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Today, for expiry.
    pub as_of: Option<NaiveDate>,
    /// Audit period, inclusive.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// (framework, ref) → justification, for requirements scoped out.
    pub not_applicable: HashMap<(String, String), String>,
}

impl Options {
    fn reference_day(&self, today: NaiveDate) -> NaiveDate {
        match self.period {
            Some((_, end)) => end.min(today),
            None => today,
        }
    }
    fn in_period(&self, day: NaiveDate) -> bool {
        self.period
            .is_none_or(|(start, end)| day >= start && day <= end)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub covered: usize,
    pub covered_via_crosswalk: usize,
    pub partial: usize,
    pub stale: usize,
    pub gap: usize,
    pub not_applicable: usize,
}

impl Counts {
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Covered => self.covered += 1,
            Status::CoveredViaCrosswalk => self.covered_via_crosswalk += 1,
            Status::Partial => self.partial += 1,
            Status::Stale => self.stale += 1,
            Status::Gap => self.gap += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Covered => self.covered,
            Status::CoveredViaCrosswalk => self.covered_via_crosswalk,
            Status::Partial => self.partial,
            Status::Stale => self.stale,
            Status::Gap => self.gap,
            Status::NotApplicable => self.not_applicable,
        }
    }
    pub fn total(&self) -> usize {
        Status::ALL.iter().map(|s| self.get(*s)).sum()
    }
    /// Requirements in scope: all but the not-applicable ones.
    pub fn in_scope(&self) -> usize {
        self.total() - self.not_applicable
    }
}

/// A control behind a requirement, with what its evidence says.
#[derive(Debug, Clone, Serialize)]
pub struct ControlCoverage {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub status: ControlStatus,
    pub mapping: MappingCoverage,
    pub rationale: Option<String>,
    /// Evidence that counts now.
    pub current_evidence: Vec<i64>,
    /// Evidence inside the period that has expired.
    pub expired_evidence: Vec<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ViaCrosswalk {
    pub framework_id: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub relationship: Relationship,
    pub basis: LinkBasis,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequirementCoverage {
    #[serde(rename = "ref")]
    pub reference: String,
    pub parent: Option<String>,
    pub level: String,
    pub title: String,
    pub assessable: bool,
    /// None for grouping entries (not assessable).
    pub status: Option<Status>,
    /// Why the status is what it is, in a sentence.
    pub reason: String,
    pub controls: Vec<ControlCoverage>,
    pub via_crosswalk: Vec<ViaCrosswalk>,
    pub justification: Option<String>,
    /// For grouping entries: statuses of the assessable requirements below.
    pub rollup: Option<Counts>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrameworkCoverage {
    pub framework: Framework,
    pub counts: Counts,
    pub assessable: usize,
    /// Covered directly, as a share of the requirements in scope (0–100).
    pub percent_covered: f64,
    /// Covered directly or via crosswalk (0–100).
    pub percent_with_crosswalk: f64,
    pub requirements: Vec<RequirementCoverage>,
}

/// Everything coverage is computed from.
pub struct Inputs<'a> {
    pub frameworks: &'a [Framework],
    pub requirements: &'a [Requirement],
    pub controls: &'a [Control],
    pub evidence: &'a [Evidence],
    pub links: &'a [CrosswalkLink],
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

pub fn compute(inputs: &Inputs<'_>, options: &Options, today: NaiveDate) -> Vec<FrameworkCoverage> {
    let day = options.reference_day(options.as_of.unwrap_or(today));
    // Evidence per control, split into what counts and what expired.
    let mut current: HashMap<&str, Vec<i64>> = HashMap::new();
    let mut expired: HashMap<&str, Vec<i64>> = HashMap::new();
    for e in inputs.evidence {
        if !options.in_period(e.collected_on) || e.collected_on > day {
            continue;
        }
        let bucket = if e.is_valid_on(day) {
            &mut current
        } else {
            &mut expired
        };
        for c in &e.controls {
            bucket.entry(c.as_str()).or_default().push(e.id);
        }
    }
    // Controls behind each requirement.
    let mut behind: HashMap<(&str, &str), Vec<ControlCoverage>> = HashMap::new();
    for c in inputs.controls {
        for m in &c.mappings {
            behind
                .entry((m.framework_id.as_str(), m.reference.as_str()))
                .or_default()
                .push(ControlCoverage {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    owner: c.owner.clone(),
                    status: c.status,
                    mapping: m.coverage,
                    rationale: m.rationale.clone(),
                    current_evidence: current.get(c.id.as_str()).cloned().unwrap_or_default(),
                    expired_evidence: expired.get(c.id.as_str()).cloned().unwrap_or_default(),
                });
        }
    }
    // Direct status of every assessable requirement, all frameworks (crosswalks need them all).
    let mut direct: HashMap<(&str, &str), (Status, String)> = HashMap::new();
    for r in inputs.requirements.iter().filter(|r| r.assessable) {
        let key = (r.framework_id.as_str(), r.reference.as_str());
        let na = options
            .not_applicable
            .get(&(r.framework_id.clone(), r.reference.clone()));
        let verdict = match na {
            Some(why) => (Status::NotApplicable, format!("Not applicable: {why}")),
            None => direct_status(behind.get(&key).map(Vec::as_slice).unwrap_or(&[])),
        };
        direct.insert(key, verdict);
    }
    // Crosswalk suggestions: X covers R when X is equal to R or a superset of it.
    let mut supersets: HashMap<(&str, &str), Vec<(&CrosswalkLink, bool)>> = HashMap::new();
    for l in inputs.links {
        // Read "from REL to"; store at each end the links where the other end contains it.
        if matches!(l.relationship, Relationship::Equal | Relationship::SubsetOf) {
            supersets
                .entry((l.from_framework.as_str(), l.from_ref.as_str()))
                .or_default()
                .push((l, true));
        }
        if matches!(
            l.relationship,
            Relationship::Equal | Relationship::SupersetOf
        ) {
            supersets
                .entry((l.to_framework.as_str(), l.to_ref.as_str()))
                .or_default()
                .push((l, false));
        }
    }
    let wanted: HashSet<&str> = inputs.frameworks.iter().map(|f| f.id.as_str()).collect();
    let mut by_framework: BTreeMap<&str, Vec<&Requirement>> = BTreeMap::new();
    for r in inputs
        .requirements
        .iter()
        .filter(|r| wanted.contains(r.framework_id.as_str()))
    {
        by_framework
            .entry(r.framework_id.as_str())
            .or_default()
            .push(r);
    }
    inputs
        .frameworks
        .iter()
        .map(|f| {
            let reqs = by_framework.get(f.id.as_str()).cloned().unwrap_or_default();
            let mut counts = Counts::default();
            let mut rows: Vec<RequirementCoverage> = reqs
                .iter()
                .map(|r| {
                    let key = (r.framework_id.as_str(), r.reference.as_str());
                    let controls = behind.get(&key).cloned().unwrap_or_default();
                    let mut row = RequirementCoverage {
                        reference: r.reference.clone(),
                        parent: r.parent.clone(),
                        level: r.level.clone(),
                        title: r.title.clone(),
                        assessable: r.assessable,
                        status: None,
                        reason: String::new(),
                        controls,
                        via_crosswalk: Vec::new(),
                        justification: options
                            .not_applicable
                            .get(&(r.framework_id.clone(), r.reference.clone()))
                            .cloned(),
                        rollup: None,
                    };
                    if !r.assessable {
                        return row;
                    }
                    let (mut status, mut reason) = direct
                        .get(&key)
                        .cloned()
                        .unwrap_or((Status::Gap, String::new()));
                    let via: Vec<ViaCrosswalk> = supersets
                        .get(&key)
                        .into_iter()
                        .flatten()
                        .filter_map(|(l, from_side)| {
                            let (fw, rf) = if *from_side {
                                (&l.to_framework, &l.to_ref)
                            } else {
                                (&l.from_framework, &l.from_ref)
                            };
                            let covered = matches!(
                                direct.get(&(fw.as_str(), rf.as_str())),
                                Some((Status::Covered, _))
                            );
                            covered.then(|| ViaCrosswalk {
                                framework_id: fw.clone(),
                                reference: rf.clone(),
                                relationship: if *from_side {
                                    l.relationship.inverse()
                                } else {
                                    l.relationship
                                },
                                basis: l.basis,
                                source: l.source.clone(),
                            })
                        })
                        .collect();
                    if status == Status::Gap && !via.is_empty() {
                        status = Status::CoveredViaCrosswalk;
                        let names: Vec<String> = via
                            .iter()
                            .map(|v| format!("{} {}", v.framework_id, v.reference))
                            .collect();
                        reason = format!(
                            "No control of its own; suggested by crosswalk from covered {}",
                            names.join(", ")
                        );
                    }
                    row.via_crosswalk = via;
                    counts.add(status);
                    row.status = Some(status);
                    row.reason = reason;
                    row
                })
                .collect();
            rollup(&mut rows);
            let assessable = counts.total();
            FrameworkCoverage {
                framework: f.clone(),
                counts,
                assessable,
                percent_covered: percent(counts.covered, counts.in_scope()),
                percent_with_crosswalk: percent(
                    counts.covered + counts.covered_via_crosswalk,
                    counts.in_scope(),
                ),
                requirements: rows,
            }
        })
        .collect()
}

fn direct_status(controls: &[ControlCoverage]) -> (Status, String) {
    let active = |c: &&ControlCoverage| {
        matches!(
            c.status,
            ControlStatus::Implemented | ControlStatus::Partial
        )
    };
    if let Some(c) = controls.iter().find(|c| {
        c.status == ControlStatus::Implemented
            && c.mapping == MappingCoverage::Full
            && !c.current_evidence.is_empty()
    }) {
        return (
            Status::Covered,
            format!(
                "{} is implemented, maps fully and has current evidence",
                c.id
            ),
        );
    }
    if let Some(c) = controls
        .iter()
        .filter(active)
        .find(|c| !c.current_evidence.is_empty())
    {
        let why = if c.status == ControlStatus::Partial {
            "is only partly implemented"
        } else {
            "covers it only in part"
        };
        return (Status::Partial, format!("{} {why}", c.id));
    }
    if let Some(c) = controls
        .iter()
        .filter(active)
        .find(|c| !c.expired_evidence.is_empty())
    {
        return (
            Status::Stale,
            format!("the evidence of {} has expired", c.id),
        );
    }
    if let Some(c) = controls.iter().find(active) {
        return (
            Status::Gap,
            format!("{} has no evidence in the period", c.id),
        );
    }
    if let Some(c) = controls.first() {
        return (
            Status::Gap,
            format!("{} is {}", c.id, c.status.as_str().replace('_', " ")),
        );
    }
    (Status::Gap, "no control maps to it".into())
}

/// Fills `rollup` of grouping entries with the statuses below them.
fn rollup(rows: &mut [RequirementCoverage]) {
    let index: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.reference.clone(), i))
        .collect();
    let mut sums: Vec<Counts> = vec![Counts::default(); rows.len()];
    // Children come after parents in catalog order, so walking backwards sums bottom-up.
    for i in (0..rows.len()).rev() {
        let own = rows[i].status;
        let mut total = sums[i];
        if let Some(s) = own {
            total.add(s);
        }
        if let Some(p) = rows[i].parent.as_ref().and_then(|p| index.get(p)) {
            let parent = &mut sums[*p];
            for s in Status::ALL {
                for _ in 0..total.get(*s) {
                    parent.add(*s);
                }
            }
        }
        if !rows[i].assessable {
            rows[i].rollup = Some(sums[i]);
        }
    }
}
