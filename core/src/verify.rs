//! `verify`: proves the data unchanged. Re-hashes every stored file, walks the
//! audit chain, and checks every control and evidence row against the state
//! the audit trail last recorded for it.
use crate::audit;
use crate::error::Result;
use crate::evidence::{self, blob_path};
use crate::import::control_digest;
use crate::workspace::Workspace;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fault {
    /// `evidence:12`, `control:ENC-01`, `audit:57`, `blob:<sha256>`
    pub subject: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub events_checked: usize,
    pub last_event_hash: String,
    pub files_checked: usize,
    pub bytes_hashed: u64,
    pub evidence_checked: usize,
    pub controls_checked: usize,
    pub faults: Vec<Fault>,
    /// Partial files in `evidence/tmp` left by interrupted ingests. Not faults:
    /// nothing refers to them; safe to delete when no ingest is running.
    pub leftovers: Vec<String>,
}

/// Progress of a verify run: which phase, and how far.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyProgress {
    pub phase: &'static str,
    pub done: u64,
    pub total: u64,
}

impl Workspace {
    pub fn verify(&self, progress: &mut dyn FnMut(VerifyProgress)) -> Result<VerifyReport> {
        let mut faults = Vec::new();
        progress(VerifyProgress {
            phase: "audit chain",
            done: 0,
            total: 1,
        });
        let (chain_faults, events_checked, last_event_hash) = audit::verify_chain(&self.conn)?;
        faults.extend(chain_faults.into_iter().map(|f| Fault {
            subject: format!("audit:{}", f.seq),
            message: f.message,
        }));
        let (checkpoint_faults, _) = crate::signing::verify_checkpoints(&self.conn)?;
        faults.extend(
            checkpoint_faults
                .into_iter()
                .map(|(subject, message)| Fault { subject, message }),
        );

        // The state each subject was left in by the last event that touched it.
        let mut expected: BTreeMap<String, (Option<String>, i64)> = BTreeMap::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT seq, details FROM audit_log ORDER BY seq")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let seq: i64 = r.get(0)?;
                let details: String = r.get(1)?;
                let Ok(value) = serde_json::from_str::<serde_json::Value>(&details) else {
                    continue;
                };
                if let Some(states) = value.get("states").and_then(|s| s.as_object()) {
                    for (subject, digest) in states {
                        expected
                            .insert(subject.clone(), (digest.as_str().map(str::to_string), seq));
                    }
                }
            }
        }
        let mut actual: HashMap<String, String> = HashMap::new();
        let controls = self.controls()?;
        for c in &controls {
            actual.insert(format!("control:{}", c.id), control_digest(c));
        }
        for a in self.assessments()? {
            actual.insert(
                format!("assessment:{}", a.id),
                crate::assessment::assessment_digest(&a),
            );
        }
        // Workspace applicability decisions and SoA documents (issue 10).
        actual.extend(crate::applicability::verify_states(self)?);
        let all_evidence = evidence::load(&self.conn, "1 = 1", &[])?;
        for e in &all_evidence {
            actual.insert(format!("evidence:{}", e.id), evidence::state_digest(e));
        }
        for (subject, digest) in &actual {
            match expected.get(subject) {
                None => faults.push(Fault { subject: subject.clone(), message: format!("{} exists but no audit event records it (written outside Crosswalk)", describe(subject)) }),
                Some((None, seq)) => faults.push(Fault { subject: subject.clone(), message: format!("{} was deleted by audit event {seq} but is present", describe(subject)) }),
                Some((Some(want), seq)) if want != digest => faults.push(Fault {
                    subject: subject.clone(),
                    message: format!("{} differs from what audit event {seq} recorded (edited outside Crosswalk)", describe(subject)),
                }),
                _ => {}
            }
        }
        for (subject, (digest, seq)) in &expected {
            if digest.is_some() && !actual.contains_key(subject) {
                faults.push(Fault {
                    subject: subject.clone(),
                    message: format!(
                        "{} recorded by audit event {seq} is missing (deleted outside Crosswalk)",
                        describe(subject)
                    ),
                });
            }
        }

        // Every revision's file, each distinct blob hashed once.
        let mut blobs: BTreeMap<&str, Vec<(i64, u32)>> = BTreeMap::new();
        for e in &all_evidence {
            for r in &e.revisions {
                blobs
                    .entry(r.sha256.as_str())
                    .or_default()
                    .push((e.id, r.number));
            }
        }
        let total_bytes: u64 = all_evidence
            .iter()
            .flat_map(|e| &e.revisions)
            .map(|r| r.size)
            .sum();
        let mut bytes_hashed = 0u64;
        let vault = self.evidence_dir();
        for (sha, users) in &blobs {
            let used_by = users
                .iter()
                .map(|(id, n)| format!("evidence #{id} revision {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let path = blob_path(&vault, sha);
            let base = bytes_hashed;
            let hashed = evidence::hash_file(&path, &mut |done, _| {
                progress(VerifyProgress {
                    phase: "evidence files",
                    done: base + done,
                    total: total_bytes,
                })
            });
            match hashed {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => faults.push(Fault {
                    subject: format!("blob:{sha}"),
                    message: format!(
                        "the stored file of {used_by} is missing ({})",
                        path.display()
                    ),
                }),
                Err(e) => faults.push(Fault {
                    subject: format!("blob:{sha}"),
                    message: format!("the stored file of {used_by} cannot be read: {e}"),
                }),
                Ok(actual) if actual != *sha => faults.push(Fault {
                    subject: format!("blob:{sha}"),
                    message: format!(
                        "the stored file of {used_by} has changed: its SHA-256 is now {actual}"
                    ),
                }),
                Ok(_) => {}
            }
            bytes_hashed += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        }
        let mut leftovers: Vec<String> = std::fs::read_dir(vault.join("tmp"))
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.path().display().to_string())
                    .collect()
            })
            .unwrap_or_default();
        leftovers.sort();
        progress(VerifyProgress {
            phase: "done",
            done: 1,
            total: 1,
        });
        Ok(VerifyReport {
            ok: faults.is_empty(),
            events_checked,
            last_event_hash,
            files_checked: blobs.len(),
            bytes_hashed,
            evidence_checked: all_evidence.len(),
            controls_checked: controls.len(),
            faults,
            leftovers,
        })
    }
}

fn describe(subject: &str) -> String {
    match subject.split_once(':') {
        Some(("evidence", id)) => format!("evidence #{id}"),
        Some(("control", id)) => format!("control {id}"),
        Some(("assessment", id)) => format!("assessment #{id}"),
        _ => subject.to_string(),
    }
}
