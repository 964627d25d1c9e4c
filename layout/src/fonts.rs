//! The embedded faces and their metrics.
//!
//! Promises: three DejaVu faces (Sans, Sans Bold, Sans Mono; licence in
//! `assets/LICENSE-DejaVu.txt`) compiled into the binary and parsed once per
//! process; advance widths in 1/1000 em truncated exactly as printpdf writes
//! `/W`, so a measured width is the width a viewer draws; every character maps
//! to a glyph the face has (missing ones become U+FFFD); subsetting is
//! deterministic (same glyphs, same subset tag and bytes).

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use printpdf::ParsedFont;

use crate::model::LayoutError;

// ---------------------------------------------------------------------------

const FONT_REGULAR: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../assets/DejaVuSans-Bold.ttf");
const FONT_MONO: &[u8] = include_bytes!("../assets/DejaVuSansMono.ttf");

/// Metrics of one embedded face, parsed once per process.
pub(crate) struct Face {
    pub(crate) ps_name: &'static str,
    pub(crate) resource: &'static str,
    pub(crate) bytes: &'static [u8],
    /// hhea ascender/descender in em (descender negative).
    pub(crate) ascent: f32,
    pub(crate) descent: f32,
    /// Advance per glyph id in 1/1000 em, truncated exactly as printpdf writes
    /// `/W`, so measured and rendered widths agree to the unit.
    pub(crate) widths: Vec<u16>,
    /// Glyph ids for U+0000..U+00FF (0 = not in font), the hot path.
    pub(crate) latin: [u16; 256],
    pub(crate) cmap: HashMap<u32, u16>,
    /// Used for characters the face lacks.
    pub(crate) replacement: char,
}

impl Face {
    pub(crate) fn parse(
        bytes: &'static [u8],
        ps_name: &'static str,
        resource: &'static str,
    ) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let pf = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| format!("cannot parse {ps_name}"))?;
        let upem = pf.units_per_em.max(1) as f32;
        let max_gid = pf.glyph_widths.keys().next_back().copied().unwrap_or(0) as usize;
        let mut widths = vec![0u16; max_gid + 1];
        for (&gid, &w) in &pf.glyph_widths {
            // Same arithmetic as printpdf's get_scaled_glyph_width.
            widths[gid as usize] = (w as f32 * 1000.0 / upem) as i64 as u16;
        }
        let mut latin = [0u16; 256];
        let mut cmap = HashMap::with_capacity(pf.codepoint_to_glyph.len());
        for (&cp, &gid) in &pf.codepoint_to_glyph {
            if cp < 256 {
                latin[cp as usize] = gid;
            }
            cmap.insert(cp, gid);
        }
        let mut face = Face {
            ps_name,
            resource,
            bytes,
            ascent: pf.font_metrics.ascent as f32 / upem,
            descent: pf.font_metrics.descent as f32 / upem,
            widths,
            latin,
            cmap,
            replacement: '?',
        };
        if face.gid('\u{FFFD}') != 0 {
            face.replacement = '\u{FFFD}';
        }
        if face.gid(' ') == 0 || face.gid('?') == 0 {
            return Err(format!("{ps_name} lacks basic ASCII glyphs"));
        }
        Ok(face)
    }

    #[inline]
    pub(crate) fn gid(&self, c: char) -> u16 {
        let cp = c as u32;
        if cp < 256 {
            self.latin[cp as usize]
        } else {
            self.cmap.get(&cp).copied().unwrap_or(0)
        }
    }

    /// Maps a character to one this face can draw (tabs become spaces,
    /// characters without a glyph become the replacement character).
    #[inline]
    pub(crate) fn resolve(&self, c: char) -> char {
        if c == '\t' {
            return ' ';
        }
        if self.gid(c) != 0 {
            c
        } else {
            self.replacement
        }
    }

    #[inline]
    pub(crate) fn advance(&self, c: char) -> u32 {
        self.widths.get(self.gid(c) as usize).copied().unwrap_or(0) as u32
    }
}

pub(crate) struct Faces {
    pub(crate) faces: [Face; 3],
}

pub(crate) fn faces() -> Result<&'static Faces, &'static String> {
    static FACES: OnceLock<Result<Faces, String>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Ok(Faces {
                faces: [
                    Face::parse(FONT_REGULAR, "DejaVuSans", "F1")?,
                    Face::parse(FONT_BOLD, "DejaVuSans-Bold", "F2")?,
                    Face::parse(FONT_MONO, "DejaVuSansMono", "F3")?,
                ],
            })
        })
        .as_ref()
}

/// Set of characters drawn with one face (bitset over all of Unicode).
pub(crate) struct CharSet(Vec<u64>);

impl CharSet {
    pub(crate) fn new() -> Self {
        CharSet(vec![0; 0x110000 / 64])
    }
    #[inline]
    pub(crate) fn insert(&mut self, c: char) {
        let v = c as usize;
        self.0[v >> 6] |= 1 << (v & 63);
    }
    pub(crate) fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &w)| {
            (0..64)
                .filter(move |b| w & (1u64 << b) != 0)
                .filter_map(move |b| char::from_u32((i * 64 + b) as u32))
        })
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
}

/// FNV-1a, used for deterministic subset tags and the file /ID.
pub(crate) fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Subsets `face` to the glyphs of `used` and returns a printpdf font whose
/// name carries the standard six-letter subset tag.
pub(crate) fn subset_face(face: &Face, used: &CharSet) -> Result<ParsedFont, LayoutError> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset, CmapTarget, SubsetProfile};

    let chars: Vec<char> = used.chars().collect();
    let gids: BTreeSet<u16> = chars
        .iter()
        .map(|&c| face.gid(c))
        .filter(|&g| g != 0)
        .collect();
    // Glyph 0 (.notdef) must come first; allsorts renumbers glyph ids[i] -> i.
    let ids: Vec<u16> = std::iter::once(0).chain(gids.iter().copied()).collect();
    let new_id: HashMap<u16, u16> = ids
        .iter()
        .enumerate()
        .map(|(i, &g)| (g, i as u16))
        .collect();

    let font_file = ReadScope::new(face.bytes)
        .read::<FontData<'_>>()
        .map_err(|e| LayoutError::Font(format!("{}: {e}", face.ps_name)))?;
    let provider = font_file
        .table_provider(0)
        .map_err(|e| LayoutError::Font(format!("{}: {e}", face.ps_name)))?;
    let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| LayoutError::Font(format!("subsetting {}: {e}", face.ps_name)))?;

    let mut warnings = Vec::new();
    let mut pf = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
        .ok_or_else(|| LayoutError::Font(format!("cannot parse subset of {}", face.ps_name)))?;
    // Authoritative char -> new glyph id map (do not rely on the subset cmap).
    pf.codepoint_to_glyph = chars
        .iter()
        .filter_map(|&c| new_id.get(&face.gid(c)).map(|&g| (c as u32, g)))
        .collect();

    let mut h = fnv1a(0xcbf29ce484222325, face.ps_name.as_bytes());
    for g in &ids {
        h = fnv1a(h, &g.to_le_bytes());
    }
    let tag: String = (0..6)
        .map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char)
        .collect();
    pf.font_name = Some(format!("{tag}+{}", face.ps_name));
    Ok(pf)
}
