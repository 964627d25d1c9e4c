//! Chain anchors (issue 11, finding 3): a consistent hash chain alone cannot
//! tell a rewritten or truncated trail from an honest one; an anchor kept
//! outside the workspace can. Each test is a forger with write access to the
//! database who recomputes every hash.
mod common;

use common::*;
use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn db(ws: &Ws) -> Connection {
    Connection::open(ws.data.join("crosswalk.db")).unwrap()
}

/// A workspace with a few events; returns its anchor `HASH:COUNT`.
fn workspace_with_history() -> (Ws, String) {
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    ws.ok(&["organisation", "Acme Ltd"]);
    ws.evidence_add(&[
        "ENC-01",
        "--note",
        "KMS checked",
        "--valid-until",
        "2099-01-01",
    ]);
    let (r, v) = ws.verify();
    assert!(r.ok());
    let anchor = format!(
        "{}:{}",
        v["last_event_hash"].as_str().unwrap(),
        v["events_checked"]
    );
    (ws, anchor)
}

/// Recomputes every hash from genesis, as a forger who knows the format would.
fn rechain(conn: &Connection) {
    let rows: Vec<(i64, String, String, String, String, String, String)> = {
        let mut stmt = conn
            .prepare("SELECT seq, at, actor, action, subject, summary, details FROM audit_log ORDER BY seq")
            .unwrap();
        let r = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .unwrap();
        r.map(|x| x.unwrap()).collect()
    };
    let mut prev = "0".repeat(64);
    for (i, (seq, at, actor, action, subject, summary, details)) in rows.into_iter().enumerate() {
        let seq_new = i as i64 + 1;
        let canonical = serde_json::to_string(&(
            seq_new, &at, &actor, &action, &subject, &summary, &details, &prev,
        ))
        .unwrap();
        let hash = hex::encode(Sha256::digest(canonical.as_bytes()));
        conn.execute(
            "UPDATE audit_log SET seq = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            rusqlite::params![seq_new, prev, hash, seq],
        )
        .unwrap();
        prev = hash;
    }
}

fn verify_with_anchor(ws: &Ws, anchor: &str) -> (Run, Value) {
    let r = ws.run(&["verify", "--json", "--anchor", anchor]);
    let v = r.json();
    (r, v)
}

fn anchor_fault(v: &Value) -> String {
    v["faults"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["subject"].as_str().unwrap().starts_with("anchor:"))
        .map(|f| f["message"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no anchor fault in {v}"))
}

#[test]
fn an_anchor_holds_on_an_untouched_workspace_and_after_more_work() {
    let (ws, anchor) = workspace_with_history();
    let (r, v) = verify_with_anchor(&ws, &anchor);
    assert!(r.ok(), "{v}");
    assert_eq!(strings(&v["anchors_checked"]), [anchor.as_str()]);
    ws.evidence_add(&[
        "IAM-02",
        "--note",
        "later work",
        "--valid-until",
        "2099-01-01",
    ]);
    let (r, _) = verify_with_anchor(&ws, &anchor);
    assert!(r.ok(), "appending honest events keeps the old prefix");
    let text = ws.ok(&["verify", "--anchor", &anchor]);
    assert!(text.contains("still holds exactly these events"), "{text}");
}

#[test]
fn a_fully_rechained_trail_passes_plain_verify_but_not_the_anchor() {
    let (ws, anchor) = workspace_with_history();
    let conn = db(&ws);
    conn.execute(
        "UPDATE audit_log SET actor = 'someone else' WHERE seq = 2",
        [],
    )
    .unwrap();
    rechain(&conn);
    drop(conn);
    ws.assert_verifies("after a full re-chain (this is what an anchor is for)");
    let (r, v) = verify_with_anchor(&ws, &anchor);
    assert!(!r.ok());
    assert!(anchor_fault(&v).contains("rewritten"), "{v}");
}

#[test]
fn deleted_tail_events_are_caught_by_an_anchor() {
    let (ws, anchor) = workspace_with_history();
    // Delete the last event and roll back what it did: the evidence row.
    let conn = db(&ws);
    conn.execute_batch(
        "DELETE FROM evidence_controls; DELETE FROM evidence_revisions; DELETE FROM evidence;
         DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log);",
    )
    .unwrap();
    drop(conn);
    ws.assert_verifies("after cutting the tail and rolling back its rows");
    let (r, v) = verify_with_anchor(&ws, &anchor);
    assert!(!r.ok());
    assert!(anchor_fault(&v).contains("events were removed"), "{v}");
}

#[test]
fn a_report_carries_its_anchor_in_the_pdf_and_verify_reads_it() {
    let (ws, _) = workspace_with_history();
    let (_, before) = ws.verify();
    let pdf = ws.path("report.pdf");
    ws.ok(&["report", "-o", pdf.to_str().unwrap()]);
    let (r, v) = verify_with_anchor(&ws, pdf.to_str().unwrap());
    assert!(r.ok(), "{v}");
    let expected = format!(
        "{}:{}",
        before["last_event_hash"].as_str().unwrap(),
        before["events_checked"]
    );
    assert_eq!(strings(&v["anchors_checked"]), [expected.as_str()]);
    // The anchor is also printed in the report for people.
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).replace('\n', " "))
        .unwrap_or_default();
    if !text.is_empty() {
        assert!(text.contains("Anchor"), "the report shows its anchor");
        assert!(text.contains("without an anchor") || text.contains("On its own"));
    }
    // Rewrite the trail: the old report now proves it.
    let conn = db(&ws);
    conn.execute(
        "UPDATE audit_log SET summary = 'nothing happened' WHERE seq = 1",
        [],
    )
    .unwrap();
    rechain(&conn);
    drop(conn);
    let (r, v) = verify_with_anchor(&ws, pdf.to_str().unwrap());
    assert!(!r.ok());
    assert!(anchor_fault(&v).contains("rewritten"), "{v}");
}

#[test]
fn a_bad_anchor_is_a_clear_error() {
    let (ws, _) = workspace_with_history();
    let r = ws.fails(&["verify", "--anchor", "abc:1"]);
    assert!(r.stderr.contains("HASH:COUNT"), "{}", r.stderr);
    let not_pdf = ws.path("x.pdf");
    std::fs::write(&not_pdf, "hello").unwrap();
    let r = ws.fails(&["verify", "--anchor", not_pdf.to_str().unwrap()]);
    assert!(
        r.stderr.contains("no Crosswalk chain anchor"),
        "{}",
        r.stderr
    );
}
