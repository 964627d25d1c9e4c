//! Reading the `evidence:` entries of a control in a control file.
//!
//! Promises:
//! - An entry has a title, a `collected` date not in the future, and exactly
//!   one source: a `file` that resolves inside the confinement (the file's
//!   folder or `--allow-outside`), an `https` `url`, or a `note`.
//! - Validity is `valid_until`, or `valid_for` (else the control's
//!   `review_every`) counted from `collected`; never both given.
//! - Titles are unique within a control: they identify evidence on re-import.
//! - Files are only resolved (and checked to be regular files) here, never
//!   read: hashing happens under the write lock.
use super::control_yaml::{days, parsed, Context};
use super::source::{EvidenceInput, EvidenceSource};
use crate::error::Problem;
use crate::yaml::{Fields, Node};
use chrono::NaiveDate;
use std::collections::HashMap;

const EVIDENCE_KEYS: &[&str] = &[
    "title",
    "description",
    "file",
    "url",
    "note",
    "collected",
    "valid_until",
    "valid_for",
    "collected_by",
];

/// The `evidence:` list of one control; `cadence` is the control's `review_every`.
pub(super) fn read_evidence_list(
    file: &str,
    n: &Node,
    cx: &Context<'_>,
    cadence: Option<u32>,
    problems: &mut Vec<Problem>,
) -> Vec<EvidenceInput> {
    let items = match n.seq(file, "`evidence`") {
        Ok(items) => items,
        Err(p) => {
            problems.push(p);
            return Vec::new();
        }
    };
    let mut titles: HashMap<String, usize> = HashMap::new();
    items
        .iter()
        .filter_map(|item| {
            let spec = read_evidence(file, item, cx, cadence, problems)?;
            if let Some(first) = titles.insert(spec.title.clone(), item.line) {
                problems.push(item.problem(file, format!("duplicate evidence title `{}` in this control (first at line {first}); titles identify evidence on re-import", spec.title)));
            }
            Some(spec)
        })
        .collect()
}

fn read_evidence(
    file: &str,
    node: &Node,
    cx: &Context<'_>,
    cadence: Option<u32>,
    problems: &mut Vec<Problem>,
) -> Option<EvidenceInput> {
    let f = node
        .map(file, "an evidence entry")
        .map_err(|p| problems.push(p))
        .ok()?;
    let before = problems.len();
    problems.extend(f.unknown_keys(EVIDENCE_KEYS, "an evidence entry"));
    let title = f
        .required_text("title", "this evidence entry")
        .map_err(|p| problems.push(p))
        .ok()
        .map(|t| t.trim().to_string());
    let optional = |key: &str, problems: &mut Vec<Problem>| {
        f.optional_text(key)
            .map_err(|p| problems.push(p))
            .ok()
            .flatten()
            .map(|s| s.trim().to_string())
    };
    let description = optional("description", problems).unwrap_or_default();
    let collected_by = optional("collected_by", problems);
    let (collected_on, valid_until, valid_for) = read_dates(file, node, &f, cx.today, problems);
    let source = read_source(file, node, &f, cx, problems);
    if problems.len() > before {
        return None;
    }
    let collected_on = collected_on?;
    let valid_until = valid_until.or_else(|| {
        valid_for
            .or(cadence)
            .map(|d| collected_on + chrono::Duration::days(d as i64))
    });
    Some(EvidenceInput {
        title: title?,
        description,
        source: source?,
        collected_on: Some(collected_on),
        valid_until,
        collected_by,
    })
}

/// `collected`, `valid_until` and `valid_for`, each checked alone and against each other.
fn read_dates(
    file: &str,
    node: &Node,
    f: &Fields<'_>,
    today: NaiveDate,
    problems: &mut Vec<Problem>,
) -> (Option<NaiveDate>, Option<NaiveDate>, Option<u32>) {
    let date = |key: &str, problems: &mut Vec<Problem>| {
        parsed(file, key, f.get(key)?, crate::dates::parse_date, problems)
    };
    if f.get("collected").is_none() {
        problems.push(node.problem(file, "this evidence entry is missing `collected` (the date the evidence was gathered, YYYY-MM-DD)"));
    }
    let collected_on = date("collected", problems);
    let valid_until = date("valid_until", problems);
    let valid_for = f
        .get("valid_for")
        .and_then(|n| days(file, "valid_for", n, problems));
    if f.get("valid_until").is_some() && f.get("valid_for").is_some() {
        problems.push(
            f.get("valid_for")
                .unwrap()
                .problem(file, "give either `valid_until` or `valid_for`, not both"),
        );
    }
    if let Some(c) = collected_on {
        if c > today {
            problems.push(
                f.get("collected")
                    .unwrap()
                    .problem(file, format!("collected date {c} is in the future")),
            );
        }
        if let Some(u) = valid_until {
            if u < c {
                problems.push(f.get("valid_until").unwrap().problem(
                    file,
                    format!("valid_until {u} is before the collected date {c}"),
                ));
            }
        }
    }
    (collected_on, valid_until, valid_for)
}

/// Exactly one of `file`, `url` and `note`.
fn read_source(
    file: &str,
    node: &Node,
    f: &Fields<'_>,
    cx: &Context<'_>,
    problems: &mut Vec<Problem>,
) -> Option<EvidenceSource> {
    let sources: Vec<&str> = ["file", "url", "note"]
        .into_iter()
        .filter(|k| f.get(k).is_some())
        .collect();
    let one = match sources.as_slice() {
        [one] => *one,
        [] => {
            problems.push(node.problem(
                file,
                "this evidence entry needs one of `file`, `url` or `note`",
            ));
            return None;
        }
        _ => {
            problems.push(node.problem(
                file,
                format!(
                    "this evidence entry has {}; give exactly one of `file`, `url` or `note`",
                    sources.join(" and ")
                ),
            ));
            return None;
        }
    };
    let n = f.get(one).unwrap();
    let t = n
        .text(file, &format!("`{one}`"))
        .map_err(|p| problems.push(p))
        .ok()?;
    let checked = match one {
        "file" => cx
            .confinement
            .resolve(cx.base, t.trim())
            .map(EvidenceSource::File),
        "url" => crate::validate::url(t).map(EvidenceSource::Link),
        _ => Ok(EvidenceSource::Note(t.trim().to_string())),
    };
    checked.map_err(|m| problems.push(n.problem(file, m))).ok()
}

#[cfg(test)]
mod tests {
    use super::super::control_yaml::tests::read;
    use super::*;

    #[test]
    fn validity_comes_from_valid_for_or_the_control_cadence() {
        let (controls, problems) = read(
            "controls:\n  - id: A-1\n    title: A\n    status: planned\n    review_every: 30d\n    evidence:\n      - {title: Policy, note: signed, collected: 2026-01-01}\n      - {title: Review, url: 'https://example.com/r', collected: 2026-01-01, valid_for: 10d}\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let e = &controls[0].evidence;
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
        assert_eq!(e[0].valid_until, day(1, 31));
        assert_eq!(e[1].valid_until, day(1, 11));
        assert_eq!(e[0].collected_on, day(1, 1));
        assert!(matches!(&e[1].source, EvidenceSource::Link(u) if u == "https://example.com/r"));
    }

    #[test]
    fn bad_entries_are_refused_with_their_places() {
        let (controls, problems) = read(
            "controls:\n  - id: A-1\n    title: A\n    status: planned\n    evidence:\n      - {title: X, note: n, url: 'https://e.com', collected: 2027-01-01}\n      - {title: X, file: missing.pdf, collected: 2026-01-01, valid_until: 2025-01-01}\n",
        );
        assert!(controls.is_empty());
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("is in the future")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("give exactly one of")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("is before the collected date")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("evidence file `missing.pdf` not found")),
            "{messages:?}"
        );
        assert!(
            problems.iter().all(|p| p.location.line >= 6),
            "{problems:?}"
        );
    }

    #[test]
    fn a_title_used_twice_in_one_control_is_refused() {
        let (_, problems) = read(
            "controls:\n  - id: A-1\n    title: A\n    status: planned\n    evidence:\n      - {title: X, note: a, collected: 2026-01-01}\n      - {title: X, note: b, collected: 2026-01-01}\n",
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].location.line, 7);
        assert!(problems[0]
            .message
            .contains("duplicate evidence title `X` in this control (first at line 6)"));
    }
}
