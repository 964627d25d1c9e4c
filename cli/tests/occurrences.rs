//! Evidence over an audit period (issue 10): occurrences and revisions, Type
//! II review windows in coverage and in the PDF, metadata edits with their
//! audit trail, duplicate refusal, workspace-level applicability (single and
//! bulk) carried into assessments and views, an SoA built only from what the
//! user wrote, and the upgrade of a workspace written by the first schema.
//! Each test runs the real binary; "today" is pinned to 2026-11-08.
mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const LIBRARY: &str = r#"
controls:
  - id: IAM-02
    title: Quarterly access review
    description: Managers confirm every account and its rights each quarter.
    owner: IT Operations
    status: implemented
    review_every: 90d
    maps:
      soc2: [CC6.2]
      iso27001-2022: [A.5.18]
"#;

fn setup() -> Ws {
    let ws = Ws::pinned();
    let lib = ws.path("controls.yaml");
    std::fs::write(&lib, LIBRARY).unwrap();
    ws.import(&[&lib]);
    ws
}

fn file(ws: &Ws, name: &str, body: &str) -> PathBuf {
    let p = ws.path(name);
    std::fs::write(&p, body).unwrap();
    p
}

fn add_review(ws: &Ws, name: &str, date: &str) -> Value {
    let p = file(ws, name, &format!("access review export {name}\n"));
    ws.evidence_add(&[
        "IAM-02",
        p.to_str().unwrap(),
        "--title",
        "Access review",
        "--collected",
        date,
    ])
}

fn requirement<'a>(coverage: &'a Value, framework: &str, reference: &str) -> &'a Value {
    coverage
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["framework"]["id"] == framework)
        .unwrap_or_else(|| panic!("no {framework} in coverage"))["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ref"] == reference)
        .unwrap_or_else(|| panic!("no {reference}"))
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text in content order with all whitespace runs made one space, so a
/// sentence wrapped inside a table cell reads whole.
fn flat(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The line of a requirements table that starts with `reference`.
fn row<'a>(text: &'a str, reference: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| l.trim_start().starts_with(&format!("{reference} ")))
        .collect()
}

#[test]
fn type2_year_of_quarterly_reviews_names_the_missing_quarter() {
    let ws = setup();
    let q1 = add_review(&ws, "q1.csv", "2025-03-28");
    let q3 = add_review(&ws, "q3.csv", "2025-09-29");
    let q4 = add_review(&ws, "q4.csv", "2025-12-15");
    let a = ws.json(&[
        "assessment",
        "create",
        "--name",
        "SOC 2 Type II 2025",
        "--framework",
        "soc2",
        "--period",
        "2025-01-01..2025-12-31",
        "--type",
        "type2",
    ]);
    assert_eq!(a["kind"], "type2");
    let id = a["id"].to_string();

    let cov = ws.json(&["coverage", "--assessment", &id]);
    let cc62 = requirement(&cov, "soc2", "CC6.2");
    assert_eq!(cc62["status"], "partial", "{cc62}");
    let reason = cc62["reason"].as_str().unwrap();
    assert!(
        reason.contains("no occurrence between 2025-04-01 and 2025-06-30"),
        "{reason}"
    );
    let windows = cc62["controls"][0]["windows"].as_array().unwrap();
    assert_eq!(windows.len(), 4, "quarters of 2025: {windows:?}");
    assert_eq!(windows[1]["start"], "2025-04-01");
    assert_eq!(windows[1]["end"], "2025-06-30");
    assert_eq!(windows[1]["evidence"], serde_json::json!([]));
    assert_eq!(windows[0]["evidence"], serde_json::json!([q1["id"]]));
    assert_eq!(windows[3]["evidence"], serde_json::json!([q4["id"]]));

    // The same data under Type I: the design on 2025-12-31 rests on Q4's review.
    let t1 = ws.json(&[
        "assessment",
        "create",
        "--name",
        "Type I",
        "--framework",
        "soc2",
        "--period",
        "2025-01-01..2025-12-31",
        "--type",
        "type1",
    ]);
    let cov1 = ws.json(&["coverage", "--assessment", &t1["id"].to_string()]);
    assert_eq!(requirement(&cov1, "soc2", "CC6.2")["status"], "covered");

    let pdf = ws.path("type2.pdf");
    ws.json(&["report", "--assessment", &id, "-o", pdf.to_str().unwrap()]);
    let text = pdftotext(&pdf);
    for (e, date) in [
        (&q1, "2025-03-28"),
        (&q3, "2025-09-29"),
        (&q4, "2025-12-15"),
    ] {
        assert!(
            text.contains(&format!("E{} ({date})", e["id"])),
            "the review windows list E{} with its date {date}",
            e["id"]
        );
        assert!(
            text.lines()
                .any(|l| l.contains(&format!("E{} ", e["id"])) && l.contains(date)),
            "the evidence index lists E{} dated {date}",
            e["id"]
        );
    }
    assert!(
        flat(&pdf).contains("no occurrence between 2025-04-01 and 2025-06-30"),
        "the gaps name the missing Q2 window"
    );
    assert!(text.contains("Missed review windows"));
    let lines = row(&text, "CC6.2");
    assert!(!lines.is_empty(), "CC6.2 appears in the requirements table");
    assert!(
        lines.iter().all(|l| !l.contains("Covered")),
        "CC6.2 must not read Covered: {lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("Partial")), "{lines:?}");

    // Q2 arrives: every window has its occurrence.
    let q2 = add_review(&ws, "q2.csv", "2025-06-20");
    let cov = ws.json(&["coverage", "--assessment", &id]);
    let cc62 = requirement(&cov, "soc2", "CC6.2");
    assert_eq!(cc62["status"], "covered", "{cc62}");
    assert!(
        cc62["reason"]
            .as_str()
            .unwrap()
            .contains("each of its 4 review windows"),
        "{cc62}"
    );
    ws.json(&["report", "--assessment", &id, "-o", pdf.to_str().unwrap()]);
    let text = pdftotext(&pdf);
    assert!(
        !flat(&pdf).contains("no occurrence between"),
        "no window is missing now"
    );
    assert!(text.contains(&format!("E{} (2025-06-20)", q2["id"])));
    assert!(row(&text, "CC6.2").iter().any(|l| l.contains("Covered")));
    ws.assert_verifies("after the Type II reports");
}

#[test]
fn views_without_a_period_never_speak_of_a_period() {
    let ws = setup();
    let cov = ws.json(&["coverage", "soc2"]);
    let cc62 = requirement(&cov, "soc2", "CC6.2");
    assert_eq!(cc62["status"], "gap");
    let reason = cc62["reason"].as_str().unwrap();
    assert_eq!(reason, "IAM-02 has no current evidence");
    assert!(cov[0]["rule"].as_str().unwrap().starts_with("No period"));
    let text = ws.ok(&["coverage", "soc2"]);
    assert!(!text.contains("in the period"), "{text}");
}

#[test]
fn type2_counts_evidence_from_before_the_period_for_the_first_window_only() {
    let ws = setup();
    // Collected in December 2024, valid 90 days: still valid on 2025-01-01.
    add_review(&ws, "dec.csv", "2024-12-20");
    let a = ws.json(&[
        "assessment",
        "create",
        "--name",
        "T2",
        "--framework",
        "soc2",
        "--period",
        "2025-01-01..2025-06-30",
        "--type",
        "type2",
    ]);
    let cov = ws.json(&["coverage", "--assessment", &a["id"].to_string()]);
    let cc62 = requirement(&cov, "soc2", "CC6.2");
    let w = cc62["controls"][0]["windows"].as_array().unwrap();
    assert_eq!(w.len(), 2);
    assert_eq!(w[0]["evidence"].as_array().unwrap().len(), 1, "carried in");
    assert_eq!(
        w[1]["evidence"],
        serde_json::json!([]),
        "never for later windows"
    );
    assert_eq!(cc62["status"], "partial");
    assert!(cc62["reason"]
        .as_str()
        .unwrap()
        .contains("between 2025-04-01 and 2025-06-30"));
}

#[test]
fn revision_keeps_the_evidence_date_and_new_occurrence_keeps_the_old_one() {
    let ws = setup();
    let q3 = add_review(&ws, "q3.csv", "2026-09-30");
    let id = q3["id"].to_string();
    // A correction: the wrong export was attached.
    let fixed = file(&ws, "q3-fixed.csv", "the right Q3 export\n");
    let r = ws.run(&[
        "evidence",
        "replace",
        &id,
        fixed.to_str().unwrap(),
        "--json",
    ]);
    assert!(r.ok(), "{}", r.stderr);
    let e = r.json();
    assert_eq!(e["collected_on"], "2026-09-30", "a revision keeps its date");
    assert_eq!(e["revisions"].as_array().unwrap().len(), 2);
    assert!(
        r.stderr.contains("keeps its evidence date 2026-09-30"),
        "{}",
        r.stderr
    );
    // The same file again is no correction.
    let same = ws.fails(&["evidence", "replace", &id, fixed.to_str().unwrap()]);
    assert!(same.stderr.contains("already holds"), "{}", same.stderr);

    // Q4 is a new collection: it must not overwrite Q3.
    let q4 = file(&ws, "q4.csv", "the Q4 export\n");
    let no_date = ws.fails(&[
        "evidence",
        "replace",
        &id,
        q4.to_str().unwrap(),
        "--new-occurrence",
    ]);
    assert!(
        no_date.stderr.contains("needs its evidence date"),
        "{}",
        no_date.stderr
    );
    let e4 = ws.json(&[
        "evidence",
        "replace",
        &id,
        q4.to_str().unwrap(),
        "--new-occurrence",
        "--collected",
        "2026-10-31",
    ]);
    assert_ne!(e4["id"], q3["id"]);
    assert_eq!(e4["series_id"], q3["id"]);
    assert_eq!(e4["title"], "Access review");
    assert_eq!(e4["controls"], serde_json::json!(["IAM-02"]));
    let old = ws.json(&["evidence", "show", &id]);
    assert_eq!(old["collected_on"], "2026-09-30", "Q3 stays as it was");
    let series = ws.json(&["evidence", "occurrences", &e4["id"].to_string()]);
    let dates: Vec<&str> = series
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["collected_on"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2026-09-30", "2026-10-31"]);
    // The listing shows evidence date, upload date and collector.
    let list = ws.ok(&["evidence", "list"]);
    assert!(list.contains("UPLOADED") && list.contains("COLLECTED BY") && list.contains("tester"));
    ws.assert_verifies("after a revision and a new occurrence");
}

#[test]
fn the_same_file_for_the_same_control_is_refused_naming_the_existing_item() {
    let ws = setup();
    let first = add_review(&ws, "review.csv", "2026-03-31");
    let p = ws.path("review.csv");
    let r = ws.fails(&[
        "evidence",
        "add",
        "IAM-02",
        p.to_str().unwrap(),
        "--collected",
        "2026-06-30",
    ]);
    assert!(
        r.stderr
            .contains(&format!("already evidence #{}", first["id"]))
            && r.stderr.contains("Access review")
            && r.stderr.contains("--new-occurrence"),
        "{}",
        r.stderr
    );
    assert_eq!(
        ws.evidence_list().as_array().unwrap().len(),
        1,
        "nothing written"
    );
    let again = ws.json(&[
        "evidence",
        "add",
        "IAM-02",
        p.to_str().unwrap(),
        "--collected",
        "2026-06-30",
        "--new-occurrence",
    ]);
    assert_eq!(again["series_id"], first["id"]);
    assert_eq!(again["collected_on"], "2026-06-30");
    // A link is a duplicate the same way.
    ws.evidence_add(&["IAM-02", "--url", "https://wiki.example.com/access"]);
    let r = ws.fails(&[
        "evidence",
        "add",
        "IAM-02",
        "--url",
        "https://wiki.example.com/access",
    ]);
    assert!(
        r.stderr.contains("this link is already evidence"),
        "{}",
        r.stderr
    );
}

#[test]
fn evidence_edit_records_before_and_after() {
    let ws = setup();
    let e = add_review(&ws, "r.csv", "2026-03-31");
    let id = e["id"].to_string();
    let edited = ws.json(&[
        "evidence",
        "edit",
        &id,
        "--title",
        "Q1 access review",
        "--collected",
        "2026-03-30",
        "--valid-until",
        "2026-07-31",
        "--collected-by",
        "Dana Ops",
    ]);
    assert_eq!(edited["title"], "Q1 access review");
    assert_eq!(edited["collected_on"], "2026-03-30");
    assert_eq!(edited["valid_until"], "2026-07-31");
    assert_eq!(edited["collected_by"], "Dana Ops");
    let log = ws.log();
    let ev = log
        .iter()
        .find(|x| x["action"] == "evidence.edited")
        .expect("an evidence.edited event");
    let d = &ev["details"];
    assert_eq!(d["before"]["title"], "Access review");
    assert_eq!(d["after"]["title"], "Q1 access review");
    assert_eq!(d["before"]["collected_on"], "2026-03-31");
    assert_eq!(d["after"]["collected_on"], "2026-03-30");
    assert_eq!(d["before"]["collected_by"], "tester");
    assert_eq!(d["after"]["collected_by"], "Dana Ops");
    assert!(
        d["before"].get("controls").is_none(),
        "unchanged fields are not listed"
    );

    // Bad edits are refused and change nothing.
    let future = ws.fails(&["evidence", "edit", &id, "--collected", "2027-01-01"]);
    assert!(future.stderr.contains("in the future"));
    let before = ws.fails(&["evidence", "edit", &id, "--valid-until", "2026-01-01"]);
    assert!(before.stderr.contains("before the collected date"));
    let none = ws.fails(&["evidence", "edit", &id, "--controls", ""]);
    assert!(
        none.stderr.contains("at least one control"),
        "{}",
        none.stderr
    );
    let unknown = ws.fails(&["evidence", "edit", &id, "--controls", "IAM-2"]);
    assert!(
        unknown.stderr.contains("IAM-02"),
        "suggests the closest id: {}",
        unknown.stderr
    );
    assert_eq!(
        ws.json(&["evidence", "show", &id])["collected_on"],
        "2026-03-30"
    );
    let no_expiry = ws.json(&["evidence", "edit", &id, "--no-expiry"]);
    assert!(no_expiry["valid_until"].is_null());
    ws.assert_verifies("after editing evidence");
}

#[test]
fn workspace_applicability_in_bulk_reaches_every_view_and_assessment() {
    let ws = setup();
    let why = "The system holds no personal information of data subjects.";
    let decided = ws.json(&[
        "applicability",
        "set",
        "soc2",
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
        "P6",
        "P7",
        "P8",
        "--not-applicable",
        "--justification",
        why,
    ]);
    let refs: Vec<&str> = decided
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        refs.len(),
        18,
        "every privacy criterion under P1..P8: {refs:?}"
    );
    assert!(refs.contains(&"P1.1") && refs.contains(&"P8.1"));
    assert!(decided
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["decided_by"] == "tester"));
    let events: Vec<Value> = ws
        .log()
        .into_iter()
        .filter(|e| e["action"] == "applicability.decided")
        .collect();
    assert_eq!(events.len(), 1, "one decision, one event");

    // Without an assessment: coverage and frameworks.
    let cov = ws.json(&["coverage", "soc2"]);
    let p11 = requirement(&cov, "soc2", "P1.1");
    assert_eq!(p11["status"], "not_applicable");
    assert_eq!(p11["decision"]["justification"], why);
    assert_eq!(p11["decision"]["decided_by"], "tester");
    assert_eq!(p11["decision"]["source"], "workspace");
    let fw = ws.json(&["frameworks"]);
    let soc2 = fw
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "soc2")
        .unwrap();
    assert_eq!(soc2["not_applicable"], 18);

    // Carried into an assessment made afterwards…
    let a = ws.json(&[
        "assessment",
        "create",
        "--name",
        "SOC 2",
        "--framework",
        "soc2",
        "--period",
        "2026-01-01..2026-06-30",
        "--type",
        "type1",
    ]);
    let id = a["id"].to_string();
    let cov = ws.json(&["coverage", "--assessment", &id]);
    assert_eq!(
        requirement(&cov, "soc2", "P8.1")["status"],
        "not_applicable"
    );
    // …where an assessment's own decision still overrides it.
    ws.ok(&[
        "assessment",
        "applicability",
        &id,
        "--framework",
        "soc2",
        "--ref",
        "P8.1",
    ]);
    let cov = ws.json(&["coverage", "--assessment", &id]);
    let p81 = requirement(&cov, "soc2", "P8.1");
    assert_eq!(p81["status"], "gap");
    assert_eq!(p81["decision"]["source"], format!("assessment #{id}"));
    assert_eq!(
        requirement(&ws.json(&["coverage", "soc2"]), "soc2", "P8.1")["status"],
        "not_applicable",
        "the override stays inside its assessment"
    );

    // History: bring one back into scope; both decisions are kept.
    ws.json(&[
        "applicability",
        "set",
        "soc2",
        "P1.1",
        "--applicable",
        "--justification",
        "A web form now collects emails.",
    ]);
    let history = ws.json(&["applicability", "history", "soc2", "--ref", "P1.1"]);
    let h = history.as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0]["applicable"], false);
    assert_eq!(h[1]["applicable"], true);
    assert_eq!(
        requirement(&ws.json(&["coverage", "soc2"]), "soc2", "P1.1")["status"],
        "gap"
    );
    let current = ws.json(&["applicability", "list", "soc2"]);
    assert_eq!(current.as_array().unwrap().len(), 18);

    // Prefixes, and refusals.
    let by_prefix = ws.json(&[
        "applicability",
        "set",
        "soc2",
        "PI1*",
        "--not-applicable",
        "--justification",
        "No processing services.",
    ]);
    assert_eq!(by_prefix.as_array().unwrap().len(), 5);
    let r = ws.fails(&[
        "applicability",
        "set",
        "soc2",
        "P9",
        "--not-applicable",
        "--justification",
        "x",
    ]);
    assert!(
        r.stderr.contains("`P9` is not a requirement of soc2"),
        "{}",
        r.stderr
    );
    let r = ws.fails(&["applicability", "set", "soc2", "P1", "--not-applicable"]);
    assert!(r.stderr.contains("justification"), "{}", r.stderr);
    ws.assert_verifies("after applicability decisions");
}

#[test]
fn iso_report_without_decisions_writes_no_soa_sentence_nobody_wrote() {
    let ws = setup();
    add_review(&ws, "r.csv", "2026-10-01");
    ws.ok(&["organisation", "Acme Inc."]);
    let pdf = ws.path("iso.pdf");
    ws.json(&[
        "report",
        "--framework",
        "iso27001-2022",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    let text = pdftotext(&pdf);
    for invented in [
        "Included",
        "the risk it treats",
        "by default",
        "applies to the organisation",
        "Inc..",
        "framework(s)",
        "2022 2022",
    ] {
        assert!(!text.contains(invented), "the report says `{invented}`");
    }
    assert!(
        flat(&pdf).contains("1 framework for Acme Inc. "),
        "plural and one full stop"
    );
    // Every Annex A control: not decided, its justification missing.
    let annex_a: Vec<&str> = text
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with("A.") && (t.contains("Not") || t.contains("Missing"))
        })
        .collect();
    assert!(annex_a.len() >= 93, "{} SoA rows", annex_a.len());
    assert!(flat(&pdf).contains("93 controls without a justification are open"));
    assert!(text.contains("Statement of Applicability: open items"));
    for field in ["Document version", "Owner", "Approved by", "Approval date"] {
        assert!(text.contains(field), "{field}");
    }
    // The controls section with the description and owner.
    assert!(text.contains("Managers confirm every account"));
    assert!(text.contains("IT Operations"));

    // The user's own words go in, as written.
    ws.json(&[
        "applicability",
        "set",
        "iso27001-2022",
        "A.7.4",
        "--not-applicable",
        "--justification",
        "No premises of our own; the data centre is the provider's.",
    ]);
    ws.json(&[
        "applicability",
        "set",
        "iso27001-2022",
        "A.5.18",
        "--applicable",
        "--justification",
        "Access rights are a top risk in the register.",
    ]);
    ws.json(&[
        "soa",
        "set",
        "--doc-version",
        "1.3",
        "--owner",
        "CISO",
        "--approved-by",
        "Board of Directors",
        "--approved-on",
        "2026-10-15",
    ]);
    ws.json(&[
        "report",
        "--framework",
        "iso27001-2022",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    let flat_text = flat(&pdf);
    assert!(
        flat_text.contains("No premises of our own"),
        "justification shown"
    );
    assert!(flat_text.contains("Access rights are a top risk"));
    assert!(
        flat_text.contains("Board of Directors")
            && flat_text.contains("2026-10-15")
            && flat_text.contains("1.3")
    );
    assert!(flat(&pdf).contains("91 controls without a justification are open"));
    ws.assert_verifies("after SoA fields");
}

#[test]
fn a_workspace_of_the_first_schema_upgrades_with_its_data_intact() {
    let fixture = fixtures().join("upgrade/v1");
    let ws = Ws::pinned();
    copy_dir(&fixture, &ws.data);
    let list = ws.evidence_list();
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["collected_on"], "2026-09-30");
    assert_eq!(items[0]["revisions"].as_array().unwrap().len(), 2);
    assert_eq!(items[1]["kind"], "note");
    let a = ws.json(&["assessment", "show", "1"]);
    assert_eq!(a["name"], "ISO 2026");
    assert!(a.get("kind").is_none(), "type not stated, not invented");
    assert_eq!(a["applicability"][0]["ref"], "A.7.4");
    let cov = ws.json(&["coverage", "--assessment", "1"]);
    assert_eq!(
        requirement(&cov, "iso27001-2022", "A.7.4")["status"],
        "not_applicable"
    );
    assert!(cov[0]["rule"].as_str().unwrap().contains("unstated type"));
    ws.assert_verifies("after the upgrade");
    // The upgraded workspace takes the new features.
    ws.json(&["evidence", "edit", "1", "--title", "Access review Q3"]);
    ws.json(&[
        "applicability",
        "set",
        "iso27001-2022",
        "A.7.1",
        "--not-applicable",
        "--justification",
        "No premises.",
    ]);
    ws.assert_verifies("after new writes on the upgraded workspace");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

#[test]
fn verify_catches_applicability_and_soa_written_outside_crosswalk() {
    let ws = setup();
    ws.json(&[
        "applicability",
        "set",
        "soc2",
        "P1.1",
        "--not-applicable",
        "--justification",
        "No personal information.",
    ]);
    ws.json(&["soa", "set", "--owner", "CISO"]);
    ws.assert_verifies("before tampering");
    let db = rusqlite::Connection::open(ws.data.join("crosswalk.db")).unwrap();
    db.execute(
        "UPDATE applicability_decisions SET justification = 'changed later' WHERE ref = 'P1.1'",
        [],
    )
    .unwrap();
    db.execute("UPDATE soa_documents SET owner = 'Someone else'", [])
        .unwrap();
    drop(db);
    let (run, report) = ws.verify();
    assert!(!run.ok(), "verify must fail");
    let subjects: Vec<&str> = report["faults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert!(
        subjects.contains(&"applicability:soc2:P1.1"),
        "{subjects:?}"
    );
    assert!(subjects.contains(&"soa:iso27001-2022"), "{subjects:?}");
}
