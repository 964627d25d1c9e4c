//! What planning is told of the world, read into plain data: the
//! workspace's requirements and shipped frameworks (for reading the files),
//! its controls, imported evidence and counts (for the diff), and the hashes
//! of the evidence files the import names.
//!
//! Promises: reads only; the diff snapshot is read by the caller under the
//! write lock, so two imports of the same files run one after the other.
use super::plan::Snapshot;
use super::source::{EvidenceSource, Source};
use crate::error::{Error, Result};
use crate::evidence::{self, Blob};
use crate::interop::Known;
use crate::model::Evidence;
use crate::workspace::Workspace;
use std::collections::{HashMap, HashSet};

impl Workspace {
    /// The requirements files may name, and the ids of shipped frameworks.
    pub(super) fn known_for_import(&self) -> Result<(Known, HashSet<String>)> {
        let known = Known::new(self.frameworks()?, &self.requirements("")?);
        let shipped = crate::store::catalog::shipped_ids(&self.conn)?;
        Ok((known, shipped))
    }

    /// What the workspace holds that `sources` may change, and the hashes of their evidence files.
    pub(super) fn snapshot_for(&self, sources: &[Source]) -> Result<Snapshot> {
        let controls = (self.controls()?.into_iter())
            .map(|c| (c.id.clone(), c))
            .collect();
        let source_of = crate::store::controls::source_files(&self.conn)?
            .into_iter()
            .collect();
        let mut requirement_counts = HashMap::new();
        for c in sources.iter().flat_map(|s| &s.catalogs) {
            let id = &c.framework.id;
            let n = crate::store::catalog::requirement_count(&self.conn, id)?;
            requirement_counts.insert(id.clone(), n);
        }
        let mut link_counts = HashMap::new();
        for s in sources.iter().filter(|s| !s.links.is_empty()) {
            let n = crate::store::catalog::link_count(&self.conn, &s.display)?;
            link_counts.insert(s.display.clone(), n);
        }
        Ok(Snapshot {
            controls,
            source_of,
            evidence: self.imported_evidence()?,
            requirement_counts,
            link_counts,
            blobs: hash_evidence_files(sources)?,
            today: self.today(),
        })
    }

    /// Live evidence an import declared, by its key `CONTROL/title`.
    fn imported_evidence(&self) -> Result<HashMap<String, Evidence>> {
        use crate::store::evidence::{import_keys, load, EvidenceFilter};
        let keyed = import_keys(&self.conn)?;
        let all: HashMap<i64, Evidence> = load(&self.conn, &EvidenceFilter::Imported)?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        Ok(keyed
            .into_iter()
            .filter_map(|(id, key)| all.get(&id).cloned().map(|e| (key, e)))
            .collect())
    }
}

/// The SHA-256 and size of every evidence file the sources name, read
/// through the confined handle (never a path that could have been swapped).
fn hash_evidence_files(sources: &[Source]) -> Result<HashMap<std::path::PathBuf, Blob>> {
    let mut out = HashMap::new();
    let files = (sources.iter())
        .flat_map(|s| &s.controls)
        .flat_map(|c| &c.evidence)
        .filter_map(|e| match &e.source {
            EvidenceSource::File(confined) => Some(confined),
            _ => None,
        });
    for confined in files {
        if out.contains_key(&confined.path) {
            continue;
        }
        let (f, meta) = confined.open()?;
        let sha = evidence::hash_open_file(f, meta.len(), &mut |_, _| {}).map_err(|err| {
            Error::io(
                format!("cannot read evidence file {}", confined.path.display()),
                err,
            )
        })?;
        let blob = Blob {
            sha256: sha,
            size: meta.len(),
        };
        out.insert(confined.path.clone(), blob);
    }
    Ok(out)
}
