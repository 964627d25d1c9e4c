//! Planning: the sources of an import and what the workspace holds, in; the
//! changes to make and the problems that forbid them, out.
//!
//! Promises:
//! - Pure: no database, no files. What the workspace holds arrives as a
//!   [`Snapshot`] (plain data, read under the write lock), evidence files
//!   as their hashes.
//! - Control ids are unique across all the files of one import; problems
//!   are sorted by place and summarised past [`MAX_PROBLEMS`].
//! - Idempotent: sources equal to what is stored plan no write. A control
//!   is "changed" when a field or its evidence differs, and the plan says
//!   which fields; controls gone from a file they came from are prune
//!   candidates (removed with `prune`, else listed as missing).
use super::read::{Read, MAX_PROBLEMS};
use super::source::{ControlInput, EvidenceInput, EvidenceSource, Source};
use super::{ControlChange, ImportOptions, ImportReport};
use crate::catalog::Catalog;
use crate::error::Problem;
use crate::evidence::Blob;
use crate::interop::{scope::Scope, FileColumns, FileFormat};
use crate::model::{Control, CrosswalkLink, Evidence, EvidenceKind};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// What planning is told of the workspace and the disk, as plain data.
#[derive(Debug, Clone, Default)]
pub(crate) struct Snapshot {
    /// Stored controls by id.
    pub controls: HashMap<String, Control>,
    /// Control id → the file it was imported from, if any.
    pub source_of: HashMap<String, Option<String>>,
    /// Live evidence declared by an import, by its key `CONTROL/title`.
    pub evidence: HashMap<String, Evidence>,
    /// Requirements stored per framework (of the frameworks this import's catalogs name).
    pub requirement_counts: HashMap<String, i64>,
    /// Crosswalk links stored per origin (of the origins this import writes).
    pub link_counts: HashMap<String, i64>,
    /// Evidence files named by the import, hashed: real path → blob.
    pub blobs: HashMap<PathBuf, Blob>,
    /// Evidence without a date of its own is dated today when first imported.
    pub today: NaiveDate,
}

/// Everything an import writes, decided before anything is written.
#[derive(Debug)]
pub(crate) struct Plan {
    /// What the user is told (and what the audit event lists).
    pub report: ImportReport,
    /// User catalogs with the SHA-256 of the file they came from.
    pub catalogs: Vec<(Catalog, String)>,
    /// Crosswalk links by origin (the file that declares them).
    pub links: Vec<(String, Vec<CrosswalkLink>)>,
    pub scopes: Vec<Scope>,
    /// Controls added or changed, with the canonical path of their file.
    pub controls: Vec<(Control, String)>,
    /// Evidence rows to insert or update.
    pub evidence: Vec<EvidenceWrite>,
    /// Every file read, for the audit event: (file, sha256, foreign format).
    pub file_hashes: Vec<(String, String, Option<&'static str>)>,
}

/// One evidence row an import inserts (`existing` is `None`) or updates.
#[derive(Debug)]
pub(crate) struct EvidenceWrite {
    /// `CONTROL/title`: how the row is found again on re-import.
    pub key: String,
    pub control: String,
    pub input: EvidenceInput,
    pub collected_on: NaiveDate,
    pub existing: Option<Evidence>,
    /// For files: the content's hash (replaced by the vault's answer when stored).
    pub blob: Option<Blob>,
    pub file_name: String,
}

/// Every problem of the files read, with those only seen across files
/// (duplicate control ids); sorted by place, the first [`MAX_PROBLEMS`] kept.
pub(crate) fn problems(read: &Read) -> Vec<Problem> {
    let mut problems = read.problems.clone();
    problems.extend(duplicate_ids(&read.sources));
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
    problems
}

/// Control ids are unique across all the files of one import.
fn duplicate_ids(sources: &[Source]) -> Vec<Problem> {
    let mut first_seen: HashMap<&str, (&str, usize)> = HashMap::new();
    let mut out = Vec::new();
    for s in sources {
        for c in &s.controls {
            let id = c.control.id.as_str();
            let Some((file, first)) = first_seen.get(id) else {
                first_seen.insert(id, (&s.display, c.line));
                continue;
            };
            let message = format!("duplicate control id `{id}` (first defined at {file}:{first}); ids must be unique across all files");
            out.push(if s.format.is_some() {
                // Foreign formats have no lines: the file is named in the message.
                crate::interop::problem(&s.display, 0, 0, format!("{}: {message}", s.display))
            } else {
                crate::interop::problem(&s.display, c.line, 7, message)
            });
        }
    }
    out
}

/// The plan for sources without problems, against `snapshot`.
pub(crate) fn plan(read: Read, snapshot: &Snapshot, options: &ImportOptions) -> Plan {
    let sources = read.sources;
    let mut report = ImportReport {
        dry_run: options.dry_run,
        files: (read.yaml_files.iter().map(|(p, ..)| p))
            .chain(&read.foreign_paths)
            .map(|p| p.display().to_string())
            .collect(),
        skipped: read.skipped,
        passed_over: read.passed_over,
        ..Default::default()
    };
    add_foreign_facts(&sources, &mut report);
    let controls: Vec<(&ControlInput, &str)> = (sources.iter())
        .flat_map(|s| s.controls.iter().map(|c| (c, s.source_file.as_str())))
        .collect();
    let evidence = plan_evidence(&controls, snapshot, &mut report);
    let changed_evidence: HashSet<&str> = evidence.iter().map(|w| w.control.as_str()).collect();
    let touched = diff_controls(&controls, snapshot, &changed_evidence, &mut report);
    let gone = prune_candidates(&controls, snapshot);
    if options.prune {
        report.removed = gone;
    } else {
        report.missing = gone;
    }
    let catalogs: Vec<(Catalog, String)> = (sources.iter())
        .flat_map(|s| s.catalogs.iter().map(|c| (c.clone(), s.sha.clone())))
        .collect();
    let links: Vec<(String, Vec<CrosswalkLink>)> = (sources.iter())
        .filter(|s| !s.links.is_empty())
        .map(|s| (s.display.clone(), s.links.clone()))
        .collect();
    report.frameworks = catalogs
        .iter()
        .map(|(c, _)| c.framework.id.clone())
        .collect();
    report.crosswalk_links = links.iter().map(|(_, l)| l.len()).sum();
    report.evidence_files = evidence_files(&controls);
    report.catalog_changes = describe_catalog_changes(&catalogs, &links, snapshot);
    let mut file_hashes: Vec<_> = (read.yaml_files.into_iter())
        .map(|(_, display, sha)| (display, sha, None))
        .collect();
    file_hashes.extend(sources.iter().filter_map(|s| {
        s.format
            .map(|f| (s.display.clone(), s.sha.clone(), Some(f.name())))
    }));
    let controls = (controls.iter())
        .filter(|(c, _)| touched.contains(c.control.id.as_str()))
        .map(|(c, file)| (c.control.clone(), file.to_string()))
        .collect();
    Plan {
        report,
        catalogs,
        links,
        scopes: sources.iter().flat_map(|s| s.scopes.clone()).collect(),
        controls,
        evidence,
        file_hashes,
    }
}

/// Formats, matrix columns, skipped cells and scopes of the foreign files.
fn add_foreign_facts(sources: &[Source], report: &mut ImportReport) {
    for s in sources {
        let Some(format) = s.format else { continue };
        report.formats.push(FileFormat {
            file: s.display.clone(),
            format,
            name: format.name(),
        });
        if !s.columns.is_empty() {
            report.columns.push(FileColumns {
                file: s.display.clone(),
                columns: s.columns.clone(),
            });
        }
        (report.skipped_cells).extend(
            s.skipped_cells
                .iter()
                .map(|c| format!("{}: {c}", s.display)),
        );
        report
            .scopes
            .extend(s.scopes.iter().map(|sc| sc.id.clone()));
    }
}

/// The evidence rows to write; counts added, updated and unchanged ones.
fn plan_evidence(
    controls: &[(&ControlInput, &str)],
    snapshot: &Snapshot,
    report: &mut ImportReport,
) -> Vec<EvidenceWrite> {
    let mut out = Vec::new();
    for (c, _) in controls {
        let id = &c.control.id;
        for e in &c.evidence {
            let key = format!("{id}/{}", e.title);
            let old = snapshot.evidence.get(&key);
            let (blob, file_name) = match &e.source {
                EvidenceSource::File(confined) => (
                    snapshot.blobs.get(&confined.path).cloned(),
                    (confined.path.file_name())
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default(),
                ),
                _ => (None, String::new()),
            };
            let collected_on = (e.collected_on)
                .or(old.map(|o| o.collected_on))
                .unwrap_or(snapshot.today);
            // A pruned and restored control must get its link back, so an unlinked row is not "same".
            let same = old.is_some_and(|o| {
                evidence_matches(o, e, collected_on, blob.as_ref()) && o.controls.contains(id)
            });
            match (old, same) {
                (None, _) => report.evidence_added += 1,
                (Some(_), false) => report.evidence_updated += 1,
                (Some(_), true) => {
                    report.evidence_unchanged += 1;
                    continue;
                }
            }
            out.push(EvidenceWrite {
                key,
                control: id.clone(),
                input: e.clone(),
                collected_on,
                existing: old.cloned(),
                blob,
                file_name,
            });
        }
    }
    out
}

/// Sorts controls into added, changed (with the fields) and unchanged;
/// returns the ids to write.
fn diff_controls<'a>(
    controls: &[(&'a ControlInput, &str)],
    snapshot: &Snapshot,
    changed_evidence: &HashSet<&str>,
    report: &mut ImportReport,
) -> HashSet<&'a str> {
    let mut touched = HashSet::new();
    for (c, _) in controls {
        let id = c.control.id.as_str();
        let Some(old) = snapshot.controls.get(id) else {
            report.added.push(id.to_string());
            touched.insert(id);
            continue;
        };
        let mut fields = control_diff(old, &c.control);
        if changed_evidence.contains(id) {
            fields.push("evidence".into());
        }
        if fields.is_empty() {
            report.unchanged.push(id.to_string());
        } else {
            touched.insert(id);
            report.changed.push(ControlChange {
                id: id.to_string(),
                fields,
            });
        }
    }
    touched
}

/// Stored controls whose file is in this import but which it no longer declares.
fn prune_candidates(controls: &[(&ControlInput, &str)], snapshot: &Snapshot) -> Vec<String> {
    let imported_files: HashSet<&str> = controls.iter().map(|(_, f)| *f).collect();
    let new_ids: HashSet<&str> = controls
        .iter()
        .map(|(c, _)| c.control.id.as_str())
        .collect();
    let mut gone: Vec<String> = (snapshot.source_of.iter())
        .filter(|(id, src)| {
            src.as_deref().is_some_and(|s| imported_files.contains(s))
                && !new_ids.contains(id.as_str())
        })
        .map(|(id, _)| id.clone())
        .collect();
    gone.sort();
    gone
}

/// Every evidence file the import reads, sorted, once each.
fn evidence_files(controls: &[(&ControlInput, &str)]) -> Vec<String> {
    let mut files: Vec<String> = (controls.iter())
        .flat_map(|(c, _)| &c.evidence)
        .filter_map(|e| match &e.source {
            EvidenceSource::File(c) => Some(c.path.display().to_string()),
            _ => None,
        })
        .collect();
    files.sort();
    files.dedup();
    files
}

/// One line per catalog and crosswalk file of an import, saying what it
/// changes, so nobody adopts a changed crosswalk without seeing it.
fn describe_catalog_changes(
    catalogs: &[(Catalog, String)],
    links: &[(String, Vec<CrosswalkLink>)],
    snapshot: &Snapshot,
) -> Vec<String> {
    let mut out = Vec::new();
    for (c, _) in catalogs {
        let id = &c.framework.id;
        let n = c.requirements.len();
        out.push(
            match snapshot.requirement_counts.get(id).copied().unwrap_or(0) {
                0 => format!("adds framework {id} with {n} requirements"),
                before => {
                    format!("replaces framework {id} ({before} requirements) with {n} requirements")
                }
            },
        );
    }
    for (origin, l) in links {
        let before = snapshot.link_counts.get(origin).copied().unwrap_or(0);
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
    out
}

/// The fields of a control that differ, by their names in the YAML.
fn control_diff(old: &Control, new: &Control) -> Vec<String> {
    [
        ("title", old.title != new.title),
        ("description", old.description != new.description),
        ("category", old.category != new.category),
        ("owner", old.owner != new.owner),
        ("status", old.status != new.status),
        (
            "review_every",
            old.review_every_days != new.review_every_days,
        ),
        ("maps", old.mappings != new.mappings),
    ]
    .into_iter()
    .filter(|(_, differs)| *differs)
    .map(|(name, _)| name.to_string())
    .collect()
}

fn evidence_matches(
    old: &Evidence,
    e: &EvidenceInput,
    collected_on: NaiveDate,
    blob: Option<&Blob>,
) -> bool {
    let source_same = match &e.source {
        EvidenceSource::File(_) => {
            old.kind == EvidenceKind::File
                && old.current_revision().map(|r| &r.sha256) == blob.map(|b| &b.sha256)
        }
        EvidenceSource::Link(u) => {
            old.kind == EvidenceKind::Link && old.url.as_deref() == Some(u.as_str())
        }
        EvidenceSource::Note(n) => {
            old.kind == EvidenceKind::Note && old.note.as_deref() == Some(n.as_str())
        }
    };
    source_same
        && old.description == e.description
        && old.collected_on == collected_on
        && old.valid_until == e.valid_until
        && (e.collected_by.as_ref()).is_none_or(|c| c == &old.collected_by)
}

#[cfg(test)]
mod tests {
    use super::super::control_yaml::tests::read as read_yaml;
    use super::*;
    use crate::interop::Format;

    const FILE: &str = "/lib/controls.yaml";

    /// The control file `yaml` as a source of the file [`FILE`].
    fn source(display: &str, yaml: &str) -> Source {
        let (controls, problems) = read_yaml(yaml);
        assert!(problems.is_empty(), "{problems:?}");
        Source {
            display: display.into(),
            source_file: FILE.into(),
            sha: "00".into(),
            controls,
            ..Default::default()
        }
    }

    fn read_of(sources: Vec<Source>) -> Read {
        Read {
            yaml_files: vec![(FILE.into(), FILE.into(), "00".into())],
            sources,
            ..Default::default()
        }
    }

    const A1: &str = "controls:\n  - id: A-1\n    title: Access\n    status: implemented\n    maps:\n      soc2: [CC6.1]\n    evidence:\n      - {title: Policy, note: signed, collected: 2026-01-01}\n";

    /// The workspace after importing [`A1`] once.
    fn stored() -> Snapshot {
        let planned = plan(
            read_of(vec![source(FILE, A1)]),
            &Snapshot::default(),
            &ImportOptions::default(),
        );
        let (control, file) = planned.controls[0].clone();
        let w = &planned.evidence[0];
        let EvidenceSource::Note(note) = &w.input.source else {
            panic!("a note")
        };
        let evidence = Evidence {
            id: 1,
            kind: EvidenceKind::Note,
            title: w.input.title.clone(),
            description: String::new(),
            url: None,
            note: Some(note.clone()),
            collected_by: "jane".into(),
            collected_on: w.collected_on,
            valid_until: w.input.valid_until,
            controls: vec![control.id.clone()],
            revisions: Vec::new(),
            added_at: String::new(),
            removed_at: None,
            series_id: None,
        };
        Snapshot {
            source_of: HashMap::from([(control.id.clone(), Some(file))]),
            controls: HashMap::from([(control.id.clone(), control)]),
            evidence: HashMap::from([(w.key.clone(), evidence)]),
            ..Default::default()
        }
    }

    #[test]
    fn a_new_control_is_added_with_its_evidence() {
        let p = plan(
            read_of(vec![source(FILE, A1)]),
            &Snapshot::default(),
            &ImportOptions::default(),
        );
        assert_eq!(p.report.added, ["A-1"]);
        assert_eq!((p.report.evidence_added, p.evidence.len()), (1, 1));
        assert_eq!(p.evidence[0].key, "A-1/Policy");
        assert_eq!(
            p.controls[0].1, FILE,
            "the control remembers its file, for prune"
        );
        assert_eq!(p.report.files, [FILE]);
        assert_eq!(p.file_hashes, [(FILE.to_string(), "00".to_string(), None)]);
        assert!(!p.report.is_noop());
    }

    #[test]
    fn the_same_files_again_plan_no_write() {
        let p = plan(
            read_of(vec![source(FILE, A1)]),
            &stored(),
            &ImportOptions::default(),
        );
        assert_eq!(p.report.unchanged, ["A-1"]);
        assert_eq!(p.report.evidence_unchanged, 1);
        assert!(p.controls.is_empty() && p.evidence.is_empty());
        assert!(p.report.is_noop());
    }

    #[test]
    fn a_changed_control_says_which_fields_changed() {
        let edited = A1
            .replace("title: Access", "title: Access control")
            .replace("[CC6.1]", "[CC6.1, CC6.2]")
            .replace("note: signed", "note: signed again");
        let p = plan(
            read_of(vec![source(FILE, &edited)]),
            &stored(),
            &ImportOptions::default(),
        );
        assert_eq!(
            p.report.changed,
            [ControlChange {
                id: "A-1".into(),
                fields: vec!["title".into(), "maps".into(), "evidence".into()]
            }]
        );
        assert_eq!(p.report.evidence_updated, 1);
        assert_eq!(p.evidence[0].existing.as_ref().map(|e| e.id), Some(1));
        assert_eq!(p.controls[0].0.title, "Access control");
    }

    #[test]
    fn evidence_unlinked_from_its_control_is_linked_again() {
        let mut snapshot = stored();
        snapshot
            .evidence
            .values_mut()
            .for_each(|e| e.controls.clear());
        let p = plan(
            read_of(vec![source(FILE, A1)]),
            &snapshot,
            &ImportOptions::default(),
        );
        assert_eq!(p.report.evidence_updated, 1);
        assert_eq!(p.report.changed[0].fields, ["evidence"]);
    }

    #[test]
    fn controls_gone_from_their_file_are_prune_candidates() {
        let mut snapshot = stored();
        let mut gone = snapshot.controls["A-1"].clone();
        gone.id = "A-2".into();
        snapshot.controls.insert("A-2".into(), gone.clone());
        snapshot.source_of.insert("A-2".into(), Some(FILE.into()));
        gone.id = "B-1".into();
        snapshot.controls.insert("B-1".into(), gone);
        snapshot
            .source_of
            .insert("B-1".into(), Some("/other/file.yaml".into()));
        snapshot.source_of.insert("C-1".into(), None);
        let kept = plan(
            read_of(vec![source(FILE, A1)]),
            &snapshot,
            &ImportOptions::default(),
        );
        assert_eq!(
            (kept.report.missing.as_slice(), kept.report.removed.len()),
            (["A-2".to_string()].as_slice(), 0)
        );
        assert!(
            kept.report.is_noop(),
            "a missing control alone writes nothing"
        );
        let prune = ImportOptions {
            prune: true,
            ..Default::default()
        };
        let pruned = plan(read_of(vec![source(FILE, A1)]), &snapshot, &prune);
        assert_eq!(pruned.report.removed, ["A-2"]);
        assert!(pruned.report.missing.is_empty() && !pruned.report.is_noop());
    }

    #[test]
    fn an_id_used_in_two_files_is_a_problem_at_the_second() {
        let second = A1.replace("title: Access", "title: Other");
        let foreign = Source {
            format: Some(Format::MatrixCsv),
            ..source("/lib/matrix.csv", A1)
        };
        let read = read_of(vec![
            source(FILE, A1),
            source("/lib/more.yaml", &second),
            foreign,
        ]);
        let problems = problems(&read);
        assert_eq!(problems.len(), 2, "{problems:?}");
        let places: Vec<_> = problems
            .iter()
            .map(|p| (p.location.file.as_str(), p.location.line, p.location.column))
            .collect();
        assert_eq!(
            places,
            [("/lib/matrix.csv", 0, 0), ("/lib/more.yaml", 2, 7)]
        );
        assert_eq!(
            problems[1].message,
            format!("duplicate control id `A-1` (first defined at {FILE}:2); ids must be unique across all files")
        );
        assert!(problems[0]
            .message
            .starts_with("/lib/matrix.csv: duplicate control id `A-1`"));
    }

    #[test]
    fn problems_past_the_limit_are_summarised() {
        let mut read = read_of(Vec::new());
        read.problems = (0..MAX_PROBLEMS + 5)
            .rev()
            .map(|i| crate::interop::problem("f.yaml", i + 1, 1, "bad"))
            .collect();
        let p = problems(&read);
        assert_eq!(p.len(), MAX_PROBLEMS + 1);
        assert_eq!(p[0].location.line, 1, "sorted by place");
        assert_eq!(p[MAX_PROBLEMS].message, "… and 5 more problems");
    }

    #[test]
    fn undated_evidence_keeps_the_date_it_was_first_imported() {
        let mut s = source(FILE, A1);
        s.format = Some(Format::OpenControl);
        s.controls[0].evidence[0].collected_on = None;
        let mut snapshot = stored();
        snapshot.today = NaiveDate::from_ymd_opt(2026, 9, 9).unwrap();
        let again = plan(
            read_of(vec![s.clone()]),
            &snapshot,
            &ImportOptions::default(),
        );
        assert_eq!(
            again.report.evidence_unchanged, 1,
            "dated by the stored row, not today"
        );
        let first = plan(
            read_of(vec![s]),
            &Snapshot {
                today: snapshot.today,
                ..Default::default()
            },
            &ImportOptions::default(),
        );
        assert_eq!(first.evidence[0].collected_on, snapshot.today);
        assert_eq!(first.report.formats[0].name, "OpenControl project");
        assert_eq!(
            first.file_hashes.len(),
            2,
            "the YAML file and the foreign one"
        );
    }

    #[test]
    fn catalog_changes_say_what_they_replace() {
        let catalog = Catalog {
            framework: crate::model::Framework {
                id: "acme".into(),
                name: "Acme".into(),
                short_name: String::new(),
                version: String::new(),
                publisher: String::new(),
                published: None,
                source: String::new(),
                text_rights: String::new(),
                levels: Vec::new(),
            },
            requirements: Vec::new(),
        };
        let s = Source {
            display: "acme.yaml".into(),
            catalogs: vec![catalog],
            ..Default::default()
        };
        let fresh = plan(
            read_of(vec![s.clone()]),
            &Snapshot::default(),
            &ImportOptions::default(),
        );
        assert_eq!(
            fresh.report.catalog_changes,
            ["adds framework acme with 0 requirements"]
        );
        assert_eq!(fresh.report.frameworks, ["acme"]);
        let snapshot = Snapshot {
            requirement_counts: HashMap::from([("acme".into(), 3)]),
            ..Default::default()
        };
        let again = plan(read_of(vec![s]), &snapshot, &ImportOptions::default());
        assert_eq!(
            again.report.catalog_changes,
            ["replaces framework acme (3 requirements) with 0 requirements"]
        );
    }
}
