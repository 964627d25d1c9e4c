//! Framework catalogs and crosswalks: reading and checking their YAML
//! (format: docs/formats.md).
use crate::error::Problem;
use crate::model::{
    CrosswalkLink, Framework, LinkBasis, Provenance, Relationship, Requirement, SupportProperty,
};
use crate::yaml::{self, Node};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone)]
pub struct Catalog {
    pub framework: Framework,
    pub requirements: Vec<Requirement>,
}

/// What a Crosswalk YAML file holds, told apart by its top-level keys.
pub enum FileKind {
    Controls,
    Catalog,
    Crosswalk,
}

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

pub fn parse_catalog(file: &str, root: &Node) -> Result<Catalog, Vec<Problem>> {
    let mut problems = Vec::new();
    let top = root.map(file, "a framework catalog").map_err(|p| vec![p])?;
    problems.extend(top.unknown_keys(CATALOG_KEYS, "the catalog"));
    let text = |key: &str, problems: &mut Vec<Problem>| match top.required_text(key, "the catalog")
    {
        Ok(t) => t.to_string(),
        Err(p) => {
            problems.push(p);
            String::new()
        }
    };
    let id = text("id", &mut problems);
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
    let framework = Framework {
        name: text("name", &mut problems),
        short_name: top
            .optional_text("short_name")
            .ok()
            .flatten()
            .map(str::to_string)
            .unwrap_or_else(|| id.clone()),
        version: text("version", &mut problems),
        publisher: text("publisher", &mut problems),
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
        source: text("source", &mut problems),
        text_rights: top
            .optional_text("text_rights")
            .ok()
            .flatten()
            .unwrap_or("")
            .to_string(),
        levels: Vec::new(),
        id,
    };
    let mut framework = framework;
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
    let mut requirements = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut keys: HashMap<String, (String, usize)> = HashMap::new();
    let mut explicit_assessable = Vec::new();
    match top
        .required("requirements", "the catalog")
        .and_then(|n| n.seq(file, "`requirements`"))
    {
        Ok(items) => {
            for item in items {
                match parse_requirement(file, item, &framework, &seen) {
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
        }
        Err(p) => problems.push(p),
    }
    // Default rule: a requirement is assessable when nothing hangs below it.
    let parents: HashSet<&str> = requirements
        .iter()
        .filter_map(|r| r.parent.as_deref())
        .collect();
    let assessable: Vec<bool> = requirements
        .iter()
        .zip(&explicit_assessable)
        .map(|(r, explicit)| explicit.unwrap_or(!parents.contains(r.reference.as_str())))
        .collect();
    for (r, a) in requirements.iter_mut().zip(assessable) {
        r.assessable = a;
    }
    if problems.is_empty() {
        Ok(Catalog {
            framework,
            requirements,
        })
    } else {
        Err(problems)
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
    let parent = match f.optional_text("parent") {
        Ok(p) => p.map(str::to_string),
        Err(p) => {
            problems.push(p);
            None
        }
    };
    if let Some(parent) = &parent {
        if !seen.contains_key(parent) {
            problems.push(f.get("parent").unwrap().problem(
                file,
                format!("parent `{parent}` is not defined above this requirement"),
            ));
        }
    }
    let explicit = f.optional_bool("assessable").unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    let designation = f.optional_text("designation").unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    if let Some(d) = designation {
        if d != "required" && d != "addressable" {
            problems.push(
                f.get("designation")
                    .unwrap()
                    .problem(file, "`designation` must be `required` or `addressable`"),
            );
        }
    }
    let theme = f.optional_text("theme").unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    let own_title = f.optional_bool("own_title").unwrap_or_else(|p| {
        problems.push(p);
        None
    });
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

const CROSSWALK_KEYS: &[&str] = &["from", "to", "source", "basis", "provenance", "links"];
const PROVENANCE_KEYS: &[&str] = &["publisher", "document", "version", "licence", "url"];
const LINK_KEYS: &[&str] = &[
    "from",
    "to",
    "relationship",
    "property",
    "strength",
    "note",
    "basis",
    "source",
];

/// Reads a crosswalk file into [`CrosswalkLink`]s (the internal model; format:
/// docs/formats.md). `resolve(framework, ref)` gives the canonical ref of a
/// known requirement (refs are matched forgiving whitespace). Every link
/// carries its file's provenance and its own source, so a link can be cited
/// on its own.
pub fn parse_crosswalk(
    file: &str,
    root: &Node,
    resolve: &dyn Fn(&str, &str) -> Option<String>,
    framework_known: &dyn Fn(&str) -> bool,
) -> Result<Vec<CrosswalkLink>, Vec<Problem>> {
    let top = root.map(file, "a crosswalk").map_err(|p| vec![p])?;
    let mut problems = top.unknown_keys(CROSSWALK_KEYS, "the crosswalk");
    let mut head = |key: &str| match top.required_text(key, "the crosswalk") {
        Ok(t) => t.to_string(),
        Err(p) => {
            problems.push(p);
            String::new()
        }
    };
    let (from_fw, to_fw, source, basis_text) =
        (head("from"), head("to"), head("source"), head("basis"));
    for (key, fw) in [("from", &from_fw), ("to", &to_fw)] {
        if !fw.is_empty() && !framework_known(fw) {
            problems.push(
                top.get(key)
                    .unwrap()
                    .problem(file, format!("unknown framework `{fw}`")),
            );
        }
    }
    let basis = LinkBasis::parse(&basis_text);
    if basis.is_none() && !basis_text.is_empty() {
        problems.push(top.get("basis").unwrap().problem(
            file,
            format!("`basis` must be one of {}", LinkBasis::NAMES.join(", ")),
        ));
    }
    let provenance = match top.get("provenance") {
        None => Provenance::default(),
        Some(node) => match node.map(file, "`provenance`") {
            Err(p) => {
                problems.push(p);
                Provenance::default()
            }
            Ok(f) => {
                problems.extend(f.unknown_keys(PROVENANCE_KEYS, "`provenance`"));
                let mut text = |key: &str| match f.optional_text(key) {
                    Ok(t) => t.unwrap_or("").trim().to_string(),
                    Err(p) => {
                        problems.push(p);
                        String::new()
                    }
                };
                Provenance {
                    publisher: text("publisher"),
                    document: text("document"),
                    version: text("version"),
                    licence: text("licence"),
                    url: text("url"),
                }
            }
        },
    };
    let links_node = match top
        .required("links", "the crosswalk")
        .and_then(|n| n.seq(file, "`links`"))
    {
        Ok(n) => n,
        Err(p) => {
            problems.push(p);
            return Err(problems);
        }
    };
    let mut links = Vec::new();
    let mut pairs = HashSet::new();
    for node in links_node {
        let f = match node.map(file, "a link") {
            Ok(f) => f,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        problems.extend(f.unknown_keys(LINK_KEYS, "a link"));
        let mut end = |key: &str, fw: &str| -> Option<String> {
            let text = f
                .required_text(key, "a link")
                .map_err(|p| problems.push(p))
                .ok()?;
            let found = resolve(fw, text);
            if found.is_none() && framework_known(fw) {
                problems.push(
                    f.get(key)
                        .unwrap()
                        .problem(file, format!("`{text}` is not a requirement of {fw}")),
                );
            }
            found
        };
        let from_ref = end("from", &from_fw);
        let to_ref = end("to", &to_fw);
        let relationship = match f.required_text("relationship", "a link") {
            Ok(t) => Relationship::parse(t).or_else(|| {
                problems.push(f.get("relationship").unwrap().problem(
                    file,
                    format!(
                        "relationship `{t}` must be one of {}",
                        Relationship::NAMES.join(", ")
                    ),
                ));
                None
            }),
            Err(p) => {
                problems.push(p);
                None
            }
        };
        let properties = link_properties(file, &f, relationship, &mut problems);
        let strength = link_strength(file, &f, &mut problems);
        let link_basis = match f.optional_text("basis") {
            Ok(Some(t)) => LinkBasis::parse(t).or_else(|| {
                problems.push(f.get("basis").unwrap().problem(
                    file,
                    format!("`basis` must be one of {}", LinkBasis::NAMES.join(", ")),
                ));
                None
            }),
            Ok(None) => basis,
            Err(p) => {
                problems.push(p);
                None
            }
        };
        let note = f.optional_text("note").unwrap_or_else(|p| {
            problems.push(p);
            None
        });
        let link_source = f.optional_text("source").unwrap_or_else(|p| {
            problems.push(p);
            None
        });
        if let (Some(from_ref), Some(to_ref), Some(relationship), Some(basis)) =
            (from_ref, to_ref, relationship, link_basis)
        {
            if !pairs.insert((from_ref.clone(), to_ref.clone())) {
                problems.push(node.problem(file, format!("duplicate link {from_ref} → {to_ref}")));
            }
            links.push(CrosswalkLink {
                from_framework: from_fw.clone(),
                from_ref,
                to_framework: to_fw.clone(),
                to_ref,
                relationship,
                properties,
                strength,
                basis,
                source: link_source
                    .map(|s| s.trim().to_string())
                    .unwrap_or_else(|| source.clone()),
                note: note.map(str::to_string),
                provenance: provenance.clone(),
            });
        }
    }
    if problems.is_empty() {
        Ok(links)
    } else {
        Err(problems)
    }
}

/// `property:` of a link: one name or a list of names, only on a supportive relationship.
fn link_properties(
    file: &str,
    f: &yaml::Fields<'_>,
    relationship: Option<Relationship>,
    problems: &mut Vec<Problem>,
) -> Vec<SupportProperty> {
    let Some(node) = f.get("property") else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &node.value {
        yaml::Value::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for item in items {
        match item.text(file, "a `property`") {
            Ok(t) => match SupportProperty::parse(t.trim()) {
                Some(p) if !out.contains(&p) => out.push(p),
                Some(_) => {
                    problems.push(item.problem(file, format!("property `{t}` is listed twice")))
                }
                None => problems.push(item.problem(
                    file,
                    format!(
                        "property `{t}` must be one of {}",
                        SupportProperty::NAMES.join(", ")
                    ),
                )),
            },
            Err(p) => problems.push(p),
        }
    }
    if relationship.is_some_and(|r| !r.is_supportive()) && !out.is_empty() {
        problems.push(node.problem(
            file,
            "`property` belongs to a supportive relationship (supports, is_supported_by); remove it or change the relationship",
        ));
    }
    out
}

/// `strength:` of a link: a whole number from 1 to 10 (OLIR's scale).
fn link_strength(file: &str, f: &yaml::Fields<'_>, problems: &mut Vec<Problem>) -> Option<u8> {
    let node = f.get("strength")?;
    match node
        .text(file, "`strength`")
        .ok()
        .and_then(|t| t.trim().parse::<u8>().ok())
    {
        Some(n) if (1..=10).contains(&n) => Some(n),
        _ => {
            problems.push(node.problem(file, "`strength` must be a whole number from 1 to 10"));
            None
        }
    }
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
