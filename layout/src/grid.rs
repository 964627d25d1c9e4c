//! Grid rows: the drawing shared by tables and key/value lists.
//!
//! Promises: a row is placed whole on the current page or the next one
//! (with the header repeated at the top of each page part); only a row
//! taller than a whole page is split, line by line, with nothing lost; the
//! caller's `keep` height must fit below a row for it to stay on the page
//! (keep-with-next), except that a page part never ends empty; each cell is
//! drawn at its own font size inside the row's line pitch.

use crate::flow::Layouter;
use crate::linebreak::Line;
use crate::model::{Align, Color, TextStyle};

/// Per-grid drawing parameters.
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
    /// Font size of this cell's text (smaller than the grid's when shrunk to fit).
    pub(crate) size: f32,
    pub(crate) background: Option<Color>,
    pub(crate) badge: Option<Color>,
}

/// The part of a grid on the current page.
pub(crate) struct Segment {
    /// Where the part starts (its header's top).
    pub(crate) top: f32,
    /// Body rows placed in this part so far.
    pub(crate) rows: usize,
}

impl Layouter {
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
        seg: &mut Option<Segment>,
    ) {
        *seg = Some(Segment {
            top: self.y,
            rows: 0,
        });
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
        seg: &mut Option<Segment>,
    ) {
        if let Some(Segment { top, .. }) = seg.take() {
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
                    .map(|l| l.width(cell.size))
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
                let bl = ly + self.baseline_off(st, cell.size, style.lh);
                let lw = line.width(cell.size);
                let lx = match align {
                    Align::Left => x + style.pad_x,
                    Align::Right => x + cw - style.pad_x - lw,
                    Align::Center => x + (cw - lw) / 2.0,
                };
                self.line_at(line, lx, bl, cell.size);
                ly += style.lh;
            }
        }
    }

    /// Places one body row, breaking the page (and repeating the header) as
    /// needed. `at` is the row's index (for zebra stripes) and the height
    /// that must fit below it for it to stay on this page.
    pub(crate) fn grid_row(
        &mut self,
        cols: &[(f32, f32, Align)],
        style: &GridStyle,
        header: Option<&[PCell]>,
        cells: &[PCell],
        at: (usize, f32),
        seg: &mut Option<Segment>,
    ) {
        let (index, keep) = at;
        let header_h = header.map(|h| Self::cells_height(style, h)).unwrap_or(0.0);
        let (l, r) = (cols[0].0, cols[cols.len() - 1].0 + cols[cols.len() - 1].1);
        if cells.is_empty() {
            // Header-only table.
            self.ensure(header_h);
            self.start_segment(cols, style, header, seg);
            return;
        }
        let h = Self::cells_height(style, cells);
        match seg {
            None => {
                // The header never stands alone: it starts with the first
                // rows (`keep` says how much must come with this one).
                if self.y + header_h + h + keep > self.geo.bottom && !self.fresh {
                    self.new_page();
                }
                self.start_segment(cols, style, header, seg);
            }
            // Break before this row if it does not fit, or if what must
            // follow it would end up alone on the next page; a page keeps at
            // least one row.
            Some(s) if s.rows > 0 && self.y + h + keep > self.geo.bottom => {
                self.close_segment(cols, style, seg);
                self.new_page();
                self.start_segment(cols, style, header, seg);
            }
            _ => {}
        }
        if let Some(s) = seg.as_mut() {
            s.rows += 1;
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
        self.split_row(cols, style, header, cells, stripe, seg);
    }

    /// Draws a row taller than a page in page-sized parts, repeating the header.
    fn split_row(
        &mut self,
        cols: &[(f32, f32, Align)],
        style: &GridStyle,
        header: Option<&[PCell]>,
        cells: &[PCell],
        stripe: Option<Color>,
        seg: &mut Option<Segment>,
    ) {
        let (l, r) = (cols[0].0, cols[cols.len() - 1].0 + cols[cols.len() - 1].1);
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
