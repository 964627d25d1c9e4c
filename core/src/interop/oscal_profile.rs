//! OSCAL profile → a scope: the controls a baseline selects from a catalog.
//!
//! Spec: <https://pages.nist.gov/OSCAL/resources/concepts/layer/control/profile/>
//!
//! Rules: every `imports[].include-controls[].with-ids` id is resolved
//! against one framework already in the workspace (or imported in the same
//! run), the one that resolves them all (OSCAL ids such as `ac-2.1` match
//! labels such as `AC-2(1)`); `exclude-controls` are taken out again.
//! `include-all` selects every assessable requirement of that framework.
//! The profile's `modify` (parameter settings, alterations) is not applied:
//! a scope selects requirements, it does not rewrite them. The scope id is
//! a slug of the profile's title.
use super::oscal_json::{Cursor, Doc};
use super::scope::Scope;
use super::{bytes_of, slug, Format, Imported, Importer, Input, InteropOptions, Known};
use crate::error::Problem;

/// The importer of OSCAL profiles (read as scopes).
pub struct OscalProfile;

impl Importer for OscalProfile {
    const FORMAT: Format = Format::OscalProfile;
    fn read(
        file: &str,
        input: &Input,
        known: &Known,
        _options: &InteropOptions,
    ) -> Result<Imported, Vec<Problem>> {
        let doc = Doc::parse(file, bytes_of(file, input)?)?;
        let profile = doc.model("profile", 0)?;
        let title = profile
            .required("metadata")?
            .required_str("title")?
            .to_string();
        let mut requirements = Vec::new();
        let mut problems = Vec::new();
        for imp in profile.items("imports")? {
            selected(&imp, &title, known, &mut requirements, &mut problems)?;
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut seen = std::collections::HashSet::new();
        requirements.retain(|r| seen.insert(r.clone()));
        Ok(Imported {
            scopes: vec![Scope {
                id: slug(&title),
                name: title,
                source: file.to_string(),
                requirements,
            }],
            ..Default::default()
        })
    }
}

/// The requirements one `imports[]` entry selects, added to `requirements`.
fn selected(
    imp: &Cursor<'_>,
    title: &str,
    known: &Known,
    requirements: &mut Vec<(String, String)>,
    problems: &mut Vec<Problem>,
) -> Result<(), Vec<Problem>> {
    let mut ids: Vec<(String, Cursor)> = Vec::new();
    let mut excluded: Vec<String> = Vec::new();
    let include_all = imp.field("include-all").is_some();
    for inc in imp.items("include-controls")? {
        for id in inc.items("with-ids")? {
            ids.push((id.str()?.to_string(), id.clone()));
        }
    }
    for exc in imp.items("exclude-controls")? {
        for id in exc.items("with-ids")? {
            excluded.push(id.str()?.to_string());
        }
    }
    let href = imp.opt_str("href").unwrap_or_default();
    let probe: Vec<&str> = ids.iter().map(|(i, _)| i.as_str()).take(50).collect();
    let Some(fw) = known.framework_for(&probe, &format!("{href} {title}")) else {
        problems.push(imp.problem(format!(
            "no framework in the workspace has the controls this profile selects (e.g. {}); import the catalog it is based on first, or in the same command",
            probe.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
        )));
        return Ok(());
    };
    if include_all {
        for (r, assessable) in known.refs[&fw].values() {
            if *assessable {
                requirements.push((fw.clone(), r.clone()));
            }
        }
        requirements.sort();
    }
    for (id, at) in &ids {
        if excluded.contains(id) {
            continue;
        }
        match known.resolve(&fw, id) {
            Some((r, _)) => requirements.push((fw.clone(), r)),
            None => problems.push(at.problem(format!("`{id}` is not a control of {fw}"))),
        }
    }
    requirements.retain(|(f, r)| {
        *f != fw
            || !excluded
                .iter()
                .any(|e| known.resolve(&fw, e).is_some_and(|(x, _)| x == *r))
    });
    Ok(())
}
