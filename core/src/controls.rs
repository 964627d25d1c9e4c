//! Editing controls one at a time (the desktop app's forms), requirement
//! search for the mapping editor, export of the library, and coverage queries.
use crate::audit::{Mutation, State, States, Subject};
use crate::coverage::{self, FrameworkCoverage, Inputs, Options};
use crate::error::{Error, Problem, Result};
use crate::model::*;
use crate::store::controls::upsert_control;
use crate::text::ref_key;
use crate::workspace::{timestamp, Workspace};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::Path;

/// A requirement that matched a search.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RequirementHit {
    /// Id of the framework the requirement belongs to.
    pub framework_id: String,
    /// Its framework's short name (`NIST CSF 2.0`).
    pub framework: String,
    /// Its ref (serialized as `ref`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// The requirement's short title; the search matches it and the ref.
    pub title: String,
    /// What the requirement asks, in one to three sentences.
    pub summary: String,
    /// Its level in the framework's tree.
    pub level: String,
}

/// What coverage to compute.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CoverageRequest {
    /// Framework ids; empty means the tracked ones.
    #[serde(default)]
    pub frameworks: Vec<String>,
    /// Use an assessment's period and applicability.
    pub assessment_id: Option<i64>,
}

impl Workspace {
    /// Coverage per framework, computed now from the data.
    pub fn coverage(&self, request: &CoverageRequest) -> Result<Vec<FrameworkCoverage>> {
        let mut wanted = request.frameworks.clone();
        let assessment = request
            .assessment_id
            .map(|id| self.assessment(id))
            .transpose()?;
        let options = self.scope_options(assessment.as_ref())?;
        if let Some(a) = &assessment {
            if wanted.is_empty() {
                wanted = a.frameworks.clone();
            }
        }
        self.coverage_with(&wanted, &options)
    }

    /// Coverage of some frameworks (the tracked ones when `wanted` is empty) under explicit options.
    pub fn coverage_with(
        &self,
        wanted: &[String],
        options: &Options,
    ) -> Result<Vec<FrameworkCoverage>> {
        let all = self.frameworks()?;
        for id in wanted {
            if !all.iter().any(|f| &f.id == id) {
                return Err(self.unknown_framework(id));
            }
        }
        // Nothing asked for: the frameworks the organisation tracks.
        let wanted: Vec<String> = if wanted.is_empty() {
            self.tracked_framework_ids()?
        } else {
            wanted.to_vec()
        };
        let requirements = self.requirements("")?;
        let controls = self.controls()?;
        let evidence = self.evidence_list(None)?;
        let links = self.crosswalk_links()?;
        // Every framework is computed, so related coverage can come from any of them.
        let inputs = Inputs {
            frameworks: &all,
            requirements: &requirements,
            controls: &controls,
            evidence: &evidence,
            links: &links,
        };
        let mut everything = coverage::compute(&inputs, options, self.today());
        crate::related::annotate(&mut everything, &links);
        let mut by_id: std::collections::HashMap<String, FrameworkCoverage> = everything
            .into_iter()
            .map(|f| (f.framework.id.clone(), f))
            .collect();
        Ok(wanted.iter().filter_map(|w| by_id.remove(w)).collect())
    }

    /// Requirements across all frameworks whose ref or title matches every word of `query`.
    pub fn search_requirements(&self, query: &str, limit: usize) -> Result<Vec<RequirementHit>> {
        let names: std::collections::HashMap<String, String> = self
            .frameworks()?
            .into_iter()
            .map(|f| (f.id, f.short_name))
            .collect();
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let key = ref_key(query).to_lowercase();
        let mut hits: Vec<(u8, RequirementHit)> = self
            .requirements("")?
            .into_iter()
            .filter(|r| r.assessable)
            .filter_map(|r| {
                let rk = ref_key(&r.reference).to_lowercase();
                let rank = if rk == key {
                    0
                } else if rk.starts_with(&key) {
                    1
                } else {
                    let hay = format!("{} {} {}", r.reference, r.title, r.summary).to_lowercase();
                    if words.is_empty() || !words.iter().all(|w| hay.contains(w)) {
                        return None;
                    }
                    2
                };
                Some((
                    rank,
                    RequirementHit {
                        framework: names.get(&r.framework_id).cloned().unwrap_or_default(),
                        framework_id: r.framework_id,
                        reference: r.reference,
                        title: r.title,
                        summary: r.summary,
                        level: r.level,
                    },
                ))
            })
            .collect();
        hits.sort_by_key(|(rank, _)| *rank);
        Ok(hits.into_iter().take(limit).map(|(_, h)| h).collect())
    }

    /// Creates or updates one control (the desktop app's form), checked like an import.
    pub fn save_control(&mut self, control: &Control) -> Result<Control> {
        let c = self.checked_control(control)?;
        let old = self.controls()?.into_iter().find(|o| o.id == c.id);
        if old.as_ref() == Some(&c) {
            return Ok(c);
        }
        let tx = self.begin()?;
        upsert_control(&tx, &c, "", &timestamp(crate::now()))?;
        let stored = crate::store::controls::load_controls(&tx)?
            .into_iter()
            .find(|s| s.id == c.id)
            .expect("just written");
        let (action, summary) = match &old {
            None => (
                Mutation::ControlCreated,
                format!("Created control {} \"{}\"", c.id, c.title),
            ),
            Some(o) => (Mutation::ControlEdited, edit_summary(o, &c)),
        };
        let subject = Subject::Control(c.id.clone());
        let states = States::of(subject.clone(), State::Control(&stored));
        self.record_change(
            &tx,
            action,
            &subject,
            summary,
            json!({"control": stored}),
            states,
        )?;
        tx.commit()?;
        Ok(stored)
    }

    /// The control as it will be stored: id and title trimmed, a category,
    /// every mapping resolved to an assessable requirement, once. All
    /// problems are reported together.
    fn checked_control(&self, control: &Control) -> Result<Control> {
        let mut c = control.clone();
        c.id = c.id.trim().to_string();
        c.title = c.title.trim().to_string();
        let at = |field: &str, message: String| Problem {
            location: crate::Location {
                file: format!("control {}", c.id),
                line: 0,
                column: 0,
            },
            message: format!("{field}: {message}"),
        };
        let mut problems = Vec::new();
        if let Err(m) = crate::validate::control_id(&c.id) {
            problems.push(at("id", m));
        }
        if let Err(m) = crate::validate::title(&c.title, "a control") {
            problems.push(at("title", m));
        }
        if c.category.trim().is_empty() {
            c.category = "general".into();
        }
        let mut seen = std::collections::HashSet::new();
        for m in &mut c.mappings {
            match self.resolve_ref(&m.framework_id, &m.reference) {
                None => problems.push(at(
                    "maps",
                    format!(
                        "`{}` is not a requirement of {}",
                        m.reference, m.framework_id
                    ),
                )),
                Some(r) => {
                    m.reference = r;
                    if !seen.insert((m.framework_id.clone(), m.reference.clone())) {
                        problems.push(at(
                            "maps",
                            format!("{} {} is mapped twice", m.framework_id, m.reference),
                        ));
                    }
                }
            }
        }
        let assessable: std::collections::HashSet<(String, String)> = self
            .requirements("")?
            .into_iter()
            .filter(|r| r.assessable)
            .map(|r| (r.framework_id, r.reference))
            .collect();
        for m in &c.mappings {
            if self.resolve_ref(&m.framework_id, &m.reference).is_some()
                && !assessable.contains(&(m.framework_id.clone(), m.reference.clone()))
            {
                problems.push(at(
                    "maps",
                    format!(
                        "{} {} groups other requirements; map to one under it",
                        m.framework_id, m.reference
                    ),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        Ok(c)
    }

    /// Deletes a control; evidence stays in the vault with its other links.
    pub fn delete_control(&mut self, id: &str) -> Result<()> {
        let c = self.control(id)?;
        let tx = self.begin()?;
        let mut states = crate::evidence::states_after_unlinking(&tx, &[id.to_string()])?;
        states.deleted(Subject::Control(id.into()));
        self.record_change(
            &tx,
            Mutation::ControlDeleted,
            &Subject::Control(id.into()),
            format!("Deleted control {id} \"{}\"", c.title),
            json!({}),
            states,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Writes the control library as control YAML that `import` reads back.
    pub fn export_controls(&self, path: &Path) -> Result<usize> {
        let controls = self.controls()?;
        let text = crate::export::controls_yaml(&controls, &crate::timestamp(crate::now()));
        // Exports are audited: which controls left the workspace, where, as what.
        let staged = crate::fsutil::stage(path, text.as_bytes())?;
        if !self.is_read_only() {
            let tx = self.begin()?;
            self.record_note(
                &tx,
                crate::audit::Note::ControlsExported,
                &Subject::Controls,
                format!("Exported {} controls to {}", controls.len(), path.display()),
                serde_json::json!({"path": path.display().to_string(), "controls": controls.len(), "sha256": crate::hash::sha256_hex(text.as_bytes())}),
            )?;
            tx.commit()?;
        }
        staged.publish()?;
        Ok(controls.len())
    }
}

/// "Edited control X; mapped …; unmapped …": the mappings an edit changed.
fn edit_summary(old: &Control, new: &Control) -> String {
    let mapped = |x: &Control| {
        x.mappings
            .iter()
            .map(|m| format!("{} {}", m.framework_id, m.reference))
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (before, after) = (mapped(old), mapped(new));
    let added: Vec<_> = after.difference(&before).cloned().collect();
    let removed: Vec<_> = before.difference(&after).cloned().collect();
    let mut s = format!("Edited control {}", new.id);
    if !added.is_empty() {
        s.push_str(&format!("; mapped {}", added.join(", ")));
    }
    if !removed.is_empty() {
        s.push_str(&format!("; unmapped {}", removed.join(", ")));
    }
    s
}
