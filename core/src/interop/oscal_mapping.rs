//! OSCAL mapping collection (OSCAL 1.2) → crosswalk links.
//!
//! Spec: <https://pages.nist.gov/OSCAL/resources/concepts/layer/control/mapping/>
//!
//! Rules:
//! - Each `mappings[]` entry relates a source and a target resource; each is
//!   resolved to a framework in the workspace: the one a
//!   `crosswalk-framework-id` prop on its back-matter resource names, else
//!   the one that has every id the entry uses on that side.
//! - Each `maps[]` item gives a link from every source id to every target
//!   id, with its relationship: `equivalent-to`/`equal-to` → equal,
//!   `subset-of`, `superset-of`, `intersects-with` → intersects,
//!   `no-relationship` (NIST IR 8477 set theory; "source is `<rel>` target").
//! - A link's source text is the `crosswalk-source` prop, else the
//!   collection's title; its basis the `crosswalk-basis` prop, else
//!   `published` (it is copied from a published mapping); `remarks` are its note.
use super::oscal_component::framework_of;
use super::oscal_json::{Cursor, Doc};
use super::{bytes_of, finish, Format, Imported, Importer, Input, InteropOptions, Known};
use crate::error::Problem;
use crate::model::{CrosswalkLink, LinkBasis, Relationship};

/// The importer of OSCAL mapping collections (crosswalk links).
pub struct OscalMapping;

/// The relationship an OSCAL mapping token names (`equivalent-to`, `subset-of`, …); None for a token Crosswalk does not know.
pub fn relationship(text: &str) -> Option<Relationship> {
    Some(match text {
        "equivalent-to" | "equal-to" => Relationship::Equal,
        "subset-of" => Relationship::SubsetOf,
        "superset-of" => Relationship::SupersetOf,
        "intersects-with" => Relationship::Intersects,
        "no-relationship" => Relationship::NoRelationship,
        // NIST IR 8477's supportive style has no OSCAL token; Crosswalk writes
        // these two (with its props) so that its own exports round-trip.
        "supports" => Relationship::Supports,
        "is-supported-by" => Relationship::IsSupportedBy,
        _ => return None,
    })
}

/// The OSCAL token Crosswalk writes for a relationship; [`relationship`] reads it back.
pub fn relationship_name(r: Relationship) -> &'static str {
    match r {
        Relationship::Equal => "equivalent-to",
        Relationship::SubsetOf => "subset-of",
        Relationship::SupersetOf => "superset-of",
        Relationship::Intersects => "intersects-with",
        Relationship::NoRelationship => "no-relationship",
        Relationship::Supports => "supports",
        Relationship::IsSupportedBy => "is-supported-by",
    }
}

impl Importer for OscalMapping {
    const FORMAT: Format = Format::OscalMappingCollection;
    fn read(
        file: &str,
        input: &Input,
        known: &Known,
        _options: &InteropOptions,
    ) -> Result<Imported, Vec<Problem>> {
        let doc = Doc::parse(file, bytes_of(file, input)?)?;
        // The mapping model is new in OSCAL 1.2.
        let model = doc.model("mapping-collection", 2)?;
        let title = model
            .required("metadata")?
            .required_str("title")?
            .to_string();
        let mut problems = Vec::new();
        let mut links = Vec::new();
        for m in model.items("mappings")? {
            let maps = m.items("maps")?;
            let Some((from_fw, to_fw)) = side_frameworks(&model, &m, &maps, known, &mut problems)?
            else {
                continue;
            };
            for map in maps {
                let Some(facts) = link_facts(&map, &title, &mut problems)? else {
                    continue;
                };
                let froms = resolve_ids(&map, "sources", &from_fw, known, &mut problems);
                let tos = resolve_ids(&map, "targets", &to_fw, known, &mut problems);
                for f in &froms {
                    for t in &tos {
                        links.push(CrosswalkLink {
                            from_framework: from_fw.clone(),
                            from_ref: f.clone(),
                            to_framework: to_fw.clone(),
                            to_ref: t.clone(),
                            ..facts.clone()
                        });
                    }
                }
            }
        }
        finish(
            problems,
            Imported {
                links,
                ..Default::default()
            },
        )
    }
}

/// The frameworks of a mapping's source and target resources.
fn side_frameworks(
    model: &Cursor<'_>,
    m: &Cursor<'_>,
    maps: &[Cursor<'_>],
    known: &Known,
    problems: &mut Vec<Problem>,
) -> Result<Option<(String, String)>, Vec<Problem>> {
    let mut side_fw = Vec::new();
    for (side, list) in [
        ("source-resource", "sources"),
        ("target-resource", "targets"),
    ] {
        let res = m.required(side)?;
        let ids: Vec<&str> = maps
            .iter()
            .flat_map(|x| x.items(list).unwrap_or_default())
            .filter_map(|e| e.v.get("id-ref").and_then(|v| v.as_str()))
            .collect();
        match framework_of(model, res.opt_str("href").unwrap_or_default(), &ids, known) {
            Some(f) => side_fw.push(f),
            None => problems.push(res.problem(format!(
                "no framework in the workspace has all the ids this side uses ({}); import its catalog first",
                ids.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
            ))),
        }
    }
    Ok(match <[String; 2]>::try_from(side_fw) {
        Ok([from, to]) => Some((from, to)),
        Err(_) => None,
    })
}

/// What every link of one `maps[]` item shares (all but the two ends);
/// `None` when its relationship is not one Crosswalk knows.
fn link_facts(
    map: &Cursor<'_>,
    title: &str,
    problems: &mut Vec<Problem>,
) -> Result<Option<CrosswalkLink>, Vec<Problem>> {
    let rel_text = map.required_str("relationship")?;
    let Some(relationship) = relationship(rel_text) else {
        problems.push(map.field("relationship").unwrap().problem(format!("relationship `{rel_text}` is not one of equivalent-to, equal-to, subset-of, superset-of, intersects-with, no-relationship (or Crosswalk's supports, is-supported-by)")));
        return Ok(None);
    };
    let basis = match map.prop("crosswalk-basis") {
        None => LinkBasis::Published,
        Some(b) => LinkBasis::parse(b).unwrap_or(LinkBasis::Published),
    };
    let mut properties = Vec::new();
    for p in (map.prop("crosswalk-properties").unwrap_or_default())
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match crate::model::SupportProperty::parse(p) {
            Some(p) => properties.push(p),
            None => problems.push(map.problem(format!(
                "`{p}` is not a supportive property (integral_to, example_of, precedes)"
            ))),
        }
    }
    let strength = match map.prop("crosswalk-strength") {
        None => None,
        Some(t) => match t.trim().parse::<u8>() {
            Ok(n) if (1..=10).contains(&n) => Some(n),
            _ => {
                problems.push(
                    map.problem(format!("strength `{t}` is not a whole number from 1 to 10")),
                );
                None
            }
        },
    };
    Ok(Some(CrosswalkLink {
        from_framework: String::new(),
        from_ref: String::new(),
        to_framework: String::new(),
        to_ref: String::new(),
        relationship,
        basis,
        source: map.prop("crosswalk-source").unwrap_or(title).to_string(),
        note: (map.opt_str("remarks").map(str::trim))
            .filter(|r| !r.is_empty())
            .map(str::to_string),
        properties,
        strength,
        provenance: Default::default(),
    }))
}

/// The requirements of `fw` that one side (`sources` or `targets`) of a map names.
fn resolve_ids(
    map: &Cursor<'_>,
    list: &str,
    fw: &str,
    known: &Known,
    problems: &mut Vec<Problem>,
) -> Vec<String> {
    let mut out = Vec::new();
    for e in map.items(list).unwrap_or_default() {
        let Some(id) = e.opt_str("id-ref") else {
            problems.push(e.problem("`id-ref` is missing"));
            continue;
        };
        match known.resolve(fw, id) {
            Some((r, _)) => out.push(r),
            None => problems.push(e.problem(format!("`{id}` is not a requirement of {fw}"))),
        }
    }
    out
}
