//! Small text helpers shared by validation messages and matching.

/// Levenshtein distance, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The candidate closest to `input`, if it is close enough to be a plausible typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lowered = input.to_lowercase();
    let candidates: Vec<&str> = candidates.into_iter().collect();
    // `pci` for `pci-dss-4.0.1`: a prefix is the likeliest intent.
    if lowered.len() >= 2 {
        if let Some(c) = candidates
            .iter()
            .find(|c| c.to_lowercase().starts_with(&lowered))
        {
            return Some(c);
        }
    }
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lowered, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 2).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The form a requirement ref is matched by: case kept, all whitespace removed,
/// so `Art.32(1)(a)` finds `Art. 32(1)(a)` while `12.10` never finds `12.1`.
pub fn ref_key(reference: &str) -> String {
    reference.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn suggestions_and_keys() {
        assert_eq!(
            closest("implemnted", ["implemented", "partial", "planned"]),
            Some("implemented")
        );
        assert_eq!(closest("zzzzzz", ["implemented", "partial"]), None);
        assert_eq!(ref_key("Art.32(1)(a)"), ref_key("Art. 32(1)(a)"));
        assert_ne!(ref_key("12.10"), ref_key("12.1"));
    }
}

/// `s` made safe to print on a terminal: control characters (escape
/// sequences could move the cursor, rewrite earlier lines or set the window
/// title) and bidirectional overrides ("Trojan source") are shown as `\u{..}`
/// escapes. Newlines and tabs stay.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if bad(c) {
                    format!("\\u{{{:x}}}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod printable_tests {
    #[test]
    fn escapes_are_neutralised() {
        assert_eq!(super::printable("a\u{1b}[2Jb\n"), "a\\u{1b}[2Jb\n");
        assert_eq!(super::printable("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(super::printable("plain ✓"), "plain ✓");
    }
}

/// Longest web address accepted as link evidence.
pub const MAX_URL_LEN: usize = 2048;

/// The one rule for a web address given as link evidence, in YAML or on the
/// command line: `http://` or `https://`, a host, no whitespace or control
/// characters, at most [`MAX_URL_LEN`] bytes. Returns it trimmed, or the reason.
pub fn web_address(s: &str) -> Result<&str, String> {
    let u = s.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &u[8..]
    } else if lower.starts_with("http://") {
        &u[7..]
    } else {
        return Err(format!(
            "`{u}` is not a web address; give a full http:// or https:// URL"
        ));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with('@') || host.starts_with(':') {
        return Err(format!(
            "`{u}` has no host name; give a full URL such as https://example.com/page"
        ));
    }
    if u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{}` contains spaces or control characters; encode them (%20) or remove them",
            printable(u)
        ));
    }
    if u.len() > MAX_URL_LEN {
        return Err(format!(
            "the web address is {} bytes long, over the limit of {MAX_URL_LEN}",
            u.len()
        ));
    }
    Ok(u)
}

#[cfg(test)]
mod url_tests {
    use super::web_address;
    #[test]
    fn one_rule_for_web_addresses() {
        for ok in ["https://a.io", "http://x", "HTTPS://Example.com/p?q#f"] {
            assert!(web_address(ok).is_ok(), "{ok}");
        }
        for bad in [
            "ftp://x",
            "https://",
            "https:///path",
            "http://a b",
            "https://?q",
            "http://x\u{1b}",
        ] {
            assert!(web_address(bad).is_err(), "{bad}");
        }
    }
}

/// "1 fault", "3 faults": a count with the word that agrees with it.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
