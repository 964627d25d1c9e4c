//! OSCAL catalog (JSON or XML) → a framework.
//!
//! Spec: <https://pages.nist.gov/OSCAL/resources/concepts/layer/control/catalog/>
//! (OSCAL 1.x, JSON and XML formats).
//!
//! Rules:
//! - Groups become requirements that group (never assessable); controls and
//!   their enhancements (nested controls) become requirements in the same
//!   tree, parents before children.
//! - A requirement's ref is the `label` prop as the catalog writes it
//!   (`AC-2(1)`; of several labels the one without a `class`, not the
//!   zero-padded `AC-02(01)`); a label with spaces that ends in `(X)` gives `X`
//!   (`GOVERN (GV)` → `GV`); without a usable label, the OSCAL id.
//! - The level is the element's `class` (`family`, `SP800-53-enhancement`,
//!   `subcategory`), or `group` / `control`.
//! - The summary is the `statement` part's prose with its item labels and
//!   with parameters rendered as NIST prints them: `[Assignment:
//!   organization-defined frequency]`, `[Selection (one or more): a; b]`.
//! - A control with the prop `status` = `withdrawn` is kept (so old mappings
//!   and crosswalks still resolve) but is not assessable; its summary says
//!   where it went (`Withdrawn; incorporated into AC-6.`), from its links.
//! - Every other control is assessable: in OSCAL a control is a requirement.
//! - The framework id is a slug of the catalog's title (`NIST Special
//!   Publication 800-53 Revision 5: …` → `nist-800-53-rev5`).
use super::oscal_json::{check_version, Cursor, Doc};
use super::{bytes_of, problem, slug, Format, Imported, Importer, Input, InteropOptions, Known};
use crate::catalog::Catalog;
use crate::error::Problem;
use crate::model::{Framework, Requirement};
use std::collections::HashMap;

/// The importer of OSCAL catalogs, JSON or XML.
pub struct OscalCatalog;

impl Importer for OscalCatalog {
    const FORMAT: Format = Format::OscalCatalog;
    fn read(
        file: &str,
        input: &Input,
        _known: &Known,
        _options: &InteropOptions,
    ) -> Result<Imported, Vec<Problem>> {
        let bytes = bytes_of(file, input)?;
        let mut tree = if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<') {
            xml::read(file, bytes)?
        } else {
            let doc = Doc::parse(file, bytes)?;
            json::read(&doc)?
        };
        tree.source_bytes = bytes.len();
        Ok(Imported {
            catalogs: vec![to_catalog(file, tree)?],
            ..Default::default()
        })
    }
}

/// The parts of a catalog Crosswalk keeps, from either syntax.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    pub title: String,
    pub version: String,
    pub published: Option<String>,
    pub publisher: String,
    pub params: HashMap<String, Param>,
    pub items: Vec<Item>,
    /// Size of the file read, which bounds the rendered statements.
    pub source_bytes: usize,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Param {
    pub label: Option<String>,
    pub how_many: Option<String>,
    pub choices: Vec<Vec<Prose>>,
}

/// A run of prose: text, or a parameter inserted by id.
#[derive(Debug, Clone)]
pub(crate) enum Prose {
    Text(String),
    Param(String),
}

#[derive(Debug, Default)]
pub(crate) struct Item {
    pub id: String,
    pub group: bool,
    pub class: Option<String>,
    pub title: String,
    pub label: Option<String>,
    pub withdrawn: bool,
    /// (rel, href) of links that say where a withdrawn control went.
    pub moved: Vec<(String, String)>,
    /// Statement lines: (depth, label, prose).
    pub statement: Vec<(usize, String, Vec<Prose>)>,
    pub children: Vec<Item>,
    /// Where the item is, for problems: a JSON pointer or (line, column).
    pub at: (usize, usize, String),
}

/// The ref a catalog item is known by.
pub(crate) fn item_ref(item: &Item) -> String {
    if let Some(label) = item
        .label
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if !label.contains(char::is_whitespace) {
            return label.to_string();
        }
        if let (Some(open), true) = (label.rfind('('), label.ends_with(')')) {
            let inner = label[open + 1..label.len() - 1].trim();
            if !inner.is_empty() && !inner.contains(char::is_whitespace) {
                return inner.to_string();
            }
        }
    }
    item.id.clone()
}

/// How much rendered statement text a catalog may give, per byte of the
/// file: parameters inserted into choices multiply (a choice that inserts
/// its own parameter 60 times would give 60⁴ copies), while real catalogs
/// render to less text than their file holds (SP 800-53: about a third).
const RENDERED_PER_FILE_BYTE: usize = 4;
/// ... plus this much, so that tiny catalogs are not held to a tiny budget.
const RENDERED_EXTRA: usize = 1024 * 1024;

/// Renders prose with its parameters; every byte produced is taken from
/// `budget`, and once it is spent parameters are no longer expanded (the
/// caller refuses the catalog).
fn render(
    prose: &[Prose],
    params: &HashMap<String, Param>,
    depth: usize,
    budget: &mut usize,
) -> String {
    let mut out = String::new();
    for p in prose {
        let piece = match p {
            Prose::Text(t) => std::borrow::Cow::Borrowed(t.as_str()),
            Prose::Param(id) => std::borrow::Cow::Owned(render_param(id, params, depth, budget)),
        };
        *budget = budget.saturating_sub(piece.len());
        out.push_str(&piece);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn render_param(
    id: &str,
    params: &HashMap<String, Param>,
    depth: usize,
    budget: &mut usize,
) -> String {
    let Some(p) = params.get(id).filter(|_| depth < 4 && *budget > 0) else {
        return format!("[{id}]");
    };
    if !p.choices.is_empty() {
        let how = match p.how_many.as_deref() {
            Some("one-or-more") => " (one or more)",
            Some("one") | None => "",
            Some(_) => " (one or more)",
        };
        let choices: Vec<String> = p
            .choices
            .iter()
            .map(|c| render(c, params, depth + 1, budget))
            .collect();
        return format!("[Selection{how}: {}]", choices.join("; "));
    }
    match &p.label {
        Some(l) => format!("[Assignment: {}]", l.trim()),
        None => format!("[{id}]"),
    }
}

pub(crate) fn to_catalog(file: &str, tree: Tree) -> Result<Catalog, Vec<Problem>> {
    let id = slug(&tree.title);
    if id.is_empty() {
        return Err(vec![problem(
            file,
            1,
            1,
            "the catalog's metadata has no title to name the framework by",
        )]);
    }
    // Refs of every item by OSCAL id, to say where withdrawn controls went.
    let mut ref_of: HashMap<String, String> = HashMap::new();
    index_refs(&tree.items, &mut ref_of);
    let mut levels: Vec<String> = Vec::new();
    let mut reqs: Vec<Requirement> = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut stack: Vec<(&Item, Option<String>)> =
        tree.items.iter().rev().map(|i| (i, None)).collect();
    let mut budget = tree
        .source_bytes
        .saturating_mul(RENDERED_PER_FILE_BYTE)
        .saturating_add(RENDERED_EXTRA);
    while let Some((item, parent)) = stack.pop() {
        let reference = item_ref(item);
        let where_ = match &item.at {
            (0, _, ptr) => format!("at {ptr}: "),
            _ => String::new(),
        };
        if let Some(first) = seen.insert(crate::text::ref_key(&reference), item.id.clone()) {
            problems.push(problem(
                file,
                item.at.0,
                item.at.1,
                format!("{where_}`{reference}` (id `{}`) has the same label as `{first}`; refs must be unique", item.id),
            ));
        }
        let level = item
            .class
            .clone()
            .unwrap_or_else(|| if item.group { "group" } else { "control" }.into());
        if !levels.contains(&level) {
            levels.push(level.clone());
        }
        let summary = if item.withdrawn {
            withdrawn_summary(item, &ref_of)
        } else {
            statement_summary(item, &tree.params, &mut budget)
        };
        if budget == 0 {
            problems.push(problem(
                file,
                item.at.0,
                item.at.1,
                format!("{where_}the statement of `{reference}` (id `{}`) expands its parameters to more text than this file could hold (over {} times its size); is a parameter inserted into its own choices?", item.id, RENDERED_PER_FILE_BYTE),
            ));
            return Err(problems);
        }
        reqs.push(Requirement {
            framework_id: id.clone(),
            parent: parent.clone(),
            level,
            summary,
            ..requirement_of(item, &reference)
        });
        for c in item.children.iter().rev() {
            stack.push((c, Some(reference.clone())));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Catalog {
        framework: framework_of(file, tree, id, levels),
        requirements: reqs,
    })
}

/// Every item's ref by its OSCAL id, children included.
fn index_refs(items: &[Item], out: &mut HashMap<String, String>) {
    for i in items {
        out.insert(i.id.clone(), item_ref(i));
        index_refs(&i.children, out);
    }
}

/// The requirement an item is, but for its place in the tree and its summary.
fn requirement_of(item: &Item, reference: &str) -> Requirement {
    Requirement {
        framework_id: String::new(),
        reference: reference.to_string(),
        parent: None,
        level: String::new(),
        title: item.title.split_whitespace().collect::<Vec<_>>().join(" "),
        summary: String::new(),
        assessable: !item.group && !item.withdrawn,
        own_title: false,
        designation: None,
        theme: None,
    }
}

/// Where a withdrawn control went, from its links: `Withdrawn; incorporated into AC-6.`
fn withdrawn_summary(item: &Item, ref_of: &HashMap<String, String>) -> String {
    let moved: Vec<String> = item
        .moved
        .iter()
        .map(|(rel, href)| {
            let target = href.trim_start_matches('#');
            let shown = match target.split_once("_smt") {
                _ if ref_of.contains_key(target) => ref_of[target].clone(),
                Some((ctl, rest)) if ref_of.contains_key(ctl) => {
                    format!("{}{}", ref_of[ctl], rest.replace('.', ""))
                }
                _ => target.to_string(),
            };
            format!("{} {shown}", rel.replace('-', " "))
        })
        .collect();
    if moved.is_empty() {
        "Withdrawn.".to_string()
    } else {
        format!("Withdrawn; {}.", moved.join(", "))
    }
}

/// The statement's lines with their labels, parameters rendered, indented by depth.
fn statement_summary(item: &Item, params: &HashMap<String, Param>, budget: &mut usize) -> String {
    item.statement
        .iter()
        .map(|(depth, label, prose)| {
            let text = render(prose, params, 0, budget);
            let indent = "  ".repeat(depth.saturating_sub(1));
            if label.is_empty() {
                format!("{indent}{text}")
            } else {
                format!("{indent}{label} {text}")
            }
        })
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The framework a catalog's metadata describes.
fn framework_of(file: &str, tree: Tree, id: String, levels: Vec<String>) -> Framework {
    let short = tree.title.split(':').next().unwrap_or(&tree.title).trim();
    Framework {
        id,
        name: tree.title.trim().to_string(),
        short_name: short.to_string(),
        version: tree.version,
        publisher: tree.publisher,
        published: tree
            .published
            .as_deref()
            .and_then(|p| p.get(..10))
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        source: format!(
            "OSCAL catalog {}",
            std::path::Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| file.to_string())
        ),
        text_rights: "Titles and statements as published in the imported OSCAL catalog.".into(),
        levels,
    }
}

fn publisher_of(parties: &[(String, String)], roles: &[(String, Vec<String>)]) -> String {
    for wanted in ["creator", "publisher", "author"] {
        if let Some((_, uuids)) = roles.iter().find(|(r, _)| r == wanted) {
            if let Some((_, name)) = parties.iter().find(|(u, _)| uuids.contains(u)) {
                return name.clone();
            }
        }
    }
    parties.first().map(|(_, n)| n.clone()).unwrap_or_default()
}

/// The JSON syntax.
pub(crate) mod json {
    use super::*;

    pub fn read(doc: &Doc) -> Result<Tree, Vec<Problem>> {
        let cat = doc.model("catalog", 0)?;
        let meta = cat.required("metadata")?;
        let mut tree = Tree {
            title: meta.required_str("title")?.to_string(),
            version: meta.opt_str("version").unwrap_or_default().to_string(),
            published: meta.opt_str("published").map(str::to_string),
            ..Default::default()
        };
        let parties: Vec<(String, String)> = meta
            .items("parties")?
            .iter()
            .map(|p| {
                (
                    p.opt_str("uuid").unwrap_or_default().to_string(),
                    p.opt_str("name").unwrap_or_default().to_string(),
                )
            })
            .collect();
        let mut roles = Vec::new();
        for r in meta.items("responsible-parties")? {
            let uuids = r
                .items("party-uuids")?
                .iter()
                .filter_map(|u| u.v.as_str().map(str::to_string))
                .collect();
            roles.push((r.opt_str("role-id").unwrap_or_default().to_string(), uuids));
        }
        tree.publisher = publisher_of(&parties, &roles);
        let mut params = HashMap::new();
        tree.items = items(&cat, 0, &mut params)?;
        tree.params = params;
        Ok(tree)
    }

    fn items(
        c: &Cursor<'_>,
        depth: usize,
        params: &mut HashMap<String, Param>,
    ) -> Result<Vec<Item>, Vec<Problem>> {
        if depth > crate::interop::MAX_DEPTH {
            return Err(vec![c.problem(format!(
                "groups and controls nested deeper than {} levels",
                crate::interop::MAX_DEPTH
            ))]);
        }
        read_params(c, params)?;
        let mut out = Vec::new();
        for (key, group) in [("groups", true), ("controls", false)] {
            for g in c.items(key)? {
                let mut item = Item {
                    id: g.required_str("id")?.to_string(),
                    group,
                    class: g.opt_str("class").map(str::to_string),
                    title: g.required_str("title")?.to_string(),
                    label: g.prop("label").map(str::to_string),
                    withdrawn: g.prop("status") == Some("withdrawn"),
                    at: (0, 0, g.pointer().to_string()),
                    ..Default::default()
                };
                for l in g.items("links")? {
                    let rel = l.opt_str("rel").unwrap_or_default();
                    if matches!(rel, "incorporated-into" | "moved-to") {
                        item.moved.push((
                            rel.to_string(),
                            l.opt_str("href").unwrap_or_default().into(),
                        ));
                    }
                }
                for p in g.items("parts")? {
                    if p.opt_str("name") == Some("statement") {
                        statement(&p, 0, &mut item.statement)?;
                    }
                }
                item.children = items(&g, depth + 1, params)?;
                out.push(item);
            }
        }
        Ok(out)
    }

    fn read_params(
        c: &Cursor<'_>,
        params: &mut HashMap<String, Param>,
    ) -> Result<(), Vec<Problem>> {
        for p in c.items("params")? {
            let id = p.required_str("id")?.to_string();
            let mut param = Param {
                label: p.opt_str("label").map(str::to_string),
                ..Default::default()
            };
            if let Some(sel) = p.field("select") {
                param.how_many = sel.opt_str("how-many").map(str::to_string);
                for ch in sel.items("choice")? {
                    param.choices.push(prose(ch.str()?));
                }
            }
            params.insert(id, param);
        }
        Ok(())
    }

    fn statement(
        p: &Cursor<'_>,
        depth: usize,
        out: &mut Vec<(usize, String, Vec<Prose>)>,
    ) -> Result<(), Vec<Problem>> {
        if depth > crate::interop::MAX_DEPTH {
            return Err(vec![p.problem("statement parts nested too deep")]);
        }
        let label = p.prop("label").unwrap_or_default().to_string();
        if let Some(text) = p.opt_str("prose") {
            out.push((depth, label, prose(text)));
        } else if !label.is_empty() {
            out.push((depth, label, Vec::new()));
        }
        for sub in p.items("parts")? {
            if matches!(sub.opt_str("name"), Some("item") | Some("statement") | None) {
                statement(&sub, depth + 1, out)?;
            }
        }
        Ok(())
    }

    /// Splits `{{ insert: param, id }}` out of prose.
    pub(crate) fn prose(text: &str) -> Vec<Prose> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let Some(end) = rest[start..].find("}}") else {
                break;
            };
            let inner = &rest[start + 2..start + end];
            let mut fields = inner.split(',').map(str::trim);
            match (fields.next(), fields.next()) {
                (Some(kind), Some(id)) if kind.replace(' ', "") == "insert:param" => {
                    out.push(Prose::Text(rest[..start].to_string()));
                    out.push(Prose::Param(id.to_string()));
                }
                _ => out.push(Prose::Text(rest[..start + end + 2].to_string())),
            }
            rest = &rest[start + end + 2..];
        }
        out.push(Prose::Text(rest.to_string()));
        out
    }
}

/// The model of an XML document, from its root element.
pub fn xml_model_of(text: &[u8]) -> Result<Format, String> {
    let head = String::from_utf8_lossy(&text[..text.len().min(64 * 1024)]);
    let mut rest: &str = &head;
    loop {
        let Some(i) = rest.find('<') else {
            return Err("an XML file with no root element".into());
        };
        rest = &rest[i + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        let local = name.rsplit(':').next().unwrap_or(&name);
        return match local {
            "catalog" => Ok(Format::OscalCatalog),
            "profile" | "component-definition" | "mapping-collection" | "system-security-plan" => Err(format!(
                "an OSCAL {local} in XML: Crosswalk reads OSCAL XML for catalogs; use the JSON form of this {local} (NIST publishes both)"
            )),
            other => Err(format!(
                "an XML file that is not OSCAL (root element `{other}`); Crosswalk reads OSCAL catalogs in XML"
            )),
        };
    }
}

/// The XML syntax.
pub(crate) mod xml;

#[cfg(test)]
mod tests {
    use super::*;

    fn import(bytes: &[u8]) -> Result<Catalog, Vec<Problem>> {
        let mut got = OscalCatalog::read(
            "c.json",
            &Input::Bytes(bytes.to_vec()),
            &Known::default(),
            &InteropOptions::default(),
        )?;
        Ok(got.catalogs.remove(0))
    }

    const SMALL: &str = r##"{"catalog": {"uuid": "u", "metadata": {"title": "Example Controls: demo", "version": "1", "oscal-version": "1.1.2"},
      "groups": [{"id": "ex", "class": "family", "title": "Examples", "controls": [
        {"id": "ex-1", "class": "base", "title": "Policy",
         "params": [{"id": "ex-1_prm_1", "label": "organization-defined frequency"},
                    {"id": "ex-1_prm_2", "select": {"how-many": "one-or-more", "choice": ["a", "b"]}}],
         "props": [{"name": "label", "value": "EX-1"}],
         "parts": [{"id": "ex-1_smt", "name": "statement", "parts": [
            {"id": "ex-1_smt.a", "name": "item", "props": [{"name": "label", "value": "a."}], "prose": "Review {{ insert: param, ex-1_prm_1 }} at {{ insert: param, ex-1_prm_2 }} level."}]}],
         "controls": [{"id": "ex-1.1", "class": "enh", "title": "Old", "props": [{"name": "label", "value": "EX-1(1)"}, {"name": "status", "value": "withdrawn"}],
                       "links": [{"href": "#ex-1", "rel": "incorporated-into"}]}]}]}]}}"##;

    #[test]
    fn tree_refs_params_and_withdrawn() {
        let c = import(SMALL.as_bytes()).unwrap();
        assert_eq!(c.framework.id, "example-controls");
        assert_eq!(c.framework.levels, ["family", "base", "enh"]);
        let refs: Vec<&str> = c
            .requirements
            .iter()
            .map(|r| r.reference.as_str())
            .collect();
        assert_eq!(refs, ["ex", "EX-1", "EX-1(1)"]);
        let ex1 = &c.requirements[1];
        assert_eq!(ex1.parent.as_deref(), Some("ex"));
        assert!(ex1.assessable && !c.requirements[0].assessable);
        assert_eq!(
            ex1.summary,
            "a. Review [Assignment: organization-defined frequency] at [Selection (one or more): a; b] level."
        );
        let old = &c.requirements[2];
        assert!(!old.assessable);
        assert_eq!(old.summary, "Withdrawn; incorporated into EX-1.");
    }

    #[test]
    fn hostile_and_wrong_catalogs_are_refused_with_places() {
        let e = import(SMALL.replace("1.1.2", "0.9").as_bytes()).unwrap_err();
        assert!(
            e[0].message.contains("/catalog/metadata/oscal-version"),
            "{e:?}"
        );
        let e = import(SMALL.replace(r#""id": "ex-1", "#, "").as_bytes()).unwrap_err();
        assert!(
            e[0].message
                .contains("/catalog/groups/0/controls/0: `id` is missing"),
            "{e:?}"
        );
        let dup = SMALL.replace("EX-1(1)", "EX-1");
        assert!(import(dup.as_bytes()).unwrap_err()[0]
            .message
            .contains("same label"));
        // Groups nested past the cap.
        let mut deep = String::from(
            r#"{"catalog": {"uuid": "u", "metadata": {"title": "D", "oscal-version": "1.0.0"}, "groups": ["#,
        );
        for i in 0..70 {
            deep.push_str(&format!(r#"{{"id": "g{i}", "title": "t", "groups": ["#));
        }
        deep.push_str(&"]}".repeat(70));
        deep.push_str("]}}");
        assert!(import(deep.as_bytes()).is_err());
        // XML with a DTD (entity expansion) is refused before expansion.
        let bomb = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0">&lol2;</catalog>"#;
        let e = import(bomb).unwrap_err();
        assert!(e[0].message.contains("not valid XML"), "{e:?}");
        let e = import(b"<catalog xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\"><metadata><title>x</title>\n<oscal-version>2.0</oscal-version></metadata></catalog>").unwrap_err();
        assert_eq!((e[0].location.line, e[0].location.column), (2, 1), "{e:?}");
        assert!(xml_model_of(b"<?xml version='1.0'?><html/>")
            .unwrap_err()
            .contains("not OSCAL"));
    }
}
