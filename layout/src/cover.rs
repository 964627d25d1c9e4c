//! The cover page block.
//!
//! Promises: a cover has a page of its own (started fresh if anything is on
//! the current one), an accent band, the wrapped title and subtitle lines, and
//! its key/value details anchored at the foot of the page; the next block
//! starts on a new page.

use crate::flow::{Layouter, Stroke, MM};
use crate::model::{Color, Cover, LayoutError, TextStyle};

impl Layouter {
    pub(crate) fn cover(&mut self, c: &Cover) -> Result<(), LayoutError> {
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
}
