//! Reading OSCAL JSON: the model a document holds, its version, and a small
//! cursor that remembers the JSON pointer of every value so that problems
//! name their place (`/catalog/groups/3/controls/0/id`).
//!
//! Spec: <https://pages.nist.gov/OSCAL/resources/concepts/layer/> (the
//! JSON formats of the catalog, profile, component-definition and
//! mapping-collection models).
use super::{problem, Format, MAX_DEPTH};
use crate::error::Problem;
use serde_json::Value;

/// The OSCAL models Crosswalk reads, by their root key.
const MODELS: &[(&str, Format)] = &[
    ("catalog", Format::OscalCatalog),
    ("profile", Format::OscalProfile),
    ("component-definition", Format::OscalComponentDefinition),
    ("mapping-collection", Format::OscalMappingCollection),
];
/// OSCAL models that exist but Crosswalk does not read; named in the error.
const OTHER_MODELS: &[&str] = &[
    "system-security-plan",
    "assessment-plan",
    "assessment-results",
    "plan-of-action-and-milestones",
];

/// The model of a JSON document, from the first root key that names one
/// (looked for in the first 64 KiB, before any full parse).
pub fn model_of(text: &[u8]) -> Result<Format, String> {
    let head = &text[..text.len().min(64 * 1024)];
    let head = String::from_utf8_lossy(head);
    let mut best: Option<(usize, Result<Format, String>)> = None;
    for (key, format) in MODELS {
        if let Some(at) = find_key(&head, key) {
            if best.as_ref().is_none_or(|(b, _)| at < *b) {
                best = Some((at, Ok(*format)));
            }
        }
    }
    for key in OTHER_MODELS {
        if let Some(at) = find_key(&head, key) {
            if best.as_ref().is_none_or(|(b, _)| at < *b) {
                best = Some((at, Err(format!("an OSCAL {key} is not something Crosswalk imports; it reads OSCAL catalogs, profiles, component definitions and mapping collections"))));
            }
        }
    }
    best.map(|(_, f)| f).unwrap_or_else(|| {
        Err("a JSON file that is not OSCAL: expected a top-level `catalog`, `profile`, `component-definition` or `mapping-collection` object".into())
    })
}

fn find_key(text: &str, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    let mut from = 0;
    while let Some(i) = text[from..].find(&quoted) {
        let at = from + i;
        let rest = text[at + quoted.len()..].trim_start();
        if rest.starts_with(':') && rest[1..].trim_start().starts_with('{') {
            return Some(at);
        }
        from = at + quoted.len();
    }
    None
}

/// A parsed JSON document.
pub struct Doc {
    /// The parsed JSON.
    pub root: Value,
    /// The file as problems name it.
    pub file: String,
}

impl Doc {
    /// Parses a whole document; refuses what is not JSON with line and column.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Doc, Vec<Problem>> {
        if bytes.len() as u64 > super::MAX_FILE_BYTES {
            return Err(vec![problem(
                file,
                1,
                1,
                format!(
                    "file is {} bytes, over the limit of {} MiB",
                    bytes.len(),
                    super::MAX_FILE_BYTES / (1024 * 1024)
                ),
            )]);
        }
        // serde_json stops at 128 levels itself, before any stack trouble.
        let root: Value = serde_json::from_slice(bytes).map_err(|e| {
            vec![problem(
                file,
                e.line().max(1),
                e.column().max(1),
                format!("not valid JSON: {e}"),
            )]
        })?;
        if depth(&root, 0) > MAX_DEPTH * 3 {
            return Err(vec![problem(
                file,
                1,
                1,
                format!("nested deeper than {} levels", MAX_DEPTH * 3),
            )]);
        }
        Ok(Doc {
            root,
            file: file.to_string(),
        })
    }

    /// The model's root object, its `metadata` checked for an OSCAL version
    /// this reader understands (1.x; `minor_at_least` for newer models).
    pub fn model<'a>(
        &'a self,
        key: &'a str,
        minor_at_least: u32,
    ) -> Result<Cursor<'a>, Vec<Problem>> {
        let root = Cursor::root(&self.root, &self.file);
        let model = root.field(key).ok_or_else(|| {
            vec![root.problem(format!("expected an OSCAL `{key}` object at the top"))]
        })?;
        let meta = model.required("metadata")?;
        let version = meta.required_str("oscal-version")?;
        check_version(version, minor_at_least).map_err(|m| {
            vec![meta
                .field("oscal-version")
                .map(|c| c.problem(m.clone()))
                .unwrap_or_else(|| meta.problem(m))]
        })?;
        Ok(model)
    }
}

/// OSCAL 1.x is what these readers follow; 2.x would be a new spec.
pub fn check_version(version: &str, minor_at_least: u32) -> Result<(), String> {
    let v = version.trim().trim_start_matches('v');
    let mut parts = v.split(['.', '-']);
    let major: Option<u32> = parts.next().and_then(|p| p.parse().ok());
    let minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    match major {
        Some(1) if minor >= minor_at_least => Ok(()),
        Some(1) => Err(format!(
            "OSCAL version {version} is too old for this model; it needs 1.{minor_at_least} or newer"
        )),
        _ => Err(format!(
            "OSCAL version {version} is not supported; Crosswalk reads OSCAL 1.x"
        )),
    }
}

fn depth(v: &Value, d: usize) -> usize {
    if d > MAX_DEPTH * 3 {
        return d;
    }
    match v {
        Value::Array(a) => a.iter().map(|x| depth(x, d + 1)).max().unwrap_or(d),
        Value::Object(o) => o.values().map(|x| depth(x, d + 1)).max().unwrap_or(d),
        _ => d,
    }
}

/// A value with its JSON pointer.
#[derive(Clone)]
pub struct Cursor<'a> {
    /// The JSON value the cursor is on.
    pub v: &'a Value,
    /// Its JSON pointer (RFC 6901); empty for the root.
    pub ptr: String,
    /// The file as problems name it.
    pub file: &'a str,
}

impl<'a> Cursor<'a> {
    /// A cursor on a document's root value.
    pub fn root(v: &'a Value, file: &'a str) -> Self {
        Cursor {
            v,
            ptr: String::new(),
            file,
        }
    }
    /// The JSON pointer, `/` for the root.
    pub fn pointer(&self) -> &str {
        if self.ptr.is_empty() {
            "/"
        } else {
            &self.ptr
        }
    }
    /// A problem at this value: the message prefixed with its pointer.
    pub fn problem(&self, message: impl Into<String>) -> Problem {
        problem(
            self.file,
            0,
            0,
            format!("at {}: {}", self.pointer(), message.into()),
        )
    }
    /// The cursor on field `key` of an object; None when absent or not an object.
    pub fn field(&self, key: &str) -> Option<Cursor<'a>> {
        let v = self.v.as_object()?.get(key)?;
        Some(Cursor {
            v,
            ptr: format!("{}/{}", self.ptr, key.replace('~', "~0").replace('/', "~1")),
            file: self.file,
        })
    }
    /// Field `key`, or a problem saying it is missing.
    pub fn required(&self, key: &str) -> Result<Cursor<'a>, Vec<Problem>> {
        self.field(key)
            .ok_or_else(|| vec![self.problem(format!("`{key}` is missing"))])
    }
    /// The value as text, or a problem naming what it is instead.
    pub fn str(&self) -> Result<&'a str, Vec<Problem>> {
        self.v
            .as_str()
            .ok_or_else(|| vec![self.problem(format!("expected text, found {}", kind(self.v)))])
    }
    /// Field `key` as text; a problem when missing or not text.
    pub fn required_str(&self, key: &str) -> Result<&'a str, Vec<Problem>> {
        self.required(key)?.str()
    }
    /// Field `key` as text; None when absent or not text.
    pub fn opt_str(&self, key: &str) -> Option<&'a str> {
        self.field(key).and_then(|c| c.v.as_str())
    }
    /// The items of an optional array field (absent: none).
    pub fn items(&self, key: &str) -> Result<Vec<Cursor<'a>>, Vec<Problem>> {
        let Some(c) = self.field(key) else {
            return Ok(Vec::new());
        };
        let arr =
            c.v.as_array()
                .ok_or_else(|| vec![c.problem(format!("expected a list, found {}", kind(c.v)))])?;
        Ok(arr
            .iter()
            .enumerate()
            .map(|(i, v)| Cursor {
                v,
                ptr: format!("{}/{i}", c.ptr),
                file: self.file,
            })
            .collect())
    }
    /// The value of the `props` entry named `name`: the plain one (no
    /// `class`, no `ns`) when there are several, as SP 800-53 5.1 has
    /// `AC-1` beside the zero-padded `AC-01`.
    pub fn prop(&self, name: &str) -> Option<&'a str> {
        let props = self.v.get("props")?.as_array()?;
        let named = || {
            props
                .iter()
                .filter(move |p| p.get("name").and_then(Value::as_str) == Some(name))
        };
        named()
            .find(|p| p.get("class").is_none() && p.get("ns").is_none())
            .or_else(|| named().next())
            .and_then(|p| p.get("value")?.as_str())
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_and_versions() {
        assert_eq!(
            model_of(br#"{"$schema": "x", "component-definition": {"uuid": 1}}"#),
            Ok(Format::OscalComponentDefinition)
        );
        assert!(model_of(br#"{"system-security-plan": {}}"#)
            .unwrap_err()
            .contains("not something Crosswalk imports"));
        assert!(model_of(br#"{"name": "catalog"}"#)
            .unwrap_err()
            .contains("not OSCAL"));
        assert!(check_version("1.0.0", 0).is_ok());
        assert!(check_version("v1.1.3", 0).is_ok());
        assert!(check_version("1.1.2", 2).is_err());
        assert!(check_version("2.0.0", 0).is_err());
    }

    #[test]
    fn syntax_errors_have_positions_and_pointers_name_places() {
        let e = Doc::parse("x.json", b"{\n  \"catalog\": [1,,]\n}")
            .err()
            .unwrap();
        assert_eq!(e[0].location.line, 2, "{e:?}");
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(Doc::parse("x.json", deep.as_bytes()).is_err());
        let d = Doc::parse(
            "x.json",
            br#"{"catalog": {"metadata": {"oscal-version": "3.0"}}}"#,
        )
        .unwrap();
        let e = d.model("catalog", 0).err().unwrap();
        assert!(e[0]
            .to_string()
            .starts_with("x.json: at /catalog/metadata/oscal-version:"));
    }
}
