//! Page flow: the cursor that places blocks top to bottom and breaks pages.
//!
//! Promises: every block starts on the current page if its first part fits,
//! otherwise on a fresh one; whitespace never starts a page; a heading stays
//! with the start of what follows it ([`Layouter::keep_height`]); a cover
//! page has a page of its own and no running header or footer; every other
//! page gets the running title and "Page X of Y". Drawing is recorded per
//! page as fills, strokes and text runs, painted in that order by `pdf`.

use crate::fonts::{CharSet, Faces};
use crate::linebreak::{truncate_to, wrap_pieces, Line, Piece};
use crate::model::{Block, Color, Document, LayoutError, PageSetup, TextStyle};

pub(crate) const MM: f32 = 72.0 / 25.4;
/// Line height as a multiple of the font size.
pub(crate) const LEADING: f32 = 1.32;
pub(crate) const TABLE_LEADING: f32 = 1.25;

/// Page geometry in points, y measured from the top edge.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Geo {
    pub(crate) pw: f32,
    pub(crate) ph: f32,
    pub(crate) left: f32,
    pub(crate) right: f32,
    pub(crate) top: f32,
    pub(crate) bottom: f32,
}

impl Geo {
    pub(crate) fn new(s: &PageSetup) -> Result<Geo, LayoutError> {
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
    pub(crate) fn width(&self) -> f32 {
        self.right - self.left
    }
}

pub(crate) struct Fill {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) w: f32,
    pub(crate) h: f32,
    pub(crate) color: Color,
    /// Corner radius; 0 = plain rectangle.
    pub(crate) radius: f32,
}

pub(crate) struct Stroke {
    pub(crate) x1: f32,
    pub(crate) y1: f32,
    pub(crate) x2: f32,
    pub(crate) y2: f32,
    pub(crate) width: f32,
    pub(crate) color: Color,
}

pub(crate) struct Txt {
    pub(crate) x: f32,
    pub(crate) baseline: f32,
    pub(crate) style: TextStyle,
    pub(crate) size: f32,
    pub(crate) color: Color,
    pub(crate) text: String,
}

/// Drawing commands of one page, painted fills → strokes → text.
#[derive(Default)]
pub(crate) struct PageBuf {
    pub(crate) fills: Vec<Fill>,
    pub(crate) strokes: Vec<Stroke>,
    pub(crate) texts: Vec<Txt>,
    pub(crate) cover: bool,
}

pub(crate) struct OutlineEntry {
    pub(crate) level: u8,
    pub(crate) title: String,
    pub(crate) page: usize,
    pub(crate) y: f32,
}

pub(crate) struct Layouter {
    pub(crate) faces: &'static Faces,
    pub(crate) geo: Geo,
    pub(crate) body: f32,
    pub(crate) pages: Vec<PageBuf>,
    /// Index of the page being drawn on (the last one, except in `finish`).
    pub(crate) cur: usize,
    pub(crate) y: f32,
    /// Nothing has been placed on the current page yet.
    pub(crate) fresh: bool,
    /// The next block must start a new page (after a cover).
    pub(crate) need_page: bool,
    pub(crate) used: [CharSet; 3],
    pub(crate) outlines: Vec<OutlineEntry>,
}

impl Layouter {
    pub(crate) fn new(faces: &'static Faces, geo: Geo, body: f32) -> Layouter {
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

    pub(crate) fn page(&mut self) -> &mut PageBuf {
        &mut self.pages[self.cur]
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(PageBuf::default());
        self.cur = self.pages.len() - 1;
        self.y = self.geo.top;
        self.fresh = true;
        self.need_page = false;
    }

    /// Called before every block: opens the first page / the page after a cover.
    pub(crate) fn begin_block(&mut self) {
        if self.need_page {
            self.new_page();
        }
    }

    /// Breaks the page unless `h` more points fit (or we are at the top).
    pub(crate) fn ensure(&mut self, h: f32) -> bool {
        if self.y + h > self.geo.bottom + 0.01 && !self.fresh {
            self.new_page();
            return true;
        }
        false
    }

    pub(crate) fn placed(&mut self) {
        self.fresh = false;
    }

    /// Baseline offset of a line of `size` centred in a line box of `lh`.
    pub(crate) fn baseline_off(&self, style: TextStyle, size: f32, lh: f32) -> f32 {
        let f = &self.faces.faces[style.index()];
        (lh - (f.ascent - f.descent) * size) / 2.0 + f.ascent * size
    }

    pub(crate) fn text(
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
    pub(crate) fn line_at(&mut self, line: &Line, x: f32, baseline: f32, size: f32) {
        let mut x = x;
        for f in &line.frags {
            self.text(x, baseline, f.style, size, f.color, f.text.clone());
            x += f.units as f32 * size / 1000.0;
        }
    }

    /// Single-style, already-clean text (header/footer/labels).
    pub(crate) fn label(
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

    pub(crate) fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
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

    pub(crate) fn rounded(&mut self, x: f32, y: f32, w: f32, h: f32, radius: f32, color: Color) {
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

    pub(crate) fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Color) {
        self.page().strokes.push(Stroke {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
            color,
        });
    }

    pub(crate) fn vline(&mut self, x: f32, y1: f32, y2: f32, width: f32, color: Color) {
        self.page().strokes.push(Stroke {
            x1: x,
            y1,
            x2: x,
            y2,
            width,
            color,
        });
    }

    pub(crate) fn wrap(
        &self,
        text: &str,
        style: TextStyle,
        size: f32,
        max_w: f32,
        color: Color,
    ) -> Vec<Line> {
        wrap_pieces(self.faces, &[Piece { style, color, text }], size, max_w)
    }

    pub(crate) fn units_width(&self, text: &str, style: TextStyle, size: f32) -> f32 {
        let face = &self.faces.faces[style.index()];
        text.chars()
            .map(|c| face.advance(face.resolve(c)))
            .sum::<u32>() as f32
            * size
            / 1000.0
    }

    pub(crate) fn block(&mut self, block: &Block, next: Option<&Block>) -> Result<(), LayoutError> {
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

    /// Height of the start of `next` that a heading must stay with, so that
    /// headings are never stranded at the foot of a page.
    pub(crate) fn keep_height(&self, next: Option<&Block>) -> f32 {
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
            Some(Block::Table(t)) if crate::table::validate(t).is_ok() => {
                self.table_start_height(t)
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

    /// Adds running header and "Page X of Y" footer to every non-cover page.
    pub(crate) fn finish(&mut self, doc: &Document, footer_note: Option<&str>) {
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
