//! Bulk changes to controls (one audit event, all or nothing), settings and
//! the actor they set, the expiry window and its daily reminder, and the
//! field rules shared by import and the forms.
use crosswalk_core::bulk::{Change, Selection};
use crosswalk_core::evidence::{NewEvidence, Source};
use crosswalk_core::import::ImportOptions;
use crosswalk_core::settings::SettingsChange;
use crosswalk_core::{ControlStatus, Workspace};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/import")
        .join(name)
}

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path()).unwrap();
    ws.import(&[fixture("base.yaml")], &ImportOptions::default())
        .unwrap();
    (dir, ws)
}

fn events(ws: &Workspace) -> i64 {
    ws.audit_head().unwrap().0
}

fn verified(ws: &Workspace) -> bool {
    let r = ws.verify(&mut |_| {}).unwrap();
    if !r.ok {
        eprintln!("{}", serde_json::to_string_pretty(&r).unwrap());
    }
    r.ok
}

fn all() -> Selection {
    Selection {
        all: true,
        ..Default::default()
    }
}

#[test]
fn a_bulk_edit_is_one_event_listing_every_control_and_verifies() {
    let (_d, mut ws) = workspace();
    let before = events(&ws);
    let change = Change::Set {
        owner: Some("GRC team".into()),
        status: Some(ControlStatus::Partial),
        category: None,
    };
    let preview = ws.bulk_controls(&all(), &change, true).unwrap();
    assert_eq!(preview.controls.len(), 2);
    assert_eq!(events(&ws), before, "a dry run writes nothing");
    assert!(ws.controls().unwrap().iter().all(|c| c.owner != "GRC team"));

    let done = ws.bulk_controls(&all(), &change, false).unwrap();
    assert_eq!(
        events(&ws),
        before + 1,
        "one audit event for the whole change"
    );
    assert_eq!(done.event, Some(before + 1));
    let e = &ws.log(1, None).unwrap()[0];
    assert_eq!(e.action, "controls.bulk_edited");
    assert!(
        e.summary.contains("ENC-01") && e.summary.contains("IAM-02"),
        "{}",
        e.summary
    );
    assert_eq!(e.details["controls"].as_array().unwrap().len(), 2);
    assert!(ws
        .controls()
        .unwrap()
        .iter()
        .all(|c| c.owner == "GRC team" && c.status == ControlStatus::Partial));
    assert!(
        verified(&ws),
        "the trail records the new state of every control"
    );

    // Asking again changes nothing and writes no event.
    let again = ws.bulk_controls(&all(), &change, false).unwrap();
    assert!(again.controls.is_empty());
    assert_eq!(again.unchanged.len(), 2);
    assert_eq!(events(&ws), before + 1);
}

#[test]
fn filters_narrow_the_selection_and_an_empty_selection_is_refused() {
    let (_d, mut ws) = workspace();
    let sel = Selection {
        all: true,
        owner: Some("IT".into()),
        ..Default::default()
    };
    let ids: Vec<_> = ws
        .select_controls(&sel)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["IAM-02"]);
    let sel = Selection {
        all: true,
        framework: Some("iso27001-2022".into()),
        ..Default::default()
    };
    assert_eq!(ws.select_controls(&sel).unwrap().len(), 1);
    let sel = Selection {
        all: true,
        source_file: Some("base.yaml".into()),
        ..Default::default()
    };
    assert_eq!(
        ws.select_controls(&sel).unwrap().len(),
        2,
        "by the file it came from"
    );
    let err = ws
        .bulk_controls(
            &Selection::default(),
            &Change::Delete {
                withdraw_orphaned_evidence: false,
            },
            false,
        )
        .unwrap_err();
    assert_eq!(
        err.kind(),
        "usage",
        "an empty selection is not read as everything"
    );
    let err = ws
        .bulk_controls(
            &Selection {
                ids: vec!["ENC-01".into(), "ENC-99".into()],
                ..Default::default()
            },
            &Change::Delete {
                withdraw_orphaned_evidence: false,
            },
            false,
        )
        .unwrap_err();
    assert!(err.to_string().contains("ENC-99"));
    assert_eq!(
        ws.controls().unwrap().len(),
        2,
        "an unknown id stops the whole change"
    );
}

#[test]
fn a_bulk_delete_that_fails_half_way_writes_nothing() {
    let (dir, mut ws) = workspace();
    let before = events(&ws);
    // Sabotage the database so the second delete fails inside the transaction.
    let conn = rusqlite::Connection::open(dir.path().join("crosswalk.db")).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER sabotage BEFORE DELETE ON controls WHEN old.id = 'IAM-02'
         BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;",
    )
    .unwrap();
    drop(conn);
    let err = ws
        .bulk_controls(
            &all(),
            &Change::Delete {
                withdraw_orphaned_evidence: false,
            },
            false,
        )
        .unwrap_err();
    assert!(err.to_string().contains("disk on fire"), "{err}");
    assert_eq!(
        ws.controls().unwrap().len(),
        2,
        "ENC-01 is back: all or nothing"
    );
    assert_eq!(events(&ws), before, "and no event claims otherwise");
    assert!(verified(&ws));
}

#[test]
fn removing_the_examples_takes_their_evidence_out_and_leaves_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path()).unwrap();
    crosswalk_core::examples::seed(&mut ws).unwrap();
    ws.import(&[fixture("base.yaml")], &ImportOptions::default())
        .unwrap();
    let examples = crosswalk_core::examples::example_control_ids().unwrap();
    assert!(examples.len() > 20);
    // A note shared by an example control and one of ours must stay.
    let shared = ws
        .add_evidence(
            &NewEvidence {
                controls: vec![examples[0].clone(), "ENC-01".into()],
                source: Source::Note("Shared key-rotation record".into()),
                title: None,
                description: String::new(),
                collected_by: None,
                collected_on: None,
                valid_until: None,
                valid_for_days: None,
                new_occurrence: false,
            },
            &mut |_, _| {},
        )
        .unwrap();
    let evidence_before = ws.evidence_list(None).unwrap().len();
    let before = events(&ws);
    let sel = Selection {
        examples: true,
        ..Default::default()
    };
    let change = Change::Delete {
        withdraw_orphaned_evidence: true,
    };
    let preview = ws.bulk_controls(&sel, &change, true).unwrap();
    assert_eq!(preview.controls.len(), examples.len());
    assert!(!preview.evidence_withdrawn.contains(&shared.id));
    assert!(preview.evidence_unlinked.contains(&shared.id));

    let done = ws.bulk_controls(&sel, &change, false).unwrap();
    assert_eq!(events(&ws), before + 1);
    let ids: Vec<_> = ws.controls().unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["ENC-01", "IAM-02"]);
    let left = ws.evidence_list(None).unwrap();
    assert_eq!(left.len(), evidence_before - done.evidence_withdrawn.len());
    let kept = left.iter().find(|e| e.id == shared.id).unwrap();
    assert_eq!(kept.controls, ["ENC-01"]);
    assert!(
        verified(&ws),
        "withdrawn evidence and unlinked evidence are both recorded"
    );
}

#[test]
fn settings_change_in_one_event_and_the_saved_name_becomes_the_actor() {
    let (_d, mut ws) = workspace();
    let before = events(&ws);
    let bad = ws
        .save_settings(&SettingsChange {
            organisation: Some("Acme".into()),
            expiry_window: Some("soon".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert!(
        bad.to_string()
            .contains("expiry_window: `soon` is not a period"),
        "{bad}"
    );
    assert_eq!(
        events(&ws),
        before,
        "nothing is written when one field is wrong"
    );
    assert_eq!(ws.organisation().unwrap(), "Your organisation");

    let s = ws
        .save_settings(&SettingsChange {
            organisation: Some(" Acme Ltd ".into()),
            user_name: Some("Jane Roe".into()),
            expiry_window: Some("8w".into()),
            date_display: None,
        })
        .unwrap();
    assert_eq!(events(&ws), before + 1);
    assert_eq!(s.organisation, "Acme Ltd");
    assert_eq!(s.expiry_window_days, 56);
    assert_eq!(ws.expiry_window().unwrap(), 56);
    assert_eq!(
        ws.expiry(ws.expiry_window().unwrap()).unwrap().within_days,
        56
    );
    if std::env::var("CROSSWALK_ACTOR").is_err() {
        assert_eq!(s.actor, "Jane Roe");
        let e = ws
            .add_evidence(
                &NewEvidence {
                    controls: vec!["ENC-01".into()],
                    source: Source::Note("Checked the KMS policy".into()),
                    title: None,
                    description: String::new(),
                    collected_by: None,
                    collected_on: None,
                    valid_until: None,
                    valid_for_days: None,
                    new_occurrence: false,
                },
                &mut |_, _| {},
            )
            .unwrap();
        assert_eq!(
            e.collected_by, "Jane Roe",
            "the saved name is the default collector"
        );
        assert_eq!(ws.log(1, None).unwrap()[0].actor, "Jane Roe");
        // A workspace opened later by the same person uses it too.
        let again = Workspace::open(ws.dir()).unwrap();
        assert_eq!(again.actor(), "Jane Roe");
        // Clearing the name goes back to the login.
        let s = ws
            .save_settings(&SettingsChange {
                user_name: Some(String::new()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(s.user_name, None);
        assert_eq!(s.actor, s.login);
    }
    let n = events(&ws);
    ws.save_settings(&SettingsChange {
        expiry_window: Some("56d".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(events(&ws), n, "saving the same values is no change");
    assert!(ws
        .save_settings(&SettingsChange {
            expiry_window: Some("2y".into()),
            ..Default::default()
        })
        .is_err());
}

#[test]
fn the_expiry_reminder_comes_at_most_once_a_day_and_only_when_due() {
    let (_d, mut ws) = workspace();
    assert!(
        ws.expiry_reminder_due().unwrap().is_none(),
        "nothing expires"
    );
    let today = ws.today();
    ws.add_evidence(
        &NewEvidence {
            controls: vec!["ENC-01".into()],
            source: Source::Note("Pen test summary".into()),
            title: None,
            description: String::new(),
            collected_by: None,
            collected_on: Some(today - chrono::Duration::days(10)),
            valid_until: Some(today + chrono::Duration::days(5)),
            valid_for_days: None,
            new_occurrence: false,
        },
        &mut |_, _| {},
    )
    .unwrap();
    let n = events(&ws);
    let due = ws.expiry_reminder_due().unwrap().expect("due today");
    assert_eq!(due.expiring.len(), 1);
    assert!(
        ws.expiry_reminder_due().unwrap().is_none(),
        "not twice a day"
    );
    assert_eq!(events(&ws), n, "a reminder is not an audit event");
}

#[test]
fn import_and_save_give_the_same_message_as_the_form_rules() {
    let (dir, mut ws) = workspace();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "controls:\n  - id: bad id\n    title: X\n    status: implemented\n",
    )
    .unwrap();
    let from_import = ws.import(&[bad], &ImportOptions::default()).unwrap_err();
    let rule = crosswalk_core::validate::control_id("bad id").unwrap_err();
    assert_eq!(from_import.problems()[0].message, rule);
    let mut c = ws.control("ENC-01").unwrap();
    c.id = "bad id".into();
    let from_save = ws.save_control(&c).unwrap_err();
    assert_eq!(from_save.problems()[0].message, format!("id: {rule}"));
    let link = ws
        .add_evidence(
            &NewEvidence {
                controls: vec!["ENC-01".into()],
                source: Source::Link("www.example.com/policy".into()),
                title: None,
                description: String::new(),
                collected_by: None,
                collected_on: None,
                valid_until: None,
                valid_for_days: None,
                new_occurrence: false,
            },
            &mut |_, _| {},
        )
        .unwrap_err();
    assert_eq!(
        link.to_string(),
        crosswalk_core::validate::url("www.example.com/policy").unwrap_err()
    );
}
