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
