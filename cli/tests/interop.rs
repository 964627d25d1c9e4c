//! Foreign formats end to end through the `crosswalk` binary: matrices
//! written by other programs (Python's csv module and openpyxl), their
//! column guess, unknown refs refused then skipped, exports that read back
//! to the same workspace, and hostile files refused with nothing written.
mod common;
use common::Ws;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A Python that has openpyxl (the system one, where scripts/setup.sh installs
/// python3-openpyxl, may not be the first `python3` on the PATH).
fn python_bin() -> &'static str {
    ["python3", "/usr/bin/python3"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .args(["-c", "import openpyxl"])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("a python3 with openpyxl (scripts/setup.sh installs python3-openpyxl)")
}

fn python(script: &str, out: &Path) {
    let st = Command::new(python_bin())
        .arg("-c")
        .arg(script)
        .arg(out)
        .status()
        .expect("python3 runs");
    assert!(
        st.success(),
        "python failed (is python3-openpyxl installed? scripts/setup.sh installs it)"
    );
}

/// Rows as another program writes them: refs separated by commas and line
/// breaks, placeholders, a column for a framework Crosswalk does not have.
const ROWS: &str = r#"
rows = [
  ["Control ID", "Control Name", "Description", "Owner", "Implementation Status",
   "PCI DSS v4.0.1", "SOC 2 (TSP 2017)", "ISO 27002:2022", "NIST CSF 2.0", "HIPAA", "GDPR", "CIS Controls v8"],
  ["ENC-01", "Encryption at rest", "AES-256 everywhere", "Security", "Implemented",
   "3.5.1", "CC6.1, CC6.7", "8.24", "PR.DS-01", "164.312(a)(2)(iv)", "Art. 32(1)(a)", "3.11"],
  ["IAM-02", "MFA for admins", "", "IT", "Partially implemented",
   "8.4.2\n8.5.1", "CC6.1", "5.15\n8.5", "PR.AA-03", "—", "N/A", "6.5"],
  ["LOG-03", "Central logging", "", "", "planned", "-", "none", "8.15", "DE.CM-01", "", "", ""],
]
"#;

fn csv_script(extra: &str) -> String {
    format!("import csv, sys\n{ROWS}\n{extra}\nwith open(sys.argv[1], 'w', newline='') as f:\n    csv.writer(f).writerows(rows)\n")
}

fn xlsx_script(extra: &str) -> String {
    format!("import sys, openpyxl\n{ROWS}\n{extra}\nwb = openpyxl.Workbook()\nws = wb.active\nws.title = 'Controls'\nfor r in rows:\n    ws.append(r)\nwb.save(sys.argv[1])\n")
}

const BAD: &str = "rows[1][5] = '3.5.1, 99.9'\nrows[2][6] = 'CC6.1\\nCC42.1'\nrows[3][7] = 'A.5'";

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn roles(report: &Value) -> Vec<(String, String)> {
    report["columns"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["header"].as_str().unwrap().to_string(),
                c["role"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn expected_roles() -> Vec<(String, String)> {
    [
        ("Control ID", "id"),
        ("Control Name", "title"),
        ("Description", "description"),
        ("Owner", "owner"),
        ("Implementation Status", "status"),
        ("PCI DSS v4.0.1", "pci-dss-4.0.1"),
        ("SOC 2 (TSP 2017)", "soc2"),
        ("ISO 27002:2022", "iso27001-2022"),
        ("NIST CSF 2.0", "nist-csf-2.0"),
        ("HIPAA", "hipaa-security"),
        ("GDPR", "gdpr"),
        ("CIS Controls v8", "ignored"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}

fn check_matrix(file: PathBuf) {
    let ws = Ws::new();
    let f = s(&file);
    // The dry run shows the guess and writes nothing.
    let text = ws.ok(&["import", &f, "--dry-run"]);
    assert!(
        text.contains("CIS Controls v8") && text.contains("→ ignored"),
        "{text}"
    );
    assert!(text.contains("dry run: nothing was written"));
    assert_eq!(ws.controls().as_array().unwrap().len(), 0);
    let report = ws.json(&["import", &f]);
    assert_eq!(roles(&report), expected_roles());
    assert_eq!(
        report["added"],
        serde_json::json!(["ENC-01", "IAM-02", "LOG-03"])
    );
    let enc = ws.json(&["control", "ENC-01"]);
    let maps: Vec<String> = enc["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{}:{}",
                m["framework_id"].as_str().unwrap(),
                m["ref"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        maps,
        [
            "pci-dss-4.0.1:3.5.1",
            "soc2:CC6.1",
            "soc2:CC6.7",
            "iso27001-2022:A.8.24",
            "nist-csf-2.0:PR.DS-01",
            "hipaa-security:164.312(a)(2)(iv)",
            "gdpr:Art. 32(1)(a)"
        ]
    );
    let iam = ws.json(&["control", "IAM-02"]);
    assert_eq!(iam["status"], "partial");
    assert_eq!(iam["mappings"].as_array().unwrap().len(), 6, "{iam}");
    // The same file again: nothing changes.
    let again = ws.json(&["import", &f]);
    assert_eq!(again["unchanged"].as_array().unwrap().len(), 3);
}

#[test]
fn csv_matrix_from_python_imports_with_its_column_guess() {
    let ws = Ws::new();
    let p = ws.path("matrix.csv");
    python(&csv_script(""), &p);
    check_matrix(p);
}

#[test]
fn xlsx_matrix_from_openpyxl_imports_with_its_column_guess() {
    let ws = Ws::new();
    let p = ws.path("matrix.xlsx");
    python(&xlsx_script(""), &p);
    check_matrix(p);
}

#[test]
fn unknown_refs_are_refused_cell_by_cell_then_skipped_and_recorded() {
    let ws = Ws::new();
    let csv = ws.path("bad.csv");
    python(&csv_script(BAD), &csv);
    let xlsx = ws.path("bad.xlsx");
    python(&xlsx_script(BAD), &xlsx);
    let r = ws.fails(&["import", &s(&csv)]);
    assert!(
        r.stderr.contains(
            "line 2, column 6 (PCI DSS v4.0.1): `99.9` is not a requirement of pci-dss-4.0.1"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("(SOC 2 (TSP 2017)): `CC42.1` is not a requirement of soc2"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("(ISO 27002:2022): iso27001-2022 `A.5` is not assessable"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("3 problems; nothing was written"),
        "{}",
        r.stderr
    );
    let r = ws.fails(&["import", &s(&xlsx)]);
    for cell in [
        "Controls!F2 (PCI DSS v4.0.1)",
        "Controls!G3 (SOC 2 (TSP 2017))",
        "Controls!H4 (ISO 27002:2022)",
    ] {
        assert!(r.stderr.contains(cell), "{cell} not named:\n{}", r.stderr);
    }
    assert_eq!(ws.controls().as_array().unwrap().len(), 0);

    let report = ws.json(&["import", &s(&xlsx), "--skip-unknown"]);
    let skipped: Vec<&str> = report["skipped_cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(skipped[0]
        .contains("Controls!F2 (PCI DSS v4.0.1): `99.9` is not a requirement of pci-dss-4.0.1"));
    let enc = ws.json(&["control", "ENC-01"]);
    assert!(enc["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["ref"] == "3.5.1"));
    // The audit event records every skipped cell.
    let log = ws.log();
    let import_event = log.iter().find(|e| e["action"] == "import").unwrap();
    let recorded = import_event["details"]["skipped_cells"].as_array().unwrap();
    assert_eq!(recorded.len(), 3);
}

#[test]
fn columns_override_the_guess() {
    let ws = Ws::new();
    let p = ws.path("m.csv");
    std::fs::write(&p, "Ref,Name,State,Cloud\nA-1,Alpha,implemented,CC6.1\n").unwrap();
    let r = ws.fails(&["import", &s(&p)]);
    assert!(r.stderr.contains("no `id` column"), "{}", r.stderr);
    let out = ws.ok(&[
        "import",
        &s(&p),
        "--dry-run",
        "--columns",
        "Ref=id",
        "--columns",
        "Cloud=soc2",
    ]);
    assert!(out.contains("→ soc2 (--columns)"), "{out}");
    let report = ws.json(&[
        "import",
        &s(&p),
        "--columns",
        "Ref=id",
        "--columns",
        "Cloud=soc2",
    ]);
    assert_eq!(report["added"], serde_json::json!(["A-1"]));
}

#[test]
fn exports_read_back_to_the_same_workspace() {
    let a = Ws::new();
    a.ok(&["demo"]);
    let controls = a.controls();
    for (what, name) in [
        ("oscal-component", "c.json"),
        ("matrix", "m.xlsx"),
        ("matrix", "m.csv"),
    ] {
        let out = a.path(name);
        a.ok(&["export", what, "-o", &s(&out)]);
        let b = Ws::new();
        b.import(&[&out]);
        let mut got = b.controls();
        let mut want = controls.clone();
        if what == "matrix" {
            // A matrix orders refs by its columns.
            for list in [&mut got, &mut want] {
                for c in list.as_array_mut().unwrap() {
                    c["mappings"]
                        .as_array_mut()
                        .unwrap()
                        .sort_by_key(|m| format!("{}|{}", m["framework_id"], m["ref"]));
                }
            }
            // A matrix has one ref per cell entry: no coverage or rationale, no review cadence.
            for list in [&mut got, &mut want] {
                for c in list.as_array_mut().unwrap() {
                    c["review_every_days"] = Value::Null;
                    for m in c["mappings"].as_array_mut().unwrap() {
                        m["coverage"] = "full".into();
                        m["rationale"] = Value::Null;
                    }
                }
            }
        }
        assert_eq!(got, want, "{what} {name} did not round-trip");
    }
}

#[test]
fn hostile_and_wrong_files_are_refused_with_nothing_written() {
    let ws = Ws::new();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not-oscal.json", br#"{"name": "a package.json", "version": "1"}"#.to_vec(), "not OSCAL"),
        ("ssp.json", br#"{"system-security-plan": {"uuid": "x"}}"#.to_vec(), "not something Crosswalk imports"),
        ("old.json", br#"{"catalog": {"uuid": "u", "metadata": {"title": "T", "oscal-version": "2.0.0"}}}"#.to_vec(), "OSCAL version 2.0.0 is not supported"),
        ("mapping-1.1.json", br#"{"mapping-collection": {"uuid": "u", "metadata": {"title": "T", "oscal-version": "1.1.2"}, "mappings": []}}"#.to_vec(), "needs 1.2 or newer"),
        ("broken.json", b"{\"catalog\": {\n  \"uuid\": ,\n}}".to_vec(), "broken.json:2:"),
        ("deep.json", format!("{{\"catalog\": {{\"x\": {}{}}}}}", "[".repeat(5000), "]".repeat(5000)).into_bytes(), "not valid JSON"),
        ("profile.xml", b"<profile xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\"/>".to_vec(), "use the JSON form"),
        ("bomb.xml", br#"<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><catalog>&b;</catalog>"#.to_vec(), "not valid XML"),
        ("fake.xlsx", b"PK\x03\x04 this is not a zip".to_vec(), "XLSX"),
    ];
    for (name, bytes, expect) in &cases {
        let p = ws.path(name);
        std::fs::write(&p, bytes).unwrap();
        let r = ws.fails(&["import", &s(&p)]);
        assert!(
            r.stderr.contains(expect),
            "{name}: expected `{expect}` in:\n{}",
            r.stderr
        );
    }
    // A zip bomb dressed as a workbook: a few hundred KiB that would inflate to 256 MiB.
    let bomb = ws.path("bomb.xlsx");
    python(
        "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\nz.writestr('xl/workbook.xml', '<workbook/>')\nchunk = b'\\0' * (1 << 20)\nwith z.open('xl/worksheets/sheet1.xml', 'w', force_zip64=True) as f:\n    for _ in range(256):\n        f.write(chunk)\nz.close()\n",
        &bomb,
    );
    assert!(std::fs::metadata(&bomb).unwrap().len() < 4 << 20);
    let r = ws.fails(&["import", &s(&bomb)]);
    assert!(r.stderr.contains("zip bomb"), "{}", r.stderr);
    assert_eq!(ws.controls().as_array().unwrap().len(), 0);
    assert!(ws.log().iter().all(|e| e["action"] != "import"));
}

fn shared(rel: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(rel);
    assert!(
        p.exists(),
        "missing {} (shared/data beside the repository, as on CI)",
        p.display()
    );
    p
}

#[test]
fn coverage_and_frameworks_narrow_to_the_moderate_baseline() {
    let ws = Ws::new();
    let profile = shared("oscal/NIST_SP-800-53_rev5_MODERATE-baseline_profile.json");
    let catalog = shared("oscal/NIST_SP-800-53_rev5.0.1_catalog.json");
    let report = ws.json(&["import", &s(&profile), &s(&catalog)]);
    assert_eq!(
        report["scopes"],
        serde_json::json!(["nist-800-53-rev5.1.1-moderate-impact-baseline"])
    );
    let scopes = ws.json(&["scopes"]);
    assert_eq!(scopes[0]["requirements"], 287);
    let all = ws.json(&["coverage", "nist-800-53-rev5"]);
    assert_eq!(all[0]["assessable"], 1189 - 182);
    let moderate = ws.json(&["coverage", "nist-800-53-rev5", "--scope", "moderate"]);
    assert_eq!(moderate.as_array().unwrap().len(), 1);
    assert_eq!(moderate[0]["assessable"], 287);
    assert_eq!(moderate[0]["counts"]["gap"], 287);
    let rows = ws.json(&["frameworks", "--scope", "moderate"]);
    assert_eq!(
        rows.as_array().unwrap().len(),
        1,
        "only the framework the scope selects from"
    );
    assert_eq!(rows[0]["id"], "nist-800-53-rev5");
    let r = ws.fails(&["coverage", "--scope", "nosuch"]);
    assert!(r.stderr.contains("no scope `nosuch`"), "{}", r.stderr);
}
