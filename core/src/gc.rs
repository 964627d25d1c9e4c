//! `gc`: removes what nothing refers to and is safe to remove — vault files no
//! evidence revision names (left by an import that failed after storing its
//! files) and partial ingest files — under the write lock, with one audit event.
//!
//! Only files older than [`MIN_AGE`] go: an import stores its files just before
//! its transaction, so a younger unreferenced file may belong to an import
//! that is about to commit.
use crate::audit::{Note, Subject};
use crate::error::{Error, Result};
use crate::workspace::Workspace;
use serde::Serialize;
use serde_json::json;
use std::collections::HashSet;
use std::time::{Duration, SystemTime};

/// Files younger than this are left alone (see the module comment).
pub const MIN_AGE: Duration = Duration::from_secs(3600);

/// What `crosswalk gc` removed, or with `--dry-run` would remove.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GcReport {
    /// Nothing was removed: the lists say what would be.
    pub dry_run: bool,
    /// Unreferenced vault files removed (or that would be).
    pub orphan_blobs: Vec<String>,
    /// Partial ingest files removed (or that would be).
    pub temp_files: Vec<String>,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Unreferenced files kept because they are younger than [`MIN_AGE`].
    pub kept_recent: usize,
}

impl Workspace {
    /// Removes unreferenced vault files and partial ingest files older than
    /// [`MIN_AGE`] (none with `dry_run`), recording one `gc` audit event when
    /// anything went. Fails with [`Error::Io`] at the first file that cannot
    /// be removed.
    pub fn gc(&mut self, dry_run: bool) -> Result<GcReport> {
        // The write lock keeps imports out while we decide and delete.
        let tx = self.begin()?;
        let referenced = crate::store::evidence::referenced_blobs(&tx)?;
        let vault = self.vault();
        let refs: HashSet<&str> = referenced.iter().map(String::as_str).collect();
        let mut report = GcReport {
            dry_run,
            ..Default::default()
        };
        let now = SystemTime::now();
        let old_enough = |p: &std::path::Path| -> Option<u64> {
            let m = std::fs::symlink_metadata(p).ok()?;
            let age = now.duration_since(m.modified().ok()?).unwrap_or_default();
            (age >= MIN_AGE).then_some(m.len())
        };
        let mut candidates: Vec<(String, bool)> = orphan_blobs(vault, &refs)
            .into_iter()
            .map(|p| (p, true))
            .collect();
        candidates.extend(
            vault
                .temp_files()
                .into_iter()
                .map(|p| (p.display().to_string(), false)),
        );
        for (path, is_blob) in candidates {
            let p = std::path::Path::new(&path);
            let Some(size) = old_enough(p) else {
                report.kept_recent += 1;
                continue;
            };
            if !dry_run {
                let removed = if p.is_dir() && !p.is_symlink() {
                    std::fs::remove_dir_all(p)
                } else {
                    std::fs::remove_file(p)
                };
                removed.map_err(|e| Error::io(format!("cannot remove {path}"), e))?;
            }
            report.bytes += size;
            if is_blob {
                report.orphan_blobs.push(path);
            } else {
                report.temp_files.push(path);
            }
        }
        let removed = report.orphan_blobs.len() + report.temp_files.len();
        if dry_run || removed == 0 {
            return Ok(report);
        }
        self.record_note(
            &tx,
            Note::VaultCollected,
            &Subject::Vault,
            format!(
                "Removed {} unreferenced vault file(s) and {} partial ingest file(s), {} bytes",
                report.orphan_blobs.len(),
                report.temp_files.len(),
                report.bytes
            ),
            json!({"orphan_blobs": report.orphan_blobs, "temp_files": report.temp_files, "bytes": report.bytes}),
        )?;
        tx.commit()?;
        Ok(report)
    }
}

/// Files in the vault's shards that no revision refers to, and anything in a
/// shard that is not a regular file. Listed by name only: nothing is opened.
/// Backend-agnostic: a stored file is referenced when it sits where the store
/// keeps one of the referenced plaintext hashes.
pub(crate) fn orphan_blobs(
    vault: &dyn crate::vault::BlobStore,
    referenced: &HashSet<&str>,
) -> Vec<String> {
    let wanted: HashSet<std::path::PathBuf> =
        referenced.iter().map(|sha| vault.location(sha)).collect();
    let mut out: Vec<String> = vault
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|p| !wanted.contains(p))
        .map(|p| p.display().to_string())
        .collect();
    out.sort();
    out
}
