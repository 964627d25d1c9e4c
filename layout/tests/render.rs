//! End-to-end checks of rendered PDFs with poppler and qpdf: wrapping,
//! repeating headers, page numbers, reproducibility, fonts, Unicode,
//! metadata and bookmarks, oversized rows, invalid models.

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;
use crosswalk_layout::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// Runs an external PDF tool; panics loudly if it is not installed.
fn tool(name: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!(
            "`{name}` is required by the PDF layout tests but could not be run ({e}). \
             Install it with: apt-get install -y poppler-utils qpdf"
        )
    });
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// A PDF written to the temp dir, deleted when dropped.
struct TmpPdf(PathBuf);

impl std::ops::Deref for TmpPdf {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TmpPdf {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn write_tmp(name: &str, bytes: &[u8]) -> TmpPdf {
    let p = std::env::temp_dir().join(format!(
        "crosswalk-layout-test-{}-{name}",
        std::process::id()
    ));
    std::fs::write(&p, bytes).unwrap();
    TmpPdf(p)
}

fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let (ok, text) = tool(
        "pdftotext",
        &["-layout", "-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"],
    );
    assert!(ok, "pdftotext failed: {text}");
    text
}

fn page_count(pdf: &Path) -> usize {
    let (ok, text) = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(ok, "pdfinfo failed: {text}");
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|v| v.trim().parse().unwrap())
        .expect("pdfinfo reports Pages")
}

fn status(i: usize) -> Cell {
    match i % 5 {
        0 => Cell::badge("Covered", Tone::Green),
        1 => Cell::badge("Via crosswalk", Tone::Blue),
        2 => Cell::badge("Partial", Tone::Amber),
        3 => Cell::badge("Stale", Tone::Grey),
        _ => Cell::badge("Gap", Tone::Red),
    }
}

fn table(rows: usize) -> Table {
    let mut t = Table::new(vec![
        Column::new("Control ID", 0.14),
        Column::new("Title", 0.40),
        Column::new("Status", 0.16).align(Align::Center),
        Column::new("Evidence SHA-256", 0.22),
        Column::new("Items", 0.08).align(Align::Right),
    ]);
    for i in 0..rows {
        let title = if i % 7 == 3 {
            format!("Access reviews for privileged accounts are performed quarterly and approvals are retained – révision {i}")
        } else {
            format!("Control objective number {i}")
        };
        t.row(vec![
            Cell::new(format!("ROW-{i:05}")).bold(),
            Cell::new(title),
            status(i),
            Cell::new(if i % 3 == 0 {
                HASH.to_string()
            } else {
                String::new()
            })
            .mono(),
            Cell::new(format!("{}", i % 17)),
        ]);
    }
    t
}

/// The coverage chart of the sample document.
fn sample_chart() -> BarChart {
    BarChart {
        title: "Coverage per framework".into(),
        bars: vec![
            Bar {
                label: "ISO/IEC 27001:2022".into(),
                segments: vec![
                    (61.0, Color::GREEN),
                    (12.0, Color::TEAL),
                    (9.0, Color::AMBER),
                    (4.0, Color::GREY),
                    (7.0, Color::RED),
                ],
                value_label: Some("93 controls".into()),
            },
            Bar {
                label: "SOC 2 (2017 TSC)".into(),
                segments: vec![
                    (40.0, Color::GREEN),
                    (18.0, Color::TEAL),
                    (3.0, Color::AMBER),
                    (1.0, Color::GREY),
                    (2.0, Color::RED),
                ],
                value_label: Some("64 controls".into()),
            },
            Bar {
                label: "NIST Cybersecurity Framework 2.0".into(),
                segments: vec![
                    (25.0, Color::GREEN),
                    (9.0, Color::TEAL),
                    (10.0, Color::AMBER),
                    (6.0, Color::GREY),
                    (7.0, Color::RED),
                ],
                value_label: Some("57 controls".into()),
            },
        ],
        legend: vec![
            LegendEntry {
                label: "Covered".into(),
                color: Color::GREEN,
            },
            LegendEntry {
                label: "Covered via crosswalk".into(),
                color: Color::TEAL,
            },
            LegendEntry {
                label: "Partial".into(),
                color: Color::AMBER,
            },
            LegendEntry {
                label: "Stale evidence".into(),
                color: Color::GREY,
            },
            LegendEntry {
                label: "Gap".into(),
                color: Color::RED,
            },
        ],
        scale: BarScale::Proportional,
        show_values: true,
    }
}

/// Cover, headings, paragraphs, key/value list, table, bar chart.
fn sample_document(rows: usize) -> Document {
    let mut d = Document::new("Compliance Status Report — ACME GmbH");
    d.author = "Crosswalk".into();
    d.subject = "Sample report for layout review".into();
    d.keywords = vec!["sample".into(), "layout".into()];
    d.creation_date = 1_735_732_800; // 2025-01-01T12:00:00Z
    d.push(Block::Cover(Cover {
        title: "Compliance Status Report".into(),
        subtitle_lines: vec![
            "ACME GmbH — Zürich office".into(),
            "Reporting period: Q4 2024".into(),
        ],
        details: vec![
            ("Prepared for".into(), "Jürgen Müller, CISO".into()),
            ("Generated".into(), "1 January 2025, 12:00 UTC".into()),
            ("Workspace fingerprint".into(), HASH.into()),
            (
                "Classification".into(),
                "Internal – “confidential” ✓".into(),
            ),
        ],
    }));
    d.push(Block::heading(1, "1 Executive summary"));
    d.push(Block::Paragraph(Paragraph::runs(vec![
        Run::bold("Overall position. "),
        Run::normal(
            "This report summarises the state of the control library against the selected frameworks. \
             Each control is evaluated against its linked evidence; evidence older than its review \
             interval is treated as stale. Characters such as é, ü, ß, –, “quotes” and ✓ must survive \
             the round trip through the PDF text layer.",
        ),
    ])));
    d.push(Block::KeyValue(vec![
        (
            "Frameworks".into(),
            "ISO/IEC 27001:2022, SOC 2 (2017 TSC), NIST CSF 2.0".into(),
        ),
        ("Controls in scope".into(), "214".into()),
        ("Evidence items".into(), "1,032 (37 stale)".into()),
    ]));
    d.push(Block::heading(2, "1.1 Coverage by framework"));
    d.push(Block::BarChart(sample_chart()));
    d.push(Block::heading(2, "1.2 Notes"));
    d.push(Block::paragraph(
        "Evidence fingerprints are SHA-256 digests of the stored files; long values wrap by character \
         when they do not fit a column.",
    ));
    d.push(Block::PageBreak);
    d.push(Block::heading(1, "2 Control details"));
    d.push(Block::heading(2, "2.1 All controls"));
    d.push(Block::Table(table(rows)));
    d.push(Block::heading(3, "Level-3 heading (not bookmarked)"));
    d.push(Block::paragraph("End of report."));
    d
}

#[test]
fn wrapping_respects_measured_width() {
    let text = "The quick brown fox jumps over the lazy dog. Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich.";
    for &width in &[90.0f32, 120.0, 200.0, 333.3] {
        let lines = wrap_text(text, TextStyle::Normal, 10.0, width);
        assert!(lines.len() > 1 || width > 300.0);
        for l in &lines {
            let w = text_width(l, TextStyle::Normal, 10.0);
            assert!(
                w <= width + 1e-3,
                "line {l:?} is {w} pt wide, limit {width}"
            );
        }
        // Nothing lost or reordered: words survive exactly.
        assert_eq!(
            lines.join(" ").split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        // Greedy: the next word would not have fitted on the previous line.
        for pair in lines.windows(2) {
            let next_word = pair[1].split(' ').next().unwrap();
            let joined = format!("{} {}", pair[0], next_word);
            assert!(
                text_width(&joined, TextStyle::Normal, 10.0) > width,
                "{joined:?} would fit in {width}"
            );
        }
    }
    // Bold is wider than regular for the same text.
    assert!(
        text_width("Coverage", TextStyle::Bold, 10.0)
            > text_width("Coverage", TextStyle::Normal, 10.0)
    );
}

#[test]
fn long_words_break_by_character() {
    let lines = wrap_text(HASH, TextStyle::Mono, 8.0, 80.0);
    assert!(lines.len() >= 4, "{lines:?}");
    assert_eq!(lines.concat(), HASH);
    for l in &lines {
        assert!(text_width(l, TextStyle::Mono, 8.0) <= 80.0 + 1e-3);
    }
    // Hard line breaks are honoured.
    assert_eq!(
        wrap_text("a\nb", TextStyle::Normal, 10.0, 500.0),
        vec!["a", "b"]
    );
}

#[test]
fn table_header_repeats_and_rows_are_never_split() {
    let mut d = Document::new("Header repeat test");
    d.creation_date = 0;
    d.push(Block::heading(1, "Table"));
    d.push(Block::Table(table(260)));
    let pdf = write_tmp("header-repeat.pdf", &render(&d, &PageSetup::a4()).unwrap());
    let pages = page_count(&pdf);
    assert!(
        pages >= 3,
        "expected the table to span at least 3 pages, got {pages}"
    );
    let mut seen = vec![0usize; 260];
    for p in 1..=pages {
        let t = page_text(&pdf, p);
        assert!(
            t.contains("Control ID") && t.contains("Evidence SHA-256"),
            "header missing on page {p}:\n{t}"
        );
        for (i, s) in seen.iter_mut().enumerate() {
            *s += t.matches(&format!("ROW-{i:05}")).count();
        }
    }
    assert!(
        seen.iter().all(|&c| c == 1),
        "every row exactly once: {seen:?}"
    );
}

#[test]
fn page_x_of_y_on_every_page_but_the_cover() {
    let pdf = write_tmp(
        "page-numbers.pdf",
        &render(&sample_document(150), &PageSetup::a4()).unwrap(),
    );
    let pages = page_count(&pdf);
    assert!(pages >= 4);
    let cover = page_text(&pdf, 1);
    assert!(!cover.contains("Page "), "cover has no footer:\n{cover}");
    assert!(cover.contains("Compliance Status Report"));
    for p in 2..=pages {
        let t = page_text(&pdf, p);
        assert!(
            t.contains(&format!("Page {p} of {pages}")),
            "page {p}:\n{t}"
        );
        assert!(
            t.contains("Compliance Status Report — ACME GmbH"),
            "running header on page {p}"
        );
    }
}

#[test]
fn output_is_reproducible() {
    let d = sample_document(120);
    let a = render(&d, &PageSetup::a4()).unwrap();
    let b = render(&d, &PageSetup::a4()).unwrap();
    assert!(a == b, "two renders of the same document differ");
    let mut d2 = d.clone();
    d2.creation_date += 1;
    assert!(
        render(&d2, &PageSetup::a4()).unwrap() != a,
        "creation date is part of the output"
    );
    let s = String::from_utf8_lossy(&a);
    assert!(
        s.contains("D:20250101120000+00'00'"),
        "creation date from the document"
    );
}

#[test]
fn qpdf_check_passes() {
    let pdf = write_tmp(
        "qpdf.pdf",
        &render(&sample_document(200), &PageSetup::a4()).unwrap(),
    );
    let (ok, out) = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(ok, "qpdf --check failed:\n{out}");
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");
    assert!(!out.to_lowercase().contains("warning"), "{out}");
}

#[test]
fn fonts_are_embedded_subsets() {
    let pdf = write_tmp(
        "fonts.pdf",
        &render(&sample_document(30), &PageSetup::a4()).unwrap(),
    );
    let (ok, out) = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(ok, "pdffonts failed: {out}");
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert_eq!(rows.len(), 3, "regular, bold and mono:\n{out}");
    for r in rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        // name type... encoding emb sub uni object-id
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "emb/sub/uni for {r}\n{out}"
        );
        assert!(
            cols[0].contains('+') && cols[0].contains("DejaVuSans"),
            "{r}"
        );
        assert!(r.contains("CID TrueType"), "{r}");
    }
    // The subset keeps the file small although three ~0.3–0.75 MB fonts are used.
    assert!(std::fs::metadata(&*pdf).unwrap().len() < 200_000);
}

#[test]
fn non_ascii_text_round_trips() {
    let mut d = Document::new("Ünïcödé – “test” ✓");
    d.push(Block::paragraph(
        "Café naïve Straße Łódź – “quoted” ‘single’ ✓ € 100 … Ωμέγα Привет",
    ));
    let pdf = write_tmp("unicode.pdf", &render(&d, &PageSetup::a4()).unwrap());
    let t = page_text(&pdf, 1);
    assert!(
        t.contains("Café naïve Straße Łódź – “quoted” ‘single’ ✓ € 100 … Ωμέγα Привет"),
        "{t}"
    );
    let (_, info) = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Ünïcödé – “test” ✓"), "{info}");
    // Characters the font lacks (CJK here) become U+FFFD instead of
    // invisible .notdef boxes, and wrapping still measures them.
    let mut d = Document::new("cjk");
    d.push(Block::paragraph("abc 日本語 def"));
    let pdf = write_tmp("cjk.pdf", &render(&d, &PageSetup::a4()).unwrap());
    assert!(page_text(&pdf, 1).contains("abc \u{FFFD}\u{FFFD}\u{FFFD} def"));
}

/// Walks a PDF outline tree into (depth, title, page index) rows.
fn walk_outline(
    lo: &lopdf::Document,
    first: Option<lopdf::ObjectId>,
    depth: usize,
    pages: &[lopdf::ObjectId],
    out: &mut Vec<(usize, String, usize)>,
) {
    let mut cur = first;
    while let Some(id) = cur {
        let d = lo.get_dictionary(id).unwrap();
        let title = lopdf::decode_text_string(d.get(b"Title").unwrap()).unwrap();
        let dest = d.get(b"Dest").unwrap().as_array().unwrap();
        let page = pages
            .iter()
            .position(|p| *p == dest[0].as_reference().unwrap())
            .unwrap();
        out.push((depth, title, page));
        walk_outline(
            lo,
            d.get(b"First").and_then(|o| o.as_reference()).ok(),
            depth + 1,
            pages,
            out,
        );
        cur = d.get(b"Next").and_then(|o| o.as_reference()).ok();
    }
}

#[test]
fn metadata_and_nested_bookmarks() {
    let pdf = write_tmp(
        "meta.pdf",
        &render(&sample_document(60), &PageSetup::a4()).unwrap(),
    );
    let (_, info) = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    for want in [
        "Title:",
        "Compliance Status Report — ACME GmbH",
        "Author:          Crosswalk",
        "Creator:         Crosswalk",
        "Subject:         Sample report",
        "Keywords:        sample, layout",
    ] {
        assert!(info.contains(want), "{want:?} missing in\n{info}");
    }
    let (ok, json) = tool(
        "qpdf",
        &["--json", "--json-key=outlines", pdf.to_str().unwrap()],
    );
    assert!(
        ok && json.contains("1.1 Coverage by framework"),
        "qpdf sees the outline:\n{json}"
    );

    // Walk the outline tree: (depth, title, page index).
    let lo = lopdf::Document::load_mem(&std::fs::read(&*pdf).unwrap()).unwrap();
    let pages: Vec<lopdf::ObjectId> = lo.get_pages().values().copied().collect();
    let root = lo
        .catalog()
        .unwrap()
        .get(b"Outlines")
        .unwrap()
        .as_reference()
        .unwrap();
    let root_d = lo.get_dictionary(root).unwrap();
    assert_eq!(root_d.get(b"Count").unwrap().as_i64().unwrap(), 5);
    let mut tree = Vec::new();
    walk_outline(
        &lo,
        root_d.get(b"First").unwrap().as_reference().ok(),
        0,
        &pages,
        &mut tree,
    );
    let expect = vec![
        (0, "1 Executive summary".to_string(), 1),
        (1, "1.1 Coverage by framework".to_string(), 1),
        (1, "1.2 Notes".to_string(), 1),
        (0, "2 Control details".to_string(), 2),
        (1, "2.1 All controls".to_string(), 2),
    ];
    assert_eq!(tree, expect);
}

#[test]
fn oversized_row_is_split_and_nothing_is_lost() {
    let words: Vec<String> = (0..1800).map(|i| format!("w{i}")).collect();
    let mut t = Table::new(vec![Column::new("Key", 0.2), Column::new("Long text", 0.8)]);
    t.row(vec![Cell::new("before"), Cell::new("short")]);
    t.row(vec![Cell::new("huge"), Cell::new(words.join(" "))]);
    t.row(vec![Cell::new("after"), Cell::new("short")]);
    let mut d = Document::new("Split");
    d.push(Block::Table(t));
    let pdf = write_tmp("split.pdf", &render(&d, &PageSetup::a4()).unwrap());
    let pages = page_count(&pdf);
    assert!(pages >= 2);
    let all: String = (1..=pages).map(|p| page_text(&pdf, p)).collect();
    for w in &words {
        assert!(
            all.contains(&format!("{w} ")) || all.contains(&format!("{w}\n")),
            "{w} lost"
        );
    }
    for p in 1..=pages {
        assert!(
            page_text(&pdf, p).contains("Long text"),
            "header on page {p}"
        );
    }
}

#[test]
fn invalid_models_are_rejected() {
    let mut d = Document::new("x");
    d.push(Block::Heading {
        level: 4,
        text: "bad".into(),
        bookmark: false,
    });
    assert_eq!(
        render(&d, &PageSetup::a4()),
        Err(LayoutError::InvalidHeadingLevel(4))
    );
    let mut d = Document::new("x");
    let mut t = Table::new(vec![Column::new("a", 0.5), Column::new("b", 0.5)]);
    t.row(vec![Cell::new("only one")]);
    d.push(Block::Table(t));
    assert_eq!(
        render(&d, &PageSetup::a4()),
        Err(LayoutError::RowWidthMismatch {
            row: 0,
            expected: 2,
            found: 1
        })
    );
    let mut s = PageSetup::a4();
    s.margin_left_mm = 190.0;
    assert!(matches!(
        render(&Document::new("x"), &s),
        Err(LayoutError::InvalidPageSetup(_))
    ));
    // An empty document is still a valid one-page PDF.
    let pdf = write_tmp(
        "empty.pdf",
        &render(&Document::new("empty"), &PageSetup::a4()).unwrap(),
    );
    assert_eq!(page_count(&pdf), 1);
}

#[test]
fn ten_thousand_row_table_renders_completely() {
    // Speed is measured by the bench binary (docs/BENCHMARKS.md), not here.
    let mut d = Document::new("Big table");
    d.push(Block::Table(table(10_000)));
    let bytes = render(&d, &PageSetup::a4()).unwrap();
    let pdf = write_tmp("big.pdf", &bytes);
    let pages = page_count(&pdf);
    assert!(pages > 150, "{pages}");
    assert!(page_text(&pdf, pages).contains("ROW-09999"));
}

#[test]
fn rendered_widths_match_measured_widths() {
    // Right-aligned numbers must end exactly at the cell's inner edge, which
    // only holds if our measurement equals the widths the PDF declares (/W).
    let mut t = Table::new(vec![
        Column::new("Name", 0.7),
        Column::new("Amount", 0.3).align(Align::Right),
    ]);
    for v in ["1", "22", "333,333.50", "Wörter", "✓✓✓"] {
        t.row(vec![Cell::new("x"), Cell::new(v)]);
    }
    let mut d = Document::new("Widths");
    d.push(Block::Table(t));
    let pdf = write_tmp("widths.pdf", &render(&d, &PageSetup::a4()).unwrap());
    let (ok, out) = tool(
        "pdftotext",
        &["-bbox", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"],
    );
    assert!(ok, "{out}");
    let s = PageSetup::a4();
    let edge = (s.width_mm - s.margin_right_mm) * MM - 4.5;
    let mut found = 0;
    for v in ["1", "22", "333,333.50", "Wörter", "✓✓✓", "Amount"] {
        let line = out
            .lines()
            .find(|l| l.ends_with(&format!(">{v}</word>")))
            .unwrap_or_else(|| panic!("{v} not found in\n{out}"));
        let x_max: f32 = line
            .split("xMax=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (x_max - edge).abs() < 0.05,
            "{v}: right edge {x_max}, expected {edge}"
        );
        found += 1;
    }
    assert_eq!(found, 6);
}

#[test]
fn headings_stay_with_the_following_table() {
    let mut checked = 0;
    for k in 0..40 {
        let mut d = Document::new("Keep with next");
        d.push(Block::paragraph("Intro"));
        d.push(Block::Spacer(200.0 + k as f32 * 1.5));
        d.push(Block::heading(2, "Heading before table"));
        d.push(Block::Table(table(3)));
        let pdf = write_tmp(
            &format!("keep-{k}.pdf"),
            &render(&d, &PageSetup::a4()).unwrap(),
        );
        for p in 1..=page_count(&pdf) {
            let t = page_text(&pdf, p);
            if t.contains("Heading before table") {
                assert!(
                    t.contains("Control ID") && t.contains("ROW-00000"),
                    "spacer {k}: heading separated from its table on page {p}:\n{t}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 40);
}

#[test]
fn output_is_identical_across_processes() {
    // Re-run this test binary in a fresh process to write the sample, and
    // compare it with an in-process render (catches per-process random state).
    let path =
        std::env::temp_dir().join(format!("crosswalk-layout-xproc-{}.pdf", std::process::id()));
    let test_name = "write_sample_pdf";
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test_name, "--test-threads=1"])
        .env("CROSSWALK_LAYOUT_SAMPLE", &path)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
    let other =
        std::fs::read(&path).unwrap_or_else(|e| panic!("{test_name} did not write {path:?}: {e}"));
    let _ = std::fs::remove_file(&path);
    assert!(
        other == render(&sample_document(200), &PageSetup::a4()).unwrap(),
        "renders differ between processes"
    );
}

/// Renders the review sample; writes it to $CROSSWALK_LAYOUT_SAMPLE when
/// set (the cross-process test and people reviewing the look use that).
#[test]
fn write_sample_pdf() {
    let bytes = render(&sample_document(200), &PageSetup::a4()).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    if let Ok(path) = std::env::var("CROSSWALK_LAYOUT_SAMPLE") {
        std::fs::write(&path, bytes).unwrap();
    }
}
