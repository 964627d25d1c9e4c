//! OSCAL component definition → controls with their implemented requirements.
//!
//! Spec: <https://pages.nist.gov/OSCAL/resources/concepts/layer/implementation/component-definition/>
//!
//! Rules:
//! - Each component becomes a control: id from the `crosswalk-control-id`
//!   prop (what Crosswalk's own export writes) or else from the title
//!   (`MongoDB` → `MongoDB`); title, description as written.
//! - Each `control-implementations[]` names its catalog or profile by
//!   `source`; its requirements are resolved against the framework that has
//!   every `control-id` (OSCAL ids `sc-8.1` match labels `SC-8(1)`), or the
//!   one a `crosswalk-framework-id` prop on the back-matter resource names.
//! - Each implemented requirement becomes a mapping; its description (or
//!   its statements' descriptions) is the rationale. Coverage is full unless
//!   a `crosswalk-coverage` prop says `partial`.
//! - Status: the `crosswalk-status` prop, else `implemented` (the model
//!   lists requirements the component implements). `crosswalk-category`,
//!   `crosswalk-owner` and `crosswalk-review-every` props fill those fields.
use super::oscal_json::{Cursor, Doc};
use super::{
    bytes_of, control_id, finish, Format, Imported, ImportedControl, Importer, Input,
    InteropOptions, Known,
};
use crate::error::Problem;
use crate::model::{Control, ControlStatus, Mapping, MappingCoverage};

/// The importer of OSCAL component definitions (controls and their mappings).
pub struct OscalComponent;

/// The namespace of the props Crosswalk writes so a round trip is exact.
pub const NS: &str = "https://crosswalk.invalid/ns/oscal";

/// The `href`s and titles that describe a `#uuid` reference in back matter,
/// and the framework a `crosswalk-framework-id` prop on it names.
fn resource_hint(model: &Cursor<'_>, reference: &str) -> (String, Option<String>) {
    let mut hint = reference.to_string();
    let mut framework = None;
    let uuid = reference.trim_start_matches('#');
    if let Some(bm) = model.field("back-matter") {
        for r in bm.items("resources").unwrap_or_default() {
            if r.opt_str("uuid") == Some(uuid) {
                for k in ["title", "description"] {
                    if let Some(t) = r.opt_str(k) {
                        hint.push(' ');
                        hint.push_str(t);
                    }
                }
                for l in r.items("rlinks").unwrap_or_default() {
                    hint.push(' ');
                    hint.push_str(l.opt_str("href").unwrap_or_default());
                }
                framework = r.prop("crosswalk-framework-id").map(str::to_string);
            }
        }
    }
    (hint, framework)
}

/// The framework an OSCAL reference (`#uuid` of a back-matter resource, or
/// an `href`) stands for: the one its resource names with a
/// `crosswalk-framework-id` prop, if the workspace has it, else the one that
/// has every id in `ids` (ties broken by the resource's titles and links).
pub(crate) fn framework_of(
    model: &Cursor<'_>,
    reference: &str,
    ids: &[&str],
    known: &Known,
) -> Option<String> {
    let (hint, named) = resource_hint(model, reference);
    named
        .filter(|f| known.has_framework(f))
        .or_else(|| known.framework_for(ids, &hint))
}

impl Importer for OscalComponent {
    const FORMAT: Format = Format::OscalComponentDefinition;
    fn read(
        file: &str,
        input: &Input,
        known: &Known,
        _options: &InteropOptions,
    ) -> Result<Imported, Vec<Problem>> {
        let doc = Doc::parse(file, bytes_of(file, input)?)?;
        let model = doc.model("component-definition", 0)?;
        let mut problems = Vec::new();
        let mut controls = Vec::new();
        for comp in model.items("components")? {
            if let Some(c) = component(&model, &comp, known, &mut problems)? {
                controls.push(c);
            }
        }
        finish(
            problems,
            Imported {
                controls,
                ..Default::default()
            },
        )
    }
}

/// One component → a control; `None` when its status cannot be read.
fn component(
    model: &Cursor<'_>,
    comp: &Cursor<'_>,
    known: &Known,
    problems: &mut Vec<Problem>,
) -> Result<Option<ImportedControl>, Vec<Problem>> {
    let title = comp.required_str("title")?.trim().to_string();
    let id = comp
        .prop("crosswalk-control-id")
        .map(str::to_string)
        .unwrap_or_else(|| control_id(&title));
    let status = match comp.prop("crosswalk-status") {
        None => ControlStatus::Implemented,
        Some(s) => match ControlStatus::parse(s) {
            Some(s) => s,
            None => {
                problems.push(comp.problem(format!("crosswalk-status `{s}` is not a status")));
                return Ok(None);
            }
        },
    };
    let mut mappings = Vec::new();
    for ci in comp.items("control-implementations")? {
        implementation(model, &ci, known, &mut mappings, problems)?;
    }
    let review = comp
        .prop("crosswalk-review-every")
        .and_then(|d| d.parse().ok());
    Ok(Some(ImportedControl {
        control: Control {
            id,
            title,
            description: comp
                .opt_str("description")
                .unwrap_or_default()
                .trim()
                .to_string(),
            category: comp
                .prop("crosswalk-category")
                .unwrap_or("general")
                .to_string(),
            owner: comp.prop("crosswalk-owner").unwrap_or_default().to_string(),
            status,
            review_every_days: review,
            mappings,
        },
        links: Vec::new(),
    }))
}

/// One `control-implementations[]` entry: its implemented requirements,
/// added to `mappings` (each requirement once).
fn implementation(
    model: &Cursor<'_>,
    ci: &Cursor<'_>,
    known: &Known,
    mappings: &mut Vec<Mapping>,
    problems: &mut Vec<Problem>,
) -> Result<(), Vec<Problem>> {
    let source = ci.opt_str("source").unwrap_or_default();
    let reqs = ci.items("implemented-requirements")?;
    let ids: Vec<&str> = reqs
        .iter()
        .filter_map(|r| r.opt_str("control-id"))
        .collect();
    let Some(fw) = framework_of(model, source, &ids, known) else {
        problems.push(ci.problem(format!(
            "no framework in the workspace has all the controls this implements ({}); import its catalog ({source}) first, or in the same command",
            ids.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
        )));
        return Ok(());
    };
    for r in reqs {
        let cid = r.required_str("control-id")?;
        let Some((reference, assessable)) = known.resolve(&fw, cid) else {
            problems.push(
                r.field("control-id")
                    .unwrap()
                    .problem(format!("`{cid}` is not a requirement of {fw}")),
            );
            continue;
        };
        if !assessable {
            problems.push(r.field("control-id").unwrap().problem(format!(
                "{fw} `{reference}` is not assessable (it groups others, or is withdrawn)"
            )));
            continue;
        }
        let why = rationale(&r)?;
        let coverage = match r.prop("crosswalk-coverage") {
            Some("partial") => MappingCoverage::Partial,
            _ => MappingCoverage::Full,
        };
        if !mappings
            .iter()
            .any(|m: &Mapping| m.framework_id == fw && m.reference == reference)
        {
            mappings.push(Mapping {
                framework_id: fw.clone(),
                reference,
                coverage,
                rationale: why,
            });
        }
    }
    Ok(())
}

/// An implemented requirement's description and its statements' descriptions, joined.
fn rationale(r: &Cursor<'_>) -> Result<Option<String>, Vec<Problem>> {
    let text = |c: &Cursor<'_>| {
        c.opt_str("description")
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string)
    };
    let mut why: Vec<String> = text(r).into_iter().collect();
    for s in r.items("statements")? {
        why.extend(text(&s));
    }
    Ok((!why.is_empty()).then(|| why.join("\n\n")))
}
