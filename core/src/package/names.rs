//! File names inside a package that unpack the same on Windows, macOS and
//! Linux: Unicode NFC (macOS stores NFD-ish names; comparing NFC forms keeps
//! one file one name), no characters any of them forbids, no reserved device
//! names, no trailing dots or spaces, a bounded length, and unique even on a
//! case-insensitive file system.
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// Longest name component, in bytes of UTF-8. Windows allows 255 UTF-16 units
/// and Linux 255 bytes; staying far below leaves room for the folders above
/// it inside Windows' classic 260-character path limit.
pub const MAX_COMPONENT_BYTES: usize = 120;
/// Longest extension kept, in characters (`.json`, `.xlsx`, `.tar.gz` fit).
const MAX_EXTENSION: usize = 10;

const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "COM¹", "COM²",
    "COM³", "LPT¹", "LPT²", "LPT³",
];

/// One path component made safe. Never empty, never `.` or `..`.
pub fn safe_component(raw: &str) -> String {
    let nfc: String = raw.nfc().collect();
    let mut out: String = nfc
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            // Bidi overrides make a name display as something else.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => '_',
            c => c,
        })
        .collect();
    // Collapse runs of whitespace, then trim: Windows drops trailing spaces
    // and dots, so two names differing only there would collide.
    out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = out.trim_end_matches(['.', ' ']).trim_start().to_string();
    out = if trimmed.is_empty() {
        "_".to_string()
    } else {
        trimmed
    };
    let stem = out.split('.').next().unwrap_or("").trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        out = format!("_{out}");
    }
    truncate_keeping_extension(&out, MAX_COMPONENT_BYTES)
}

/// Splits `name.ext` when the extension is short and plain.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i)
            if i > 0
                && name.len() - i <= MAX_EXTENSION + 1
                && name[i + 1..].chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            (&name[..i], &name[i..])
        }
        _ => (name, ""),
    }
}

fn truncate_keeping_extension(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let (stem, ext) = split_extension(name);
    let budget = max.saturating_sub(ext.len());
    let mut cut = String::new();
    for c in stem.chars() {
        if cut.len() + c.len_utf8() > budget {
            break;
        }
        cut.push(c);
    }
    let cut = cut.trim_end_matches(['.', ' ']).to_string();
    format!("{}{ext}", if cut.is_empty() { "_" } else { &cut })
}

/// The extension (with its dot) of a stored file's original name, made safe.
pub fn extension_of(file_name: &str) -> String {
    let safe = safe_component(file_name);
    split_extension(&safe).1.to_ascii_lowercase()
}

/// Hands out unique paths: a clash (compared case-insensitively, in NFC)
/// gets ` (2)`, ` (3)`… before the extension.
#[derive(Default)]
pub struct UniqueNames {
    taken: HashSet<String>,
}

impl UniqueNames {
    /// `folders` and `file` are raw; each is made safe, then the whole path unique.
    pub fn claim(&mut self, folders: &[&str], file: &str) -> String {
        let dir: Vec<String> = folders.iter().map(|f| safe_component(f)).collect();
        let file = safe_component(file);
        let (stem, ext) = split_extension(&file);
        let mut n = 1;
        loop {
            let name = if n == 1 {
                file.clone()
            } else {
                let suffix = format!(" ({n}){ext}");
                truncate_keeping_extension(
                    &format!("{stem}{suffix}"),
                    MAX_COMPONENT_BYTES.max(suffix.len() + 1),
                )
            };
            let mut parts = dir.clone();
            parts.push(name);
            let path = parts.join("/");
            if self.taken.insert(path.to_lowercase()) {
                return path;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_everywhere() {
        assert_eq!(
            safe_component("KMS key: policy?.json"),
            "KMS key_ policy_.json"
        );
        assert_eq!(safe_component("con.txt"), "_con.txt");
        assert_eq!(safe_component("LPT9"), "_LPT9");
        assert_eq!(safe_component("report. . "), "report");
        assert_eq!(safe_component(".."), "_");
        assert_eq!(safe_component(""), "_");
        assert_eq!(safe_component("a\u{0}b\nc"), "a_b_c");
        assert_eq!(safe_component("../../etc/passwd"), ".._.._etc_passwd");
        // NFD "é" becomes NFC.
        assert_eq!(safe_component("e\u{301}t\u{e9}"), "\u{e9}t\u{e9}");
        let long = format!("{}.json", "x".repeat(400));
        let s = safe_component(&long);
        assert!(
            s.len() <= MAX_COMPONENT_BYTES && s.ends_with(".json"),
            "{s}"
        );
        let multibyte = "é".repeat(200);
        assert!(safe_component(&multibyte).len() <= MAX_COMPONENT_BYTES);
    }

    #[test]
    fn clashes_get_numbers_case_insensitively() {
        let mut u = UniqueNames::default();
        assert_eq!(
            u.claim(&["evidence", "ENC-01"], "a.json"),
            "evidence/ENC-01/a.json"
        );
        assert_eq!(
            u.claim(&["evidence", "ENC-01"], "A.json"),
            "evidence/ENC-01/A (2).json"
        );
        assert_eq!(
            u.claim(&["evidence", "ENC-01"], "a.json"),
            "evidence/ENC-01/a (3).json"
        );
        assert_eq!(
            u.claim(&["evidence", "ENC-02"], "a.json"),
            "evidence/ENC-02/a.json"
        );
    }
}
