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

/// A workbook of one sheet with the given `<sheetData>` rows, as Excel lays
/// one out (inline strings, so no shared strings part).
fn workbook(rows: &str) -> Vec<u8> {
    use std::io::Write;
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Controls" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#)),
    ];
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in parts {
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn matrix(bytes: Vec<u8>) -> Result<interop::Imported, Vec<crosswalk_core::Problem>> {
    interop::read(
        Format::MatrixXlsx,
        "m.xlsx",
        &Input::Bytes(bytes),
        &Known::default(),
        &InteropOptions::default(),
    )
}

fn cell(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// Found by the `matrix_xlsx` target: calamine computes a cell reference's
/// column in `u32` unchecked, so a reference of many letters panicked
/// (debug builds) or wrapped to a far column whose rectangle could not be
/// allocated (release: "memory allocation of 112544217824 bytes failed",
/// the process aborted). Refused before calamine sees it.
#[test]
fn a_cell_reference_past_the_last_column_is_refused() {
    let rows = format!(
        r#"<row r="1">{}{}</row>"#,
        cell("A1", "Control ID"),
        cell("AAAAAAAAAAAAA1", "x")
    );
    let problems = matrix(workbook(&rows)).expect_err("refused");
    assert!(
        problems[0]
            .to_string()
            .contains("`AAAAAAAAAAAAA1` is beyond"),
        "{problems:?}"
    );
}

/// The same abort with references Excel itself allows: `A1` and
/// `XFD1048576` made calamine allocate the whole 17-billion-cell rectangle
/// (512 GiB). The span of the cells is checked first.
#[test]
fn cells_far_apart_are_refused_before_the_rectangle_is_allocated() {
    let rows = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        cell("A1", "Control ID"),
        cell("XFD1048576", "x")
    );
    let problems = matrix(workbook(&rows)).expect_err("refused");
    let text = problems[0].to_string();
    assert!(
        text.contains("1048576 rows × 16384 columns (A1 to XFD1048576)"),
        "{text}"
    );
}

/// A matrix with its cells where Excel puts them still reads.
#[test]
fn a_normal_workbook_still_reads() {
    let rows = format!(
        r#"<row r="1">{}{}{}</row><row r="2">{}{}{}</row>"#,
        cell("A1", "Control ID"),
        cell("B1", "Title"),
        cell("C1", "Status"),
        cell("A2", "AC-1"),
        cell("B2", "Access"),
        cell("C2", "implemented")
    );
    let got = matrix(workbook(&rows)).expect("reads");
    assert_eq!(got.controls.len(), 1);
    assert_eq!(got.controls[0].control.id, "AC-1");
}
