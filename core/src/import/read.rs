//! Reading: every gathered file, by its format, into a [`Source`].
//!
//! Promises:
//! - One dispatch for every format, in one order: user catalogs first (YAML,
//!   then the foreign catalogs and OpenControl standards), so that the
//!   crosswalks, profiles, mappings, matrices and control files of the same
//!   import can name their requirements.
//! - A catalog or crosswalk found in a folder is taken only with
//!   `with_catalogs` (it changes what every control covers); YAML in a folder
//!   that is not a Crosswalk file is skipped and reported; a catalog may not
//!   replace a framework that ships with Crosswalk.
//! - What the workspace holds comes in as plain data ([`Known`], the shipped
//!   framework ids); nothing here opens the database.
use super::control_yaml::{self, read_control_file};
use super::gather::{Gathered, YamlFile};
use super::source::Source;
use super::ImportOptions;
use crate::catalog::{self, FileKind};
use crate::error::Problem;
use crate::input::{Confinement, Skipped};
use crate::interop::{self, InteropOptions, Known};
use crate::text::ref_key;
use chrono::NaiveDate;
use std::collections::HashSet;
use std::path::Path;

/// More problems than this and the rest are summarised: the first ones are what a person fixes first.
pub(crate) const MAX_PROBLEMS: usize = 200;

/// What reading needs besides the files.
pub(crate) struct Setting<'a> {
    /// The workspace's requirements; catalogs of the import are added as they are read.
    pub known: Known,
    /// Frameworks that ship with Crosswalk (a catalog may not replace one).
    pub shipped: &'a HashSet<String>,
    pub options: &'a ImportOptions,
    pub interop: &'a InteropOptions,
    pub confinement: &'a Confinement,
    pub today: NaiveDate,
}

/// Every file of an import, read.
#[derive(Default)]
pub(crate) struct Read {
    /// In planning's order: catalogs, foreign files, crosswalks, control files.
    pub sources: Vec<Source>,
    /// Every YAML file parsed (also those skipped): (path, display, sha256).
    pub yaml_files: Vec<(std::path::PathBuf, String, String)>,
    /// Foreign files and projects, as named.
    pub foreign_paths: Vec<std::path::PathBuf>,
    /// YAML found in folders that is not a Crosswalk file.
    pub skipped: Vec<String>,
    pub passed_over: Vec<Skipped>,
    pub problems: Vec<Problem>,
}

/// Reads every gathered file into sources, collecting every problem.
pub(crate) fn read_all(g: Gathered, mut set: Setting<'_>) -> Read {
    let mut out = Read {
        yaml_files: (g.yaml.iter())
            .map(|y| (y.path.clone(), y.display.clone(), y.sha.clone()))
            .collect(),
        foreign_paths: g.foreign.iter().map(|f| f.path.clone()).collect(),
        passed_over: g.passed_over,
        problems: g.problems,
        ..Default::default()
    };
    let mut crosswalks = Vec::new();
    let mut controls = Vec::new();
    for y in &g.yaml {
        match kind_of(y, set.options, &mut out) {
            Some(FileKind::Catalog) => read_catalog(y, &mut set, &mut out),
            Some(FileKind::Crosswalk) => crosswalks.push(y),
            Some(FileKind::Controls) => controls.push(y),
            None => {}
        }
    }
    read_foreign(&g.foreign, &mut set, &mut out);
    for y in crosswalks {
        read_crosswalk(y, &set.known, &mut out);
    }
    for y in controls {
        let before = out.problems.len();
        read_controls(y, &set, &mut out);
        if out.problems.len() > before + MAX_PROBLEMS {
            break;
        }
    }
    out
}

/// The kind of a YAML file, or `None` when it is passed over, skipped or refused (said in `out`).
fn kind_of(y: &YamlFile, options: &ImportOptions, out: &mut Read) -> Option<FileKind> {
    let kind = catalog::file_kind(&y.node);
    match kind {
        // A catalog or crosswalk changes what every control covers: one
        // found in a library folder is taken only when asked for.
        Some(k @ (FileKind::Catalog | FileKind::Crosswalk))
            if !y.named && !options.with_catalogs =>
        {
            out.passed_over.push(Skipped {
                path: y.display.clone(),
                reason: format!(
                    "a {} found in a folder; import it with --with-catalogs, or name the file",
                    if matches!(k, FileKind::Catalog) {
                        "framework catalog"
                    } else {
                        "crosswalk"
                    }
                ),
            });
            None
        }
        Some(k) => Some(k),
        // YAML found in a folder that is not ours (evidence, CI config…) is skipped and reported.
        None if !y.named => {
            out.skipped.push(y.display.clone());
            None
        }
        None => {
            out.problems.push(y.node.problem(&y.display, "not a Crosswalk file: expected a top-level `controls:` list (or `requirements:` for a catalog, `links:` for a crosswalk)"));
            None
        }
    }
}

fn yaml_source(y: &YamlFile) -> Source {
    Source {
        display: y.display.clone(),
        source_file: canonical(&y.path),
        sha: y.sha.clone(),
        ..Default::default()
    }
}

fn canonical(path: &Path) -> String {
    path.canonicalize()
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

fn read_catalog(y: &YamlFile, set: &mut Setting<'_>, out: &mut Read) {
    match catalog::parse_catalog(&y.display, &y.node) {
        Ok(c) if set.shipped.contains(&c.framework.id) => out.problems.push(y.node.problem(
            &y.display,
            format!(
                "framework `{}` ships with Crosswalk; give your catalog another id",
                c.framework.id
            ),
        )),
        Ok(c) => {
            set.known.add_catalog(&c);
            out.sources.push(Source {
                catalogs: vec![c],
                ..yaml_source(y)
            });
        }
        Err(mut p) => out.problems.append(&mut p),
    }
}

/// Foreign files, through their importers (catalogs and standards first).
fn read_foreign(foreign: &[interop::Foreign], set: &mut Setting<'_>, out: &mut Read) {
    let got = interop::read_all(foreign, &mut set.known, set.interop, &mut out.problems);
    for (f, mut imported) in got {
        imported.catalogs.retain(|c| {
            let shipped = set.shipped.contains(&c.framework.id);
            if shipped {
                out.problems.push(interop::problem(
                    &f.display,
                    1,
                    1,
                    format!(
                        "framework `{}` ships with Crosswalk; this file would replace it",
                        c.framework.id
                    ),
                ));
            }
            !shipped
        });
        out.sources.push(Source::foreign(f, imported));
    }
}

fn read_crosswalk(y: &YamlFile, known: &Known, out: &mut Read) {
    let resolve = |fw: &str, r: &str| {
        known
            .refs
            .get(fw)
            .and_then(|m| m.get(&ref_key(r)))
            .map(|(r, _)| r.clone())
    };
    let fw_known = |fw: &str| known.refs.contains_key(fw);
    match catalog::parse_crosswalk(&y.display, &y.node, &resolve, &fw_known) {
        Ok(links) => out.sources.push(Source {
            links,
            ..yaml_source(y)
        }),
        Err(mut p) => out.problems.append(&mut p),
    }
}

fn read_controls(y: &YamlFile, set: &Setting<'_>, out: &mut Read) {
    let cx = control_yaml::Context {
        base: y.path.parent().unwrap_or(Path::new(".")),
        confinement: set.confinement,
        known: &set.known,
        today: set.today,
    };
    let controls = read_control_file(&y.display, &y.node, &cx, &mut out.problems);
    out.sources.push(Source {
        controls,
        ..yaml_source(y)
    });
}
