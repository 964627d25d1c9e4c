//! Headings and paragraphs: running text.
//!
//! Promises: headings of level 1–3 (others are rejected), bookmarked when
//! asked, never stranded at a page foot; paragraphs wrapped to the text
//! width with no single first line left alone at the foot of a page.

use crate::flow::{Layouter, OutlineEntry, LEADING};
use crate::linebreak::{wrap_pieces, Piece};
use crate::model::{Color, LayoutError, Paragraph, TextStyle};

impl Layouter {
    pub(crate) fn heading(
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

    pub(crate) fn paragraph(&mut self, p: &Paragraph) {
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
}
