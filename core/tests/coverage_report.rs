//! Coverage statuses end to end (controls, evidence, crosswalks, assessments)
//! and the PDF report built from them, checked with the poppler and qpdf tools.
//! "Now" is pinned with SOURCE_DATE_EPOCH (2026-06-30) for the whole binary.
use crosswalk_core::assessment::{Applicability, AssessmentInput};
use crosswalk_core::controls::CoverageRequest;
use crosswalk_core::import::ImportOptions;
use crosswalk_core::report::ReportRequest;
use crosswalk_core::{Status, Workspace};
use std::path::Path;
use std::process::Command;

const EPOCH: &str = "1782820800"; // 2026-06-30T12:00:00Z

const LIBRARY: &str = r#"
controls:
  - id: ENC-01
    title: Encryption of data at rest
    description: AES-256-GCM everywhere; keys in the KMS.
    category: encryption
    owner: Security Engineering
    status: implemented
    review_every: 365d
    maps:
      nist-csf-2.0: ["PR.DS-01"]
      iso27001-2022: ["A.8.24"]
      pci-dss-4.0.1: [{ref: "3.5.1", coverage: partial, rationale: "no HSM"}]
    evidence:
      - title: KMS key policy export
        file: kms.json
        collected: 2026-06-01
        valid_until: 2027-06-01
  - id: LOG-01
    title: Audit logging
    category: logging-monitoring
    owner: Platform Team
    status: implemented
    maps:
      iso27001-2022: ["A.8.15"]
    evidence:
      - title: Log retention screenshot
        note: Retention set to 400 days in the SIEM.
        collected: 2025-06-01
        valid_until: 2026-01-31
  - id: BCP-01
    title: Backups
    owner: Platform Team
    status: planned
    maps:
      iso27001-2022: ["A.8.13"]
"#;

/// SOC 2 CC6.1 is declared equal to CSF PR.DS-01 for the test (a user
/// crosswalk next to the shipped one), so covering PR.DS-01 offers CC6.1
/// related coverage.
const CROSSWALK: &str = r#"
from: soc2
to: nist-csf-2.0
source: test fixture
basis: judgement
links:
  - from: "CC6.1"
    to: "PR.DS-01"
    relationship: equal
"#;

fn workspace(dir: &Path) -> Workspace {
    std::env::set_var("SOURCE_DATE_EPOCH", EPOCH);
    std::env::set_var("CROSSWALK_ACTOR", "tester");
    let lib = dir.join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::write(lib.join("controls.yaml"), LIBRARY).unwrap();
    std::fs::write(
        lib.join("kms.json"),
        br#"{"KeyRotation": true, "Algorithm": "AES_256_GCM"}"#,
    )
    .unwrap();
    std::fs::write(lib.join("crosswalk.yaml"), CROSSWALK).unwrap();
    let mut ws = Workspace::open(dir.join("data")).unwrap();
    ws.set_organisation("Test Org").unwrap();
    // The crosswalk sits in the library folder: imported only when asked for.
    let options = ImportOptions {
        with_catalogs: true,
        ..Default::default()
    };
    ws.import(&[lib], &options).unwrap();
    ws
}

fn status(ws: &Workspace, fw: &str, reference: &str, assessment: Option<i64>) -> Status {
    let cov = ws
        .coverage(&CoverageRequest {
            frameworks: vec![fw.into()],
            assessment_id: assessment,
        })
        .unwrap();
    cov[0]
        .requirements
        .iter()
        .find(|r| r.reference == reference)
        .unwrap()
        .status
        .unwrap()
}

#[test]
fn statuses_follow_from_controls_evidence_and_crosswalks() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    assert_eq!(
        status(&ws, "nist-csf-2.0", "PR.DS-01", None),
        Status::Covered
    );
    assert_eq!(
        status(&ws, "iso27001-2022", "A.8.24", None),
        Status::Covered
    );
    assert_eq!(status(&ws, "pci-dss-4.0.1", "3.5.1", None), Status::Partial);
    assert_eq!(status(&ws, "iso27001-2022", "A.8.15", None), Status::Stale);
    assert_eq!(status(&ws, "iso27001-2022", "A.8.13", None), Status::Gap);
    // Linked to the covered PR.DS-01, SOC 2 CC6.1 shows related coverage but stays a gap.
    assert_eq!(status(&ws, "soc2", "CC6.1", None), Status::Gap);
    let soc2 = &ws
        .coverage(&CoverageRequest {
            frameworks: vec!["soc2".into()],
            assessment_id: None,
        })
        .unwrap()[0];
    assert_eq!(
        soc2.counts.covered, 0,
        "related coverage is never counted as covered"
    );
    assert!(soc2.related_coverage >= 1);
    assert_eq!(soc2.percent_covered, 0.0);
    let row = soc2
        .requirements
        .iter()
        .find(|r| r.reference == "CC6.1")
        .unwrap();
    let via = row
        .related_coverage
        .iter()
        .find(|c| c.reference == "PR.DS-01")
        .expect("PR.DS-01 offered");
    assert_eq!(via.controls, vec!["ENC-01".to_string()]);
    assert_eq!(via.summary, "NIST CSF 2.0 PR.DS-01");
}

#[test]
fn assessments_scope_out_requirements_and_limit_evidence_to_the_period() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path());
    let a = ws
        .save_assessment(&AssessmentInput {
            id: None,
            name: "FY2025".into(),
            organisation: None,
            scope: "Production SaaS".into(),
            period_start: "2025-01-01".parse().unwrap(),
            period_end: "2025-12-31".parse().unwrap(),
            frameworks: vec!["iso27001-2022".into()],
            kind: None,
        })
        .unwrap();
    // The KMS export was collected in 2026: outside the period, so it does not count.
    assert_eq!(
        status(&ws, "iso27001-2022", "A.8.24", Some(a.id)),
        Status::Gap
    );
    // The log evidence was collected and valid inside 2025.
    assert_eq!(
        status(&ws, "iso27001-2022", "A.8.15", Some(a.id)),
        Status::Covered
    );
    let na = Applicability {
        framework_id: "iso27001-2022".into(),
        reference: "A.7.4".into(),
        applicable: false,
        justification: String::new(),
        implementation: String::new(),
    };
    assert!(
        ws.set_applicability(a.id, &na).is_err(),
        "not applicable needs a justification"
    );
    let na = Applicability {
        justification: "No physical premises: fully remote company".into(),
        ..na
    };
    ws.set_applicability(a.id, &na).unwrap();
    assert_eq!(
        status(&ws, "iso27001-2022", "A.7.4", Some(a.id)),
        Status::NotApplicable
    );
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed for this test (poppler-utils, qpdf): {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn report_is_complete_valid_and_reproducible() {
    // The same workspace built twice at the same path (paths are part of the audit trail).
    let a = tempfile::tempdir().unwrap();
    let run = a.path().join("run");
    let request = ReportRequest {
        assessment_id: None,
        frameworks: vec!["iso27001-2022".into(), "soc2".into()],
        period: None,
    };
    let first = {
        let mut ws = workspace(&run);
        ws.generate_report(&request, &a.path().join("first.pdf"), &mut |_| {})
            .unwrap();
        std::fs::read(a.path().join("first.pdf")).unwrap()
    };
    std::fs::remove_dir_all(&run).unwrap();
    let mut ws_a = workspace(&run);
    let pdf_a = a.path().join("report.pdf");
    let summary = ws_a.generate_report(&request, &pdf_a, &mut |_| {}).unwrap();
    let bytes = std::fs::read(&pdf_a).unwrap();
    assert!(
        bytes == first,
        "same data and SOURCE_DATE_EPOCH must give the same bytes"
    );
    assert!(summary.pages > 5, "{} pages", summary.pages);

    let p = pdf_a.to_str().unwrap();
    tool("qpdf", &["--check", p]);
    let fonts = tool("pdffonts", &[p]);
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes yes ")),
        "fonts must be embedded and subset:\n{fonts}"
    );
    let info = tool("pdfinfo", &[p]);
    assert!(
        info.contains("Author:          Test Org") && info.contains("Creator:         Crosswalk"),
        "{info}"
    );
    let text = tool("pdftotext", &["-layout", p, "-"]);
    let kms_sha =
        crosswalk_core::hash::sha256_hex(br#"{"KeyRotation": true, "Algorithm": "AES_256_GCM"}"#);
    // A hash wraps inside its column; in content order its pieces are adjacent.
    let raw: String = tool("pdftotext", &["-raw", p, "-"])
        .split_whitespace()
        .collect();
    assert!(
        raw.contains(&kms_sha),
        "the evidence index lacks the file's SHA-256"
    );
    // The gap SOC 2 CC6.1 names where its related coverage comes from.
    assert!(
        raw.contains("Relatedcoverage(notcounted):NISTCSF2.0PR.DS-01"),
        "the report lacks CC6.1's related coverage"
    );
    for needle in [
        "Compliance Assessment Report",
        "Test Org",
        "A.8.24",
        "CC6.1",
        "Stale evidence",
        "Statement of Applicability",
        "ENC-01",
        "Chain verified",
        "Platform Team",
        "Page 2 of",
    ] {
        assert!(text.contains(needle), "report text lacks {needle:?}");
    }
    // Every Annex A control is in the Statement of Applicability.
    for n in 1..=37 {
        assert!(text.contains(&format!("A.5.{n} ")), "A.5.{n} missing");
    }
    let png = a.path().join("page");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "2",
            p,
            png.to_str().unwrap(),
        ],
    );
    let first = std::fs::read_dir(a.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with("page"));
    assert!(
        first.is_some_and(|e| e.metadata().unwrap().len() > 5_000),
        "pages render to PNG"
    );
    // The report itself is in the audit trail, with the PDF's hash.
    let event = &ws_a.log(1, None).unwrap()[0];
    assert_eq!(event.action, "report.generated");
    assert_eq!(event.details["sha256"], summary.sha256);
}
