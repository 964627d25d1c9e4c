//! Control matrices (CSV or XLSX) → controls with their mappings.
//!
//! The format is the spreadsheet GRC tools export and officers keep: one row
//! per control, a header row, a column per framework whose cells list refs
//! separated by commas, semicolons or line breaks. CSV: RFC 4180
//! (<https://www.rfc-editor.org/rfc/rfc4180>), with `,`, `;` or tab as the
//! separator (the one the header row uses most). XLSX: ECMA-376, read with
//! calamine after the zip checks in `xlsx.rs`; the first sheet with an id
//! column is read.
//!
//! Columns are guessed from their headers (compared ignoring case, spaces
//! and punctuation): id, title, description, category, owner, status, and
//! frameworks by the names the shipped ones go by (`PCI DSS v4.0.1`, `SOC 2
//! (TSP 2017)`, `ISO 27001:2022`, `NIST CSF 2.0`, `HIPAA`, `GDPR`) or by the
//! id, name or short name of any framework in the workspace (one imported
//! from OSCAL included). `ISO 27002:2022` numbers the same controls as ISO
//! 27001 Annex A, so `5.15` there means `A.5.15`. `--columns HEADER=ROLE`
//! overrides the guess. A column no role fits is listed as ignored, never
//! dropped silently. `—`, `-`, `N/A`, `none` and empty cells mean none.
//!
//! A cell naming a requirement that does not exist (or one that only groups
//! others) refuses the import with every such cell listed, unless
//! `skip_unknown` is set: then those cells are left out and each is listed
//! in the summary and the audit event.
mod grid;

use super::xlsx;
use super::{
    bytes_of, finish, normalise, problem, ColumnGuess, Format, Imported, ImportedControl, Importer,
    Input, InteropOptions, Known, MAX_ROWS,
};
use crate::error::Problem;
use crate::model::{Control, ControlStatus, Mapping, MappingCoverage};
use grid::{csv_grid, separator, Grid};
use std::collections::{HashMap, HashSet};

/// The importer of control matrices (CSV and XLSX).
pub struct Matrix;

const FIELD_ROLES: &[(&str, &[&str])] = &[
    (
        "id",
        &[
            "id",
            "controlid",
            "control",
            "controlref",
            "controlnumber",
            "controlno",
            "controlcode",
            "key",
        ],
    ),
    ("title", &["title", "name", "controlname", "controltitle"]),
    (
        "description",
        &[
            "description",
            "controldescription",
            "details",
            "narrative",
            "implementation",
            "implementationdetails",
        ],
    ),
    (
        "category",
        &[
            "category",
            "domain",
            "family",
            "controlfamily",
            "controlcategory",
        ],
    ),
    (
        "owner",
        &[
            "owner",
            "controlowner",
            "responsible",
            "responsibleparty",
            "accountable",
        ],
    ),
    (
        "status",
        &["status", "implementationstatus", "controlstatus", "state"],
    ),
];

/// Header names of the shipped frameworks, normalised; the last field says
/// whether refs are ISO 27002 numbers (to be read as Annex A refs).
const FRAMEWORK_NAMES: &[(&str, &[&str], bool)] = &[
    (
        "pci-dss-4.0.1",
        &[
            "pcidss",
            "pcidss4",
            "pcidssv4",
            "pcidss401",
            "pcidssv401",
            "pcidss40",
            "pcidssv40",
            "pci",
        ],
        false,
    ),
    (
        "soc2",
        &[
            "soc2",
            "soc2tsp2017",
            "soc2tsc",
            "soc2tsc2017",
            "tsc",
            "tsp",
            "tsp2017",
            "trustservicescriteria",
        ],
        false,
    ),
    (
        "iso27001-2022",
        &[
            "iso27001",
            "iso270012022",
            "iso27001annexa",
            "iso270012022annexa",
        ],
        false,
    ),
    ("iso27001-2022", &["iso27002", "iso270022022"], true),
    (
        "nist-csf-2.0",
        &[
            "nistcsf",
            "nistcsf2",
            "nistcsf20",
            "csf",
            "csf2",
            "csf20",
            "cybersecurityframework20",
        ],
        false,
    ),
    (
        "hipaa-security",
        &["hipaa", "hipaasecurity", "hipaasecurityrule"],
        false,
    ),
    ("gdpr", &["gdpr"], false),
];

const PLACEHOLDERS: &[&str] = &[
    "", "—", "–", "-", "--", "n/a", "na", "none", "nil", "null", "x",
];

#[derive(Debug, Clone, PartialEq)]
enum Role {
    Field(&'static str),
    Framework { id: String, iso27002: bool },
    Ignored,
}

/// Does this text start with a header row a matrix would have?
pub fn looks_like_csv(text: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&text[..text.len().min(4096)]);
    let first = head.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    // YAML starts with a comment, a list item or `key:`; a header row does not.
    let t = first.trim_start();
    let key = t.split(':').next().unwrap_or("");
    if t.starts_with(['#', '-', '%'])
        || (t.contains(':')
            && !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
    {
        return false;
    }
    let sep = separator(first);
    let fields: Vec<String> = first.split(sep as char).map(normalise).collect();
    fields.len() >= 2
        && fields.iter().any(|f| {
            FIELD_ROLES[..2]
                .iter()
                .any(|(_, names)| names.contains(&f.as_str()))
        })
}

fn framework_by_name(header: &str, known: &Known) -> Option<(String, bool)> {
    let h = normalise(header);
    for (id, names, iso) in FRAMEWORK_NAMES {
        if names.contains(&h.as_str()) && known.has_framework(id) {
            return Some((id.to_string(), *iso));
        }
    }
    known
        .frameworks
        .iter()
        .find(|f| {
            [&f.id, &f.name, &f.short_name]
                .iter()
                .any(|n| normalise(n) == h)
        })
        .map(|f| (f.id.clone(), false))
}

fn role_by_name(text: &str, known: &Known) -> Option<Role> {
    let n = normalise(text);
    if n == "ignore" || n == "ignored" {
        return Some(Role::Ignored);
    }
    if let Some((r, _)) = FIELD_ROLES.iter().find(|(r, _)| *r == n) {
        return Some(Role::Field(r));
    }
    let t = text.trim();
    if known.has_framework(t) {
        return Some(Role::Framework {
            id: t.to_string(),
            iso27002: false,
        });
    }
    framework_by_name(t, known).map(|(id, iso27002)| Role::Framework { id, iso27002 })
}

fn xlsx_grid(file: &str, bytes: &[u8], known: &Known) -> Result<Grid, Vec<Problem>> {
    let sheets = xlsx::read(file, bytes).map_err(|p| vec![p])?;
    let has_id = |s: &xlsx::Sheet| {
        s.rows.first().is_some_and(|h| {
            h.iter()
                .any(|c| matches!(role_by_header(c, known).0, Role::Field("id")))
        })
    };
    let Some(sheet) =
        sheets
            .iter()
            .position(has_id)
            .or(if sheets.is_empty() { None } else { Some(0) })
    else {
        return Err(vec![problem(file, 1, 1, "the workbook has no sheets")]);
    };
    let s = &sheets[sheet];
    if s.rows.len() > MAX_ROWS {
        return Err(vec![problem(
            file,
            1,
            1,
            format!("more than {MAX_ROWS} rows; split the matrix"),
        )]);
    }
    Ok(Grid {
        rows: s
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (s.start.0 as usize + i + 1, r.clone()))
            .collect(),
        sheet: Some(s.name.clone()),
        first_col: s.start.1,
    })
}

fn role_by_header(header: &str, known: &Known) -> (Role, String) {
    let n = normalise(header);
    if let Some((r, _)) = FIELD_ROLES
        .iter()
        .find(|(_, names)| names.contains(&n.as_str()))
    {
        return (Role::Field(r), "guessed".into());
    }
    if let Some((id, iso27002)) = framework_by_name(header, known) {
        let why = if iso27002 {
            "guessed (ISO 27002 numbers read as ISO 27001 Annex A refs)"
        } else {
            "guessed"
        };
        return (Role::Framework { id, iso27002 }, why.into());
    }
    let why = if n.is_empty() {
        "no header".to_string()
    } else {
        "no framework or field of this name in the workspace".to_string()
    };
    (Role::Ignored, why)
}

fn parse_status(text: &str) -> Option<ControlStatus> {
    let n = normalise(text);
    Some(match n.as_str() {
        "implemented" | "complete" | "completed" | "inplace" | "done" | "operational" => {
            ControlStatus::Implemented
        }
        "partial" | "partiallyimplemented" | "inprogress" => ControlStatus::Partial,
        "planned" | "notstarted" | "notimplemented" | "todo" => ControlStatus::Planned,
        "notapplicable" | "na" => ControlStatus::NotApplicable,
        _ => return None,
    })
}

impl Importer for Matrix {
    const FORMAT: Format = Format::MatrixCsv;
    fn read(
        file: &str,
        input: &Input,
        known: &Known,
        options: &InteropOptions,
    ) -> Result<Imported, Vec<Problem>> {
        let bytes = bytes_of(file, input)?;
        let grid = if bytes.starts_with(b"PK\x03\x04") {
            xlsx_grid(file, bytes, known)?
        } else {
            csv_grid(file, bytes)?
        };
        read_grid(file, &grid, known, options)
    }
}

fn read_grid(
    file: &str,
    grid: &Grid,
    known: &Known,
    options: &InteropOptions,
) -> Result<Imported, Vec<Problem>> {
    let Some((header_line, headers)) = grid
        .rows
        .iter()
        .find(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
    else {
        return Err(vec![problem(
            file,
            1,
            1,
            "the matrix is empty: expected a header row and one row per control",
        )]);
    };
    let mut problems = Vec::new();
    let overrides = column_overrides(file, headers, options, known, &mut problems);
    let (roles, guesses) = column_roles(headers, &overrides, known);
    let sheet = Sheet {
        file,
        grid,
        headers,
        roles,
        known,
        options,
    };
    sheet.check_columns(*header_line, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut controls = Vec::new();
    let mut skipped_cells = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, row) in grid.rows.iter().filter(|(l, _)| l > header_line) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let got = sheet.read_row(*line, row, &mut seen, &mut skipped_cells, &mut problems);
        controls.extend(got);
    }
    finish(
        problems,
        Imported {
            controls,
            columns: guesses,
            skipped_cells,
            ..Default::default()
        },
    )
}

/// `--columns HEADER=ROLE` overrides, by normalised header.
fn column_overrides(
    file: &str,
    headers: &[String],
    options: &InteropOptions,
    known: &Known,
    problems: &mut Vec<Problem>,
) -> HashMap<String, Role> {
    let mut overrides: HashMap<String, Role> = HashMap::new();
    for spec in &options.columns {
        let Some((h, r)) = spec.rsplit_once('=') else {
            problems.push(problem(
                file,
                0,
                0,
                format!("--columns `{spec}`: write HEADER=ROLE, e.g. \"Control Ref=id\""),
            ));
            continue;
        };
        if !headers.iter().any(|x| normalise(x) == normalise(h)) {
            problems.push(problem(
                file,
                0,
                0,
                format!(
                    "--columns `{spec}`: the matrix has no column `{}`; its headers are: {}",
                    h.trim(),
                    headers.join(", ")
                ),
            ));
            continue;
        }
        match role_by_name(r, known) {
            Some(role) => {
                overrides.insert(normalise(h), role);
            }
            None => problems.push(problem(file, 0, 0, format!("--columns `{spec}`: `{}` is not a role; use id, title, description, category, owner, status, ignore, or a framework id", r.trim()))),
        }
    }
    overrides
}

/// Each column's role (an override, or the guess from its header) and how it was read.
fn column_roles(
    headers: &[String],
    overrides: &HashMap<String, Role>,
    known: &Known,
) -> (Vec<Role>, Vec<ColumnGuess>) {
    let mut roles = Vec::new();
    let mut guesses = Vec::new();
    for h in headers {
        let (role, reason) = match overrides.get(&normalise(h)) {
            Some(r) => (r.clone(), "--columns".to_string()),
            None => role_by_header(h, known),
        };
        guesses.push(ColumnGuess {
            header: h.clone(),
            role: match &role {
                Role::Field(f) => f.to_string(),
                Role::Framework { id, .. } => id.clone(),
                Role::Ignored => "ignored".into(),
            },
            reason,
        });
        roles.push(role);
    }
    (roles, guesses)
}

/// A matrix with its columns read: what a row is read against.
struct Sheet<'a> {
    file: &'a str,
    grid: &'a Grid,
    headers: &'a [String],
    roles: Vec<Role>,
    known: &'a Known,
    options: &'a InteropOptions,
}

impl Sheet<'_> {
    fn col_of(&self, name: &'static str) -> Option<usize> {
        self.roles.iter().position(|r| *r == Role::Field(name))
    }

    fn at(&self, line: usize, col: usize, message: String) -> Problem {
        (self.grid).at(self.file, line, col, &self.headers[col], message)
    }

    /// Each field at most once; id, title and status present.
    fn check_columns(&self, header_line: usize, problems: &mut Vec<Problem>) {
        for (i, r) in self.roles.iter().enumerate() {
            if let Role::Field(f) = r {
                if self.roles[..i].contains(r) {
                    problems.push(self.at(
                        header_line,
                        i,
                        format!(
                            "a second `{f}` column; name one with --columns \"{}=ignore\"",
                            self.headers[i]
                        ),
                    ));
                }
            }
        }
        for needed in ["id", "title", "status"] {
            if self.col_of(needed).is_none() {
                problems.push(self.at(header_line, 0, format!("no `{needed}` column found among the headers ({}); name one with --columns \"HEADER={needed}\"", self.headers.join(", "))));
            }
        }
    }

    /// One row → a control; `None` (with problems) when anything in it is wrong.
    fn read_row(
        &self,
        line: usize,
        row: &[String],
        seen: &mut HashMap<String, usize>,
        skipped_cells: &mut Vec<String>,
        problems: &mut Vec<Problem>,
    ) -> Option<ImportedControl> {
        let cell = |c: Option<usize>| {
            c.and_then(|c| row.get(c))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let (id_col, title_col, status_col) = (
            self.col_of("id").unwrap(),
            self.col_of("title").unwrap(),
            self.col_of("status").unwrap(),
        );
        let id = cell(Some(id_col));
        let before = problems.len();
        if id.is_empty() {
            problems.push(self.at(line, id_col, "this row has no control id".into()));
            return None;
        }
        if id.len() > 64
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            problems.push(self.at(
                line,
                id_col,
                format!(
                    "control id `{id}` may use only letters, digits, `-`, `_` and `.` (64 at most)"
                ),
            ));
        }
        if let Some(first) = seen.insert(id.clone(), line) {
            problems.push(self.at(
                line,
                id_col,
                format!(
                    "control `{id}` appears twice (first at {})",
                    self.grid.place(first, id_col)
                ),
            ));
        }
        let title = cell(Some(title_col));
        if title.is_empty() {
            problems.push(self.at(line, title_col, format!("control `{id}` has no title")));
        }
        let status_text = cell(Some(status_col));
        let status = parse_status(&status_text);
        if status.is_none() {
            problems.push(self.at(line, status_col, format!("status `{status_text}` is not one Crosswalk knows; use implemented, partial, planned or not applicable")));
        }
        let mappings = self.row_mappings(line, row, skipped_cells, problems);
        if problems.len() > before {
            return None;
        }
        let category = cell(self.col_of("category"));
        Some(ImportedControl {
            control: Control {
                id,
                title,
                description: cell(self.col_of("description")),
                category: if category.is_empty() {
                    "general".into()
                } else {
                    category
                },
                owner: cell(self.col_of("owner")),
                status: status?,
                review_every_days: None,
                mappings,
            },
            links: Vec::new(),
        })
    }

    /// The mappings of one row: every ref in every framework column (a cell
    /// may hold several, separated by `,`, `;` or new lines).
    fn row_mappings(
        &self,
        line: usize,
        row: &[String],
        skipped_cells: &mut Vec<String>,
        problems: &mut Vec<Problem>,
    ) -> Vec<Mapping> {
        let mut mappings: Vec<Mapping> = Vec::new();
        for (c, role) in self.roles.iter().enumerate() {
            let Role::Framework { id: fw, iso27002 } = role else {
                continue;
            };
            let text = row.get(c).map(|s| s.trim()).unwrap_or_default();
            let mut seen_refs = HashSet::new();
            for part in text.split([',', ';', '\n', '\r']).map(str::trim) {
                if PLACEHOLDERS.contains(&part.to_lowercase().as_str()) {
                    continue;
                }
                let wanted = if *iso27002 && !part.starts_with("A.") {
                    format!("A.{part}")
                } else {
                    part.to_string()
                };
                let bad = match self.known.resolve(fw, &wanted) {
                    Some((canonical, true)) => {
                        if seen_refs.insert(canonical.clone()) {
                            mappings.push(Mapping { framework_id: fw.clone(), reference: canonical, coverage: MappingCoverage::Full, rationale: None });
                        }
                        continue;
                    }
                    Some((canonical, false)) => format!("{fw} `{canonical}` is not assessable (it groups other requirements, or is withdrawn)"),
                    None => format!("`{part}` is not a requirement of {fw}"),
                };
                if self.options.skip_unknown {
                    skipped_cells.push(format!(
                        "{} ({}): {bad}",
                        self.grid.place(line, c),
                        self.headers[c]
                    ));
                } else {
                    problems.push(self.at(line, c, bad));
                }
            }
        }
        mappings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Framework, Requirement};

    fn known() -> Known {
        let fw = |id: &str| Framework {
            id: id.into(),
            name: id.into(),
            short_name: id.into(),
            version: "1".into(),
            publisher: String::new(),
            published: None,
            source: String::new(),
            text_rights: String::new(),
            levels: vec!["x".into()],
        };
        let req = |fw: &str, r: &str, assessable: bool| Requirement {
            framework_id: fw.into(),
            reference: r.into(),
            parent: None,
            level: "x".into(),
            title: String::new(),
            summary: String::new(),
            assessable,
            own_title: false,
            designation: None,
            theme: None,
        };
        Known::new(
            vec![fw("soc2"), fw("iso27001-2022")],
            &[
                req("soc2", "CC6.1", true),
                req("soc2", "CC6", false),
                req("iso27001-2022", "A.5.15", true),
            ],
        )
    }

    fn run(csv: &str, options: &InteropOptions) -> Result<Imported, Vec<Problem>> {
        Matrix::read(
            "m.csv",
            &Input::Bytes(csv.as_bytes().to_vec()),
            &known(),
            options,
        )
    }

    #[test]
    fn guesses_columns_and_reads_refs() {
        let got = run("Control ID,Name,Status,SOC 2 (TSP 2017),ISO 27002:2022,CIS v8\nAC-01,Access,Implemented,\"CC6.1\",5.15,1.1\nAC-02,Other,planned,—,N/A,\n", &InteropOptions::default()).unwrap();
        let roles: Vec<&str> = got.columns.iter().map(|c| c.role.as_str()).collect();
        assert_eq!(
            roles,
            ["id", "title", "status", "soc2", "iso27001-2022", "ignored"]
        );
        assert_eq!(got.controls.len(), 2);
        let refs: Vec<&str> = got.controls[0]
            .control
            .mappings
            .iter()
            .map(|m| m.reference.as_str())
            .collect();
        assert_eq!(refs, ["CC6.1", "A.5.15"]);
        assert!(got.controls[1].control.mappings.is_empty());
    }

    #[test]
    fn unknown_refs_name_each_cell_or_are_skipped_and_listed() {
        let csv =
            "id;title;status;SOC 2\nA;a;implemented;\"CC6.1\nCC9.9\"\nB;b;partial;\"CC6\nCC9.9\"\n";
        let e = run(csv, &InteropOptions::default()).unwrap_err();
        let msgs: Vec<String> = e.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(
            msgs[0].starts_with(
                "m.csv:2:4: line 2, column 4 (SOC 2): `CC9.9` is not a requirement of soc2"
            ),
            "{msgs:?}"
        );
        assert!(
            msgs[1]
                .starts_with("m.csv:4:4: line 4, column 4 (SOC 2): soc2 `CC6` is not assessable"),
            "{msgs:?}"
        );
        let ok = run(
            csv,
            &InteropOptions {
                skip_unknown: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(ok.skipped_cells.len(), 3);
        assert_eq!(ok.controls.len(), 2);
    }

    #[test]
    fn lines_are_where_rows_start_with_crlf_blank_lines_and_breaks_in_cells() {
        let csv = "id,title,status,SOC 2\r\nA,a,implemented,CC6.1\r\n\r\nB,b,planned,\"CC6.1\r\nCC9.9\"\r\nC,c,planned,CC9.8\r\n";
        let e = run(csv, &InteropOptions::default()).unwrap_err();
        let at: Vec<usize> = e.iter().map(|p| p.location.line).collect();
        assert_eq!(at, [4, 6], "{e:?}");
    }

    #[test]
    fn columns_override_and_missing_columns() {
        let csv = "Ref,Name,State,Cloud\nA,a,implemented,CC6.1\n";
        let e = run(csv, &InteropOptions::default()).unwrap_err();
        assert!(e[0].message.contains("no `id` column"), "{e:?}");
        let ok = run(
            csv,
            &InteropOptions {
                columns: vec!["Ref=id".into(), "Cloud=soc2".into()],
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(ok.controls[0].control.mappings.len(), 1);
        assert_eq!(ok.columns[3].reason, "--columns");
        assert!(run(
            csv,
            &InteropOptions {
                columns: vec!["Nope=id".into()],
                ..Default::default()
            }
        )
        .is_err());
    }
}
