//! What one file contributes to an import: the input of planning.
//!
//! Promises:
//! - Every source format ends here: Crosswalk control YAML
//!   ([`super::control_yaml`]), user catalogs and crosswalks
//!   ([`crate::catalog`]), and each foreign format of [`crate::interop`]
//!   (through [`Source::foreign`], the one conversion from an importer's
//!   [`Imported`]). Planning never asks which format a source came from,
//!   except to word a message.
//! - A source is plain data: no database handle, no open file. Evidence files
//!   are named by their confined real path; their content is hashed later,
//!   under the write lock.
use crate::catalog::Catalog;
use crate::input::ConfinedFile;
use crate::interop::{scope::Scope, ColumnGuess, Foreign, Format, Imported};
use crate::model::{Control, CrosswalkLink};
use chrono::NaiveDate;

/// One file (or OpenControl project) of an import, read into Crosswalk's terms.
#[derive(Debug, Clone, Default)]
pub(crate) struct Source {
    /// The file as the user named it (messages, audit event, crosswalk origin).
    pub display: String,
    /// The canonical path: what controls remember they came from (for `--prune`).
    pub source_file: String,
    /// SHA-256 of the file's bytes.
    pub sha: String,
    /// `None`: Crosswalk YAML.
    pub format: Option<Format>,
    pub catalogs: Vec<Catalog>,
    pub links: Vec<CrosswalkLink>,
    pub controls: Vec<ControlInput>,
    pub scopes: Vec<Scope>,
    /// Matrices: how each column was read.
    pub columns: Vec<ColumnGuess>,
    /// Cells or entries left out, each with its place and reason.
    pub skipped_cells: Vec<String>,
}

/// A control as a file declares it, with its evidence.
#[derive(Debug, Clone)]
pub(crate) struct ControlInput {
    pub control: Control,
    pub evidence: Vec<EvidenceInput>,
    /// The line the control starts on; 0 where the format has no lines.
    pub line: usize,
}

/// One evidence entry declared with a control; keyed `CONTROL/title` on re-import.
#[derive(Debug, Clone)]
pub(crate) struct EvidenceInput {
    pub title: String,
    pub description: String,
    pub source: EvidenceSource,
    /// `None`: the file gives no date, so the entry is dated the day it was
    /// first imported (and keeps that date on re-import).
    pub collected_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub collected_by: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum EvidenceSource {
    File(ConfinedFile),
    Link(String),
    Note(String),
}

impl Source {
    /// The one way a foreign importer's result enters planning.
    pub fn foreign(f: &Foreign, got: Imported) -> Source {
        let controls = got
            .controls
            .into_iter()
            .map(|ic| ControlInput {
                control: ic.control,
                evidence: ic
                    .links
                    .into_iter()
                    .map(|(title, url, description)| EvidenceInput {
                        title,
                        description,
                        source: EvidenceSource::Link(url),
                        // OpenControl gives no date.
                        collected_on: None,
                        valid_until: None,
                        collected_by: None,
                    })
                    .collect(),
                line: 0,
            })
            .collect();
        Source {
            display: f.display.clone(),
            source_file: f.source_file.clone(),
            sha: f.sha.clone(),
            format: Some(f.format),
            catalogs: got.catalogs,
            links: got.links,
            controls,
            scopes: got.scopes,
            columns: got.columns,
            skipped_cells: got.skipped_cells,
        }
    }
}
