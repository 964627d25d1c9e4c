//! Reading a Crosswalk control file (`controls:`) into planning's terms.
//!
//! Promises:
//! - Every field is checked against docs/formats.md: unknown keys, ids,
//!   statuses, `review_every`, mappings (against the requirements the
//!   workspace and this import know, with a closest-match hint) and evidence
//!   ([`super::evidence_yaml`]). Each problem names file, line and column.
//! - A control with any problem is left out whole; the rest of the file is
//!   still checked, so one run reports everything.
//! - Needs no database: what is known comes in as [`Known`], plain data.
use super::evidence_yaml::read_evidence_list;
use super::source::ControlInput;
use crate::error::Problem;
use crate::input::Confinement;
use crate::interop::Known;
use crate::model::{Control, ControlStatus, Mapping, MappingCoverage};
use crate::text::{closest, ref_key};
use crate::yaml::{self, Node};
use chrono::NaiveDate;
use std::collections::HashSet;
use std::path::Path;

const CONTROL_FILE_KEYS: &[&str] = &["controls"];
const CONTROL_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "category",
    "owner",
    "status",
    "review_every",
    "maps",
    "evidence",
];
const MAPPING_KEYS: &[&str] = &["ref", "coverage", "rationale"];

/// What reading a control file needs besides the file.
pub(crate) struct Context<'a> {
    /// The folder of the file being read: evidence paths are relative to it.
    pub base: &'a Path,
    /// Where evidence files may come from.
    pub confinement: &'a Confinement,
    /// Requirements the workspace and the catalogs of this import hold.
    pub known: &'a Known,
    /// Collected dates after this are refused.
    pub today: NaiveDate,
}

/// Reads one control file; returns each clean control with the line it starts on.
pub(crate) fn read_control_file(
    file: &str,
    root: &Node,
    cx: &Context<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<ControlInput> {
    let top = match root.map(file, "a control file") {
        Ok(t) => t,
        Err(p) => {
            problems.push(p);
            return Vec::new();
        }
    };
    problems.extend(top.unknown_keys(CONTROL_FILE_KEYS, "the control file"));
    let items = match top
        .required("controls", "the control file")
        .and_then(|n| n.seq(file, "`controls`"))
    {
        Ok(i) => i,
        Err(p) => {
            problems.push(p);
            return Vec::new();
        }
    };
    items
        .iter()
        .filter_map(|item| read_control(file, item, cx, problems))
        .collect()
}

fn read_control(
    file: &str,
    node: &Node,
    cx: &Context<'_>,
    problems: &mut Vec<Problem>,
) -> Option<ControlInput> {
    let f = node
        .map(file, "a control")
        .map_err(|p| problems.push(p))
        .ok()?;
    let before = problems.len();
    problems.extend(f.unknown_keys(CONTROL_KEYS, "a control"));
    let id = f
        .required_text("id", "this control")
        .map_err(|p| problems.push(p))
        .ok()
        .map(str::trim);
    if let Some(id) = id {
        if let Err(m) = crate::validate::control_id(id) {
            problems.push(f.get("id").unwrap().problem(file, m));
        }
    }
    let what = id
        .map(|i| format!("control {i}"))
        .unwrap_or_else(|| "this control".into());
    let title = f
        .required_text("title", &what)
        .map_err(|p| problems.push(p))
        .ok();
    let text = |key: &str, problems: &mut Vec<Problem>| {
        f.optional_text(key)
            .map_err(|p| problems.push(p))
            .ok()
            .flatten()
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let description = text("description", problems);
    let category = text("category", problems);
    let owner = text("owner", problems);
    let status = read_status(file, &f, &what, problems);
    let review_every_days = f
        .get("review_every")
        .and_then(|n| days(file, "review_every", n, problems));
    let mappings = f
        .get("maps")
        .map(|n| read_maps(file, n, cx.known, problems))
        .unwrap_or_default();
    let evidence = f
        .get("evidence")
        .map(|n| read_evidence_list(file, n, cx, review_every_days, problems))
        .unwrap_or_default();
    if problems.len() > before {
        return None;
    }
    Some(ControlInput {
        control: Control {
            id: id?.to_string(),
            title: title?.trim().to_string(),
            description,
            category: if category.is_empty() {
                "general".into()
            } else {
                category
            },
            owner,
            status: status?,
            review_every_days,
            mappings,
        },
        evidence,
        line: node.line,
    })
}

fn read_status(
    file: &str,
    f: &crate::yaml::Fields<'_>,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<ControlStatus> {
    match f.required_text("status", what) {
        Ok(s) => crate::validate::control_status(s)
            .map_err(|m| problems.push(f.get("status").unwrap().problem(file, m)))
            .ok(),
        Err(p) => {
            problems.push(p);
            None
        }
    }
}

/// A count of days (`90d`, `12w`, `1y`…) under `key`, or a problem at `n`.
pub(super) fn days(file: &str, key: &str, n: &Node, problems: &mut Vec<Problem>) -> Option<u32> {
    parsed(file, key, n, crate::dates::parse_days, problems)
}

/// The text under `key`, parsed by `parse`; its message, at `n`, when it fails.
pub(super) fn parsed<T>(
    file: &str,
    key: &str,
    n: &Node,
    parse: impl Fn(&str) -> Result<T, String>,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let value = n
        .text(file, &format!("`{key}`"))
        .map_err(|p| p.message)
        .and_then(parse);
    value.map_err(|m| problems.push(n.problem(file, m))).ok()
}

fn read_maps(file: &str, node: &Node, known: &Known, problems: &mut Vec<Problem>) -> Vec<Mapping> {
    let f = match node.map(file, "`maps`") {
        Ok(f) => f,
        Err(p) => {
            problems.push(p);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (key, value) in f.entries {
        let Some(fw) = key.as_scalar() else {
            problems.push(key.problem(file, "framework ids in `maps` must be text"));
            continue;
        };
        if !known.refs.contains_key(fw) {
            problems.push(key.problem(file, unknown_framework(fw, known)));
            continue;
        }
        let Some(items) = ref_items(file, fw, value, known, problems) else {
            continue;
        };
        let mut seen = HashSet::new();
        for item in items {
            let Some((text, at, coverage, rationale)) = read_mapping(file, item, problems) else {
                continue;
            };
            let Some(reference) = check_ref(file, fw, text, at, known, problems) else {
                continue;
            };
            if !seen.insert(reference.clone()) {
                problems.push(at.problem(file, format!("`{text}` is listed twice under {fw}")));
                continue;
            }
            out.push(Mapping {
                framework_id: fw.to_string(),
                reference,
                coverage,
                rationale,
            });
        }
    }
    out
}

fn unknown_framework(fw: &str, known: &Known) -> String {
    let mut ids: Vec<&str> = known.refs.keys().map(String::as_str).collect();
    ids.sort();
    let hint = closest(fw, ids.iter().copied())
        .map(|c| format!("did you mean `{c}`? "))
        .unwrap_or_default();
    format!(
        "unknown framework `{fw}`; {hint}known frameworks: {}",
        ids.join(", ")
    )
}

/// The entries under one framework of `maps`: a list, or one ref alone.
fn ref_items<'n>(
    file: &str,
    fw: &str,
    value: &'n Node,
    known: &Known,
    problems: &mut Vec<Problem>,
) -> Option<Vec<&'n Node>> {
    match &value.value {
        yaml::Value::Seq(items) => Some(items.iter().collect()),
        yaml::Value::Scalar { .. } if !value.is_null() => Some(vec![value]),
        _ => {
            problems.push(value.problem(
                file,
                format!(
                    "`{fw}` must be a list of requirement refs, e.g. {fw}: [\"{}\"]",
                    known.ordered[fw].last().cloned().unwrap_or_default()
                ),
            ));
            None
        }
    }
}

/// One mapping entry: a ref alone, or `{ref, coverage, rationale}`; with the
/// node the ref was written at.
type MappingEntry<'n> = (&'n str, &'n Node, MappingCoverage, Option<String>);

fn read_mapping<'n>(
    file: &'n str,
    item: &'n Node,
    problems: &mut Vec<Problem>,
) -> Option<MappingEntry<'n>> {
    match &item.value {
        yaml::Value::Scalar { .. } => match item.text(file, "a requirement ref") {
            Ok(t) => Some((t, item, MappingCoverage::Full, None)),
            Err(p) => {
                problems.push(p);
                None
            }
        },
        yaml::Value::Map(_) => {
            let m = item.map(file, "a mapping").expect("is a map");
            problems.extend(m.unknown_keys(MAPPING_KEYS, "a mapping"));
            let r = m
                .required_text("ref", "this mapping")
                .map_err(|p| problems.push(p))
                .ok()?;
            let coverage =
                match m.optional_text("coverage") {
                    Ok(None) => MappingCoverage::Full,
                    Ok(Some(c)) => match MappingCoverage::parse(c) {
                        Some(c) => c,
                        None => {
                            problems.push(m.get("coverage").unwrap().problem(
                                file,
                                format!("coverage `{c}` must be `full` or `partial`"),
                            ));
                            return None;
                        }
                    },
                    Err(p) => {
                        problems.push(p);
                        return None;
                    }
                };
            let rationale = m
                .optional_text("rationale")
                .map_err(|p| problems.push(p))
                .ok()
                .flatten()
                .map(|s| s.trim().to_string());
            Some((r, m.get("ref").unwrap(), coverage, rationale))
        }
        yaml::Value::Seq(_) => {
            problems.push(item.problem(
                file,
                "a requirement ref must be text or {ref, coverage, rationale}, found a list",
            ));
            None
        }
    }
}

/// The canonical ref `text` names under `fw`, if it is an assessable requirement.
fn check_ref(
    file: &str,
    fw: &str,
    text: &str,
    at: &Node,
    known: &Known,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    match known.refs[fw].get(&ref_key(text)) {
        Some((canonical, true)) => Some(canonical.clone()),
        Some((canonical, false)) => {
            let kids = known
                .children
                .get(&(fw.to_string(), canonical.clone()))
                .cloned()
                .unwrap_or_default();
            let sample: Vec<&str> = kids.iter().take(4).map(String::as_str).collect();
            problems.push(at.problem(
                file,
                format!("{fw} `{canonical}` groups other requirements and is not assessed itself; map to the requirements under it ({}{})", sample.join(", "), if kids.len() > 4 { ", …" } else { "" }),
            ));
            None
        }
        None => {
            let hint = closest(text, known.ordered[fw].iter().map(String::as_str))
                .map(|c| format!("; the closest {fw} requirement is `{c}`"))
                .unwrap_or_default();
            problems.push(at.problem(file, format!("`{text}` is not a requirement of {fw}{hint}")));
            None
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::Requirement;

    fn requirement(
        fw: &str,
        reference: &str,
        parent: Option<&str>,
        assessable: bool,
    ) -> Requirement {
        Requirement {
            framework_id: fw.into(),
            reference: reference.into(),
            parent: parent.map(str::to_string),
            level: String::new(),
            title: String::new(),
            summary: String::new(),
            assessable,
            designation: None,
            theme: None,
            own_title: false,
        }
    }

    /// A small world: SOC 2 with CC6 (a group) over CC6.1 and CC6.2, and ISO's A.5.1.
    pub(in crate::import) fn known() -> Known {
        Known::new(
            Vec::new(),
            &[
                requirement("soc2", "CC6", None, false),
                requirement("soc2", "CC6.1", Some("CC6"), true),
                requirement("soc2", "CC6.2", Some("CC6"), true),
                requirement("iso27001", "A.5.1", None, true),
            ],
        )
    }

    /// Reads `yaml` as a control file against [`known`], dated 2026-06-01.
    pub(in crate::import) fn read(yaml: &str) -> (Vec<ControlInput>, Vec<Problem>) {
        let node = crate::yaml::parse("c.yaml", yaml.as_bytes()).expect("test YAML parses");
        let known = known();
        let cx = Context {
            base: Path::new("/nonexistent-crosswalk-test"),
            confinement: &Confinement::default(),
            known: &known,
            today: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        };
        let mut problems = Vec::new();
        let controls = read_control_file("c.yaml", &node, &cx, &mut problems);
        (controls, problems)
    }

    #[test]
    fn a_clean_control_is_read_with_canonical_refs_and_defaults() {
        let (controls, problems) = read(
            "controls:\n  - id: AC-1\n    title: ' Access '\n    status: implemented\n    maps:\n      soc2: [\"CC 6.1\", {ref: CC6.2, coverage: partial, rationale: ' only logs '}]\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let c = &controls[0];
        assert_eq!(
            (c.control.id.as_str(), c.control.title.as_str()),
            ("AC-1", "Access")
        );
        assert_eq!(c.control.category, "general");
        assert_eq!(c.control.status, ControlStatus::Implemented);
        assert_eq!(c.line, 2);
        let refs: Vec<_> = c
            .control
            .mappings
            .iter()
            .map(|m| (m.reference.as_str(), m.coverage))
            .collect();
        assert_eq!(
            refs,
            [
                ("CC6.1", MappingCoverage::Full),
                ("CC6.2", MappingCoverage::Partial)
            ]
        );
        assert_eq!(
            c.control.mappings[1].rationale.as_deref(),
            Some("only logs")
        );
    }

    #[test]
    fn a_mapping_to_an_unknown_requirement_names_its_place_and_the_closest_ref() {
        let (controls, problems) = read(
            "controls:\n  - id: AC-1\n    title: Access\n    status: planned\n    maps:\n      soc2:\n        - CC6.9\n",
        );
        assert!(controls.is_empty(), "a control with a problem is left out");
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert_eq!(
            (p.location.file.as_str(), p.location.line, p.location.column),
            ("c.yaml", 7, 11)
        );
        assert!(
            p.message.contains("`CC6.9` is not a requirement of soc2"),
            "{}",
            p.message
        );
        assert!(
            p.message.contains("closest soc2 requirement is `CC6."),
            "{}",
            p.message
        );
    }

    #[test]
    fn unknown_frameworks_groups_and_repeats_are_refused() {
        let (_, problems) = read(
            "controls:\n  - id: AC-1\n    title: Access\n    status: planned\n    maps:\n      soc3: [CC6.1]\n      soc2: [CC6, CC6.1, CC6.1]\n",
        );
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].starts_with("unknown framework `soc3`; did you mean `soc2`?"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("groups other requirements")
                && messages[1].contains("CC6.1, CC6.2"),
            "{messages:?}"
        );
        assert_eq!(messages[2], "`CC6.1` is listed twice under soc2");
    }

    #[test]
    fn every_bad_control_is_reported_and_the_good_ones_kept() {
        let (controls, problems) = read(
            "controls:\n  - id: A-1\n    title: A\n    status: planned\n  - id: B-1\n    status: finished\n    colour: red\n",
        );
        assert_eq!(controls.len(), 1);
        assert_eq!(
            problems.len(),
            3,
            "title missing, bad status, unknown key: {problems:?}"
        );
        assert!(problems.iter().all(|p| p.location.line >= 5));
    }
}
