//! The bar chart block: horizontal stacked bars with an optional legend.
//!
//! Promises: a chart title stays with its first bar, the percent axis with
//! the last bar, and a legend is never split; negative and non-finite values
//! count as zero; labels too long for their room are shortened with "…".

use crate::flow::{Layouter, LEADING};
use crate::linebreak::truncate_to;
use crate::model::{Bar, BarChart, BarScale, Color, LegendEntry, TextStyle};

impl Layouter {
    pub(crate) fn bar_chart(&mut self, c: &BarChart) {
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

    pub(crate) fn legend(&mut self, entries: &[LegendEntry], size: f32) {
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
}

pub(crate) fn clean_value(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 {
        v
    } else {
        0.0
    }
}

pub(crate) fn format_value(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}
