//! `verify`: proves the data unchanged. Re-hashes every stored file, walks the
//! audit chain, and checks every row that decides a status or appears in a
//! report against what vouches for it:
//! - controls (with their mappings), evidence, assessments (with their
//!   applicability), user catalogs, user crosswalk links, settings and the
//!   import keys of evidence: against the state the audit trail last recorded;
//! - shipped frameworks, requirements and crosswalk links: against the data
//!   embedded in this build (its hashes and its parsed content);
//! - the trail itself: every hash recomputed from genesis, and, given anchors
//!   kept outside the workspace (`HASH:COUNT`, or a report carrying one), that
//!   the trail still holds exactly that prefix.
//!
//! Without an anchor, a consistent chain only proves the trail was not edited
//! by someone who did not recompute the hashes; with one, nothing up to the
//! anchor can be rewritten, forged or cut off unnoticed.
//!
//! Nothing here blocks: stored files are checked with `lstat` and opened
//! non-blocking, so a FIFO or a link to a device in the vault is a fault, not a hang.
//!
//! Here: the report and the order of the checks. `states` compares rows with
//! what the trail recorded, `shipped` compares shipped data with this build,
//! `files` re-hashes the vault, `anchor` reads and writes chain anchors.
mod anchor;
mod files;
mod shipped;
mod states;

pub(crate) use anchor::anchor_keyword;
pub use anchor::{anchor_from_pdf, parse_anchor};

use crate::audit::{self, Anchor};
use crate::audit::{State, Subject};
use crate::error::Result;
use crate::workspace::Workspace;
use serde::Serialize;
use std::collections::HashMap;

/// What to check beyond the workspace itself.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Chain heads kept outside the workspace; each must still be a prefix.
    pub anchors: Vec<Anchor>,
}

/// One thing `verify` found wrong.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct Fault {
    /// `evidence:12`, `control:ENC-01`, `audit:57`, `blob:<sha256>`
    pub subject: String,
    /// What is wrong, for a person.
    pub message: String,
}

/// The outcome of `verify`: what was checked and every fault found.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct VerifyReport {
    /// True when there is no fault.
    pub ok: bool,
    /// Audit events whose hash and link were recomputed.
    pub events_checked: usize,
    /// Hash of the newest event (the genesis hash for an empty trail).
    pub last_event_hash: String,
    /// Stored evidence files re-hashed.
    pub files_checked: usize,
    /// Bytes read to re-hash them.
    pub bytes_hashed: u64,
    /// Evidence items compared with the state the trail recorded.
    pub evidence_checked: usize,
    /// Controls compared with the state the trail recorded.
    pub controls_checked: usize,
    /// Everything found wrong.
    pub faults: Vec<Fault>,
    /// Partial files in `evidence/tmp` left by interrupted ingests. Not faults:
    /// nothing refers to them; safe to delete when no ingest is running.
    pub leftovers: Vec<String>,
    /// Files in the vault no evidence revision refers to (`crosswalk gc` removes them).
    pub orphan_blobs: Vec<String>,
    /// Frameworks, requirements, crosswalk links and settings checked.
    pub reference_rows_checked: usize,
    /// Anchors proven (as `HASH:COUNT`); a failed one is a fault instead.
    pub anchors_checked: Vec<String>,
}

/// Progress of a verify run: which phase, and how far.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyProgress {
    /// `audit chain`, `evidence files` or `done`.
    pub phase: &'static str,
    /// Units done: bytes hashed while checking evidence files, else 0 or 1.
    pub done: u64,
    /// Units in the phase, in the unit of `done`.
    pub total: u64,
}

impl Workspace {
    /// [`Workspace::verify_with`] without anchors.
    pub fn verify(&self, progress: &mut dyn FnMut(VerifyProgress)) -> Result<VerifyReport> {
        self.verify_with(&VerifyOptions::default(), progress)
    }

    /// Verifies the workspace: the trail (and `options.anchors`), every
    /// vouched-for row against the trail, shipped data against this build,
    /// and every stored file against its hash.
    pub fn verify_with(
        &self,
        options: &VerifyOptions,
        progress: &mut dyn FnMut(VerifyProgress),
    ) -> Result<VerifyReport> {
        progress(VerifyProgress {
            phase: "audit chain",
            done: 0,
            total: 1,
        });
        let chain = self.chain_faults(options)?;
        let mut faults = chain.faults;
        let controls = self.controls()?;
        let all_evidence =
            crate::store::evidence::load(&self.conn, &crate::store::evidence::EvidenceFilter::All)?;
        let expected = states::expected_states(&self.conn)?;
        let (actual, reference_rows_checked) = self.actual_states(&controls, &all_evidence)?;
        faults.extend(shipped::shipped_data_faults(&self.conn)?);
        faults.extend(states::state_faults(&actual, &expected));
        let files = self.file_faults(&all_evidence, progress)?;
        faults.extend(files.faults);
        let mut leftovers: Vec<String> = self
            .vault()
            .temp_files()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        leftovers.sort();
        progress(VerifyProgress {
            phase: "done",
            done: 1,
            total: 1,
        });
        Ok(VerifyReport {
            ok: faults.is_empty(),
            events_checked: chain.events_checked,
            last_event_hash: chain.last_event_hash,
            files_checked: files.files_checked,
            bytes_hashed: files.bytes_hashed,
            evidence_checked: all_evidence.len(),
            controls_checked: controls.len(),
            faults,
            leftovers,
            orphan_blobs: files.orphan_blobs,
            reference_rows_checked,
            anchors_checked: chain.anchors_checked,
        })
    }

    /// The hash chain, the signed checkpoints and each anchor given.
    fn chain_faults(&self, options: &VerifyOptions) -> Result<ChainCheck> {
        let (chain_faults, events_checked, last_event_hash) = audit::verify_chain(&self.conn)?;
        let mut faults: Vec<Fault> = chain_faults
            .into_iter()
            .map(|f| Fault {
                subject: format!("audit:{}", f.seq),
                message: f.message,
            })
            .collect();
        let (checkpoint_faults, _) = crate::signing::verify_checkpoints(&self.conn)?;
        faults.extend(
            checkpoint_faults
                .into_iter()
                .map(|(subject, message)| Fault { subject, message }),
        );
        let mut anchors_checked = Vec::new();
        for anchor in &options.anchors {
            match audit::check_anchor(&self.conn, anchor)? {
                Some(message) => faults.push(Fault {
                    subject: format!("anchor:{anchor}"),
                    message,
                }),
                None => anchors_checked.push(anchor.to_string()),
            }
        }
        Ok(ChainCheck {
            faults,
            events_checked,
            last_event_hash,
            anchors_checked,
        })
    }

    /// The current digest of every subject the trail vouches for, and how
    /// many reference rows (frameworks, links, settings) that covers.
    fn actual_states(
        &self,
        controls: &[crate::model::Control],
        all_evidence: &[crate::model::Evidence],
    ) -> Result<(HashMap<String, String>, usize)> {
        let mut actual: HashMap<String, String> = HashMap::new();
        for c in controls {
            actual.insert(
                Subject::Control(c.id.clone()).to_string(),
                State::Control(c).digest(),
            );
        }
        for a in self.assessments()? {
            actual.insert(
                Subject::Assessment(a.id).to_string(),
                State::Assessment(&a).digest(),
            );
        }
        // Workspace applicability decisions and SoA documents (issue 10).
        actual.extend(crate::applicability::verify_states(self)?);
        for e in all_evidence {
            actual.insert(
                Subject::Evidence(e.id).to_string(),
                State::Evidence(e).digest(),
            );
        }
        let (reference, reference_rows_checked) = states::recorded_reference_states(&self.conn)?;
        actual.extend(reference);
        Ok((actual, reference_rows_checked))
    }
}

/// What the trail itself showed.
struct ChainCheck {
    faults: Vec<Fault>,
    events_checked: usize,
    last_event_hash: String,
    anchors_checked: Vec<String>,
}

fn describe(subject: &str) -> String {
    crate::audit::Subject::parse_state_key(subject)
        .map(|s| s.describe())
        .unwrap_or_else(|| subject.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_subject_reads_as_words() {
        let cases = [
            ("evidence:12", "evidence #12"),
            ("control:ENC-01", "control ENC-01"),
            ("assessment:3", "assessment #3"),
            (
                "framework:acme",
                "framework acme (its catalog and requirements)",
            ),
            (
                "crosswalk:map.yaml",
                "the crosswalk links imported from map.yaml",
            ),
            ("setting:organisation", "setting `organisation`"),
            ("import-key:5", "the import key of evidence #5"),
            ("blob:abcd", "blob:abcd"),
            ("plain", "plain"),
        ];
        for (subject, words) in cases {
            assert_eq!(describe(subject), words);
        }
    }
}
