//! The evidence register from the command line (filters by status, control,
//! kind and collector; sorts; the window), the list of past reports and
//! packages per assessment with `outputs check`, and the default workspace
//! folder the CLI shares with the app. "Today" is pinned to 2026-11-08.
mod common;

use common::*;
use serde_json::Value;

const LIBRARY: &str = r#"
controls:
  - id: IAM-02
    title: Quarterly access review
    status: implemented
    maps:
      soc2: [CC6.2]
  - id: LOG-01
    title: Central logging
    status: implemented
    maps:
      soc2: [CC7.2]
"#;

fn setup() -> Ws {
    let ws = Ws::pinned();
    let lib = ws.path("controls.yaml");
    std::fs::write(&lib, LIBRARY).unwrap();
    ws.import(&[&lib]);
    let add = |control: &str, title: &str, valid_until: Option<&str>, by: &str, extra: &[&str]| {
        let mut a = vec![
            control,
            "--title",
            title,
            "--collected-by",
            by,
            "--collected",
            "2026-06-01",
        ];
        if let Some(v) = valid_until {
            a.extend(["--valid-until", v]);
        }
        a.extend_from_slice(extra);
        ws.evidence_add(&a)
    };
    // Today is 2026-11-08: one expired, one within 30 days, one later, one
    // never; added out of expiry order.
    add(
        "LOG-01",
        "SIEM page",
        Some("2027-06-30"),
        "Ana",
        &["--url", "https://siem.example/x"],
    );
    add(
        "IAM-02",
        "Q2 review",
        Some("2026-10-01"),
        "Ana",
        &["--note", "q2"],
    );
    add(
        "IAM-02",
        "Q3 review",
        Some("2026-11-20"),
        "Ben",
        &["--note", "q3"],
    );
    add(
        "LOG-01",
        "Logging runbook",
        None,
        "Ben",
        &["--note", "runbook"],
    );
    ws
}

fn titles(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_register_filters_by_status_control_kind_and_collector() {
    let ws = setup();
    let all = ws.json(&["evidence", "list", "--sort", "expiry"]);
    // Soonest expiry first, no expiry last; every row carries its status.
    assert_eq!(
        titles(&all),
        ["Q2 review", "Q3 review", "SIEM page", "Logging runbook"]
    );
    let statuses: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["expired", "expiring", "valid", "no_expiry"]);

    let in_order_added = ws.json(&["evidence", "list"]);
    assert_eq!(
        titles(&in_order_added),
        ["SIEM page", "Q2 review", "Q3 review", "Logging runbook"]
    );
    let due = ws.json(&["evidence", "list", "--status", "expired,expiring"]);
    assert_eq!(titles(&due), ["Q2 review", "Q3 review"]);
    let links = ws.json(&["evidence", "list", "--kind", "link"]);
    assert_eq!(titles(&links), ["SIEM page"]);
    let ben = ws.json(&[
        "evidence",
        "list",
        "--collector",
        "Ben",
        "--control",
        "LOG-01",
    ]);
    assert_eq!(titles(&ben), ["Logging runbook"]);

    // A window of 5 days makes the Q3 review (12 days away) valid.
    let narrow = ws.json(&["evidence", "list", "--status", "expiring", "--within", "5"]);
    assert!(titles(&narrow).is_empty(), "{narrow}");
}

#[test]
fn the_register_sorts_and_reverses() {
    let ws = setup();
    let by_title = ws.json(&["evidence", "list", "--sort", "title"]);
    assert_eq!(
        titles(&by_title),
        ["Logging runbook", "Q2 review", "Q3 review", "SIEM page"]
    );
    let by_collector_desc = ws.json(&["evidence", "list", "--sort", "collector", "--desc"]);
    // Ben before Ana; ties broken by title.
    assert_eq!(
        titles(&by_collector_desc),
        ["Logging runbook", "Q3 review", "Q2 review", "SIEM page"]
    );
    let text = ws.ok(&["evidence", "list", "--status", "expired"]);
    assert!(
        text.contains("Q2 review") && !text.contains("Q3 review"),
        "{text}"
    );
    assert!(
        text.contains("1 of 4 items")
            && text.contains("1 expired, 1 expiring, 1 valid, 1 without expiry"),
        "{text}"
    );
}

#[test]
fn bad_register_arguments_name_the_choices() {
    let ws = setup();
    let r = ws.fails(&["evidence", "list", "--status", "overdue"]);
    assert!(
        r.stderr.contains("expired, expiring, valid, no_expiry"),
        "{}",
        r.stderr
    );
    let r = ws.fails(&["evidence", "list", "--sort", "size"]);
    assert!(
        r.stderr.contains("expiry, collected, title"),
        "{}",
        r.stderr
    );
    let r = ws.fails(&["evidence", "list", "--control", "IAM-2"]);
    assert!(
        r.stderr.contains("IAM-02"),
        "an unknown control names the closest: {}",
        r.stderr
    );
}

#[test]
fn past_reports_and_packages_are_listed_per_assessment_and_checked() {
    let ws = setup();
    let none = ws.ok(&["outputs"]);
    assert!(none.contains("no reports or packages"), "{none}");
    ws.ok(&[
        "assessment",
        "create",
        "--name",
        "SOC 2 Type I",
        "--framework",
        "soc2",
        "--period",
        "2026-01-01..2026-10-31",
    ]);
    ws.ok(&["report", "--assessment", "1"]);
    ws.ok(&["report"]);
    ws.ok(&["package", "--assessment", "1"]);

    let groups = ws.json(&["outputs"]);
    let groups = groups.as_array().unwrap();
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert_eq!(groups[0]["name"], "Current state");
    assert_eq!(groups[1]["name"], "SOC 2 Type I");
    let soc = groups[1]["outputs"].as_array().unwrap();
    // Newest first: the package, then the report; both named after the assessment.
    assert_eq!(soc[0]["kind"], "package");
    assert_eq!(soc[1]["kind"], "report");
    for o in soc {
        let name = o["file_name"].as_str().unwrap();
        assert!(name.starts_with("soc-2-type-i-2026-11-08"), "{name}");
        let path = std::path::Path::new(o["path"].as_str().unwrap());
        assert!(path.is_absolute() && path.is_file(), "{}", path.display());
        assert_eq!(o["state"], "present");
    }
    let only_packages = ws.json(&["outputs", "--assessment", "1", "--kind", "package"]);
    assert_eq!(only_packages[0]["outputs"].as_array().unwrap().len(), 1);

    // A report changed after it was written is shown as changed and refused.
    let seq = soc[1]["seq"].as_i64().unwrap().to_string();
    ws.ok(&["outputs", "check", &seq]);
    let report = soc[1]["path"].as_str().unwrap().to_string();
    let mut bytes = std::fs::read(&report).unwrap();
    bytes.extend_from_slice(b"% appended\n");
    std::fs::write(&report, bytes).unwrap();
    let listed = ws.json(&["outputs", "--assessment", "1", "--kind", "report"]);
    assert_eq!(listed[0]["outputs"][0]["state"], "changed");
    let r = ws.fails(&["outputs", "check", &seq]);
    assert!(r.stderr.contains("content changed"), "{}", r.stderr);
    let r = ws.fails(&["outputs", "--assessment", "7"]);
    assert!(r.stderr.contains("no assessment #7"), "{}", r.stderr);
}

#[test]
fn without_a_data_dir_the_cli_uses_the_platform_data_folder() {
    let home = tempfile::tempdir().unwrap();
    let out = bare_command(home.path())
        .args(["controls", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // bare_command sets XDG_DATA_HOME: the workspace is <it>/crosswalk, the
    // folder Tauri's data_dir() gives the app.
    assert!(home.path().join("xdg-data/crosswalk").is_dir());
    let out = bare_command(home.path())
        .env("CROSSWALK_DATA_DIR", home.path().join("other"))
        .args(["controls", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(home.path().join("other").is_dir());
}
