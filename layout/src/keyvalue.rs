//! The key/value block: a two-column list of labels and values.
//!
//! Promises: the key column is as wide as the widest key (within 18–38 % of
//! the text width); both columns wrap, and a value wider than its column in
//! a single word (a hash) is set smaller before it breaks; rows break across
//! pages like table rows, without a header.

use crate::flow::{Layouter, TABLE_LEADING};
use crate::grid::{GridStyle, PCell};
use crate::model::{Align, Cell, Color, TextStyle};

impl Layouter {
    pub(crate) fn kv_key_width(&self, pairs: &[(String, String)], size: f32) -> f32 {
        let w = self.geo.width();
        let widest = pairs
            .iter()
            .map(|(k, _)| self.units_width(k, TextStyle::Bold, size))
            .fold(0.0f32, f32::max);
        (widest + 14.0).clamp(0.18 * w, 0.38 * w)
    }

    /// Style of key/value rows at `size`.
    fn kv_style(size: f32) -> GridStyle {
        GridStyle {
            size,
            lh: size * TABLE_LEADING,
            pad_x: 4.0,
            pad_y: 3.5,
            grid: false,
            zebra: false,
        }
    }

    /// The key and value cells of one pair, wrapped to their columns.
    fn kv_cells(&self, k: &str, v: &str, kw: f32, style: &GridStyle) -> Vec<PCell> {
        let w = self.geo.width();
        vec![
            self.prepare_cell(
                &Cell::new(k).bold().color(Color::MUTED),
                (0.0, kw, Align::Left),
                style,
            ),
            self.prepare_cell(&Cell::new(v), (0.0, w - kw, Align::Left), style),
        ]
    }

    pub(crate) fn key_value_height(&self, pairs: &[(String, String)], size: f32) -> f32 {
        let kw = self.kv_key_width(pairs, size);
        let style = Self::kv_style(size);
        pairs
            .iter()
            .map(|(k, v)| Self::cells_height(&style, &self.kv_cells(k, v, kw, &style)))
            .sum()
    }

    pub(crate) fn key_value(&mut self, pairs: &[(String, String)], size: f32) {
        if pairs.is_empty() {
            return;
        }
        let kw = self.kv_key_width(pairs, size);
        let w = self.geo.width();
        let style = Self::kv_style(size);
        let cols = [
            (self.geo.left, kw, Align::Left),
            (self.geo.left + kw, w - kw, Align::Left),
        ];
        let mut seg = None;
        for (i, (k, v)) in pairs.iter().enumerate() {
            let cells = self.kv_cells(k, v, kw, &style);
            self.grid_row(&cols, &style, None, &cells, (i, 0.0), &mut seg);
        }
        self.close_segment(&cols, &style, &mut seg);
    }
}
