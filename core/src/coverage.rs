//! Coverage: derived from data, never stored by hand.
//!
//! A requirement is
//! - **covered** when an implemented control maps to it fully and its evidence
//!   holds under the rule of the view (below);
//! - **partial** when a control with evidence maps to it only in part, is
//!   itself only partly implemented, or (Type II) missed some windows;
//! - **stale** when the controls that would cover it have evidence, but all of it expired;
//! - (a gap that a covered requirement of another framework is linked to shows
//!   that as *related coverage*, filled in by `related.rs`; it stays a gap);
//! - **not applicable** when the workspace (or an assessment, which overrides
//!   it) decided so, with a justification;
//! - a **gap** otherwise.
//!
//! Which evidence holds depends on the view:
//! - **No period** (Dashboard, Frameworks, `coverage` without an assessment):
//!   evidence holds when it is valid today (collected on or before today, not
//!   past its valid-until date).
//! - **Type I, or a period of unstated type** (design at a point in time): the
//!   reference day is the end of the period, or today if sooner. Evidence holds
//!   when it is valid on that day, wherever in time it was collected: a policy
//!   approved before the period and still in force shows the design in place.
//! - **Type II** (operation throughout the period): a control's `review_every`
//!   cadence splits the period into windows from its first day (cadences of
//!   whole months, such as 90d or 6m, give calendar months: quarters, halves;
//!   others give runs of that many days; a last window shorter than half the
//!   cadence joins the one before; no cadence gives one window, the period).
//!   Each window needs an occurrence: evidence whose evidence date falls in it.
//!   Evidence collected before the period counts for the first window only,
//!   and only when it is still valid on the period's first day: it shows the
//!   control operating as the period began, but cannot stand for later
//!   windows, when the control had to run again. Windows that start after
//!   today are not yet due and are not counted as missed. A control that missed
//!   a window cannot cover a requirement; the reason names each missed window.
//!
//! Every status comes with a `reason` sentence written here, so each view
//! shows the same explanation.
use crate::model::*;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The view coverage is computed for: the day, the audit period and its type, and the applicability decisions that apply.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Today, for expiry.
    pub as_of: Option<NaiveDate>,
    /// Audit period, inclusive.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// (framework, ref) → justification, for requirements scoped out.
    pub not_applicable: HashMap<(String, String), String>,
    /// Type I or Type II; None for views without a period, or a period whose
    /// type nobody stated (point-in-time rules apply, and the rule says so).
    pub kind: Option<AssessmentType>,
    /// Every applicability decision that applies, shown beside the status.
    pub decisions: HashMap<(String, String), Decision>,
}

/// One applicability decision as a view shows it: what, why, who, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Decision {
    /// false: the requirement is out of scope (status not applicable).
    pub applicable: bool,
    /// The reason as written; never empty when not applicable.
    pub justification: String,
    /// Who decided (the actor at the time).
    pub decided_by: String,
    /// When, RFC 3339 UTC to the second.
    pub decided_at: String,
    /// `workspace`, or `assessment #N` for an assessment's own override.
    pub source: String,
}

/// One window of a Type II period for one control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "ReviewWindow")]
pub struct Window {
    /// Its first day (inclusive).
    pub start: NaiveDate,
    /// Its last day (inclusive).
    pub end: NaiveDate,
    /// Occurrences whose evidence date falls in it (or carried in, for the first).
    pub evidence: Vec<i64>,
    /// False while the window has not started yet.
    pub due: bool,
}

impl Window {
    /// A due window with no occurrence in it: the control did not operate then.
    pub fn missed(&self) -> bool {
        self.due && self.evidence.is_empty()
    }
}

/// Splits `period` into the windows of a cadence of `days` (see the module docs).
pub fn windows(period: (NaiveDate, NaiveDate), days: Option<u32>) -> Vec<(NaiveDate, NaiveDate)> {
    let (start, end) = period;
    let Some(days) = days.filter(|d| *d > 0) else {
        return vec![(start, end)];
    };
    let months = (days as f64 / 30.44).round() as u32;
    let by_months = months >= 1 && (days as f64 - months as f64 * 30.44).abs() <= 3.0;
    let step = |from: NaiveDate, k: u32| -> Option<NaiveDate> {
        if by_months {
            start.checked_add_months(chrono::Months::new(months * k))
        } else {
            let _ = from;
            start.checked_add_signed(chrono::Duration::days(days as i64 * k as i64))
        }
    };
    let mut out = Vec::new();
    let mut k = 0;
    while let Some(ws) = step(start, k) {
        if ws > end {
            break;
        }
        let we = step(start, k + 1)
            .and_then(|n| n.pred_opt())
            .map_or(end, |n| n.min(end));
        out.push((ws, we));
        k += 1;
    }
    // A short tail would demand an occurrence within a few days of the last one.
    if out.len() > 1 {
        let (ls, le) = out[out.len() - 1];
        if ((le - ls).num_days() + 1) * 2 < days as i64 {
            out.pop();
            let n = out.len() - 1;
            out[n].1 = le;
        }
    }
    out
}

impl Options {
    fn reference_day(&self, today: NaiveDate) -> NaiveDate {
        match self.period {
            Some((_, end)) => end.min(today),
            None => today,
        }
    }
}

/// How many requirements have each status. In JSON it also carries
/// `in_scope` and `gaps` (see [`Status::is_gap`]), so no reader adds the
/// statuses up by a rule of its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(into = "CountsJson")]
#[ts(as = "CountsJson")]
pub struct Counts {
    /// Requirements covered.
    pub covered: usize,
    /// Requirements partially covered.
    pub partial: usize,
    /// Requirements whose evidence has all expired.
    pub stale: usize,
    /// Requirements not addressed.
    pub gap: usize,
    /// Requirements out of scope.
    pub not_applicable: usize,
}

impl Counts {
    /// Counts one more requirement of `status`.
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Covered => self.covered += 1,
            Status::Partial => self.partial += 1,
            Status::Stale => self.stale += 1,
            Status::Gap => self.gap += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }
    /// How many have `status`.
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Covered => self.covered,
            Status::Partial => self.partial,
            Status::Stale => self.stale,
            Status::Gap => self.gap,
            Status::NotApplicable => self.not_applicable,
        }
    }
    /// All requirements counted, whatever their status.
    pub fn total(&self) -> usize {
        Status::ALL.iter().map(|s| self.get(*s)).sum()
    }
    /// Requirements in scope: all but the not-applicable ones.
    pub fn in_scope(&self) -> usize {
        self.total() - self.not_applicable
    }
    /// Requirements that count as gaps (partial, stale or gap).
    pub fn gaps(&self) -> usize {
        Status::ALL
            .iter()
            .filter(|s| s.is_gap())
            .map(|s| self.get(*s))
            .sum()
    }
}

/// [`Counts`] as written to JSON: the five statuses and the two figures
/// derived from them.
#[derive(Serialize, ts_rs::TS)]
#[ts(rename = "Counts")]
struct CountsJson {
    covered: usize,
    partial: usize,
    stale: usize,
    gap: usize,
    not_applicable: usize,
    in_scope: usize,
    gaps: usize,
}

impl From<Counts> for CountsJson {
    fn from(c: Counts) -> Self {
        CountsJson {
            covered: c.covered,
            partial: c.partial,
            stale: c.stale,
            gap: c.gap,
            not_applicable: c.not_applicable,
            in_scope: c.in_scope(),
            gaps: c.gaps(),
        }
    }
}

/// A control behind a requirement, with what its evidence says.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ControlCoverage {
    /// Id of the control (`ENC-01`).
    pub id: String,
    /// The control's short name.
    pub title: String,
    /// Who answers for it; empty when not given.
    pub owner: String,
    /// How far it is implemented.
    pub status: ControlStatus,
    /// Whether its mapping claims all of the requirement or part.
    pub mapping: MappingCoverage,
    /// The mapping's rationale; None when none was given.
    pub rationale: Option<String>,
    /// Evidence that counts now.
    pub current_evidence: Vec<i64>,
    /// Evidence inside the period that has expired.
    pub expired_evidence: Vec<i64>,
    /// Type II only: the windows of the period and the occurrences in each.
    pub windows: Vec<Window>,
}

/// One requirement of a framework with its status, the reason, and what it rests on.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RequirementCoverage {
    /// The requirement's ref (serialized as `ref`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// Ref of the enclosing requirement; None at the top of the tree.
    pub parent: Option<String>,
    /// One of the framework's levels.
    pub level: String,
    /// The requirement's short title, as its catalog gives it.
    pub title: String,
    /// Whether it takes mappings and a status (grouping entries do not).
    pub assessable: bool,
    /// None for grouping entries (not assessable). Set with
    /// [`RequirementCoverage::set_status`], which keeps `gap` in step.
    pub status: Option<Status>,
    /// Whether it counts as a gap ([`Status::is_gap`]): what the Dashboard
    /// lists and `coverage --gaps` keeps.
    pub gap: bool,
    /// Why the status is what it is, in a sentence.
    pub reason: String,
    /// The controls mapped to it, with their evidence.
    pub controls: Vec<ControlCoverage>,
    /// Requirements of other frameworks linked to this one (see `related.rs`).
    pub related: Vec<crate::related::Related>,
    /// For a gap: covered requirements of other frameworks it could reuse. Not coverage.
    pub related_coverage: Vec<crate::related::RelatedCoverage>,
    /// Why it is not applicable, when it is not; None otherwise.
    pub justification: Option<String>,
    /// The applicability decision behind it, if anyone made one.
    pub decision: Option<Decision>,
    /// For grouping entries: statuses of the assessable requirements below.
    pub rollup: Option<Counts>,
}

impl RequirementCoverage {
    /// Sets the status and whether it is a gap, together.
    pub fn set_status(&mut self, status: Option<Status>) {
        self.status = status;
        self.gap = status.is_some_and(Status::is_gap);
    }

    /// Owners of the controls behind it, each once, in order; none unnamed.
    pub fn owners(&self) -> std::collections::BTreeSet<&str> {
        self.controls
            .iter()
            .map(|c| c.owner.as_str())
            .filter(|o| !o.is_empty())
            .collect()
    }
}

/// The coverage of one framework: its counts and every requirement, in catalog order.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FrameworkCoverage {
    /// The framework the figures are for.
    pub framework: Framework,
    /// Assessable requirements per status.
    pub counts: Counts,
    /// How many requirements are assessable.
    pub assessable: usize,
    /// Covered directly, as a share of the requirements in scope (0–100).
    pub percent_covered: f64,
    /// How many of its requirements have related coverage from other frameworks.
    pub related_coverage: usize,
    /// Every requirement, grouping entries included, in catalog order.
    pub requirements: Vec<RequirementCoverage>,
    /// Which evidence rule applied, in a sentence (see the module docs).
    pub rule: String,
}

/// Everything coverage is computed from.
pub struct Inputs<'a> {
    /// The frameworks to compute coverage for.
    pub frameworks: &'a [Framework],
    /// Requirements; those of other frameworks are ignored.
    pub requirements: &'a [Requirement],
    /// Every control, with its mappings.
    pub controls: &'a [Control],
    /// Every current (not withdrawn) evidence item.
    pub evidence: &'a [Evidence],
    /// Every crosswalk link, for related coverage.
    pub links: &'a [CrosswalkLink],
}

pub(crate) fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// Coverage of `inputs.frameworks` under `options`, as of `today` (unless
/// `options.as_of` says otherwise). Pure: the same inputs, the same result.
pub fn compute(inputs: &Inputs<'_>, options: &Options, today: NaiveDate) -> Vec<FrameworkCoverage> {
    let today = options.as_of.unwrap_or(today);
    let day = options.reference_day(today);
    let type2 = match (options.kind, options.period) {
        (Some(AssessmentType::Type2), Some(p)) => Some(p),
        _ => None,
    };
    let mut held = sort_evidence(inputs.evidence, day, type2.is_some());
    let mut control_windows: HashMap<&str, Vec<Window>> = HashMap::new();
    if let Some(period) = type2 {
        for c in inputs.controls {
            let ws = control_windows_of(c, &held.by_control, period, today);
            let counted: Vec<i64> = ws.iter().flat_map(|w| w.evidence.iter().copied()).collect();
            held.current.insert(c.id.as_str(), counted);
            control_windows.insert(c.id.as_str(), ws);
        }
    }
    let rule = rule_text(options, day);
    let behind = controls_behind(inputs.controls, &held, &control_windows);
    let direct = direct_statuses(inputs.requirements, &behind, options, type2.is_some());
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
            framework_coverage(f, &reqs, &behind, &direct, options, &rule)
        })
        .collect()
}

/// A requirement's key in the maps below: (framework, reference).
type Key<'a> = (&'a str, &'a str);

/// Evidence per control: what counts on the reference day, what expired,
/// and (for Type II windows) every item collected by then.
struct Held<'a> {
    current: HashMap<&'a str, Vec<i64>>,
    expired: HashMap<&'a str, Vec<i64>>,
    by_control: HashMap<&'a str, Vec<&'a Evidence>>,
}

/// Sorts evidence collected by `day` per control; under Type II only
/// `by_control` is filled, since the windows decide what counts.
fn sort_evidence(evidence: &[Evidence], day: NaiveDate, type2: bool) -> Held<'_> {
    let mut held = Held {
        current: HashMap::new(),
        expired: HashMap::new(),
        by_control: HashMap::new(),
    };
    for e in evidence {
        if e.collected_on > day {
            continue;
        }
        for c in &e.controls {
            held.by_control.entry(c.as_str()).or_default().push(e);
        }
        if type2 {
            continue;
        }
        let bucket = if e.is_valid_on(day) {
            &mut held.current
        } else {
            &mut held.expired
        };
        for c in &e.controls {
            bucket.entry(c.as_str()).or_default().push(e.id);
        }
    }
    held
}

/// Type II: a control's windows and the occurrences dated in each; the first
/// also takes evidence from before the period still valid on its first day.
fn control_windows_of(
    c: &Control,
    by_control: &HashMap<&str, Vec<&Evidence>>,
    period: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Vec<Window> {
    let list = by_control.get(c.id.as_str()).cloned().unwrap_or_default();
    let mut ws: Vec<Window> = windows(period, c.review_every_days)
        .into_iter()
        .map(|(start, end)| Window {
            start,
            end,
            evidence: list
                .iter()
                .filter(|e| e.collected_on >= start && e.collected_on <= end)
                .map(|e| e.id)
                .collect(),
            due: start <= today,
        })
        .collect();
    if let Some(first) = ws.first_mut() {
        first.evidence.extend(
            list.iter()
                .filter(|e| e.collected_on < period.0 && e.is_valid_on(period.0))
                .map(|e| e.id),
        );
        first.evidence.sort();
    }
    ws
}

/// The evidence rule of the view, in a sentence.
fn rule_text(options: &Options, day: NaiveDate) -> String {
    match (options.kind, options.period) {
        (_, None) => "No period: evidence counts when it is valid today.".to_string(),
        (Some(AssessmentType::Type2), Some((a, b))) => format!(
            "Type II, {a} to {b}: every review window of a control's cadence needs an occurrence dated inside it; evidence from before the period counts for the first window only, if still valid on {a}."
        ),
        (Some(AssessmentType::Type1), Some((_, _))) => format!(
            "Type I, as of {day}: evidence counts when it is valid on that day, wherever it was collected."
        ),
        (None, Some((_, _))) => format!(
            "Period of unstated type (neither Type I nor Type II): point-in-time rule as of {day}; evidence counts when it is valid on that day."
        ),
    }
}

/// The controls mapped to each requirement, with their evidence.
fn controls_behind<'a>(
    controls: &'a [Control],
    held: &Held<'_>,
    control_windows: &HashMap<&str, Vec<Window>>,
) -> HashMap<Key<'a>, Vec<ControlCoverage>> {
    let mut behind: HashMap<Key<'a>, Vec<ControlCoverage>> = HashMap::new();
    for c in controls {
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
                    current_evidence: held.current.get(c.id.as_str()).cloned().unwrap_or_default(),
                    expired_evidence: held.expired.get(c.id.as_str()).cloned().unwrap_or_default(),
                    windows: control_windows
                        .get(c.id.as_str())
                        .cloned()
                        .unwrap_or_default(),
                });
        }
    }
    behind
}

/// Direct status of every assessable requirement, all frameworks (crosswalks
/// need them all).
fn direct_statuses<'a>(
    requirements: &'a [Requirement],
    behind: &HashMap<Key<'_>, Vec<ControlCoverage>>,
    options: &Options,
    type2: bool,
) -> HashMap<Key<'a>, (Status, String)> {
    let mut direct = HashMap::new();
    for r in requirements.iter().filter(|r| r.assessable) {
        let key = (r.framework_id.as_str(), r.reference.as_str());
        let na = options
            .not_applicable
            .get(&(r.framework_id.clone(), r.reference.clone()));
        let verdict = match na {
            Some(why) => (Status::NotApplicable, format!("Not applicable: {why}")),
            None => direct_status(
                behind.get(&key).map(Vec::as_slice).unwrap_or(&[]),
                type2,
                options.period.is_some(),
            ),
        };
        direct.insert(key, verdict);
    }
    direct
}

/// One framework's rows, counts and share covered.
fn framework_coverage(
    f: &Framework,
    reqs: &[&Requirement],
    behind: &HashMap<Key<'_>, Vec<ControlCoverage>>,
    direct: &HashMap<Key<'_>, (Status, String)>,
    options: &Options,
    rule: &str,
) -> FrameworkCoverage {
    let mut counts = Counts::default();
    let mut rows: Vec<RequirementCoverage> = reqs
        .iter()
        .map(|r| {
            let key = (r.framework_id.as_str(), r.reference.as_str());
            let mut row =
                requirement_row(r, behind.get(&key).cloned().unwrap_or_default(), options);
            if !r.assessable {
                return row;
            }
            let (status, reason) = direct
                .get(&key)
                .cloned()
                .unwrap_or((Status::Gap, String::new()));
            counts.add(status);
            row.set_status(Some(status));
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
        related_coverage: 0,
        requirements: rows,
        rule: rule.to_string(),
    }
}

/// A requirement's row before its status is set.
fn requirement_row(
    r: &Requirement,
    controls: Vec<ControlCoverage>,
    options: &Options,
) -> RequirementCoverage {
    let key = (r.framework_id.clone(), r.reference.clone());
    RequirementCoverage {
        reference: r.reference.clone(),
        parent: r.parent.clone(),
        level: r.level.clone(),
        title: r.title.clone(),
        assessable: r.assessable,
        status: None,
        gap: false,
        reason: String::new(),
        controls,
        related: Vec::new(),
        related_coverage: Vec::new(),
        justification: options.not_applicable.get(&key).cloned(),
        decision: options.decisions.get(&key).cloned(),
        rollup: None,
    }
}

fn missed_text(c: &ControlCoverage) -> Option<String> {
    let missed: Vec<String> = c
        .windows
        .iter()
        .filter(|w| w.missed())
        .map(|w| format!("between {} and {}", w.start, w.end))
        .collect();
    (!missed.is_empty()).then(|| format!("{} has no occurrence {}", c.id, missed.join(", nor ")))
}

fn direct_status(controls: &[ControlCoverage], type2: bool, has_period: bool) -> (Status, String) {
    let active = |c: &&ControlCoverage| {
        matches!(
            c.status,
            ControlStatus::Implemented | ControlStatus::Partial
        )
    };
    let holds = |c: &ControlCoverage| {
        let missed = type2 && c.windows.iter().any(Window::missed);
        !c.current_evidence.is_empty() && !missed
    };
    if let Some(c) = controls.iter().find(|c| {
        c.status == ControlStatus::Implemented && c.mapping == MappingCoverage::Full && holds(c)
    }) {
        let why = if type2 {
            let n = c.windows.iter().filter(|w| w.due).count();
            format!(
                "{} is implemented, maps fully and has an occurrence in each of its {} review window{}",
                c.id,
                n,
                if n == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "{} is implemented, maps fully and has current evidence",
                c.id
            )
        };
        return (Status::Covered, why);
    }
    if let Some(c) = controls
        .iter()
        .filter(active)
        .find(|c| !c.current_evidence.is_empty())
    {
        if let Some(missed) = missed_text(c).filter(|_| type2) {
            return (Status::Partial, missed);
        }
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
        let why = if type2 {
            missed_text(c)
                .unwrap_or_else(|| format!("{} has no occurrence in the period yet", c.id))
        } else if has_period {
            format!("{} has no evidence valid on the reference day", c.id)
        } else {
            format!("{} has no current evidence", c.id)
        };
        return (Status::Gap, why);
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
pub(crate) fn rollup(rows: &mut [RequirementCoverage]) {
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

#[cfg(test)]
pub(crate) mod tests;
