//! The bar chart block: horizontal stacked bars with an optional legend.
//!
//! Promises: a chart title stays with its first bar, the percent axis with
//! the last bar, and a legend is never split; negative and non-finite values
//! count as zero; labels too long for their room are shortened with "…".

use crate::flow::{Layouter, LEADING};
use crate::linebreak::truncate_to;
use crate::model::{Bar, BarChart, BarScale, Color, LegendEntry, TextStyle};

/// Where the parts of a chart go, computed once per chart.
struct ChartGeo {
    label_size: f32,
    row_h: f32,
    bar_h: f32,
    label_w: f32,
    bar_x: f32,
    bar_w: f32,
    shared_max: f64,
    /// A 0–100 % axis (proportional scale only).
    axis: bool,
    axis_h: f32,
}

fn bar_total(b: &Bar) -> f64 {
    b.segments.iter().map(|s| clean_value(s.0)).sum::<f64>()
}

impl Layouter {
    pub(crate) fn bar_chart(&mut self, c: &BarChart) {
        let cg = self.chart_geo(c);
        let title_size = self.body + 1.0;
        let title_h = if c.title.is_empty() {
            0.0
        } else {
            title_size * LEADING + 4.0
        };
        // Title stays with the first bar.
        let g = self.geo;
        self.ensure(title_h + cg.row_h.min(g.bottom - g.top - title_h));
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
            self.ensure(cg.row_h + if last { cg.axis_h } else { 0.0 });
            self.bar_row(c, &cg, bar);
            self.y += cg.row_h;
            self.placed();
        }
        if cg.axis && !c.bars.is_empty() {
            self.percent_axis(&cg);
        }
        if !c.legend.is_empty() {
            self.legend(&c.legend, cg.label_size);
        }
        self.y += 0.9 * self.body;
    }

    fn chart_geo(&self, c: &BarChart) -> ChartGeo {
        let g = self.geo;
        let w = g.width();
        let label_size = self.body - 1.0;
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
        let axis = matches!(c.scale, BarScale::Proportional);
        ChartGeo {
            label_size,
            row_h: 17.0,
            bar_h: 10.0,
            label_w,
            bar_x: g.left + label_w,
            bar_w: (w - label_w - value_w).max(10.0),
            shared_max: c.bars.iter().map(bar_total).fold(0.0f64, f64::max),
            axis,
            axis_h: if axis {
                label_size * LEADING + 2.0
            } else {
                0.0
            },
        }
    }

    /// One bar at the cursor: label, track, gridlines, segments, value label.
    fn bar_row(&mut self, c: &BarChart, cg: &ChartGeo, bar: &Bar) {
        let g = self.geo;
        let y = self.y;
        let by = y + (cg.row_h - cg.bar_h) / 2.0;
        let name = truncate_to(
            self.faces,
            &bar.label,
            TextStyle::Normal,
            cg.label_size,
            cg.label_w - 10.0,
        );
        let bl = y + self.baseline_off(TextStyle::Normal, cg.label_size, cg.row_h);
        self.text(
            g.left,
            bl,
            TextStyle::Normal,
            cg.label_size,
            Color::TEXT,
            name,
        );

        self.fill(cg.bar_x, by, cg.bar_w, cg.bar_h, Color::hex(0xEEF1F4));
        if cg.axis {
            // Gridlines as thin fills so that the bars paint over them.
            for k in 1..4 {
                let gx = cg.bar_x + cg.bar_w * k as f32 / 4.0;
                self.fill(gx - 0.2, y, 0.4, cg.row_h, Color::hex(0xD5DAE1));
            }
        }
        let scale = match c.scale {
            BarScale::Proportional => bar_total(bar),
            BarScale::Shared => cg.shared_max,
            BarScale::Fixed(v) => clean_value(v),
        };
        if scale > 0.0 {
            self.bar_segments(cg, bar, by, scale, c.show_values);
        }
        if let Some(v) = &bar.value_label {
            let tw = self.units_width(v, TextStyle::Normal, cg.label_size);
            self.label(
                g.right - tw,
                bl,
                TextStyle::Normal,
                cg.label_size,
                Color::MUTED,
                v,
            );
        }
    }

    /// The stacked segments of one bar whose top edge is `by`.
    fn bar_segments(&mut self, cg: &ChartGeo, bar: &Bar, by: f32, scale: f64, values: bool) {
        let (bar_x, bar_w, bar_h) = (cg.bar_x, cg.bar_w, cg.bar_h);
        let mut sx = bar_x;
        for &(v, col) in &bar.segments {
            let v = clean_value(v);
            let sw = ((v / scale) as f32 * bar_w).min(bar_x + bar_w - sx);
            if sw <= 0.0 {
                continue;
            }
            self.fill(sx, by, sw, bar_h, col);
            if values {
                let txt = format_value(v);
                let size = cg.label_size - 1.0;
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

    /// "0% 25% 50% 75% 100%" under the last bar.
    fn percent_axis(&mut self, cg: &ChartGeo) {
        let size = cg.label_size - 1.0;
        let bl = self.y + self.baseline_off(TextStyle::Normal, size, cg.axis_h);
        for k in 0..=4 {
            let txt = format!("{}%", k * 25);
            let tw = self.units_width(&txt, TextStyle::Normal, size);
            let gx = cg.bar_x + cg.bar_w * k as f32 / 4.0;
            let x = (gx - tw / 2.0).clamp(cg.bar_x, cg.bar_x + cg.bar_w - tw);
            self.label(x, bl, TextStyle::Normal, size, Color::MUTED, &txt);
        }
        self.y += cg.axis_h;
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
