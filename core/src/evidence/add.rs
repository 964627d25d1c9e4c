//! Adding evidence: a new item from a file, link or note, and a new
//! occurrence (a later collection) of an item already stored. Checks first,
//! then the vault, then one transaction with its audit event.
use super::*;
use crate::audit::Mutation;
use crate::error::{Error, Result};
use crate::model::*;
use crate::workspace::{timestamp, Workspace};
use chrono::NaiveDate;
use serde_json::json;
use std::collections::HashMap;

impl Workspace {
    /// Adds evidence: a file is hashed and copied into the vault (with
    /// `progress(bytes_done, bytes_total)`), then the row, its links and the
    /// audit event are written in one transaction.
    pub fn add_evidence(
        &mut self,
        new: &NewEvidence,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Evidence> {
        self.insert_new_evidence(new, None, progress)
    }

    /// `series`: put the new item in this series (a new occurrence the user
    /// asked for); otherwise a duplicate the user allowed gives the series.
    fn insert_new_evidence(
        &mut self,
        new: &NewEvidence,
        series: Option<i64>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Evidence> {
        let known = self.control_cadences(&new.controls)?;
        let source = SourceParts::of(&new.source)?;
        let checked = self
            .check_evidence_fields(
                &Fields {
                    controls: &new.controls,
                    default_title: &source.default_title,
                    title: new.title.as_deref(),
                    collected_by: new.collected_by.as_deref(),
                    collected_on: new.collected_on,
                    valid_until: new.valid_until,
                    valid_for_days: new.valid_for_days,
                },
                &|c| known.get(c).copied().flatten(),
            )
            .map_err(|e| Error::Usage(e.message))?;
        let blob = match &new.source {
            Source::File(p) => Some((
                self.vault().put_file(p, progress)?,
                source.default_title.clone(),
            )),
            _ => None,
        };
        let duplicate = self.find_duplicate(
            &new.controls,
            blob.as_ref().map(|(b, _)| b.sha256.as_str()),
            source.url.as_deref(),
        )?;
        if let Some(d) = &duplicate {
            if !new.new_occurrence {
                return Err(duplicate_refused(d, source.url.is_some()));
            }
        }
        let series = series.or(duplicate.as_ref().map(Evidence::series));
        self.write_new_evidence(new, &source, &checked, blob.as_ref(), series)
    }

    /// The review cadence of every control, after checking that each of
    /// `wanted` exists (the error names the closest id).
    fn control_cadences(&self, wanted: &[String]) -> Result<HashMap<String, Option<u32>>> {
        let known: HashMap<String, Option<u32>> = self
            .controls()?
            .into_iter()
            .map(|c| (c.id, c.review_every_days))
            .collect();
        for c in wanted {
            if !known.contains_key(c) {
                self.control(c)?;
            }
        }
        Ok(known)
    }

    /// The row, its links, its first revision and its audit event, in one
    /// transaction.
    fn write_new_evidence(
        &mut self,
        new: &NewEvidence,
        source: &SourceParts,
        checked: &Checked,
        blob: Option<&(Blob, String)>,
        series: Option<i64>,
    ) -> Result<Evidence> {
        let kind = source.kind;
        let tx = self.begin()?;
        let id = rows::insert_evidence(
            &tx,
            &rows::NewEvidence {
                kind,
                checked,
                description: &new.description,
                url: source.url.as_deref(),
                note: source.note.as_deref(),
                import_key: None,
                controls: &new.controls,
                at: &timestamp(crate::now()),
            },
        )?;
        if let Some((blob, name)) = blob {
            rows::insert_revision(&tx, id, 1, blob, name, &timestamp(crate::now()))?;
        }
        if let Some(series) = series {
            rows::set_series(&tx, id, series)?;
        }
        let e = rows::load_one(&tx, id)?.expect("just inserted");
        self.record_change(
            &tx,
            Mutation::EvidenceAdded,
            &Subject::Evidence(id),
            format!(
                "Added {} evidence #{id} \"{}\" for {}, evidence date {}{}",
                kind,
                e.title,
                new.controls.join(", "),
                e.collected_on,
                e.series_id.map(|s| format!(", new occurrence of #{s}")).unwrap_or_default()
            ),
            json!({"evidence": id, "sha256": blob.map(|(b, _)| &b.sha256), "series": e.series_id, "collected_on": e.collected_on}),
            States::of(Subject::Evidence(id), State::Evidence(&e)),
        )?;
        tx.commit()?;
        Ok(e)
    }

    /// Records a new collection of the evidence item `of` (the next quarter's
    /// access review): a new item with its own evidence date, in the same
    /// series, with the same title, description, controls and collector. The
    /// earlier occurrences stay as they are.
    pub fn add_occurrence(
        &mut self,
        of: i64,
        source: &Source,
        collected_on: Option<NaiveDate>,
        valid_until: Option<NaiveDate>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Evidence> {
        let base = self.evidence(of)?;
        if base.removed_at.is_some() {
            return Err(Error::Usage(format!(
                "evidence #{of} was removed; add the evidence anew instead"
            )));
        }
        let Some(collected_on) = collected_on else {
            return Err(Error::Usage(format!(
                "a new occurrence of evidence #{of} needs its evidence date (the day it was collected), e.g. --collected {}",
                self.today()
            )));
        };
        // The same validity length as the item it follows, unless given.
        let valid_for_days = match valid_until {
            Some(_) => None,
            None => base
                .valid_until
                .map(|u| (u - base.collected_on).num_days().max(0) as u32),
        };
        let new = NewEvidence {
            controls: base.controls.clone(),
            source: source.clone(),
            title: Some(base.title.clone()),
            description: base.description.clone(),
            collected_by: Some(base.collected_by.clone()),
            collected_on: Some(collected_on),
            valid_until,
            valid_for_days,
            new_occurrence: true,
        };
        self.insert_new_evidence(&new, Some(base.series()), progress)
    }

    /// Current evidence for one of `controls` holding the same file (or link).
    fn find_duplicate(
        &self,
        controls: &[String],
        sha256: Option<&str>,
        url: Option<&str>,
    ) -> Result<Option<Evidence>> {
        if sha256.is_none() && url.is_none() {
            return Ok(None);
        }
        let candidates = rows::load(&self.conn, &EvidenceFilter::SameFileOrUrl { sha256, url })?;
        Ok(candidates
            .into_iter()
            .filter(|e| e.controls.iter().any(|c| controls.contains(c)))
            .max_by_key(|e| (e.collected_on, e.id)))
    }
}

/// What a source gives a new item: its kind, the title it defaults to, and
/// its link or note.
struct SourceParts {
    kind: EvidenceKind,
    default_title: String,
    url: Option<String>,
    note: Option<String>,
}

impl SourceParts {
    /// Refuses a link that is not a link and an empty note.
    fn of(source: &Source) -> Result<SourceParts> {
        let (kind, default_title, url, note) = match source {
            Source::File(p) => (
                EvidenceKind::File,
                p.file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
                None,
                None,
            ),
            Source::Link(u) => {
                let u = crate::validate::url(u).map_err(Error::Usage)?;
                (EvidenceKind::Link, u.clone(), Some(u), None)
            }
            Source::Note(n) => {
                if n.trim().is_empty() {
                    return Err(Error::Usage("the note is empty".into()));
                }
                (
                    EvidenceKind::Note,
                    n.lines().next().unwrap_or("").chars().take(80).collect(),
                    None,
                    Some(n.clone()),
                )
            }
        };
        Ok(SourceParts {
            kind,
            default_title,
            url,
            note,
        })
    }
}

/// The same file or link is already current evidence for one of the controls.
fn duplicate_refused(d: &Evidence, is_link: bool) -> Error {
    Error::Usage(format!(
        "this {} is already evidence #{} \"{}\" for {} (evidence date {}); to record it as another collection, add it as a new occurrence (--new-occurrence), or correct #{} with `evidence replace` or `evidence edit`",
        if is_link { "link" } else { "file" },
        d.id,
        d.title,
        d.controls.join(", "),
        d.collected_on,
        d.id
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn each_source_gives_its_kind_and_default_title() {
        let f = SourceParts::of(&Source::File(PathBuf::from("/tmp/x/policy.pdf"))).unwrap();
        assert_eq!(
            (f.kind, f.default_title.as_str()),
            (EvidenceKind::File, "policy.pdf")
        );
        assert_eq!((f.url, f.note), (None, None));
        let long = format!("{}\nsecond line", "n".repeat(100));
        let n = SourceParts::of(&Source::Note(long.clone())).unwrap();
        assert_eq!(n.kind, EvidenceKind::Note);
        assert_eq!(n.default_title, "n".repeat(80), "the first line, cut at 80");
        assert_eq!(n.note.as_deref(), Some(long.as_str()));
        let l = SourceParts::of(&Source::Link("https://example.org/run/1".into())).unwrap();
        assert_eq!(l.kind, EvidenceKind::Link);
        assert_eq!(l.url.as_deref(), Some("https://example.org/run/1"));
    }

    #[test]
    fn an_empty_note_and_a_link_that_is_no_web_address_are_refused() {
        for source in [
            Source::Note("  \n ".into()),
            Source::Link("not a link".into()),
        ] {
            assert!(
                matches!(SourceParts::of(&source), Err(Error::Usage(_))),
                "{source:?}"
            );
        }
    }
}
