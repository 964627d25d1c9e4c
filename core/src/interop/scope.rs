//! Scopes: named selections of requirements (an OSCAL profile's baseline,
//! an OpenControl certification) that listings can be narrowed to.
//!
//! A scope only selects: it never changes a requirement or its coverage.
//! `--scope WORD` finds a scope by its id, or by a word of its id or name
//! when exactly one scope has it (`moderate` finds the MODERATE baseline).
use crate::error::{Error, Result};
use crate::workspace::Workspace;
use serde::Serialize;
use std::collections::HashSet;

/// A named selection of requirements, as read from its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// A slug of its name (`nist-800-53-moderate`); importing a scope of the same id replaces it.
    pub id: String,
    /// Its title, as the source writes it.
    pub name: String,
    /// Where it came from (the profile or certification file).
    pub source: String,
    /// (framework id, ref), in the order the source lists them.
    pub requirements: Vec<(String, String)>,
}

/// A stored scope as `crosswalk scope list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeSummary {
    /// Id of the stored scope, as `--scope` takes it.
    pub id: String,
    /// Its name as the source writes it (the profile's or certification's title).
    pub name: String,
    /// The file it was imported from.
    pub source: String,
    /// Ids of the frameworks its requirements belong to.
    pub frameworks: Vec<String>,
    /// How many requirements it selects.
    pub requirements: usize,
}

impl Workspace {
    /// Every scope, by id.
    pub fn scopes(&self) -> Result<Vec<ScopeSummary>> {
        crate::store::scopes::summaries(&self.conn)
    }

    /// The scope a user named: its id, or a word of its id or name that only it has.
    pub fn scope(&self, query: &str) -> Result<Scope> {
        let all = self.scopes()?;
        let q = query.trim().to_lowercase();
        let found: ScopeSummary = match all.iter().find(|s| s.id == q) {
            Some(s) => s.clone(),
            None => {
                let words = |s: &ScopeSummary| -> HashSet<String> {
                    format!("{} {}", s.id, s.name)
                        .to_lowercase()
                        .split(|c: char| !c.is_alphanumeric() && c != '.')
                        .map(str::to_string)
                        .collect()
                };
                let hits: Vec<&ScopeSummary> =
                    all.iter().filter(|s| words(s).contains(&q)).collect();
                match hits.as_slice() {
                    [one] => (*one).clone(),
                    [] => {
                        let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
                        return Err(Error::NotFound(format!(
                            "no scope `{query}`; scopes: {}",
                            if ids.is_empty() {
                                "none (import an OSCAL profile or OpenControl certification)".into()
                            } else {
                                ids.join(", ")
                            }
                        )));
                    }
                    many => {
                        let ids: Vec<&str> = many.iter().map(|s| s.id.as_str()).collect();
                        return Err(Error::Usage(format!(
                            "`{query}` names several scopes: {}; give the id",
                            ids.join(", ")
                        )));
                    }
                }
            }
        };
        let reqs = crate::store::scopes::requirements(&self.conn, &found.id)?;
        Ok(Scope {
            id: found.id.clone(),
            name: found.name.clone(),
            source: found.source.clone(),
            requirements: reqs,
        })
    }
}

impl Workspace {
    /// Coverage narrowed to a scope: only the frameworks it selects from,
    /// only its requirements (and the groups above them), figures recomputed
    /// over those alone.
    pub fn coverage_in_scope(
        &self,
        request: &crate::controls::CoverageRequest,
        scope: &str,
    ) -> Result<Vec<crate::coverage::FrameworkCoverage>> {
        let s = self.scope(scope)?;
        let mut cov = self.coverage(request)?;
        narrow(&mut cov, &s);
        if cov.is_empty() {
            return Err(Error::Usage(format!(
                "scope `{}` selects nothing from the frameworks asked for",
                s.id
            )));
        }
        Ok(cov)
    }
}

/// Keeps what a scope selects and recomputes counts and rollups.
pub fn narrow(cov: &mut Vec<crate::coverage::FrameworkCoverage>, s: &Scope) {
    use crate::coverage::{percent, rollup, Counts};
    let wanted: HashSet<(&str, &str)> = s
        .requirements
        .iter()
        .map(|(f, r)| (f.as_str(), r.as_str()))
        .collect();
    cov.retain(|f| wanted.iter().any(|(fw, _)| *fw == f.framework.id));
    for f in cov.iter_mut() {
        let id = f.framework.id.clone();
        let parent_of: std::collections::HashMap<String, Option<String>> = f
            .requirements
            .iter()
            .map(|r| (r.reference.clone(), r.parent.clone()))
            .collect();
        let mut keep: HashSet<String> = HashSet::new();
        for r in &f.requirements {
            if wanted.contains(&(id.as_str(), r.reference.as_str())) {
                let mut at = Some(r.reference.clone());
                while let Some(x) = at {
                    at = parent_of.get(&x).cloned().flatten();
                    keep.insert(x);
                }
            }
        }
        f.requirements.retain(|r| keep.contains(&r.reference));
        // Shown above a selected requirement, but not selected itself: context, not counted.
        for r in f.requirements.iter_mut() {
            if r.assessable && !wanted.contains(&(id.as_str(), r.reference.as_str())) {
                r.set_status(None);
                r.reason = format!("not in scope {}", s.id);
            }
        }
        // A selected requirement that groups others is shown, not counted twice.
        for r in f.requirements.iter_mut().filter(|r| !r.assessable) {
            r.rollup = None;
        }
        let mut counts = Counts::default();
        for r in &f.requirements {
            if let Some(st) = r.status {
                counts.add(st);
            }
        }
        rollup(&mut f.requirements);
        f.counts = counts;
        f.assessable = counts.total();
        f.percent_covered = percent(counts.covered, counts.in_scope());
    }
}
