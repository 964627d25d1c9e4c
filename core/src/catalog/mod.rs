//! Framework catalogs and crosswalks: reading and checking their YAML
//! (format: docs/formats.md). Every problem names the file, line and column;
//! a file with any problem gives no catalog. Crosswalks: `crosswalk`.
mod crosswalk;

pub use crosswalk::parse_crosswalk;

use crate::error::Problem;
use crate::model::{Framework, Requirement};
use crate::yaml::{self, Node};
use std::collections::{HashMap, HashSet};

/// An optional value: a problem goes on the list and gives no value.
fn keep<T>(value: Result<Option<T>, Problem>, problems: &mut Vec<Problem>) -> Option<T> {
    value.unwrap_or_else(|p| {
        problems.push(p);
        None
    })
}

/// A framework catalog as read from its YAML (or an OSCAL catalog): the framework and its requirements in tree order.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The framework's description.
    pub framework: Framework,
    /// Every requirement, in the order the file lists them.
    pub requirements: Vec<Requirement>,
}

/// What a Crosswalk YAML file holds, told apart by its top-level keys.
pub enum FileKind {
    /// A control library (top-level `controls:`).
    Controls,
    /// A framework catalog (top-level `requirements:`).
    Catalog,
    /// A crosswalk between two frameworks (top-level `links:`).
    Crosswalk,
}

/// What a parsed Crosswalk YAML file holds, from its top-level keys; None when it is none of the three.
pub fn file_kind(root: &Node) -> Option<FileKind> {
    let yaml::Value::Map(entries) = &root.value else {
        return None;
    };
    let has = |k: &str| entries.iter().any(|(key, _)| key.as_scalar() == Some(k));
    if has("controls") {
        Some(FileKind::Controls)
    } else if has("requirements") {
        Some(FileKind::Catalog)
    } else if has("links") {
        Some(FileKind::Crosswalk)
    } else {
        None
    }
}

const CATALOG_KEYS: &[&str] = &[
    "id",
    "name",
    "short_name",
    "version",
    "publisher",
    "published",
    "source",
    "text_rights",
    "levels",
    "requirements",
];
const REQUIREMENT_KEYS: &[&str] = &[
    "ref",
    "parent",
    "level",
    "title",
    "summary",
    "assessable",
    "designation",
    "theme",
    "own_title",
];

/// Reads a framework catalog: its header, levels and requirements, each
/// checked (slug id, known levels, parents defined above, refs unique even
/// ignoring spaces).
pub fn parse_catalog(file: &str, root: &Node) -> Result<Catalog, Vec<Problem>> {
    let mut problems = Vec::new();
    let top = root.map(file, "a framework catalog").map_err(|p| vec![p])?;
    problems.extend(top.unknown_keys(CATALOG_KEYS, "the catalog"));
    let mut framework = catalog_header(file, &top, &mut problems);
    match top
        .required("levels", "the catalog")
        .and_then(|n| n.seq(file, "`levels`"))
    {
        Ok(items) => {
            for item in items {
                match item.text(file, "a level") {
                    Ok(t) => framework.levels.push(t.to_string()),
                    Err(p) => problems.push(p),
                }
            }
        }
        Err(p) => problems.push(p),
    }
    let (mut requirements, explicit) = match top
        .required("requirements", "the catalog")
        .and_then(|n| n.seq(file, "`requirements`"))
    {
        Ok(items) => parse_requirements(file, items, &framework, &mut problems),
        Err(p) => {
            problems.push(p);
            (Vec::new(), Vec::new())
        }
    };
    default_assessable(&mut requirements, &explicit);
    if problems.is_empty() {
        Ok(Catalog {
            framework,
            requirements,
        })
    } else {
        Err(problems)
    }
}

/// The catalog's framework fields (levels are read after).
fn catalog_header(file: &str, top: &yaml::Fields<'_>, problems: &mut Vec<Problem>) -> Framework {
    let text = |key: &str, problems: &mut Vec<Problem>| match top.required_text(key, "the catalog")
    {
        Ok(t) => t.to_string(),
        Err(p) => {
            problems.push(p);
            String::new()
        }
    };
    let id = text("id", problems);
    if !id.is_empty()
        && !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
    {
        problems.push(top.get("id").unwrap().problem(
            file,
            "framework `id` must be a slug of lowercase letters, digits, `-` and `.`",
        ));
    }
    Framework {
        name: text("name", problems),
        short_name: top
            .optional_text("short_name")
            .ok()
            .flatten()
            .map(str::to_string)
            .unwrap_or_else(|| id.clone()),
        version: text("version", problems),
        publisher: text("publisher", problems),
        published: match top.get("published") {
            None => None,
            Some(n) => match n
                .text(file, "`published`")
                .map_err(|p| p.message)
                .and_then(crate::dates::parse_date)
            {
                Ok(d) => Some(d),
                Err(m) => {
                    problems.push(n.problem(file, m));
                    None
                }
            },
        },
        source: text("source", problems),
        text_rights: top
            .optional_text("text_rights")
            .ok()
            .flatten()
            .unwrap_or("")
            .to_string(),
        levels: Vec::new(),
        id,
    }
}

/// The requirements in order, each with its explicit `assessable` (if any).
fn parse_requirements(
    file: &str,
    items: &[Node],
    framework: &Framework,
    problems: &mut Vec<Problem>,
) -> (Vec<Requirement>, Vec<Option<bool>>) {
    let mut requirements = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut keys: HashMap<String, (String, usize)> = HashMap::new();
    let mut explicit_assessable = Vec::new();
    for item in items {
        match parse_requirement(file, item, framework, &seen) {
            Ok((req, explicit)) => {
                // Refs are looked up ignoring whitespace, so two that differ
                // only in spacing would be one requirement (and a database error).
                let key = crate::text::ref_key(&req.reference);
                if let Some((other, line)) = keys.get(&key) {
                    let at = item
                        .map(file, "a requirement")
                        .ok()
                        .and_then(|m| m.get("ref"))
                        .unwrap_or(item);
                    problems.push(at.problem(file, format!("ref `{}` is the same as `{other}` (line {line}) once spaces are ignored, as refs are matched; give them different refs", req.reference)));
                    continue;
                }
                keys.insert(key, (req.reference.clone(), item.line));
                seen.insert(req.reference.clone(), item.line);
                explicit_assessable.push(explicit);
                requirements.push(req);
            }
            Err(mut p) => problems.append(&mut p),
        }
    }
    (requirements, explicit_assessable)
}

/// Default rule: a requirement is assessable when nothing hangs below it,
/// unless the catalog says so explicitly.
fn default_assessable(requirements: &mut [Requirement], explicit: &[Option<bool>]) {
    let parents: HashSet<&str> = requirements
        .iter()
        .filter_map(|r| r.parent.as_deref())
        .collect();
    let assessable: Vec<bool> = requirements
        .iter()
        .zip(explicit)
        .map(|(r, explicit)| explicit.unwrap_or(!parents.contains(r.reference.as_str())))
        .collect();
    for (r, a) in requirements.iter_mut().zip(assessable) {
        r.assessable = a;
    }
}

fn parse_requirement(
    file: &str,
    node: &Node,
    framework: &Framework,
    seen: &HashMap<String, usize>,
) -> Result<(Requirement, Option<bool>), Vec<Problem>> {
    let f = node.map(file, "a requirement").map_err(|p| vec![p])?;
    let mut problems = f.unknown_keys(REQUIREMENT_KEYS, "a requirement");
    let mut take = |key: &str| match f.required_text(key, "a requirement") {
        Ok(t) => t.trim().to_string(),
        Err(p) => {
            problems.push(p);
            String::new()
        }
    };
    let reference = take("ref");
    let level = take("level");
    let title = take("title");
    let summary = take("summary");
    if let Some(first) = seen.get(&reference) {
        problems.push(f.get("ref").unwrap().problem(
            file,
            format!("duplicate ref `{reference}` (first at line {first})"),
        ));
    }
    if !level.is_empty() && !framework.levels.contains(&level) {
        problems.push(f.get("level").unwrap().problem(
            file,
            format!(
                "level `{level}` is not in `levels` ({})",
                framework.levels.join(", ")
            ),
        ));
    }
    let parent = keep(f.optional_text("parent"), &mut problems).map(str::to_string);
    if let Some(parent) = &parent {
        if !seen.contains_key(parent) {
            problems.push(f.get("parent").unwrap().problem(
                file,
                format!("parent `{parent}` is not defined above this requirement"),
            ));
        }
    }
    let explicit = keep(f.optional_bool("assessable"), &mut problems);
    let designation = keep(f.optional_text("designation"), &mut problems);
    if let Some(d) = designation {
        if d != "required" && d != "addressable" {
            problems.push(
                f.get("designation")
                    .unwrap()
                    .problem(file, "`designation` must be `required` or `addressable`"),
            );
        }
    }
    let theme = keep(f.optional_text("theme"), &mut problems);
    let own_title = keep(f.optional_bool("own_title"), &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((
        Requirement {
            framework_id: framework.id.clone(),
            reference,
            parent,
            level,
            title,
            summary,
            assessable: false,
            designation: designation.map(str::to_string),
            theme: theme.map(str::to_string),
            own_title: own_title.unwrap_or(false),
        },
        explicit,
    ))
}

/// The catalogs shipped inside the binary.
pub fn shipped_catalogs() -> Result<Vec<(Catalog, String)>, Vec<Problem>> {
    let mut out = Vec::new();
    for (name, bytes) in crate::embedded::FRAMEWORK_FILES {
        let file = format!("controls/frameworks/{name}");
        let root = yaml::parse(&file, bytes).map_err(|p| vec![p])?;
        let catalog = parse_catalog(&file, &root)?;
        out.push((catalog, crate::hash::sha256_hex(bytes)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "id: demo\nname: Demo framework\nversion: '1'\npublisher: Demo Org\nsource: https://example.org\nlevels: [clause, control]\nrequirements:\n";

    fn parse(text: &str) -> Result<Catalog, Vec<Problem>> {
        let root = yaml::parse("demo.yaml", text.as_bytes()).expect("valid YAML");
        parse_catalog("demo.yaml", &root)
    }

    /// Each problem as `line:column: message`, for exact assertions.
    fn problems(text: &str) -> Vec<String> {
        match parse(text) {
            Ok(_) => panic!("expected problems in:\n{text}"),
            Err(p) => p
                .iter()
                .map(|p| {
                    assert_eq!(p.location.file, "demo.yaml");
                    format!("{}:{}: {}", p.location.line, p.location.column, p.message)
                })
                .collect(),
        }
    }

    fn req(reference: &str, extra: &str) -> String {
        format!("  - ref: '{reference}'\n    level: control\n    title: T {reference}\n    summary: S\n{extra}")
    }

    #[test]
    fn a_leaf_is_assessable_and_a_parent_is_not_unless_the_catalog_says() {
        let text = format!(
            "{HEAD}{}{}{}{}",
            req("1", ""),
            req("1.1", "    parent: '1'\n"),
            req("2", ""),
            req("2.1", "    parent: '2'\n    assessable: false\n"),
        );
        let c = parse(&text).unwrap();
        let assessable: Vec<(&str, bool)> = c
            .requirements
            .iter()
            .map(|r| (r.reference.as_str(), r.assessable))
            .collect();
        assert_eq!(
            assessable,
            [("1", false), ("1.1", true), ("2", false), ("2.1", false)]
        );
        assert_eq!(c.framework.short_name, "demo", "defaults to the id");
        assert_eq!(c.framework.levels, ["clause", "control"]);
    }

    #[test]
    fn a_bad_id_names_its_line_and_column() {
        let text = HEAD.replace("id: demo", "id: Demo Framework") + &req("1", "");
        assert_eq!(
            problems(&text),
            ["1:5: framework `id` must be a slug of lowercase letters, digits, `-` and `.`"]
        );
    }

    #[test]
    fn a_missing_header_field_and_an_unknown_key_are_both_reported() {
        let text = HEAD.replace("publisher: Demo Org\n", "publsher: Demo Org\n") + &req("1", "");
        let p = problems(&text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p[0].starts_with(
                "4:1: unknown key `publsher` in the catalog; did you mean `publisher`?"
            ),
            "{p:?}"
        );
        assert!(p[1].contains("publisher"), "{p:?}");
    }

    #[test]
    fn requirement_problems_point_at_the_offending_value() {
        let text = format!(
            "{HEAD}{}{}{}{}",
            req("1", ""),
            req("1", ""),
            req("3", "    parent: '9'\n"),
            req("4", "    designation: optional\n").replace("level: control", "level: annex"),
        );
        assert_eq!(
            problems(&text),
            [
                "12:10: duplicate ref `1` (first at line 8)",
                "20:13: parent `9` is not defined above this requirement",
                "22:12: level `annex` is not in `levels` (clause, control)",
                "25:18: `designation` must be `required` or `addressable`",
            ]
        );
    }

    #[test]
    fn refs_that_differ_only_in_spaces_are_one_ref() {
        let text = format!("{HEAD}{}{}", req("A.5.1", ""), req("A. 5.1", ""));
        assert_eq!(
            problems(&text),
            ["12:10: ref `A. 5.1` is the same as `A.5.1` (line 8) once spaces are ignored, as refs are matched; give them different refs"]
        );
    }

    #[test]
    fn a_catalog_without_requirements_or_levels_is_refused() {
        let text = HEAD
            .replace("levels: [clause, control]\n", "")
            .replace("requirements:\n", "");
        let p = problems(&text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p.iter().any(|m| m.contains("levels")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("requirements")), "{p:?}");
    }

    #[test]
    fn an_unparseable_published_date_names_the_field() {
        let text =
            HEAD.replace("version: '1'\n", "version: '1'\npublished: 31/12/2025\n") + &req("1", "");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("4:12: "), "{p:?}");
    }

    #[test]
    fn every_shipped_catalog_parses() {
        let shipped = shipped_catalogs().expect("shipped catalogs are valid");
        assert_eq!(shipped.len(), crate::embedded::FRAMEWORK_FILES.len());
        for (c, sha) in &shipped {
            assert!(!c.requirements.is_empty(), "{}", c.framework.id);
            assert!(crate::hash::is_sha256_hex(sha));
        }
    }
}
