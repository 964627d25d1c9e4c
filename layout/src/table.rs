//! The table block: a grid with a header row that repeats on every page.
//!
//! Promises: a table is validated (columns, row widths) before anything is
//! drawn; column widths come from the content (`widths`), so a word —
//! an identifier, a date, a number, a header word — breaks only if it is
//! wider than any column could be; the font shrinks first, down to
//! [`TABLE_MIN_SIZE_PT`]; a [`Cell::one_line`] cell is printed on one line,
//! smaller where needed; cells of a right-aligned column (figures such as
//! `1.3 KiB`) and short monospaced codes (`Art. 32(1)(a)`) are kept on one
//! line; the header repeats at the top of every page and is
//! never left at a page foot without the first two rows, nor is a
//! [`Table::heading_row`] without the row after it; the last row is never
//! alone on a page; a row is split across pages only when it is taller
//! than a whole page.

use crate::flow::{Layouter, TABLE_LEADING};
use crate::grid::{GridStyle, PCell};
use crate::linebreak::{word_and_line_units, LONG_WORD_CHARS};
use crate::model::{
    Align, Cell, Color, LayoutError, Table, TextStyle, MONO_MIN_SCALE, ONE_LINE_MIN_SCALE,
    TABLE_MIN_SIZE_PT, WORD_MIN_SCALE,
};
use crate::widths::{allocate, Need};

/// Horizontal padding inside a table cell, each side.
const PAD_X: f32 = 4.5;
/// A proportional word may claim at most this share of the table width as
/// its column's minimum; longer ones (URLs) are the words that may break.
const MAX_WORD_SHARE: f32 = 0.45;
/// Steps in which a table's font shrinks until its longest words fit.
const SHRINK_STEP_PT: f32 = 0.25;

/// A table's measured layout: font size and columns `(x, width, align)`.
pub(crate) struct TablePlan {
    pub(crate) style: GridStyle,
    pub(crate) cols: Vec<(f32, f32, Align)>,
}

/// Checks the model before anything is drawn.
pub(crate) fn validate(t: &Table) -> Result<(), LayoutError> {
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
    Ok(())
}

/// The smallest share of `size` a cell's text may be set at, and whether the
/// limit applies to the whole line (one-line cells) or to single words.
fn min_scale(c: &Cell) -> f32 {
    if c.one_line {
        ONE_LINE_MIN_SCALE
    } else if c.style == TextStyle::Mono {
        MONO_MIN_SCALE
    } else {
        WORD_MIN_SCALE
    }
}

impl Layouter {
    pub(crate) fn table(&mut self, t: &Table) -> Result<(), LayoutError> {
        validate(t)?;
        let plan = self.plan_table(t);
        let (cols, style) = (&plan.cols, &plan.style);
        let header: Vec<PCell> = t
            .columns
            .iter()
            .zip(cols)
            .map(|(c, &col)| {
                self.prepare_cell(
                    &Cell::new(&c.header).bold(),
                    (col.0, col.1, Align::Left),
                    style,
                )
            })
            .collect();
        let rows: Vec<Vec<PCell>> = t
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(cols)
                    .map(|(c, &col)| self.prepare_cell(c, col, style))
                    .collect()
            })
            .collect();
        let heights: Vec<f32> = rows.iter().map(|r| Self::cells_height(style, r)).collect();
        let mut seg = None;
        if rows.is_empty() {
            // Still show the header so an empty result is visible.
            self.grid_row(cols, style, Some(&header), &[], (0, 0.0), &mut seg);
        }
        let n = rows.len();
        let heading_rows: std::collections::HashSet<usize> =
            t.keep_with_next.iter().copied().collect();
        let room = self.geo.bottom - self.geo.top;
        for (i, cells) in rows.iter().enumerate() {
            // The first row takes the second with it (no header with one
            // row at a page foot); the last-but-one takes the last (no lone
            // last row on a page).
            let heads = heading_rows.contains(&i) && i + 1 < n;
            let keep = if heads || (i == 0 && n >= 2) || (i + 2 == n && n >= 3) {
                heights[i + 1]
            } else {
                0.0
            };
            // What cannot fit on any page is not kept.
            let keep = if heights[i] + keep > room * 0.8 {
                0.0
            } else {
                keep
            };
            self.grid_row(cols, style, Some(&header), cells, (i, keep), &mut seg);
        }
        self.close_segment(cols, style, &mut seg);
        self.y += 0.9 * self.body;
        Ok(())
    }

    /// Height of the header and the rows that must come with it: what a
    /// heading before the table keeps with.
    pub(crate) fn table_start_height(&self, t: &Table) -> f32 {
        let plan = self.plan_table(t);
        let (cols, style) = (&plan.cols, &plan.style);
        let header: Vec<PCell> = t
            .columns
            .iter()
            .zip(cols)
            .map(|(c, &col)| {
                self.prepare_cell(
                    &Cell::new(&c.header).bold(),
                    (col.0, col.1, Align::Left),
                    style,
                )
            })
            .collect();
        let mut h = Self::cells_height(style, &header);
        for row in t.rows.iter().take(2) {
            let cells: Vec<PCell> = row
                .iter()
                .zip(cols)
                .map(|(c, &col)| self.prepare_cell(c, col, style))
                .collect();
            h += Self::cells_height(style, &cells);
        }
        h
    }

    /// Font size and column widths of `t` (which must be valid).
    pub(crate) fn plan_table(&self, t: &Table) -> TablePlan {
        let base = t
            .font_size_pt
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or(self.body - 1.0);
        let w = self.geo.width();
        let hints: Vec<f32> = t.columns.iter().map(|c| c.width_fraction).collect();
        // Measured once at 1 pt; every size is a multiple of it.
        let unit = self.column_needs(t, 1.0);
        let fits = |size: f32| unit.iter().map(|d| d.min * size).sum::<f32>() + pads(t) <= w;
        let mut size = base;
        while !fits(size) && size - SHRINK_STEP_PT >= TABLE_MIN_SIZE_PT.min(base) {
            size -= SHRINK_STEP_PT;
        }
        let needs: Vec<Need> = unit
            .iter()
            .map(|d| Need {
                min: d.min * size + 2.0 * PAD_X,
                max: d.max * size + 2.0 * PAD_X,
            })
            .collect();
        let widths = allocate(&needs, &hints, w);
        let mut x = self.geo.left;
        let cols = t
            .columns
            .iter()
            .zip(widths)
            .map(|(c, cw)| {
                let col = (x, cw, c.align);
                x += cw;
                col
            })
            .collect();
        TablePlan {
            style: GridStyle {
                size,
                lh: size * TABLE_LEADING,
                pad_x: PAD_X,
                pad_y: 3.2,
                grid: true,
                zebra: t.zebra,
            },
            cols,
        }
    }

    /// Per column, the widest word and line at a 1 pt font, without padding.
    fn column_needs(&self, t: &Table, size: f32) -> Vec<Need> {
        let cap = MAX_WORD_SHARE * self.geo.width();
        let mut needs: Vec<Need> = t
            .columns
            .iter()
            .map(|c| {
                let (word, line) = word_and_line_units(self.faces, &c.header, TextStyle::Bold);
                Need {
                    min: word as f32 * size / 1000.0,
                    max: line as f32 * size / 1000.0,
                }
            })
            .collect();
        for row in &t.rows {
            for ((need, c), col) in needs.iter_mut().zip(row).zip(&t.columns) {
                let (word, line) = word_and_line_units(self.faces, &c.text, c.style);
                let (word, line) = (word as f32 * size / 1000.0, line as f32 * size / 1000.0);
                let min = if !c.one_line && (col.align == Align::Right || short_code(c)) {
                    // Figures ("1.3 KiB", "42 %") and short codes
                    // ("Art. 32(1)(a)") are kept on one line.
                    line
                } else if c.one_line {
                    line * ONE_LINE_MIN_SCALE
                } else if c.style == TextStyle::Mono {
                    word * MONO_MIN_SCALE
                } else {
                    // Measured at 1 pt; the cap is in points at the body size.
                    word.min(cap / self.body)
                };
                need.min = need.min.max(min);
                need.max = need.max.max(line);
            }
        }
        needs
    }

    /// Wraps a cell to its column; a cell whose line (one-line cells) or
    /// longest word does not fit is set smaller, down to its minimum scale.
    pub(crate) fn prepare_cell(
        &self,
        c: &Cell,
        col: (f32, f32, Align),
        style: &GridStyle,
    ) -> PCell {
        let inner = col.1 - 2.0 * style.pad_x;
        let (word, line) = word_and_line_units(self.faces, &c.text, c.style);
        let whole = c.one_line || col.2 == Align::Right || short_code(c);
        let need = if whole { line } else { word } as f32 * style.size / 1000.0;
        let size = if need > inner && need > 0.0 {
            (style.size * inner / need).max(style.size * min_scale(c))
        } else {
            style.size
        };
        PCell {
            lines: self.wrap(
                &c.text,
                c.style,
                size,
                inner,
                c.text_color.unwrap_or(Color::TEXT),
            ),
            size,
            background: c.background,
            badge: c.badge,
        }
    }
}

/// A monospaced cell short enough to be one code, spaces and all
/// (`Art. 32(1)(a)`, `164.308(a)(1)`): kept on one line.
fn short_code(c: &Cell) -> bool {
    c.style == TextStyle::Mono
        && !c.text.contains('\n')
        && c.text.chars().count() <= LONG_WORD_CHARS
}

/// Horizontal padding of all columns together.
fn pads(t: &Table) -> f32 {
    t.columns.len() as f32 * 2.0 * PAD_X
}
