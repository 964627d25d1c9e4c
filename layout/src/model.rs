//! The document model: what a caller can ask the engine to draw.
//!
//! Promises: plain data only (no drawing, no measuring); every type is
//! `Clone + Debug` and knows nothing of any domain. A [`Document`] is a title,
//! metadata and a list of [`Block`]s laid out in order; [`PageSetup`] is the
//! page geometry and base type size; [`LayoutError`] lists every way a model
//! can be rejected.

use std::fmt;

use printpdf::{Color as PdfColor, Rgb};
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
    pub(crate) fn luminance(self) -> f32 {
        (0.2126 * self.r as f32 + 0.7152 * self.g as f32 + 0.0722 * self.b as f32) / 255.0
    }
    pub(crate) fn to_pdf(self) -> PdfColor {
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
    pub(crate) fn index(self) -> usize {
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
    /// Relative width, a hint: fractions are normalised so they need not sum
    /// to 1, and the engine widens a column whose content needs more (its
    /// longest word, its header words) and narrows one that needs less.
    pub width_fraction: f32,
    /// Alignment of the header and the cells. Cells of a right-aligned
    /// column are figures and are kept on one line.
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
    /// Print the whole text on one line, in a smaller size if the column
    /// cannot hold it (hashes, long identifiers); see [`Cell::hash`].
    pub one_line: bool,
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
            one_line: false,
        }
    }
    /// Uses the bold face.
    pub fn bold(mut self) -> Cell {
        self.style = TextStyle::Bold;
        self
    }
    /// A hash or other long code: monospaced and printed whole on one line,
    /// smaller where the column cannot hold it at the table's size, so that
    /// copying it from the PDF gives the value unbroken.
    pub fn hash(text: impl Into<String>) -> Cell {
        Cell::new(text).mono().one_line()
    }
    /// Keeps the text on one line: the font shrinks (to no less than
    /// [`ONE_LINE_MIN_SCALE`] of the table's size) rather than the text
    /// breaking; only beyond that does it wrap.
    pub fn one_line(mut self) -> Cell {
        self.one_line = true;
        self
    }
    /// Uses the monospaced face. Words in it are never broken while a smaller
    /// size (down to [`MONO_MIN_SCALE`]) still fits them.
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

/// How far a [`Cell::one_line`] cell may shrink, as a share of the table's
/// font size: below ~5 pt a printed hash stops being readable.
pub const ONE_LINE_MIN_SCALE: f32 = 0.62;
/// How far a monospaced word too wide for its column may shrink before it is
/// broken.
pub const MONO_MIN_SCALE: f32 = 0.7;
/// How far a proportional word too wide for its column may shrink before it
/// is broken (only a word wider than any column could be, e.g. a long URL).
pub const WORD_MIN_SCALE: f32 = 0.8;

/// A table. Every row must have exactly `columns.len()` cells.
///
/// Column widths come from the content: each column is at least as wide as
/// its longest word (header words included) so that identifiers, dates and
/// numbers never break inside; the rest of the width follows the columns'
/// `width_fraction` hints. If even the longest words do not fit side by side,
/// the table's font shrinks (to [`TABLE_MIN_SIZE_PT`]) before any word is
/// broken.
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
    /// Indices of rows that head the rows after them (group headings):
    /// such a row never ends a page, it moves to the next with its first row.
    pub keep_with_next: Vec<usize>,
}

impl Table {
    /// A zebra-striped table with the given columns and no rows yet.
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
            zebra: true,
            font_size_pt: None,
            keep_with_next: Vec::new(),
        }
    }
    /// Appends a row.
    pub fn row(&mut self, cells: Vec<Cell>) -> &mut Self {
        self.rows.push(cells);
        self
    }
    /// Appends a row that heads the rows after it (a group heading): it is
    /// kept on the same page as the next row.
    pub fn heading_row(&mut self, cells: Vec<Cell>) -> &mut Self {
        self.keep_with_next.push(self.rows.len());
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

/// The smallest size a table's font shrinks to so that its columns' longest
/// words fit side by side.
pub const TABLE_MIN_SIZE_PT: f32 = 6.5;

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
