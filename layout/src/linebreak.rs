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

/// One character of a word being collected: (style, colour, char, advance).
type WordChar = (TextStyle, Color, char, u32);

/// State of the greedy breaker: finished lines, the open line, the open word.
struct Breaker<'f> {
    faces: &'f Faces,
    max_units: u32,
    lines: Vec<Line>,
    line: Line,
    word: Vec<WordChar>,
    word_units: u32,
}

impl Breaker<'_> {
    /// Puts the open word on the open line, or on a new one if it does not
    /// fit; a word wider than the whole width is broken by character.
    fn place_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let max_units = self.max_units;
        if let Some(last) = self.line.frags.last() {
            // The separating space is drawn in the style of the preceding text.
            let (st, col) = (last.style, last.color);
            let space = self.faces.faces[st.index()].advance(' ');
            if self.line.units + space + self.word_units <= max_units {
                self.line.push_char(st, col, ' ', space);
                self.push_word(false);
                return;
            }
            self.lines.push(std::mem::take(&mut self.line));
        }
        // Over-long word (only one wider than the whole width): break by character.
        let split = self.word_units > max_units;
        self.push_word(split);
    }

    fn push_word(&mut self, split: bool) {
        let word = std::mem::take(&mut self.word);
        self.word_units = 0;
        if !split {
            for &(s, c, ch, a) in &word {
                self.line.push_char(s, c, ch, a);
            }
            return;
        }
        for seg in segments(&word) {
            let units: u32 = seg.iter().map(|w| w.3).sum();
            if !self.line.frags.is_empty() && self.line.units + units > self.max_units {
                self.lines.push(std::mem::take(&mut self.line));
            }
            for &(s, c, ch, a) in seg {
                if !self.line.frags.is_empty() && self.line.units + a > self.max_units {
                    self.lines.push(std::mem::take(&mut self.line));
                }
                self.line.push_char(s, c, ch, a);
            }
        }
    }
}

/// A word of more characters than this may break after `-`, `/`, `_`, `.`,
/// `@`, `?`, `&`, `=` or before `(` when it is wider than its line (file
/// names, URLs, e-mail addresses). Shorter words — identifiers such as
/// `AIOS-GOV-01`, dates, RFC 3339 timestamps (20 characters) — never do.
pub(crate) const LONG_WORD_CHARS: usize = 24;

fn breaks_after(c: char) -> bool {
    matches!(c, '-' | '/' | '_' | '.' | '@' | '?' | '&' | '=')
}

/// The pieces a word may be broken into: the whole word unless it is long.
fn segments<T>(word: &[T]) -> Vec<&[T]>
where
    T: WordCharLike,
{
    if word.len() <= LONG_WORD_CHARS {
        return vec![word];
    }
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..word.len() {
        let c = word[i].ch();
        let cut = if breaks_after(c) {
            Some(i + 1)
        } else if c == '(' && i > start {
            Some(i)
        } else {
            None
        };
        if let Some(end) = cut.filter(|&e| e > start && e < word.len()) {
            out.push(&word[start..end]);
            start = end;
        }
    }
    out.push(&word[start..]);
    out
}

/// What [`segments`] needs of a word's characters.
trait WordCharLike {
    fn ch(&self) -> char;
}

impl WordCharLike for WordChar {
    fn ch(&self) -> char {
        self.2
    }
}

impl WordCharLike for (char, u32) {
    fn ch(&self) -> char {
        self.0
    }
}

/// Greedy word wrap of styled pieces to `max_w` points.
pub(crate) fn wrap_pieces(faces: &Faces, pieces: &[Piece<'_>], size: f32, max_w: f32) -> Vec<Line> {
    let mut b = Breaker {
        faces,
        // Width budget in 1/1000 em units (tiny epsilon against float noise).
        max_units: ((max_w.max(0.0) * 1000.0 / size) + 0.01) as u32,
        lines: Vec::new(),
        line: Line::default(),
        word: Vec::new(),
        word_units: 0,
    };
    for p in pieces {
        let face = &faces.faces[p.style.index()];
        for ch in p.text.chars() {
            match ch {
                '\n' => {
                    b.place_word();
                    b.lines.push(std::mem::take(&mut b.line));
                }
                '\r' => {}
                ' ' | '\t' => b.place_word(),
                c if c.is_control() || c == '\u{00AD}' => {}
                c => {
                    let c = face.resolve(c);
                    let a = face.advance(c);
                    b.word.push((p.style, p.color, c, a));
                    b.word_units += a;
                }
            }
        }
    }
    b.place_word();
    let mut lines = b.lines;
    if !b.line.frags.is_empty() || lines.is_empty() {
        lines.push(b.line);
    }
    lines
}

/// The widest unbreakable piece and the widest line of `text` set in
/// `style`, in 1/1000 em, measured as [`wrap_pieces`] breaks: words are what
/// lies between spaces, tabs and line breaks (a long word counts by its
/// widest [`LONG_WORD_CHARS`] piece); lines are what lies between `\n`s.
pub(crate) fn word_and_line_units(faces: &Faces, text: &str, style: TextStyle) -> (u32, u32) {
    let face = &faces.faces[style.index()];
    let space = face.advance(' ');
    let (mut widest_word, mut widest_line) = (0u32, 0u32);
    for line in text.split('\n') {
        let mut units = 0u32;
        let mut words = 0u32;
        for word in line.split([' ', '\t']).filter(|w| !w.is_empty()) {
            let chars: Vec<(char, u32)> = word
                .chars()
                .filter(|c| !c.is_control() && *c != '\u{00AD}')
                .map(|c| {
                    let c = face.resolve(c);
                    (c, face.advance(c))
                })
                .collect();
            for seg in segments(&chars) {
                widest_word = widest_word.max(seg.iter().map(|c| c.1).sum());
            }
            units += chars.iter().map(|c| c.1).sum::<u32>();
            words += 1;
        }
        widest_line = widest_line.max(units + words.saturating_sub(1) * space);
    }
    (widest_word, widest_line)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::faces;

    fn units(text: &str, style: TextStyle) -> u32 {
        let f = &faces().unwrap().faces[style.index()];
        text.chars().map(|c| f.advance(f.resolve(c))).sum()
    }

    #[test]
    fn widest_word_and_line_are_measured_as_the_breaker_breaks() {
        let faces = faces().unwrap();
        let text = "Evidence date  2026-09-30\nAIOS-GOV-01";
        let (word, line) = word_and_line_units(faces, text, TextStyle::Normal);
        assert_eq!(
            word,
            units("2026-09-30", TextStyle::Normal).max(units("AIOS-GOV-01", TextStyle::Normal))
        );
        // Runs of spaces count once, as the breaker collapses them.
        assert_eq!(line, units("Evidence date 2026-09-30", TextStyle::Normal));
        // At exactly the widest word's width, no word is split.
        let size = 10.0;
        let lines = wrap_pieces(
            faces,
            &[Piece {
                style: TextStyle::Normal,
                color: Color::TEXT,
                text,
            }],
            size,
            word as f32 * size / 1000.0,
        );
        let got: Vec<String> = lines
            .iter()
            .map(|l| l.frags.iter().map(|f| f.text.as_str()).collect())
            .collect();
        assert_eq!(got, ["Evidence", "date", "2026-09-30", "AIOS-GOV-01"]);
    }

    #[test]
    fn mono_digits_have_one_width() {
        let faces = faces().unwrap();
        let (w, l) = word_and_line_units(faces, "0123456789abcdef", TextStyle::Mono);
        assert_eq!(w, l);
        assert_eq!(w, 16 * units("0", TextStyle::Mono));
    }
}
