//! The auditor package: one zip an auditor can check on their own machine,
//! with their own tools, without Crosswalk (docs/formats.md, "Audit package").
//!
//! What it promises:
//! - every file is listed in `SHA256SUMS` (the format `sha256sum -c` reads)
//!   and in `manifest.json` with what it is; both are signed with the
//!   workspace's Ed25519 key, whose public half is in the package and whose
//!   fingerprint is on the report cover;
//! - evidence is streamed from the vault into the zip (memory stays flat
//!   whatever the evidence size), re-hashed on the way: a stored file that no
//!   longer matches what was collected stops the package;
//! - the zip is written to a temporary name, fsynced and renamed: an
//!   interrupted run never leaves a half package under the final name;
//! - the same data and `SOURCE_DATE_EPOCH` give the same bytes (fixed entry
//!   times, order and permissions; Ed25519 signatures are deterministic).
pub mod names;
pub mod verify;
mod write;

use crate::error::{Error, Result};
use crate::model::*;
use crate::registers::{self, RegisterKind, Selection};
use crate::report::ReportRequest;
use crate::signing::Checkpoint;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "crosswalk-audit-package";
pub const MANIFEST: &str = "manifest.json";
pub const SUMS: &str = "SHA256SUMS";
pub const SUMS_SIG: &str = "signature/SHA256SUMS.sig";
pub const MANIFEST_SIG: &str = "signature/manifest.json.sig";
pub const PUBLIC_KEY: &str = "signature/workspace-key.pem";
const CHUNK: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Readme,
    Report,
    Register,
    Evidence,
    PublicKey,
}

/// What the manifest says of one evidence file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceEntry {
    pub evidence_id: i64,
    pub revision: u32,
    /// The revision the workspace relies on now (older ones are kept for the record).
    pub current: bool,
    pub title: String,
    /// When the evidence was gathered. Today's model keeps it for the current
    /// revision only; an earlier revision's is not recorded (null).
    pub evidence_date: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// When this file was stored in the vault.
    pub upload_date: String,
    pub collector: String,
    pub original_file_name: String,
    /// The control whose folder holds this copy.
    pub control: String,
    pub controls: Vec<String>,
    /// `framework ref`, e.g. `iso27001-2022 A.8.24`.
    pub requirements: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub path: String,
    pub role: Role,
    pub sha256: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestSelection {
    pub assessment: Option<i64>,
    pub assessment_name: Option<String>,
    pub frameworks: Vec<String>,
    pub period: Option<(NaiveDate, NaiveDate)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestTrail {
    pub head_hash: String,
    pub event_count: i64,
    /// Whether `verify` found the chain and every record intact when the package was made.
    pub chain_ok: bool,
    pub faults: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestKey {
    pub algorithm: String,
    pub fingerprint: String,
    pub public_key: String,
    pub file: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub workspace_id: String,
    pub organisation: String,
    pub generated_at: String,
    pub generated_by: String,
    pub selection: ManifestSelection,
    pub audit_trail: ManifestTrail,
    /// The trail's head signed with the workspace key at packaging time.
    pub checkpoint: Checkpoint,
    pub signing_key: ManifestKey,
    /// Every file of the package except this manifest, `SHA256SUMS` and the two signatures.
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackageProgress {
    pub phase: &'static str,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackageSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
    pub files: usize,
    pub evidence_files: usize,
    pub evidence_bytes: u64,
    pub fingerprint: String,
    pub chain_ok: bool,
    pub checkpoint: Checkpoint,
}

/// One stored file of evidence that goes into a package.
#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub evidence: Evidence,
    pub revision: Revision,
    pub entry: EvidenceEntry,
}

/// Which stored files of a selection go into a package: for each piece of
/// evidence the report relies on, its current revision and every earlier
/// revision stored inside the period, once under each selected control it
/// supports. This is the one place that knows how evidence becomes files.
pub fn evidence_files(sel: &Selection) -> Vec<EvidenceFile> {
    let supports = sel.evidence_requirements();
    // The controls through which the selection relies on each piece of evidence.
    let mut via: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for f in &sel.coverage {
        for r in &f.requirements {
            for c in &r.controls {
                for id in c.current_evidence.iter().chain(&c.expired_evidence) {
                    via.entry(*id).or_default().insert(c.id.clone());
                }
            }
        }
    }
    let in_period = |day: NaiveDate| sel.period.is_none_or(|(from, to)| day >= from && day <= to);
    // Occurrences the selection added for their series (not cited themselves)
    // go under the controls of the occurrences that are.
    for e in &sel.evidence {
        if !via.contains_key(&e.id) {
            let from_series: BTreeSet<String> = sel
                .evidence
                .iter()
                .filter(|o| o.series() == e.series())
                .filter_map(|o| via.get(&o.id))
                .flatten()
                .cloned()
                .collect();
            via.insert(e.id, from_series);
        }
    }
    let mut out = Vec::new();
    for e in &sel.evidence {
        let Some(current) = e.current_revision() else {
            continue; // links and notes are in the evidence register
        };
        let controls: Vec<String> = via
            .get(&e.id)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        let requirements: Vec<String> = supports
            .get(&e.id)
            .map(|s| s.iter().map(|(f, r)| format!("{f} {r}")).collect())
            .unwrap_or_default();
        for rev in &e.revisions {
            let is_current = rev.number == current.number;
            let uploaded = rev
                .added_at
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            if !is_current && !uploaded.is_some_and(in_period) {
                continue;
            }
            for control in &controls {
                out.push(EvidenceFile {
                    evidence: e.clone(),
                    revision: rev.clone(),
                    entry: EvidenceEntry {
                        evidence_id: e.id,
                        revision: rev.number,
                        current: is_current,
                        title: e.title.clone(),
                        evidence_date: is_current.then_some(e.collected_on),
                        valid_until: if is_current { e.valid_until } else { None },
                        upload_date: rev.added_at.clone(),
                        collector: e.collected_by.clone(),
                        original_file_name: rev.file_name.clone(),
                        control: control.clone(),
                        controls: controls.clone(),
                        requirements: requirements.clone(),
                    },
                });
            }
        }
    }
    out
}
