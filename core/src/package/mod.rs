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

/// The manifest's `format` value: names the file as a Crosswalk audit package.
pub const FORMAT: &str = "crosswalk-audit-package";
/// Name in the zip of the manifest (what each file is; signed).
pub const MANIFEST: &str = "manifest.json";
/// Name in the zip of the checksum list, in the format `sha256sum -c` reads.
pub const SUMS: &str = "SHA256SUMS";
/// Ed25519 signature of [`SUMS`] (64 raw bytes).
pub const SUMS_SIG: &str = "signature/SHA256SUMS.sig";
/// Ed25519 signature of [`MANIFEST`] (64 raw bytes).
pub const MANIFEST_SIG: &str = "signature/manifest.json.sig";
/// The workspace's public key (PEM) the signatures check against.
pub const PUBLIC_KEY: &str = "signature/workspace-key.pem";
const CHUNK: usize = 1024 * 1024;

/// What a file in the package is for, as the manifest lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The package's own papers: the README, manifest, checksums and signatures.
    Readme,
    /// The PDF report (`report.pdf`).
    Report,
    /// A register, as CSV or in the one XLSX workbook.
    Register,
    /// A stored evidence file, under the folder of a control it supports.
    Evidence,
    /// The workspace's public key ([`PUBLIC_KEY`]).
    PublicKey,
}

/// What the manifest says of one evidence file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceEntry {
    /// The evidence's number in the workspace ([`Evidence::id`]).
    pub evidence_id: i64,
    /// Which stored file of it this is ([`Revision::number`]).
    pub revision: u32,
    /// The revision the workspace relies on now (older ones are kept for the record).
    pub current: bool,
    /// The evidence's title.
    pub title: String,
    /// When the evidence was gathered. Today's model keeps it for the current
    /// revision only; an earlier revision's is not recorded (null).
    pub evidence_date: Option<NaiveDate>,
    /// The last day the evidence counts; None: it does not expire.
    pub valid_until: Option<NaiveDate>,
    /// When this file was stored in the vault.
    pub upload_date: String,
    /// Who gathered it ([`Evidence::collected_by`]).
    pub collector: String,
    /// The file's name as the user gave it; the copy in the zip may be renamed to be safe.
    pub original_file_name: String,
    /// The control whose folder holds this copy.
    pub control: String,
    /// Every control the evidence supports.
    pub controls: Vec<String>,
    /// `framework ref`, e.g. `iso27001-2022 A.8.24`.
    pub requirements: Vec<String>,
}

/// One file of the package as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Its path inside the zip (`/`-separated).
    pub path: String,
    /// What the file is for: report, register, evidence, key or the package's own papers.
    pub role: Role,
    /// SHA-256 of its bytes, lower-case hex (as in `SHA256SUMS`).
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// For evidence files: which evidence and revision it is; absent for the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceEntry>,
}

/// What the package is of: the report request it was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestSelection {
    /// The assessment's id; None for a current-state package.
    pub assessment: Option<i64>,
    /// The assessment's name; None without one.
    pub assessment_name: Option<String>,
    /// Ids of the frameworks included.
    pub frameworks: Vec<String>,
    /// The audit period, first and last day inclusive; None when there is none.
    pub period: Option<(NaiveDate, NaiveDate)>,
}

/// The audit trail's state when the package was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestTrail {
    /// Hash of the newest event (the chain's head).
    pub head_hash: String,
    /// Number of events in the trail.
    pub event_count: i64,
    /// Whether `verify` found the chain and every record intact when the package was made.
    pub chain_ok: bool,
    /// What `verify` found wrong, one `subject: message` line each; empty when `chain_ok`.
    pub faults: Vec<String>,
}

/// The key the package is signed with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestKey {
    /// Always `ed25519`.
    pub algorithm: String,
    /// SHA-256 of the public key, as on the report cover ([`crate::signing::KeyInfo::fingerprint`]).
    pub fingerprint: String,
    /// The 32-byte public key, hex.
    pub public_key: String,
    /// Where the PEM copy of it is in the zip ([`PUBLIC_KEY`]).
    pub file: String,
}

/// `manifest.json`: what the package holds and where it came from (docs/formats.md, "Audit package").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The manifest's format version; 1.
    pub version: u32,
    /// The workspace's id, as in its key file.
    pub workspace_id: String,
    /// The organisation the report is for.
    pub organisation: String,
    /// When the package was made, RFC 3339 UTC (the checkpoint's time).
    pub generated_at: String,
    /// Who made it (the workspace's actor).
    pub generated_by: String,
    /// What the package is of.
    pub selection: ManifestSelection,
    /// The trail's head and health at packaging time.
    pub audit_trail: ManifestTrail,
    /// The trail's head signed with the workspace key at packaging time.
    pub checkpoint: Checkpoint,
    /// The key both signatures are made with.
    pub signing_key: ManifestKey,
    /// Every file of the package except this manifest, `SHA256SUMS` and the two signatures.
    pub files: Vec<ManifestFile>,
}

/// Progress of writing a package: a phase and how far into it.
#[derive(Debug, Clone, Serialize)]
pub struct PackageProgress {
    /// `verifying`, `report`, `registers`, `evidence`, `signing` or `done`.
    pub phase: &'static str,
    /// Units done: percent while verifying, bytes while copying evidence, else 0 or 1.
    pub done: u64,
    /// Units in the phase, in the unit of `done`.
    pub total: u64,
}

/// What `write_package` made.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PackageSummary {
    /// Where the zip was written.
    pub path: PathBuf,
    /// The zip's size in bytes.
    pub bytes: u64,
    /// SHA-256 of the zip, lower-case hex (recorded in the audit trail).
    pub sha256: String,
    /// Files in the zip, the manifest, checksums and signatures included.
    pub files: usize,
    /// How many of them are evidence files.
    pub evidence_files: usize,
    /// Bytes of evidence copied in.
    pub evidence_bytes: u64,
    /// Fingerprint of the signing key (as on the report cover).
    pub fingerprint: String,
    /// Whether the audit trail verified intact when the package was made.
    pub chain_ok: bool,
    /// The signed checkpoint of the trail made for this package.
    pub checkpoint: Checkpoint,
}

/// One stored file of evidence that goes into a package.
#[derive(Debug, Clone)]
pub struct EvidenceFile {
    /// The evidence item the file belongs to.
    pub evidence: Evidence,
    /// The stored file of it to copy.
    pub revision: Revision,
    /// What the manifest will say of the copy.
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
