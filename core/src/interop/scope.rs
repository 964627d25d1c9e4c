//! Scopes: named selections of requirements (an OSCAL profile's baseline,
//! an OpenControl certification) that listings can be narrowed to.
//!
//! A scope only selects: it never changes a requirement or its coverage.
//! `--scope WORD` finds a scope by its id, or by a word of its id or name
//! when exactly one scope has it (`moderate` finds the MODERATE baseline).
use crate::error::{Error, Result};
use crate::workspace::Workspace;
use rusqlite::{params, Connection};
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

/// Writes (or replaces) scopes inside the import's transaction.
pub(crate) fn store(conn: &Connection, scopes: &[Scope]) -> Result<()> {
    for s in scopes {
        conn.execute(
            "DELETE FROM scope_requirements WHERE scope_id = ?1",
            [&s.id],
        )?;
        conn.execute(
            "INSERT INTO scopes (id, name, source) VALUES (?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, source = excluded.source",
            params![s.id, s.name, s.source],
        )?;
        let mut stmt = conn.prepare(
            "INSERT OR IGNORE INTO scope_requirements (scope_id, framework_id, ref, position) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, (fw, r)) in s.requirements.iter().enumerate() {
            stmt.execute(params![s.id, fw, r, i as i64])?;
        }
    }
    Ok(())
}

impl Workspace {
    /// Every scope, by id.
    pub fn scopes(&self) -> Result<Vec<ScopeSummary>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id, s.name, s.source, COUNT(r.ref), COALESCE(GROUP_CONCAT(DISTINCT r.framework_id), '')
             FROM scopes s LEFT JOIN scope_requirements r ON r.scope_id = s.id GROUP BY s.id ORDER BY s.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let fws: String = r.get(4)?;
            Ok(ScopeSummary {
                id: r.get(0)?,
                name: r.get(1)?,
                source: r.get(2)?,
                requirements: r.get::<_, i64>(3)? as usize,
                frameworks: fws
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
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
        let mut stmt = self.conn.prepare(
            "SELECT framework_id, ref FROM scope_requirements WHERE scope_id = ?1 ORDER BY position",
        )?;
        let reqs = stmt
            .query_map([&found.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
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
