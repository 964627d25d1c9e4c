//! Changing evidence already stored: a corrected file (a revision), edited
//! metadata, withdrawal. Each change is one transaction with one audit event
//! that records what changed.
use super::*;
use crate::audit::Mutation;
use crate::error::{Error, Result};
use crate::model::*;
use crate::workspace::{timestamp, Workspace};
use chrono::NaiveDate;
use serde_json::json;
use std::path::Path;

impl Workspace {
    /// Stores a new revision of a file evidence (`ReplaceMode::Revision`):
    /// the item keeps its evidence date unless `collected_on` gives a new one,
    /// and older revisions stay. `ReplaceMode::NewOccurrence` instead records
    /// a new collection in the same series (see [`Workspace::add_occurrence`]).
    pub fn replace_evidence(
        &mut self,
        id: i64,
        file: &Path,
        mode: ReplaceMode,
        collected_on: Option<NaiveDate>,
        valid_until: Option<NaiveDate>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Evidence> {
        if mode == ReplaceMode::NewOccurrence {
            return self.add_occurrence(
                id,
                &Source::File(file.to_path_buf()),
                collected_on,
                valid_until,
                progress,
            );
        }
        let old = self.evidence(id)?;
        let (collected_on, valid_until) = self.revision_dates(&old, collected_on, valid_until)?;
        let blob = self.vault().put_file(file, progress)?;
        if old
            .current_revision()
            .is_some_and(|r| r.sha256 == blob.sha256)
        {
            return Err(Error::Usage(format!(
                "{} is the file evidence #{id} already holds (revision {}); nothing to correct",
                file.display(),
                old.current_revision().map(|r| r.number).unwrap_or(0)
            )));
        }
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        self.write_revision(&old, &blob, &name, collected_on, valid_until)
    }

    /// Checks a correction of `old`'s file: a live file item, and the dates
    /// the revision gives it. The evidence date stays unless given; the
    /// validity keeps its length unless a new end is given.
    fn revision_dates(
        &self,
        old: &Evidence,
        collected_on: Option<NaiveDate>,
        valid_until: Option<NaiveDate>,
    ) -> Result<(NaiveDate, Option<NaiveDate>)> {
        let id = old.id;
        if old.removed_at.is_some() {
            return Err(Error::Usage(format!(
                "evidence #{id} was removed; add it anew instead"
            )));
        }
        if old.kind != EvidenceKind::File {
            return Err(Error::Usage(format!(
                "evidence #{id} is a {}, not a file; only files have revisions",
                old.kind
            )));
        }
        // A revision corrects the file of this occurrence: the evidence was
        // still gathered when it was, so the date stays unless the user says.
        let collected_on = collected_on.unwrap_or(old.collected_on);
        if collected_on > self.today() {
            return Err(Error::Usage(format!(
                "the collected date {collected_on} is in the future"
            )));
        }
        let valid_until = valid_until.or_else(|| {
            // Keep the same validity length as before.
            old.valid_until
                .map(|u| collected_on + (u - old.collected_on))
        });
        if valid_until.is_some_and(|u| u < collected_on) {
            return Err(Error::Usage(
                "valid-until is before the collected date".into(),
            ));
        }
        Ok((collected_on, valid_until))
    }

    /// The new revision, the dates and the audit event, in one transaction.
    fn write_revision(
        &mut self,
        old: &Evidence,
        blob: &Blob,
        name: &str,
        collected_on: NaiveDate,
        valid_until: Option<NaiveDate>,
    ) -> Result<Evidence> {
        let id = old.id;
        let number = old.revisions.last().map(|r| r.number + 1).unwrap_or(1);
        let tx = self.begin()?;
        rows::insert_revision(&tx, id, number, blob, name, &timestamp(crate::now()))?;
        rows::set_dates(&tx, id, collected_on, valid_until)?;
        let e = rows::load_one(&tx, id)?.expect("exists");
        self.record_change(
            &tx,
            Mutation::EvidenceReplaced,
            &Subject::Evidence(id),
            format!(
                "Corrected evidence #{id} \"{}\" with revision {number} (evidence date {})",
                e.title, e.collected_on
            ),
            json!({"evidence": id, "revision": number, "sha256": blob.sha256,
                   "before": {"collected_on": old.collected_on, "valid_until": old.valid_until},
                   "after": {"collected_on": e.collected_on, "valid_until": e.valid_until}}),
            States::of(Subject::Evidence(id), State::Evidence(&e)),
        )?;
        tx.commit()?;
        Ok(e)
    }

    /// Changes an item's metadata (title, description, controls, evidence
    /// date, valid until, collector) in one transaction with one audit event
    /// that records each changed field before and after.
    pub fn edit_evidence(&mut self, id: i64, edit: &EvidenceEdit) -> Result<Evidence> {
        let old = self.evidence(id)?;
        let new = self.edited(&old, edit)?;
        let (before, after) = field_changes(&old, &new);
        if after.is_empty() {
            return Ok(old);
        }
        self.write_edit(&new, edit.controls.is_some(), before, after)
    }

    /// `old` with `edit` applied, each field checked; nothing written.
    fn edited(&self, old: &Evidence, edit: &EvidenceEdit) -> Result<Evidence> {
        let id = old.id;
        if old.removed_at.is_some() {
            return Err(Error::Usage(format!(
                "evidence #{id} was removed; it can no longer be edited"
            )));
        }
        if edit.no_expiry && edit.valid_until.is_some() {
            return Err(Error::Usage(
                "give either a valid-until date or no expiry, not both".into(),
            ));
        }
        let title = match &edit.title {
            Some(t) if t.trim().is_empty() => {
                return Err(Error::Usage("evidence needs a title".into()))
            }
            Some(t) => t.trim().to_string(),
            None => old.title.clone(),
        };
        let collected_by = match &edit.collected_by {
            Some(c) => crate::validate::collector(c).map_err(Error::Usage)?,
            None => old.collected_by.clone(),
        };
        let controls = match &edit.controls {
            Some(list) => {
                let mut ids: Vec<String> = Vec::new();
                for c in list.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
                    self.control(c)?; // the error names the closest id
                    if !ids.iter().any(|x| x == c) {
                        ids.push(c.to_string());
                    }
                }
                if ids.is_empty() {
                    return Err(Error::Usage(
                        "evidence must support at least one control".into(),
                    ));
                }
                ids.sort();
                ids
            }
            None => old.controls.clone(),
        };
        let collected_on = edit.collected_on.unwrap_or(old.collected_on);
        if collected_on > self.today() {
            return Err(Error::Usage(format!("the collected date {collected_on} is in the future; use the date the evidence was gathered")));
        }
        let valid_until = if edit.no_expiry {
            None
        } else {
            edit.valid_until.or(old.valid_until)
        };
        if let Some(u) = valid_until {
            if u < collected_on {
                return Err(Error::Usage(format!(
                    "valid until {u} is before the collected date {collected_on}"
                )));
            }
        }
        let description = edit
            .description
            .as_deref()
            .map(str::trim)
            .unwrap_or(&old.description)
            .to_string();
        Ok(Evidence {
            title,
            description,
            controls,
            collected_on,
            valid_until,
            collected_by,
            ..old.clone()
        })
    }

    /// The edited row, its links when they changed, and one audit event
    /// with each changed field before and after.
    fn write_edit(
        &mut self,
        new: &Evidence,
        controls_changed: bool,
        before: serde_json::Map<String, serde_json::Value>,
        after: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Evidence> {
        let id = new.id;
        let tx = self.begin()?;
        rows::update(&tx, new, controls_changed)?;
        let e = rows::load_one(&tx, id)?.expect("exists");
        let fields: Vec<String> = after.keys().cloned().collect();
        self.record_change(
            &tx,
            Mutation::EvidenceEdited,
            &Subject::Evidence(id),
            format!(
                "Edited evidence #{id} \"{}\": {}",
                e.title,
                fields.join(", ")
            ),
            json!({"evidence": id, "before": before, "after": after}),
            States::of(Subject::Evidence(id), State::Evidence(&e)),
        )?;
        tx.commit()?;
        Ok(e)
    }

    /// Withdraws evidence: it stops counting, its files and history stay.
    pub fn remove_evidence(&mut self, id: i64) -> Result<Evidence> {
        let old = self.evidence(id)?;
        if old.removed_at.is_some() {
            return Err(Error::Usage(format!("evidence #{id} was already removed")));
        }
        let tx = self.begin()?;
        rows::set_removed(&tx, id, &timestamp(crate::now()))?;
        let e = rows::load_one(&tx, id)?.expect("exists");
        self.record_change(
            &tx,
            Mutation::EvidenceRemoved,
            &Subject::Evidence(id),
            format!("Removed evidence #{id} \"{}\"", e.title),
            json!({"evidence": id}),
            States::of(Subject::Evidence(id), State::Evidence(&e)),
        )?;
        tx.commit()?;
        Ok(e)
    }
}

/// The fields `new` changes from `old`: their values before and after.
fn field_changes(
    old: &Evidence,
    new: &Evidence,
) -> (
    serde_json::Map<String, serde_json::Value>,
    serde_json::Map<String, serde_json::Value>,
) {
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    let mut change = |field: &str, b: serde_json::Value, a: serde_json::Value| {
        if b != a {
            before.insert(field.into(), b);
            after.insert(field.into(), a);
        }
    };
    change("title", json!(old.title), json!(new.title));
    change(
        "description",
        json!(old.description),
        json!(new.description),
    );
    change("controls", json!(old.controls), json!(new.controls));
    change(
        "collected_on",
        json!(old.collected_on),
        json!(new.collected_on),
    );
    change(
        "valid_until",
        json!(old.valid_until),
        json!(new.valid_until),
    );
    change(
        "collected_by",
        json!(old.collected_by),
        json!(new.collected_by),
    );
    (before, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_records_only_the_fields_it_changes() {
        let old = Evidence {
            title: "Access review".into(),
            ..crate::coverage::tests::evidence(3, "A", "2026-03-01", None)
        };
        let (before, after) = field_changes(&old, &old.clone());
        assert!(before.is_empty() && after.is_empty());
        let new = Evidence {
            title: "Access review Q1".into(),
            valid_until: Some("2026-06-01".parse().unwrap()),
            ..old.clone()
        };
        let (before, after) = field_changes(&old, &new);
        assert_eq!(
            serde_json::Value::Object(before),
            json!({"title": "Access review", "valid_until": null})
        );
        assert_eq!(
            serde_json::Value::Object(after),
            json!({"title": "Access review Q1", "valid_until": "2026-06-01"})
        );
    }
}
