//! A database edited outside Crosswalk, with a value no Crosswalk writes in
//! an enum or date column, is refused with a "corrupt workspace" error that
//! names the table, the row and the column. It used to show a default
//! instead (1970-01-01 as an evidence date, "planned" as a status), which an
//! auditor would have read as data.
use crosswalk_core::assessment::AssessmentInput;
use crosswalk_core::import::ImportOptions;
use crosswalk_core::{Error, Workspace};
use std::path::{Path, PathBuf};

fn workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let mut ws = Workspace::open(&dir).unwrap();
    let controls =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/e2e/fixtures/good/controls.yaml");
    ws.import(&[controls], &ImportOptions::default()).unwrap();
    ws.save_assessment(&AssessmentInput {
        id: None,
        name: "SOC 2 2026".into(),
        organisation: None,
        scope: String::new(),
        period_start: "2026-01-01".parse().unwrap(),
        period_end: "2026-12-31".parse().unwrap(),
        frameworks: vec!["soc2".into()],
        kind: None,
    })
    .unwrap();
    (tmp, dir)
}

/// Writes `sql` behind Crosswalk's back (past the schema's CHECK
/// constraints, as any SQLite client can), then reopens the workspace.
fn tamper(dir: &Path, sql: &str) -> Workspace {
    let conn = rusqlite::Connection::open(dir.join("crosswalk.db")).unwrap();
    conn.pragma_update(None, "ignore_check_constraints", true)
        .unwrap();
    assert_eq!(conn.execute(sql, []).unwrap(), 1, "{sql}");
    drop(conn);
    Workspace::open(dir).unwrap()
}

fn corrupt_message<T: std::fmt::Debug>(r: crosswalk_core::Result<T>) -> String {
    match r {
        Err(e @ Error::Corrupt(_)) => {
            assert_eq!(e.kind(), "corrupt");
            assert!(e.hint().is_some_and(|h| h.contains("backup")));
            e.to_string()
        }
        other => panic!("expected a corrupt-workspace error, got {other:?}"),
    }
}

#[test]
fn a_date_that_is_not_a_date_names_table_row_and_column() {
    let (_tmp, dir) = workspace();
    let ws = tamper(
        &dir,
        "UPDATE evidence SET collected_on = '2026-02-30' WHERE id = 1",
    );
    let m = corrupt_message(ws.evidence_list(None));
    assert!(m.starts_with("corrupt workspace: "), "{m}");
    assert!(m.contains("table `evidence`, row id 1, column `collected_on` holds `2026-02-30`, which is not a date (YYYY-MM-DD)"), "{m}");

    let ws = tamper(
        &dir,
        "UPDATE evidence SET collected_on = '2026-01-15', valid_until = 'next year' WHERE id = 1",
    );
    let m = corrupt_message(ws.evidence_list(None));
    assert!(m.contains("column `valid_until` holds `next year`"), "{m}");
}

#[test]
fn an_unknown_enum_word_names_table_row_and_column() {
    let (_tmp, dir) = workspace();
    let ws = tamper(
        &dir,
        "UPDATE controls SET status = 'done-ish' WHERE id = 'E2E-ENC-01'",
    );
    let m = corrupt_message(ws.controls());
    assert!(
        m.contains("table `controls`, row E2E-ENC-01, column `status` holds `done-ish`"),
        "{m}"
    );

    let ws = tamper(
        &dir,
        "UPDATE controls SET status = 'implemented' WHERE id = 'E2E-ENC-01'",
    );
    assert!(ws.controls().is_ok(), "a repaired row reads again");
    let ws = tamper(&dir, "UPDATE evidence SET kind = 'rumour' WHERE id = 1");
    let m = corrupt_message(ws.evidence_list(None));
    assert!(
        m.contains("table `evidence`, row id 1, column `kind` holds `rumour`"),
        "{m}"
    );
}

#[test]
fn an_assessment_period_or_type_that_no_crosswalk_writes_is_named() {
    let (_tmp, dir) = workspace();
    let id = Workspace::open(&dir).unwrap().assessments().unwrap()[0].id;
    let ws = tamper(
        &dir,
        &format!("UPDATE assessments SET period_end = '31/12/2026' WHERE id = {id}"),
    );
    let m = corrupt_message(ws.assessment(id));
    assert!(
        m.contains(&format!(
            "table `assessments`, row id {id}, column `period_end` holds `31/12/2026`"
        )),
        "{m}"
    );
    let ws = tamper(
        &dir,
        &format!(
            "UPDATE assessments SET period_end = '2026-12-31', kind = 'type3' WHERE id = {id}"
        ),
    );
    let m = corrupt_message(ws.assessment(id));
    assert!(
        m.contains("column `kind` holds `type3`, which is not type1 or type2"),
        "{m}"
    );
}

#[test]
fn a_mapping_coverage_no_crosswalk_writes_is_named_with_its_control_and_requirement() {
    // It used to read as "partial", quietly lowering (or raising) coverage.
    let (_tmp, dir) = workspace();
    let ws = tamper(
        &dir,
        "UPDATE mappings SET coverage = 'most' WHERE control_id = 'E2E-ENC-01' AND ref = 'CC6.1'",
    );
    let m = corrupt_message(ws.controls());
    assert!(
        m.contains("table `mappings`, row E2E-ENC-01 → soc2 CC6.1, column `coverage` holds `most`, which is not full or partial"),
        "{m}"
    );
    // Coverage reads the controls too: it refuses rather than guessing.
    corrupt_message(ws.coverage(&Default::default()));
}

#[test]
fn a_crosswalk_link_or_framework_that_does_not_read_is_named() {
    // Each used to read as a default: `intersects`, `judgement`, no
    // properties, no publication date, no levels.
    let cases = [
        ("UPDATE crosswalk_links SET relationship = 'kinda' WHERE id = (SELECT min(id) FROM crosswalk_links)", "column `relationship` holds `kinda`, which is not equal, subset_of"),
        ("UPDATE crosswalk_links SET basis = 'hearsay' WHERE id = (SELECT min(id) FROM crosswalk_links)", "column `basis` holds `hearsay`, which is not published, derived or judgement"),
        ("UPDATE crosswalk_links SET properties = 'integral_to,vague' WHERE id = (SELECT min(id) FROM crosswalk_links)", "column `properties` holds `integral_to,vague`, which is not a comma-separated list of integral_to, example_of or precedes"),
    ];
    for (sql, words) in cases {
        let (_tmp, dir) = workspace();
        let ws = tamper(&dir, sql);
        let m = corrupt_message(ws.crosswalk_links());
        assert!(m.contains("table `crosswalk_links`, row id "), "{m}");
        assert!(m.contains(words), "{sql}: {m}");
    }
    let (_tmp, dir) = workspace();
    let ws = tamper(
        &dir,
        "UPDATE frameworks SET published = 'spring 2022' WHERE id = 'soc2'",
    );
    let m = corrupt_message(ws.frameworks());
    assert!(m.contains("table `frameworks`, row soc2, column `published` holds `spring 2022`, which is not a date (YYYY-MM-DD)"), "{m}");
    let ws = tamper(
        &dir,
        "UPDATE frameworks SET published = NULL, levels = '{not json' WHERE id = 'soc2'",
    );
    let m = corrupt_message(ws.framework("soc2"));
    assert!(
        m.contains("row soc2, column `levels` holds `{not json`"),
        "{m}"
    );
}

#[test]
fn an_soa_approval_date_that_is_not_a_date_is_named() {
    // It used to read as "not approved", which a certification auditor
    // would have taken for a fact about the document.
    let (_tmp, dir) = workspace();
    let mut ws = Workspace::open(&dir).unwrap();
    let input = crosswalk_core::applicability::SoaInput {
        version: Some("1.0".into()),
        approved_on: Some("2026-01-05".parse().unwrap()),
        ..Default::default()
    };
    ws.set_soa_document("iso27001-2022", &input).unwrap();
    let ws = tamper(
        &dir,
        "UPDATE soa_documents SET approved_on = 'yesterday' WHERE framework_id = 'iso27001-2022'",
    );
    let m = corrupt_message(ws.soa_document("iso27001-2022"));
    assert!(
        m.contains(
            "table `soa_documents`, row iso27001-2022, column `approved_on` holds `yesterday`"
        ),
        "{m}"
    );
}

#[test]
fn a_setting_no_crosswalk_writes_is_named_by_its_key() {
    // An expiry window of "soon" used to read as 30 days.
    let (_tmp, dir) = workspace();
    let ws = tamper(
        &dir,
        "INSERT INTO settings (key, value) VALUES ('expiry_window_days', 'soon')",
    );
    let m = corrupt_message(ws.expiry_window());
    assert!(
        m.contains("table `settings`, row expiry_window_days, column `value` holds `soon`, which is not a whole number from 1 to 365"),
        "{m}"
    );
    corrupt_message(ws.settings());
    let ws = tamper(
        &dir,
        "UPDATE settings SET value = '0' WHERE key = 'expiry_window_days'",
    );
    corrupt_message(ws.expiry_window());
    let ws = tamper(
        &dir,
        "UPDATE settings SET value = '45' WHERE key = 'expiry_window_days'",
    );
    assert_eq!(
        ws.expiry_window().unwrap(),
        45,
        "a repaired value reads again"
    );

    let login = crosswalk_core::settings::os_login();
    let ws = tamper(
        &dir,
        &format!("INSERT INTO settings (key, value) VALUES ('user.{login}.date_display', 'roman')"),
    );
    let m = corrupt_message(ws.settings());
    assert!(
        m.contains(&format!("row user.{login}.date_display, column `value` holds `roman`, which is not iso or day_month_year")),
        "{m}"
    );
}

#[test]
fn settings_that_would_widen_or_open_something_when_defaulted_are_named() {
    // Unreadable, the tracked frameworks used to read as "all of them" and
    // the idle lock as "off" (an encrypted workspace quietly left open).
    let (_tmp, dir) = workspace();
    let ws = tamper(
        &dir,
        "INSERT INTO settings (key, value) VALUES ('tracked_frameworks', 'soc2 and iso')",
    );
    let m = corrupt_message(ws.tracked_framework_ids());
    assert!(
        m.contains("row tracked_frameworks, column `value` holds `soc2 and iso`, which is not a JSON list of framework ids"),
        "{m}"
    );
    let ws = tamper(
        &dir,
        "INSERT INTO settings (key, value) VALUES ('vault.idle_lock_minutes', '-5')",
    );
    let m = corrupt_message(ws.idle_lock_minutes());
    assert!(
        m.contains("row vault.idle_lock_minutes, column `value` holds `-5`, which is not a whole number from 1 to"),
        "{m}"
    );
}
