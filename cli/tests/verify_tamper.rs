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

// ---- issue 11: every row that decides a status or appears in a report ----

/// The faults of a verify that must finish within `secs` (a hang fails).
fn faults_within(ws: &Ws, secs: u64) -> Vec<Value> {
    let mut child = ws
        .command(&["verify", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("verify hung for more than {secs}s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "verify should fail");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["faults"].as_array().unwrap().clone()
}

fn assert_named(faults: &[Value], subject: &str, words: &str) {
    assert!(
        faults
            .iter()
            .any(|f| f["subject"] == subject && f["message"].as_str().unwrap().contains(words)),
        "expected a fault on {subject} saying `{words}`:\n{}",
        describe(faults)
    );
}

#[test]
fn verify_catches_a_crosswalk_link_inserted_in_sqlite() {
    let h = healthy();
    db(&h.ws)
        .execute(
            "INSERT INTO crosswalk_links (from_framework, from_ref, to_framework, to_ref, relationship, basis, source, origin)
             VALUES ('soc2', 'CC6.1', 'gdpr', 'Art. 5(1)(a)', 'equal', 'published', 'forged', 'shipped')",
            [],
        )
        .unwrap();
    assert_named(
        &faults(&h.ws),
        "crosswalk:shipped",
        "soc2 CC6.1 equal gdpr Art. 5(1)(a)",
    );
    // The same link under an origin of its own is a user crosswalk no event recorded.
    let h = healthy();
    db(&h.ws)
        .execute(
            "INSERT INTO crosswalk_links (from_framework, from_ref, to_framework, to_ref, relationship, basis, source, origin)
             VALUES ('soc2', 'CC6.1', 'gdpr', 'Art. 5(1)(a)', 'equal', 'published', 'forged', '/tmp/x.yaml')",
            [],
        )
        .unwrap();
    assert_named(
        &faults(&h.ws),
        "crosswalk:/tmp/x.yaml",
        "no audit event records it",
    );
}

#[test]
fn verify_catches_an_edited_requirement_title() {
    let h = healthy();
    db(&h.ws)
        .execute(
            "UPDATE requirements SET title = 'Nothing to see' WHERE framework_id = 'soc2' AND ref = 'CC6.1'",
            [],
        )
        .unwrap();
    assert_named(&faults(&h.ws), "requirement:soc2/CC6.1", "title differs");
}

#[test]
fn verify_catches_an_edited_shipped_framework() {
    let h = healthy();
    db(&h.ws)
        .execute("UPDATE frameworks SET version = '9' WHERE id = 'gdpr'", [])
        .unwrap();
    assert_named(
        &faults(&h.ws),
        "framework:gdpr",
        "differs from the catalog shipped",
    );
}

#[test]
fn verify_catches_an_edited_organisation() {
    let h = healthy();
    h.ws.ok(&["organisation", "Acme Ltd"]);
    h.ws.assert_verifies("after setting the organisation");
    db(&h.ws)
        .execute(
            "UPDATE settings SET value = 'Evil Corp' WHERE key = 'organisation'",
            [],
        )
        .unwrap();
    assert_named(
        &faults(&h.ws),
        "setting:organisation",
        "differs from what audit event",
    );
}

#[test]
fn verify_catches_an_edited_import_key() {
    let ws = Ws::new();
    let lib = ws.path("lib");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::write(
        lib.join("c.yaml"),
        "controls:\n  - id: ENC-01\n    title: Enc\n    status: implemented\n    evidence:\n      - title: Proof\n        note: done\n        collected: 2026-01-01\n",
    )
    .unwrap();
    ws.import(&[&lib]);
    ws.assert_verifies("after the import");
    db(&ws)
        .execute("UPDATE evidence SET import_key = 'OTHER/Proof'", [])
        .unwrap();
    let f = faults(&ws);
    assert!(
        f.iter()
            .any(|f| f["subject"].as_str().unwrap().starts_with("import-key:")),
        "{}",
        describe(&f)
    );
}

#[test]
fn verify_does_not_hang_on_a_fifo_or_a_device_in_place_of_a_blob() {
    let h = healthy();
    let (id, blob) = &h.file_a;
    std::fs::remove_file(blob).unwrap();
    let c = std::ffi::CString::new(blob.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let sha = blob.file_name().unwrap().to_str().unwrap();
    let f = faults_within(&h.ws, 30);
    assert_named(&f, &format!("blob:{sha}"), "FIFO");
    assert_named(&f, &format!("blob:{sha}"), &format!("evidence #{id}"));
    // A report must not hang either: it runs verify.
    let mut child =
        h.ws.command(&["report", "-o", h.ws.path("r.pdf").to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "report hung on a FIFO blob"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (_, blob_b) = &h.file_b;
    std::fs::remove_file(blob_b).unwrap();
    std::os::unix::fs::symlink("/dev/zero", blob_b).unwrap();
    let f = faults_within(&h.ws, 30);
    let sha_b = blob_b.file_name().unwrap().to_str().unwrap();
    assert_named(&f, &format!("blob:{sha_b}"), "symbolic link");
}

#[test]
fn verify_reports_orphan_blobs_and_gc_removes_them_audited() {
    let h = healthy();
    let vault = h.ws.data.join("evidence");
    let orphan = vault.join("ab").join("ab".repeat(32));
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, "left by a failed import").unwrap();
    std::fs::create_dir_all(vault.join("tmp")).unwrap();
    let partial = vault.join("tmp").join("ingest-abc");
    std::fs::write(&partial, vec![0u8; 1000]).unwrap();
    let (r, v) = h.ws.verify();
    assert!(r.ok(), "orphans are not faults");
    assert_eq!(strings(&v["orphan_blobs"]), [orphan.display().to_string()]);
    // Young files are kept: they may belong to an import about to commit.
    let g = h.ws.json(&["gc"]);
    assert_eq!(g["kept_recent"], 2, "{g}");
    assert!(orphan.exists());
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for p in [&orphan, &partial] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let dry = h.ws.json(&["gc", "--dry-run"]);
    assert_eq!(
        strings(&dry["orphan_blobs"]),
        [orphan.display().to_string()]
    );
    assert!(
        orphan.exists() && partial.exists(),
        "a dry run removes nothing"
    );
    let g = h.ws.json(&["gc"]);
    assert_eq!(g["temp_files"].as_array().unwrap().len(), 1);
    assert!(!orphan.exists() && !partial.exists());
    assert_eq!(h.ws.log()[0]["action"], "gc");
    h.ws.assert_verifies("after gc");
    // Referenced blobs are never touched.
    assert!(h.file_a.1.exists() && h.file_b.1.exists());
}
