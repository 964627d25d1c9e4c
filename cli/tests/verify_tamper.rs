//! `verify` proves the vault and the audit trail unchanged: each test tampers
//! with one thing the way someone with disk access could, on a fresh workspace.
mod common;

use common::*;
use rusqlite::Connection;
use serde_json::Value;
use std::path::PathBuf;

struct Healthy {
    ws: Ws,
    /// Evidence id and blob path of the two files.
    file_a: (i64, PathBuf),
    file_b: (i64, PathBuf),
    note: i64,
}

/// base.yaml + two file evidence + a note; verify passes.
fn healthy() -> Healthy {
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    let mut files = Vec::new();
    for (name, body) in [
        ("firewall-rules.txt", "deny all inbound except 443\n"),
        ("mfa-report.csv", "user,mfa\nalice,yes\nbob,yes\n"),
    ] {
        let p = ws.path(name);
        std::fs::write(&p, body).unwrap();
        let e = ws.evidence_add(&["ENC-01", p.to_str().unwrap(), "--valid-until", "2099-01-01"]);
        let sha = e["revisions"][0]["sha256"].as_str().unwrap().to_string();
        files.push((
            e["id"].as_i64().unwrap(),
            ws.data.join("evidence").join(&sha[..2]).join(&sha),
        ));
    }
    let note = ws.evidence_add(&[
        "IAM-02",
        "--note",
        "Access review done",
        "--valid-until",
        "2099-01-01",
    ])["id"]
        .as_i64()
        .unwrap();
    ws.assert_verifies("on the healthy workspace");
    let file_b = files.pop().unwrap();
    let file_a = files.pop().unwrap();
    Healthy {
        ws,
        file_a,
        file_b,
        note,
    }
}

fn db(ws: &Ws) -> Connection {
    Connection::open(ws.data.join("crosswalk.db")).unwrap()
}

/// Runs verify after tampering: it must fail, in text and JSON; returns the faults.
fn faults(ws: &Ws) -> Vec<Value> {
    let text = ws.run(&["verify"]);
    assert!(
        !text.ok() && text.code.is_some(),
        "verify should exit non-zero after tampering (exit {:?}):\n{}{}",
        text.code,
        text.stdout,
        text.stderr
    );
    let (r, v) = ws.verify();
    assert!(
        !r.ok(),
        "verify --json should exit non-zero after tampering"
    );
    assert_eq!(v["ok"], false);
    let faults = v["faults"].as_array().unwrap().clone();
    assert!(!faults.is_empty());
    faults
}

fn describe(faults: &[Value]) -> String {
    serde_json::to_string_pretty(faults).unwrap()
}

#[test]
fn verify_passes_on_a_healthy_workspace_with_evidence() {
    let h = healthy();
    let (r, v) = h.ws.verify();
    assert!(r.ok());
    assert_eq!(v["files_checked"], 2);
    assert_eq!(v["evidence_checked"], 3);
    assert!(v["events_checked"].as_u64().unwrap() >= 4);
    let text = h.ws.ok(&["verify"]);
    assert!(text.contains("OK"), "{text}");
}

#[test]
fn verify_catches_one_flipped_byte_in_a_stored_blob_and_names_the_evidence() {
    let h = healthy();
    let (id, blob) = &h.file_b;
    let mut bytes = std::fs::read(blob).unwrap();
    bytes[5] ^= 0x01;
    std::fs::write(blob, &bytes).unwrap();
    let faults = faults(&h.ws);
    assert_eq!(
        faults.len(),
        1,
        "only the changed blob is at fault:\n{}",
        describe(&faults)
    );
    let sha = blob.file_name().unwrap().to_str().unwrap();
    assert_eq!(faults[0]["subject"], format!("blob:{sha}"));
    assert!(
        faults[0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("evidence #{id}")),
        "{}",
        describe(&faults)
    );
    assert!(
        h.ws.run(&["verify"])
            .stdout
            .contains(&format!("evidence #{id}")),
        "the text output should name the evidence too"
    );
}

#[test]
fn verify_catches_a_deleted_blob_and_names_the_evidence() {
    let h = healthy();
    let (id, blob) = &h.file_a;
    std::fs::remove_file(blob).unwrap();
    let faults = faults(&h.ws);
    assert_eq!(faults.len(), 1, "{}", describe(&faults));
    let msg = faults[0]["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!("evidence #{id}")) && msg.contains("missing"),
        "{}",
        describe(&faults)
    );
}

#[test]
fn verify_catches_an_evidence_row_edited_in_sqlite() {
    let h = healthy();
    let id = h.file_a.0;
    let n = db(&h.ws)
        .execute(
            "UPDATE evidence SET valid_until = '2099-12-31' WHERE id = ?1",
            [id],
        )
        .unwrap();
    assert_eq!(n, 1);
    let faults = faults(&h.ws);
    let subjects: Vec<&str> = faults
        .iter()
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [format!("evidence:{id}")],
        "{}",
        describe(&faults)
    );
}

#[test]
fn verify_catches_an_evidence_link_to_another_control_inserted_in_sqlite() {
    let h = healthy();
    db(&h.ws)
        .execute(
            "INSERT INTO evidence_controls (evidence_id, control_id) VALUES (?1, 'IAM-02')",
            [h.file_b.0],
        )
        .unwrap();
    let faults = faults(&h.ws);
    assert!(
        faults
            .iter()
            .any(|f| f["subject"] == format!("evidence:{}", h.file_b.0)),
        "{}",
        describe(&faults)
    );
}

#[test]
fn verify_catches_a_control_mapping_edited_in_sqlite() {
    let h = healthy();
    let n = db(&h.ws).execute("UPDATE mappings SET coverage = 'partial' WHERE control_id = 'ENC-01' AND framework_id = 'soc2'", []).unwrap();
    assert_eq!(n, 1);
    let faults = faults(&h.ws);
    assert!(
        faults.iter().any(|f| f["subject"] == "control:ENC-01"),
        "{}",
        describe(&faults)
    );
}

fn event_seq(ws: &Ws, action: &str, subject: &str) -> i64 {
    ws.log()
        .iter()
        .find(|e| e["action"] == action && e["subject"] == subject)
        .unwrap_or_else(|| panic!("no {action} event for {subject}"))["seq"]
        .as_i64()
        .unwrap()
}

#[test]
fn verify_catches_an_audit_event_summary_edited_in_sqlite() {
    let h = healthy();
    let seq = event_seq(&h.ws, "evidence.added", &format!("evidence:{}", h.file_a.0));
    let n = db(&h.ws)
        .execute(
            "UPDATE audit_log SET summary = 'Nothing to see here' WHERE seq = ?1",
            [seq],
        )
        .unwrap();
    assert_eq!(n, 1);
    let faults = faults(&h.ws);
    let subjects: Vec<&str> = faults
        .iter()
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, [format!("audit:{seq}")], "{}", describe(&faults));
}

#[test]
fn verify_catches_an_audit_event_deleted_from_the_middle_of_the_trail() {
    let h = healthy();
    let seq = event_seq(&h.ws, "evidence.added", &format!("evidence:{}", h.file_a.0));
    let n = db(&h.ws)
        .execute("DELETE FROM audit_log WHERE seq = ?1", [seq])
        .unwrap();
    assert_eq!(n, 1);
    let faults = faults(&h.ws);
    let next = format!("audit:{}", seq + 1);
    let gap = faults
        .iter()
        .find(|f| f["subject"] == next.as_str())
        .unwrap_or_else(|| panic!("no fault at {next}:\n{}", describe(&faults)));
    assert!(
        gap["message"].as_str().unwrap().contains(&seq.to_string()),
        "the fault should name the missing event {seq}: {gap}"
    );
}

#[test]
fn verify_catches_the_newest_audit_event_deleted_when_it_recorded_evidence() {
    let h = healthy();
    let newest = h.ws.log()[0].clone();
    assert_eq!(newest["subject"], format!("evidence:{}", h.note));
    db(&h.ws)
        .execute(
            "DELETE FROM audit_log WHERE seq = ?1",
            [newest["seq"].as_i64().unwrap()],
        )
        .unwrap();
    let faults = faults(&h.ws);
    assert!(
        faults
            .iter()
            .any(|f| f["subject"] == format!("evidence:{}", h.note)),
        "{}",
        describe(&faults)
    );
}

/// Cutting the newest event off the trail must not go unnoticed just because
/// it recorded an assessment change rather than evidence.
#[test]
fn verify_catches_the_newest_audit_event_deleted_when_it_recorded_an_assessment_change() {
    let h = healthy();
    let a = h.ws.json(&[
        "assessment",
        "create",
        "--name",
        "SOC 2 Type II",
        "--framework",
        "soc2",
        "--period",
        "2026-01-01..2026-12-31",
    ]);
    let id = a["id"].as_i64().unwrap().to_string();
    let r = h.ws.run(&[
        "assessment",
        "applicability",
        &id,
        "--framework",
        "soc2",
        "--ref",
        "CC6.2",
        "--not-applicable",
        "--justification",
        "no user accounts in scope",
    ]);
    assert!(r.ok(), "{}", r.stderr);
    h.ws.assert_verifies("after the assessment changes");
    let newest = h.ws.log()[0].clone();
    assert_eq!(newest["action"], "assessment.applicability");
    db(&h.ws)
        .execute(
            "DELETE FROM audit_log WHERE seq = ?1",
            [newest["seq"].as_i64().unwrap()],
        )
        .unwrap();
    let text = h.ws.run(&["verify"]);
    assert!(
        !text.ok(),
        "deleting the newest audit event (seq {}, {}) went unnoticed: the scoping-out of CC6.2 now has no audit record\n{}",
        newest["seq"],
        newest["action"],
        text.stdout
    );
}

/// Scoping requirements out behind the app's back inflates coverage; verify must notice.
#[test]
fn verify_catches_not_applicable_rows_inserted_directly_in_sqlite() {
    let h = healthy();
    let a = h.ws.json(&[
        "assessment",
        "create",
        "--name",
        "ISO audit",
        "--framework",
        "iso27001-2022",
        "--period",
        "2026-01-01..2026-12-31",
    ]);
    let id = a["id"].as_i64().unwrap();
    h.ws.assert_verifies("after creating the assessment");
    db(&h.ws)
        .execute(
            "INSERT INTO applicability (assessment_id, framework_id, ref, applicable, justification, implementation) VALUES (?1, 'iso27001-2022', 'A.5.1', 0, 'x', '')",
            [id],
        )
        .unwrap();
    let cov = h.ws.json(&["coverage", "--assessment", &id.to_string()]);
    let a51 = cov[0]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ref"] == "A.5.1")
        .unwrap()
        .clone();
    assert_eq!(
        a51["status"], "not_applicable",
        "the tampered row is in effect"
    );
    let text = h.ws.run(&["verify"]);
    assert!(
        !text.ok(),
        "an applicability row written outside Crosswalk went unnoticed:\n{}",
        text.stdout
    );
}
