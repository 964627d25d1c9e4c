//! The app's daily-tool rules in core: the evidence register's status,
//! filters and sorting; reports and packages named after their assessment
//! and listed from the audit trail (and refused when the file changed); the
//! form checks that put core's messages beside the fields.
//! "Now" is pinned with SOURCE_DATE_EPOCH (2026-06-30) for the whole binary.
use crosswalk_core::assessment::AssessmentInput;
use crosswalk_core::evidence::EvidenceEdit;
use crosswalk_core::evidence::{NewEvidence, Source};
use crosswalk_core::evidence_register::{EvidenceQuery, EvidenceSort, ExpiryStatus};
use crosswalk_core::forms::{
    ApplicabilityForm, AssessmentForm, EvidenceEditForm, EvidenceForm, Form, SoaForm,
};
use crosswalk_core::import::ImportOptions;
use crosswalk_core::outputs::{OutputKind, OutputState};
use crosswalk_core::report::ReportRequest;
use crosswalk_core::validate::FieldResult;
use crosswalk_core::{EvidenceKind, Workspace};
use std::path::PathBuf;

const EPOCH: &str = "1782820800"; // 2026-06-30T12:00:00Z

fn workspace() -> (tempfile::TempDir, Workspace) {
    std::env::set_var("SOURCE_DATE_EPOCH", EPOCH);
    std::env::set_var("CROSSWALK_ACTOR", "tester");
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path()).unwrap();
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/import/base.yaml");
    ws.import(&[base], &ImportOptions::default()).unwrap();
    (dir, ws)
}

fn note(ws: &mut Workspace, control: &str, text: &str, by: &str, valid_until: Option<&str>) -> i64 {
    let new = NewEvidence {
        controls: vec![control.into()],
        source: Source::Note(text.into()),
        title: Some(text.into()),
        description: String::new(),
        collected_by: Some(by.into()),
        collected_on: Some("2026-06-01".parse().unwrap()),
        valid_until: valid_until.map(|d| d.parse().unwrap()),
        valid_for_days: None,
        new_occurrence: false,
    };
    ws.add_evidence(&new, &mut |_, _| {}).unwrap().id
}

fn titles(ws: &Workspace, q: &EvidenceQuery) -> Vec<String> {
    ws.evidence_register(q)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.evidence.title)
        .collect()
}

/// Five notes: expired, expiring inside 30 days, expiring on the window's
/// last day, valid beyond it, and (IAM-02 has no review cadence) none.
fn register_workspace() -> (tempfile::TempDir, Workspace) {
    let (d, mut ws) = workspace();
    note(
        &mut ws,
        "ENC-01",
        "expired key review",
        "Ana",
        Some("2026-06-29"),
    );
    note(
        &mut ws,
        "ENC-01",
        "soon rotation log",
        "Ben",
        Some("2026-07-10"),
    );
    note(
        &mut ws,
        "IAM-02",
        "edge access review",
        "Ana",
        Some("2026-07-30"),
    );
    note(&mut ws, "IAM-02", "later policy", "Ben", Some("2027-01-01"));
    note(&mut ws, "IAM-02", "forever note", "Cleo", None);
    (d, ws)
}

#[test]
fn the_register_tells_each_items_status_under_the_window() {
    let (_d, ws) = register_workspace();
    let reg = ws.evidence_register(&EvidenceQuery::default()).unwrap();
    assert_eq!(reg.within_days, 30, "the workspace's default window");
    assert_eq!(reg.total, 5);
    let status: Vec<(String, ExpiryStatus)> = reg
        .rows
        .iter()
        .map(|r| (r.evidence.title.clone(), r.status))
        .collect();
    assert_eq!(
        status,
        vec![
            ("expired key review".to_string(), ExpiryStatus::Expired),
            ("soon rotation log".to_string(), ExpiryStatus::Expiring),
            ("edge access review".to_string(), ExpiryStatus::Expiring),
            ("later policy".to_string(), ExpiryStatus::Valid),
            ("forever note".to_string(), ExpiryStatus::NoExpiry),
        ],
        "sorted by expiry, soonest first, no expiry last"
    );
    assert_eq!(
        (
            reg.counts.expired,
            reg.counts.expiring,
            reg.counts.valid,
            reg.counts.no_expiry
        ),
        (1, 2, 1, 1)
    );
    assert_eq!(reg.collectors, vec!["Ana", "Ben", "Cleo"]);

    // A window of 29 days ends on 2026-07-29: the edge review is then valid.
    let narrow = ws
        .evidence_register(&EvidenceQuery {
            status: vec![ExpiryStatus::Expiring],
            within_days: Some(29),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(narrow.rows.len(), 1);
    assert_eq!(narrow.rows[0].evidence.title, "soon rotation log");
}

#[test]
fn the_register_filters_combine_and_sorts_are_stable() {
    let (_d, ws) = register_workspace();
    let q = |f: &dyn Fn(&mut EvidenceQuery)| {
        let mut q = EvidenceQuery::default();
        f(&mut q);
        q
    };
    assert_eq!(
        titles(
            &ws,
            &q(&|q| q.status = vec![ExpiryStatus::Expired, ExpiryStatus::Expiring])
        ),
        vec![
            "expired key review",
            "soon rotation log",
            "edge access review"
        ]
    );
    assert_eq!(
        titles(&ws, &q(&|q| q.control = Some("ENC-01".into()))),
        vec!["expired key review", "soon rotation log"]
    );
    assert_eq!(
        titles(
            &ws,
            &q(&|q| {
                q.collector = Some("Ana".into());
                q.status = vec![ExpiryStatus::Expiring];
            })
        ),
        vec!["edge access review"]
    );
    assert!(titles(&ws, &q(&|q| q.kind = Some(EvidenceKind::File))).is_empty());
    assert_eq!(
        titles(&ws, &q(&|q| q.kind = Some(EvidenceKind::Note))).len(),
        5
    );
    // Counts follow the other filters, not the status filter.
    let reg = ws
        .evidence_register(&q(&|q| {
            q.control = Some("IAM-02".into());
            q.status = vec![ExpiryStatus::Valid];
        }))
        .unwrap();
    assert_eq!(
        (
            reg.counts.expired,
            reg.counts.expiring,
            reg.counts.valid,
            reg.counts.no_expiry
        ),
        (0, 1, 1, 1)
    );
    assert_eq!(reg.rows.len(), 1);

    assert_eq!(
        titles(&ws, &q(&|q| q.sort = EvidenceSort::Title)),
        vec![
            "edge access review",
            "expired key review",
            "forever note",
            "later policy",
            "soon rotation log"
        ]
    );
    assert_eq!(
        titles(
            &ws,
            &q(&|q| {
                q.sort = EvidenceSort::Expiry;
                q.descending = true;
            })
        ),
        vec![
            "forever note",
            "later policy",
            "edge access review",
            "soon rotation log",
            "expired key review"
        ]
    );
    assert_eq!(
        titles(&ws, &q(&|q| q.sort = EvidenceSort::Collector)),
        vec![
            "edge access review",
            "expired key review",
            "later policy",
            "soon rotation log",
            "forever note"
        ],
        "by collector, then by title"
    );
    assert_eq!(
        titles(&ws, &q(&|q| q.sort = EvidenceSort::Control)),
        vec![
            "expired key review",
            "soon rotation log",
            "edge access review",
            "forever note",
            "later policy"
        ]
    );

    let err = ws
        .evidence_register(&q(&|q| q.control = Some("ENC-1".into())))
        .unwrap_err();
    assert!(
        err.to_string().contains("ENC-01"),
        "an unknown control names the closest: {err}"
    );
}

fn soc2_assessment(ws: &mut Workspace, name: &str) -> i64 {
    ws.save_assessment(&AssessmentInput {
        id: None,
        name: name.into(),
        organisation: None,
        scope: String::new(),
        period_start: "2026-01-01".parse().unwrap(),
        period_end: "2026-12-31".parse().unwrap(),
        frameworks: vec!["soc2".into()],
        kind: None,
    })
    .unwrap()
    .id
}

#[test]
fn reports_and_packages_are_named_after_their_assessment_and_listed_from_the_trail() {
    let (d, mut ws) = workspace();
    let a = soc2_assessment(&mut ws, "SOC 2 Type II / 2026");
    let request = ReportRequest {
        assessment_id: Some(a),
        frameworks: vec![],
        period: None,
    };
    let first = ws.output_path(OutputKind::Report, Some(a)).unwrap();
    assert_eq!(
        first,
        d.path().join("reports/soc-2-type-ii-2026-2026-06-30.pdf")
    );
    ws.generate_report(&request, &first, &mut |_| {}).unwrap();
    let second = ws.output_path(OutputKind::Report, Some(a)).unwrap();
    assert_eq!(
        second.file_name().unwrap(),
        "soc-2-type-ii-2026-2026-06-30-2.pdf",
        "a taken name gets a number"
    );
    ws.generate_report(&request, &second, &mut |_| {}).unwrap();
    let current = ws.output_path(OutputKind::Report, None).unwrap();
    assert_eq!(current.file_name().unwrap(), "current-state-2026-06-30.pdf");
    ws.generate_report(
        &ReportRequest {
            assessment_id: None,
            frameworks: vec!["soc2".into()],
            period: None,
        },
        &current,
        &mut |_| {},
    )
    .unwrap();
    let package = ws.output_path(OutputKind::Package, Some(a)).unwrap();
    assert_eq!(
        package,
        d.path().join("packages/soc-2-type-ii-2026-2026-06-30.zip")
    );
    ws.write_package(&request, &package, &mut |_| {}).unwrap();

    let groups = ws.past_outputs().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, vec!["Current state", "SOC 2 Type II / 2026"]);
    let soc = &groups[1];
    assert_eq!(soc.assessment_id, Some(a));
    let files: Vec<(&str, OutputKind)> = soc
        .outputs
        .iter()
        .map(|o| (o.file_name.as_str(), o.kind))
        .collect();
    assert_eq!(files.len(), 3);
    assert!(files.contains(&("soc-2-type-ii-2026-2026-06-30.zip", OutputKind::Package)));
    assert_eq!(
        files.iter().filter(|f| f.1 == OutputKind::Report).count(),
        2
    );
    assert!(
        soc.outputs.windows(2).all(|w| w[0].seq > w[1].seq),
        "newest first"
    );
    assert!(soc.outputs.iter().all(|o| o.state == OutputState::Present));
    let report = soc
        .outputs
        .iter()
        .find(|o| o.file_name == "soc-2-type-ii-2026-2026-06-30.pdf")
        .unwrap();
    assert!(report.pages.unwrap() > 0);
    assert_eq!(report.frameworks, vec!["soc2"]);

    // Opening checks the file is the one recorded.
    assert_eq!(ws.past_output(report.seq).unwrap().path, first);
    std::fs::write(&first, b"%PDF-1.7 something else").unwrap();
    let listed = ws.past_outputs().unwrap();
    let changed = listed[1]
        .outputs
        .iter()
        .find(|o| o.seq == report.seq)
        .unwrap();
    assert_eq!(changed.state, OutputState::Changed);
    let err = ws.past_output(report.seq).unwrap_err();
    assert!(err.to_string().contains("changed since"), "{err}");
    // Same size, other bytes: still refused (the hash decides).
    let original_len = report.bytes as usize;
    std::fs::write(&first, vec![b'x'; original_len]).unwrap();
    assert_eq!(
        ws.past_outputs().unwrap()[1]
            .outputs
            .iter()
            .find(|o| o.seq == report.seq)
            .unwrap()
            .state,
        OutputState::Present
    );
    assert!(ws.past_output(report.seq).is_err());
    std::fs::remove_file(&second).unwrap();
    let gone = soc.outputs.iter().find(|o| o.path == second).unwrap().seq;
    assert!(ws
        .past_output(gone)
        .unwrap_err()
        .to_string()
        .contains("no longer there"));
    assert!(ws.past_output(1).is_err(), "an event that is not an output");
}

fn messages(results: &[FieldResult]) -> Vec<(String, String)> {
    results
        .iter()
        .filter(|r| !r.ok)
        .map(|r| (r.field.clone(), r.message.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn the_evidence_form_gets_the_message_of_each_rule_beside_its_field() {
    let (_d, ws) = workspace();
    let check = |f: EvidenceForm| messages(&ws.check_form(&Form::Evidence(f)).unwrap());
    let link = |url: &str| EvidenceForm {
        kind: Some(EvidenceKind::Link),
        url: url.into(),
        controls: vec!["ENC-01".into()],
        ..Default::default()
    };
    assert_eq!(
        check(link("https://wiki.example.com/access-review")),
        vec![]
    );
    let bad = check(link("wiki.example.com"));
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].0, "url");
    assert_eq!(
        bad[0].1,
        crosswalk_core::validate::url("wiki.example.com").unwrap_err(),
        "the same words as the save"
    );

    let mut f = link("https://x.example.com/a");
    f.collected_on = "2026-13-01".into();
    f.valid_until = "01/07/2026".into();
    f.valid_for = "soon".into();
    let fields: Vec<String> = check(f).into_iter().map(|m| m.0).collect();
    assert_eq!(
        fields,
        vec!["collected_on", "valid_until", "valid_for"],
        "every broken field at once"
    );

    // The rules across fields, as add_evidence applies them.
    let mut f = link("https://x.example.com/a");
    f.collected_on = "2026-07-02".into();
    assert_eq!(check(f)[0].0, "collected_on", "in the future");
    let mut f = link("https://x.example.com/a");
    f.collected_on = "2026-06-01".into();
    f.valid_until = "2026-05-01".into();
    let m = check(f);
    assert_eq!(m[0].0, "valid_until");
    assert!(m[0].1.contains("before the collected date"), "{m:?}");
    let mut f = link("https://x.example.com/a");
    f.valid_until = "2026-09-01".into();
    f.valid_for = "90d".into();
    assert_eq!(check(f)[0].0, "valid_for");
    let mut f = link("https://x.example.com/a");
    f.controls.clear();
    assert_eq!(
        check(f),
        vec![(
            "controls".to_string(),
            "evidence must support at least one control".to_string()
        )]
    );

    let note = EvidenceForm {
        kind: Some(EvidenceKind::Note),
        note: "  ".into(),
        controls: vec!["ENC-01".into()],
        ..Default::default()
    };
    assert_eq!(check(note)[0].0, "note");
    let file = EvidenceForm {
        kind: Some(EvidenceKind::File),
        controls: vec!["ENC-01".into()],
        ..Default::default()
    };
    assert_eq!(check(file)[0].0, "path");
    // A broken field does not hide that no control is linked.
    let mut f = link("wiki.example.com");
    f.controls.clear();
    let fields: Vec<String> = check(f).into_iter().map(|m| m.0).collect();
    assert_eq!(fields, vec!["url", "controls"]);
}

#[test]
fn the_evidence_edit_form_gets_the_message_of_each_rule_beside_its_field() {
    let (_d, mut ws) = workspace();
    let id = note(
        &mut ws,
        "ENC-01",
        "Key rotation log",
        "Ana",
        Some("2026-12-31"),
    );
    let check = |ws: &Workspace, f: EvidenceEditForm| {
        messages(&ws.check_form(&Form::EvidenceEdit(f)).unwrap())
    };
    let good = EvidenceEditForm {
        id,
        title: "Key rotation log, H1".into(),
        controls: vec!["ENC-01".into()],
        collected_on: "2026-06-01".into(),
        valid_until: "2026-12-31".into(),
        collected_by: "Ana".into(),
    };
    assert_eq!(check(&ws, good.clone()), vec![]);
    // An empty valid-until is "no expiry", not a fault.
    let mut f = good.clone();
    f.valid_until.clear();
    assert_eq!(check(&ws, f), vec![]);

    // Every broken field at once, each with its own message.
    let f = EvidenceEditForm {
        id,
        title: " ".into(),
        controls: vec!["NOPE-1".into()],
        collected_on: "2026-02-30".into(),
        valid_until: "31/12/2026".into(),
        collected_by: "".into(),
    };
    let m = check(&ws, f);
    let fields: Vec<&str> = m.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "title",
            "collected_on",
            "valid_until",
            "collected_by",
            "controls"
        ]
    );
    assert_eq!(m[0].1, "evidence needs a title");
    assert!(m[3].1.contains("name who gathered"), "{m:?}");
    assert!(m[4].1.contains("NOPE-1"), "{m:?}");
    let mut f = good.clone();
    f.collected_on.clear();
    let m = check(&ws, f);
    assert_eq!(m[0].0, "collected_on");
    assert!(
        m[0].1.contains("it was 2026-06-01"),
        "names the date it had: {m:?}"
    );
    let mut f = good.clone();
    f.controls.clear();
    assert_eq!(
        check(&ws, f)[0].1,
        "evidence must support at least one control"
    );

    // The rules across fields, exactly as the edit applies them: the same words.
    let mut f = good.clone();
    f.collected_on = "2026-07-04".into();
    let m = check(&ws, f);
    assert_eq!(m[0].0, "collected_on");
    let edit_err = ws
        .edit_evidence(
            id,
            &EvidenceEdit {
                collected_on: Some(chrono::NaiveDate::from_ymd_opt(2026, 7, 4).unwrap()),
                ..Default::default()
            },
        )
        .unwrap_err()
        .to_string();
    assert!(edit_err.contains(&m[0].1), "{edit_err} vs {m:?}");
    let mut f = good.clone();
    f.valid_until = "2026-05-01".into();
    let m = check(&ws, f);
    assert_eq!(m[0].0, "valid_until");
    assert!(m[0].1.contains("before the collected date"), "{m:?}");
    // Nothing was changed by checking.
    assert_eq!(ws.evidence(id).unwrap().title, "Key rotation log");
    assert!(ws
        .check_form(&Form::EvidenceEdit(EvidenceEditForm { id: 999, ..good }))
        .is_err());
}

#[test]
fn the_assessment_soa_and_applicability_forms_get_cores_messages() {
    let (_d, ws) = workspace();
    let check = |f: Form| messages(&ws.check_form(&f).unwrap());
    let good = AssessmentForm {
        name: "ISO 2026".into(),
        period_start: "2026-01-01".into(),
        period_end: "2026-12-31".into(),
        organisation: String::new(),
        frameworks: vec!["iso27001-2022".into()],
    };
    assert_eq!(check(Form::Assessment(good.clone())), vec![]);
    let m = check(Form::Assessment(AssessmentForm {
        name: " ".into(),
        period_start: "2026-1-1".into(),
        period_end: String::new(),
        frameworks: vec![],
        ..good.clone()
    }));
    let fields: Vec<&str> = m.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        fields,
        vec!["name", "period_start", "period_end", "frameworks"]
    );
    assert_eq!(m[2].1, "the period needs an end date, written YYYY-MM-DD");
    let m = check(Form::Assessment(AssessmentForm {
        period_end: "2025-12-31".into(),
        ..good
    }));
    assert_eq!(
        m,
        vec![(
            "period_end".to_string(),
            "the period ends (2025-12-31) before it starts (2026-01-01)".to_string()
        )]
    );

    let soa = |d: &str| {
        Form::Soa(SoaForm {
            approved_on: d.into(),
            ..Default::default()
        })
    };
    assert_eq!(check(soa("")), vec![]);
    assert_eq!(check(soa("2026-06-30")), vec![]);
    assert_eq!(
        check(soa("2026-07-01")),
        vec![(
            "approved_on".to_string(),
            "the approval date is in the future".to_string()
        )]
    );
    assert_eq!(check(soa("tomorrow"))[0].0, "approved_on");

    let decision = |applicable: bool, why: &str| {
        Form::Applicability(ApplicabilityForm {
            applicable,
            justification: why.into(),
        })
    };
    assert_eq!(check(decision(true, "")), vec![]);
    assert_eq!(check(decision(false, "No card data is stored")), vec![]);
    assert_eq!(check(decision(false, "  "))[0].0, "justification");
}
