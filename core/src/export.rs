//! Writing the control library back as control YAML (docs/formats.md).
use crate::model::*;
use serde::Serialize;

#[derive(Serialize)]
struct File<'a> {
    controls: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    category: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    owner: &'a str,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    review_every: Option<String>,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    maps: Ordered<'a>,
}

/// Frameworks in the order the control maps them, so an export re-imports to the same library.
struct Ordered<'a>(Vec<(&'a str, Vec<MapItem<'a>>)>);

impl Ordered<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum MapItem<'a> {
    Full(&'a str),
    Detailed {
        #[serde(rename = "ref")]
        reference: &'a str,
        coverage: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        rationale: Option<&'a str>,
    },
}

/// The YAML text of a library. Refs are strings, so the YAML writer quotes
/// any that would otherwise read as numbers (`"12.10"`).
pub fn controls_yaml(controls: &[Control], generated_at: &str) -> String {
    let file = File {
        controls: controls
            .iter()
            .map(|c| {
                let mut maps: Vec<(&str, Vec<MapItem>)> = Vec::new();
                for m in &c.mappings {
                    let item = if m.coverage == MappingCoverage::Full && m.rationale.is_none() {
                        MapItem::Full(&m.reference)
                    } else {
                        MapItem::Detailed {
                            reference: &m.reference,
                            coverage: m.coverage.as_str(),
                            rationale: m.rationale.as_deref(),
                        }
                    };
                    match maps.iter_mut().find(|(fw, _)| *fw == m.framework_id) {
                        Some((_, items)) => items.push(item),
                        None => maps.push((&m.framework_id, vec![item])),
                    }
                }
                Entry {
                    id: &c.id,
                    title: &c.title,
                    description: &c.description,
                    category: &c.category,
                    owner: &c.owner,
                    status: c.status.as_str(),
                    review_every: c.review_every_days.map(crate::dates::format_days),
                    maps: Ordered(maps),
                }
            })
            .collect(),
    };
    let body = serde_yaml::to_string(&file).expect("plain data serializes");
    format!(
        "# Crosswalk control library, exported {generated_at}.\n# Evidence stays in the vault; import this file with `crosswalk import`.\n{body}"
    )
}
