//! Gathering: from the paths a user named to the files of an import, read
//! and told apart.
//!
//! Promises:
//! - Every file is read through [`crate::input::read_untrusted`] (regular
//!   files only, never blocking, size capped); folders are walked without
//!   following links or leaving them.
//! - A file named directly is checked for a foreign format by its content;
//!   anything else is parsed as YAML. Reading and parse failures become
//!   problems with positions, so one bad file does not hide the others'.
//! - Nothing here looks at the workspace.
use crate::error::{Error, Problem, Result};
use crate::interop::{self, Foreign};
use crate::yaml::{self, Node};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A YAML file of an import, parsed.
pub(crate) struct YamlFile {
    pub path: PathBuf,
    pub display: String,
    pub node: Node,
    pub sha: String,
    /// Named directly (true) or found in a folder.
    pub named: bool,
}

/// The files of an import, before anything is checked against the workspace.
#[derive(Default)]
pub(crate) struct Gathered {
    pub yaml: Vec<YamlFile>,
    pub foreign: Vec<Foreign>,
    /// Links out of a folder, FIFOs… (and, later, catalogs found in folders).
    pub passed_over: Vec<crate::input::Skipped>,
    pub problems: Vec<Problem>,
}

/// Reads and sorts the files `paths` name (OpenControl projects, foreign
/// files, YAML).
pub(crate) fn gather(paths: &[PathBuf]) -> Result<Gathered> {
    let (paths, foreign) = interop::split_projects(paths);
    let mut out = Gathered {
        foreign,
        ..Default::default()
    };
    if paths.is_empty() && !out.foreign.is_empty() {
        return Ok(out);
    }
    let (found, passed_over) = collect_files(&paths)?;
    out.passed_over = passed_over;
    for (path, named) in found {
        read_one(path, named, &mut out);
    }
    Ok(out)
}

fn read_one(path: PathBuf, named: bool, out: &mut Gathered) {
    let display = path.display().to_string();
    let bytes = match crate::input::read_untrusted(&path, interop::MAX_FILE_BYTES) {
        Ok(b) => b,
        Err(e) => {
            out.problems.extend(e.problems().iter().cloned());
            return;
        }
    };
    let sha = crate::hash::sha256_hex(&bytes);
    if named {
        match interop::detect(&bytes) {
            Some(Ok(format)) => {
                out.foreign.push(Foreign::file(&path, format, bytes, sha));
                return;
            }
            Some(Err(message)) => {
                out.problems
                    .push(crate::interop::problem(&display, 1, 1, message));
                return;
            }
            None => {}
        }
    }
    match yaml::parse(&display, &bytes) {
        Ok(node) => out.yaml.push(YamlFile {
            path,
            display,
            node,
            sha,
            named,
        }),
        Err(p) => out.problems.push(p),
    }
}

/// The YAML files a list of paths names: files as given, folders searched for
/// `*.yaml`/`*.yml` (through [`crate::input::walk`]: no folder links followed,
/// nothing outside the folder). Each file comes with whether it was named
/// directly (true) or found in a folder; the second list is what was passed over.
#[allow(clippy::type_complexity)] // (files with "named directly", passed over)
pub fn collect_files(
    paths: &[PathBuf],
) -> Result<(Vec<(PathBuf, bool)>, Vec<crate::input::Skipped>)> {
    let is_yaml = |p: &Path| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
    let mut out = Vec::new();
    let mut passed_over = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let w = crate::input::walk(p, &is_yaml)?;
                out.extend(w.files.into_iter().map(|f| (f, false)));
                passed_over.extend(w.skipped);
            }
            Ok(m) if m.is_file() => out.push((p.clone(), true)),
            Ok(m) => {
                return Err(Error::Usage(format!(
                    "{} is {}; name a YAML file or a folder",
                    p.display(),
                    crate::input::kind_of(&m)
                )))
            }
            Err(_) => {
                return Err(Error::NotFound(format!(
                    "{}: no such file or folder",
                    p.display()
                )))
            }
        }
    }
    if out.is_empty() {
        return Err(Error::Usage(
            "no .yaml or .yml files found in the paths given".into(),
        ));
    }
    let mut seen = HashSet::new();
    out.retain(|(p, _)| seen.insert(p.canonicalize().unwrap_or_else(|_| p.clone())));
    Ok((out, passed_over))
}

/// Reads one input file for an import. Every importer (YAML and the
/// foreign formats in `interop`) reads through here, so limits on reading
/// apply to all of them.
pub(crate) fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    // One reading rule for every importer: crate::input's (regular files only,
    // never blocking, size checked before reading and capped while reading).
    crate::input::read_untrusted(path, crate::interop::MAX_FILE_BYTES).map_err(|e| {
        std::io::Error::other(
            e.problems()
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_else(|| e.to_string()),
        )
    })
}
