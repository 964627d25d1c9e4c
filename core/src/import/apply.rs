//! Applying: a [`Plan`] written in one transaction with one audit event.
//!
//! Promises:
//! - Evidence blobs go into the vault first (content addressed: a failed
//!   import leaves at most an unreferenced blob); then catalogs, crosswalk
//!   links, scopes, controls and evidence rows are written and the audit
//!   event recorded in the caller's transaction, committed once.
//! - The event lists every file's SHA-256 and the digest of every record
//!   the import changed (`states`), so `verify` can tell later edits apart.
//! - Decides nothing: what to write was settled by planning.
use super::plan::{EvidenceWrite, Plan};
use super::source::EvidenceSource;
use super::ImportReport;
use crate::audit::{Mutation, State, States, Subject};
use crate::error::Result;
use crate::evidence::{self, Checked};
use crate::model::{Control, EvidenceKind};
use crate::store::evidence as rows;
use crate::workspace::{timestamp, Workspace};
use rusqlite::Transaction;
use serde_json::json;

impl Workspace {
    /// Writes `plan` inside `tx` (taken before the plan was made) and commits.
    pub(super) fn apply_plan(&self, tx: Transaction<'_>, mut plan: Plan) -> Result<ImportReport> {
        self.store_blobs(&mut plan.evidence)?;
        let now = timestamp(crate::now());
        let mut states = self.store_catalogs_and_links(&tx, &plan)?;
        for (control, source_file) in &plan.controls {
            crate::store::controls::upsert_control(&tx, control, source_file, &now)?;
        }
        // Evidence stays (it may serve other controls); only the links to the pruned controls go.
        states.extend(evidence::states_after_unlinking(&tx, &plan.report.removed)?);
        for id in &plan.report.removed {
            states.deleted(Subject::Control(id.clone()));
        }
        for w in &plan.evidence {
            states.extend(self.write_evidence(&tx, w, &now)?);
        }
        let stored: std::collections::HashMap<String, Control> =
            (crate::store::controls::load_controls(&tx)?.into_iter())
                .map(|c| (c.id.clone(), c))
                .collect();
        for (c, _) in &plan.controls {
            if let Some(c) = stored.get(&c.id) {
                states.set(Subject::Control(c.id.clone()), State::Control(c));
            }
        }
        self.record_import(&tx, &plan, states)?;
        tx.commit()?;
        Ok(plan.report)
    }

    /// Puts every evidence file into the vault; the vault's answer replaces the planned hash.
    fn store_blobs(&self, writes: &mut [EvidenceWrite]) -> Result<()> {
        for w in writes {
            if let EvidenceSource::File(confined) = &w.input.source {
                let (mut f, meta) = confined.open()?;
                let what = confined.path.display().to_string();
                w.blob = Some(
                    self.vault()
                        .put(&mut f, &what, meta.len(), &mut |_, _| {})?,
                );
            }
        }
        Ok(())
    }

    /// Inserts or updates one evidence row (with a new revision when its file
    /// changed); returns the digests to record.
    fn write_evidence(&self, tx: &Transaction<'_>, w: &EvidenceWrite, now: &str) -> Result<States> {
        let checked = Checked {
            title: w.input.title.clone(),
            collected_on: w.collected_on,
            valid_until: w.input.valid_until,
            collected_by: (w.input.collected_by.clone())
                .unwrap_or_else(|| self.actor().to_string()),
        };
        let (kind, url, note) = match &w.input.source {
            EvidenceSource::File(_) => (EvidenceKind::File, None, None),
            EvidenceSource::Link(u) => (EvidenceKind::Link, Some(u.as_str()), None),
            EvidenceSource::Note(n) => (EvidenceKind::Note, None, Some(n.as_str())),
        };
        let description = &w.input.description;
        let new = rows::NewEvidence {
            kind,
            checked: &checked,
            description,
            url,
            note,
            import_key: Some(&w.key),
            controls: std::slice::from_ref(&w.control),
            at: now,
        };
        let id = match &w.existing {
            None => rows::insert_evidence(tx, &new)?,
            Some(old) => {
                rows::rewrite(tx, old.id, &new)?;
                old.id
            }
        };
        if let Some(blob) = &w.blob {
            let current = w.existing.as_ref().and_then(|o| o.current_revision());
            if current.map(|r| &r.sha256) != Some(&blob.sha256) {
                let number = current.map(|r| r.number + 1).unwrap_or(1);
                rows::insert_revision(tx, id, number, blob, &w.file_name, now)?;
            }
        }
        let e = rows::load_one(tx, id)?.expect("just written");
        let mut states = States::of(Subject::ImportKey(id), State::Text(&w.key));
        states.set(Subject::Evidence(id), State::Evidence(&e));
        Ok(states)
    }

    /// Writes catalogs, crosswalk links and scopes; returns the digests of the
    /// frameworks and link files (taken after both, since a catalog can drop
    /// requirements links pointed at).
    fn store_catalogs_and_links(&self, tx: &Transaction<'_>, plan: &Plan) -> Result<States> {
        let mut states = States::new();
        for (catalog, sha) in &plan.catalogs {
            self.store_user_catalog(tx, catalog, sha)?;
        }
        for (origin, l) in &plan.links {
            crate::store::catalog::delete_links(tx, origin)?;
            crate::store::catalog::insert_links(tx, l, origin)?;
        }
        crate::store::scopes::store(tx, &plan.scopes)?;
        for (catalog, _) in &plan.catalogs {
            let id = &catalog.framework.id;
            let rows = crate::store::raw::framework_rows(tx, id)?;
            states.set(Subject::Framework(id.clone()), State::Rows(&rows));
        }
        for (origin, _) in &plan.links {
            let rows = crate::store::raw::link_rows(tx, origin)?;
            states.left(
                Subject::CrosswalkFile(origin.clone()),
                rows.as_ref().map(State::Rows),
            );
        }
        Ok(states)
    }

    /// The one audit event of an import.
    fn record_import(&self, tx: &Transaction<'_>, plan: &Plan, states: States) -> Result<()> {
        let report = &plan.report;
        let summary = format!(
            "Imported {} file(s): {} added, {} changed, {} unchanged, {} removed; evidence {} added, {} updated",
            report.files.len(),
            report.added.len(),
            report.changed.len(),
            report.unchanged.len(),
            report.removed.len(),
            report.evidence_added,
            report.evidence_updated
        );
        let files: Vec<_> = (plan.file_hashes.iter())
            .map(|(file, sha, format)| match format {
                None => json!({"file": file, "sha256": sha}),
                Some(format) => json!({"file": file, "sha256": sha, "format": format}),
            })
            .collect();
        self.record_change(
            tx,
            Mutation::Imported,
            &Subject::Controls,
            summary,
            json!({
                "files": files,
                "added": report.added,
                "changed": report.changed.iter().map(|c| &c.id).collect::<Vec<_>>(),
                "removed": report.removed,
                "frameworks": report.frameworks,
                "crosswalk_links": report.crosswalk_links,
                "scopes": report.scopes,
                "skipped_cells": report.skipped_cells,
            }),
            states,
        )?;
        Ok(())
    }
}
