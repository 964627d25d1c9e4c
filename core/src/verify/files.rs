//! The stored files: every revision's blob hashed once, through the vault
//! (which may decrypt), and each way one can fail named for the evidence
//! that uses it. A purged item's files were destroyed on purpose.
use super::{Fault, VerifyProgress};
use crate::error::Result;
use crate::model::Evidence;
use crate::vault::{Check, Integrity};
use crate::workspace::Workspace;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// What checking the files found.
pub(super) struct FileCheck {
    pub faults: Vec<Fault>,
    pub files_checked: usize,
    pub bytes_hashed: u64,
    pub orphan_blobs: Vec<String>,
}

impl Workspace {
    /// Every revision's file, each distinct blob hashed once.
    pub(super) fn file_faults(
        &self,
        all_evidence: &[Evidence],
        progress: &mut dyn FnMut(VerifyProgress),
    ) -> Result<FileCheck> {
        let purged = crate::store::evidence::purged_ids(&self.conn)?;
        let kept = || all_evidence.iter().filter(|e| !purged.contains(&e.id));
        let mut blobs: BTreeMap<&str, Vec<(i64, u32)>> = BTreeMap::new();
        for e in kept() {
            for r in &e.revisions {
                blobs
                    .entry(r.sha256.as_str())
                    .or_default()
                    .push((e.id, r.number));
            }
        }
        let total_bytes: u64 = kept().flat_map(|e| &e.revisions).map(|r| r.size).sum();
        let mut faults = Vec::new();
        let mut bytes_hashed = 0u64;
        let vault = self.vault();
        for (sha, users) in &blobs {
            let used_by = users
                .iter()
                .map(|(id, n)| format!("evidence #{id} revision {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let path = vault.location(sha);
            // lstat first: a link or a FIFO planted under a blob's name is a
            // fault, never followed and never opened (opening a FIFO blocks).
            if let Ok(m) = std::fs::symlink_metadata(&path) {
                if !m.is_file() {
                    faults.push(Fault {
                        subject: format!("blob:{sha}"),
                        message: format!(
                            "the stored file of {used_by} was replaced by {} ({})",
                            crate::input::kind_of(&m),
                            path.display()
                        ),
                    });
                    continue;
                }
            }
            let base = bytes_hashed;
            let mut read = 0u64;
            let checked = vault.check(sha, &mut |done| {
                read = done;
                progress(VerifyProgress {
                    phase: "evidence files",
                    done: base + done,
                    total: total_bytes,
                })
            });
            faults.extend(blob_fault(sha, &used_by, &path, checked));
            bytes_hashed += read;
        }
        let referenced: HashSet<&str> = blobs.keys().copied().collect();
        Ok(FileCheck {
            faults,
            files_checked: blobs.len(),
            bytes_hashed,
            orphan_blobs: crate::gc::orphan_blobs(vault, &referenced),
        })
    }
}

/// The fault a blob's check shows, naming the evidence that uses it.
pub(super) fn blob_fault(sha: &str, used_by: &str, path: &Path, checked: Check) -> Option<Fault> {
    let message = match checked {
        Check::Missing => format!(
            "the stored file of {used_by} is missing ({})",
            path.display()
        ),
        Check::Unreadable(e) => format!("the stored file of {used_by} cannot be read: {e}"),
        Check::Bad(Integrity::Changed { actual }) => {
            format!("the stored file of {used_by} has changed: its SHA-256 is now {actual}")
        }
        Check::Bad(Integrity::Tampered(why)) => format!(
            "the stored file of {used_by} has been tampered with: {why} ({})",
            path.display()
        ),
        Check::Ok => return None,
    };
    Some(Fault {
        subject: format!("blob:{sha}"),
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failed_check_names_the_evidence_and_what_went_wrong() {
        let path = Path::new("/vault/ab/abcd");
        let who = "evidence #4 revision 2";
        let message = |c: Check| {
            blob_fault("abcd", who, path, c).map(|f| {
                assert_eq!(f.subject, "blob:abcd");
                f.message
            })
        };
        assert_eq!(message(Check::Ok), None);
        assert_eq!(
            message(Check::Missing).unwrap(),
            "the stored file of evidence #4 revision 2 is missing (/vault/ab/abcd)"
        );
        assert_eq!(
            message(Check::Unreadable("permission denied".into())).unwrap(),
            "the stored file of evidence #4 revision 2 cannot be read: permission denied"
        );
        assert_eq!(
            message(Check::Bad(Integrity::Changed {
                actual: "ffff".into()
            }))
            .unwrap(),
            "the stored file of evidence #4 revision 2 has changed: its SHA-256 is now ffff"
        );
        assert_eq!(
            message(Check::Bad(Integrity::Tampered("chunk 3 fails authentication".into()))).unwrap(),
            "the stored file of evidence #4 revision 2 has been tampered with: chunk 3 fails authentication (/vault/ab/abcd)"
        );
    }
}
