//! Writing what other tools read: an OSCAL component definition (controls
//! and their mappings), an OSCAL mapping collection (crosswalk links), and
//! the control matrix as CSV or XLSX. Each reads back through its importer
//! to the same workspace (evidence stays in the vault; a matrix keeps one
//! mapping per cell ref, so coverage `partial` and rationales are not in it).
//!
//! UUIDs are derived from content (SHA-256, formatted as RFC 4122 version
//! 5-style ids), so the same workspace exports the same bytes.
use super::oscal_component::NS;
use super::oscal_mapping::relationship_name;
use crate::error::{Error, Result};
use crate::model::*;
use crate::workspace::Workspace;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

fn uuid(seed: &str) -> String {
    let h = crate::hash::sha256_hex(seed.as_bytes());
    let v = format!("5{}", &h[13..16]);
    let variant =
        ["8", "9", "a", "b"][(u8::from_str_radix(&h[16..17], 16).unwrap_or(0) % 4) as usize];
    format!(
        "{}-{}-{}-{}{}-{}",
        &h[0..8],
        &h[8..12],
        v,
        variant,
        &h[17..20],
        &h[20..32]
    )
}

fn prop(name: &str, value: &str) -> Value {
    json!({"name": name, "ns": NS, "value": value})
}

fn metadata(title: &str, version: &str) -> Value {
    json!({
        "title": title,
        "last-modified": crate::timestamp(crate::now()),
        "version": "1",
        "oscal-version": version,
    })
}

/// Which controls and links an export covers, and the matrix's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixKind {
    /// One CSV file.
    Csv,
    /// An XLSX workbook.
    Xlsx,
}

/// How OSCAL documents refer to a framework: the `#uuid` of its back-matter resource.
fn framework_href(fw: &str) -> String {
    format!("#{}", uuid(&format!("framework/{fw}")))
}

/// The back-matter resource standing for a framework; the
/// `crosswalk-framework-id` prop lets the importers find it again exactly.
fn framework_resource(fw: &str, title: &str, description: Option<&str>) -> Value {
    let mut r = json!({
        "uuid": uuid(&format!("framework/{fw}")),
        "title": title,
    });
    if let Some(d) = description {
        r["description"] = json!(d);
    }
    r["props"] = json!([prop("crosswalk-framework-id", fw)]);
    r
}

/// One control as a component, its mappings grouped by framework into
/// control implementations; adds the frameworks it names to `used`.
fn component_json<'a>(
    c: &'a Control,
    frameworks: &BTreeMap<String, Framework>,
    used: &mut Vec<&'a str>,
) -> Value {
    let mut props = vec![
        prop("crosswalk-control-id", &c.id),
        prop("crosswalk-status", c.status.as_str()),
        prop("crosswalk-category", &c.category),
    ];
    if !c.owner.is_empty() {
        props.push(prop("crosswalk-owner", &c.owner));
    }
    if let Some(d) = c.review_every_days {
        props.push(prop("crosswalk-review-every", &d.to_string()));
    }
    let mut impls = Vec::new();
    for (fw, maps) in Workspace::group_by_framework(c) {
        if !used.contains(&fw) {
            used.push(fw);
        }
        let reqs: Vec<Value> = maps
            .iter()
            .map(|m| {
                let mut r = json!({
                    "uuid": uuid(&format!("req/{}/{fw}/{}", c.id, m.reference)),
                    "control-id": m.reference,
                    "description": m.rationale.clone().unwrap_or_default(),
                });
                if m.coverage == MappingCoverage::Partial {
                    r["props"] = json!([prop("crosswalk-coverage", "partial")]);
                }
                r
            })
            .collect();
        impls.push(json!({
            "uuid": uuid(&format!("impl/{}/{fw}", c.id)),
            "source": framework_href(fw),
            "description": format!("{} mapped to {}", c.id, frameworks.get(fw).map(|f| f.name.as_str()).unwrap_or(fw)),
            "implemented-requirements": reqs,
        }));
    }
    let mut comp = json!({
        "uuid": uuid(&format!("control/{}", c.id)),
        "type": "process-procedure",
        "title": c.title,
        "description": c.description,
        "props": props,
    });
    if !impls.is_empty() {
        comp["control-implementations"] = Value::Array(impls);
    }
    comp
}

/// Links grouped by (from framework, to framework), in first-seen order.
#[allow(clippy::type_complexity)] // pairs of ids with their links
fn by_framework_pair(links: &[CrosswalkLink]) -> Vec<((String, String), Vec<&CrosswalkLink>)> {
    let mut pairs: Vec<((String, String), Vec<&CrosswalkLink>)> = Vec::new();
    for l in links {
        let key = (l.from_framework.clone(), l.to_framework.clone());
        match pairs.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(l),
            None => pairs.push((key, vec![l])),
        }
    }
    pairs
}

/// One link as a `maps[]` item, with the props that make the round trip exact.
fn map_json(l: &CrosswalkLink) -> Value {
    let (f, t) = (&l.from_framework, &l.to_framework);
    let mut m = json!({
        "uuid": uuid(&format!("map/{f}/{}/{t}/{}/{}", l.from_ref, l.to_ref, l.relationship)),
        "relationship": relationship_name(l.relationship),
        "sources": [{"type": "control", "id-ref": l.from_ref}],
        "targets": [{"type": "control", "id-ref": l.to_ref}],
        "props": [prop("crosswalk-basis", l.basis.as_str()), prop("crosswalk-source", &l.source)],
    });
    if let Some(n) = &l.note {
        m["remarks"] = json!(n);
    }
    let props = m["props"].as_array_mut().expect("props is an array");
    if !l.properties.is_empty() {
        let names: Vec<&str> = l.properties.iter().map(|p| p.as_str()).collect();
        props.push(prop("crosswalk-properties", &names.join(",")));
    }
    if let Some(n) = l.strength {
        props.push(prop("crosswalk-strength", &n.to_string()));
    }
    m
}

impl Workspace {
    fn group_by_framework(c: &Control) -> Vec<(&str, Vec<&Mapping>)> {
        let mut out: Vec<(&str, Vec<&Mapping>)> = Vec::new();
        for m in &c.mappings {
            match out.iter_mut().find(|(f, _)| *f == m.framework_id) {
                Some((_, v)) => v.push(m),
                None => out.push((&m.framework_id, vec![m])),
            }
        }
        out
    }

    /// The controls as an OSCAL 1.1.2 component definition; returns how many.
    pub fn export_oscal_component(&self, out: &Path) -> Result<usize> {
        let controls = self.controls()?;
        let frameworks: BTreeMap<String, Framework> = self
            .frameworks()?
            .into_iter()
            .map(|f| (f.id.clone(), f))
            .collect();
        let org = self.organisation()?;
        let mut used: Vec<&str> = Vec::new();
        let components: Vec<Value> = (controls.iter())
            .map(|c| component_json(c, &frameworks, &mut used))
            .collect();
        let resources: Vec<Value> = used
            .iter()
            .map(|fw| {
                let f = &frameworks[*fw];
                framework_resource(fw, &f.name, Some(&f.source))
            })
            .collect();
        let title = if org.is_empty() {
            "Crosswalk controls".to_string()
        } else {
            format!("{org} controls")
        };
        let mut doc = json!({
            "component-definition": {
                "uuid": uuid(&format!("component-definition/{title}")),
                "metadata": metadata(&title, "1.1.2"),
                "components": components,
            }
        });
        if !resources.is_empty() {
            doc["component-definition"]["back-matter"] = json!({"resources": resources});
        }
        let text = serde_json::to_string_pretty(&doc).expect("json");
        crate::fsutil::write_atomic(out, text.as_bytes())?;
        Ok(controls.len())
    }

    /// Crosswalk links (optionally only from / to one framework) as an OSCAL
    /// 1.2.0 mapping collection; returns how many links.
    pub fn export_oscal_mapping(
        &self,
        from: Option<&str>,
        to: Option<&str>,
        out: &Path,
    ) -> Result<usize> {
        for f in [from, to].into_iter().flatten() {
            self.framework(f)?;
        }
        let links: Vec<CrosswalkLink> = self
            .crosswalk_links()?
            .into_iter()
            .filter(|l| {
                from.is_none_or(|f| l.from_framework == f) && to.is_none_or(|t| l.to_framework == t)
            })
            .collect();
        if links.is_empty() {
            return Err(Error::NotFound(
                "no crosswalk links to export between those frameworks".into(),
            ));
        }
        let frameworks: BTreeMap<String, Framework> = self
            .frameworks()?
            .into_iter()
            .map(|f| (f.id.clone(), f))
            .collect();
        let mut used: Vec<String> = Vec::new();
        let mappings: Vec<Value> = by_framework_pair(&links)
            .iter()
            .map(|((f, t), ls)| {
                for x in [f, t] {
                    if !used.contains(x) {
                        used.push(x.clone());
                    }
                }
                json!({
                    "uuid": uuid(&format!("mapping/{f}/{t}")),
                    "source-resource": {"type": "catalog", "href": framework_href(f)},
                    "target-resource": {"type": "catalog", "href": framework_href(t)},
                    "maps": ls.iter().map(|l| map_json(l)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let resources: Vec<Value> = used
            .iter()
            .map(|fw| {
                let name = frameworks.get(fw).map(|f| f.name.as_str()).unwrap_or(fw);
                framework_resource(fw, name, None)
            })
            .collect();
        let doc = json!({
            "mapping-collection": {
                "uuid": uuid(&format!("mapping-collection/{from:?}/{to:?}")),
                "metadata": metadata("Crosswalk links", "1.2.0"),
                "provenance": {
                    "method": "human",
                    "matching-rationale": "semantic",
                    "status": "complete",
                    "mapping-description": "Exported from Crosswalk; each map keeps the basis and source it had there."
                },
                "mappings": mappings,
                "back-matter": {"resources": resources},
            }
        });
        crate::fsutil::write_atomic(
            out,
            serde_json::to_string_pretty(&doc).expect("json").as_bytes(),
        )?;
        Ok(links.len())
    }

    /// The control matrix: one row per control, a column per framework any control maps to.
    pub fn export_matrix(&self, kind: MatrixKind, out: &Path) -> Result<usize> {
        let controls = self.controls()?;
        let frameworks = self.frameworks()?;
        let used: Vec<&Framework> = frameworks
            .iter()
            .filter(|f| {
                controls
                    .iter()
                    .any(|c| c.mappings.iter().any(|m| m.framework_id == f.id))
            })
            .collect();
        let mut rows: Vec<Vec<String>> =
            vec![
                ["ID", "Title", "Description", "Category", "Owner", "Status"]
                    .iter()
                    .map(|s| s.to_string())
                    .chain(used.iter().map(|f| f.short_name.clone()))
                    .collect(),
            ];
        for c in &controls {
            let mut row = vec![
                c.id.clone(),
                c.title.clone(),
                c.description.clone(),
                c.category.clone(),
                c.owner.clone(),
                c.status.as_str().to_string(),
            ];
            for f in &used {
                let refs: Vec<&str> = c
                    .mappings
                    .iter()
                    .filter(|m| m.framework_id == f.id)
                    .map(|m| m.reference.as_str())
                    .collect();
                row.push(refs.join("\n"));
            }
            rows.push(row);
        }
        let bytes = match kind {
            MatrixKind::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                for r in &rows {
                    w.write_record(r)
                        .map_err(|e| Error::Report(format!("csv: {e}")))?;
                }
                w.into_inner()
                    .map_err(|e| Error::Report(format!("csv: {e}")))?
            }
            MatrixKind::Xlsx => {
                let mut wb = rust_xlsxwriter::Workbook::new();
                let sheet = wb.add_worksheet();
                let xerr = |e: rust_xlsxwriter::XlsxError| Error::Report(format!("xlsx: {e}"));
                sheet.set_name("Controls").map_err(xerr)?;
                let bold = rust_xlsxwriter::Format::new().set_bold();
                for (r, row) in rows.iter().enumerate() {
                    for (c, cell) in row.iter().enumerate() {
                        // Every cell as text: a ref such as `12.10` must never become a number.
                        if r == 0 {
                            sheet
                                .write_string_with_format(r as u32, c as u16, cell, &bold)
                                .map_err(xerr)?;
                        } else {
                            sheet.write_string(r as u32, c as u16, cell).map_err(xerr)?;
                        }
                    }
                }
                wb.save_to_buffer().map_err(xerr)?
            }
        };
        crate::fsutil::write_atomic(out, &bytes)?;
        Ok(controls.len())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_are_stable_and_well_formed() {
        let a = super::uuid("x");
        assert_eq!(a, super::uuid("x"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
    }
}
