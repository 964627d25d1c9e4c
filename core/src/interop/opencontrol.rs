//! OpenControl project (a folder with `opencontrol.yaml`) → frameworks,
//! controls with mappings, evidence links and scopes.
//!
//! Spec: <https://open-control.org/> and the schemas at
//! <https://github.com/opencontrol/schemas> (opencontrol.yaml 1.0.0,
//! component schema 3.x, standards, certifications).
//!
//! Rules:
//! - Each standard listed becomes a framework: id = slug of its `name`
//!   (`FRIST-800-53` → `frist-800-53`), levels `family` and `control`; its
//!   control keys are refs exactly as written (`AU-2 (3)`), under their
//!   `family` (a grouping requirement, titled by an entry of `type: family`
//!   when the standard has one, else by its code).
//! - Each component becomes a control: id = its `key` or folder name, title
//!   = `name`; every `satisfies` entry is a mapping to its standard's
//!   control, its narrative the mapping's rationale and, with the standard
//!   and control named, part of the control's description. Status: all
//!   entries `complete`/`implemented` → implemented; any `partial`, or a mix
//!   → partial; otherwise (planned, none, or nothing stated) → planned.
//!   An entry `partial` maps with partial coverage.
//! - `references` and `verifications` with a web address become evidence
//!   links of that control, collected on the day of the import (OpenControl
//!   gives no date); any without a web address is listed as left out.
//! - Each certification becomes a scope of the controls it lists.
//! - Every file is read through the import's one reading function, and must
//!   lie inside the project folder (`..` and symlinks out are refused).
use super::scope::Scope;
use super::{
    control_id, finish, problem, slug, Format, Imported, ImportedControl, Importer, Input,
    InteropOptions, Known,
};
use crate::catalog::Catalog;
use crate::error::Problem;
use crate::model::{Control, ControlStatus, Framework, Mapping, MappingCoverage, Requirement};
use crate::yaml::{self, Node, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The importer of OpenControl projects.
pub struct OpenControl;

/// Does this folder hold an OpenControl project?
pub fn is_project(dir: &Path) -> bool {
    dir.join("opencontrol.yaml").is_file()
}

struct Project {
    root: PathBuf,
    problems: Vec<Problem>,
}

impl Project {
    /// Reads a YAML file named relative to the project, confined to it.
    fn load(
        &mut self,
        from: &str,
        at: &Node,
        rel: &str,
        component: bool,
    ) -> Option<(String, Node)> {
        let mut path = self.root.join(rel.trim());
        if component && !path.is_file() {
            path = path.join("component.yaml");
        }
        let display = path.display().to_string();
        let inside = path
            .canonicalize()
            .ok()
            .filter(|p| p.starts_with(&self.root));
        let Some(real) = inside else {
            let why = if path.exists() {
                "lies outside the project folder"
            } else {
                "does not exist"
            };
            self.problems
                .push(at.problem(from, format!("`{rel}` {why} ({display})")));
            return None;
        };
        let bytes = match crate::import::read_input(&real) {
            Ok(b) => b,
            Err(e) => {
                self.problems
                    .push(at.problem(from, format!("cannot read `{rel}`: {e}")));
                return None;
            }
        };
        match yaml::parse(&display, &bytes) {
            Ok(n) => Some((display, n)),
            Err(p) => {
                self.problems.push(p);
                None
            }
        }
    }
}

fn list<'a>(
    file: &str,
    f: &yaml::Fields<'a>,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Vec<&'a Node> {
    match f.get(key) {
        None => Vec::new(),
        Some(n) => match n.seq(file, &format!("`{key}`")) {
            Ok(items) => items.iter().collect(),
            Err(p) => {
                problems.push(p);
                Vec::new()
            }
        },
    }
}

fn entries(n: &Node) -> &[(Node, Node)] {
    match &n.value {
        Value::Map(e) => e,
        _ => &[],
    }
}

/// The standards of a project: name → framework id, and each framework's refs by ref key.
#[derive(Default)]
struct Standards {
    ids: HashMap<String, String>,
    refs: HashMap<String, HashMap<String, String>>,
}

impl Standards {
    fn add(&mut self, name: String, cat: &Catalog) {
        let refs = (cat.requirements.iter())
            .map(|r| (crate::text::ref_key(&r.reference), r.reference.clone()))
            .collect();
        self.refs.insert(cat.framework.id.clone(), refs);
        self.ids.insert(name, cat.framework.id.clone());
    }

    /// The canonical ref of control `ctl` in framework `fw`.
    fn reference(&self, fw: &str, ctl: &str) -> Option<&String> {
        self.refs[fw].get(&crate::text::ref_key(ctl))
    }
}

impl Importer for OpenControl {
    const FORMAT: Format = Format::OpenControl;
    fn read(
        file: &str,
        input: &Input,
        _known: &Known,
        _options: &InteropOptions,
    ) -> Result<Imported, Vec<Problem>> {
        let Input::Folder(dir) = input else {
            return Err(vec![problem(
                file,
                1,
                1,
                "an OpenControl project is a folder with opencontrol.yaml",
            )]);
        };
        let root = dir
            .canonicalize()
            .map_err(|e| vec![problem(file, 1, 1, format!("cannot open the folder: {e}"))])?;
        let mut p = Project {
            root: root.clone(),
            problems: Vec::new(),
        };
        let (top_display, top) = read_top(&root)?;
        let f = top
            .map(&top_display, "opencontrol.yaml")
            .map_err(|e| vec![e])?;
        let mut problems = Vec::new();
        problems.extend(dependencies(&top_display, &f));
        let mut out = Imported::default();
        let mut standards = Standards::default();
        let mut listed = |key: &str, what: &str, component: bool, problems: &mut Vec<Problem>| {
            let mut files = Vec::new();
            for item in list(&top_display, &f, key, problems) {
                let Ok(rel) = item.text(&top_display, what).map_err(|e| problems.push(e)) else {
                    continue;
                };
                if let Some((file, node)) = p.load(&top_display, item, rel, component) {
                    files.push((rel.trim().to_string(), file, node));
                }
            }
            files
        };
        for (_, sf, node) in listed("standards", "a standard path", false, &mut problems) {
            match standard(&sf, &node) {
                Ok((name, cat)) => {
                    standards.add(name, &cat);
                    out.catalogs.push(cat);
                }
                Err(mut e) => problems.append(&mut e),
            }
        }
        for (rel, cf, node) in listed("components", "a component path", true, &mut problems) {
            let Ok(c) = node.map(&cf, "a component").map_err(|e| problems.push(e)) else {
                continue;
            };
            let folder = (Path::new(&rel).file_name())
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let cx = (cf.as_str(), &standards);
            out.controls.push(component(
                cx,
                &c,
                folder,
                &mut out.skipped_cells,
                &mut problems,
            ));
        }
        for (_, cf, node) in listed(
            "certifications",
            "a certification path",
            false,
            &mut problems,
        ) {
            if let Some(scope) = certification(&cf, &node, &standards, &mut problems) {
                out.scopes.push(scope);
            }
        }
        problems.append(&mut p.problems);
        finish(problems, out)
    }
}

/// `dependencies` name other repositories, which an offline tool cannot fetch.
fn dependencies(top_display: &str, f: &yaml::Fields<'_>) -> Option<Problem> {
    let d = f.get("dependencies")?;
    let listed = !entries(d).is_empty() || matches!(&d.value, Value::Seq(s) if !s.is_empty());
    listed.then(|| d.problem(top_display, "`dependencies` name other repositories, which Crosswalk does not fetch (it works offline); copy them into this project and list them under `components`/`standards`"))
}

/// `opencontrol.yaml`, parsed, with its schema version checked.
fn read_top(root: &Path) -> Result<(String, Node), Vec<Problem>> {
    let top_path = root.join("opencontrol.yaml");
    let top_display = top_path.display().to_string();
    let bytes = crate::import::read_input(&top_path)
        .map_err(|e| vec![problem(&top_display, 1, 1, format!("cannot read: {e}"))])?;
    let top = yaml::parse(&top_display, &bytes).map_err(|e| vec![e])?;
    let f = top
        .map(&top_display, "opencontrol.yaml")
        .map_err(|e| vec![e])?;
    if let Some(v) = f.get("schema_version").and_then(Node::as_scalar) {
        if !v.starts_with("1.") {
            return Err(vec![f.get("schema_version").unwrap().problem(
                &top_display,
                format!(
                    "opencontrol.yaml schema_version {v} is not supported; Crosswalk reads 1.x"
                ),
            )]);
        }
    }
    Ok((top_display, top))
}

/// Optional text of a YAML map, trimmed; empty when absent or not text.
fn text_of(f: &yaml::Fields<'_>, key: &str) -> String {
    (f.optional_text(key).ok().flatten())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// One component file → a control (its `satisfies` entries its mappings);
/// references without a web address go to `left_out`.
fn component(
    (cf, standards): (&str, &Standards),
    c: &yaml::Fields<'_>,
    folder: String,
    left_out: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> ImportedControl {
    let key = (c.optional_text("key").ok().flatten())
        .map(str::to_string)
        .unwrap_or(folder);
    let id = control_id(&key);
    let title = (c.optional_text("name").ok().flatten())
        .unwrap_or(&key)
        .trim()
        .to_string();
    let mut mappings = Vec::new();
    let mut narratives = Vec::new();
    let mut statuses = Vec::new();
    for s in list(cf, c, "satisfies", problems) {
        let Some((mapping, status, narrative)) = satisfies(cf, s, standards, problems) else {
            continue;
        };
        narratives.extend(narrative);
        mappings.push(mapping);
        statuses.push(status);
    }
    let links = evidence_links(cf, c, &id, left_out, problems);
    ImportedControl {
        control: Control {
            id,
            title,
            description: narratives.join("\n\n"),
            category: "general".into(),
            owner: text_of(c, "responsible_role"),
            status: status_of(&statuses),
            review_every_days: None,
            mappings,
        },
        links,
    }
}

/// All entries `complete`/`implemented` → implemented; any `partial`, or a
/// mix → partial; otherwise → planned.
fn status_of(statuses: &[String]) -> ControlStatus {
    let done = |s: &String| s == "complete" || s == "implemented";
    if !statuses.is_empty() && statuses.iter().all(done) {
        ControlStatus::Implemented
    } else if statuses.iter().any(|s| s == "partial" || done(s)) {
        ControlStatus::Partial
    } else {
        ControlStatus::Planned
    }
}

/// One `satisfies` entry: the mapping, the entry's status (lower case) and
/// its narrative for the control's description.
fn satisfies(
    cf: &str,
    s: &Node,
    standards: &Standards,
    problems: &mut Vec<Problem>,
) -> Option<(Mapping, String, Option<String>)> {
    let sm = s
        .map(cf, "a `satisfies` entry")
        .map_err(|e| problems.push(e))
        .ok()?;
    let (Ok(std_key), Ok(ctl)) = (
        sm.required_text("standard_key", "this entry"),
        sm.required_text("control_key", "this entry"),
    ) else {
        problems.push(s.problem(
            cf,
            "a `satisfies` entry needs `standard_key` and `control_key`",
        ));
        return None;
    };
    let Some(fw) = standards.ids.get(std_key.trim()) else {
        problems.push(sm.get("standard_key").unwrap().problem(
            cf,
            format!(
                "standard `{std_key}` is not one of this project's standards ({})",
                standards.ids.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        ));
        return None;
    };
    let Some(reference) = standards.reference(fw, ctl) else {
        problems.push(sm.get("control_key").unwrap().problem(
            cf,
            format!("`{ctl}` is not a control of standard {std_key}"),
        ));
        return None;
    };
    let status = text_of(&sm, "implementation_status").to_lowercase();
    let text = narrative(cf, sm.get("narrative"));
    let mapping = Mapping {
        framework_id: fw.clone(),
        reference: reference.clone(),
        coverage: if status == "partial" {
            MappingCoverage::Partial
        } else {
            MappingCoverage::Full
        },
        rationale: (!text.is_empty()).then(|| text.clone()),
    };
    let narrative = (!text.is_empty()).then(|| format!("{std_key} {reference}: {text}"));
    Some((mapping, status, narrative))
}

/// A narrative: text, or a list of `{text}` entries joined by blank lines.
fn narrative(cf: &str, n: Option<&Node>) -> String {
    let parts: Vec<String> = n
        .map(|n| match &n.value {
            Value::Seq(items) => items
                .iter()
                .filter_map(|i| {
                    i.map(cf, "a narrative")
                        .ok()?
                        .optional_text("text")
                        .ok()
                        .flatten()
                        .map(|t| t.trim().to_string())
                })
                .collect(),
            Value::Scalar { text, .. } => vec![text.trim().to_string()],
            _ => Vec::new(),
        })
        .unwrap_or_default();
    parts.join("\n\n")
}

/// `references` and `verifications` with a web address: (title, url, description).
fn evidence_links(
    cf: &str,
    c: &yaml::Fields<'_>,
    id: &str,
    left_out: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> Vec<(String, String, String)> {
    let mut links = Vec::new();
    for key in ["references", "verifications"] {
        for r in list(cf, c, key, problems) {
            let Ok(rm) = r.map(cf, "a reference") else {
                continue;
            };
            let name = (rm.optional_text("name").ok().flatten())
                .or(rm.optional_text("key").ok().flatten())
                .unwrap_or("reference")
                .trim()
                .to_string();
            let path = text_of(&rm, "path");
            if path.starts_with("https://") || path.starts_with("http://") {
                links.push((name, path, format!("OpenControl {key} of component {id}")));
            } else {
                left_out.push(format!("{cf}:{}:{}: {key} `{name}` has no web address ({path}); not imported as evidence", r.line, r.column));
            }
        }
    }
    links
}

/// One certification file → a scope of the controls it lists.
fn certification(
    cf: &str,
    node: &Node,
    standards: &Standards,
    problems: &mut Vec<Problem>,
) -> Option<Scope> {
    let m = node
        .map(cf, "a certification")
        .map_err(|e| problems.push(e))
        .ok()?;
    let name = m
        .required_text("name", "the certification")
        .map_err(|e| problems.push(e))
        .ok()?;
    let mut reqs = Vec::new();
    for (sk, ctls) in m.get("standards").map(entries).unwrap_or_default() {
        let sname = sk.as_scalar().unwrap_or_default();
        let Some(fw) = standards.ids.get(sname) else {
            problems.push(sk.problem(
                cf,
                format!("standard `{sname}` is not one of this project's standards"),
            ));
            continue;
        };
        for (ck, _) in entries(ctls) {
            let ctl = ck.as_scalar().unwrap_or_default();
            match standards.reference(fw, ctl) {
                Some(r) => reqs.push((fw.clone(), r.clone())),
                None => problems
                    .push(ck.problem(cf, format!("`{ctl}` is not a control of standard {sname}"))),
            }
        }
    }
    Some(Scope {
        id: slug(name),
        name: name.trim().to_string(),
        source: cf.to_string(),
        requirements: reqs,
    })
}

/// One OpenControl standard file → its name and a catalog.
fn standard(file: &str, node: &Node) -> Result<(String, Catalog), Vec<Problem>> {
    let m = node.map(file, "a standard").map_err(|e| vec![e])?;
    let name = m
        .required_text("name", "the standard")
        .map_err(|e| vec![e])?
        .trim()
        .to_string();
    let id = slug(&name);
    let (families, controls) = standard_entries(file, node)?;
    let req =
        |r: &str, parent: Option<String>, level: &str, title: &str, assessable: bool| Requirement {
            framework_id: id.clone(),
            reference: r.to_string(),
            parent,
            level: level.into(),
            title: title.to_string(),
            summary: String::new(),
            assessable,
            own_title: false,
            designation: None,
            theme: None,
        };
    let mut requirements = Vec::new();
    for (code, title) in &families {
        if controls.iter().any(|(_, f, _)| f == code) {
            requirements.push(req(code, None, "family", title, false));
        }
    }
    for (key, family, title) in &controls {
        let parent = (!family.is_empty()).then(|| family.clone());
        requirements.push(req(key, parent, "control", title, true));
    }
    Ok((
        name.clone(),
        Catalog {
            framework: Framework {
                id,
                name: name.clone(),
                short_name: name,
                version: String::new(),
                publisher: String::new(),
                published: None,
                source: format!("OpenControl standard {file}"),
                text_rights: "Titles as written in the imported OpenControl standard.".into(),
                levels: vec!["family".into(), "control".into()],
            },
            requirements,
        },
    ))
}

/// A standard's families (code, title) and controls (key, family, title), in file order.
#[allow(clippy::type_complexity)] // (families, controls), each a list of plain tuples
fn standard_entries(
    file: &str,
    node: &Node,
) -> Result<(Vec<(String, String)>, Vec<(String, String, String)>), Vec<Problem>> {
    let mut families: Vec<(String, String)> = Vec::new();
    let mut controls: Vec<(String, String, String)> = Vec::new();
    let mut problems = Vec::new();
    for (k, v) in entries(node) {
        let key = k.as_scalar().unwrap_or_default().to_string();
        if key == "name" {
            continue;
        }
        let Ok(f) = v.map(file, &format!("control `{key}`")) else {
            problems.push(v.problem(
                file,
                format!("`{key}` must be a mapping with `family` and `name`"),
            ));
            continue;
        };
        let title = text_of(&f, "name");
        if f.optional_text("type").ok().flatten() == Some("family") {
            families.retain(|(c, _)| *c != key);
            families.push((key, title));
            continue;
        }
        let family = text_of(&f, "family");
        if !family.is_empty() && !families.iter().any(|(c, _)| *c == family) {
            families.push((family.clone(), family.clone()));
        }
        controls.push((key, family, title));
    }
    if problems.is_empty() {
        Ok((families, controls))
    } else {
        Err(problems)
    }
}
