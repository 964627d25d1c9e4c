//! Importing Crosswalk YAML: control libraries (the main way data enters),
//! and user-written framework catalogs and crosswalks.
//!
//! All files are read and checked first; only when every file is clean is
//! anything written, in one transaction with one audit event. Re-importing
//! the same files changes nothing.
use crate::catalog::{self, Catalog, FileKind};
use crate::error::{Error, Problem, Result};
use crate::evidence::{self, Checked};
use crate::model::*;
use crate::text::{closest, ref_key};
use crate::workspace::{timestamp, Workspace};
use crate::yaml::{self, Node};
use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// More problems than this and the rest are summarised: the first ones are what a person fixes first.
const MAX_PROBLEMS: usize = 200;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Check and report, write nothing.
    pub dry_run: bool,
    /// Delete controls that disappeared from the files imported.
    pub prune: bool,
    /// Also import framework catalogs and crosswalks found inside folders
    /// (they change what every control covers; named directly they always import).
    pub with_catalogs: bool,
    /// Folders outside a library's own folder its evidence files may come from.
    pub allow_outside: Vec<PathBuf>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ControlChange {
    pub id: String,
    /// Which fields changed: title, description, …, mappings, evidence.
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub files: Vec<String>,
    pub added: Vec<String>,
    pub changed: Vec<ControlChange>,
    pub unchanged: Vec<String>,
    /// Deleted because they disappeared from their file (with `prune`).
    pub removed: Vec<String>,
    /// Gone from their file but kept (without `prune`).
    pub missing: Vec<String>,
    pub evidence_added: usize,
    pub evidence_updated: usize,
    pub evidence_unchanged: usize,
    pub frameworks: Vec<String>,
    pub crosswalk_links: usize,
    /// YAML files found in folders that are not Crosswalk files (left alone).
    pub skipped: Vec<String>,
    /// Files read as a foreign format (OSCAL, OpenControl, matrix), with the format.
    pub formats: Vec<crate::interop::FileFormat>,
    /// Matrices: how each column was read (the guess, or `--columns`).
    pub columns: Vec<crate::interop::FileColumns>,
    /// Cells or entries left out (`--skip-unknown`, references without a web address).
    pub skipped_cells: Vec<String>,
    /// Scopes written (OSCAL profiles, OpenControl certifications).
    pub scopes: Vec<String>,
    /// Files passed over and why: links out of the folder, FIFOs, catalogs and
    /// crosswalks in a folder without `with_catalogs`.
    pub passed_over: Vec<crate::input::Skipped>,
    /// Every evidence file the import reads (real paths), so a dry run shows them.
    pub evidence_files: Vec<String>,
    /// What the catalogs and crosswalks of this import change, one line each.
    pub catalog_changes: Vec<String>,
}

impl ImportReport {
    pub fn is_noop(&self) -> bool {
        self.added.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.evidence_added == 0
            && self.evidence_updated == 0
            && self.frameworks.is_empty()
            && self.crosswalk_links == 0
            && self.scopes.is_empty()
    }
}

#[derive(Debug, Clone)]
enum SpecSource {
    File(crate::input::ConfinedFile),
    Link(String),
    Note(String),
}

#[derive(Debug, Clone)]
struct EvidenceSpec {
    title: String,
    description: String,
    source: SpecSource,
    collected_on: NaiveDate,
    valid_until: Option<NaiveDate>,
    collected_by: Option<String>,
}

#[derive(Debug, Clone)]
struct ControlSpec {
    control: Control,
    evidence: Vec<EvidenceSpec>,
    source_file: String,
}

/// Requirements known to the import: the workspace's plus those of catalogs in the same import.
struct Known {
    /// framework → ref_key → (ref, assessable)
    refs: HashMap<String, HashMap<String, (String, bool)>>,
    /// framework → refs in catalog order, for hints
    ordered: HashMap<String, Vec<String>>,
    children: HashMap<(String, String), Vec<String>>,
}

impl Known {
    fn add(&mut self, r: &Requirement) {
        self.refs
            .entry(r.framework_id.clone())
            .or_default()
            .insert(ref_key(&r.reference), (r.reference.clone(), r.assessable));
        self.ordered
            .entry(r.framework_id.clone())
            .or_default()
            .push(r.reference.clone());
        if let Some(p) = &r.parent {
            self.children
                .entry((r.framework_id.clone(), p.clone()))
                .or_default()
                .push(r.reference.clone());
        }
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

impl Workspace {
    /// Imports control libraries (and catalogs, crosswalks) from files or folders.
    pub fn import(&mut self, paths: &[PathBuf], options: &ImportOptions) -> Result<ImportReport> {
        self.import_with(paths, options, &crate::interop::InteropOptions::default())
    }

    /// [`Workspace::import`], with the options only foreign formats use.
    pub fn import_with(
        &mut self,
        paths: &[PathBuf],
        options: &ImportOptions,
        interop: &crate::interop::InteropOptions,
    ) -> Result<ImportReport> {
        let (paths, mut foreign) = crate::interop::split_projects(paths);
        let (found, mut passed_over) = if paths.is_empty() && !foreign.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            collect_files(&paths)?
        };
        let confinement = crate::input::Confinement::new(&options.allow_outside)?;
        let mut problems: Vec<Problem> = Vec::new();
        let mut parsed: Vec<(PathBuf, String, Node, String)> = Vec::new();
        let mut skipped = Vec::new();
        let explicit: HashMap<PathBuf, bool> = found.iter().cloned().collect();
        let files: Vec<PathBuf> = found.into_iter().map(|(p, _)| p).collect();
        for path in &files {
            let display = path.display().to_string();
            let bytes = match crate::input::read_untrusted(path, crate::interop::MAX_FILE_BYTES) {
                Ok(b) => b,
                Err(e) => {
                    problems.extend(e.problems().iter().cloned());
                    continue;
                }
            };
            let sha = crate::hash::sha256_hex(&bytes);
            if explicit[path] {
                match crate::interop::detect(&bytes) {
                    Some(Ok(format)) => {
                        foreign.push(crate::interop::Foreign::file(path, format, bytes, sha));
                        continue;
                    }
                    Some(Err(message)) => {
                        problems.push(Problem {
                            location: crate::Location {
                                file: display,
                                line: 1,
                                column: 1,
                            },
                            message,
                        });
                        continue;
                    }
                    None => {}
                }
            }
            match yaml::parse(&display, &bytes) {
                Ok(node) => parsed.push((path.clone(), display, node, sha)),
                Err(p) => problems.push(p),
            }
        }

        let mut known = Known {
            refs: HashMap::new(),
            ordered: HashMap::new(),
            children: HashMap::new(),
        };
        for r in self.requirements("")? {
            known.add(&r);
        }
        let shipped: HashSet<String> = self.frameworks()?.into_iter().map(|f| f.id).collect();
        let mut catalogs: Vec<(Catalog, String)> = Vec::new();
        let mut crosswalk_nodes = Vec::new();
        let mut control_nodes = Vec::new();
        for (path, display, node, sha) in &parsed {
            let kind = catalog::file_kind(node);
            // A catalog or crosswalk changes what every control covers: one
            // found in a library folder is taken only when asked for.
            if matches!(kind, Some(FileKind::Catalog | FileKind::Crosswalk))
                && !explicit[path]
                && !options.with_catalogs
            {
                passed_over.push(crate::input::Skipped {
                    path: display.clone(),
                    reason: format!(
                        "a {} found in a folder; import it with --with-catalogs, or name the file",
                        if matches!(kind, Some(FileKind::Catalog)) {
                            "framework catalog"
                        } else {
                            "crosswalk"
                        }
                    ),
                });
                continue;
            }
            match kind {
                Some(FileKind::Catalog) => match catalog::parse_catalog(display, node) {
                    Ok(c) => {
                        if shipped.contains(&c.framework.id) && self.is_shipped(&c.framework.id)? {
                            problems.push(node.problem(display, format!("framework `{}` ships with Crosswalk; give your catalog another id", c.framework.id)));
                        } else {
                            for r in &c.requirements {
                                known.add(r);
                            }
                            catalogs.push((c, sha.clone()));
                        }
                    }
                    Err(mut p) => problems.append(&mut p),
                },
                Some(FileKind::Crosswalk) => crosswalk_nodes.push((display, node)),
                Some(FileKind::Controls) => control_nodes.push((path, display, node)),
                // YAML found in a folder that is not ours (evidence, CI config…) is skipped and reported.
                None if !explicit[path] => skipped.push(display.clone()),
                None => problems.push(node.problem(display, "not a Crosswalk file: expected a top-level `controls:` list (or `requirements:` for a catalog, `links:` for a crosswalk)")),
            }
        }
        let mut links = Vec::new();
        let mut specs: Vec<ControlSpec> = Vec::new();
        let mut first_seen: HashMap<String, (String, usize)> = HashMap::new();
        // Foreign formats: translated by `interop`, then checked and written like YAML.
        let mut extras = crate::interop::Extras::default();
        if !foreign.is_empty() {
            let mut all = self.requirements("")?;
            for (c, _) in &catalogs {
                all.extend(c.requirements.iter().cloned());
            }
            let mut fws = self.frameworks()?;
            fws.extend(catalogs.iter().map(|(c, _)| c.framework.clone()));
            let mut iknown = crate::interop::Known::new(fws, &all);
            for (f, got) in crate::interop::read_all(&foreign, &mut iknown, interop, &mut problems)
            {
                for c in got.catalogs {
                    if shipped.contains(&c.framework.id) && self.is_shipped(&c.framework.id)? {
                        problems.push(Problem {
                            location: crate::Location {
                                file: f.display.clone(),
                                line: 1,
                                column: 1,
                            },
                            message: format!(
                                "framework `{}` ships with Crosswalk; this file would replace it",
                                c.framework.id
                            ),
                        });
                        continue;
                    }
                    for r in &c.requirements {
                        known.add(r);
                    }
                    catalogs.push((c, f.sha.clone()));
                }
                if !got.links.is_empty() {
                    links.push((f.display.clone(), got.links));
                }
                for ic in got.controls {
                    let id = ic.control.id.clone();
                    if let Some((file, first)) = first_seen.get(&id) {
                        problems.push(Problem { location: crate::Location { file: f.display.clone(), line: 0, column: 0 }, message: format!("{}: duplicate control id `{id}` (first defined at {file}:{first}); ids must be unique across all files", f.display) });
                        continue;
                    }
                    first_seen.insert(id.clone(), (f.display.clone(), 0));
                    let evidence = ic.links.into_iter().map(|(title, url, description)| {
                        let key = format!("{id}/{title}");
                        // OpenControl gives no date: the link is dated the day it was first imported.
                        let collected_on = self.conn.query_row("SELECT collected_on FROM evidence WHERE import_key = ?1 AND removed_at IS NULL", [&key], |r| r.get::<_, String>(0)).ok().and_then(|d| crate::dates::parse_date(&d).ok()).unwrap_or(self.today());
                        EvidenceSpec { title, description, source: SpecSource::Link(url), collected_on, valid_until: None, collected_by: None }
                    }).collect();
                    specs.push(ControlSpec {
                        control: ic.control,
                        evidence,
                        source_file: f.source_file.clone(),
                    });
                }
                extras.add(f, got.scopes, got.columns, got.skipped_cells);
            }
        }
        for (display, node) in &crosswalk_nodes {
            let resolve = |fw: &str, r: &str| {
                known
                    .refs
                    .get(fw)
                    .and_then(|m| m.get(&ref_key(r)))
                    .map(|(r, _)| r.clone())
            };
            let fw_known = |fw: &str| known.refs.contains_key(fw);
            match catalog::parse_crosswalk(display, node, &resolve, &fw_known) {
                Ok(l) => links.push(((*display).clone(), l)),
                Err(mut p) => problems.append(&mut p),
            }
        }
        for (path, display, node) in &control_nodes {
            let base = path.parent().unwrap_or(Path::new("."));
            let source_file = path
                .canonicalize()
                .unwrap_or_else(|_| (*path).clone())
                .display()
                .to_string();
            let before = problems.len();
            let entries = read_control_file(
                display,
                node,
                &(base, &confinement),
                &known,
                self.today(),
                &mut problems,
            );
            for (spec, line) in entries {
                if let Some((file, first)) = first_seen.get(&spec.control.id) {
                    problems.push(Problem {
                        location: crate::Location { file: (*display).clone(), line, column: 7 },
                        message: format!("duplicate control id `{}` (first defined at {file}:{first}); ids must be unique across all files", spec.control.id),
                    });
                    continue;
                }
                first_seen.insert(spec.control.id.clone(), ((*display).clone(), line));
                specs.push(ControlSpec {
                    source_file: source_file.clone(),
                    ..spec
                });
            }
            if problems.len() > before + MAX_PROBLEMS {
                break;
            }
        }
        if !problems.is_empty() {
            problems.sort_by(|a, b| {
                (&a.location.file, a.location.line, a.location.column).cmp(&(
                    &b.location.file,
                    b.location.line,
                    b.location.column,
                ))
            });
            if problems.len() > MAX_PROBLEMS {
                let more = problems.len() - MAX_PROBLEMS;
                problems.truncate(MAX_PROBLEMS);
                let last = problems.last().unwrap().location.clone();
                problems.push(Problem {
                    location: last,
                    message: format!("… and {more} more problems"),
                });
            }
            return Err(Error::Invalid(problems));
        }
        let mut files: Vec<PathBuf> = parsed.iter().map(|(p, ..)| p.clone()).collect();
        files.extend(foreign.iter().map(|f| f.path.clone()));
        let mut report =
            self.apply_import(&files, &parsed, catalogs, links, specs, extras, options)?;
        report.skipped = skipped;
        report.passed_over = passed_over;
        Ok(report)
    }

    /// One line per catalog and crosswalk file of an import, saying what it
    /// changes, so nobody adopts a changed crosswalk without seeing it.
    fn describe_catalog_changes(
        &self,
        catalogs: &[(Catalog, String)],
        links: &[(String, Vec<CrosswalkLink>)],
    ) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for (c, _) in catalogs {
            let before: i64 = self.conn.query_row(
                "SELECT count(*) FROM requirements WHERE framework_id = ?1",
                [&c.framework.id],
                |r| r.get(0),
            )?;
            out.push(if before == 0 {
                format!(
                    "adds framework {} with {} requirements",
                    c.framework.id,
                    c.requirements.len()
                )
            } else {
                format!(
                    "replaces framework {} ({before} requirements) with {} requirements",
                    c.framework.id,
                    c.requirements.len()
                )
            });
        }
        for (origin, l) in links {
            let before: i64 = self.conn.query_row(
                "SELECT count(*) FROM crosswalk_links WHERE origin = ?1",
                [origin],
                |r| r.get(0),
            )?;
            let mut pairs: Vec<String> = l
                .iter()
                .map(|x| format!("{} → {}", x.from_framework, x.to_framework))
                .collect();
            pairs.sort();
            pairs.dedup();
            out.push(format!(
                "{origin}: {} crosswalk links ({}){}; requirements reached by a link can show as covered via crosswalk",
                l.len(),
                pairs.join(", "),
                if before > 0 {
                    format!(", replacing {before} links from this file")
                } else {
                    String::new()
                }
            ));
        }
        Ok(out)
    }

    fn is_shipped(&self, framework: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT shipped FROM frameworks WHERE id = ?1",
            [framework],
            |r| r.get(0),
        )?)
    }

    // One argument per kind of thing an import writes; bundling them would only rename the list.
    #[allow(clippy::too_many_arguments)]
    fn apply_import(
        &mut self,
        files: &[PathBuf],
        parsed: &[(PathBuf, String, Node, String)],
        catalogs: Vec<(Catalog, String)>,
        links: Vec<(String, Vec<CrosswalkLink>)>,
        specs: Vec<ControlSpec>,
        extras: crate::interop::Extras,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        // The write lock is taken before the plan is made: two imports of the
        // same file at once then run one after the other, and the second sees
        // the first's rows instead of failing on a unique constraint.
        let lock = if options.dry_run {
            None
        } else {
            Some(self.begin()?)
        };
        let mut report = ImportReport {
            dry_run: options.dry_run,
            files: files.iter().map(|f| f.display().to_string()).collect(),
            formats: extras.formats.clone(),
            columns: extras.columns.clone(),
            skipped_cells: extras.skipped_cells.clone(),
            scopes: extras.scopes.iter().map(|s| s.id.clone()).collect(),
            ..Default::default()
        };
        let existing: HashMap<String, Control> = self
            .controls()?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        let source_of: HashMap<String, Option<String>> = {
            let mut stmt = self.conn.prepare("SELECT id, source_file FROM controls")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let imported_files: HashSet<&str> = specs.iter().map(|s| s.source_file.as_str()).collect();
        let new_ids: HashSet<&str> = specs.iter().map(|s| s.control.id.as_str()).collect();
        let mut gone: Vec<String> = source_of
            .iter()
            .filter(|(id, src)| {
                src.as_deref().is_some_and(|s| imported_files.contains(s))
                    && !new_ids.contains(id.as_str())
            })
            .map(|(id, _)| id.clone())
            .collect();
        gone.sort();

        // Evidence declared in YAML is keyed "CONTROL/title".
        let existing_evidence: HashMap<String, Evidence> = {
            let keyed: Vec<(i64, String)> = {
                let mut stmt = self.conn.prepare("SELECT id, import_key FROM evidence WHERE import_key IS NOT NULL AND removed_at IS NULL")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let all: HashMap<i64, Evidence> = evidence::load(
                &self.conn,
                "e.import_key IS NOT NULL AND e.removed_at IS NULL",
                &[],
            )?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
            keyed
                .into_iter()
                .filter_map(|(id, key)| all.get(&id).cloned().map(|e| (key, e)))
                .collect()
        };

        // Plan every change before writing anything.
        struct EvidencePlan<'a> {
            key: String,
            control: &'a str,
            spec: &'a EvidenceSpec,
            existing: Option<&'a Evidence>,
            blob: Option<evidence::Blob>,
            file_name: String,
        }
        let mut plans: Vec<EvidencePlan> = Vec::new();
        let mut changed_evidence_controls: HashSet<&str> = HashSet::new();
        for s in &specs {
            for e in &s.evidence {
                let key = format!("{}/{}", s.control.id, e.title);
                let old = existing_evidence.get(&key);
                let (blob, file_name) = match &e.source {
                    SpecSource::File(confined) => {
                        let (f, meta) = confined.open()?;
                        let sha = evidence::hash_open_file(f, meta.len(), &mut |_, _| {}).map_err(
                            |err| {
                                Error::io(
                                    format!(
                                        "cannot read evidence file {}",
                                        confined.path.display()
                                    ),
                                    err,
                                )
                            },
                        )?;
                        let size = meta.len();
                        (
                            Some(evidence::Blob { sha256: sha, size }),
                            confined
                                .path
                                .file_name()
                                .map(|n| n.to_string_lossy().to_string())
                                .unwrap_or_default(),
                        )
                    }
                    _ => (None, String::new()),
                };
                // A pruned and restored control must get its link back, so an unlinked row is not "same".
                let same = old.is_some_and(|o| {
                    evidence_matches(o, e, blob.as_ref()) && o.controls.contains(&s.control.id)
                });
                match (old, same) {
                    (None, _) => report.evidence_added += 1,
                    (Some(_), false) => report.evidence_updated += 1,
                    (Some(_), true) => {
                        report.evidence_unchanged += 1;
                        continue;
                    }
                }
                changed_evidence_controls.insert(s.control.id.as_str());
                plans.push(EvidencePlan {
                    key,
                    control: &s.control.id,
                    spec: e,
                    existing: old,
                    blob,
                    file_name,
                });
            }
        }
        for s in &specs {
            match existing.get(&s.control.id) {
                None => report.added.push(s.control.id.clone()),
                Some(old) => {
                    let mut fields = control_diff(old, &s.control);
                    if changed_evidence_controls.contains(s.control.id.as_str()) {
                        fields.push("evidence".into());
                    }
                    if fields.is_empty() {
                        report.unchanged.push(s.control.id.clone());
                    } else {
                        report.changed.push(ControlChange {
                            id: s.control.id.clone(),
                            fields,
                        });
                    }
                }
            }
        }
        if options.prune {
            report.removed = gone;
        } else {
            report.missing = gone;
        }
        report.frameworks = catalogs
            .iter()
            .map(|(c, _)| c.framework.id.clone())
            .collect();
        report.crosswalk_links = links.iter().map(|(_, l)| l.len()).sum();
        let mut evidence_files: Vec<String> = specs
            .iter()
            .flat_map(|s| &s.evidence)
            .filter_map(|e| match &e.source {
                SpecSource::File(c) => Some(c.path.display().to_string()),
                _ => None,
            })
            .collect();
        evidence_files.sort();
        evidence_files.dedup();
        report.evidence_files = evidence_files;
        report.catalog_changes = self.describe_catalog_changes(&catalogs, &links)?;
        if options.dry_run || report.is_noop() {
            return Ok(report);
        }

        // Blobs go into the vault before the transaction: they are content
        // addressed, so a failed import leaves at most an unreferenced blob.
        for plan in &mut plans {
            if let SpecSource::File(confined) = &plan.spec.source {
                let (mut f, meta) = confined.open()?;
                let what = confined.path.display().to_string();
                plan.blob = Some(
                    self.vault()
                        .put(&mut f, &what, meta.len(), &mut |_, _| {})?,
                );
            }
        }

        let now = timestamp(crate::now());
        let tx = lock.expect("not a dry run");
        let mut states: BTreeMap<String, Option<String>> = BTreeMap::new();
        for (catalog, sha) in &catalogs {
            self.store_user_catalog(&tx, catalog, sha)?;
        }
        for (origin, l) in &links {
            tx.execute("DELETE FROM crosswalk_links WHERE origin = ?1", [origin])?;
            crate::workspace::insert_links(&tx, l, origin)?;
        }
        crate::interop::scope::store(&tx, &extras.scopes)?;
        // Recorded after both, since a catalog can drop requirements links pointed at.
        for (catalog, _) in &catalogs {
            let id = &catalog.framework.id;
            states.insert(
                format!("framework:{id}"),
                Some(crate::verify::framework_digest(&tx, id)?),
            );
        }
        for (origin, _) in &links {
            states.insert(
                format!("crosswalk:{origin}"),
                crate::verify::links_digest(&tx, origin)?,
            );
        }
        let touched: HashSet<&str> = report
            .added
            .iter()
            .map(String::as_str)
            .chain(report.changed.iter().map(|c| c.id.as_str()))
            .collect();
        for s in specs
            .iter()
            .filter(|s| touched.contains(s.control.id.as_str()))
        {
            upsert_control(&tx, &s.control, &s.source_file, &now)?;
        }
        // Evidence stays (it may serve other controls); only the links to the pruned controls go.
        states.extend(evidence::states_after_unlinking(&tx, &report.removed)?);
        for id in &report.removed {
            states.insert(format!("control:{id}"), None);
        }
        for plan in &plans {
            let checked = Checked {
                title: plan.spec.title.clone(),
                collected_on: plan.spec.collected_on,
                valid_until: plan.spec.valid_until,
                collected_by: plan
                    .spec
                    .collected_by
                    .clone()
                    .unwrap_or_else(|| self.actor().to_string()),
            };
            let (kind, url, note) = match &plan.spec.source {
                SpecSource::File(_) => (EvidenceKind::File, None, None),
                SpecSource::Link(u) => (EvidenceKind::Link, Some(u.as_str()), None),
                SpecSource::Note(n) => (EvidenceKind::Note, None, Some(n.as_str())),
            };
            let id = match plan.existing {
                None => evidence::insert_evidence(
                    &tx,
                    kind,
                    &checked,
                    &plan.spec.description,
                    url,
                    note,
                    Some(&plan.key),
                    &[plan.control.to_string()],
                    &now,
                )?,
                Some(old) => {
                    tx.execute(
                        "UPDATE evidence SET kind=?2, title=?3, description=?4, url=?5, note=?6, collected_by=?7, collected_on=?8, valid_until=?9 WHERE id=?1",
                        params![old.id, kind.as_str(), checked.title, plan.spec.description, url, note, checked.collected_by, checked.collected_on.to_string(), checked.valid_until.map(|d| d.to_string())],
                    )?;
                    tx.execute("INSERT OR IGNORE INTO evidence_controls (evidence_id, control_id) VALUES (?1, ?2)", params![old.id, plan.control])?;
                    old.id
                }
            };
            if let Some(blob) = &plan.blob {
                let current = plan.existing.and_then(|o| o.current_revision());
                if current.map(|r| &r.sha256) != Some(&blob.sha256) {
                    let number = current.map(|r| r.number + 1).unwrap_or(1);
                    evidence::insert_revision(&tx, id, number, blob, &plan.file_name, &now)?;
                }
            }
            states.insert(
                format!("import-key:{id}"),
                Some(crate::verify::import_key_digest(&plan.key)),
            );
            let e = evidence::load(&tx, "e.id = ?1", &[&id])?
                .pop()
                .expect("just written");
            states.insert(format!("evidence:{id}"), Some(evidence::state_digest(&e)));
        }
        let stored: HashMap<String, Control> = crate::workspace::load_controls(&tx)?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        for id in &touched {
            if let Some(c) = stored.get(*id) {
                states.insert(format!("control:{id}"), Some(control_digest(c)));
            }
        }
        let summary = format!(
            "Imported {} file(s): {} added, {} changed, {} unchanged, {} removed; evidence {} added, {} updated",
            files.len(),
            report.added.len(),
            report.changed.len(),
            report.unchanged.len(),
            report.removed.len(),
            report.evidence_added,
            report.evidence_updated
        );
        let mut file_hashes: Vec<_> = parsed
            .iter()
            .map(|(_, d, _, sha)| json!({"file": d, "sha256": sha}))
            .collect();
        file_hashes.extend(
            extras
                .hashes
                .iter()
                .map(|(d, sha, format)| json!({"file": d, "sha256": sha, "format": format})),
        );
        self.record(
            &tx,
            "import",
            "controls",
            summary,
            json!({
                "files": file_hashes,
                "added": report.added,
                "changed": report.changed.iter().map(|c| &c.id).collect::<Vec<_>>(),
                "removed": report.removed,
                "frameworks": report.frameworks,
                "crosswalk_links": report.crosswalk_links,
                "scopes": report.scopes,
                "skipped_cells": report.skipped_cells,
                "states": states,
            }),
        )?;
        tx.commit()?;
        Ok(report)
    }
}

pub(crate) fn control_digest(c: &Control) -> String {
    crate::hash::sha256_hex(
        serde_json::to_string(c)
            .expect("control serializes")
            .as_bytes(),
    )
}

pub(crate) fn upsert_control(
    conn: &rusqlite::Connection,
    c: &Control,
    source_file: &str,
    now: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO controls (id, title, description, category, owner, status, review_every_days, source_file, created_at, updated_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?9)
         ON CONFLICT(id) DO UPDATE SET title=excluded.title, description=excluded.description, category=excluded.category,
           owner=excluded.owner, status=excluded.status, review_every_days=excluded.review_every_days,
           source_file=COALESCE(excluded.source_file, controls.source_file), updated_at=excluded.updated_at",
        params![c.id, c.title, c.description, c.category, c.owner, c.status.as_str(), c.review_every_days, if source_file.is_empty() { None } else { Some(source_file) }, now],
    )?;
    conn.execute("DELETE FROM mappings WHERE control_id = ?1", [&c.id])?;
    let mut stmt = conn.prepare("INSERT INTO mappings (control_id, framework_id, ref, coverage, rationale, position) VALUES (?1,?2,?3,?4,?5,?6)")?;
    for (i, m) in c.mappings.iter().enumerate() {
        stmt.execute(params![
            c.id,
            m.framework_id,
            m.reference,
            m.coverage.as_str(),
            m.rationale,
            i as i64
        ])?;
    }
    Ok(())
}

fn control_diff(old: &Control, new: &Control) -> Vec<String> {
    let mut f = Vec::new();
    let mut check = |name: &str, differs: bool| {
        if differs {
            f.push(name.to_string());
        }
    };
    check("title", old.title != new.title);
    check("description", old.description != new.description);
    check("category", old.category != new.category);
    check("owner", old.owner != new.owner);
    check("status", old.status != new.status);
    check(
        "review_every",
        old.review_every_days != new.review_every_days,
    );
    check("maps", old.mappings != new.mappings);
    f
}

fn evidence_matches(old: &Evidence, spec: &EvidenceSpec, blob: Option<&evidence::Blob>) -> bool {
    let source_same = match &spec.source {
        SpecSource::File(_) => {
            old.kind == EvidenceKind::File
                && old.current_revision().map(|r| &r.sha256) == blob.map(|b| &b.sha256)
        }
        SpecSource::Link(u) => {
            old.kind == EvidenceKind::Link && old.url.as_deref() == Some(u.as_str())
        }
        SpecSource::Note(n) => {
            old.kind == EvidenceKind::Note && old.note.as_deref() == Some(n.as_str())
        }
    };
    source_same
        && old.description == spec.description
        && old.collected_on == spec.collected_on
        && old.valid_until == spec.valid_until
        && spec
            .collected_by
            .as_ref()
            .is_none_or(|c| c == &old.collected_by)
}

/// The folder of the file being read, and where its evidence may come from.
type EvidenceBase<'a> = (&'a Path, &'a crate::input::Confinement);

/// Reads one control file; returns each control with the line it starts on.
fn read_control_file(
    file: &str,
    root: &Node,
    base: &EvidenceBase<'_>,
    known: &Known,
    today: NaiveDate,
    problems: &mut Vec<Problem>,
) -> Vec<(ControlSpec, usize)> {
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
    let mut out = Vec::new();
    for item in items {
        if let Some(spec) = read_control(file, item, base, known, today, problems) {
            out.push((spec, item.line));
        }
    }
    out
}

fn read_control(
    file: &str,
    node: &Node,
    base: &EvidenceBase<'_>,
    known: &Known,
    today: NaiveDate,
    problems: &mut Vec<Problem>,
) -> Option<ControlSpec> {
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
    let status = match f.required_text("status", &what) {
        Ok(s) => crate::validate::control_status(s)
            .map_err(|m| problems.push(f.get("status").unwrap().problem(file, m)))
            .ok(),
        Err(p) => {
            problems.push(p);
            None
        }
    };
    let review_every_days = match f.get("review_every") {
        None => None,
        Some(n) => match n
            .text(file, "`review_every`")
            .map_err(|p| p.message)
            .and_then(crate::dates::parse_days)
        {
            Ok(d) => Some(d),
            Err(m) => {
                problems.push(n.problem(file, m));
                None
            }
        },
    };
    let mappings = f
        .get("maps")
        .map(|n| read_maps(file, n, known, problems))
        .unwrap_or_default();
    let evidence = match f.get("evidence") {
        None => Vec::new(),
        Some(n) => match n.seq(file, "`evidence`") {
            Ok(items) => {
                let mut titles: HashMap<String, usize> = HashMap::new();
                items
                    .iter()
                    .filter_map(|item| {
                        let spec = read_evidence(file, item, base, review_every_days, today, problems)?;
                        if let Some(first) = titles.insert(spec.title.clone(), item.line) {
                            problems.push(item.problem(file, format!("duplicate evidence title `{}` in this control (first at line {first}); titles identify evidence on re-import", spec.title)));
                        }
                        Some(spec)
                    })
                    .collect()
            }
            Err(p) => {
                problems.push(p);
                Vec::new()
            }
        },
    };
    if problems.len() > before {
        return None;
    }
    Some(ControlSpec {
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
        source_file: String::new(),
    })
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
        let Some(refs) = known.refs.get(fw) else {
            let mut ids: Vec<&str> = known.refs.keys().map(String::as_str).collect();
            ids.sort();
            let hint = closest(fw, ids.iter().copied())
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            problems.push(key.problem(
                file,
                format!(
                    "unknown framework `{fw}`; {hint}known frameworks: {}",
                    ids.join(", ")
                ),
            ));
            continue;
        };
        let items: Vec<&Node> = match &value.value {
            yaml::Value::Seq(items) => items.iter().collect(),
            yaml::Value::Scalar { .. } if !value.is_null() => vec![value],
            _ => {
                problems.push(value.problem(
                    file,
                    format!(
                        "`{fw}` must be a list of requirement refs, e.g. {fw}: [\"{}\"]",
                        known.ordered[fw].last().cloned().unwrap_or_default()
                    ),
                ));
                continue;
            }
        };
        let mut seen = HashSet::new();
        for item in items {
            let (text, at, coverage, rationale) = match &item.value {
                yaml::Value::Scalar { .. } => match item.text(file, "a requirement ref") {
                    Ok(t) => (t, item, MappingCoverage::Full, None),
                    Err(p) => {
                        problems.push(p);
                        continue;
                    }
                },
                yaml::Value::Map(_) => {
                    let m = item.map(file, "a mapping").expect("is a map");
                    problems.extend(m.unknown_keys(MAPPING_KEYS, "a mapping"));
                    let Ok(r) = m
                        .required_text("ref", "this mapping")
                        .map_err(|p| problems.push(p))
                    else {
                        continue;
                    };
                    let coverage = match m.optional_text("coverage") {
                        Ok(None) => MappingCoverage::Full,
                        Ok(Some(c)) => match MappingCoverage::parse(c) {
                            Some(c) => c,
                            None => {
                                problems.push(m.get("coverage").unwrap().problem(
                                    file,
                                    format!("coverage `{c}` must be `full` or `partial`"),
                                ));
                                continue;
                            }
                        },
                        Err(p) => {
                            problems.push(p);
                            continue;
                        }
                    };
                    let rationale = m
                        .optional_text("rationale")
                        .map_err(|p| problems.push(p))
                        .ok()
                        .flatten()
                        .map(|s| s.trim().to_string());
                    (r, m.get("ref").unwrap(), coverage, rationale)
                }
                yaml::Value::Seq(_) => {
                    problems.push(item.problem(file, "a requirement ref must be text or {ref, coverage, rationale}, found a list"));
                    continue;
                }
            };
            match refs.get(&ref_key(text)) {
                Some((canonical, true)) => {
                    if !seen.insert(canonical.clone()) {
                        problems
                            .push(at.problem(file, format!("`{text}` is listed twice under {fw}")));
                        continue;
                    }
                    out.push(Mapping {
                        framework_id: fw.to_string(),
                        reference: canonical.clone(),
                        coverage,
                        rationale,
                    });
                }
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
                }
                None => {
                    let hint = closest(text, known.ordered[fw].iter().map(String::as_str))
                        .map(|c| format!("; the closest {fw} requirement is `{c}`"))
                        .unwrap_or_default();
                    problems.push(
                        at.problem(file, format!("`{text}` is not a requirement of {fw}{hint}")),
                    );
                }
            }
        }
    }
    out
}

fn read_evidence(
    file: &str,
    node: &Node,
    base: &EvidenceBase<'_>,
    cadence: Option<u32>,
    today: NaiveDate,
    problems: &mut Vec<Problem>,
) -> Option<EvidenceSpec> {
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
    let description = f
        .optional_text("description")
        .map_err(|p| problems.push(p))
        .ok()
        .flatten()
        .unwrap_or("")
        .trim()
        .to_string();
    let collected_by = f
        .optional_text("collected_by")
        .map_err(|p| problems.push(p))
        .ok()
        .flatten()
        .map(|s| s.trim().to_string());
    let date = |key: &str, problems: &mut Vec<Problem>| -> Option<NaiveDate> {
        let n = f.get(key)?;
        match n
            .text(file, &format!("`{key}`"))
            .map_err(|p| p.message)
            .and_then(crate::dates::parse_date)
        {
            Ok(d) => Some(d),
            Err(m) => {
                problems.push(n.problem(file, m));
                None
            }
        }
    };
    if f.get("collected").is_none() {
        problems.push(node.problem(file, "this evidence entry is missing `collected` (the date the evidence was gathered, YYYY-MM-DD)"));
    }
    let collected_on = date("collected", problems);
    let valid_until = date("valid_until", problems);
    let valid_for = match f.get("valid_for") {
        None => None,
        Some(n) => match n
            .text(file, "`valid_for`")
            .map_err(|p| p.message)
            .and_then(crate::dates::parse_days)
        {
            Ok(d) => Some(d),
            Err(m) => {
                problems.push(n.problem(file, m));
                None
            }
        },
    };
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
    let sources: Vec<&str> = ["file", "url", "note"]
        .into_iter()
        .filter(|k| f.get(k).is_some())
        .collect();
    let source = match sources.as_slice() {
        [one] => {
            let n = f.get(one).unwrap();
            match n.text(file, &format!("`{one}`")) {
                Err(p) => {
                    problems.push(p);
                    None
                }
                Ok(t) => match *one {
                    "file" => match base.1.resolve(base.0, t.trim()) {
                        Ok(confined) => Some(SpecSource::File(confined)),
                        Err(message) => {
                            problems.push(n.problem(file, message));
                            None
                        }
                    },
                    "url" => match crate::validate::url(t) {
                        Ok(u) => Some(SpecSource::Link(u)),
                        Err(m) => {
                            problems.push(n.problem(file, m));
                            None
                        }
                    },
                    _ => Some(SpecSource::Note(t.trim().to_string())),
                },
            }
        }
        [] => {
            problems.push(node.problem(
                file,
                "this evidence entry needs one of `file`, `url` or `note`",
            ));
            None
        }
        _ => {
            problems.push(node.problem(
                file,
                format!(
                    "this evidence entry has {}; give exactly one of `file`, `url` or `note`",
                    sources.join(" and ")
                ),
            ));
            None
        }
    };
    if problems.len() > before {
        return None;
    }
    let collected_on = collected_on?;
    let valid_until = valid_until.or_else(|| {
        valid_for
            .or(cadence)
            .map(|d| collected_on + chrono::Duration::days(d as i64))
    });
    Some(EvidenceSpec {
        title: title?,
        description,
        source: source?,
        collected_on,
        valid_until,
        collected_by,
    })
}

/// Entry points for the fuzz targets (`fuzz/`): the checks of an import on
/// raw bytes, without a database. Not part of the stable API.
#[doc(hidden)]
pub mod fuzzing {
    use super::*;
    use std::sync::OnceLock;

    fn known() -> &'static Known {
        static KNOWN: OnceLock<Known> = OnceLock::new();
        KNOWN.get_or_init(|| {
            let mut k = Known {
                refs: HashMap::new(),
                ordered: HashMap::new(),
                children: HashMap::new(),
            };
            for (c, _) in catalog::shipped_catalogs().expect("shipped catalogs parse") {
                for r in &c.requirements {
                    k.add(r);
                }
            }
            k
        })
    }

    /// Parses `bytes` as a control file and runs every check on it; returns
    /// how many controls passed and the problems found. Evidence paths
    /// resolve against a folder that does not exist, so no file is read.
    pub fn check_control_file(bytes: &[u8]) -> (usize, Vec<Problem>) {
        let node = match yaml::parse("fuzz.yaml", bytes) {
            Ok(n) => n,
            Err(p) => return (0, vec![p]),
        };
        let mut problems = Vec::new();
        let confinement = crate::input::Confinement::default();
        let base = Path::new("/nonexistent-crosswalk-fuzz");
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date");
        let specs = read_control_file(
            "fuzz.yaml",
            &node,
            &(base, &confinement),
            known(),
            today,
            &mut problems,
        );
        (specs.len(), problems)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn the_fuzz_entry_point_checks_a_real_file() {
            let (n, p) = super::check_control_file(
                b"controls:\n  - id: A-1\n    title: A\n    status: planned\n    maps:\n      soc2: [CC6.1]\n",
            );
            assert_eq!((n, p.len()), (1, 0), "{p:?}");
            let (n, p) = super::check_control_file(b"controls: [1]\n");
            assert_eq!(n, 0);
            assert!(!p.is_empty());
        }
    }
}
