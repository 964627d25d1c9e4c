//! The evidence vault: files, links and notes; content addressing; revisions;
//! removal; expiry in coverage and in the expiring list.
mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn with_base(ws: &Ws) {
    ws.import(&[&import_fixture("base.yaml")]);
}

fn write(ws: &Ws, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = ws.path(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

/// `sha256sum FILE` where the tool exists, else the same digest computed here.
fn sha256sum(path: &Path) -> String {
    match std::process::Command::new("sha256sum").arg(path).output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap()
            .to_string(),
        _ => sha256_file(path),
    }
}

fn id_of(e: &Value) -> String {
    e["id"].as_i64().expect("evidence id").to_string()
}

fn requirement<'a>(cov: &'a Value, reference: &str) -> &'a Value {
    cov[0]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ref"] == reference)
        .unwrap_or_else(|| panic!("no requirement {reference}"))
}

#[test]
fn file_link_and_note_evidence_are_added_listed_and_shown() {
    let ws = Ws::new();
    with_base(&ws);
    let pdf = write(
        &ws,
        "in/pen-test report.pdf",
        b"%PDF-1.4 pretend pen-test report\n",
    );
    let file = ws.evidence_add(&[
        "ENC-01,IAM-02",
        pdf.to_str().unwrap(),
        "--title",
        "Pen test 2026",
        "--collected",
        "2026-01-10",
        "--valid-until",
        "2099-01-10",
    ]);
    assert_eq!(file["kind"], "file");
    assert_eq!(file["title"], "Pen test 2026");
    assert_eq!(
        file["collected_on"], "2026-01-10",
        "the evidence date is the collected date, not the upload date"
    );
    assert_eq!(file["valid_until"], "2099-01-10");
    assert_eq!(strings(&file["controls"]), ["ENC-01", "IAM-02"]);
    let revs = file["revisions"].as_array().unwrap();
    assert_eq!(revs.len(), 1);
    assert_eq!(
        revs[0]["sha256"],
        sha256sum(&pdf),
        "the recorded SHA-256 must equal sha256sum of the file"
    );
    assert_eq!(revs[0]["size"], std::fs::metadata(&pdf).unwrap().len());
    assert_eq!(revs[0]["file_name"], "pen-test report.pdf");

    let link = ws.evidence_add(&[
        "ENC-01",
        "--url",
        "https://status.example.com/kms",
        "--valid-for",
        "90d",
        "--collected",
        "2026-01-10",
    ]);
    assert_eq!(link["kind"], "link");
    assert_eq!(link["url"], "https://status.example.com/kms");
    assert_eq!(
        link["valid_until"], "2026-04-10",
        "90 days from the collected date"
    );
    assert_eq!(link["revisions"], serde_json::json!([]));

    let note = ws.evidence_add(&[
        "IAM-02",
        "--note",
        "Quarterly access review done by the CISO.\nNo findings.",
        "--collected-by",
        "CISO",
    ]);
    assert_eq!(note["kind"], "note");
    assert_eq!(
        note["title"], "Quarterly access review done by the CISO.",
        "a note's title defaults to its first line"
    );
    assert_eq!(note["collected_by"], "CISO");

    let list = ws.evidence_list();
    let listed: Vec<String> = list.as_array().unwrap().iter().map(id_of).collect();
    assert_eq!(listed, [id_of(&file), id_of(&link), id_of(&note)]);
    for e in [&file, &link, &note] {
        assert_eq!(
            &ws.json(&["evidence", "show", &id_of(e)]),
            e,
            "`evidence show` should match what `add` returned"
        );
    }
    let for_iam: Vec<String> = ws
        .json(&["evidence", "list", "--control", "IAM-02"])
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(for_iam, [id_of(&file), id_of(&note)]);
    ws.assert_verifies("after adding file, link and note evidence");
}

#[test]
fn same_bytes_added_twice_are_stored_once() {
    let ws = Ws::new();
    with_base(&ws);
    let a = write(&ws, "a/policy.pdf", b"the same policy bytes\n");
    let b = write(&ws, "b/policy-copy.pdf", b"the same policy bytes\n");
    let e1 = ws.evidence_add(&["ENC-01", a.to_str().unwrap()]);
    let e2 = ws.evidence_add(&["IAM-02", b.to_str().unwrap()]);
    // The same file for the same control is a duplicate unless the user says
    // it is a new collection (tests/occurrences.rs checks the refusal).
    let e3 = ws.evidence_add(&[
        "IAM-02",
        a.to_str().unwrap(),
        "--title",
        "again",
        "--new-occurrence",
    ]);
    assert_ne!(e1["id"], e2["id"]);
    let sha = sha256_file(&a);
    for e in [&e1, &e2, &e3] {
        assert_eq!(e["revisions"][0]["sha256"], sha);
    }
    let stored = blobs(&ws.data);
    assert_eq!(
        stored.len(),
        1,
        "one blob for identical bytes, found {stored:?}"
    );
    assert_eq!(stored[0].file_name().unwrap().to_str().unwrap(), sha);
    assert_eq!(
        std::fs::read(&stored[0]).unwrap(),
        std::fs::read(&a).unwrap()
    );
    ws.assert_verifies("after adding the same bytes three times");
}

#[test]
fn replace_keeps_revision_one_and_adds_revision_two() {
    let ws = Ws::new();
    with_base(&ws);
    let v1 = write(&ws, "v1/backup-policy.pdf", b"backup policy, version 1\n");
    let v2 = write(
        &ws,
        "v2/backup-policy.pdf",
        b"backup policy, version 2 (restore tests monthly)\n",
    );
    let e = ws.evidence_add(&[
        "ENC-01",
        v1.to_str().unwrap(),
        "--collected",
        "2026-01-01",
        "--valid-until",
        "2099-01-01",
    ]);
    let id = id_of(&e);
    let replaced = ws.json(&[
        "evidence",
        "replace",
        &id,
        v2.to_str().unwrap(),
        "--collected",
        "2026-02-01",
    ]);
    assert_eq!(replaced["collected_on"], "2026-02-01");
    let shown = ws.json(&["evidence", "show", &id]);
    let revs = shown["revisions"].as_array().unwrap();
    let numbers: Vec<i64> = revs.iter().map(|r| r["number"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [1, 2]);
    let (h1, h2) = (sha256_file(&v1), sha256_file(&v2));
    assert_eq!(revs[0]["sha256"], h1);
    assert_eq!(revs[1]["sha256"], h2);
    for h in [&h1, &h2] {
        assert!(
            ws.data.join("evidence").join(&h[..2]).join(h).is_file(),
            "revision blob {h} is not in the vault"
        );
    }
    assert!(
        ws.log()
            .iter()
            .any(|ev| ev["action"] == "evidence.replaced"
                && ev["subject"] == format!("evidence:{id}"))
    );
    ws.assert_verifies("after a replace");
}

#[test]
fn removed_evidence_leaves_the_list_but_stays_in_the_log_and_the_vault() {
    let ws = Ws::new();
    with_base(&ws);
    let f = write(&ws, "in/old-scan.txt", b"scan from last year\n");
    let e = ws.evidence_add(&["ENC-01", f.to_str().unwrap()]);
    let keep = ws.evidence_add(&["ENC-01", "--note", "keeps the list non-empty"]);
    let id = id_of(&e);
    let r = ws.run(&["evidence", "remove", &id]);
    assert!(r.ok(), "{}", r.stderr);
    let listed: Vec<String> = ws
        .evidence_list()
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(
        listed,
        [id_of(&keep)],
        "removed evidence must leave `evidence list`"
    );
    assert!(
        ws.json(&["evidence", "show", &id])["removed_at"].is_string(),
        "`evidence show` should still show it, as removed"
    );
    let subject = format!("evidence:{id}");
    let actions: Vec<String> = ws
        .log()
        .iter()
        .filter(|ev| ev["subject"] == subject.as_str())
        .map(|ev| ev["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions,
        ["evidence.removed", "evidence.added"],
        "the log keeps both the addition and the removal (newest first)"
    );
    let sha = sha256_file(&f);
    assert!(
        ws.data
            .join("evidence")
            .join(&sha[..2])
            .join(&sha)
            .is_file(),
        "the removed evidence's blob must stay in the vault"
    );
    ws.fails(&["evidence", "remove", &id]);
    ws.assert_verifies("after a removal");
}

#[test]
fn expired_evidence_makes_a_covered_requirement_stale_and_soon_expiring_evidence_is_listed() {
    // Today is pinned to 2026-11-08 for every command of this workspace.
    let ws = Ws::pinned();
    with_base(&ws);
    let soc2 = |r: &str| requirement(&ws.json(&["coverage", "soc2"]), r).clone();
    assert_eq!(soc2("CC6.1")["status"], "gap");

    // ENC-01 (implemented, maps fully to CC6.1): evidence valid until yesterday.
    let f = write(&ws, "in/kms.json", b"{\"rotation\": \"yearly\"}\n");
    let expired = ws.evidence_add(&[
        "ENC-01",
        f.to_str().unwrap(),
        "--collected",
        "2026-05-01",
        "--valid-until",
        "2026-11-07",
    ]);
    let cc61 = soc2("CC6.1");
    assert_eq!(
        cc61["status"], "stale",
        "expired evidence must not count: {cc61}"
    );
    let fw = ws.json(&["frameworks"]);
    let soc2_row = fw
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "soc2")
        .unwrap();
    assert_eq!(soc2_row["stale"], 1);
    assert_eq!(soc2_row["covered"], 0);

    // IAM-02 (implemented, maps fully to CC6.2): evidence that expires in 10 days.
    let soon = ws.evidence_add(&[
        "IAM-02",
        "--note",
        "Access review signed off",
        "--collected",
        "2026-11-01",
        "--valid-until",
        "2026-11-18",
    ]);
    assert_eq!(soc2("CC6.2")["status"], "covered");
    // Evidence valid for a long time is in neither list.
    ws.evidence_add(&[
        "IAM-02",
        "--note",
        "Role catalogue",
        "--collected",
        "2026-11-01",
        "--valid-until",
        "2027-11-01",
    ]);

    let x = ws.json(&["evidence", "list", "--expiring", "30"]);
    let ids = |v: &Value| v.as_array().unwrap().iter().map(id_of).collect::<Vec<_>>();
    assert_eq!(ids(&x["expiring"]), [id_of(&soon)], "{x}");
    assert_eq!(ids(&x["expired"]), [id_of(&expired)], "{x}");
    // A 5-day horizon does not reach the 18th.
    let x5 = ws.json(&["evidence", "list", "--expiring", "5"]);
    assert_eq!(ids(&x5["expiring"]), Vec::<String>::new(), "{x5}");

    // Renewing the expired evidence brings coverage back.
    let f2 = write(
        &ws,
        "in/kms-2.json",
        b"{\"rotation\": \"yearly\", \"checked\": true}\n",
    );
    ws.json(&[
        "evidence",
        "replace",
        &id_of(&expired),
        f2.to_str().unwrap(),
        "--collected",
        "2026-11-08",
        "--valid-until",
        "2027-11-08",
    ]);
    assert_eq!(soc2("CC6.1")["status"], "covered");
    ws.assert_verifies("after expiry checks");
}

#[test]
fn evidence_add_refuses_bad_input_and_writes_nothing() {
    let ws = Ws::pinned();
    with_base(&ws);
    let f = write(&ws, "in/x.txt", b"x\n");
    let before = ws.snapshot();
    ws.fails(&[
        "evidence",
        "add",
        "ENC-01",
        f.to_str().unwrap(),
        "--collected",
        "2030-01-01",
    ]); // future evidence date
    ws.fails(&[
        "evidence",
        "add",
        "ENC-01",
        f.to_str().unwrap(),
        "--collected",
        "2026-10-01",
        "--valid-until",
        "2026-09-01",
    ]);
    ws.fails(&["evidence", "add", "ENC-01", "--url", "not a url"]);
    ws.fails(&[
        "evidence",
        "add",
        "ENC-01",
        ws.path("in/missing.pdf").to_str().unwrap(),
    ]);
    ws.fails(&["evidence", "add", "ENC-01", "--note", "   "]);
    ws.fails(&[
        "evidence",
        "add",
        "ENC-01",
        f.to_str().unwrap(),
        "--collected",
        "2026-02-30",
    ]);
    assert_unchanged(&before, &ws.snapshot(), "refused `evidence add`");
}
