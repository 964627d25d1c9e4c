//! Interop: reading what users already have (OSCAL, OpenControl, control
//! matrices) and writing what other tools read.
//!
//! Promises:
//! - A file's format is recognised from its content, never from a flag or
//!   its name ([`detect`]); the importers live one per format, each in its
//!   own file with a link to its spec and its own tests, behind [`Importer`].
//! - Importers only translate: they return an [`Imported`] bundle (catalogs,
//!   controls, crosswalk links, scopes) that goes through the same checked,
//!   one-transaction, audited path as control YAML (`crate::import`, through
//!   its one conversion `Source::foreign`).
//! - Every problem names its place: `file:line:column` for YAML and XML,
//!   the JSON pointer for JSON, `sheet!cell` or row and column for matrices.
//! - Untrusted input is bounded before parsing: size caps, nesting caps, the
//!   uncompressed size of an XLSX read from its zip directory and enforced
//!   while inflating.
use crate::catalog::Catalog;
use crate::error::{Location, Problem};
use crate::model::{Control, CrosswalkLink, Framework, Requirement};
use crate::text::ref_key;
use serde::Serialize;
use std::collections::HashMap;

pub mod export;
pub mod matrix;
pub mod opencontrol;
pub mod oscal_catalog;
pub mod oscal_component;
pub mod oscal_json;
pub mod oscal_mapping;
pub mod oscal_profile;
pub mod scope;
pub mod xlsx;

/// Largest foreign file read (bytes). The biggest real OSCAL catalog we
/// know (SP 800-53 rev5 resolved, with back matter) is under 10 MiB.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Deepest nesting of OSCAL groups/controls/parts followed. SP 800-53 needs 6.
pub const MAX_DEPTH: usize = 64;
/// Most rows read from a matrix; a control library of 100,000 rows is far beyond any real one.
pub const MAX_ROWS: usize = 100_000;

/// A format Crosswalk reads besides its own YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// An OSCAL catalog (JSON or XML): a framework's requirements.
    OscalCatalog,
    /// An OSCAL profile: a selection of a catalog's controls, read as a scope.
    OscalProfile,
    /// An OSCAL component definition: components and the controls they implement, read as controls.
    OscalComponentDefinition,
    /// An OSCAL mapping collection: crosswalk links between two frameworks.
    OscalMappingCollection,
    /// An OpenControl project (`opencontrol.yaml` and its components).
    OpenControl,
    /// A control matrix as CSV: one control per row, columns guessed from the header.
    MatrixCsv,
    /// A control matrix as an XLSX workbook.
    MatrixXlsx,
}

impl Format {
    /// The format's name for a person (`OSCAL catalog`), as import reports write it.
    pub fn name(self) -> &'static str {
        match self {
            Format::OscalCatalog => "OSCAL catalog",
            Format::OscalProfile => "OSCAL profile",
            Format::OscalComponentDefinition => "OSCAL component definition",
            Format::OscalMappingCollection => "OSCAL mapping collection",
            Format::OpenControl => "OpenControl project",
            Format::MatrixCsv => "control matrix (CSV)",
            Format::MatrixXlsx => "control matrix (XLSX)",
        }
    }
}

/// How a column of a matrix is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ColumnGuess {
    /// The header as written.
    pub header: String,
    /// `id`, `title`, `description`, `category`, `owner`, `status`, a
    /// framework id, or `ignored`.
    pub role: String,
    /// Why this role: `guessed`, `--columns`, or why it is ignored.
    pub reason: String,
}

/// One foreign file's contribution, before anything is checked against the workspace.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// Framework catalogs read (OSCAL catalogs).
    pub catalogs: Vec<Catalog>,
    /// Controls read, with their mappings.
    pub controls: Vec<ImportedControl>,
    /// Crosswalk links read (OSCAL mapping collections).
    pub links: Vec<CrosswalkLink>,
    /// Scopes read (OSCAL profiles, OpenControl certifications).
    pub scopes: Vec<scope::Scope>,
    /// Matrices: how each column was read.
    pub columns: Vec<ColumnGuess>,
    /// Cells left out with `--skip-unknown`, each with its place and reason.
    pub skipped_cells: Vec<String>,
}

/// A control read from a foreign file, with the links its format attaches to it.
#[derive(Debug, Clone)]
pub struct ImportedControl {
    /// The control, in Crosswalk's terms.
    pub control: Control,
    /// Links (OpenControl `references`/`verifications`): (title, url, description).
    pub links: Vec<(String, String, String)>,
}

/// What a foreign import may be told besides the paths.
#[derive(Debug, Clone, Default)]
pub struct InteropOptions {
    /// Matrix cells naming requirements that do not exist are left out (and listed) instead of refusing the file.
    pub skip_unknown: bool,
    /// `HEADER=ROLE` overrides for matrix columns.
    pub columns: Vec<String>,
}

/// The requirements the files of an import may name: the workspace's and
/// those of catalogs read earlier in the same import. Every reader, control
/// YAML and each foreign format, resolves refs against this one index.
#[derive(Debug, Default)]
pub struct Known {
    /// Every framework known to the import.
    pub frameworks: Vec<Framework>,
    /// framework → ref_key → (ref, assessable)
    pub refs: HashMap<String, HashMap<String, (String, bool)>>,
    /// framework → lower-cased ref_key → ref (OSCAL ids are lower case: `ac-2`)
    folded: HashMap<String, HashMap<String, String>>,
    /// framework → refs in catalog order, for hints
    pub(crate) ordered: HashMap<String, Vec<String>>,
    /// (framework, ref) → the refs grouped under it, for hints
    pub(crate) children: HashMap<(String, String), Vec<String>>,
}

impl Known {
    /// The index of the workspace's frameworks and requirements.
    pub fn new(frameworks: Vec<Framework>, requirements: &[Requirement]) -> Self {
        let mut k = Known {
            frameworks,
            ..Default::default()
        };
        for r in requirements {
            k.add(r);
        }
        k
    }
    /// Adds a catalog read earlier in the same import, so later files may name its refs.
    pub fn add_catalog(&mut self, c: &Catalog) {
        if !self.frameworks.iter().any(|f| f.id == c.framework.id) {
            self.frameworks.push(c.framework.clone());
        }
        for r in &c.requirements {
            self.add(r);
        }
    }
    fn add(&mut self, r: &Requirement) {
        let key = ref_key(&r.reference);
        self.folded
            .entry(r.framework_id.clone())
            .or_default()
            .insert(key.to_lowercase(), r.reference.clone());
        self.refs
            .entry(r.framework_id.clone())
            .or_default()
            .insert(key, (r.reference.clone(), r.assessable));
        self.ordered
            .entry(r.framework_id.clone())
            .or_default()
            .push(r.reference.clone());
        if let Some(p) = &r.parent {
            self.children
                .entry((r.framework_id.clone(), p.clone()))
                .or_default()
                .push(r.reference.clone());
        }
    }
    /// The canonical ref and whether it is assessable, for a ref as a user wrote it.
    pub fn resolve(&self, framework: &str, text: &str) -> Option<(String, bool)> {
        let refs = self.refs.get(framework)?;
        if let Some(hit) = refs.get(&ref_key(text)) {
            return Some(hit.clone());
        }
        let folded = self.folded.get(framework)?;
        let canonical = folded
            .get(&ref_key(text).to_lowercase())
            .or_else(|| folded.get(&oscal_id_to_label(text).to_lowercase()))?;
        refs.get(&ref_key(canonical)).cloned()
    }
    /// Whether any requirement of framework `id` is known.
    pub fn has_framework(&self, id: &str) -> bool {
        self.refs.contains_key(id)
    }
    /// The framework whose requirements resolve all of `ids` (OSCAL ids or
    /// refs); ties are broken by how many words of `hint` name it.
    pub fn framework_for(&self, ids: &[&str], hint: &str) -> Option<String> {
        let hint = normalise(hint);
        let mut best: Option<(usize, String)> = None;
        for f in &self.frameworks {
            if ids.iter().all(|i| self.resolve(&f.id, i).is_some()) {
                let score = [&f.id, &f.name, &f.short_name]
                    .iter()
                    .filter(|s| !s.is_empty() && hint.contains(&normalise(s)))
                    .count();
                if best.as_ref().is_none_or(|(s, _)| score > *s) {
                    best = Some((score, f.id.clone()));
                }
            }
        }
        best.map(|(_, id)| id)
    }
}

/// NIST writes control ids in OSCAL as `ac-2.1` and labels them `AC-2(1)`.
pub fn oscal_id_to_label(id: &str) -> String {
    let mut parts = id.split('.');
    let base = parts.next().unwrap_or_default().to_uppercase();
    parts.fold(base, |acc, p| format!("{acc}({p})"))
}

/// Letters and digits only, lower case: how headers and names are compared.
pub fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A framework id from a title: lower case words joined by `-`, keeping
/// digits and dots (`NIST Special Publication 800-53 Revision 5` →
/// `nist-800-53-rev5`).
pub fn slug(title: &str) -> String {
    let head = title.split(':').next().unwrap_or(title);
    let mut words: Vec<String> = Vec::new();
    let mut iter = head
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches(['.', '-']).to_lowercase())
        .filter(|w| !w.is_empty())
        .peekable();
    while let Some(w) = iter.next() {
        match w.as_str() {
            "special" if iter.peek().map(String::as_str) == Some("publication") => {
                iter.next();
            }
            "revision" | "rev" => {
                if let Some(n) = iter.next() {
                    words.push(format!("rev{n}"));
                }
            }
            _ => words.push(w),
        }
    }
    let s: String = words
        .join("-")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
        .collect();
    s.chars().take(64).collect()
}

/// A control id from free text: letters, digits, `-`, `_`, `.`, 64 at most.
pub fn control_id(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(64).collect()
}

pub(crate) fn problem(
    file: &str,
    line: usize,
    column: usize,
    message: impl Into<String>,
) -> Problem {
    Problem {
        location: Location {
            file: file.to_string(),
            line,
            column,
        },
        message: message.into(),
    }
}

/// The one importer interface: each format's file implements it.
pub trait Importer {
    /// The format this importer reads.
    const FORMAT: Format;
    /// Translate one file (or project) into Crosswalk's terms. `known` holds
    /// the workspace's frameworks and those of catalogs earlier in the same import.
    fn read(
        file: &str,
        input: &Input,
        known: &Known,
        options: &InteropOptions,
    ) -> Result<Imported, Vec<Problem>>;
}

/// What an importer reads: a file's bytes, or an OpenControl project folder.
pub enum Input {
    /// The whole file, already read (and size-checked).
    Bytes(Vec<u8>),
    /// An OpenControl project's folder.
    Folder(std::path::PathBuf),
}

/// The format of a file, told from its content: a zip with an
/// `xl/workbook.xml` is an XLSX matrix, a JSON object or XML document is
/// OSCAL (its root says which model), text whose first line is a header row
/// with a known column name is a CSV matrix. `None`: Crosswalk YAML (or not
/// ours), left to the YAML path.
pub fn detect(bytes: &[u8]) -> Option<Result<Format, String>> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(Ok(Format::MatrixXlsx));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = text.iter().find(|b| !b.is_ascii_whitespace())?;
    match first {
        b'{' => Some(oscal_json::model_of(text)),
        b'<' => Some(oscal_catalog::xml_model_of(text)),
        _ => matrix::looks_like_csv(text).then_some(Ok(Format::MatrixCsv)),
    }
}

/// Reads one detected file with its importer.
pub fn read(
    format: Format,
    file: &str,
    input: &Input,
    known: &Known,
    options: &InteropOptions,
) -> Result<Imported, Vec<Problem>> {
    match format {
        Format::OscalCatalog => oscal_catalog::OscalCatalog::read(file, input, known, options),
        Format::OscalProfile => oscal_profile::OscalProfile::read(file, input, known, options),
        Format::OscalComponentDefinition => {
            oscal_component::OscalComponent::read(file, input, known, options)
        }
        Format::OscalMappingCollection => {
            oscal_mapping::OscalMapping::read(file, input, known, options)
        }
        Format::OpenControl => opencontrol::OpenControl::read(file, input, known, options),
        Format::MatrixCsv | Format::MatrixXlsx => matrix::Matrix::read(file, input, known, options),
    }
}

/// One file (or OpenControl folder) of an import that is read by an importer here.
pub struct Foreign {
    /// The path as given.
    pub path: std::path::PathBuf,
    /// The path as problems and reports name it.
    pub display: String,
    /// Its detected format.
    pub format: Format,
    /// What the importer reads.
    pub input: Input,
    /// SHA-256 of the bytes read, lower-case hex (recorded in the import's audit event).
    pub sha: String,
    /// Canonical path: what controls remember they came from (for `--prune`).
    pub source_file: String,
}

impl Foreign {
    /// A foreign file whose bytes have been read; its source is its canonical path.
    pub fn file(path: &std::path::Path, format: Format, bytes: Vec<u8>, sha: String) -> Self {
        Foreign {
            path: path.to_path_buf(),
            display: path.display().to_string(),
            format,
            input: Input::Bytes(bytes),
            sha,
            source_file: path
                .canonicalize()
                .unwrap_or_else(|_| path.to_path_buf())
                .display()
                .to_string(),
        }
    }
}

/// A file of an import read as a foreign format.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct FileFormat {
    /// The file as the user named it.
    pub file: String,
    /// The format it was read as.
    pub format: Format,
    /// The format's name for a person ([`Format::name`]).
    pub name: &'static str,
}

/// How the columns of one matrix file were read.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct FileColumns {
    /// The matrix file.
    pub file: String,
    /// One entry per column, left to right.
    pub columns: Vec<ColumnGuess>,
}

/// Takes OpenControl projects (a folder with `opencontrol.yaml`, or that
/// file named directly) out of the paths; the rest go the usual way.
pub fn split_projects(paths: &[std::path::PathBuf]) -> (Vec<std::path::PathBuf>, Vec<Foreign>) {
    let mut rest = Vec::new();
    let mut projects = Vec::new();
    for p in paths {
        let dir = if p.is_dir() && opencontrol::is_project(p) {
            Some(p.clone())
        } else if p.file_name().is_some_and(|n| n == "opencontrol.yaml") && p.is_file() {
            p.parent().map(|d| {
                if d.as_os_str().is_empty() {
                    std::path::PathBuf::from(".")
                } else {
                    d.to_path_buf()
                }
            })
        } else {
            None
        };
        match dir {
            Some(d) => {
                let top = d.join("opencontrol.yaml");
                let sha = crate::import::read_input(&top)
                    .map(|b| crate::hash::sha256_hex(&b))
                    .unwrap_or_default();
                projects.push(Foreign {
                    display: d.display().to_string(),
                    source_file: top
                        .canonicalize()
                        .unwrap_or_else(|_| top.clone())
                        .display()
                        .to_string(),
                    path: d.clone(),
                    format: Format::OpenControl,
                    input: Input::Folder(d),
                    sha,
                });
            }
            None => rest.push(p.clone()),
        }
    }
    (rest, projects)
}

/// Reads every foreign file: catalogs and OpenControl standards first, so
/// that profiles, component definitions, mappings and matrices in the same
/// import can refer to them.
pub fn read_all<'a>(
    foreign: &'a [Foreign],
    known: &mut Known,
    options: &InteropOptions,
    problems: &mut Vec<Problem>,
) -> Vec<(&'a Foreign, Imported)> {
    let first = |f: &&Foreign| matches!(f.format, Format::OscalCatalog | Format::OpenControl);
    let mut out = Vec::new();
    for f in foreign
        .iter()
        .filter(first)
        .chain(foreign.iter().filter(|f| !first(f)))
    {
        match read(f.format, &f.display, &f.input, known, options) {
            Ok(got) => {
                for c in &got.catalogs {
                    known.add_catalog(c);
                }
                out.push((f, got));
            }
            Err(mut p) => problems.append(&mut p),
        }
    }
    out
}

/// What a reader returns once it has looked at everything: all its
/// problems, or what it read.
pub(crate) fn finish(problems: Vec<Problem>, read: Imported) -> Result<Imported, Vec<Problem>> {
    if problems.is_empty() {
        Ok(read)
    } else {
        Err(problems)
    }
}

pub(crate) fn bytes_of<'a>(file: &str, input: &'a Input) -> Result<&'a [u8], Vec<Problem>> {
    match input {
        Input::Bytes(b) => Ok(b),
        Input::Folder(_) => Err(vec![problem(file, 1, 1, "expected a file, found a folder")]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_ids() {
        assert_eq!(
            slug("NIST Special Publication 800-53 Revision 5: Security and Privacy Controls"),
            "nist-800-53-rev5"
        );
        assert_eq!(
            slug("NIST Cybersecurity Framework 2.0"),
            "nist-cybersecurity-framework-2.0"
        );
        assert_eq!(oscal_id_to_label("ac-2.1"), "AC-2(1)");
        assert_eq!(oscal_id_to_label("sc-8"), "SC-8");
        assert_eq!(control_id("AWS Core / S3"), "AWS-Core-S3");
        assert_eq!(normalise("NIST 800-53 Rev5"), normalise("nist-800-53-rev5"));
    }

    #[test]
    fn detection_is_by_content() {
        assert_eq!(detect(b"controls:\n  - id: A\n"), None);
        assert_eq!(detect(b"# id, title, status\ncontrols: []\n"), None);
        assert_eq!(detect(b"id: x, title: y\n"), None);
        assert_eq!(detect(b"{\"catalog\": {}}"), Some(Ok(Format::OscalCatalog)));
        assert!(matches!(detect(b"{\"hello\": 1}"), Some(Err(_))));
        assert_eq!(
            detect(b"Control ID,Title,SOC 2\nA,B,CC6.1\n"),
            Some(Ok(Format::MatrixCsv))
        );
        assert_eq!(detect(b"PK\x03\x04rest"), Some(Ok(Format::MatrixXlsx)));
    }
}
