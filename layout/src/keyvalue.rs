//! The key/value block: a two-column list of labels and values.
//!
//! Promises: the key column is as wide as the widest key (within 18–38 % of
//! the text width); both columns wrap; rows break across pages like table
//! rows, without a header.

use crate::flow::{Layouter, TABLE_LEADING};
use crate::model::{Align, Color, TextStyle};
use crate::table::{GridStyle, PCell};

impl Layouter {
    pub(crate) fn kv_key_width(&self, pairs: &[(String, String)], size: f32) -> f32 {
        let w = self.geo.width();
        let widest = pairs
            .iter()
            .map(|(k, _)| self.units_width(k, TextStyle::Bold, size))
            .fold(0.0f32, f32::max);
        (widest + 14.0).clamp(0.18 * w, 0.38 * w)
    }

    pub(crate) fn key_value_height(&self, pairs: &[(String, String)], size: f32) -> f32 {
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

    pub(crate) fn key_value(&mut self, pairs: &[(String, String)], size: f32) {
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
}
