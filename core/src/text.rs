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
