//! Importing: control libraries (the main way data enters), user-written
//! framework catalogs and crosswalks, and the formats of other tools.
//!
//! Promises:
//! - All files are read and checked first; only when every file is clean is
//!   anything written, in one transaction with one audit event. Re-importing
//!   the same files changes nothing.
//! - One path for every format, in rooms: `gather` finds and reads the
//!   files; `read` turns each, by its format, into a `source::Source`
//!   (control YAML in `control_yaml` and `evidence_yaml`, catalogs and
//!   crosswalks in [`crate::catalog`], foreign formats one file each in
//!   [`crate::interop`]); `plan` compares the sources with a snapshot of
//!   the workspace (pure, unit-tested without a database); `apply` writes
//!   the plan.
//! - The write lock is taken before the workspace is read for the plan: two
//!   imports of the same file at once run one after the other, and the
//!   second sees the first's rows instead of failing on a unique constraint.
use crate::error::{Error, Result};
use crate::workspace::Workspace;
use serde::Serialize;
use std::path::PathBuf;

mod apply;
mod control_yaml;
mod evidence_yaml;
mod gather;
mod plan;
mod read;
mod snapshot;
mod source;

pub use gather::collect_files;
pub(crate) use gather::read_input;

/// How an import runs.
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

/// A control that the import changes, and which of its fields.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct ControlChange {
    /// Id of the control that changes.
    pub id: String,
    /// Which fields changed: title, description, …, mappings, evidence.
    pub fields: Vec<String>,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct ImportReport {
    /// True when nothing was written.
    pub dry_run: bool,
    /// The Crosswalk YAML and foreign files read, as named to the user.
    pub files: Vec<String>,
    /// Ids of controls new to the workspace.
    pub added: Vec<String>,
    /// Controls that change, with the fields that do.
    pub changed: Vec<ControlChange>,
    /// Ids of controls already exactly as in the files.
    pub unchanged: Vec<String>,
    /// Deleted because they disappeared from their file (with `prune`).
    pub removed: Vec<String>,
    /// Gone from their file but kept (without `prune`).
    pub missing: Vec<String>,
    /// Evidence items new to the workspace.
    pub evidence_added: usize,
    /// Evidence items whose file or metadata changed.
    pub evidence_updated: usize,
    /// Evidence items already as the files say.
    pub evidence_unchanged: usize,
    /// Ids of the framework catalogs imported.
    pub frameworks: Vec<String>,
    /// Crosswalk links imported.
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
    /// Whether the import changes nothing in the workspace.
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
        let gathered = gather::gather(paths)?;
        let confinement = crate::input::Confinement::new(&options.allow_outside)?;
        let (known, shipped) = self.known_for_import()?;
        let setting = read::Setting {
            known,
            shipped: &shipped,
            options,
            interop,
            confinement: &confinement,
            today: self.today(),
        };
        let read = read::read_all(gathered, setting);
        let problems = plan::problems(&read);
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let lock = if options.dry_run {
            None
        } else {
            Some(self.begin()?)
        };
        let snapshot = self.snapshot_for(&read.sources)?;
        let plan = plan::plan(read, &snapshot, options);
        match lock {
            Some(tx) if !plan.report.is_noop() => self.apply_plan(tx, plan),
            _ => Ok(plan.report),
        }
    }
}

/// Entry points for the fuzz targets (`fuzz/`): the checks of an import on
/// raw bytes, without a database. Not part of the stable API.
#[doc(hidden)]
pub mod fuzzing {
    use super::control_yaml::{read_control_file, Context};
    use crate::error::Problem;
    use crate::interop::Known;
    use std::sync::OnceLock;

    fn known() -> &'static Known {
        static KNOWN: OnceLock<Known> = OnceLock::new();
        KNOWN.get_or_init(|| {
            let mut k = Known::default();
            for (c, _) in crate::catalog::shipped_catalogs().expect("shipped catalogs parse") {
                k.add_catalog(&c);
            }
            k
        })
    }

    /// Parses `bytes` as a control file and runs every check on it; returns
    /// how many controls passed and the problems found. Evidence paths
    /// resolve against a folder that does not exist, so no file is read.
    pub fn check_control_file(bytes: &[u8]) -> (usize, Vec<Problem>) {
        let node = match crate::yaml::parse("fuzz.yaml", bytes) {
            Ok(n) => n,
            Err(p) => return (0, vec![p]),
        };
        let mut problems = Vec::new();
        let cx = Context {
            base: std::path::Path::new("/nonexistent-crosswalk-fuzz"),
            confinement: &crate::input::Confinement::default(),
            known: known(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date"),
        };
        let controls = read_control_file("fuzz.yaml", &node, &cx, &mut problems);
        (controls.len(), problems)
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
