//! The table block: a grid with a header row that repeats on every page.
//!
//! Promises: a table is validated (columns, row widths) before anything is
//! drawn; its header repeats at the top of every page it spans; a row is
//! never split across pages unless it is taller than a whole page, and then
//! it is split line by line with nothing lost.

use crate::flow::{Layouter, TABLE_LEADING};
use crate::linebreak::Line;
use crate::model::{Align, Color, LayoutError, Table, TextStyle};

/// Per-table drawing parameters.
pub(crate) struct GridStyle {
    pub(crate) size: f32,
    pub(crate) lh: f32,
    pub(crate) pad_x: f32,
    pub(crate) pad_y: f32,
    /// Full grid (vertical lines, outer box) vs. separators only.
    pub(crate) grid: bool,
    pub(crate) zebra: bool,
}

/// A cell ready to draw.
pub(crate) struct PCell {
    pub(crate) lines: Vec<Line>,
    pub(crate) background: Option<Color>,
    pub(crate) badge: Option<Color>,
}

impl Layouter {
    pub(crate) fn table(&mut self, t: &Table) -> Result<(), LayoutError> {
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

    pub(crate) fn cells_height(style: &GridStyle, cells: &[PCell]) -> f32 {
        let n = cells
            .iter()
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(1)
            .max(1);
        n as f32 * style.lh + 2.0 * style.pad_y
    }

    /// Draws the header row at the cursor and opens a table segment.
    pub(crate) fn start_segment(
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
    pub(crate) fn close_segment(
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
    pub(crate) fn cell_texts(
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
    pub(crate) fn grid_row(
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
}
