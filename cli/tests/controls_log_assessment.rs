//! Listings (`controls`, `control ID`, `log`) and assessments with applicability.
mod common;

use common::*;
use serde_json::Value;

fn library(ws: &Ws) {
    let lib = ws.path("library");
    copy_dir(&import_fixture("library"), &lib);
    ws.import(&[&lib]);
}

#[test]
fn controls_json_lists_every_control_with_status_owner_and_mappings() {
    let ws = Ws::new();
    library(&ws);
    let list = ws.controls();
    let rows = list.as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ENC-01", "IAM-02", "LOG-03"]);
    let iam = &rows[1];
    assert_eq!(
        iam["title"],
        "Role-based access: least privilege — reviewed quarterly"
    );
    assert_eq!(iam["status"], "partial");
    assert_eq!(iam["owner"], "null", "a quoted \"null\" is text");
    assert_eq!(iam["category"], "yes", "a quoted \"yes\" is text");
    assert_eq!(iam["review_every_days"], 365);
    assert_eq!(
        iam["description"],
        "Access is granted by role.\nRoles are reviewed every quarter: owners confirm each member."
    );
    assert_eq!(rows[0]["mappings"].as_array().unwrap().len(), 6);
    let text = ws.ok(&["controls"]);
    assert!(
        text.contains("IAM-02") && text.contains("3 controls"),
        "{text}"
    );
}

#[test]
fn control_show_json_has_mappings_with_coverage_and_rationale_and_its_evidence() {
    let ws = Ws::new();
    library(&ws);
    let c = ws.json(&["control", "IAM-02"]);
    assert_eq!(c["id"], "IAM-02");
    let m: Vec<(String, String, String, Value)> = c["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["framework_id"].as_str().unwrap().into(),
                m["ref"].as_str().unwrap().into(),
                m["coverage"].as_str().unwrap().into(),
                m["rationale"].clone(),
            )
        })
        .collect();
    assert!(
        m.contains(&(
            "pci-dss-4.0.1".into(),
            "7.2.1".into(),
            "full".into(),
            Value::Null
        )),
        "{m:?}"
    );
    assert!(
        m.contains(&(
            "pci-dss-4.0.1".into(),
            "8.4.2".into(),
            "partial".into(),
            Value::from("MFA is enforced for admins only # not yet for all users")
        )),
        "{m:?}"
    );
    assert!(
        m.contains(&(
            "soc2".into(),
            "CC6.3".into(),
            "partial".into(),
            Value::from("reviews are quarterly, not continuous")
        )),
        "{m:?}"
    );
    assert_eq!(m.len(), 5);
    let evidence: Vec<(&str, &str)> = c["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["title"].as_str().unwrap()))
        .collect();
    assert_eq!(
        evidence,
        [
            ("file", "Q3 access review"),
            ("link", "Access policy (wiki)")
        ]
    );
}

#[test]
fn log_json_is_newest_first_and_every_event_chains_to_the_one_before() {
    let ws = Ws::new();
    library(&ws);
    let note = ws.evidence_add(&["ENC-01", "--note", "Key rotation checked"]);
    let log = ws.log();
    assert!(
        log.len() >= 3,
        "shipped catalogs, the import and the evidence: {}",
        log.len()
    );
    assert_eq!(log[0]["action"], "evidence.added");
    assert_eq!(log[0]["subject"], format!("evidence:{}", note["id"]));
    assert_eq!(
        log[0]["actor"], "tester",
        "CROSSWALK_ACTOR names who did it"
    );
    assert_eq!(log[1]["action"], "import");
    for pair in log.windows(2) {
        let (newer, older) = (&pair[0], &pair[1]);
        assert_eq!(
            newer["seq"].as_i64().unwrap(),
            older["seq"].as_i64().unwrap() + 1,
            "seq must be contiguous"
        );
        assert_eq!(
            newer["prev_hash"], older["hash"],
            "event {} does not chain to {}",
            newer["seq"], older["seq"]
        );
    }
    let oldest = log.last().unwrap();
    assert_eq!(oldest["seq"], 1);
    assert_eq!(oldest["prev_hash"], "0".repeat(64));
    // --limit and --subject narrow it.
    assert_eq!(
        ws.json(&["log", "--limit", "1"]).as_array().unwrap().len(),
        1
    );
    let subject = format!("evidence:{}", note["id"]);
    let only = ws.json(&["log", "--subject", &subject]);
    assert!(
        only.as_array()
            .unwrap()
            .iter()
            .all(|e| e["subject"] == subject.as_str())
            && only.as_array().unwrap().len() == 1,
        "{only}"
    );
}

#[test]
fn assessment_create_list_and_show() {
    let ws = Ws::new();
    library(&ws);
    let a = ws.json(&[
        "assessment",
        "create",
        "--name",
        "SOC 2 Type II 2026",
        "--framework",
        "soc2",
        "--framework",
        "iso27001-2022",
        "--period",
        "2026-01-01..2026-12-31",
        "--scope",
        "Production SaaS",
        "--organisation",
        "Example GmbH",
    ]);
    let id = a["id"].as_i64().unwrap().to_string();
    assert_eq!(a["name"], "SOC 2 Type II 2026");
    assert_eq!(strings(&a["frameworks"]), ["iso27001-2022", "soc2"]);
    assert_eq!(a["period_start"], "2026-01-01");
    assert_eq!(a["period_end"], "2026-12-31");
    assert_eq!(a["organisation"], "Example GmbH");
    assert_eq!(a["scope"], "Production SaaS");
    let list = ws.json(&["assessment", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0], a);
    assert_eq!(ws.json(&["assessment", "show", &id]), a);
    assert!(
        ws.log()
            .iter()
            .any(|e| e["action"] == "assessment.created"
                && e["subject"] == format!("assessment:{id}"))
    );
    // Bad input is refused.
    ws.fails(&[
        "assessment",
        "create",
        "--name",
        "x",
        "--framework",
        "nope",
        "--period",
        "2026-01-01..2026-12-31",
    ]);
    ws.fails(&[
        "assessment",
        "create",
        "--name",
        "x",
        "--framework",
        "soc2",
        "--period",
        "2026-12-31..2026-01-01",
    ]);
    ws.fails(&["assessment", "show", "999"]);
    assert_eq!(
        ws.json(&["assessment", "list"]).as_array().unwrap().len(),
        1
    );
}

fn requirement(cov: &Value, reference: &str) -> Value {
    cov[0]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ref"] == reference)
        .unwrap_or_else(|| panic!("no requirement {reference}"))
        .clone()
}

#[test]
fn not_applicable_without_justification_is_refused_and_changes_nothing() {
    let ws = Ws::new();
    library(&ws);
    let a = ws.json(&[
        "assessment",
        "create",
        "--name",
        "PCI 2026",
        "--framework",
        "pci-dss-4.0.1",
        "--period",
        "2026-01-01..2026-12-31",
    ]);
    let id = a["id"].as_i64().unwrap().to_string();
    let before = ws.snapshot();
    let r = ws.fails(&[
        "assessment",
        "applicability",
        &id,
        "--framework",
        "pci-dss-4.0.1",
        "--ref",
        "9.4.1",
        "--not-applicable",
    ]);
    assert!(
        r.stderr.contains("justification"),
        "the error should ask for a justification:\n{}",
        r.stderr
    );
    ws.fails(&[
        "assessment",
        "applicability",
        &id,
        "--framework",
        "pci-dss-4.0.1",
        "--ref",
        "9.4.1",
        "--not-applicable",
        "--justification",
        "   ",
    ]);
    assert_unchanged(&before, &ws.snapshot(), "refused applicability");
    assert_eq!(
        ws.json(&["assessment", "show", &id])["applicability"],
        serde_json::json!([])
    );
    // A framework outside the assessment, and a ref that does not exist, are refused too.
    ws.fails(&[
        "assessment",
        "applicability",
        &id,
        "--framework",
        "soc2",
        "--ref",
        "CC6.1",
        "--not-applicable",
        "--justification",
        "x",
    ]);
    ws.fails(&[
        "assessment",
        "applicability",
        &id,
        "--framework",
        "pci-dss-4.0.1",
        "--ref",
        "99.9",
        "--not-applicable",
        "--justification",
        "x",
    ]);
}

#[test]
fn not_applicable_with_justification_shows_in_assessment_coverage_only() {
    let ws = Ws::new();
    library(&ws);
    let a = ws.json(&[
        "assessment",
        "create",
        "--name",
        "PCI 2026",
        "--framework",
        "pci-dss-4.0.1",
        "--period",
        "2026-01-01..2026-12-31",
    ]);
    let id = a["id"].as_i64().unwrap().to_string();
    let why = "No physical media with cardholder data: all storage is in the cloud provider's data centres";
    let r = ws.run(&[
        "assessment",
        "applicability",
        &id,
        "--framework",
        "pci-dss-4.0.1",
        "--ref",
        "9.4.1",
        "--not-applicable",
        "--justification",
        why,
    ]);
    assert!(r.ok(), "{}", r.stderr);
    let shown = ws.json(&["assessment", "show", &id]);
    assert_eq!(shown["applicability"][0]["ref"], "9.4.1");
    assert_eq!(shown["applicability"][0]["applicable"], false);
    assert_eq!(shown["applicability"][0]["justification"], why);

    let cov = ws.json(&["coverage", "--assessment", &id]);
    assert_eq!(
        cov.as_array().unwrap().len(),
        1,
        "coverage of an assessment shows its frameworks"
    );
    assert_eq!(cov[0]["framework"]["id"], "pci-dss-4.0.1");
    let r941 = requirement(&cov, "9.4.1");
    assert_eq!(r941["status"], "not_applicable");
    assert_eq!(r941["justification"], why);
    assert_eq!(cov[0]["counts"]["not_applicable"], 1);
    // Outside the assessment the requirement is still a gap.
    assert_eq!(
        requirement(&ws.json(&["coverage", "pci-dss-4.0.1"]), "9.4.1")["status"],
        "gap"
    );
    // Covered requirements keep their status within the assessment (ENC-01's evidence was collected 2026-01-15).
    assert_eq!(requirement(&cov, "3.5.1")["status"], "covered");
    ws.assert_verifies("after applicability changes");
}
