//! Working with crosswalks in a workspace: the frameworks the organisation
//! tracks, the links between two frameworks (the mapping explorer and
//! `crosswalk links`), and adopting related coverage (mapping the control of
//! a covered requirement elsewhere to a gap here, with a rationale, audited).
//! The rule of what counts as related coverage lives in `related.rs`.
use crate::audit::{Mutation, State, States, Subject};
use crate::controls::CoverageRequest;
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::controls::{load_controls, upsert_control};
use crate::store::settings::set as set_setting;
use crate::workspace::{timestamp, Workspace};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// Settings key of the tracked frameworks: a JSON array of ids. Absent means
/// every installed framework is tracked (a fresh workspace, and every
/// workspace from before tracking existed, keeps showing all six).
const TRACKED_KEY: &str = "tracked_frameworks";

/// An installed framework and whether the organisation tracks it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FrameworkChoice {
    /// The framework; in JSON its fields sit beside `tracked`.
    #[serde(flatten)]
    pub framework: Framework,
    /// Whether the organisation tracks it (views and reports show tracked ones).
    pub tracked: bool,
}

/// Which links to list: between `from` and `to` (either stored direction,
/// always read "from is `<relationship>` to").
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct LinkQuery {
    /// Framework id of the `from` end.
    pub from: String,
    /// Framework id of the `to` end.
    pub to: String,
    /// Only links of this `from` requirement (matched forgiving whitespace).
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    /// Only links of this relationship.
    #[serde(default)]
    pub relationship: Option<Relationship>,
    /// Only links of this basis (published, derived, judgement).
    #[serde(default)]
    pub basis: Option<LinkBasis>,
    /// Only links whose source or publisher contains this text (any case).
    #[serde(default)]
    pub source: Option<String>,
}

/// One link read from `from` to `to`, with both ends' titles and statuses.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LinkRow {
    /// The `from` requirement's ref.
    pub from_ref: String,
    /// The `from` requirement's short title.
    pub from_title: String,
    /// Its coverage status; None for a grouping entry.
    pub from_status: Option<Status>,
    /// The `to` requirement's ref.
    pub to_ref: String,
    /// The `to` requirement's short title.
    pub to_title: String,
    /// Its coverage status; None for a grouping entry.
    pub to_status: Option<Status>,
    /// "`from` is `<relationship>` `to`", read in this direction.
    pub relationship: Relationship,
    /// For supportive relationships: how `from` supports `to`.
    pub properties: Vec<SupportProperty>,
    /// The publisher's strength, 1 (weak) to 10 (strong); None when not given.
    pub strength: Option<u8>,
    /// Published, derived or the authors' judgement.
    pub basis: LinkBasis,
    /// Where the link comes from.
    pub source: String,
    /// For judgement links: the rationale.
    pub note: Option<String>,
    /// True when the file states the link the other way round (`to` → `from`)
    /// and it is shown inverted.
    pub inverted: bool,
}

/// Where the listed links come from, once per crosswalk.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LinkSource {
    /// The crosswalk's `from` framework as its file states it.
    pub from_framework: String,
    /// The crosswalk's `to` framework as its file states it.
    pub to_framework: String,
    /// Whose mapping it is.
    pub provenance: Provenance,
    /// Links of it per basis (all of them, before filters).
    pub by_basis: BTreeMap<String, usize>,
}

/// The links between two frameworks, as the crosswalk explorer shows them.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LinksView {
    /// The `from` framework.
    pub from: Framework,
    /// The `to` framework.
    pub to: Framework,
    /// The crosswalks the links come from.
    pub sources: Vec<LinkSource>,
    /// Links between the two frameworks before filtering.
    pub total: usize,
    /// The links that pass the query's filters, read from `from` to `to`.
    pub links: Vec<LinkRow>,
}

/// What an adoption changed.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Adoption {
    /// The requirement that gained mappings.
    pub framework_id: String,
    /// Its ref (serialized as `ref`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// The framework of the covered requirement reused.
    pub via_framework: String,
    /// The ref of the covered requirement reused.
    pub via_ref: String,
    /// The path from one to the other, in words (as in the audit event).
    pub path: String,
    /// Controls now mapped to the requirement.
    pub controls: Vec<String>,
    /// Full or partial, as the new mappings claim.
    pub coverage: MappingCoverage,
    /// The rationale given for the new mappings; None when none was.
    pub rationale: Option<String>,
}

impl Workspace {
    /// Ids of the tracked frameworks, in the order `frameworks()` lists them.
    pub fn tracked_framework_ids(&self) -> Result<Vec<String>> {
        let all = self.frameworks()?;
        let chosen: Option<Vec<String>> = crate::store::settings::get_json(
            &self.conn,
            TRACKED_KEY,
            "a JSON list of framework ids",
        )?;
        Ok(all
            .into_iter()
            .map(|f| f.id)
            .filter(|id| chosen.as_ref().is_none_or(|c| c.contains(id)))
            .collect())
    }

    /// Every installed framework with whether it is tracked.
    pub fn framework_choices(&self) -> Result<Vec<FrameworkChoice>> {
        let tracked = self.tracked_framework_ids()?;
        Ok(self
            .frameworks()?
            .into_iter()
            .map(|f| FrameworkChoice {
                tracked: tracked.contains(&f.id),
                framework: f,
            })
            .collect())
    }

    /// Tracks or stops tracking a framework. Untracked frameworks stay
    /// installed (controls may still map to them) but leave the dashboard,
    /// the default report and the gap counts. One framework at least stays tracked.
    pub fn set_tracked(
        &mut self,
        framework_id: &str,
        tracked: bool,
    ) -> Result<Vec<FrameworkChoice>> {
        let f = self.framework(framework_id)?;
        let mut ids = self.tracked_framework_ids()?;
        let was = ids.contains(&f.id);
        if was == tracked {
            return self.framework_choices();
        }
        if tracked {
            ids.push(f.id.clone());
        } else {
            ids.retain(|i| i != &f.id);
            if ids.is_empty() {
                return Err(Error::Usage(format!(
                    "{} is the only tracked framework; track another before untracking it",
                    f.id
                )));
            }
        }
        let order: Vec<String> = self.frameworks()?.into_iter().map(|f| f.id).collect();
        ids.sort_by_key(|i| order.iter().position(|o| o == i));
        let tx = self.begin()?;
        let value = serde_json::to_string(&ids).expect("ids serialize");
        set_setting(&tx, TRACKED_KEY, &value)?;
        self.record_change(
            &tx,
            if tracked {
                Mutation::FrameworkTracked
            } else {
                Mutation::FrameworkUntracked
            },
            &Subject::Framework(f.id.clone()),
            format!(
                "{} {} ({} tracked: {})",
                if tracked {
                    "Tracked"
                } else {
                    "Stopped tracking"
                },
                f.short_name,
                ids.len(),
                ids.join(", ")
            ),
            json!({
                "framework": f.id,
                "tracked": tracked,
                "tracked_frameworks": ids,
            }),
            States::of(Subject::Setting(TRACKED_KEY.into()), State::Text(&value)),
        )?;
        tx.commit()?;
        self.framework_choices()
    }

    /// The links between two frameworks, read from `query.from` to `query.to`, filtered.
    pub fn links(&self, query: &LinkQuery) -> Result<LinksView> {
        let from = self.framework(&query.from)?;
        let to = self.framework(&query.to)?;
        if from.id == to.id {
            return Err(Error::Usage(format!(
                "give two different frameworks (both are {})",
                from.id
            )));
        }
        let reference = match &query.reference {
            None => None,
            Some(r) => Some(self.resolve_ref(&from.id, r).ok_or_else(|| {
                Error::NotFound(format!("`{r}` is not a requirement of {}", from.id))
            })?),
        };
        let ends = self.link_ends(&from.id, &to.id)?;
        let mut sources: Vec<LinkSource> = Vec::new();
        let mut rows = Vec::new();
        let needle = query.source.as_ref().map(|s| s.to_lowercase());
        for l in self.crosswalk_links()? {
            let inverted = if l.from_framework == from.id && l.to_framework == to.id {
                false
            } else if l.from_framework == to.id && l.to_framework == from.id {
                true
            } else {
                continue;
            };
            count_source(&mut sources, &l);
            let (fr, tr, rel) = if inverted {
                (&l.to_ref, &l.from_ref, l.relationship.inverse())
            } else {
                (&l.from_ref, &l.to_ref, l.relationship)
            };
            if reference.as_ref().is_some_and(|r| r != fr)
                || query.relationship.is_some_and(|r| r != rel)
                || query.basis.is_some_and(|b| b != l.basis)
                || needle.as_ref().is_some_and(|n| {
                    !l.source.to_lowercase().contains(n)
                        && !l.provenance.publisher.to_lowercase().contains(n)
                })
            {
                continue;
            }
            rows.push(LinkRow {
                from_title: ends.title(&from.id, fr),
                from_status: ends.status(&from.id, fr),
                to_title: ends.title(&to.id, tr),
                to_status: ends.status(&to.id, tr),
                from_ref: fr.clone(),
                to_ref: tr.clone(),
                relationship: rel,
                properties: l.properties.clone(),
                strength: l.strength,
                basis: l.basis,
                source: l.source.clone(),
                note: l.note.clone(),
                inverted,
            });
        }
        let total = sources.iter().flat_map(|s| s.by_basis.values()).sum();
        // Catalog order of the `from` end keeps a framework's structure.
        let order: HashMap<String, usize> = self
            .requirements(&from.id)?
            .into_iter()
            .enumerate()
            .map(|(i, r)| (r.reference, i))
            .collect();
        rows.sort_by_key(|r| order.get(&r.from_ref).copied().unwrap_or(usize::MAX));
        Ok(LinksView {
            from,
            to,
            sources,
            total,
            links: rows,
        })
    }

    /// The title and coverage status of every requirement of two frameworks.
    fn link_ends(&self, from: &str, to: &str) -> Result<LinkEnds> {
        let titles = self
            .requirements("")?
            .into_iter()
            .filter(|r| r.framework_id == from || r.framework_id == to)
            .map(|r| ((r.framework_id, r.reference), r.title))
            .collect();
        let coverage = self.coverage(&CoverageRequest {
            frameworks: vec![from.to_string(), to.to_string()],
            assessment_id: None,
        })?;
        let status = coverage
            .iter()
            .flat_map(|f| {
                f.requirements.iter().filter_map(move |r| {
                    Some(((f.framework.id.clone(), r.reference.clone()), r.status?))
                })
            })
            .collect();
        Ok(LinkEnds { titles, status })
    }

    /// Adopts related coverage: maps the controls that cover `via` to the gap
    /// `framework_id ref`, with the user's rationale, in one audited change.
    /// Refused unless `via` is related coverage of that requirement now.
    pub fn adopt(
        &mut self,
        framework_id: &str,
        reference: &str,
        via: (&str, &str),
        rationale: Option<&str>,
        coverage: MappingCoverage,
    ) -> Result<Adoption> {
        let fw = self.framework(framework_id)?;
        let canonical = self.resolve_ref(&fw.id, reference).ok_or_else(|| {
            Error::NotFound(format!("`{reference}` is not a requirement of {}", fw.id))
        })?;
        let via_fw = self.framework(via.0)?;
        let via_ref = self.resolve_ref(&via_fw.id, via.1).ok_or_else(|| {
            Error::NotFound(format!("`{}` is not a requirement of {}", via.1, via_fw.id))
        })?;
        let offer = self.adoption_offer(&fw.id, &canonical, &via_fw.id, &via_ref)?;
        let rationale = rationale
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let path = offer.summary.clone();
        let control_ids = offer.controls.clone();
        let now = timestamp(crate::now());
        let tx = self.begin()?;
        let mapping = Mapping {
            framework_id: fw.id.clone(),
            reference: canonical.clone(),
            coverage,
            rationale: rationale.clone(),
        };
        let (states, changed) = map_controls(&tx, &control_ids, &mapping, &now)?;
        if changed.is_empty() {
            return Err(Error::Usage(format!(
                "{} already map to {} {canonical}",
                control_ids.join(", "),
                fw.id
            )));
        }
        self.record_change(
            &tx,
            Mutation::CrosswalkAdopted,
            &Subject::Requirement(fw.id.clone(), canonical.clone()),
            format!(
                "Adopted related coverage for {} {canonical} from {path}: mapped {}{}",
                fw.short_name,
                changed.join(", "),
                rationale
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            json!({
                "framework": fw.id, "ref": canonical, "via": {"framework": via_fw.id, "ref": via_ref},
                "path": offer.path, "controls": changed, "coverage": coverage, "rationale": rationale,
            }),
            states,
        )?;
        tx.commit()?;
        Ok(Adoption {
            framework_id: fw.id,
            reference: canonical,
            via_framework: via_fw.id,
            via_ref,
            path,
            controls: changed,
            coverage,
            rationale,
        })
    }

    /// The related coverage `via` offers the requirement `framework_id
    /// canonical` now; refused for a grouping entry, or when `via` is not
    /// among what is offered (the error lists what is).
    fn adoption_offer(
        &self,
        framework_id: &str,
        canonical: &str,
        via_framework: &str,
        via_ref: &str,
    ) -> Result<crate::related::RelatedCoverage> {
        let rows = self.coverage(&CoverageRequest {
            frameworks: vec![framework_id.to_string()],
            assessment_id: None,
        })?;
        let row = rows[0]
            .requirements
            .iter()
            .find(|r| r.reference == canonical)
            .expect("resolved ref is in its framework");
        if !row.assessable {
            return Err(Error::Usage(format!(
                "{framework_id} {canonical} groups other requirements; adopt for one under it"
            )));
        }
        let Some(offer) = row
            .related_coverage
            .iter()
            .find(|c| c.framework_id == via_framework && c.reference == via_ref)
        else {
            let offered: Vec<&str> = row
                .related_coverage
                .iter()
                .map(|c| c.summary.as_str())
                .collect();
            return Err(Error::Usage(format!(
                "{} {via_ref} is not related coverage of {} {canonical}{}",
                via_framework,
                framework_id,
                if offered.is_empty() {
                    format!(
                        " (it has none: its status is {})",
                        row.status.map(|s| s.label()).unwrap_or("none")
                    )
                } else {
                    format!("; offered: {}", offered.join("; "))
                }
            )));
        };
        Ok(offer.clone())
    }
}

/// Titles and statuses of the requirements at the ends of listed links.
struct LinkEnds {
    titles: HashMap<(String, String), String>,
    status: HashMap<(String, String), Status>,
}

impl LinkEnds {
    fn title(&self, fw: &str, r: &str) -> String {
        self.titles
            .get(&(fw.to_string(), r.to_string()))
            .cloned()
            .unwrap_or_default()
    }

    fn status(&self, fw: &str, r: &str) -> Option<Status> {
        self.status.get(&(fw.to_string(), r.to_string())).copied()
    }
}

/// Counts a link under its crosswalk (same frameworks, same provenance), by basis.
fn count_source(sources: &mut Vec<LinkSource>, l: &CrosswalkLink) {
    match sources.iter_mut().find(|s| {
        s.from_framework == l.from_framework
            && s.to_framework == l.to_framework
            && s.provenance == l.provenance
    }) {
        Some(s) => *s.by_basis.entry(l.basis.to_string()).or_default() += 1,
        None => sources.push(LinkSource {
            from_framework: l.from_framework.clone(),
            to_framework: l.to_framework.clone(),
            provenance: l.provenance.clone(),
            by_basis: BTreeMap::from([(l.basis.to_string(), 1)]),
        }),
    }
}

/// Adds `mapping` to each control of `ids` that lacks it; gives the new
/// states and the controls changed.
fn map_controls(
    tx: &rusqlite::Transaction<'_>,
    ids: &[String],
    mapping: &Mapping,
    now: &str,
) -> Result<(States, Vec<String>)> {
    let mut states = States::new();
    let mut changed = Vec::new();
    for id in ids {
        let mut c = load_controls(tx)?
            .into_iter()
            .find(|c| &c.id == id)
            .expect("a covering control exists");
        if c.mappings
            .iter()
            .any(|m| m.framework_id == mapping.framework_id && m.reference == mapping.reference)
        {
            continue;
        }
        c.mappings.push(mapping.clone());
        upsert_control(tx, &c, "", now)?;
        let stored = load_controls(tx)?
            .into_iter()
            .find(|s| &s.id == id)
            .expect("just written");
        states.set(Subject::Control(id.clone()), State::Control(&stored));
        changed.push(id.clone());
    }
    Ok((states, changed))
}
