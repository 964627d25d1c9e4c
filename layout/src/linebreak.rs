//! Line breaking: styled text in, measured lines out.
//!
//! Promises: greedy breaking at spaces; `\n` is a hard break; control
//! characters and soft hyphens are dropped; a line never exceeds the width it
//! is given, except that a single word wider than the whole width is broken
//! by character (the only case that splits a word).

use crate::fonts::Faces;
use crate::model::{Color, TextStyle};

/// Input to the wrapper: text with a style and colour.
pub(crate) struct Piece<'a> {
    pub(crate) style: TextStyle,
    pub(crate) color: Color,
    pub(crate) text: &'a str,
}

/// A styled fragment of a laid-out line; `units` is its advance in 1/1000 em.
#[derive(Clone, Debug)]
pub(crate) struct Frag {
    pub(crate) style: TextStyle,
    pub(crate) color: Color,
    pub(crate) text: String,
    pub(crate) units: u32,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Line {
    pub(crate) frags: Vec<Frag>,
    /// Total advance in 1/1000 em.
    pub(crate) units: u32,
}

impl Line {
    pub(crate) fn width(&self, size: f32) -> f32 {
        self.units as f32 * size / 1000.0
    }
    pub(crate) fn push_char(&mut self, style: TextStyle, color: Color, c: char, adv: u32) {
        match self.frags.last_mut() {
            Some(f) if f.style == style && f.color == color => {
                f.text.push(c);
                f.units += adv;
            }
            _ => self.frags.push(Frag {
                style,
                color,
                text: c.to_string(),
                units: adv,
            }),
        }
        self.units += adv;
    }
}

/// Greedy word wrap of styled pieces to `max_w` points.
pub(crate) fn wrap_pieces(faces: &Faces, pieces: &[Piece<'_>], size: f32, max_w: f32) -> Vec<Line> {
    // Width budget in 1/1000 em units (tiny epsilon against float noise).
    let max_units = ((max_w.max(0.0) * 1000.0 / size) + 0.01) as u32;
    let mut lines = Vec::new();
    let mut line = Line::default();
    // Current word as (style, colour, char, advance).
    let mut word: Vec<(TextStyle, Color, char, u32)> = Vec::new();
    let mut word_units: u32 = 0;

    pub(crate) fn place_word(
        faces: &Faces,
        lines: &mut Vec<Line>,
        line: &mut Line,
        word: &mut Vec<(TextStyle, Color, char, u32)>,
        word_units: &mut u32,
        max_units: u32,
    ) {
        if word.is_empty() {
            return;
        }
        if !line.frags.is_empty() {
            // The separating space is drawn in the style of the preceding text.
            let last = line.frags.last().unwrap();
            let (st, col) = (last.style, last.color);
            let space = faces.faces[st.index()].advance(' ');
            if line.units + space + *word_units <= max_units {
                line.push_char(st, col, ' ', space);
                for &(s, c, ch, a) in word.iter() {
                    line.push_char(s, c, ch, a);
                }
                word.clear();
                *word_units = 0;
                return;
            }
            lines.push(std::mem::take(line));
        }
        if *word_units <= max_units {
            for &(s, c, ch, a) in word.iter() {
                line.push_char(s, c, ch, a);
            }
        } else {
            // Over-long word (hashes, URLs): break by character.
            for &(s, c, ch, a) in word.iter() {
                if !line.frags.is_empty() && line.units + a > max_units {
                    lines.push(std::mem::take(line));
                }
                line.push_char(s, c, ch, a);
            }
        }
        word.clear();
        *word_units = 0;
    }

    for p in pieces {
        let face = &faces.faces[p.style.index()];
        for ch in p.text.chars() {
            match ch {
                '\n' => {
                    place_word(
                        faces,
                        &mut lines,
                        &mut line,
                        &mut word,
                        &mut word_units,
                        max_units,
                    );
                    lines.push(std::mem::take(&mut line));
                }
                '\r' => {}
                ' ' | '\t' => {
                    place_word(
                        faces,
                        &mut lines,
                        &mut line,
                        &mut word,
                        &mut word_units,
                        max_units,
                    );
                }
                c if c.is_control() || c == '\u{00AD}' => {}
                c => {
                    let c = face.resolve(c);
                    let a = face.advance(c);
                    word.push((p.style, p.color, c, a));
                    word_units += a;
                }
            }
        }
    }
    place_word(
        faces,
        &mut lines,
        &mut line,
        &mut word,
        &mut word_units,
        max_units,
    );
    if !line.frags.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Shortens `text` with an ellipsis so that it fits `max_w` (single line).
pub(crate) fn truncate_to(
    faces: &Faces,
    text: &str,
    style: TextStyle,
    size: f32,
    max_w: f32,
) -> String {
    let face = &faces.faces[style.index()];
    let max_units = (max_w.max(0.0) * 1000.0 / size) as u32;
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .map(|c| face.resolve(c))
        .collect();
    let total: u32 = chars.iter().map(|&c| face.advance(c)).sum();
    if total <= max_units {
        return chars.into_iter().collect();
    }
    let ell = face.resolve('…');
    let budget = max_units.saturating_sub(face.advance(ell));
    let mut out = String::new();
    let mut used = 0;
    for c in chars {
        let a = face.advance(c);
        if used + a > budget {
            break;
        }
        used += a;
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out.push(ell);
    out
}
