//! Crosswalk files: links between the requirements of two frameworks, each
//! with its relationship, basis, source and the file's provenance.
use super::keep;
use crate::error::Problem;
use crate::model::{CrosswalkLink, LinkBasis, Provenance, Relationship, SupportProperty};
use crate::yaml::{self, Node};
use std::collections::HashSet;

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
    let head = crosswalk_head(file, &top, framework_known, &mut problems);
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
    let ends = Ends {
        resolve,
        framework_known,
    };
    let mut links = Vec::new();
    let mut pairs = HashSet::new();
    for node in links_node {
        let Some(link) = parse_link(file, node, &head, &ends, &mut problems) else {
            continue;
        };
        if !pairs.insert((link.from_ref.clone(), link.to_ref.clone())) {
            problems.push(node.problem(
                file,
                format!("duplicate link {} → {}", link.from_ref, link.to_ref),
            ));
        }
        links.push(link);
    }
    if problems.is_empty() {
        Ok(links)
    } else {
        Err(problems)
    }
}

/// What the file says once for all its links.
struct Head {
    from: String,
    to: String,
    source: String,
    basis: Option<LinkBasis>,
    provenance: Provenance,
}

/// How a link's ends are looked up.
struct Ends<'a> {
    resolve: &'a dyn Fn(&str, &str) -> Option<String>,
    framework_known: &'a dyn Fn(&str) -> bool,
}

/// The file's frameworks (each must be known), source, basis and provenance.
fn crosswalk_head(
    file: &str,
    top: &yaml::Fields<'_>,
    framework_known: &dyn Fn(&str) -> bool,
    problems: &mut Vec<Problem>,
) -> Head {
    let mut head = |key: &str| match top.required_text(key, "the crosswalk") {
        Ok(t) => t.to_string(),
        Err(p) => {
            problems.push(p);
            String::new()
        }
    };
    let (from, to, source, basis_text) = (head("from"), head("to"), head("source"), head("basis"));
    for (key, fw) in [("from", &from), ("to", &to)] {
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
    let provenance = provenance(file, top, problems);
    Head {
        from,
        to,
        source,
        basis,
        provenance,
    }
}

/// `provenance:`: who published the mapping, in which document and version,
/// under which licence, where. Absent fields are empty.
fn provenance(file: &str, top: &yaml::Fields<'_>, problems: &mut Vec<Problem>) -> Provenance {
    let Some(node) = top.get("provenance") else {
        return Provenance::default();
    };
    let f = match node.map(file, "`provenance`") {
        Ok(f) => f,
        Err(p) => {
            problems.push(p);
            return Provenance::default();
        }
    };
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

/// One link; None when any part of it is wrong (the problems say which).
fn parse_link(
    file: &str,
    node: &Node,
    head: &Head,
    ends: &Ends<'_>,
    problems: &mut Vec<Problem>,
) -> Option<CrosswalkLink> {
    let f = match node.map(file, "a link") {
        Ok(f) => f,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    problems.extend(f.unknown_keys(LINK_KEYS, "a link"));
    let from_ref = link_end(file, &f, "from", &head.from, ends, problems);
    let to_ref = link_end(file, &f, "to", &head.to, ends, problems);
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
    let properties = link_properties(file, &f, relationship, problems);
    let strength = link_strength(file, &f, problems);
    let link_basis = match f.optional_text("basis") {
        Ok(Some(t)) => LinkBasis::parse(t).or_else(|| {
            problems.push(f.get("basis").unwrap().problem(
                file,
                format!("`basis` must be one of {}", LinkBasis::NAMES.join(", ")),
            ));
            None
        }),
        Ok(None) => head.basis,
        Err(p) => {
            problems.push(p);
            None
        }
    };
    let note = keep(f.optional_text("note"), problems);
    let link_source = keep(f.optional_text("source"), problems);
    Some(CrosswalkLink {
        from_framework: head.from.clone(),
        from_ref: from_ref?,
        to_framework: head.to.clone(),
        to_ref: to_ref?,
        relationship: relationship?,
        properties,
        strength,
        basis: link_basis?,
        source: link_source
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| head.source.clone()),
        note: note.map(str::to_string),
        provenance: head.provenance.clone(),
    })
}

/// A link's `from` or `to`: the canonical ref of a requirement of `fw`. An
/// unknown ref of a known framework is a problem (of an unknown framework,
/// the head already said so).
fn link_end(
    file: &str,
    f: &yaml::Fields<'_>,
    key: &str,
    fw: &str,
    ends: &Ends<'_>,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let text = f
        .required_text(key, "a link")
        .map_err(|p| problems.push(p))
        .ok()?;
    let found = (ends.resolve)(fw, text);
    if found.is_none() && (ends.framework_known)(fw) {
        problems.push(
            f.get(key)
                .unwrap()
                .problem(file, format!("`{text}` is not a requirement of {fw}")),
        );
    }
    found
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "from: a\nto: b\nsource: Demo mapping\nbasis: published\nlinks:\n";

    fn parse(text: &str) -> Result<Vec<CrosswalkLink>, Vec<Problem>> {
        let root = yaml::parse("map.yaml", text.as_bytes()).expect("valid YAML");
        // Framework a has 1 and 2; b has X and Y; refs match ignoring spaces.
        let resolve = |fw: &str, r: &str| {
            let r: String = r.split_whitespace().collect();
            let known: &[&str] = match fw {
                "a" => &["1", "2"],
                "b" => &["X", "Y"],
                _ => &[],
            };
            known.contains(&r.as_str()).then_some(r)
        };
        parse_crosswalk("map.yaml", &root, &resolve, &|fw| fw == "a" || fw == "b")
    }

    fn problems(text: &str) -> Vec<String> {
        match parse(text) {
            Ok(l) => panic!("expected problems, got {l:?}"),
            Err(p) => p
                .iter()
                .map(|p| format!("{}:{}: {}", p.location.line, p.location.column, p.message))
                .collect(),
        }
    }

    #[test]
    fn links_carry_the_file_basis_and_source_unless_they_give_their_own() {
        let text = format!(
            "{HEAD}  - {{from: '1', to: X, relationship: equal}}\n  - {{from: ' 2', to: Y, relationship: supports, property: [example_of], strength: 7, basis: judgement, source: Our review}}\nprovenance: {{publisher: Demo Org, version: '2'}}\n"
        );
        let links = parse(&text).unwrap();
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].basis, LinkBasis::Published);
        assert_eq!(links[0].source, "Demo mapping");
        assert_eq!(links[1].from_ref, "2", "resolved to the canonical ref");
        assert_eq!(links[1].basis, LinkBasis::Judgement);
        assert_eq!(links[1].source, "Our review");
        assert_eq!(links[1].strength, Some(7));
        assert_eq!(links[1].properties, [SupportProperty::ExampleOf]);
        assert_eq!(links[0].provenance.publisher, "Demo Org");
        assert_eq!(links[1].provenance.version, "2");
    }

    #[test]
    fn an_unknown_framework_is_named_once_not_for_every_link() {
        let text =
            HEAD.replace("to: b", "to: zz") + "  - {from: '1', to: X, relationship: equal}\n";
        assert_eq!(problems(&text), ["2:5: unknown framework `zz`"]);
    }

    #[test]
    fn each_bad_part_of_a_link_is_named_where_it_stands() {
        let text = format!(
            "{HEAD}  - {{from: '3', to: X, relationship: same}}\n  - {{from: '1', to: X, relationship: intersects, property: example_of}}\n  - {{from: '2', to: Y, relationship: supports, strength: 11}}\n"
        );
        assert_eq!(
            problems(&text),
            [
                "6:12: `3` is not a requirement of a",
                "6:38: relationship `same` must be one of equal, subset_of, superset_of, intersects, no_relationship, supports, is_supported_by",
                "7:60: `property` belongs to a supportive relationship (supports, is_supported_by); remove it or change the relationship",
                "8:58: `strength` must be a whole number from 1 to 10",
            ]
        );
    }

    #[test]
    fn the_same_pair_twice_is_a_duplicate() {
        let text = format!(
            "{HEAD}  - {{from: '1', to: X, relationship: equal}}\n  - {{from: '1', to: X, relationship: subset_of}}\n"
        );
        assert_eq!(problems(&text), ["7:5: duplicate link 1 → X"]);
    }

    #[test]
    fn a_bad_file_basis_and_missing_links_are_both_reported() {
        let text = HEAD
            .replace("basis: published", "basis: hearsay")
            .replace("links:\n", "");
        let p = problems(&text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("4:8: `basis` must be one of"), "{p:?}");
        assert!(p[1].contains("links"), "{p:?}");
    }
}
