//! Registers: the tables an auditor works through (requirements, controls
//! with their mappings, evidence, gaps, Statement of Applicability, audit
//! trail), built from the same selection as a report and written as CSV
//! (RFC 4180, header row) or XLSX (frozen header, column widths, dates as
//! real dates).
//!
//! A register states only what the data says: a decision nobody recorded (an
//! SoA justification, say) is an empty cell marked "not recorded", never a
//! default sentence.
use crate::assessment::Assessment;
use crate::audit::{AuditEvent, Note, Subject};
use crate::coverage::FrameworkCoverage;
use crate::error::{Error, Result};
use crate::model::*;
use crate::report::ReportRequest;
use crate::workspace::Workspace;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

/// The ISO 27001 framework id; its Annex A gets a Statement of Applicability.
pub const ISO27001: &str = "iso27001-2022";
/// Audit events read for the audit-trail register at most; a trail longer
/// than this is cut with a note row rather than held in memory whole.
const MAX_AUDIT_ROWS: usize = 1_000_000;

/// What a selection covers, resolved: the same rules as a report.
pub struct Selection {
    /// What was asked for, as given.
    pub request: ReportRequest,
    /// Who the registers are for: the assessment's organisation, else the
    /// workspace's.
    pub organisation: String,
    /// The assessment asked for; None for a selection by frameworks.
    pub assessment: Option<Assessment>,
    /// First and last day (inclusive) the evidence is judged over: the
    /// request's period, else the assessment's; None: as of today.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Coverage of each selected framework under the selection's rules, in
    /// the order asked (an assessment's frameworks when none were named).
    pub coverage: Vec<FrameworkCoverage>,
    /// Every control of the workspace, by id.
    pub controls: BTreeMap<String, Control>,
    /// Evidence behind a listed requirement (current or expired in the period), by id.
    pub evidence: Vec<Evidence>,
    /// ISO 27001 Annex A ref → theme (organizational, people, physical, technological).
    pub iso_themes: BTreeMap<String, String>,
}

impl Selection {
    /// The selected frameworks' ids, in the selection's order.
    pub fn framework_ids(&self) -> Vec<String> {
        self.coverage
            .iter()
            .map(|c| c.framework.id.clone())
            .collect()
    }

    /// (framework, ref) pairs each piece of evidence supports in this selection.
    pub fn evidence_requirements(&self) -> BTreeMap<i64, BTreeSet<(String, String)>> {
        let mut map: BTreeMap<i64, BTreeSet<(String, String)>> = BTreeMap::new();
        for f in &self.coverage {
            for r in &f.requirements {
                for c in &r.controls {
                    for id in c.current_evidence.iter().chain(&c.expired_evidence) {
                        map.entry(*id)
                            .or_default()
                            .insert((f.framework.id.clone(), r.reference.clone()));
                    }
                }
            }
        }
        // An occurrence included for its series supports what its series does.
        for e in &self.evidence {
            if !map.contains_key(&e.id) {
                let from_series: BTreeSet<(String, String)> = self
                    .evidence
                    .iter()
                    .filter(|o| o.series() == e.series())
                    .filter_map(|o| map.get(&o.id))
                    .flatten()
                    .cloned()
                    .collect();
                map.insert(e.id, from_series);
            }
        }
        map
    }
}

/// Which register (docs/formats.md, "Registers", lists each one's rows and
/// columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RegisterKind {
    /// One row per assessable requirement, with its status and reason.
    Requirements,
    /// One row per control and mapping to a selected framework.
    Controls,
    /// One row per piece of evidence the selection relies on.
    Evidence,
    /// One row per requirement that is a gap, stale, partial or only covered
    /// through a crosswalk.
    Gaps,
    /// The ISO 27001 Statement of Applicability: one row per Annex A control.
    Soa,
    /// One row per audit event in the period (all when there is none).
    AuditTrail,
    /// Type II review windows of a control with no occurrence in them.
    MissingOccurrences,
}

impl RegisterKind {
    /// Every register, in the order a package holds them.
    pub const ALL: [RegisterKind; 7] = [
        RegisterKind::Requirements,
        RegisterKind::Controls,
        RegisterKind::Evidence,
        RegisterKind::Gaps,
        RegisterKind::MissingOccurrences,
        RegisterKind::Soa,
        RegisterKind::AuditTrail,
    ];
    /// The register a `--what` argument names (`audit-trail`, `audit_trail`
    /// and `log` are one); None for an unknown name.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "requirements" => RegisterKind::Requirements,
            "controls" => RegisterKind::Controls,
            "evidence" => RegisterKind::Evidence,
            "gaps" => RegisterKind::Gaps,
            "soa" => RegisterKind::Soa,
            "audit-trail" | "audit_trail" | "log" => RegisterKind::AuditTrail,
            "missing-occurrences" | "missing_occurrences" => RegisterKind::MissingOccurrences,
            _ => return None,
        })
    }
    /// File stem in a package and the default sheet name.
    pub fn name(self) -> &'static str {
        match self {
            RegisterKind::Requirements => "requirements",
            RegisterKind::Controls => "controls",
            RegisterKind::Evidence => "evidence",
            RegisterKind::Gaps => "gaps",
            RegisterKind::Soa => "soa",
            RegisterKind::AuditTrail => "audit-trail",
            RegisterKind::MissingOccurrences => "missing-occurrences",
        }
    }
    fn sheet(self) -> &'static str {
        match self {
            RegisterKind::Requirements => "Requirements",
            RegisterKind::Controls => "Controls",
            RegisterKind::Evidence => "Evidence",
            RegisterKind::Gaps => "Gaps",
            RegisterKind::Soa => "Statement of Applicability",
            RegisterKind::AuditTrail => "Audit trail",
            RegisterKind::MissingOccurrences => "Missing occurrences",
        }
    }
}

/// The file format a register is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RegisterFormat {
    /// RFC 4180 CSV, UTF-8 with a header row; one register per file.
    Csv,
    /// An Excel workbook: frozen header, column widths, real dates.
    Xlsx,
}

impl RegisterFormat {
    /// `csv` or `xlsx` (a `--format` argument); None for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "csv" => Some(RegisterFormat::Csv),
            "xlsx" => Some(RegisterFormat::Xlsx),
            _ => None,
        }
    }
}

/// One cell. Dates stay dates so a spreadsheet can sort and filter them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text as is (in CSV a leading `=`, `+`, `-`, `@`, tab or CR gets a `'`
    /// so that a spreadsheet does not run it as a formula).
    Text(String),
    /// A whole number (sequence numbers, sizes in bytes, days).
    Int(i64),
    /// A calendar date; None is an empty cell.
    Date(Option<NaiveDate>),
    /// UTC, from an RFC 3339 timestamp; None (an empty cell) when there is
    /// none or it does not parse.
    DateTime(Option<NaiveDateTime>),
}

impl Value {
    fn text(s: impl Into<String>) -> Self {
        Value::Text(s.into())
    }
    fn datetime(rfc3339: &str) -> Self {
        Value::DateTime(
            chrono::DateTime::parse_from_rfc3339(rfc3339)
                .ok()
                .map(|d| d.naive_utc()),
        )
    }
    /// The cell as CSV text: dates ISO 8601, times `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn as_text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Int(n) => n.to_string(),
            Value::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
            Value::DateTime(d) => d
                .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default(),
        }
    }
}

/// One register, built and ready to write: header and rows.
#[derive(Debug, Clone)]
pub struct Register {
    /// Which register it is.
    pub kind: RegisterKind,
    /// (header, width in characters)
    pub columns: Vec<(&'static str, f64)>,
    /// The rows, each with one value per column, in the register's order.
    pub rows: Vec<Vec<Value>>,
}

impl Register {
    fn new(kind: RegisterKind, columns: Vec<(&'static str, f64)>) -> Self {
        Register {
            kind,
            columns,
            rows: Vec::new(),
        }
    }
    fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }
}

fn join<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I, sep: &str) -> String {
    items
        .into_iter()
        .map(|s| s.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(sep)
}

impl Workspace {
    /// Resolves a selection the way a report does (an assessment's frameworks,
    /// period and applicability, or frameworks and an optional period).
    pub fn selection(&self, request: &ReportRequest) -> Result<Selection> {
        let assessment = request
            .assessment_id
            .map(|id| self.assessment(id))
            .transpose()?;
        let mut options = self.scope_options(assessment.as_ref())?;
        let mut frameworks = request.frameworks.clone();
        if let Some(a) = &assessment {
            if frameworks.is_empty() {
                frameworks = a.frameworks.clone();
            }
        }
        if request.period.is_some() {
            options.period = request.period;
        }
        if let Some((from, to)) = options.period {
            if from > to {
                return Err(Error::Usage(format!(
                    "the period {from}..{to} ends before it starts"
                )));
            }
        }
        let coverage = self.coverage_with(&frameworks, &options)?;
        let mut cited: BTreeSet<i64> = BTreeSet::new();
        for f in &coverage {
            for r in &f.requirements {
                for c in &r.controls {
                    cited.extend(c.current_evidence.iter().chain(&c.expired_evidence));
                }
            }
        }
        // Every occurrence of a cited series whose evidence date lies in the
        // period goes with it: the auditor sees each time it was collected.
        let all = self.evidence_list(None)?;
        let series: BTreeSet<i64> = all
            .iter()
            .filter(|e| cited.contains(&e.id))
            .map(|e| e.series())
            .collect();
        let period = options.period;
        let evidence = all
            .into_iter()
            .filter(|e| {
                cited.contains(&e.id)
                    || (series.contains(&e.series())
                        && period.is_some_and(|(a, b)| e.collected_on >= a && e.collected_on <= b))
            })
            .collect();
        let organisation = match &assessment {
            Some(a) => a.organisation.clone(),
            None => self.organisation()?,
        };
        Ok(Selection {
            request: request.clone(),
            organisation,
            assessment,
            period: options.period,
            coverage,
            controls: self
                .controls()?
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect(),
            evidence,
            iso_themes: self
                .requirements(ISO27001)?
                .into_iter()
                .filter_map(|r| r.theme.map(|t| (r.reference, t)))
                .collect(),
        })
    }

    /// Audit events inside the period (all when there is none), oldest first.
    pub fn audit_events_in(
        &self,
        period: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<Vec<AuditEvent>> {
        let mut events = self.log(MAX_AUDIT_ROWS, None)?;
        events.reverse();
        if let Some((from, to)) = period {
            events.retain(|e| {
                chrono::DateTime::parse_from_rfc3339(&e.at)
                    .map(|d| {
                        let day = d.naive_utc().date();
                        day >= from && day <= to
                    })
                    .unwrap_or(true)
            });
        }
        Ok(events)
    }

    /// One register of a selection.
    pub fn register(&self, sel: &Selection, kind: RegisterKind) -> Result<Register> {
        Ok(match kind {
            RegisterKind::Requirements => requirements(sel),
            RegisterKind::Controls => controls(sel),
            RegisterKind::Evidence => evidence(sel, self.today(), self.expiry_window()?),
            RegisterKind::Gaps => gaps(sel),
            RegisterKind::Soa => soa(sel),
            RegisterKind::AuditTrail => audit_trail(&self.audit_events_in(sel.period)?),
            RegisterKind::MissingOccurrences => missing_occurrences(sel),
        })
    }

    /// Writes one register to `out` (atomically) and audits the export.
    pub fn export_register(
        &mut self,
        request: &ReportRequest,
        kind: RegisterKind,
        format: RegisterFormat,
        out: &Path,
    ) -> Result<usize> {
        let sel = self.selection(request)?;
        let reg = self.register(&sel, kind)?;
        let bytes = match format {
            RegisterFormat::Csv => {
                let mut buf = Vec::new();
                write_csv(&reg, &mut buf)?;
                buf
            }
            RegisterFormat::Xlsx => write_xlsx(&[&reg], crate::now())?,
        };
        crate::fsutil::write_atomic(out, &bytes)?;
        let tx = self.begin()?;
        self.record_note(
            &tx,
            Note::RegisterExported,
            &Subject::Register(kind.name().into()),
            format!(
                "Exported the {} register ({} rows) to {}",
                kind.name(),
                reg.rows.len(),
                out.display()
            ),
            serde_json::json!({"register": kind.name(), "format": format, "rows": reg.rows.len(), "sha256": crate::hash::sha256_hex(&bytes), "path": out.display().to_string(), "frameworks": sel.framework_ids(), "assessment": request.assessment_id}),
        )?;
        tx.commit()?;
        Ok(reg.rows.len())
    }
}

fn requirements(sel: &Selection) -> Register {
    let mut reg = Register::new(
        RegisterKind::Requirements,
        vec![
            ("Framework", 14.0),
            ("Ref", 16.0),
            ("Title", 40.0),
            ("Status", 20.0),
            ("Reason", 60.0),
            ("Controls", 24.0),
            ("Evidence", 16.0),
            ("Not applicable because", 40.0),
        ],
    );
    for f in &sel.coverage {
        for r in f.requirements.iter().filter(|r| r.assessable) {
            let evidence: BTreeSet<i64> = r
                .controls
                .iter()
                .flat_map(|c| c.current_evidence.iter().chain(&c.expired_evidence))
                .copied()
                .collect();
            reg.push(vec![
                Value::text(&f.framework.id),
                Value::text(&r.reference),
                Value::text(&r.title),
                Value::text(r.status.map(Status::label).unwrap_or("")),
                Value::text(&r.reason),
                Value::text(join(r.controls.iter().map(|c| &c.id), ", ")),
                Value::text(join(evidence.iter().map(|id| format!("#{id}")), ", ")),
                Value::text(r.justification.clone().unwrap_or_default()),
            ]);
        }
    }
    reg
}

fn controls(sel: &Selection) -> Register {
    let mut reg = Register::new(
        RegisterKind::Controls,
        vec![
            ("Control", 12.0),
            ("Title", 36.0),
            ("Category", 16.0),
            ("Owner", 22.0),
            ("Status", 14.0),
            ("Review every (days)", 10.0),
            ("Framework", 14.0),
            ("Ref", 16.0),
            ("Mapping", 10.0),
            ("Rationale", 40.0),
        ],
    );
    let wanted: BTreeSet<String> = sel.framework_ids().into_iter().collect();
    for c in sel.controls.values() {
        let base = |row: &mut Vec<Value>| {
            row.extend([
                Value::text(&c.id),
                Value::text(&c.title),
                Value::text(&c.category),
                Value::text(&c.owner),
                Value::text(c.status.as_str()),
                c.review_every_days
                    .map(|d| Value::Int(d as i64))
                    .unwrap_or(Value::text("")),
            ])
        };
        let maps: Vec<&Mapping> = c
            .mappings
            .iter()
            .filter(|m| wanted.contains(&m.framework_id))
            .collect();
        if maps.is_empty() {
            let mut row = Vec::new();
            base(&mut row);
            row.extend([
                Value::text(""),
                Value::text(""),
                Value::text(""),
                Value::text(""),
            ]);
            reg.push(row);
        }
        for m in maps {
            let mut row = Vec::new();
            base(&mut row);
            row.extend([
                Value::text(&m.framework_id),
                Value::text(&m.reference),
                Value::text(m.coverage.as_str()),
                Value::text(m.rationale.clone().unwrap_or_default()),
            ]);
            reg.push(row);
        }
    }
    reg
}

fn evidence(sel: &Selection, today: NaiveDate, expiry_window_days: u32) -> Register {
    let mut reg = Register::new(
        RegisterKind::Evidence,
        vec![
            ("Evidence", 10.0),
            ("Title", 36.0),
            ("Kind", 8.0),
            ("Controls", 20.0),
            ("Requirements", 40.0),
            ("Evidence date", 14.0),
            ("Valid until", 14.0),
            ("Validity", 10.0),
            ("Collected by", 20.0),
            ("Uploaded", 20.0),
            ("Revisions", 10.0),
            ("File", 30.0),
            ("Size (bytes)", 14.0),
            ("SHA-256", 66.0),
            ("URL", 30.0),
        ],
    );
    let supports = sel.evidence_requirements();
    for e in &sel.evidence {
        let rev = e.current_revision();
        let reqs = supports
            .get(&e.id)
            .map(|s| join(s.iter().map(|(f, r)| format!("{f} {r}")), "; "))
            .unwrap_or_default();
        reg.push(vec![
            Value::Int(e.id),
            Value::text(&e.title),
            Value::text(e.kind.as_str()),
            Value::text(e.controls.join(", ")),
            Value::text(reqs),
            Value::Date(Some(e.collected_on)),
            Value::Date(e.valid_until),
            Value::text(e.validity_on(today, expiry_window_days).as_str()),
            Value::text(&e.collected_by),
            Value::datetime(&e.added_at),
            Value::Int(e.revisions.len() as i64),
            Value::text(rev.map(|r| r.file_name.clone()).unwrap_or_default()),
            rev.map(|r| Value::Int(r.size as i64))
                .unwrap_or(Value::text("")),
            Value::text(rev.map(|r| r.sha256.clone()).unwrap_or_default()),
            Value::text(e.url.clone().unwrap_or_default()),
        ]);
    }
    reg
}

fn gaps(sel: &Selection) -> Register {
    let mut reg = Register::new(
        RegisterKind::Gaps,
        vec![
            ("Framework", 14.0),
            ("Ref", 16.0),
            ("Title", 40.0),
            ("Status", 20.0),
            ("Reason", 60.0),
            ("Controls", 24.0),
            ("Owners", 30.0),
        ],
    );
    for f in &sel.coverage {
        for r in f
            .requirements
            .iter()
            .filter(|r| r.status.is_some_and(Status::is_gap))
        {
            let owners = r.owners();
            reg.push(vec![
                Value::text(&f.framework.id),
                Value::text(&r.reference),
                Value::text(&r.title),
                Value::text(r.status.map(Status::label).unwrap_or("")),
                Value::text(&r.reason),
                Value::text(join(r.controls.iter().map(|c| &c.id), ", ")),
                Value::text(join(owners, ", ")),
            ]);
        }
    }
    reg
}

fn missing_occurrences(sel: &Selection) -> Register {
    let mut reg = Register::new(
        RegisterKind::MissingOccurrences,
        vec![
            ("Control", 12.0),
            ("Title", 36.0),
            ("Owner", 22.0),
            ("Window from", 14.0),
            ("Window to", 14.0),
            ("Requirements", 50.0),
        ],
    );
    // (control, window) → requirements that needed it.
    let mut missed: BTreeMap<(String, NaiveDate, NaiveDate), BTreeSet<String>> = BTreeMap::new();
    for f in &sel.coverage {
        for r in &f.requirements {
            for c in &r.controls {
                for w in c.windows.iter().filter(|w| w.missed()) {
                    missed
                        .entry((c.id.clone(), w.start, w.end))
                        .or_default()
                        .insert(format!("{} {}", f.framework.id, r.reference));
                }
            }
        }
    }
    for ((id, start, end), reqs) in missed {
        let c = sel.controls.get(&id);
        reg.push(vec![
            Value::text(&id),
            Value::text(c.map(|c| c.title.clone()).unwrap_or_default()),
            Value::text(c.map(|c| c.owner.clone()).unwrap_or_default()),
            Value::Date(Some(start)),
            Value::Date(Some(end)),
            Value::text(join(reqs, "; ")),
        ]);
    }
    reg
}

fn soa(sel: &Selection) -> Register {
    let mut reg = Register::new(
        RegisterKind::Soa,
        vec![
            ("Annex A control", 14.0),
            ("Title", 40.0),
            ("Theme", 16.0),
            ("Applicable", 14.0),
            ("Justification", 50.0),
            ("Implementation", 50.0),
            ("Implementing controls", 30.0),
            ("Status", 20.0),
        ],
    );
    let Some(f) = sel.coverage.iter().find(|f| f.framework.id == ISO27001) else {
        return reg;
    };
    let decided: BTreeMap<&str, &crate::assessment::Applicability> = sel
        .assessment
        .iter()
        .flat_map(|a| &a.applicability)
        .filter(|x| x.framework_id == ISO27001)
        .map(|x| (x.reference.as_str(), x))
        .collect();
    for r in f
        .requirements
        .iter()
        .filter(|r| r.reference.starts_with("A.") && r.assessable)
    {
        let x = decided.get(r.reference.as_str());
        // The decision coverage applied: the workspace's, or the assessment's override.
        let d = r.decision.as_ref();
        reg.push(vec![
            Value::text(&r.reference),
            Value::text(&r.title),
            Value::text(
                sel.iso_themes
                    .get(&r.reference)
                    .cloned()
                    .unwrap_or_default(),
            ),
            Value::text(match d {
                Some(d) if d.applicable => "yes",
                Some(_) => "no",
                None => "not recorded",
            }),
            Value::text(d.map(|d| d.justification.clone()).unwrap_or_default()),
            Value::text(x.map(|x| x.implementation.clone()).unwrap_or_default()),
            Value::text(join(
                r.controls
                    .iter()
                    .map(|c| format!("{} ({})", c.id, c.status.as_str())),
                "; ",
            )),
            Value::text(r.status.map(Status::label).unwrap_or("")),
        ]);
    }
    reg
}

fn audit_trail(events: &[AuditEvent]) -> Register {
    let mut reg = Register::new(
        RegisterKind::AuditTrail,
        vec![
            ("Seq", 8.0),
            ("At (UTC)", 20.0),
            ("Actor", 16.0),
            ("Action", 22.0),
            ("Subject", 24.0),
            ("Summary", 60.0),
            ("Hash", 66.0),
            ("Previous hash", 66.0),
        ],
    );
    for e in events {
        reg.push(vec![
            Value::Int(e.seq),
            Value::datetime(&e.at),
            Value::text(&e.actor),
            Value::text(&e.action),
            Value::text(&e.subject),
            Value::text(&e.summary),
            Value::text(&e.hash),
            Value::text(&e.prev_hash),
        ]);
    }
    reg
}

/// A text cell a spreadsheet would run as a formula gets a leading `'`
/// (the OWASP advice for CSV injection); nothing else is changed.
fn csv_safe(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

/// RFC 4180: a header row, fields quoted when needed, CRLF line ends.
pub fn write_csv(reg: &Register, out: &mut dyn Write) -> Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let fail = |e: csv::Error| Error::io("cannot write CSV", std::io::Error::other(e.to_string()));
    w.write_record(reg.columns.iter().map(|(h, _)| *h))
        .map_err(fail)?;
    for row in &reg.rows {
        w.write_record(row.iter().map(|v| match v {
            Value::Text(s) => csv_safe(s.clone()),
            other => other.as_text(),
        }))
        .map_err(fail)?;
    }
    w.flush().map_err(|e| Error::io("cannot write CSV", e))?;
    Ok(())
}

/// One workbook, a sheet per register: bold frozen header row, column
/// widths, an autofilter, dates as dates. `created` is the workbook's
/// creation time, so the same data and time give the same bytes.
pub fn write_xlsx(regs: &[&Register], created: chrono::DateTime<chrono::Utc>) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| Error::Report(format!("XLSX: {e}"));
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_timestamp(created.timestamp()).map_err(fail)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("Crosswalk"),
    );
    let header = Format::new().set_bold().set_background_color("#E8EDF3");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for reg in regs {
        let ws = wb.add_worksheet();
        ws.set_name(reg.kind.sheet()).map_err(fail)?;
        for (c, (name, width)) in reg.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *name, &header)
                .map_err(fail)?;
            ws.set_column_width(c as u16, *width).map_err(fail)?;
        }
        for (i, row) in reg.rows.iter().enumerate() {
            let r = (i + 1) as u32;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Value::Text(s) if s.is_empty() => {}
                    Value::Text(s) => {
                        ws.write_string(r, c, s).map_err(fail)?;
                    }
                    Value::Int(n) => {
                        ws.write_number(r, c, *n as f64).map_err(fail)?;
                    }
                    Value::Date(Some(d)) => {
                        ws.write_datetime_with_format(r, c, d, &date)
                            .map_err(fail)?;
                    }
                    Value::DateTime(Some(d)) => {
                        ws.write_datetime_with_format(r, c, d, &datetime)
                            .map_err(fail)?;
                    }
                    Value::Date(None) | Value::DateTime(None) => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(fail)?;
        if !reg.columns.is_empty() {
            ws.autofilter(0, 0, reg.rows.len() as u32, (reg.columns.len() - 1) as u16)
                .map_err(fail)?;
        }
    }
    wb.save_to_buffer().map_err(fail)
}
