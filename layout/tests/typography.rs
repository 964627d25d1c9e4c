//! Typography of tables, read back with `pdftotext`: column widths from
//! content (ids, dates, timestamps and header words never break inside),
//! hashes whole on one line in the mono face, the font shrinking before any
//! word breaks, and the page-flow rules that keep a table's header with its
//! first rows and its last row with the one before.
use crosswalk_layout::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A PDF in the temp dir, deleted when dropped.
struct TmpPdf(PathBuf);

impl Drop for TmpPdf {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn render_tmp(name: &str, doc: &Document) -> TmpPdf {
    let p = std::env::temp_dir().join(format!(
        "crosswalk-typography-{}-{name}.pdf",
        std::process::id()
    ));
    std::fs::write(&p, render(doc, &PageSetup::a4()).unwrap()).unwrap();
    TmpPdf(p)
}

fn pdftotext(pdf: &Path, args: &[&str]) -> String {
    let out = Command::new("pdftotext")
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is required by these tests");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text of each page, `-layout` mode.
fn pages(pdf: &Path) -> Vec<String> {
    pdftotext(pdf, &["-layout"])
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn one_table(t: Table) -> Document {
    let mut d = Document::new("Typography");
    d.push(Block::Table(t));
    d
}

/// The evidence-index shape that broke on main: seven columns, narrow hints
/// for ids and dates, a long mono hash.
fn evidence_like(rows: usize) -> Table {
    let mut t = Table::new(vec![
        Column::new("ID", 0.55),
        Column::new("Evidence", 2.2),
        Column::new("Controls", 1.3),
        Column::new("Evidence date", 1.05),
        Column::new("Valid until", 1.05),
        Column::new("Size", 0.8).align(Align::Right),
        Column::new("SHA-256 / source", 3.1),
    ]);
    for i in 0..rows {
        t.row(vec![
            Cell::new(format!("E{i}")),
            Cell::new("Quarterly access review of production accounts"),
            Cell::new("AIOS-GOV-01, AMAS-IAM-04"),
            Cell::new("2026-09-30"),
            Cell::new("2027-09-30"),
            Cell::new("1.2 KiB"),
            Cell::hash(HASH),
        ]);
    }
    t
}

#[test]
fn ids_dates_and_header_words_are_never_broken() {
    let pdf = render_tmp("tokens", &one_table(evidence_like(12)));
    for mode in [&["-layout"][..], &[][..]] {
        let text = pdftotext(&pdf.0, mode);
        assert_eq!(text.matches("AIOS-GOV-01").count(), 12, "{text}");
        assert_eq!(text.matches("AMAS-IAM-04").count(), 12, "{text}");
        assert_eq!(text.matches("2026-09-30").count(), 12, "{text}");
        assert_eq!(text.matches("2027-09-30").count(), 12, "{text}");
        assert_eq!(text.matches(HASH).count(), 12, "hash whole:\n{text}");
        assert_eq!(
            text.matches("Evidence").count(),
            text.matches("Evidenc").count()
        );
        assert!(text.contains("Valid"), "{text}");
    }
}

#[test]
fn timestamps_and_long_headers_in_narrow_columns_stay_whole() {
    // Hints that would give these columns 5 % of the width each.
    let mut t = Table::new(vec![
        Column::new("Ref", 0.05),
        Column::new("Applicable", 0.05),
        Column::new("At", 0.05),
        Column::new("What", 0.85),
    ]);
    for _ in 0..3 {
        t.row(vec![
            // A short monospaced code stays on one line, spaces and all.
            Cell::new("Art. 32(1)(a)").mono(),
            Cell::badge("Yes", Tone::Green),
            Cell::new("2026-10-01T20:12:11Z"),
            Cell::new("A long description that may wrap as it likes over several lines"),
        ]);
    }
    let pdf = render_tmp("timestamps", &one_table(t));
    let text = pdftotext(&pdf.0, &["-layout"]);
    assert_eq!(text.matches("2026-10-01T20:12:11Z").count(), 3, "{text}");
    assert_eq!(text.matches("Art. 32(1)(a)").count(), 3, "{text}");
    assert!(text.contains("Applicable"), "{text}");
}

#[test]
fn a_word_wider_than_any_column_is_the_only_one_broken() {
    let url = format!(
        "https://example.com/{}",
        "very-long-path-segment/".repeat(12)
    );
    let mut t = Table::new(vec![Column::new("Id", 1.0), Column::new("Source", 3.0)]);
    t.row(vec![Cell::new("AIOS-GOV-01"), Cell::new(url.clone())]);
    let pdf = render_tmp("url", &one_table(t));
    // -layout: plain mode would join a line ending in "-" without it.
    let text = pdftotext(&pdf.0, &["-layout"]);
    assert!(text.contains("AIOS-GOV-01"), "{text}");
    assert!(!text.contains(&url), "the URL cannot fit and must wrap");
    // It breaks after a "/" or "-", never inside "segment".
    assert_eq!(text.matches("segment").count(), 12, "{text}");
    // Nothing is lost: the pieces join back to the URL.
    let joined: String = text.split_whitespace().collect();
    assert!(joined.contains(&url), "{text}");
}

#[test]
fn fonts_shrink_before_words_break_when_columns_are_crowded() {
    // Six columns of 14-character ids overflow A4 at 8.5 pt; at a smaller
    // size they fit whole.
    let cols = (0..6).map(|i| Column::new(format!("C{i}"), 1.0)).collect();
    let mut t = Table::new(cols);
    for r in 0..3 {
        t.row(
            (0..6)
                .map(|c| Cell::new(format!("ID-{r}{c}-ABCDEFGH")))
                .collect(),
        );
    }
    let pdf = render_tmp("crowded", &one_table(t));
    let text = pdftotext(&pdf.0, &[]);
    for r in 0..3 {
        for c in 0..6 {
            let id = format!("ID-{r}{c}-ABCDEFGH");
            assert!(text.contains(&id), "{id} broken:\n{text}");
        }
    }
}

/// A paragraph pushing the table to `k` points above the page foot.
fn filler(k: usize) -> Document {
    let mut d = Document::new("Flow");
    d.push(Block::paragraph("Intro"));
    d.push(Block::Spacer(180.0 + k as f32 * 2.0));
    d
}

#[test]
fn a_header_never_ends_a_page_without_its_first_two_rows() {
    for k in 0..30 {
        let mut d = filler(k);
        let mut t = Table::new(vec![Column::new("Row", 1.0), Column::new("Text", 3.0)]);
        for i in 0..6 {
            t.row(vec![Cell::new(format!("ROW-{i}")), Cell::new("text")]);
        }
        d.push(Block::Table(t));
        let pdf = render_tmp(&format!("orphan-{k}"), &d);
        for (p, text) in pages(&pdf.0).iter().enumerate() {
            if text.contains("Row ") || text.contains("Row\n") {
                assert!(
                    text.contains("ROW-0") && text.contains("ROW-1") || !text.contains("ROW-0"),
                    "spacer {k}: page {p} has the header and ROW-0 without ROW-1:\n{text}"
                );
                let rows = (0..6)
                    .filter(|i| text.contains(&format!("ROW-{i}")))
                    .count();
                assert!(rows != 1, "spacer {k}: page {p} has one lone row:\n{text}");
            }
        }
    }
}

#[test]
fn the_last_row_is_never_alone_on_a_page() {
    let mut lone = 0;
    for k in 0..40 {
        let mut d = filler(k);
        let mut t = Table::new(vec![Column::new("Row", 1.0), Column::new("Text", 3.0)]);
        for i in 0..8 {
            t.row(vec![Cell::new(format!("ROW-{i}")), Cell::new("text")]);
        }
        d.push(Block::Table(t));
        d.push(Block::paragraph("After the table."));
        let pdf = render_tmp(&format!("widow-{k}"), &d);
        let pages = pages(&pdf.0);
        for text in &pages {
            let rows: Vec<usize> = (0..8)
                .filter(|i| text.contains(&format!("ROW-{i}")))
                .collect();
            assert!(rows != [7], "spacer {k}: ROW-7 alone on a page:\n{text}");
            lone += usize::from(rows.len() == 1);
        }
        // Every row exactly once.
        let all: String = pages.concat();
        for i in 0..8 {
            assert_eq!(all.matches(&format!("ROW-{i}")).count(), 1, "spacer {k}");
        }
    }
    assert_eq!(lone, 0, "no page holds a single row of this table");
}

#[test]
fn a_heading_row_never_ends_a_page() {
    for k in 0..30 {
        let mut d = filler(k);
        let mut t = Table::new(vec![Column::new("Ref", 1.0), Column::new("Text", 3.0)]);
        for g in 0..3 {
            t.heading_row(vec![Cell::new(format!("GROUP-{g}")).bold(), Cell::new("")]);
            for i in 0..3 {
                t.row(vec![Cell::new(format!("ITEM-{g}{i}")), Cell::new("text")]);
            }
        }
        d.push(Block::Table(t));
        let pdf = render_tmp(&format!("group-{k}"), &d);
        for text in pages(&pdf.0) {
            for g in 0..3 {
                if text.contains(&format!("GROUP-{g}")) {
                    assert!(
                        text.contains(&format!("ITEM-{g}0")),
                        "spacer {k}: GROUP-{g} without its first row:\n{text}"
                    );
                }
            }
        }
    }
}
