//! Bad control YAML: every error names FILE:LINE:COL, says what is wrong and
//! what is expected, exits non-zero, and leaves the data dir exactly as it was.
mod common;

use common::*;
use std::path::{Path, PathBuf};

/// A workspace that already holds the clean library, so "nothing written" is
/// checked against real data (controls, evidence, blobs, audit trail).
fn populated() -> Ws {
    let ws = Ws::new();
    let lib = ws.path("library");
    copy_dir(&import_fixture("library"), &lib);
    ws.import(&[&lib]);
    ws
}

/// Imports `paths`, expects the error contract, and returns the first stderr line
/// after checking it is `error: FILE:LINE:COL: …` for `file` and `line`.
fn rejected_at(ws: &Ws, paths: &[&Path], file: &Path, line: usize) -> String {
    let before = ws.snapshot();
    let mut args = vec!["import".to_string()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = ws.fails(&args);
    let first = r.stderr.lines().next().unwrap().to_string();
    let prefix = format!("error: {}:{line}:", file.display());
    assert!(
        first.starts_with(&prefix),
        "expected the first error at {}:{line}, got:\n{}",
        file.display(),
        r.stderr
    );
    let rest = &first[prefix.len()..];
    let (col, _) = rest
        .split_once(": ")
        .unwrap_or_else(|| panic!("no `COL: message` after the line number: {first}"));
    assert!(
        col.parse::<usize>().is_ok_and(|c| c >= 1),
        "the column is not a number ≥ 1: {first}"
    );
    assert!(
        r.stderr.contains("nothing was written"),
        "the error should say nothing was written:\n{}",
        r.stderr
    );
    assert_unchanged(
        &before,
        &ws.snapshot(),
        &format!("rejected import of {}", file.display()),
    );
    first
}

/// One broken fixture: the error is on `line`, which must contain `line_has`
/// (a guard against editing the fixture without the test), and the message
/// contains every one of `says`.
fn expect_rejected(fixture: &str, line: usize, line_has: &str, says: &[&str]) {
    let path = import_fixture(&format!("errors/{fixture}"));
    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
    let fixture_line = text.lines().nth(line - 1).unwrap_or("");
    assert!(
        fixture_line.contains(line_has),
        "fixture {fixture} line {line} is `{fixture_line}`, expected it to contain `{line_has}`"
    );
    let ws = populated();
    let first = rejected_at(&ws, &[&path], &path, line);
    for s in says {
        assert!(
            first.contains(s),
            "the error for {fixture} should mention `{s}`:\n{first}"
        );
    }
}

#[test]
fn yaml_syntax_error_names_the_line_of_the_unterminated_quote() {
    expect_rejected(
        "syntax-error.yaml",
        4,
        "title: \"Encryption",
        &["YAML syntax error"],
    );
}

#[test]
fn tab_indentation_is_refused_at_the_tab() {
    expect_rejected("tab-indentation.yaml", 5, "\tstatus", &["tab", "spaces"]);
}

#[test]
fn unknown_framework_is_refused_with_the_closest_framework_id() {
    expect_rejected(
        "unknown-framework.yaml",
        8,
        "pci-dss:",
        &["`pci-dss`", "did you mean `pci-dss-4.0.1`"],
    );
}

#[test]
fn unknown_requirement_is_refused_with_the_closest_ref() {
    expect_rejected(
        "unknown-requirement.yaml",
        8,
        "CC6.10",
        &["`CC6.10`", "soc2", "`CC6.1`"],
    );
}

#[test]
fn duplicate_control_id_within_one_file_is_refused_naming_the_first() {
    expect_rejected(
        "duplicate-id.yaml",
        9,
        "id: ENC-01",
        &["duplicate control id `ENC-01`", "duplicate-id.yaml:3"],
    );
}

#[test]
fn duplicate_control_id_across_two_files_is_refused_naming_both_files() {
    let dir = import_fixture("errors/dup-across");
    let (a, b) = (dir.join("a.yaml"), dir.join("b.yaml"));
    let ws = populated();
    // As a folder, and as two files.
    let first = rejected_at(&ws, &[&dir], &b, 6);
    assert!(
        first.contains("`ENC-01`") && first.contains(&format!("{}:3", a.display())),
        "{first}"
    );
    let first = rejected_at(&ws, &[&a, &b], &b, 6);
    assert!(
        first.contains("`ENC-01`") && first.contains("a.yaml:3"),
        "{first}"
    );
}

#[test]
fn duplicate_key_is_refused_naming_the_first_occurrence() {
    expect_rejected(
        "duplicate-key.yaml",
        6,
        "title: Encryption at rest",
        &["duplicate key `title`", "line 4"],
    );
}

#[test]
fn maps_given_as_a_string_is_a_type_error() {
    expect_rejected("maps-as-string.yaml", 6, "maps:", &["`maps`", "mapping"]);
}

#[test]
fn title_given_as_a_list_is_a_type_error() {
    expect_rejected(
        "title-as-list.yaml",
        4,
        "title: [",
        &["`title`", "text", "list"],
    );
}

#[test]
fn control_without_id_is_refused() {
    expect_rejected("missing-id.yaml", 6, "- title:", &["missing `id`"]);
}

#[test]
fn control_without_title_is_refused() {
    expect_rejected(
        "missing-title.yaml",
        6,
        "id: IAM-02",
        &["IAM-02", "missing `title`"],
    );
}

#[test]
fn bad_status_is_refused_listing_the_allowed_statuses() {
    expect_rejected(
        "bad-status.yaml",
        5,
        "implemnted",
        &[
            "`implemnted`",
            "implemented",
            "partial",
            "planned",
            "not_applicable",
        ],
    );
}

#[test]
fn impossible_date_is_refused() {
    expect_rejected(
        "impossible-date.yaml",
        9,
        "2026-02-30",
        &["2026-02-30", "calendar date"],
    );
}

#[test]
fn missing_evidence_file_is_refused_naming_the_path() {
    expect_rejected(
        "missing-evidence-file.yaml",
        8,
        "no-such-file.json",
        &[
            "evidence/no-such-file.json",
            "not found",
            "relative to the YAML file",
        ],
    );
}

#[test]
fn empty_file_is_refused() {
    expect_rejected("empty.yaml", 1, "#", &["empty"]);
}

#[test]
fn zero_byte_file_is_refused() {
    let ws = populated();
    let path = ws.path("zero.yaml");
    std::fs::write(&path, b"").unwrap();
    let first = rejected_at(&ws, &[&path], &path, 1);
    assert!(first.contains("empty"), "{first}");
}

#[test]
fn non_utf8_file_is_refused_at_the_first_bad_byte() {
    expect_rejected("latin1-not-utf8.yaml", 4, "Chiffrement", &["UTF-8"]);
}

#[test]
fn alias_bomb_is_refused_quickly() {
    expect_rejected("alias-bomb.yaml", 2, "&a", &["aliases"]);
}

#[test]
fn ten_thousand_deep_nesting_is_refused_without_a_crash() {
    let path = import_fixture("errors/deep-nesting.yaml");
    let ws = populated();
    let first = rejected_at(&ws, &[&path], &path, 6);
    assert!(
        first.contains("nesting"),
        "the error should say the nesting is too deep: {first}"
    );
}

#[test]
fn ten_thousand_deep_block_nesting_is_refused_without_a_crash() {
    let ws = populated();
    let path = ws.path("deep-block.yaml");
    std::fs::write(&path, format!("{}x\n", "- ".repeat(10_000))).unwrap();
    let first = rejected_at(&ws, &[&path], &path, 1);
    assert!(first.contains("nesting"), "{first}");
}

#[test]
fn file_over_16_mib_is_refused_before_parsing() {
    let ws = populated();
    let path: PathBuf = ws.path("huge.yaml");
    let mut text = String::from("controls:\n");
    let pad = "# padding to push this file over the import size limit ..........\n";
    while text.len() <= 16 * 1024 * 1024 {
        text.push_str(pad);
    }
    std::fs::write(&path, &text).unwrap();
    let first = rejected_at(&ws, &[&path], &path, 1);
    assert!(
        first.contains("16 MiB"),
        "the error should state the limit: {first}"
    );
}

#[test]
fn one_bad_file_among_good_ones_writes_nothing_at_all() {
    let ws = populated();
    let good = ws.path("good");
    std::fs::create_dir_all(&good).unwrap();
    std::fs::write(
        good.join("a.yaml"),
        "controls:\n  - id: NEW-01\n    title: A new control\n    status: implemented\n",
    )
    .unwrap();
    let bad = import_fixture("errors/bad-status.yaml");
    rejected_at(&ws, &[&good, &bad], &bad, 5);
    ws.fails(&["control", "NEW-01"]);
}
