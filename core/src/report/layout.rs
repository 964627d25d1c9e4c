//! A small, generic document layout engine that draws PDFs with printpdf 0.12.
//!
//! Why it exists: audit reports must be printable, archivable and diffable
//! evidence. This module turns a simple block-based [`Document`] (cover,
//! headings, paragraphs, key/value lists, tables, stacked bar charts) into PDF
//! bytes with:
//!
//! * an embedded, **subset** Unicode font (DejaVu Sans, regular/bold/mono) —
//!   the 14 built-in PDF fonts are CP1252-only and are never used;
//! * text measured with the font's real advance widths and word-wrapped to the
//!   column width (over-long tokens such as SHA-256 hex break by character);
//! * tables whose header row repeats on every page and whose rows are never
//!   split across pages (unless a single row is taller than a page);
//! * a nested PDF outline (bookmarks) for headings, document metadata, a
//!   running header and a "Page X of Y" footer;
//! * **reproducible output**: the same `Document` always yields byte-identical
//!   PDFs (no wall-clock time, no random ids — the creation date is supplied by
//!   the caller and the file `/ID` is a hash of the content).
//!
//! It contains no compliance vocabulary: the report module builds a
//! [`Document`] and calls [`render`].
//!
//! Layout is a single linear pass (each block/row is measured once), so a
//! 10,000-row table renders in well under a second in release builds.
//!
//! Implementation notes:
//! * printpdf must be compiled *without* its `text_layout`/`html` features:
//!   this module relies on the light-weight `ParsedFont` of that configuration
//!   and performs font subsetting itself with `allsorts` (which printpdf already
//!   depends on), so no HTML/CSS engine is compiled in.
//! * Coordinates are kept in PDF points (1/72 in) with `y` growing downwards
//!   from the top edge of the page while laying out; they are flipped when the
//!   page content is emitted.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::OnceLock;

use printpdf::{
    Color as PdfColor, FontId, Line as PdfLine, LinePoint, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFont, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Polygon,
    PolygonRing, Pt, Rect, Rgb, TextItem, TextMatrix, WindingOrder,
};

// ---------------------------------------------------------------------------
// Public document model
// ---------------------------------------------------------------------------

/// An sRGB colour (0–255 per channel). Used for text, fills and chart segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Color {
    /// Red channel.
    pub r: u8,
    /// Green channel.
    pub g: u8,
    /// Blue channel.
    pub b: u8,
}

impl Color {
    /// Builds a colour from its channels.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Color { r, g, b }
    }
    /// Builds a colour from `0xRRGGBB`, handy for palette constants.
    pub const fn hex(v: u32) -> Self {
        Color {
            r: (v >> 16) as u8,
            g: (v >> 8) as u8,
            b: v as u8,
        }
    }

    /// Pure black.
    pub const BLACK: Color = Color::hex(0x000000);
    /// Pure white.
    pub const WHITE: Color = Color::hex(0xFFFFFF);
    /// Default body text (near-black slate; softer than pure black on paper).
    pub const TEXT: Color = Color::hex(0x1F2933);
    /// Secondary text: header/footer, keys, captions.
    pub const MUTED: Color = Color::hex(0x5F6B7A);
    /// Accent for titles and headings (dark navy).
    pub const ACCENT: Color = Color::hex(0x1F3A5F);
    /// Thin rules and table borders.
    pub const RULE: Color = Color::hex(0xC5CCD6);
    /// Table header background.
    pub const HEADER_BG: Color = Color::hex(0xE6EAF0);
    /// Zebra stripe background.
    pub const ZEBRA_BG: Color = Color::hex(0xF5F7F9);

    // Muted status colours for chart segments and legends; chosen to stay
    // distinguishable in greyscale print and for common colour blindness.
    /// Status green (good / covered).
    pub const GREEN: Color = Color::hex(0x2E7D4F);
    /// Teal (e.g. covered indirectly).
    pub const TEAL: Color = Color::hex(0x3B8EA5);
    /// Blue (informational).
    pub const BLUE: Color = Color::hex(0x3A6EA5);
    /// Amber (partial / attention).
    pub const AMBER: Color = Color::hex(0xD39B2A);
    /// Red (gap / failure).
    pub const RED: Color = Color::hex(0xB3261E);
    /// Grey (stale / not applicable).
    pub const GREY: Color = Color::hex(0x8A94A3);

    /// Relative luminance (0..1), used to pick readable text on a fill.
    fn luminance(self) -> f32 {
        (0.2126 * self.r as f32 + 0.7152 * self.g as f32 + 0.0722 * self.b as f32) / 255.0
    }
    fn to_pdf(self) -> PdfColor {
        PdfColor::Rgb(Rgb {
            r: self.r as f32 / 255.0,
            g: self.g as f32 / 255.0,
            b: self.b as f32 / 255.0,
            icc_profile: None,
        })
    }
}

/// A restrained status palette so callers get consistent badge colours
/// (light tint background + dark text) without choosing RGB values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tone {
    /// Positive.
    Green,
    /// Informational.
    Blue,
    /// Needs attention.
    Amber,
    /// Negative.
    Red,
    /// Neutral / inactive.
    Grey,
}

impl Tone {
    /// Strong colour (chart segments, legend swatches).
    pub fn strong(self) -> Color {
        match self {
            Tone::Green => Color::GREEN,
            Tone::Blue => Color::BLUE,
            Tone::Amber => Color::AMBER,
            Tone::Red => Color::RED,
            Tone::Grey => Color::GREY,
        }
    }
    /// Light tint used as a badge/cell background.
    pub fn tint(self) -> Color {
        match self {
            Tone::Green => Color::hex(0xDCEFE3),
            Tone::Blue => Color::hex(0xDCE7F3),
            Tone::Amber => Color::hex(0xFBEBC8),
            Tone::Red => Color::hex(0xF6D5D2),
            Tone::Grey => Color::hex(0xE8EBEF),
        }
    }
    /// Dark text colour that reads well on [`Tone::tint`].
    pub fn ink(self) -> Color {
        match self {
            Tone::Green => Color::hex(0x1D5C38),
            Tone::Blue => Color::hex(0x254E7A),
            Tone::Amber => Color::hex(0x7A5200),
            Tone::Red => Color::hex(0x8E1B15),
            Tone::Grey => Color::hex(0x4B5563),
        }
    }
}

/// Which embedded face a piece of text uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum TextStyle {
    /// DejaVu Sans.
    #[default]
    Normal,
    /// DejaVu Sans Bold.
    Bold,
    /// DejaVu Sans Mono (hashes, identifiers).
    Mono,
}

impl TextStyle {
    fn index(self) -> usize {
        match self {
            TextStyle::Normal => 0,
            TextStyle::Bold => 1,
            TextStyle::Mono => 2,
        }
    }
}

/// Horizontal alignment of text inside a table column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left (text).
    #[default]
    Left,
    /// Centred (short labels, badges).
    Center,
    /// Flush right (numbers).
    Right,
}

/// The whole report: metadata plus the blocks to lay out in order.
///
/// `creation_date` is supplied by the caller (Unix seconds, UTC) so that
/// rendering the same document twice gives byte-identical PDFs.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// PDF title; also printed in the running page header.
    pub title: String,
    /// PDF Author.
    pub author: String,
    /// PDF Subject.
    pub subject: String,
    /// PDF Keywords (joined with ", ").
    pub keywords: Vec<String>,
    /// Unix timestamp (seconds, UTC) written as CreationDate and ModDate.
    pub creation_date: i64,
    /// Content, laid out in order.
    pub blocks: Vec<Block>,
}

impl Document {
    /// An empty document with the given title.
    pub fn new(title: impl Into<String>) -> Self {
        Document {
            title: title.into(),
            ..Default::default()
        }
    }
    /// Appends a block (builder convenience).
    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }
}

/// One unit of content. Blocks flow top to bottom and break across pages.
#[derive(Clone, Debug)]
pub enum Block {
    /// A full cover page (no running header/footer); content continues on the
    /// next page.
    Cover(Cover),
    /// Section heading. With `bookmark`, it gets a PDF outline entry nested
    /// under the preceding higher-level heading ([`Block::heading`] bookmarks
    /// levels 1 and 2).
    Heading {
        /// 1 (chapter), 2 (section) or 3 (sub-section).
        level: u8,
        /// Heading text; also the bookmark title.
        text: String,
        /// Add a PDF outline entry.
        bookmark: bool,
    },
    /// Wrapped running text.
    Paragraph(Paragraph),
    /// Two-column key/value list (metadata, scope statements).
    KeyValue(Vec<(String, String)>),
    /// A table with repeating header row.
    Table(Table),
    /// Horizontal stacked bar chart.
    BarChart(BarChart),
    /// Forces the following content onto a new page (no-op at the top of a page).
    PageBreak,
    /// Vertical whitespace in millimetres (does not carry over a page break).
    Spacer(f32),
}

impl Block {
    /// A heading that is bookmarked when it is level 1 or 2.
    pub fn heading(level: u8, text: impl Into<String>) -> Block {
        Block::Heading {
            level,
            text: text.into(),
            bookmark: level <= 2,
        }
    }
    /// A plain paragraph at body size.
    pub fn paragraph(text: impl Into<String>) -> Block {
        Block::Paragraph(Paragraph::new(text))
    }
}

/// Cover page content: big title, subtitle lines and a key/value block at the
/// foot of the page (e.g. prepared for / date / version).
#[derive(Clone, Debug, Default)]
pub struct Cover {
    /// Large title.
    pub title: String,
    /// Lines under the title (organisation, period...).
    pub subtitle_lines: Vec<String>,
    /// Key/value pairs anchored at the foot of the cover.
    pub details: Vec<(String, String)>,
}

/// A run of text with one style. Paragraphs are a sequence of runs so that a
/// label can be bold inside running text.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// The text; `\n` forces a line break.
    pub text: String,
    /// Face used for this run.
    pub style: TextStyle,
    /// `None` uses the paragraph colour.
    pub color: Option<Color>,
}

impl Run {
    /// Regular-weight run.
    pub fn normal(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            style: TextStyle::Normal,
            color: None,
        }
    }
    /// Bold run (labels, emphasis).
    pub fn bold(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            style: TextStyle::Bold,
            color: None,
        }
    }
    /// Monospaced run (hashes, identifiers).
    pub fn mono(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            style: TextStyle::Mono,
            color: None,
        }
    }
    /// Sets the run colour.
    pub fn color(mut self, c: Color) -> Run {
        self.color = Some(c);
        self
    }
}

/// A paragraph: styled runs, optional size (pt) and colour. `\n` inside a run
/// forces a line break.
#[derive(Clone, Debug, Default)]
pub struct Paragraph {
    /// Runs, concatenated without separators.
    pub runs: Vec<Run>,
    /// Font size in points; `None` uses [`PageSetup::body_size_pt`].
    pub size_pt: Option<f32>,
    /// Default colour of runs without their own; `None` is [`Color::TEXT`].
    pub color: Option<Color>,
}

impl Paragraph {
    /// A single normal-weight run.
    pub fn new(text: impl Into<String>) -> Paragraph {
        Paragraph {
            runs: vec![Run::normal(text)],
            ..Default::default()
        }
    }
    /// A paragraph of several styled runs (no separator is inserted between runs).
    pub fn runs(runs: Vec<Run>) -> Paragraph {
        Paragraph {
            runs,
            ..Default::default()
        }
    }
    /// Sets the font size in points.
    pub fn size(mut self, pt: f32) -> Paragraph {
        self.size_pt = Some(pt);
        self
    }
    /// Sets the default colour.
    pub fn color(mut self, c: Color) -> Paragraph {
        self.color = Some(c);
        self
    }
}

impl From<&str> for Paragraph {
    fn from(s: &str) -> Self {
        Paragraph::new(s)
    }
}

/// A table column: header text, share of the content width and alignment.
#[derive(Clone, Debug)]
pub struct Column {
    /// Header text, repeated on every page the table spans.
    pub header: String,
    /// Relative width; fractions are normalised so they need not sum to 1.
    pub width_fraction: f32,
    /// Alignment of the header and the cells.
    pub align: Align,
}

impl Column {
    /// Left-aligned column.
    pub fn new(header: impl Into<String>, width_fraction: f32) -> Column {
        Column {
            header: header.into(),
            width_fraction,
            align: Align::Left,
        }
    }
    /// Sets the alignment.
    pub fn align(mut self, align: Align) -> Column {
        self.align = align;
        self
    }
}

/// A table cell: text plus optional style, text colour, background and badge.
#[derive(Clone, Debug, Default)]
pub struct Cell {
    /// Cell text; wrapped to the column width.
    pub text: String,
    /// Face used for the text.
    pub style: TextStyle,
    /// Text colour; `None` is [`Color::TEXT`].
    pub text_color: Option<Color>,
    /// Fills the whole cell.
    pub background: Option<Color>,
    /// Draws a rounded "pill" of this colour behind the text only — the
    /// usual look of a status badge, independent of the row height.
    pub badge: Option<Color>,
}

impl Cell {
    /// Plain cell.
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            ..Default::default()
        }
    }
    /// A status badge: tinted pill behind dark bold text in the same hue.
    pub fn badge(text: impl Into<String>, tone: Tone) -> Cell {
        Cell {
            text: text.into(),
            style: TextStyle::Bold,
            text_color: Some(tone.ink()),
            background: None,
            badge: Some(tone.tint()),
        }
    }
    /// Uses the bold face.
    pub fn bold(mut self) -> Cell {
        self.style = TextStyle::Bold;
        self
    }
    /// Uses the monospaced face.
    pub fn mono(mut self) -> Cell {
        self.style = TextStyle::Mono;
        self
    }
    /// Sets the text colour.
    pub fn color(mut self, c: Color) -> Cell {
        self.text_color = Some(c);
        self
    }
    /// Fills the whole cell.
    pub fn background(mut self, c: Color) -> Cell {
        self.background = Some(c);
        self
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::new(s)
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::new(s)
    }
}

/// A table. Every row must have exactly `columns.len()` cells.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Column definitions (at least one).
    pub columns: Vec<Column>,
    /// Body rows.
    pub rows: Vec<Vec<Cell>>,
    /// Light background on every other row.
    pub zebra: bool,
    /// Font size in points; `None` is one point below the body size.
    pub font_size_pt: Option<f32>,
}

impl Table {
    /// A zebra-striped table with the given columns and no rows yet.
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
            zebra: true,
            font_size_pt: None,
        }
    }
    /// Appends a row.
    pub fn row(&mut self, cells: Vec<Cell>) -> &mut Self {
        self.rows.push(cells);
        self
    }
}

/// One horizontal bar: a label and stacked segments `(value, colour)`.
#[derive(Clone, Debug, Default)]
pub struct Bar {
    /// Category label left of the bar (shortened with "…" if too long).
    pub label: String,
    /// Stacked `(value, colour)` segments, drawn left to right; negative
    /// and non-finite values count as 0.
    pub segments: Vec<(f64, Color)>,
    /// Text printed right of the bar (e.g. "82 %" or "143 controls").
    pub value_label: Option<String>,
}

/// A legend swatch.
#[derive(Clone, Debug)]
pub struct LegendEntry {
    /// Label next to the swatch.
    pub label: String,
    /// Swatch colour.
    pub color: Color,
}

/// How bar lengths are scaled.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum BarScale {
    /// Every bar spans the full width (composition in percent); a 0–100 %
    /// axis is drawn.
    #[default]
    Proportional,
    /// Bars are scaled relative to the largest bar total.
    Shared,
    /// Bars are scaled so that this total spans the full width.
    Fixed(f64),
}

/// Horizontal stacked bar chart (e.g. coverage per framework).
#[derive(Clone, Debug, Default)]
pub struct BarChart {
    /// Caption above the chart (may be empty).
    pub title: String,
    /// One row per bar.
    pub bars: Vec<Bar>,
    /// Legend below the chart (may be empty).
    pub legend: Vec<LegendEntry>,
    /// How bar lengths are scaled.
    pub scale: BarScale,
    /// Print each segment's value inside it when it fits.
    pub show_values: bool,
}

/// Page geometry and base typography. `Default` is A4 portrait.
#[derive(Clone, Debug, PartialEq)]
pub struct PageSetup {
    /// Page width.
    pub width_mm: f32,
    /// Page height.
    pub height_mm: f32,
    /// Top margin; the running header sits inside it.
    pub margin_top_mm: f32,
    /// Bottom margin; the footer sits inside it.
    pub margin_bottom_mm: f32,
    /// Left margin.
    pub margin_left_mm: f32,
    /// Right margin.
    pub margin_right_mm: f32,
    /// Body text size in points.
    pub body_size_pt: f32,
    /// Optional text at the left of the footer (e.g. a classification).
    pub footer_note: Option<String>,
}

impl Default for PageSetup {
    fn default() -> Self {
        PageSetup::a4()
    }
}

impl PageSetup {
    /// A4 portrait with 20 mm side margins and room for header/footer.
    pub fn a4() -> PageSetup {
        PageSetup {
            width_mm: 210.0,
            height_mm: 297.0,
            margin_top_mm: 25.0,
            margin_bottom_mm: 22.0,
            margin_left_mm: 20.0,
            margin_right_mm: 20.0,
            body_size_pt: 9.5,
            footer_note: None,
        }
    }
}

/// Why rendering failed. Layout problems are caller bugs (bad model);
/// `Font`/`Pdf` are internal failures.
#[derive(Debug, Clone, PartialEq)]
pub enum LayoutError {
    /// Heading level outside 1..=3.
    InvalidHeadingLevel(u8),
    /// Table without columns, or with non-positive/non-finite width fractions.
    InvalidColumns(String),
    /// A table row whose cell count differs from the column count.
    RowWidthMismatch {
        /// Zero-based row index.
        row: usize,
        /// Number of columns.
        expected: usize,
        /// Number of cells in the row.
        found: usize,
    },
    /// Page too small for its margins, or a non-positive font size.
    InvalidPageSetup(String),
    /// The embedded font could not be parsed or subset.
    Font(String),
    /// printpdf/lopdf reported an error while writing.
    Pdf(String),
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayoutError::InvalidHeadingLevel(l) => write!(f, "heading level {l} is not 1, 2 or 3"),
            LayoutError::InvalidColumns(m) => write!(f, "invalid table columns: {m}"),
            LayoutError::RowWidthMismatch {
                row,
                expected,
                found,
            } => {
                write!(f, "table row {row} has {found} cells, expected {expected}")
            }
            LayoutError::InvalidPageSetup(m) => write!(f, "invalid page setup: {m}"),
            LayoutError::Font(m) => write!(f, "font error: {m}"),
            LayoutError::Pdf(m) => write!(f, "PDF writer error: {m}"),
        }
    }
}

impl std::error::Error for LayoutError {}

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
    let runs = [Piece {
        style,
        color: Color::TEXT,
        text,
    }];
    wrap_pieces(faces, &runs, size_pt, max_width_pt)
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
    write_pdf(doc, faces, &lay)
}

// ---------------------------------------------------------------------------
// Fonts
// ---------------------------------------------------------------------------

const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
const FONT_MONO: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono.ttf");

/// Metrics of one embedded face, parsed once per process.
struct Face {
    ps_name: &'static str,
    resource: &'static str,
    bytes: &'static [u8],
    /// hhea ascender/descender in em (descender negative).
    ascent: f32,
    descent: f32,
    /// Advance per glyph id in 1/1000 em, truncated exactly as printpdf writes
    /// `/W`, so measured and rendered widths agree to the unit.
    widths: Vec<u16>,
    /// Glyph ids for U+0000..U+00FF (0 = not in font), the hot path.
    latin: [u16; 256],
    cmap: HashMap<u32, u16>,
    /// Used for characters the face lacks.
    replacement: char,
}

impl Face {
    fn parse(
        bytes: &'static [u8],
        ps_name: &'static str,
        resource: &'static str,
    ) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let pf = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| format!("cannot parse {ps_name}"))?;
        let upem = pf.units_per_em.max(1) as f32;
        let max_gid = pf.glyph_widths.keys().next_back().copied().unwrap_or(0) as usize;
        let mut widths = vec![0u16; max_gid + 1];
        for (&gid, &w) in &pf.glyph_widths {
            // Same arithmetic as printpdf's get_scaled_glyph_width.
            widths[gid as usize] = (w as f32 * 1000.0 / upem) as i64 as u16;
        }
        let mut latin = [0u16; 256];
        let mut cmap = HashMap::with_capacity(pf.codepoint_to_glyph.len());
        for (&cp, &gid) in &pf.codepoint_to_glyph {
            if cp < 256 {
                latin[cp as usize] = gid;
            }
            cmap.insert(cp, gid);
        }
        let mut face = Face {
            ps_name,
            resource,
            bytes,
            ascent: pf.font_metrics.ascent as f32 / upem,
            descent: pf.font_metrics.descent as f32 / upem,
            widths,
            latin,
            cmap,
            replacement: '?',
        };
        if face.gid('\u{FFFD}') != 0 {
            face.replacement = '\u{FFFD}';
        }
        if face.gid(' ') == 0 || face.gid('?') == 0 {
            return Err(format!("{ps_name} lacks basic ASCII glyphs"));
        }
        Ok(face)
    }

    #[inline]
    fn gid(&self, c: char) -> u16 {
        let cp = c as u32;
        if cp < 256 {
            self.latin[cp as usize]
        } else {
            self.cmap.get(&cp).copied().unwrap_or(0)
        }
    }

    /// Maps a character to one this face can draw (tabs become spaces,
    /// characters without a glyph become the replacement character).
    #[inline]
    fn resolve(&self, c: char) -> char {
        if c == '\t' {
            return ' ';
        }
        if self.gid(c) != 0 {
            c
        } else {
            self.replacement
        }
    }

    #[inline]
    fn advance(&self, c: char) -> u32 {
        self.widths.get(self.gid(c) as usize).copied().unwrap_or(0) as u32
    }
}

struct Faces {
    faces: [Face; 3],
}

fn faces() -> Result<&'static Faces, &'static String> {
    static FACES: OnceLock<Result<Faces, String>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Ok(Faces {
                faces: [
                    Face::parse(FONT_REGULAR, "DejaVuSans", "F1")?,
                    Face::parse(FONT_BOLD, "DejaVuSans-Bold", "F2")?,
                    Face::parse(FONT_MONO, "DejaVuSansMono", "F3")?,
                ],
            })
        })
        .as_ref()
}

/// Set of characters drawn with one face (bitset over all of Unicode).
struct CharSet(Vec<u64>);

impl CharSet {
    fn new() -> Self {
        CharSet(vec![0; 0x110000 / 64])
    }
    #[inline]
    fn insert(&mut self, c: char) {
        let v = c as usize;
        self.0[v >> 6] |= 1 << (v & 63);
    }
    fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &w)| {
            (0..64)
                .filter(move |b| w & (1u64 << b) != 0)
                .filter_map(move |b| char::from_u32((i * 64 + b) as u32))
        })
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
}

/// FNV-1a, used for deterministic subset tags and the file /ID.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Subsets `face` to the glyphs of `used` and returns a printpdf font whose
/// name carries the standard six-letter subset tag.
fn subset_face(face: &Face, used: &CharSet) -> Result<ParsedFont, LayoutError> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset, CmapTarget, SubsetProfile};

    let chars: Vec<char> = used.chars().collect();
    let gids: BTreeSet<u16> = chars
        .iter()
        .map(|&c| face.gid(c))
        .filter(|&g| g != 0)
        .collect();
    // Glyph 0 (.notdef) must come first; allsorts renumbers glyph ids[i] -> i.
    let ids: Vec<u16> = std::iter::once(0).chain(gids.iter().copied()).collect();
    let new_id: HashMap<u16, u16> = ids
        .iter()
        .enumerate()
        .map(|(i, &g)| (g, i as u16))
        .collect();

    let font_file = ReadScope::new(face.bytes)
        .read::<FontData<'_>>()
        .map_err(|e| LayoutError::Font(format!("{}: {e}", face.ps_name)))?;
    let provider = font_file
        .table_provider(0)
        .map_err(|e| LayoutError::Font(format!("{}: {e}", face.ps_name)))?;
    let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| LayoutError::Font(format!("subsetting {}: {e}", face.ps_name)))?;

    let mut warnings = Vec::new();
    let mut pf = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
        .ok_or_else(|| LayoutError::Font(format!("cannot parse subset of {}", face.ps_name)))?;
    // Authoritative char -> new glyph id map (do not rely on the subset cmap).
    pf.codepoint_to_glyph = chars
        .iter()
        .filter_map(|&c| new_id.get(&face.gid(c)).map(|&g| (c as u32, g)))
        .collect();

    let mut h = fnv1a(0xcbf29ce484222325, face.ps_name.as_bytes());
    for g in &ids {
        h = fnv1a(h, &g.to_le_bytes());
    }
    let tag: String = (0..6)
        .map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char)
        .collect();
    pf.font_name = Some(format!("{tag}+{}", face.ps_name));
    Ok(pf)
}

// ---------------------------------------------------------------------------
// Text wrapping
// ---------------------------------------------------------------------------

/// Input to the wrapper: text with a style and colour.
struct Piece<'a> {
    style: TextStyle,
    color: Color,
    text: &'a str,
}

/// A styled fragment of a laid-out line; `units` is its advance in 1/1000 em.
#[derive(Clone, Debug)]
struct Frag {
    style: TextStyle,
    color: Color,
    text: String,
    units: u32,
}

#[derive(Clone, Debug, Default)]
struct Line {
    frags: Vec<Frag>,
    /// Total advance in 1/1000 em.
    units: u32,
}

impl Line {
    fn width(&self, size: f32) -> f32 {
        self.units as f32 * size / 1000.0
    }
    fn push_char(&mut self, style: TextStyle, color: Color, c: char, adv: u32) {
        match self.frags.last_mut() {
            Some(f) if f.style == style && f.color == color => {
                f.text.push(c);
                f.units += adv;
            }
            _ => self.frags.push(Frag {
                style,
                color,
                text: c.to_string(),
                units: adv,
            }),
        }
        self.units += adv;
    }
}

/// Greedy word wrap of styled pieces to `max_w` points.
fn wrap_pieces(faces: &Faces, pieces: &[Piece<'_>], size: f32, max_w: f32) -> Vec<Line> {
    // Width budget in 1/1000 em units (tiny epsilon against float noise).
    let max_units = ((max_w.max(0.0) * 1000.0 / size) + 0.01) as u32;
    let mut lines = Vec::new();
    let mut line = Line::default();
    // Current word as (style, colour, char, advance).
    let mut word: Vec<(TextStyle, Color, char, u32)> = Vec::new();
    let mut word_units: u32 = 0;

    fn place_word(
        faces: &Faces,
        lines: &mut Vec<Line>,
        line: &mut Line,
        word: &mut Vec<(TextStyle, Color, char, u32)>,
        word_units: &mut u32,
        max_units: u32,
    ) {
        if word.is_empty() {
            return;
        }
        if !line.frags.is_empty() {
            // The separating space is drawn in the style of the preceding text.
            let last = line.frags.last().unwrap();
            let (st, col) = (last.style, last.color);
            let space = faces.faces[st.index()].advance(' ');
            if line.units + space + *word_units <= max_units {
                line.push_char(st, col, ' ', space);
                for &(s, c, ch, a) in word.iter() {
                    line.push_char(s, c, ch, a);
                }
                word.clear();
                *word_units = 0;
                return;
            }
            lines.push(std::mem::take(line));
        }
        if *word_units <= max_units {
            for &(s, c, ch, a) in word.iter() {
                line.push_char(s, c, ch, a);
            }
        } else {
            // Over-long word (hashes, URLs): break by character.
            for &(s, c, ch, a) in word.iter() {
                if !line.frags.is_empty() && line.units + a > max_units {
                    lines.push(std::mem::take(line));
                }
                line.push_char(s, c, ch, a);
            }
        }
        word.clear();
        *word_units = 0;
    }

    for p in pieces {
        let face = &faces.faces[p.style.index()];
        for ch in p.text.chars() {
            match ch {
                '\n' => {
                    place_word(
                        faces,
                        &mut lines,
                        &mut line,
                        &mut word,
                        &mut word_units,
                        max_units,
                    );
                    lines.push(std::mem::take(&mut line));
                }
                '\r' => {}
                ' ' | '\t' => {
                    place_word(
                        faces,
                        &mut lines,
                        &mut line,
                        &mut word,
                        &mut word_units,
                        max_units,
                    );
                }
                c if c.is_control() || c == '\u{00AD}' => {}
                c => {
                    let c = face.resolve(c);
                    let a = face.advance(c);
                    word.push((p.style, p.color, c, a));
                    word_units += a;
                }
            }
        }
    }
    place_word(
        faces,
        &mut lines,
        &mut line,
        &mut word,
        &mut word_units,
        max_units,
    );
    if !line.frags.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Shortens `text` with an ellipsis so that it fits `max_w` (single line).
fn truncate_to(faces: &Faces, text: &str, style: TextStyle, size: f32, max_w: f32) -> String {
    let face = &faces.faces[style.index()];
    let max_units = (max_w.max(0.0) * 1000.0 / size) as u32;
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .map(|c| face.resolve(c))
        .collect();
    let total: u32 = chars.iter().map(|&c| face.advance(c)).sum();
    if total <= max_units {
        return chars.into_iter().collect();
    }
    let ell = face.resolve('…');
    let budget = max_units.saturating_sub(face.advance(ell));
    let mut out = String::new();
    let mut used = 0;
    for c in chars {
        let a = face.advance(c);
        if used + a > budget {
            break;
        }
        used += a;
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out.push(ell);
    out
}

// ---------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------

const MM: f32 = 72.0 / 25.4;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.32;
const TABLE_LEADING: f32 = 1.25;

/// Page geometry in points, y measured from the top edge.
#[derive(Clone, Copy, Debug)]
struct Geo {
    pw: f32,
    ph: f32,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
}

impl Geo {
    fn new(s: &PageSetup) -> Result<Geo, LayoutError> {
        let g = Geo {
            pw: s.width_mm * MM,
            ph: s.height_mm * MM,
            left: s.margin_left_mm * MM,
            right: (s.width_mm - s.margin_right_mm) * MM,
            top: s.margin_top_mm * MM,
            bottom: (s.height_mm - s.margin_bottom_mm) * MM,
        };
        let ok = [
            s.width_mm,
            s.height_mm,
            s.margin_top_mm,
            s.margin_bottom_mm,
            s.margin_left_mm,
            s.margin_right_mm,
        ]
        .iter()
        .all(|v| v.is_finite() && *v >= 0.0);
        if !ok || g.right - g.left < 50.0 || g.bottom - g.top < 100.0 {
            return Err(LayoutError::InvalidPageSetup(
                "page too small for its margins".into(),
            ));
        }
        if !(s.body_size_pt.is_finite() && s.body_size_pt >= 4.0 && s.body_size_pt <= 40.0) {
            return Err(LayoutError::InvalidPageSetup(format!(
                "body size {} pt",
                s.body_size_pt
            )));
        }
        Ok(g)
    }
    fn width(&self) -> f32 {
        self.right - self.left
    }
}

struct Fill {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    color: Color,
    /// Corner radius; 0 = plain rectangle.
    radius: f32,
}

struct Stroke {
    x1: f32,
    y1: f32,
    x2: f32,
    y2: f32,
    width: f32,
    color: Color,
}

struct Txt {
    x: f32,
    baseline: f32,
    style: TextStyle,
    size: f32,
    color: Color,
    text: String,
}

/// Drawing commands of one page, painted fills → strokes → text.
#[derive(Default)]
struct PageBuf {
    fills: Vec<Fill>,
    strokes: Vec<Stroke>,
    texts: Vec<Txt>,
    cover: bool,
}

struct OutlineEntry {
    level: u8,
    title: String,
    page: usize,
    y: f32,
}

/// Per-table drawing parameters.
struct GridStyle {
    size: f32,
    lh: f32,
    pad_x: f32,
    pad_y: f32,
    /// Full grid (vertical lines, outer box) vs. separators only.
    grid: bool,
    zebra: bool,
}

/// A cell ready to draw.
struct PCell {
    lines: Vec<Line>,
    background: Option<Color>,
    badge: Option<Color>,
}

struct Layouter {
    faces: &'static Faces,
    geo: Geo,
    body: f32,
    pages: Vec<PageBuf>,
    /// Index of the page being drawn on (the last one, except in `finish`).
    cur: usize,
    y: f32,
    /// Nothing has been placed on the current page yet.
    fresh: bool,
    /// The next block must start a new page (after a cover).
    need_page: bool,
    used: [CharSet; 3],
    outlines: Vec<OutlineEntry>,
}

impl Layouter {
    fn new(faces: &'static Faces, geo: Geo, body: f32) -> Layouter {
        Layouter {
            faces,
            geo,
            body,
            pages: Vec::new(),
            cur: 0,
            y: geo.top,
            fresh: true,
            need_page: true,
            used: [CharSet::new(), CharSet::new(), CharSet::new()],
            outlines: Vec::new(),
        }
    }

    fn page(&mut self) -> &mut PageBuf {
        &mut self.pages[self.cur]
    }

    fn new_page(&mut self) {
        self.pages.push(PageBuf::default());
        self.cur = self.pages.len() - 1;
        self.y = self.geo.top;
        self.fresh = true;
        self.need_page = false;
    }

    /// Called before every block: opens the first page / the page after a cover.
    fn begin_block(&mut self) {
        if self.need_page {
            self.new_page();
        }
    }

    /// Breaks the page unless `h` more points fit (or we are at the top).
    fn ensure(&mut self, h: f32) -> bool {
        if self.y + h > self.geo.bottom + 0.01 && !self.fresh {
            self.new_page();
            return true;
        }
        false
    }

    fn placed(&mut self) {
        self.fresh = false;
    }

    /// Baseline offset of a line of `size` centred in a line box of `lh`.
    fn baseline_off(&self, style: TextStyle, size: f32, lh: f32) -> f32 {
        let f = &self.faces.faces[style.index()];
        (lh - (f.ascent - f.descent) * size) / 2.0 + f.ascent * size
    }

    fn text(
        &mut self,
        x: f32,
        baseline: f32,
        style: TextStyle,
        size: f32,
        color: Color,
        text: String,
    ) {
        if text.is_empty() {
            return;
        }
        let set = &mut self.used[style.index()];
        for c in text.chars() {
            set.insert(c);
        }
        self.page().texts.push(Txt {
            x,
            baseline,
            style,
            size,
            color,
            text,
        });
    }

    /// Draws a prepared line whose left edge is at `x`.
    fn line_at(&mut self, line: &Line, x: f32, baseline: f32, size: f32) {
        let mut x = x;
        for f in &line.frags {
            self.text(x, baseline, f.style, size, f.color, f.text.clone());
            x += f.units as f32 * size / 1000.0;
        }
    }

    /// Single-style, already-clean text (header/footer/labels).
    fn label(
        &mut self,
        x: f32,
        baseline: f32,
        style: TextStyle,
        size: f32,
        color: Color,
        text: &str,
    ) {
        let face = &self.faces.faces[style.index()];
        let clean: String = text
            .chars()
            .filter(|c| !c.is_control())
            .map(|c| face.resolve(c))
            .collect();
        self.text(x, baseline, style, size, color, clean);
    }

    fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        if w > 0.0 && h > 0.0 {
            self.page().fills.push(Fill {
                x,
                y,
                w,
                h,
                color,
                radius: 0.0,
            });
        }
    }

    fn rounded(&mut self, x: f32, y: f32, w: f32, h: f32, radius: f32, color: Color) {
        if w > 0.0 && h > 0.0 {
            let radius = radius.min(w / 2.0).min(h / 2.0);
            self.page().fills.push(Fill {
                x,
                y,
                w,
                h,
                color,
                radius,
            });
        }
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Color) {
        self.page().strokes.push(Stroke {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
            color,
        });
    }

    fn vline(&mut self, x: f32, y1: f32, y2: f32, width: f32, color: Color) {
        self.page().strokes.push(Stroke {
            x1: x,
            y1,
            x2: x,
            y2,
            width,
            color,
        });
    }

    fn wrap(&self, text: &str, style: TextStyle, size: f32, max_w: f32, color: Color) -> Vec<Line> {
        wrap_pieces(self.faces, &[Piece { style, color, text }], size, max_w)
    }

    fn units_width(&self, text: &str, style: TextStyle, size: f32) -> f32 {
        let face = &self.faces.faces[style.index()];
        text.chars()
            .map(|c| face.advance(face.resolve(c)))
            .sum::<u32>() as f32
            * size
            / 1000.0
    }

    // -- blocks -------------------------------------------------------------

    fn block(&mut self, block: &Block, next: Option<&Block>) -> Result<(), LayoutError> {
        match block {
            Block::Cover(c) => {
                self.cover(c)?;
                return Ok(());
            }
            Block::PageBreak => {
                if !self.need_page && !self.fresh {
                    self.new_page();
                }
                return Ok(());
            }
            _ => {}
        }
        self.begin_block();
        match block {
            Block::Heading {
                level,
                text,
                bookmark,
            } => {
                let keep = self.keep_height(next);
                self.heading(*level, text, *bookmark, keep)
            }
            Block::Paragraph(p) => {
                self.paragraph(p);
                Ok(())
            }
            Block::KeyValue(pairs) => {
                self.key_value(pairs, self.body);
                self.y += 0.6 * self.body;
                Ok(())
            }
            Block::Table(t) => self.table(t),
            Block::BarChart(c) => {
                self.bar_chart(c);
                Ok(())
            }
            Block::Spacer(mm) => {
                // Whitespace never starts a page and never carries over.
                let h = mm.max(0.0) * MM;
                if !self.fresh {
                    if self.y + h > self.geo.bottom {
                        self.new_page();
                    } else {
                        self.y += h;
                    }
                }
                Ok(())
            }
            Block::Cover(_) | Block::PageBreak => unreachable!(),
        }
    }

    fn cover(&mut self, c: &Cover) -> Result<(), LayoutError> {
        // The cover always has a page of its own.
        if self.pages.is_empty() || !self.fresh || self.need_page {
            self.new_page();
        }
        self.page().cover = true;
        self.fresh = false;
        let g = self.geo;
        let w = g.width();

        // Accent band along the top edge and a hairline above the details.
        self.fill(0.0, 0.0, g.pw, 7.0 * MM, Color::ACCENT);

        let title_size = 26.0;
        let lh = title_size * 1.18;
        let mut y = g.ph * 0.30;
        let lines = self.wrap(&c.title, TextStyle::Bold, title_size, w, Color::ACCENT);
        for l in &lines {
            let bl = y + self.baseline_off(TextStyle::Bold, title_size, lh);
            self.line_at(l, g.left, bl, title_size);
            y += lh;
        }
        y += 10.0;
        self.page().strokes.push(Stroke {
            x1: g.left,
            y1: y,
            x2: g.left + 60.0,
            y2: y,
            width: 2.0,
            color: Color::ACCENT,
        });
        y += 14.0;
        let sub_size = 13.0;
        let sub_lh = sub_size * 1.45;
        for s in &c.subtitle_lines {
            for l in self.wrap(s, TextStyle::Normal, sub_size, w, Color::MUTED) {
                let bl = y + self.baseline_off(TextStyle::Normal, sub_size, sub_lh);
                self.line_at(&l, g.left, bl, sub_size);
                y += sub_lh;
            }
        }

        if !c.details.is_empty() {
            // Anchor the details at the foot of the page, below the subtitle.
            let size = self.body;
            let h = self.key_value_height(&c.details, size);
            let start = (g.bottom - h).max(y + 30.0);
            self.y = start;
            self.hline(g.left, g.right, start - 8.0, 0.6, Color::RULE);
            self.key_value(&c.details, size);
        }
        self.need_page = true;
        Ok(())
    }

    /// Height of the start of `next` that a heading must stay with, so that
    /// headings are never stranded at the foot of a page.
    fn keep_height(&self, next: Option<&Block>) -> f32 {
        let body_lines = |n: f32| n * self.body * LEADING;
        let full = self.geo.bottom - self.geo.top;
        let h = match next {
            Some(Block::Paragraph(p)) => {
                let size = p
                    .size_pt
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .unwrap_or(self.body);
                2.0 * size * LEADING
            }
            Some(Block::Table(t)) if !t.columns.is_empty() => {
                let size = t
                    .font_size_pt
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .unwrap_or(self.body - 1.0);
                let total: f32 = t
                    .columns
                    .iter()
                    .map(|c| c.width_fraction.max(0.0))
                    .sum::<f32>()
                    .max(1e-6);
                let lines = |text: &str, style: TextStyle, frac: f32| {
                    let w = frac.max(0.0) / total * self.geo.width() - 9.0;
                    self.wrap(text, style, size, w, Color::TEXT).len()
                };
                let head = t
                    .columns
                    .iter()
                    .map(|c| lines(&c.header, TextStyle::Bold, c.width_fraction))
                    .max()
                    .unwrap_or(1);
                let first = t.rows.first().map_or(1, |r| {
                    r.iter()
                        .zip(&t.columns)
                        .map(|(c, col)| lines(&c.text, c.style, col.width_fraction))
                        .max()
                        .unwrap_or(1)
                });
                (head + first) as f32 * size * TABLE_LEADING + 4.0 * 3.2
            }
            Some(Block::BarChart(c)) => {
                (if c.title.is_empty() {
                    0.0
                } else {
                    (self.body + 1.0) * LEADING + 4.0
                }) + 17.0
            }
            Some(Block::KeyValue(_)) => body_lines(1.0) + 7.0,
            Some(Block::Heading { .. }) => body_lines(4.0),
            _ => body_lines(3.0),
        };
        h.max(body_lines(2.0)).min(full * 0.5)
    }

    fn heading(
        &mut self,
        level: u8,
        text: &str,
        bookmark: bool,
        keep: f32,
    ) -> Result<(), LayoutError> {
        let (size, before, after, color) = match level {
            1 => (17.0, 18.0, 8.0, Color::ACCENT),
            2 => (12.5, 13.0, 5.0, Color::ACCENT),
            3 => (10.5, 9.0, 3.0, Color::TEXT),
            l => return Err(LayoutError::InvalidHeadingLevel(l)),
        };
        let lh = size * 1.2;
        let lines = self.wrap(text, TextStyle::Bold, size, self.geo.width(), color);
        let rule = if level == 1 { 5.0 } else { 0.0 };
        let h = lines.len() as f32 * lh + rule + after;
        // Keep the heading with the start of what follows.
        let keep = h + keep;
        if !self.fresh {
            if self.y + before + keep > self.geo.bottom {
                self.new_page();
            } else {
                self.y += before;
            }
        }
        if bookmark {
            let page = self.pages.len() - 1;
            self.outlines.push(OutlineEntry {
                level,
                title: text.replace(['\n', '\r'], " "),
                page,
                y: self.y,
            });
        }
        for l in &lines {
            let bl = self.y + self.baseline_off(TextStyle::Bold, size, lh);
            self.line_at(l, self.geo.left, bl, size);
            self.y += lh;
        }
        if level == 1 {
            self.y += 2.0;
            let (l, r, y) = (self.geo.left, self.geo.right, self.y);
            self.hline(l, r, y, 0.8, Color::ACCENT);
            self.y += rule - 2.0;
        }
        self.y += after;
        self.placed();
        Ok(())
    }

    fn paragraph(&mut self, p: &Paragraph) {
        let size = p
            .size_pt
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or(self.body);
        let base = p.color.unwrap_or(Color::TEXT);
        let pieces: Vec<Piece<'_>> = p
            .runs
            .iter()
            .map(|r| Piece {
                style: r.style,
                color: r.color.unwrap_or(base),
                text: &r.text,
            })
            .collect();
        let lh = size * LEADING;
        let lines = wrap_pieces(self.faces, &pieces, size, self.geo.width());
        let off = self.baseline_off(TextStyle::Normal, size, lh);
        // No single orphaned first line at the foot of a page.
        self.ensure(lh * lines.len().min(2) as f32);
        for l in &lines {
            self.ensure(lh);
            let bl = self.y + off;
            self.line_at(l, self.geo.left, bl, size);
            self.y += lh;
            self.placed();
        }
        self.y += 0.55 * size;
    }

    fn kv_key_width(&self, pairs: &[(String, String)], size: f32) -> f32 {
        let w = self.geo.width();
        let widest = pairs
            .iter()
            .map(|(k, _)| self.units_width(k, TextStyle::Bold, size))
            .fold(0.0f32, f32::max);
        (widest + 14.0).clamp(0.18 * w, 0.38 * w)
    }

    fn key_value_height(&self, pairs: &[(String, String)], size: f32) -> f32 {
        let kw = self.kv_key_width(pairs, size);
        let vw = self.geo.width() - kw;
        let lh = size * TABLE_LEADING;
        pairs
            .iter()
            .map(|(k, v)| {
                let a = self
                    .wrap(k, TextStyle::Bold, size, kw - 8.0, Color::MUTED)
                    .len();
                let b = self
                    .wrap(v, TextStyle::Normal, size, vw - 8.0, Color::TEXT)
                    .len();
                a.max(b) as f32 * lh + 7.0
            })
            .sum()
    }

    fn key_value(&mut self, pairs: &[(String, String)], size: f32) {
        if pairs.is_empty() {
            return;
        }
        let kw = self.kv_key_width(pairs, size);
        let w = self.geo.width();
        let style = GridStyle {
            size,
            lh: size * TABLE_LEADING,
            pad_x: 4.0,
            pad_y: 3.5,
            grid: false,
            zebra: false,
        };
        let cols = [
            (self.geo.left, kw, Align::Left),
            (self.geo.left + kw, w - kw, Align::Left),
        ];
        let mut seg = None;
        for (i, (k, v)) in pairs.iter().enumerate() {
            let cells = vec![
                PCell {
                    lines: self.wrap(
                        k,
                        TextStyle::Bold,
                        size,
                        kw - 2.0 * style.pad_x,
                        Color::MUTED,
                    ),
                    background: None,
                    badge: None,
                },
                PCell {
                    lines: self.wrap(
                        v,
                        TextStyle::Normal,
                        size,
                        w - kw - 2.0 * style.pad_x,
                        Color::TEXT,
                    ),
                    background: None,
                    badge: None,
                },
            ];
            self.grid_row(&cols, &style, None, &cells, i, &mut seg);
        }
        self.close_segment(&cols, &style, &mut seg);
    }

    fn table(&mut self, t: &Table) -> Result<(), LayoutError> {
        let n = t.columns.len();
        if n == 0 {
            return Err(LayoutError::InvalidColumns("no columns".into()));
        }
        if t.columns
            .iter()
            .any(|c| !(c.width_fraction.is_finite() && c.width_fraction > 0.0))
        {
            return Err(LayoutError::InvalidColumns(
                "width fractions must be positive".into(),
            ));
        }
        for (i, r) in t.rows.iter().enumerate() {
            if r.len() != n {
                return Err(LayoutError::RowWidthMismatch {
                    row: i,
                    expected: n,
                    found: r.len(),
                });
            }
        }
        let size = t
            .font_size_pt
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or(self.body - 1.0);
        let style = GridStyle {
            size,
            lh: size * TABLE_LEADING,
            pad_x: 4.5,
            pad_y: 3.2,
            grid: true,
            zebra: t.zebra,
        };
        let total: f32 = t.columns.iter().map(|c| c.width_fraction).sum();
        let w = self.geo.width();
        let mut x = self.geo.left;
        let cols: Vec<(f32, f32, Align)> = t
            .columns
            .iter()
            .map(|c| {
                let cw = c.width_fraction / total * w;
                let col = (x, cw, c.align);
                x += cw;
                col
            })
            .collect();
        let header: Vec<PCell> = t
            .columns
            .iter()
            .zip(&cols)
            .map(|(c, &(_, cw, _))| PCell {
                lines: self.wrap(
                    &c.header,
                    TextStyle::Bold,
                    size,
                    cw - 2.0 * style.pad_x,
                    Color::TEXT,
                ),
                background: None,
                badge: None,
            })
            .collect();
        let mut seg = None;
        if t.rows.is_empty() {
            // Still show the header so an empty result is visible.
            self.grid_row(&cols, &style, Some(&header), &[], 0, &mut seg);
        }
        for (i, row) in t.rows.iter().enumerate() {
            let cells: Vec<PCell> = row
                .iter()
                .zip(&cols)
                .map(|(c, &(_, cw, _))| PCell {
                    lines: self.wrap(
                        &c.text,
                        c.style,
                        size,
                        cw - 2.0 * style.pad_x,
                        c.text_color.unwrap_or(Color::TEXT),
                    ),
                    background: c.background,
                    badge: c.badge,
                })
                .collect();
            self.grid_row(&cols, &style, Some(&header), &cells, i, &mut seg);
        }
        self.close_segment(&cols, &style, &mut seg);
        self.y += 0.9 * self.body;
        Ok(())
    }

    fn cells_height(style: &GridStyle, cells: &[PCell]) -> f32 {
        let n = cells
            .iter()
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(1)
            .max(1);
        n as f32 * style.lh + 2.0 * style.pad_y
    }

    /// Draws the header row at the cursor and opens a table segment.
    fn start_segment(
        &mut self,
        cols: &[(f32, f32, Align)],
        style: &GridStyle,
        header: Option<&[PCell]>,
        seg: &mut Option<f32>,
    ) {
        *seg = Some(self.y);
        if let Some(h) = header {
            let hh = Self::cells_height(style, h);
            let (l, r) = (cols[0].0, cols[cols.len() - 1].0 + cols[cols.len() - 1].1);
            let y = self.y;
            self.fill(l, y, r - l, hh, Color::HEADER_BG);
            self.cell_texts(cols, style, h, &vec![0; h.len()], usize::MAX, y);
            self.y += hh;
            let y = self.y;
            self.hline(l, r, y, 0.8, Color::GREY);
        }
        self.placed();
    }

    /// Draws vertical rules and the top border for the current page's part of a table.
    fn close_segment(
        &mut self,
        cols: &[(f32, f32, Align)],
        style: &GridStyle,
        seg: &mut Option<f32>,
    ) {
        if let Some(top) = seg.take() {
            if style.grid {
                let (l, r) = (cols[0].0, cols[cols.len() - 1].0 + cols[cols.len() - 1].1);
                let bottom = self.y;
                self.hline(l, r, top, 0.6, Color::RULE);
                for &(x, _, _) in cols {
                    self.vline(x, top, bottom, 0.4, Color::RULE);
                }
                self.vline(r, top, bottom, 0.4, Color::RULE);
            }
        }
    }

    /// Draws `n` lines per cell starting at `skip[c]` (used for split rows).
    fn cell_texts(
        &mut self,
        cols: &[(f32, f32, Align)],
        style: &GridStyle,
        cells: &[PCell],
        skip: &[usize],
        max_lines: usize,
        y: f32,
    ) {
        for (c, cell) in cells.iter().enumerate() {
            let (x, cw, align) = cols[c];
            if let Some(pill) = cell.badge {
                let shown: Vec<&Line> = cell.lines.iter().skip(skip[c]).take(max_lines).collect();
                let widest = shown
                    .iter()
                    .map(|l| l.width(style.size))
                    .fold(0.0f32, f32::max);
                if widest > 0.0 {
                    let px = (style.pad_x - 1.0).clamp(0.0, 5.0);
                    let pw = (widest + 2.0 * px).min(cw - 2.0);
                    let ph = shown.len() as f32 * style.lh + 1.0;
                    let bx = match align {
                        Align::Left => x + style.pad_x - px,
                        Align::Right => x + cw - style.pad_x + px - pw,
                        Align::Center => x + (cw - pw) / 2.0,
                    };
                    self.rounded(bx, y + style.pad_y - 0.5, pw, ph, 3.0, pill);
                }
            }
            let mut ly = y + style.pad_y;
            for line in cell.lines.iter().skip(skip[c]).take(max_lines) {
                let st = line
                    .frags
                    .first()
                    .map(|f| f.style)
                    .unwrap_or(TextStyle::Normal);
                let bl = ly + self.baseline_off(st, style.size, style.lh);
                let lw = line.width(style.size);
                let lx = match align {
                    Align::Left => x + style.pad_x,
                    Align::Right => x + cw - style.pad_x - lw,
                    Align::Center => x + (cw - lw) / 2.0,
                };
                self.line_at(line, lx, bl, style.size);
                ly += style.lh;
            }
        }
    }

    /// Places one body row, breaking the page (and repeating the header) as needed.
    fn grid_row(
        &mut self,
        cols: &[(f32, f32, Align)],
        style: &GridStyle,
        header: Option<&[PCell]>,
        cells: &[PCell],
        index: usize,
        seg: &mut Option<f32>,
    ) {
        let header_h = header.map(|h| Self::cells_height(style, h)).unwrap_or(0.0);
        let (l, r) = (cols[0].0, cols[cols.len() - 1].0 + cols[cols.len() - 1].1);
        if cells.is_empty() {
            // Header-only table.
            self.ensure(header_h);
            self.start_segment(cols, style, header, seg);
            return;
        }
        let h = Self::cells_height(style, cells);
        if seg.is_none() {
            if self.y + header_h + h > self.geo.bottom && !self.fresh {
                self.new_page();
            }
            self.start_segment(cols, style, header, seg);
        } else if self.y + h > self.geo.bottom {
            self.close_segment(cols, style, seg);
            self.new_page();
            self.start_segment(cols, style, header, seg);
        }

        let stripe = if style.zebra && index % 2 == 1 {
            Some(Color::ZEBRA_BG)
        } else {
            None
        };
        if self.y + h <= self.geo.bottom + 0.01 {
            let y = self.y;
            if let Some(z) = stripe {
                self.fill(l, y, r - l, h, z);
            }
            for (c, cell) in cells.iter().enumerate() {
                if let Some(bg) = cell.background {
                    self.fill(cols[c].0, y, cols[c].1, h, bg);
                }
            }
            self.cell_texts(cols, style, cells, &vec![0; cells.len()], usize::MAX, y);
            self.y += h;
            let y = self.y;
            self.hline(l, r, y, if style.grid { 0.4 } else { 0.3 }, Color::RULE);
            return;
        }

        // The row is taller than a whole page: split it line by line.
        let mut skip = vec![0usize; cells.len()];
        loop {
            let avail = self.geo.bottom - self.y - 2.0 * style.pad_y;
            let n = (avail / style.lh).floor().max(1.0) as usize;
            let piece = cells
                .iter()
                .zip(&skip)
                .map(|(c, &s)| c.lines.len().saturating_sub(s).min(n))
                .max()
                .unwrap_or(0);
            let ph = piece.max(1) as f32 * style.lh + 2.0 * style.pad_y;
            let y = self.y;
            if let Some(z) = stripe {
                self.fill(l, y, r - l, ph, z);
            }
            for (c, cell) in cells.iter().enumerate() {
                if let Some(bg) = cell.background {
                    self.fill(cols[c].0, y, cols[c].1, ph, bg);
                }
            }
            self.cell_texts(cols, style, cells, &skip, n, y);
            for (s, c) in skip.iter_mut().zip(cells) {
                *s = (*s + n).min(c.lines.len());
            }
            self.y += ph;
            let y = self.y;
            self.hline(l, r, y, 0.4, Color::RULE);
            if skip.iter().zip(cells).all(|(&s, c)| s >= c.lines.len()) {
                break;
            }
            self.close_segment(cols, style, seg);
            self.new_page();
            self.start_segment(cols, style, header, seg);
        }
    }

    fn bar_chart(&mut self, c: &BarChart) {
        let g = self.geo;
        let w = g.width();
        let title_size = self.body + 1.0;
        let label_size = self.body - 1.0;
        let row_h: f32 = 17.0;
        let bar_h = 10.0;
        let title_h = if c.title.is_empty() {
            0.0
        } else {
            title_size * LEADING + 4.0
        };

        let widest_label = c
            .bars
            .iter()
            .map(|b| self.units_width(&b.label, TextStyle::Normal, label_size))
            .fold(0.0f32, f32::max);
        let label_w = (widest_label + 10.0).clamp(0.12 * w, 0.36 * w);
        let value_w = c
            .bars
            .iter()
            .filter_map(|b| b.value_label.as_ref())
            .map(|v| self.units_width(v, TextStyle::Normal, label_size) + 10.0)
            .fold(0.0f32, f32::max);
        let bar_x = g.left + label_w;
        let bar_w = (w - label_w - value_w).max(10.0);
        let total = |b: &Bar| b.segments.iter().map(|s| clean_value(s.0)).sum::<f64>();
        let shared_max = c.bars.iter().map(total).fold(0.0f64, f64::max);
        let axis = matches!(c.scale, BarScale::Proportional);
        let axis_h = if axis {
            label_size * LEADING + 2.0
        } else {
            0.0
        };

        // Title stays with the first bar.
        self.ensure(title_h + row_h.min(g.bottom - g.top - title_h));
        if !c.title.is_empty() {
            let bl = self.y + self.baseline_off(TextStyle::Bold, title_size, title_size * LEADING);
            self.label(
                g.left,
                bl,
                TextStyle::Bold,
                title_size,
                Color::TEXT,
                &c.title,
            );
            self.y += title_h;
            self.placed();
        }
        for (i, bar) in c.bars.iter().enumerate() {
            let last = i + 1 == c.bars.len();
            // The axis labels stay with the last bar.
            self.ensure(row_h + if last { axis_h } else { 0.0 });
            let y = self.y;
            let by = y + (row_h - bar_h) / 2.0;
            let name = truncate_to(
                self.faces,
                &bar.label,
                TextStyle::Normal,
                label_size,
                label_w - 10.0,
            );
            let bl = y + self.baseline_off(TextStyle::Normal, label_size, row_h);
            self.text(g.left, bl, TextStyle::Normal, label_size, Color::TEXT, name);

            self.fill(bar_x, by, bar_w, bar_h, Color::hex(0xEEF1F4));
            if axis {
                // Gridlines as thin fills so that the bars paint over them.
                for k in 1..4 {
                    let gx = bar_x + bar_w * k as f32 / 4.0;
                    self.fill(gx - 0.2, y, 0.4, row_h, Color::hex(0xD5DAE1));
                }
            }
            let scale = match c.scale {
                BarScale::Proportional => total(bar),
                BarScale::Shared => shared_max,
                BarScale::Fixed(v) => clean_value(v),
            };
            if scale > 0.0 {
                let mut sx = bar_x;
                for &(v, col) in &bar.segments {
                    let v = clean_value(v);
                    let sw = ((v / scale) as f32 * bar_w).min(bar_x + bar_w - sx);
                    if sw <= 0.0 {
                        continue;
                    }
                    self.fill(sx, by, sw, bar_h, col);
                    if c.show_values {
                        let txt = format_value(v);
                        let size = label_size - 1.0;
                        let tw = self.units_width(&txt, TextStyle::Bold, size);
                        if tw + 4.0 <= sw {
                            let ink = if col.luminance() < 0.6 {
                                Color::WHITE
                            } else {
                                Color::TEXT
                            };
                            let tb = by + self.baseline_off(TextStyle::Bold, size, bar_h);
                            self.label(sx + (sw - tw) / 2.0, tb, TextStyle::Bold, size, ink, &txt);
                        }
                    }
                    sx += sw;
                    // Hairline gap between segments.
                    if sx < bar_x + bar_w - 0.5 {
                        self.fill(sx - 0.3, by, 0.6, bar_h, Color::WHITE);
                    }
                }
            }
            if let Some(v) = &bar.value_label {
                let tw = self.units_width(v, TextStyle::Normal, label_size);
                self.label(
                    g.right - tw,
                    bl,
                    TextStyle::Normal,
                    label_size,
                    Color::MUTED,
                    v,
                );
            }
            self.y += row_h;
            self.placed();
        }
        if axis && !c.bars.is_empty() {
            let size = label_size - 1.0;
            let bl = self.y + self.baseline_off(TextStyle::Normal, size, axis_h);
            for k in 0..=4 {
                let txt = format!("{}%", k * 25);
                let tw = self.units_width(&txt, TextStyle::Normal, size);
                let gx = bar_x + bar_w * k as f32 / 4.0;
                let x = (gx - tw / 2.0).clamp(bar_x, bar_x + bar_w - tw);
                self.label(x, bl, TextStyle::Normal, size, Color::MUTED, &txt);
            }
            self.y += axis_h;
        }
        if !c.legend.is_empty() {
            self.legend(&c.legend, label_size);
        }
        self.y += 0.9 * self.body;
    }

    fn legend(&mut self, entries: &[LegendEntry], size: f32) {
        let g = self.geo;
        let lh = size * LEADING + 3.0;
        let sw = 8.0;
        // Pre-compute rows so the legend is never split.
        let mut rows: Vec<Vec<(f32, &LegendEntry, f32)>> = vec![Vec::new()];
        let mut x = g.left;
        for e in entries {
            let tw = self
                .units_width(&e.label, TextStyle::Normal, size)
                .min(g.width() - sw - 4.0);
            let item_w = sw + 4.0 + tw;
            if x + item_w > g.right && !rows.last().unwrap().is_empty() {
                rows.push(Vec::new());
                x = g.left;
            }
            rows.last_mut().unwrap().push((x, e, tw));
            x += item_w + 14.0;
        }
        self.y += 4.0;
        self.ensure(rows.len() as f32 * lh);
        for row in rows {
            let y = self.y;
            for (x, e, tw) in row {
                self.fill(x, y + (lh - sw) / 2.0, sw, sw, e.color);
                let bl = y + self.baseline_off(TextStyle::Normal, size, lh);
                let txt = truncate_to(self.faces, &e.label, TextStyle::Normal, size, tw + 0.5);
                self.text(x + sw + 4.0, bl, TextStyle::Normal, size, Color::MUTED, txt);
            }
            self.y += lh;
        }
        self.placed();
    }

    /// Adds running header and "Page X of Y" footer to every non-cover page.
    fn finish(&mut self, doc: &Document, footer_note: Option<&str>) {
        if self.pages.is_empty() {
            self.new_page();
        }
        let g = self.geo;
        let total = self.pages.len();
        let size = 7.5;
        for i in 0..total {
            if self.pages[i].cover {
                continue;
            }
            self.cur = i;
            let header_bl = g.top - 16.0;
            let title = truncate_to(
                self.faces,
                &doc.title,
                TextStyle::Normal,
                size,
                g.width() * 0.7,
            );
            self.text(
                g.left,
                header_bl,
                TextStyle::Normal,
                size,
                Color::MUTED,
                title,
            );
            self.hline(g.left, g.right, g.top - 11.0, 0.5, Color::RULE);

            self.hline(g.left, g.right, g.bottom + 12.0, 0.5, Color::RULE);
            let footer_bl = g.bottom + 23.0;
            let pn = format!("Page {} of {}", i + 1, total);
            let tw = self.units_width(&pn, TextStyle::Normal, size);
            self.label(
                g.right - tw,
                footer_bl,
                TextStyle::Normal,
                size,
                Color::MUTED,
                &pn,
            );
            if let Some(note) = footer_note {
                let t = truncate_to(
                    self.faces,
                    note,
                    TextStyle::Normal,
                    size,
                    g.width() - tw - 20.0,
                );
                self.text(g.left, footer_bl, TextStyle::Normal, size, Color::MUTED, t);
            }
        }
        self.cur = total - 1;
    }
}

fn clean_value(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 {
        v
    } else {
        0.0
    }
}

fn format_value(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

// ---------------------------------------------------------------------------
// PDF output
// ---------------------------------------------------------------------------

fn pt_point(x: f32, y: f32) -> Point {
    Point { x: Pt(x), y: Pt(y) }
}

/// Rounds to 1/100 pt so content streams stay compact and stable.
fn r2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// Filled rectangle with circular corners (cubic Bézier approximation);
/// `x`, `y` are the lower-left corner in PDF coordinates.
fn rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32) -> Polygon {
    const K: f32 = 0.552_284_8;
    let k = r * K;
    let on = |x: f32, y: f32| LinePoint {
        p: pt_point(r2(x), r2(y)),
        bezier: false,
    };
    let cp = |x: f32, y: f32| LinePoint {
        p: pt_point(r2(x), r2(y)),
        bezier: true,
    };
    let (x2, y2) = (x + w, y + h);
    let points = vec![
        on(x + r, y),
        on(x2 - r, y),
        cp(x2 - r + k, y),
        cp(x2, y + r - k),
        on(x2, y + r),
        on(x2, y2 - r),
        cp(x2, y2 - r + k),
        cp(x2 - r + k, y2),
        on(x2 - r, y2),
        on(x + r, y2),
        cp(x + r - k, y2),
        cp(x, y2 - r + k),
        on(x, y2 - r),
        on(x, y + r),
        cp(x, y + r - k),
        cp(x + r - k, y),
        on(x + r, y),
    ];
    Polygon {
        rings: vec![PolygonRing { points }],
        mode: PaintMode::Fill,
        winding_order: WindingOrder::NonZero,
    }
}

fn page_ops(page: &PageBuf, ph: f32, font_ids: &[Option<FontId>; 3]) -> Vec<Op> {
    let mut ops = Vec::with_capacity(
        page.fills.len() * 2 + page.strokes.len() * 3 + page.texts.len() * 3 + 4,
    );
    let mut fill_color: Option<Color> = None;
    for f in &page.fills {
        if fill_color != Some(f.color) {
            ops.push(Op::SetFillColor {
                col: f.color.to_pdf(),
            });
            fill_color = Some(f.color);
        }
        if f.radius > 0.0 {
            ops.push(Op::DrawPolygon {
                polygon: rounded_rect(f.x, ph - f.y - f.h, f.w, f.h, f.radius),
            });
            continue;
        }
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(r2(f.x)),
                y: Pt(r2(ph - f.y - f.h)),
                width: Pt(r2(f.w)),
                height: Pt(r2(f.h)),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }
    let mut stroke: Option<(Color, f32)> = None;
    for s in &page.strokes {
        if stroke.map(|(c, _)| c) != Some(s.color) {
            ops.push(Op::SetOutlineColor {
                col: s.color.to_pdf(),
            });
        }
        if stroke.map(|(_, w)| w) != Some(s.width) {
            ops.push(Op::SetOutlineThickness { pt: Pt(s.width) });
        }
        stroke = Some((s.color, s.width));
        ops.push(Op::DrawLine {
            line: PdfLine {
                points: vec![
                    LinePoint {
                        p: pt_point(r2(s.x1), r2(ph - s.y1)),
                        bezier: false,
                    },
                    LinePoint {
                        p: pt_point(r2(s.x2), r2(ph - s.y2)),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }
    if !page.texts.is_empty() {
        ops.push(Op::StartTextSection);
        let mut font: Option<(TextStyle, f32)> = None;
        for t in &page.texts {
            if font != Some((t.style, t.size)) {
                if let Some(id) = &font_ids[t.style.index()] {
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(id.clone()),
                        size: Pt(t.size),
                    });
                }
                font = Some((t.style, t.size));
            }
            if fill_color != Some(t.color) {
                ops.push(Op::SetFillColor {
                    col: t.color.to_pdf(),
                });
                fill_color = Some(t.color);
            }
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(r2(t.x)), Pt(r2(ph - t.baseline))),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(t.text.clone())],
            });
        }
        ops.push(Op::EndTextSection);
    }
    ops
}

/// PDF text string: UTF-16BE with BOM (readers accept any Unicode in it).
fn pdf_text(s: &str) -> lopdf::Object {
    let mut b = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    lopdf::Object::String(b, lopdf::StringFormat::Hexadecimal)
}

/// `D:YYYYMMDDHHmmSS+00'00'` from Unix seconds (UTC), without a date crate.
fn pdf_date(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}+00'00'",
        y.clamp(0, 9999),
        m,
        d,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

const ID_PLACEHOLDER: &[u8; 16] = b"\x00CWID\x00PLACEHOLD\x00";

fn write_pdf(doc: &Document, faces: &Faces, lay: &Layouter) -> Result<Vec<u8>, LayoutError> {
    use lopdf::{Dictionary, Object};

    let geo = lay.geo;
    let mut pdf = PdfDocument::new(&doc.title);
    let mut font_ids: [Option<FontId>; 3] = [None, None, None];
    for (i, face) in faces.faces.iter().enumerate() {
        if lay.used[i].is_empty() {
            continue;
        }
        let parsed = subset_face(face, &lay.used[i])?;
        let id = FontId(face.resource.to_string());
        pdf.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::new(parsed));
        font_ids[i] = Some(id);
    }
    let w_mm = printpdf::Mm(geo.pw / MM);
    let h_mm = printpdf::Mm(geo.ph / MM);
    let pages: Vec<PdfPage> = lay
        .pages
        .iter()
        .map(|p| PdfPage::new(w_mm, h_mm, page_ops(p, geo.ph, &font_ids)))
        .collect();
    pdf.with_pages(pages);

    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
    if let Some(w) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        return Err(LayoutError::Pdf(w.msg.clone()));
    }
    lo.version = "1.7".to_string();

    // Document information (replaces printpdf's, which has no keywords/creator
    // we control and carries printpdf-specific keys).
    let date = pdf_date(doc.creation_date);
    let mut info = Dictionary::new();
    info.set("Title", pdf_text(&doc.title));
    if !doc.author.is_empty() {
        info.set("Author", pdf_text(&doc.author));
    }
    if !doc.subject.is_empty() {
        info.set("Subject", pdf_text(&doc.subject));
    }
    if !doc.keywords.is_empty() {
        info.set("Keywords", pdf_text(&doc.keywords.join(", ")));
    }
    info.set("Creator", pdf_text("Crosswalk"));
    info.set(
        "Producer",
        pdf_text("Crosswalk report layout (printpdf 0.12)"),
    );
    info.set("CreationDate", Object::string_literal(date.clone()));
    info.set("ModDate", Object::string_literal(date));
    let info_id = lo.add_object(info);
    if let Ok(old) = lo.trailer.get(b"Info").and_then(Object::as_reference) {
        lo.objects.remove(&old);
    }
    lo.trailer.set("Info", Object::Reference(info_id));

    // Nested outline.
    let page_ids: Vec<lopdf::ObjectId> = lo.get_pages().values().copied().collect();
    let outline_root = build_outline(&mut lo, &lay.outlines, &page_ids, geo.ph);
    let catalog = lo
        .catalog_mut()
        .map_err(|e| LayoutError::Pdf(e.to_string()))?;
    catalog.set(
        "PageMode",
        Object::Name(if outline_root.is_some() {
            b"UseOutlines".to_vec()
        } else {
            b"UseNone".to_vec()
        }),
    );
    if let Some(root) = outline_root {
        catalog.set("Outlines", Object::Reference(root));
    }
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(prefs));

    // Deterministic file identifier: hash of the file written with a placeholder.
    let placeholder = Object::String(ID_PLACEHOLDER.to_vec(), lopdf::StringFormat::Hexadecimal);
    lo.trailer
        .set("ID", Object::Array(vec![placeholder.clone(), placeholder]));
    lo.compress();
    let mut out = Vec::new();
    lo.save_to(&mut out)
        .map_err(|e| LayoutError::Pdf(e.to_string()))?;

    let hex_placeholder: Vec<u8> = ID_PLACEHOLDER
        .iter()
        .flat_map(|b| format!("{b:02X}").into_bytes())
        .collect();
    let h1 = fnv1a(0xcbf29ce484222325, &out);
    let h2 = fnv1a(0x84222325cbf29ce4, &out);
    let id: Vec<u8> = h1
        .to_be_bytes()
        .iter()
        .chain(h2.to_be_bytes().iter())
        .flat_map(|b| format!("{b:02X}").into_bytes())
        .collect();
    let mut replaced = 0;
    let mut i = out.len().saturating_sub(4096);
    while i + hex_placeholder.len() <= out.len() {
        if out[i..i + hex_placeholder.len()] == hex_placeholder[..] {
            out[i..i + hex_placeholder.len()].copy_from_slice(&id);
            replaced += 1;
            i += hex_placeholder.len();
        } else {
            i += 1;
        }
    }
    if replaced != 2 {
        return Err(LayoutError::Pdf("could not set the document /ID".into()));
    }
    Ok(out)
}

/// Builds the /Outlines tree; a level-n entry nests under the nearest
/// preceding entry of a lower level. Returns the root object id.
fn build_outline(
    lo: &mut lopdf::Document,
    entries: &[OutlineEntry],
    page_ids: &[lopdf::ObjectId],
    ph: f32,
) -> Option<lopdf::ObjectId> {
    use lopdf::{Dictionary, Object};
    if entries.is_empty() || page_ids.is_empty() {
        return None;
    }
    let n = entries.len();
    let root = lo.new_object_id();
    let ids: Vec<lopdf::ObjectId> = entries.iter().map(|_| lo.new_object_id()).collect();
    // kids[0] = top level, kids[i + 1] = children of entry i.
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(n);
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        while stack.last().is_some_and(|&t| entries[t].level >= e.level) {
            stack.pop();
        }
        let p = stack.last().copied();
        parent.push(p);
        kids[p.map_or(0, |p| p + 1)].push(i);
        stack.push(i);
    }
    // Number of descendants; all items are shown expanded (positive /Count).
    let mut desc = vec![0i64; n];
    for i in (0..n).rev() {
        if let Some(p) = parent[i] {
            desc[p] += 1 + desc[i];
        }
    }
    for (slot, list) in kids.iter().enumerate() {
        let parent_id = if slot == 0 { root } else { ids[slot - 1] };
        for (k, &i) in list.iter().enumerate() {
            let e = &entries[i];
            let mut d = Dictionary::new();
            d.set("Title", pdf_text(&e.title));
            d.set("Parent", Object::Reference(parent_id));
            if k > 0 {
                d.set("Prev", Object::Reference(ids[list[k - 1]]));
            }
            if k + 1 < list.len() {
                d.set("Next", Object::Reference(ids[list[k + 1]]));
            }
            let own = &kids[i + 1];
            if let (Some(f), Some(l)) = (own.first(), own.last()) {
                d.set("First", Object::Reference(ids[*f]));
                d.set("Last", Object::Reference(ids[*l]));
                d.set("Count", Object::Integer(desc[i]));
            }
            let page = page_ids.get(e.page).copied().unwrap_or(page_ids[0]);
            d.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(r2(ph - e.y + 6.0)),
                    Object::Null,
                ]),
            );
            lo.objects.insert(ids[i], Object::Dictionary(d));
        }
    }
    let top = &kids[0];
    let mut r = Dictionary::new();
    r.set("Type", Object::Name(b"Outlines".to_vec()));
    r.set("First", Object::Reference(ids[top[0]]));
    r.set(
        "Last",
        Object::Reference(ids[*top.last().expect("non-empty")]),
    );
    r.set("Count", Object::Integer(n as i64));
    lo.objects.insert(root, Object::Dictionary(r));
    Some(root)
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
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

    /// Cover, headings, paragraphs, key/value list, table, bar chart.
    pub(super) fn sample_document(rows: usize) -> Document {
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
        d.push(Block::BarChart(BarChart {
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
        }));
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
        fn walk(
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
                walk(
                    lo,
                    d.get(b"First").and_then(|o| o.as_reference()).ok(),
                    depth + 1,
                    pages,
                    out,
                );
                cur = d.get(b"Next").and_then(|o| o.as_reference()).ok();
            }
        }
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
        walk(
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
        let module = module_path!();
        let test_name = format!(
            "{}::write_sample_pdf",
            module.split_once("::").map_or(module, |(_, rest)| rest)
        );
        let status = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", &test_name, "--test-threads=1"])
            .env("CROSSWALK_LAYOUT_SAMPLE", &path)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stdout)
        );
        let other = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{test_name} did not write {path:?}: {e}"));
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
}
