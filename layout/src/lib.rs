//! A small, generic document layout engine that draws PDFs with printpdf 0.12.
//!
//! Why it exists: audit reports must be printable, archivable and diffable
//! evidence. This crate turns a simple block-based [`Document`] (cover,
//! headings, paragraphs, key/value lists, tables, stacked bar charts) into PDF
//! bytes with:
//!
//! * an embedded, **subset** Unicode font (DejaVu Sans, regular/bold/mono) —
//!   the 14 built-in PDF fonts are CP1252-only and are never used;
//! * text measured with the font's real advance widths and word-wrapped to the
//!   column width;
//! * tables whose header row repeats on every page and whose rows are never
//!   split across pages (unless a single row is taller than a page);
//! * a nested PDF outline (bookmarks) for headings, document metadata, a
//!   running header and a "Page X of Y" footer;
//! * **reproducible output**: the same `Document` always yields byte-identical
//!   PDFs (no wall-clock time, no random ids — the creation date is supplied by
//!   the caller and the file `/ID` is a hash of the content).
//!
//! It knows nothing of any domain: a caller builds a [`Document`] and calls
//! [`render`].
//!
//! The crate is arranged as typesetting code usually is:
//!
//! | module | job |
//! |---|---|
//! | `model` | the document model (public types) |
//! | `fonts` | embedded faces, metrics, subsetting |
//! | `linebreak` | measured line breaking |
//! | `flow` | page flow: cursor, page breaks, keep-with-next, header/footer |
//! | `cover`, `paragraph`, `keyvalue`, `table`, `chart` | one file per block kind |
//! | `grid` | rows of cells shared by tables and key/value lists |
//! | `widths` | column widths from content |
//! | `pdf` | drawing commands to PDF bytes, deterministic `/ID` |
//! | `outline` | bookmarks and document metadata |
//!
//! Layout is a single linear pass (each block/row is measured once), so a
//! 10,000-row table renders in well under a second in release builds.
//!
//! Implementation notes:
//! * printpdf must be compiled *without* its `text_layout`/`html` features:
//!   the crate relies on the light-weight `ParsedFont` of that configuration
//!   and performs font subsetting itself with `allsorts` (which printpdf already
//!   depends on), so no HTML/CSS engine is compiled in.
//! * Coordinates are kept in PDF points (1/72 in) with `y` growing downwards
//!   from the top edge of the page while laying out; they are flipped when the
//!   page content is emitted.
#![warn(missing_docs)]

mod chart;
mod cover;
mod flow;
mod fonts;
mod grid;
mod keyvalue;
mod linebreak;
mod model;
mod outline;
mod paragraph;
mod pdf;
mod table;
mod widths;

pub use model::*;

use flow::{Geo, Layouter};
use fonts::faces;

/// Width in points of `text` set in `style` at `size_pt`, measured with the
/// embedded font's advance widths (exactly what the PDF viewer will use).
pub fn text_width(text: &str, style: TextStyle, size_pt: f32) -> f32 {
    let faces = match faces() {
        Ok(f) => f,
        Err(_) => return 0.0,
    };
    let face = &faces.faces[style.index()];
    let units: u64 = text
        .chars()
        .map(|c| face.advance(face.resolve(c)) as u64)
        .sum();
    units as f32 * size_pt / 1000.0
}

/// Word-wraps `text` to `max_width_pt` exactly as the renderer does
/// (greedy, spaces as break points, over-long words broken by character,
/// `\n` as a hard break). Exposed so callers can size things and tests can
/// check wrapping.
pub fn wrap_text(text: &str, style: TextStyle, size_pt: f32, max_width_pt: f32) -> Vec<String> {
    let faces = match faces() {
        Ok(f) => f,
        Err(_) => return vec![text.to_string()],
    };
    let runs = [linebreak::Piece {
        style,
        color: Color::TEXT,
        text,
    }];
    linebreak::wrap_pieces(faces, &runs, size_pt, max_width_pt)
        .into_iter()
        .map(|l| l.frags.into_iter().map(|f| f.text).collect::<String>())
        .collect()
}

/// Lays out `doc` on pages described by `setup` and returns the PDF bytes.
///
/// Deterministic: the same inputs always produce the same bytes.
pub fn render(doc: &Document, setup: &PageSetup) -> Result<Vec<u8>, LayoutError> {
    let faces = faces().map_err(|e| LayoutError::Font(e.clone()))?;
    let geo = Geo::new(setup)?;
    let mut lay = Layouter::new(faces, geo, setup.body_size_pt);
    for (i, block) in doc.blocks.iter().enumerate() {
        lay.block(block, doc.blocks.get(i + 1))?;
    }
    lay.finish(doc, setup.footer_note.as_deref());
    pdf::write_pdf(doc, faces, &lay)
}
