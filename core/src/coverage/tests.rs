//! The coverage rule, case by case: every status, the reference day of each
//! view, Type II windows, carried-in and stale evidence, rollups. Fixtures are
//! shared with the evidence tests.
use super::*;

pub(crate) fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn framework() -> Framework {
    Framework {
        id: "f".into(),
        name: "Framework".into(),
        short_name: "F".into(),
        version: "1".into(),
        publisher: "P".into(),
        published: None,
        source: String::new(),
        text_rights: String::new(),
        levels: vec!["clause".into(), "control".into()],
    }
}

fn requirement(reference: &str, parent: Option<&str>, assessable: bool) -> Requirement {
    Requirement {
        framework_id: "f".into(),
        reference: reference.into(),
        parent: parent.map(str::to_string),
        level: "control".into(),
        title: format!("Requirement {reference}"),
        summary: String::new(),
        assessable,
        designation: None,
        theme: None,
        own_title: false,
    }
}

fn control(id: &str, status: ControlStatus, map: MappingCoverage, every: Option<u32>) -> Control {
    Control {
        id: id.into(),
        title: id.into(),
        description: String::new(),
        category: "general".into(),
        owner: "Owner".into(),
        status,
        review_every_days: every,
        mappings: vec![Mapping {
            framework_id: "f".into(),
            reference: "1".into(),
            coverage: map,
            rationale: None,
        }],
    }
}

/// A note supporting `control`, collected and valid as given.
pub(crate) fn evidence(id: i64, control: &str, collected: &str, until: Option<&str>) -> Evidence {
    Evidence {
        id,
        kind: EvidenceKind::Note,
        title: format!("E{id}"),
        description: String::new(),
        url: None,
        note: Some("n".into()),
        collected_by: "me".into(),
        collected_on: day(collected),
        valid_until: until.map(day),
        controls: vec![control.into()],
        revisions: Vec::new(),
        added_at: String::new(),
        removed_at: None,
        series_id: None,
    }
}

/// Coverage of framework `f` with these requirements, as of `today`.
fn coverage_of(
    requirements: &[Requirement],
    controls: &[Control],
    evidence: &[Evidence],
    options: &Options,
    today: &str,
) -> FrameworkCoverage {
    let inputs = Inputs {
        frameworks: &[framework()],
        requirements,
        controls,
        evidence,
        links: &[],
    };
    compute(&inputs, options, day(today)).remove(0)
}

/// Coverage of requirement `1` of framework `f`, as of `today`.
fn status_of(
    controls: &[Control],
    evidence: &[Evidence],
    options: &Options,
    today: &str,
) -> RequirementCoverage {
    let requirements = [requirement("1", None, true)];
    coverage_of(&requirements, controls, evidence, options, today)
        .requirements
        .remove(0)
}

const IMPL: ControlStatus = ControlStatus::Implemented;
const FULL: MappingCoverage = MappingCoverage::Full;

#[test]
fn without_a_control_a_requirement_is_a_gap() {
    let r = status_of(&[], &[], &Options::default(), "2026-06-01");
    assert_eq!(r.status, Some(Status::Gap));
    assert_eq!(r.reason, "no control maps to it");
}

#[test]
fn an_implemented_full_control_with_current_evidence_covers() {
    let c = [control("C", IMPL, FULL, None)];
    let e = [evidence(1, "C", "2026-05-01", Some("2026-12-31"))];
    let r = status_of(&c, &e, &Options::default(), "2026-06-01");
    assert_eq!(r.status, Some(Status::Covered));
    assert_eq!(
        r.reason,
        "C is implemented, maps fully and has current evidence"
    );
    assert_eq!(r.controls[0].current_evidence, [1]);
}

#[test]
fn a_partial_map_or_a_partly_implemented_control_is_partial() {
    let e = [evidence(1, "C", "2026-05-01", None)];
    let c = [control("C", IMPL, MappingCoverage::Partial, None)];
    let r = status_of(&c, &e, &Options::default(), "2026-06-01");
    assert_eq!(
        (r.status, r.reason.as_str()),
        (Some(Status::Partial), "C covers it only in part")
    );
    let c = [control("C", ControlStatus::Partial, FULL, None)];
    let r = status_of(&c, &e, &Options::default(), "2026-06-01");
    assert_eq!(
        (r.status, r.reason.as_str()),
        (Some(Status::Partial), "C is only partly implemented")
    );
}

#[test]
fn only_expired_evidence_is_stale_and_no_evidence_is_a_gap() {
    let c = [control("C", IMPL, FULL, None)];
    let e = [evidence(1, "C", "2025-01-01", Some("2026-05-31"))];
    let r = status_of(&c, &e, &Options::default(), "2026-06-01");
    assert_eq!(
        (r.status, r.reason.as_str()),
        (Some(Status::Stale), "the evidence of C has expired")
    );
    assert_eq!(r.controls[0].expired_evidence, [1]);
    // The valid-until day itself still counts.
    let r = status_of(&c, &e, &Options::default(), "2026-05-31");
    assert_eq!(r.status, Some(Status::Covered));
    let r = status_of(&c, &[], &Options::default(), "2026-06-01");
    assert_eq!(
        (r.status, r.reason.as_str()),
        (Some(Status::Gap), "C has no current evidence")
    );
}

#[test]
fn evidence_dated_after_the_reference_day_does_not_count() {
    let c = [control("C", IMPL, FULL, None)];
    let e = [evidence(1, "C", "2026-07-01", None)];
    let r = status_of(&c, &e, &Options::default(), "2026-06-01");
    assert_eq!(r.status, Some(Status::Gap));
    assert!(r.controls[0].current_evidence.is_empty());
}

#[test]
fn a_planned_control_leaves_a_gap_that_names_its_status() {
    let c = [control("C", ControlStatus::Planned, FULL, None)];
    let e = [evidence(1, "C", "2026-05-01", None)];
    let r = status_of(&c, &e, &Options::default(), "2026-06-01");
    assert_eq!(
        (r.status, r.reason.as_str()),
        (Some(Status::Gap), "C is planned")
    );
}

#[test]
fn not_applicable_is_out_of_scope_and_keeps_its_justification() {
    let mut options = Options::default();
    options
        .not_applicable
        .insert(("f".into(), "1".into()), "No card data".into());
    let requirements = [requirement("1", None, true), requirement("2", None, true)];
    let controls = [control("C", IMPL, FULL, None)];
    let evidence = [evidence(1, "C", "2026-05-01", None)];
    let f = coverage_of(&requirements, &controls, &evidence, &options, "2026-06-01");
    let r = &f.requirements[0];
    assert_eq!(r.status, Some(Status::NotApplicable));
    assert_eq!(r.reason, "Not applicable: No card data");
    assert_eq!(r.justification.as_deref(), Some("No card data"));
    assert_eq!(
        (f.counts.in_scope(), f.counts.gap, f.counts.not_applicable),
        (1, 1, 1)
    );
    assert_eq!(f.percent_covered, 0.0);
}

#[test]
fn type_one_judges_evidence_on_the_last_day_of_the_period() {
    let options = Options {
        period: Some((day("2026-01-01"), day("2026-03-31"))),
        kind: Some(AssessmentType::Type1),
        ..Options::default()
    };
    let c = [control("C", IMPL, FULL, None)];
    // Collected before the period, valid through its end, expired today: counts.
    let e = [evidence(1, "C", "2025-06-01", Some("2026-04-30"))];
    let r = status_of(&c, &e, &options, "2026-06-01");
    assert_eq!(r.status, Some(Status::Covered));
    // Expired before the end of the period: stale.
    let e = [evidence(1, "C", "2025-06-01", Some("2026-03-30"))];
    let r = status_of(&c, &e, &options, "2026-06-01");
    assert_eq!(r.status, Some(Status::Stale));
    // Collected after the period: not counted.
    let e = [evidence(1, "C", "2026-04-02", None)];
    let r = status_of(&c, &e, &options, "2026-06-01");
    assert_eq!(
        (r.status, r.reason.as_str()),
        (
            Some(Status::Gap),
            "C has no evidence valid on the reference day"
        )
    );
    assert!(compute_rule(&options, "2026-06-01").starts_with("Type I, as of 2026-03-31"));
}

fn compute_rule(options: &Options, today: &str) -> String {
    coverage_of(&[], &[], &[], options, today).rule
}

fn type2() -> Options {
    Options {
        period: Some((day("2026-01-01"), day("2026-12-31"))),
        kind: Some(AssessmentType::Type2),
        ..Options::default()
    }
}

#[test]
fn type_two_needs_an_occurrence_in_every_due_window() {
    let c = [control("C", IMPL, FULL, Some(90))];
    let all = [
        evidence(1, "C", "2026-02-01", Some("2026-02-02")),
        evidence(2, "C", "2026-05-01", None),
        evidence(3, "C", "2026-08-01", None),
        evidence(4, "C", "2026-11-01", None),
    ];
    let r = status_of(&c, &all, &type2(), "2027-01-15");
    assert_eq!(r.status, Some(Status::Covered), "{}", r.reason);
    assert_eq!(
        r.reason,
        "C is implemented, maps fully and has an occurrence in each of its 4 review windows"
    );
    let w = &r.controls[0].windows;
    assert_eq!(
        w.iter().map(|w| (w.start, w.end)).collect::<Vec<_>>(),
        [
            (day("2026-01-01"), day("2026-03-31")),
            (day("2026-04-01"), day("2026-06-30")),
            (day("2026-07-01"), day("2026-09-30")),
            (day("2026-10-01"), day("2026-12-31")),
        ],
        "90 days is a calendar quarter"
    );
    // An occurrence's later expiry is no fault under Type II.
    assert!(r.controls[0].expired_evidence.is_empty());

    let missing_q3 = [all[0].clone(), all[1].clone(), all[3].clone()];
    let r = status_of(&c, &missing_q3, &type2(), "2027-01-15");
    assert_eq!(r.status, Some(Status::Partial));
    assert_eq!(
        r.reason,
        "C has no occurrence between 2026-07-01 and 2026-09-30"
    );
}

#[test]
fn windows_after_today_are_not_due_and_not_missed() {
    let c = [control("C", IMPL, FULL, Some(90))];
    let e = [
        evidence(1, "C", "2026-02-01", None),
        evidence(2, "C", "2026-05-01", None),
    ];
    let r = status_of(&c, &e, &type2(), "2026-06-15");
    let w = &r.controls[0].windows;
    assert_eq!(
        w.iter().map(|w| w.due).collect::<Vec<_>>(),
        [true, true, false, false]
    );
    assert!(w.iter().all(|w| !w.missed()));
    assert_eq!(r.status, Some(Status::Covered), "{}", r.reason);
    assert!(
        r.reason.contains("each of its 2 review windows"),
        "{}",
        r.reason
    );
}

#[test]
fn evidence_from_before_the_period_counts_for_the_first_window_only() {
    let c = [control("C", IMPL, FULL, Some(180))];
    // Valid on the first day of the period: counts for the first half.
    let e = [evidence(1, "C", "2025-12-01", Some("2026-12-31"))];
    let r = status_of(&c, &e, &type2(), "2027-01-15");
    let w = &r.controls[0].windows;
    assert_eq!(w.len(), 2);
    assert_eq!(w[0].evidence, [1]);
    assert!(w[1].missed());
    assert_eq!(r.status, Some(Status::Partial));
    // Expired before the period began: it counts for nothing.
    let e = [evidence(1, "C", "2025-06-01", Some("2025-12-31"))];
    let r = status_of(&c, &e, &type2(), "2027-01-15");
    assert!(r.controls[0].windows.iter().all(|w| w.evidence.is_empty()));
    assert_eq!(r.status, Some(Status::Gap));
    assert_eq!(
        r.reason,
        "C has no occurrence between 2026-01-01 and 2026-06-30, nor between 2026-07-01 and 2026-12-31"
    );
}

#[test]
fn cadences_split_a_period_into_windows() {
    let year = (day("2026-01-01"), day("2026-12-31"));
    assert_eq!(windows(year, None), [year], "no cadence: the period");
    assert_eq!(windows(year, Some(0)), [year]);
    assert_eq!(windows(year, Some(30)).len(), 12, "monthly");
    assert_eq!(windows(year, Some(365)), [year], "yearly");
    // 100 days is not a whole number of months: runs of 100 days, and the
    // 65-day tail (over half the cadence) stays its own window.
    let w = windows(year, Some(100));
    assert_eq!(w.len(), 4);
    assert_eq!(w[3], (day("2026-10-28"), day("2026-12-31")));
    // A tail shorter than half the cadence joins the window before.
    let w = windows((day("2026-01-01"), day("2026-04-10")), Some(30));
    assert_eq!(w.len(), 3);
    assert_eq!(w[2], (day("2026-03-01"), day("2026-04-10")));
}

#[test]
fn grouping_rows_roll_up_the_statuses_below_them() {
    let requirements = [
        requirement("A", None, false),
        requirement("1", Some("A"), true),
        requirement("A.1", Some("A"), false),
        requirement("2", Some("A.1"), true),
    ];
    let controls = [control("C", IMPL, FULL, None)];
    let evidence = [evidence(1, "C", "2026-05-01", None)];
    let f = coverage_of(
        &requirements,
        &controls,
        &evidence,
        &Options::default(),
        "2026-06-01",
    );
    let rows = &f.requirements;
    assert_eq!(rows[0].status, None);
    let top = rows[0].rollup.expect("grouping row");
    assert_eq!((top.covered, top.gap), (1, 1));
    let mid = rows[2].rollup.expect("grouping row");
    assert_eq!((mid.covered, mid.gap), (0, 1));
    assert!(rows[1].rollup.is_none());
    assert_eq!((f.assessable, f.percent_covered), (2, 50.0));
}

#[test]
fn percent_rounds_to_one_decimal_and_an_empty_scope_is_zero() {
    assert_eq!(percent(1, 3), 33.3);
    assert_eq!(percent(2, 3), 66.7);
    assert_eq!(percent(0, 0), 0.0);
}
