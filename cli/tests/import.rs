//! Importing control YAML: add, re-import, change, missing/prune, dry run,
//! refs read as written, and the export round trip.
mod common;

use common::*;
use serde_json::Value;
use std::path::PathBuf;

/// A private copy of tests/fixtures/import/library (controls.yaml + evidence/).
fn library_copy(ws: &Ws) -> PathBuf {
    let dir = ws.path("library");
    copy_dir(&import_fixture("library"), &dir);
    dir
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

fn changed_fields(report: &Value, id: &str) -> Vec<String> {
    let c = report["changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} not reported as changed: {report}"));
    strings(&c["fields"])
}

#[test]
fn import_of_a_clean_library_adds_every_control_and_its_evidence_in_one_audit_event() {
    let ws = Ws::new();
    let lib = library_copy(&ws);
    let events_before = ws.log().len();
    let report = ws.import(&[&lib]);
    assert_eq!(strings(&report["added"]), ["ENC-01", "IAM-02", "LOG-03"]);
    assert_eq!(report["evidence_added"], 4);
    assert_eq!(report["dry_run"], false);
    assert_eq!(ids(&ws.controls()), ["ENC-01", "IAM-02", "LOG-03"]);
    assert_eq!(ws.evidence_list().as_array().unwrap().len(), 4);
    let log = ws.log();
    assert_eq!(
        log.len(),
        events_before + 1,
        "an import is exactly one audit event"
    );
    assert_eq!(log[0]["action"], "import");
    // The two evidence files are in the vault under their SHA-256.
    for f in ["kms-key-policy.json", "access-review-q3.csv"] {
        let sha = sha256_file(&lib.join("evidence").join(f));
        assert!(
            ws.data
                .join("evidence")
                .join(&sha[..2])
                .join(&sha)
                .is_file(),
            "{f} is not in the vault as {sha}"
        );
    }
    ws.assert_verifies("after a clean import");
}

#[test]
fn reimporting_the_same_library_reports_all_unchanged_and_writes_no_audit_event() {
    let ws = Ws::new();
    let lib = library_copy(&ws);
    ws.import(&[&lib]);
    let before = ws.snapshot();
    let report = ws.import(&[&lib]);
    assert_eq!(strings(&report["added"]), Vec::<String>::new());
    assert_eq!(report["changed"], serde_json::json!([]));
    assert_eq!(
        strings(&report["unchanged"]),
        ["ENC-01", "IAM-02", "LOG-03"]
    );
    assert_eq!(report["evidence_added"], 0);
    assert_eq!(report["evidence_updated"], 0);
    assert_eq!(report["evidence_unchanged"], 4);
    assert_unchanged(&before, &ws.snapshot(), "re-importing the same library");
}

#[test]
fn changed_file_reports_which_controls_changed_and_which_fields() {
    let ws = Ws::new();
    let lib = library_copy(&ws);
    ws.import(&[&lib]);
    let events_before = ws.log().len();
    std::fs::copy(
        import_fixture("library-changed.yaml"),
        lib.join("controls.yaml"),
    )
    .unwrap();
    let report = ws.import(&[&lib]);
    assert_eq!(strings(&report["added"]), Vec::<String>::new());
    assert_eq!(changed_fields(&report, "ENC-01"), ["title", "maps"]);
    assert_eq!(changed_fields(&report, "IAM-02"), ["status"]);
    assert_eq!(report["changed"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(strings(&report["unchanged"]), ["LOG-03"]);
    assert_eq!(ws.log().len(), events_before + 1);
    let enc = ws.json(&["control", "ENC-01"]);
    assert_eq!(enc["title"], "Encryption of data at rest (AES-256-GCM)");
    assert!(
        enc["mappings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["framework_id"] == "nist-csf-2.0" && m["ref"] == "PR.DS-02"),
        "{enc}"
    );
    assert_eq!(ws.json(&["control", "IAM-02"])["status"], "implemented");
    ws.assert_verifies("after a changed import");
}

#[test]
fn changed_evidence_file_on_reimport_adds_a_revision_and_keeps_the_old_one() {
    let ws = Ws::new();
    let lib = library_copy(&ws);
    ws.import(&[&lib]);
    let csv = lib.join("evidence/access-review-q3.csv");
    let old_sha = sha256_file(&csv);
    std::fs::write(&csv, "user,role,reviewer,decision\nalice,admin,bob,keep\n").unwrap();
    let report = ws.import(&[&lib]);
    assert_eq!(changed_fields(&report, "IAM-02"), ["evidence"]);
    assert_eq!(report["evidence_updated"], 1);
    assert_eq!(report["evidence_unchanged"], 3);
    let iam = ws.json(&["control", "IAM-02"]);
    let review = iam["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"] == "Q3 access review")
        .unwrap();
    let shas: Vec<&str> = review["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sha256"].as_str().unwrap())
        .collect();
    assert_eq!(
        shas,
        [old_sha.as_str(), sha256_file(&csv).as_str()],
        "the old revision must stay, the new one is current"
    );
    ws.assert_verifies("after an evidence revision by import");
}

#[test]
fn control_deleted_from_its_file_is_reported_missing_and_kept() {
    let ws = Ws::new();
    let lib = library_copy(&ws);
    ws.import(&[&lib]);
    std::fs::copy(
        import_fixture("library-without-log.yaml"),
        lib.join("controls.yaml"),
    )
    .unwrap();
    let report = ws.import(&[&lib]);
    assert_eq!(strings(&report["missing"]), ["LOG-03"]);
    assert_eq!(strings(&report["removed"]), Vec::<String>::new());
    assert_eq!(
        ids(&ws.controls()),
        ["ENC-01", "IAM-02", "LOG-03"],
        "without --prune the control stays"
    );
    // The text output tells the user what to do.
    let text = ws.ok(&["import", lib.to_str().unwrap()]);
    assert!(
        text.contains("LOG-03") && text.contains("--prune"),
        "{text}"
    );
}

#[test]
fn prune_removes_controls_deleted_from_their_file_and_verify_still_passes() {
    let ws = Ws::new();
    let lib = library_copy(&ws);
    ws.import(&[&lib]);
    std::fs::copy(
        import_fixture("library-without-log.yaml"),
        lib.join("controls.yaml"),
    )
    .unwrap();
    let report = ws.json(&["import", "--prune", lib.to_str().unwrap()]);
    assert_eq!(strings(&report["removed"]), ["LOG-03"]);
    assert_eq!(strings(&report["missing"]), Vec::<String>::new());
    assert_eq!(ids(&ws.controls()), ["ENC-01", "IAM-02"]);
    ws.fails(&["control", "LOG-03"]);
    ws.assert_verifies("after a pruning import");
}

/// A control pruned by mistake and restored in its file (e.g. a git revert)
/// must come back whole: with the evidence its YAML declares.
#[test]
fn control_restored_after_prune_gets_its_yaml_evidence_back() {
    let ws = Ws::new();
    let lib = library_copy(&ws);
    ws.import(&[&lib]);
    let log_evidence_before = ws.json(&["control", "LOG-03"])["evidence"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(log_evidence_before, 1);
    std::fs::copy(
        import_fixture("library-without-log.yaml"),
        lib.join("controls.yaml"),
    )
    .unwrap();
    ws.json(&["import", "--prune", lib.to_str().unwrap()]);
    std::fs::copy(
        import_fixture("library/controls.yaml"),
        lib.join("controls.yaml"),
    )
    .unwrap();
    let report = ws.import(&[&lib]);
    assert_eq!(strings(&report["added"]), ["LOG-03"]);
    let log = ws.json(&["control", "LOG-03"]);
    let titles: Vec<&str> = log["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Log retention decision"],
        "the restored control lost the evidence its YAML declares (import report: {report})"
    );
    let cov = ws.json(&["coverage", "nist-csf-2.0"]);
    let de = cov[0]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ref"] == "DE.CM-01")
        .unwrap()
        .clone();
    assert_eq!(
        de["status"], "covered",
        "DE.CM-01 should be covered again by LOG-03 and its note: {}",
        de["reason"]
    );
}

#[test]
fn dry_run_reports_but_writes_nothing() {
    let ws = Ws::new();
    let lib = library_copy(&ws);
    ws.import(&[&lib]);
    // A changed library plus a new file whose evidence file is not in the vault yet.
    std::fs::copy(
        import_fixture("library-changed.yaml"),
        lib.join("controls.yaml"),
    )
    .unwrap();
    let extra = ws.path("extra");
    std::fs::create_dir_all(&extra).unwrap();
    std::fs::write(extra.join("scan.txt"), "no findings, 2026-01-31\n").unwrap();
    std::fs::write(
        extra.join("new.yaml"),
        "controls:\n  - id: VUL-09\n    title: Vulnerability scanning\n    status: implemented\n    maps:\n      soc2: [CC7.1]\n    evidence:\n      - title: Scan\n        file: scan.txt\n        collected: 2026-01-31\n",
    )
    .unwrap();
    let before = ws.snapshot();
    let db_before = std::fs::read(ws.data.join("crosswalk.db")).unwrap();
    let report = ws.json(&[
        "import",
        "--dry-run",
        lib.to_str().unwrap(),
        extra.to_str().unwrap(),
    ]);
    assert_eq!(report["dry_run"], true);
    assert_eq!(strings(&report["added"]), ["VUL-09"]);
    assert_eq!(changed_fields(&report, "ENC-01"), ["title", "maps"]);
    assert_eq!(report["evidence_added"], 1);
    assert_unchanged(&before, &ws.snapshot(), "import --dry-run");
    assert!(
        std::fs::read(ws.data.join("crosswalk.db")).unwrap() == db_before,
        "import --dry-run changed crosswalk.db"
    );
    let text = ws.ok(&[
        "import",
        "--dry-run",
        lib.to_str().unwrap(),
        extra.to_str().unwrap(),
    ]);
    assert!(
        text.contains("dry run"),
        "the text output should say it was a dry run:\n{text}"
    );
}

fn mapping_refs(control: &Value, framework: &str) -> Vec<String> {
    control["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["framework_id"] == framework)
        .map(|m| m["ref"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn requirement_refs_are_read_as_written_never_as_floats() {
    let ws = Ws::new();
    ws.import(&[&import_fixture("refs/refs-as-written.yaml")]);
    for id in ["REF-PLAIN", "REF-QUOTED"] {
        let c = ws.json(&["control", id]);
        assert_eq!(
            mapping_refs(&c, "hipaa-security"),
            ["164.410"],
            "{id}: 164.410 must not become 164.41"
        );
        assert_eq!(mapping_refs(&c, "pci-dss-4.0.1"), ["12.10.1"], "{id}");
        assert_eq!(
            mapping_refs(&c, "gdpr"),
            ["Art. 32(1)(a)"],
            "{id}: Art.32(1)(a) must match Art. 32(1)(a)"
        );
    }
}

/// PCI DSS 12.10 groups 12.10.1–12.10.7, so a control cannot map to it; the
/// error must be about 12.10 whether the ref is quoted or plain (a float
/// reading would turn `12.10` into `12.1`, a different requirement).
#[test]
fn pci_12_10_plain_or_quoted_is_read_as_12_10_never_12_1() {
    for fixture in ["refs/pci-12.10-plain.yaml", "refs/pci-12.10-quoted.yaml"] {
        let ws = Ws::new();
        let path = import_fixture(fixture);
        let r = ws.fails(&["import", path.to_str().unwrap()]);
        let first = r.stderr.lines().next().unwrap();
        assert!(
            first.starts_with(&format!("error: {}:7:", path.display())),
            "{fixture}: {first}"
        );
        assert!(
            first.contains("`12.10`") && first.contains("12.10.1"),
            "{fixture}: the error should be about 12.10 and its sub-requirements: {first}"
        );
        assert!(
            !first.contains("`12.1`") && !first.contains("12.1.1"),
            "{fixture}: 12.10 was read as 12.1: {first}"
        );
    }
}

#[test]
fn export_then_import_into_an_empty_workspace_gives_identical_controls() {
    let ws = Ws::new();
    ws.import(&[&library_copy(&ws)]);
    let out = ws.path("export/controls.yaml");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let r = ws.run(&["export", "controls", "-o", out.to_str().unwrap()]);
    assert!(r.ok(), "{}", r.stderr);
    let other = Ws::new();
    other.import(&[&out]);
    assert_eq!(
        serde_json::to_string_pretty(&other.controls()).unwrap(),
        serde_json::to_string_pretty(&ws.controls()).unwrap(),
        "`controls --json` differs after export → import into an empty workspace"
    );
}

#[test]
fn export_then_reimport_into_the_same_workspace_reports_everything_unchanged() {
    let ws = Ws::new();
    ws.import(&[&library_copy(&ws)]);
    let out = ws.path("exported.yaml");
    assert!(ws
        .run(&["export", "controls", "-o", out.to_str().unwrap()])
        .ok());
    let before = ws.controls();
    let report = ws.import(&[&out]);
    assert_eq!(
        report["changed"],
        serde_json::json!([]),
        "re-importing an export must change nothing"
    );
    assert_eq!(
        strings(&report["unchanged"]),
        ["ENC-01", "IAM-02", "LOG-03"]
    );
    assert_eq!(ws.controls(), before);
}
