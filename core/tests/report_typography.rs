//! The demo workspace's reports, read back with poppler as an auditor's tools
//! read them: every evidence SHA-256 must come out as one contiguous
//! 64-character string, and no table cell may break inside a control id, a
//! date, a timestamp or a header word. Checked on every framework's report and
//! the combined one, with `pdftotext -layout` and plain `pdftotext`; plus
//! `qpdf --check` and `pdffonts` (every font embedded, the mono face present).
//! "Now" is pinned with SOURCE_DATE_EPOCH (2026-12-01) for the whole binary.
use crosswalk_core::report::ReportRequest;
use crosswalk_core::Workspace;
use std::path::Path;
use std::process::Command;

const EPOCH: &str = "1796112000"; // 2026-12-01T08:00:00Z

/// Words of table headers the reports use; each must always appear whole.
const HEADER_WORDS: &[&str] = &[
    "Evidence",
    "Applicable",
    "Justification",
    "Implementation",
    "Requirement",
    "Coverage",
    "Crosswalk",
];

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| {
        panic!("`{cmd}` is needed by this test ({e}); apt-get install -y poppler-utils qpdf")
    });
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The maximal run of `allowed` characters starting at byte `at`.
fn run_at(text: &str, at: usize, allowed: impl Fn(char) -> bool) -> &str {
    let rest = &text[at..];
    let end = rest.find(|c: char| !allowed(c)).unwrap_or(rest.len());
    &rest[..end]
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// `YYYY-MM-DD` or an RFC 3339 UTC timestamp `YYYY-MM-DDTHH:MM:SSZ`.
fn is_date_or_timestamp(s: &str) -> bool {
    match s.split_once('T') {
        None => is_date(s),
        Some((d, t)) => {
            let b = t.as_bytes();
            is_date(d)
                && b.len() == 9
                && b[2] == b':'
                && b[5] == b':'
                && b[8] == b'Z'
                && t[..8]
                    .chars()
                    .enumerate()
                    .all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit())
        }
    }
}

/// Every problem found in one text rendering of one report.
fn problems(
    name: &str,
    text: &str,
    control_ids: &[String],
    hashes: &[String],
    all: bool,
) -> Vec<String> {
    let mut bad = Vec::new();
    for h in hashes {
        // A hash whose start is printed must be printed whole.
        if (all || text.contains(&h[..16])) && !text.contains(h.as_str()) {
            bad.push(format!("{name}: SHA-256 {h} is not one contiguous string"));
        }
    }
    let id_char = |c: char| c.is_ascii_alphanumeric() || c == '-';
    for prefix in ["AIOS-", "AMAS-"] {
        for (at, _) in text.match_indices(prefix) {
            let token = run_at(text, at, id_char);
            if !control_ids.iter().any(|id| id == token) {
                bad.push(format!("{name}: control id broken: {token:?}"));
            }
        }
    }
    let date_char = |c: char| c.is_ascii_digit() || matches!(c, '-' | 'T' | ':' | 'Z');
    for (at, _) in text.match_indices("20") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':') {
            continue;
        }
        let token = run_at(text, at, date_char);
        let b = token.as_bytes();
        let looks_like_date = b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-';
        if looks_like_date && !is_date_or_timestamp(token) {
            bad.push(format!("{name}: date or timestamp broken: {token:?}"));
        }
    }
    for w in HEADER_WORDS {
        let stem = &w[..w.len() - 1];
        let (whole, stems) = (text.matches(w).count(), text.matches(stem).count());
        if whole != stems {
            bad.push(format!(
                "{name}: {w:?} broken ({} of {stems} occurrences whole)",
                whole
            ));
        }
    }
    bad
}

fn check_fonts(name: &str, pdf: &Path) -> Vec<String> {
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let mut bad = Vec::new();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    for r in &rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        let n = cols.len();
        if cols[n - 5] != "yes" {
            bad.push(format!("{name}: font not embedded: {r}"));
        }
    }
    if !rows.iter().any(|r| r.contains("DejaVuSansMono")) {
        bad.push(format!("{name}: no monospace face:\n{fonts}"));
    }
    let qpdf = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    if !qpdf.contains("No syntax or stream encoding errors") {
        bad.push(format!("{name}: qpdf --check:\n{qpdf}"));
    }
    bad
}

#[test]
fn demo_reports_print_hashes_ids_and_dates_whole() {
    std::env::set_var("SOURCE_DATE_EPOCH", EPOCH);
    std::env::set_var("CROSSWALK_ACTOR", "tester");
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path().join("ws")).unwrap();
    crosswalk_core::examples::seed(&mut ws).unwrap();
    let control_ids: Vec<String> = ws.controls().unwrap().into_iter().map(|c| c.id).collect();
    let hashes: Vec<String> = ws
        .evidence_list(None)
        .unwrap()
        .iter()
        .filter_map(|e| e.current_revision().map(|r| r.sha256.clone()))
        .collect();
    assert!(hashes.len() >= 10 && control_ids.len() >= 30);

    let mut reports: Vec<(String, Vec<String>)> = ws
        .frameworks()
        .unwrap()
        .into_iter()
        .map(|f| (f.id.clone(), vec![f.id]))
        .collect();
    assert_eq!(reports.len(), 6, "one report per shipped framework");
    reports.push(("combined".into(), Vec::new()));

    let mut bad = Vec::new();
    for (name, frameworks) in &reports {
        let pdf = dir.path().join(format!("{name}.pdf"));
        let request = ReportRequest {
            frameworks: frameworks.clone(),
            ..Default::default()
        };
        ws.generate_report(&request, &pdf, &mut |_| {}).unwrap();
        let path = pdf.to_str().unwrap();
        let layout = tool("pdftotext", &["-layout", path, "-"]);
        let plain = tool("pdftotext", &[path, "-"]);
        let all = frameworks.is_empty();
        bad.extend(problems(
            &format!("{name} (-layout)"),
            &layout,
            &control_ids,
            &hashes,
            all,
        ));
        bad.extend(problems(
            &format!("{name} (plain)"),
            &plain,
            &control_ids,
            &hashes,
            all,
        ));
        bad.extend(check_fonts(name, &pdf));
    }
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
