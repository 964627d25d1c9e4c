//! Reuse across frameworks through the CLI: related coverage shown with its
//! path and never counted, adopting it (audited, verifiable), `links` with
//! its filters, and the tracked frameworks.
mod common;
use common::Ws;
use serde_json::Value;

const SOC2_ONLY: &str = r#"
controls:
  - id: IAM-01
    title: Single sign-on with MFA for every workforce account
    owner: IT
    status: implemented
    maps:
      soc2: ["CC6.1"]
    evidence:
      - title: IdP MFA policy export
        note: MFA enforced for all users in the IdP.
        collected: 2026-01-10
        valid_until: 2027-01-10
"#;

fn soc2_only() -> Ws {
    let ws = Ws::pinned();
    let file = ws.path("soc2.yaml");
    std::fs::write(&file, SOC2_ONLY).unwrap();
    ws.import(&[&file]);
    ws
}

fn row<'a>(cov: &'a Value, reference: &str) -> &'a Value {
    cov[0]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ref"] == reference)
        .unwrap_or_else(|| panic!("no row {reference}"))
}

#[test]
fn soc2_work_shows_as_related_coverage_on_iso_with_its_path_and_is_never_counted() {
    let ws = soc2_only();
    let cov = ws.json(&["coverage", "iso27001-2022"]);
    let iso = &cov[0];
    assert_eq!(iso["counts"]["covered"], 0, "nothing of ISO is covered");
    assert_eq!(iso["counts"]["partial"], 0);
    let with: Vec<&Value> = iso["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["related_coverage"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(iso["related_coverage"], with.len());
    assert!(!with.is_empty());
    for r in &with {
        assert_eq!(
            r["status"], "gap",
            "{}: related coverage stays a gap",
            r["ref"]
        );
        for c in r["related_coverage"].as_array().unwrap() {
            assert_eq!(c["framework_id"], "soc2");
            assert_eq!(c["ref"], "CC6.1");
            assert_eq!(c["controls"][0], "IAM-01");
        }
    }
    // Directly linked by the SOC 2 → ISO crosswalk.
    let a515 = row(&cov, "A.5.15");
    assert_eq!(a515["related_coverage"][0]["summary"], "SOC 2 CC6.1");
    // Two links away, through a CSF outcome: the path names it.
    let a518 = row(&cov, "A.5.18");
    let rc = &a518["related_coverage"][0];
    let path = rc["path"].as_array().unwrap();
    assert_eq!(path.len(), 2);
    assert_eq!(path[0]["framework_id"], "nist-csf-2.0");
    assert_eq!(path[1]["ref"], "CC6.1");
    assert_eq!(
        rc["summary"],
        format!(
            "SOC 2 CC6.1 via NIST CSF 2.0 {}",
            path[0]["ref"].as_str().unwrap()
        )
    );
    // Every requirement lists its related requirements with their own status.
    let related = a515["related"].as_array().unwrap();
    let cc61 = related
        .iter()
        .find(|r| r["framework_id"] == "soc2" && r["ref"] == "CC6.1")
        .expect("CC6.1 is related to A.5.15");
    assert_eq!(cc61["status"], "covered");
    assert_eq!(cc61["basis"], "judgement");
    assert_eq!(cc61["relationship"], "intersects");
    // The text view says it too, and says it is not counted.
    let text = ws.ok(&["coverage", "iso27001-2022"]);
    assert!(
        text.contains("related coverage, not counted: SOC 2 CC6.1"),
        "{text}"
    );
}

#[test]
fn adopting_maps_the_control_with_the_rationale_and_is_audited() {
    let ws = soc2_only();
    let r = ws.json(&[
        "adopt",
        "iso27001-2022",
        "A.5.18",
        "--via",
        "soc2:CC6.1",
        "--rationale",
        "SSO groups grant and review every access right",
    ]);
    assert_eq!(r["controls"][0], "IAM-01");
    assert_eq!(r["ref"], "A.5.18");
    let control = ws.json(&["control", "IAM-01"]);
    let m = control["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["framework_id"] == "iso27001-2022")
        .expect("mapped")
        .clone();
    assert_eq!(m["ref"], "A.5.18");
    assert_eq!(m["coverage"], "full");
    assert_eq!(
        m["rationale"],
        "SSO groups grant and review every access right"
    );
    // Now it is the requirement's own control: covered, and no longer related coverage.
    let cov = ws.json(&["coverage", "iso27001-2022"]);
    assert_eq!(row(&cov, "A.5.18")["status"], "covered");
    assert!(row(&cov, "A.5.18")["related_coverage"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(cov[0]["counts"]["covered"], 1);
    let event = ws
        .log()
        .into_iter()
        .find(|e| e["action"] == "crosswalk.adopted")
        .expect("audited");
    assert!(event["summary"].as_str().unwrap().contains("IAM-01"));
    let (run, _) = ws.verify();
    assert!(run.ok(), "verify after adopt: {}", run.stdout);

    // Twice is refused, as is a requirement that is not related coverage, and a bad --via.
    let again = ws.fails(&["adopt", "iso27001-2022", "A.5.18", "--via", "soc2:CC6.1"]);
    assert!(
        again.stderr.contains("not related coverage"),
        "{}",
        again.stderr
    );
    let unrelated = ws.fails(&["adopt", "iso27001-2022", "A.7.4", "--via", "soc2:CC6.1"]);
    assert!(
        unrelated.stderr.contains("not related coverage"),
        "{}",
        unrelated.stderr
    );
    let bad = ws.fails(&["adopt", "iso27001-2022", "A.5.16", "--via", "CC6.1"]);
    assert!(bad.stderr.contains("FRAMEWORK:REF"), "{}", bad.stderr);
    let unknown = ws.fails(&["adopt", "iso27001-2022", "A.99", "--via", "soc2:CC6.1"]);
    assert!(
        unknown.stderr.contains("not a requirement"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn links_lists_both_directions_with_filters_and_provenance() {
    let ws = Ws::new();
    let v = ws.json(&["links", "soc2", "iso27001-2022", "--ref", "CC6.1"]);
    let links = v["links"].as_array().unwrap();
    assert!(!links.is_empty());
    assert!(links
        .iter()
        .all(|l| l["from_ref"] == "CC6.1" && l["basis"] == "judgement"));
    assert!(links
        .iter()
        .all(|l| l["note"].as_str().is_some_and(|n| !n.is_empty())));
    // Read the other way round: the same links, inverted.
    let back = ws.json(&["links", "iso27001-2022", "soc2", "--ref", "A.5.15"]);
    let l = &back["links"].as_array().unwrap()[0];
    assert_eq!(l["to_ref"], "CC6.1");
    assert_eq!(l["inverted"], true);
    // Supportive relationships, with strength, from the OLIR mapping.
    let pci = ws.json(&[
        "links",
        "pci-dss-4.0.1",
        "nist-csf-2.0",
        "--relationship",
        "is_supported_by",
    ]);
    assert_eq!(pci["links"].as_array().unwrap().len(), 1);
    assert_eq!(pci["total"], 551);
    let src = &pci["sources"][0]["provenance"];
    assert_eq!(src["licence"], "CC0-1.0");
    let supports = ws.json(&[
        "links",
        "nist-csf-2.0",
        "pci-dss-4.0.1",
        "--ref",
        "RC.RP-01",
    ]);
    for l in supports["links"].as_array().unwrap() {
        assert_eq!(l["relationship"], "is_supported_by");
        assert!(l["strength"].as_u64().is_some());
    }
    // By basis and by source text.
    let hipaa = ws.json(&[
        "links",
        "hipaa-security",
        "nist-csf-2.0",
        "--source",
        "judgement",
    ]);
    let hl = hipaa["links"].as_array().unwrap();
    assert!(
        !hl.is_empty()
            && hl
                .iter()
                .all(|l| l["from_ref"].as_str().unwrap().starts_with("164.4"))
    );
    let idgv = ws.json(&[
        "links",
        "hipaa-security",
        "nist-csf-2.0",
        "--source",
        "ID.GV-1",
    ]);
    assert!(idgv["links"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["source"].as_str().unwrap().contains("ID.GV-1")));
    // Bad input: the error contract.
    ws.fails(&["links", "soc2", "nope"]);
    ws.fails(&["links", "soc2", "soc2"]);
    ws.fails(&["links", "soc2", "iso27001-2022", "--ref", "CC99.9"]);
    let bad = ws.run(&[
        "links",
        "soc2",
        "iso27001-2022",
        "--relationship",
        "overlaps",
    ]);
    assert!(
        !bad.ok() && bad.stderr.contains("not a relationship"),
        "{}",
        bad.stderr
    );
}

#[test]
fn untracked_frameworks_leave_the_listing_and_default_coverage_but_stay_installed() {
    let ws = Ws::new();
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect()
    };
    // A fresh workspace tracks all six.
    assert_eq!(ids(&ws.json(&["frameworks"])).len(), 6);
    ws.json(&["frameworks", "untrack", "pci-dss-4.0.1"]);
    ws.json(&["frameworks", "untrack", "hipaa-security"]);
    let listed = ids(&ws.json(&["frameworks"]));
    assert_eq!(listed.len(), 4);
    assert!(!listed.contains(&"pci-dss-4.0.1".to_string()));
    let cov = ids(&ws
        .json(&["coverage"])
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["framework"].clone())
        .collect::<Value>());
    assert!(!cov.contains(&"pci-dss-4.0.1".to_string()), "{cov:?}");
    // Still installed: named explicitly it is computed, and --all shows it untracked.
    assert_eq!(
        ws.json(&["coverage", "pci-dss-4.0.1"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let all = ws.json(&["frameworks", "--all"]);
    let pci = all
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "pci-dss-4.0.1")
        .unwrap();
    assert_eq!(pci["tracked"], false);
    ws.json(&["frameworks", "track", "pci-dss-4.0.1"]);
    assert_eq!(ids(&ws.json(&["frameworks"])).len(), 5);
    assert!(ws
        .log()
        .iter()
        .any(|e| e["action"] == "framework.untracked"));
    // The last one cannot go.
    for id in ["gdpr", "soc2", "iso27001-2022", "nist-csf-2.0"] {
        ws.json(&["frameworks", "untrack", id]);
    }
    let r = ws.fails(&["frameworks", "untrack", "pci-dss-4.0.1"]);
    assert!(r.stderr.contains("only tracked framework"), "{}", r.stderr);
    ws.fails(&["frameworks", "track", "nope"]);
}
