//! Inputs the fuzz targets (`fuzz/`, `make fuzz`) or their review found to
//! crash, hang or grow without bound, each kept as a test of the fix: every
//! one must end quickly in a result or a located problem, never a panic.
use crosswalk_core::interop::{self, Format, Input, InteropOptions, Known};

fn oscal_catalog(bytes: &[u8]) -> Result<interop::Imported, Vec<crosswalk_core::Problem>> {
    interop::read(
        Format::OscalCatalog,
        "bomb.json",
        &Input::Bytes(bytes.to_vec()),
        &Known::default(),
        &InteropOptions::default(),
    )
}

/// A parameter whose choice inserts the parameter again, many times:
/// rendering follows such inserts four levels deep, so 60 inserts made
/// 60⁴ = 13 million placeholders (50 MiB of summary) from 1.7 KiB of JSON, and
/// a few hundred made the import run out of memory. Rendered statements may
/// now be at most a few times the file's own size: this one is refused,
/// naming the control.
#[test]
fn a_parameter_inserted_into_its_own_choices_is_refused_not_expanded() {
    let refs = vec!["{{ insert: param, p1 }}"; 60].join(" ");
    let json = format!(
        r#"{{"catalog": {{"uuid": "u", "metadata": {{"title": "Bomb", "oscal-version": "1.0.0"}},
        "params": [{{"id": "p1", "select": {{"choice": ["{refs}"]}}}}],
        "controls": [{{"id": "c-1", "title": "C", "parts": [{{"id": "s", "name": "statement", "prose": "{{{{ insert: param, p1 }}}}"}}]}}]}}}}"#
    );
    let problems = oscal_catalog(json.as_bytes()).expect_err("a parameter bomb is refused");
    let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("c-1") && t.contains("parameters")),
        "{text:?}"
    );
}

/// The same shape, but harmless: a choice that inserts another parameter
/// (as SP 800-53 does) still renders in full.
#[test]
fn a_parameter_inside_a_choice_still_renders() {
    let json = r#"{"catalog": {"uuid": "u", "metadata": {"title": "Nested", "oscal-version": "1.0.0"},
        "params": [{"id": "p1", "select": {"how-many": "one-or-more", "choice": ["every {{ insert: param, p2 }}", "never"]}},
                   {"id": "p2", "label": "frequency"}],
        "controls": [{"id": "c-1", "title": "C", "parts": [{"id": "s", "name": "statement", "prose": "Review {{ insert: param, p1 }}."}]}]}}"#;
    let got = oscal_catalog(json.as_bytes()).expect("imports");
    let r = &got.catalogs[0].requirements[0];
    assert_eq!(
        r.summary,
        "Review [Selection (one or more): every [Assignment: frequency]; never]."
    );
}
