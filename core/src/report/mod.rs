//! Audit reports: what goes in them. The drawing is `layout`'s job; this
//! module only decides content and order, from data computed by core.
pub use crosswalk_layout as layout;

use crate::assessment::Assessment;
use crate::coverage::{FrameworkCoverage, RequirementCoverage};
use crate::error::{Error, Result};
use crate::model::*;
use crate::verify::VerifyReport;
use crate::workspace::{timestamp, Workspace};
use chrono::NaiveDate;
use layout::{
    Align, Bar, BarChart, BarScale, Block, Cell, Color, Column, Cover, Document, LegendEntry,
    PageSetup, Paragraph, Run, Table, Tone,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// What to report on: an assessment, or frameworks and an optional period.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReportRequest {
    pub assessment_id: Option<i64>,
    #[serde(default)]
    pub frameworks: Vec<String>,
    pub period: Option<(NaiveDate, NaiveDate)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportSummary {
    pub path: PathBuf,
    pub pages: usize,
    pub bytes: usize,
    pub sha256: String,
    pub frameworks: Vec<String>,
}

/// Progress of report generation: a phase name and a share done (0–100).
#[derive(Debug, Clone, Serialize)]
pub struct ReportProgress {
    pub phase: &'static str,
    pub percent: u8,
}

/// Everything a report shows, gathered before anything is drawn.
pub struct ReportData {
    pub organisation: String,
    pub assessment: Option<Assessment>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub generated_at: chrono::DateTime<chrono::Utc>,
    pub generated_by: String,
    pub coverage: Vec<FrameworkCoverage>,
    pub requirements: HashMap<(String, String), Requirement>,
    pub controls: BTreeMap<String, Control>,
    pub evidence: Vec<Evidence>,
    pub verify: VerifyReport,
    pub recent_events: Vec<crate::audit::AuditEvent>,
    /// Type I / Type II, from the assessment; None without one or unstated.
    pub kind: Option<AssessmentType>,
    /// The SoA's document-control fields, per framework that has an SoA.
    pub soa: HashMap<String, crate::applicability::SoaDocument>,
    /// Fingerprint of the workspace signing key, once it has one.
    pub key_fingerprint: Option<String>,
}

impl Workspace {
    /// Gathers the report's data, draws it, writes the PDF atomically to
    /// `out`, and records the report (with its SHA-256) in the audit trail.
    pub fn generate_report(
        &mut self,
        request: &ReportRequest,
        out: &Path,
        progress: &mut dyn FnMut(ReportProgress),
    ) -> Result<ReportSummary> {
        progress(ReportProgress {
            phase: "coverage",
            percent: 5,
        });
        let data = self.report_data(request, progress)?;
        progress(ReportProgress {
            phase: "layout",
            percent: 60,
        });
        let bytes = render_pdf(&data)?;
        progress(ReportProgress {
            phase: "writing",
            percent: 90,
        });
        // The file appears under its name only after its audit event commits.
        let staged = crate::fsutil::stage(out, &bytes)?;
        let sha256 = crate::hash::sha256_hex(&bytes);
        let pages = count_pages(&bytes);
        let frameworks: Vec<String> = data
            .coverage
            .iter()
            .map(|c| c.framework.id.clone())
            .collect();
        // A read-only workspace cannot record it; the report is still made.
        if !self.is_read_only() {
            // A signed checkpoint of the trail at each report (issue 11), in the
            // report's transaction, just before its event.
            let key = self.workspace_key()?;
            let tx = self.begin()?;
            self.checkpoint_in(&tx, &key, "report")?;
            self.record(
                &tx,
                "report.generated",
                "report",
                format!("Generated report for {} ({} pages) at {}", frameworks.join(", "), pages, out.display()),
                json!({"sha256": sha256, "pages": pages, "bytes": bytes.len(), "frameworks": frameworks, "assessment": request.assessment_id, "path": crate::outputs::recorded_path(out)}),
            )?;
            tx.commit()?;
        }
        staged.publish()?;
        progress(ReportProgress {
            phase: "done",
            percent: 100,
        });
        Ok(ReportSummary {
            path: out.to_path_buf(),
            pages,
            bytes: bytes.len(),
            sha256,
            frameworks,
        })
    }

    pub fn report_data(
        &self,
        request: &ReportRequest,
        progress: &mut dyn FnMut(ReportProgress),
    ) -> Result<ReportData> {
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
        let period = options.period;
        let kind = options.kind;
        let coverage = self.coverage_with(&frameworks, &options)?;
        let mut soa = HashMap::new();
        for f in coverage
            .iter()
            .filter(|f| f.framework.id == "iso27001-2022")
        {
            soa.insert(f.framework.id.clone(), self.soa_document(&f.framework.id)?);
        }
        let requirements = self
            .requirements("")?
            .into_iter()
            .map(|r| ((r.framework_id.clone(), r.reference.clone()), r))
            .collect();
        let controls: BTreeMap<String, Control> = self
            .controls()?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        // The evidence the report relies on: everything behind a listed requirement.
        let mut cited: BTreeSet<i64> = BTreeSet::new();
        for f in &coverage {
            for r in &f.requirements {
                for c in &r.controls {
                    cited.extend(c.current_evidence.iter().chain(&c.expired_evidence));
                }
            }
        }
        let evidence: Vec<Evidence> = self
            .evidence_list(None)?
            .into_iter()
            .filter(|e| cited.contains(&e.id))
            .collect();
        progress(ReportProgress {
            phase: "verifying evidence",
            percent: 20,
        });
        let verify = self.verify(&mut |p| {
            if p.total > 0 {
                progress(ReportProgress {
                    phase: "verifying evidence",
                    percent: (20 + 35 * p.done / p.total.max(1)).min(55) as u8,
                })
            }
        })?;
        let organisation = match &assessment {
            Some(a) => a.organisation.clone(),
            None => self.organisation()?,
        };
        Ok(ReportData {
            organisation,
            assessment,
            period,
            generated_at: crate::now(),
            generated_by: self.actor().to_string(),
            coverage,
            requirements,
            controls,
            evidence,
            verify,
            recent_events: self.log(25, None)?,
            kind,
            soa,
            key_fingerprint: self.key_info_if_any()?.map(|k| k.fingerprint),
        })
    }
}

/// The PDF bytes of a report's data.
pub fn render_pdf(data: &ReportData) -> Result<Vec<u8>> {
    let doc = build_document(data);
    layout::render(
        &doc,
        &PageSetup {
            footer_note: Some(format!("{} · Crosswalk", data.organisation)),
            ..PageSetup::a4()
        },
    )
    .map_err(|e| Error::Report(e.to_string()))
}

fn count_pages(pdf: &[u8]) -> usize {
    // Each page object carries `/Type/Page` (the page tree node says `/Pages`).
    let needle = b"/Type/Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's')
        .count()
}

fn tone(status: Option<Status>) -> Tone {
    match status {
        Some(Status::Covered) => Tone::Green,
        Some(Status::Partial) => Tone::Amber,
        Some(Status::Stale) | Some(Status::Gap) => Tone::Red,
        _ => Tone::Grey,
    }
}

fn status_color(status: Status) -> Color {
    match status {
        Status::Covered => Color::GREEN,
        Status::Partial => Color::AMBER,
        Status::Stale => Color::hex(0xC8553D),
        Status::Gap => Color::RED,
        Status::NotApplicable => Color::GREY,
    }
}

fn badge(status: Option<Status>) -> Cell {
    Cell::badge(status.map(Status::label).unwrap_or(""), tone(status))
}

fn period_text(p: Option<(NaiveDate, NaiveDate)>) -> String {
    match p {
        Some((a, b)) => format!("{a} to {b}"),
        None => "No period set: all evidence valid on the report date counts".into(),
    }
}

/// "1 framework", "3 frameworks".
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Text that ends a sentence: no second full stop after "Inc.".
fn end_sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// A framework's name with its version, unless the name already carries it
/// ("ISO 27001:2022", never "ISO 27001:2022 2022").
fn with_version(name: &str, version: &str) -> String {
    if version.is_empty() || name.contains(version) {
        name.to_string()
    } else {
        format!("{name} {version}")
    }
}

fn kind_text(kind: Option<AssessmentType>, has_period: bool) -> &'static str {
    match (kind, has_period) {
        (Some(AssessmentType::Type2), _) => {
            "Type II: operating effectiveness throughout the period"
        }
        (Some(AssessmentType::Type1), _) => "Type I: design of the controls at a point in time",
        (None, true) => "Not stated (point-in-time rule applied)",
        (None, false) => "No period: evidence valid on the report date",
    }
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < 3 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// The report, as blocks. Pure: the same data gives the same document.
pub fn build_document(d: &ReportData) -> Document {
    let names: Vec<String> = d
        .coverage
        .iter()
        .map(|c| c.framework.short_name.clone())
        .collect();
    let title = match &d.assessment {
        Some(a) => a.name.clone(),
        None => format!("Compliance report: {}", names.join(", ")),
    };
    let mut doc = Document::new(title.clone());
    doc.author = d.organisation.clone();
    doc.subject = format!(
        "Coverage of {} — {}",
        names.join(", "),
        period_text(d.period)
    );
    doc.keywords = d.coverage.iter().map(|c| c.framework.id.clone()).collect();
    // The chain anchor, machine-readable: `crosswalk verify --anchor report.pdf`.
    doc.keywords.push(crate::verify::anchor_keyword(&d.verify));
    doc.creation_date = d.generated_at.timestamp();
    let generated = timestamp(d.generated_at);

    let mut details = vec![
        ("Organisation".to_string(), d.organisation.clone()),
        (
            "Frameworks".to_string(),
            d.coverage
                .iter()
                .map(|c| with_version(&c.framework.name, &c.framework.version))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ("Audit period".to_string(), period_text(d.period)),
        (
            "Assessment type".to_string(),
            kind_text(d.kind, d.period.is_some()).to_string(),
        ),
        (
            "Generated".to_string(),
            format!("{generated} by {}", d.generated_by),
        ),
        (
            "Audit trail".to_string(),
            format!(
                "{} — head {} ({} events)",
                if d.verify.ok {
                    "verified intact"
                } else {
                    "FAULTS FOUND"
                },
                d.verify.last_event_hash,
                d.verify.events_checked
            ),
        ),
    ];
    if let Some(a) = &d.assessment {
        details.insert(1, ("Assessment".into(), format!("#{} {}", a.id, a.name)));
    }
    if let Some(fp) = &d.key_fingerprint {
        details.push(("Signing key".into(), format!("Ed25519, fingerprint {fp}")));
    }
    doc.push(Block::Cover(Cover {
        title: "Compliance Assessment Report".into(),
        subtitle_lines: vec![d.organisation.clone(), names.join(" · ")],
        details,
    }));

    executive_summary(&mut doc, d);
    controls_section(&mut doc, d);
    for f in &d.coverage {
        framework_section(&mut doc, d, f);
    }
    findings(&mut doc, d);
    if d.kind == Some(AssessmentType::Type2) {
        review_windows(&mut doc, d);
    }
    evidence_index(&mut doc, d);
    audit_trail(&mut doc, d);
    doc
}

fn executive_summary(doc: &mut Document, d: &ReportData) {
    doc.push(Block::heading(1, "Executive summary"));
    let total_scope: usize = d.coverage.iter().map(|c| c.counts.in_scope()).sum();
    let total_covered: usize = d.coverage.iter().map(|c| c.counts.covered).sum();
    let total_gaps: usize = d
        .coverage
        .iter()
        .map(|c| c.counts.gap + c.counts.stale)
        .sum();
    doc.push(Block::Paragraph(Paragraph::runs(vec![
        Run::normal(format!("This report covers {} for {} ", plural(d.coverage.len(), "framework", "frameworks"), end_sentence(&d.organisation))),
        Run::bold(format!("{total_covered} of {total_scope}")),
        Run::normal(format!(
            " requirements in scope are covered by an implemented control whose evidence holds under the rule below; {total_gaps} are gaps or rest on expired evidence. \
             A gap marked with related coverage has no control of its own, but a covered requirement of another framework is linked to it by a crosswalk \
             (the path is named): work that may be reused once someone maps the control to it. It is counted as a gap, not as covered."
        )),
    ])));
    let statuses = [
        Status::Covered,
        Status::Partial,
        Status::Stale,
        Status::Gap,
        Status::NotApplicable,
    ];
    doc.push(Block::BarChart(BarChart {
        title: "Coverage per framework (share of assessable requirements)".into(),
        bars: d
            .coverage
            .iter()
            .map(|c| Bar {
                label: c.framework.short_name.clone(),
                segments: statuses
                    .iter()
                    .map(|s| (c.counts.get(*s) as f64, status_color(*s)))
                    .collect(),
                value_label: Some(format!("{:.0}%", c.percent_covered)),
            })
            .collect(),
        legend: statuses
            .iter()
            .map(|s| LegendEntry {
                label: s.label().into(),
                color: status_color(*s),
            })
            .collect(),
        scale: BarScale::Proportional,
        show_values: true,
    }));
    let mut t = Table::new(vec![
        Column::new("Framework", 1.7),
        Column::new("Scope", 0.9).align(Align::Right),
        Column::new("Covered", 1.05).align(Align::Right),
        Column::new("Related", 1.2).align(Align::Right),
        Column::new("Partial", 0.95).align(Align::Right),
        Column::new("Stale", 0.85).align(Align::Right),
        Column::new("Gap", 0.8).align(Align::Right),
        Column::new("N/A", 0.7).align(Align::Right),
        Column::new("Coverage", 1.2).align(Align::Right),
    ]);
    for c in &d.coverage {
        let n = |v: usize| Cell::new(v.to_string());
        t.row(vec![
            Cell::new(c.framework.short_name.clone()).bold(),
            n(c.counts.in_scope()),
            n(c.counts.covered),
            n(c.related_coverage),
            n(c.counts.partial),
            n(c.counts.stale),
            n(c.counts.gap),
            n(c.counts.not_applicable),
            Cell::new(format!("{:.1}%", c.percent_covered)).bold(),
        ]);
    }
    doc.push(Block::Table(t));
    doc.push(Block::heading(2, "Scope and method"));
    let mut kv = vec![("Audit period".to_string(), period_text(d.period))];
    if let Some(a) = &d.assessment {
        kv.push((
            "Scope".into(),
            if a.scope.is_empty() {
                "Not stated".into()
            } else {
                a.scope.clone()
            },
        ));
    }
    kv.push((
        "Assessment type".into(),
        kind_text(d.kind, d.period.is_some()).into(),
    ));
    if let Some(f) = d.coverage.first() {
        kv.push(("Evidence rule".into(), f.rule.clone()));
    }
    kv.push((
        "Covered".into(),
        if d.kind == Some(AssessmentType::Type2) {
            "An implemented control maps to the requirement in full and has an occurrence of evidence in every review window of the period."
        } else {
            "An implemented control maps to the requirement in full and has evidence that is valid on the reference day."
        }
        .into(),
    ));
    kv.push((
        "Partial".into(),
        if d.kind == Some(AssessmentType::Type2) {
            "A control with evidence maps to it only in part, is only partly implemented, or missed review windows (named under Gaps)."
        } else {
            "A control with current evidence maps to it only in part, or is only partly implemented."
        }
        .into(),
    ));
    kv.push((
        "Stale".into(),
        "The controls behind it have evidence, but all of it has expired.".into(),
    ));
    kv.push(("Related coverage".into(), "No control of its own, but a covered requirement of another framework is linked to it by a crosswalk (the path is named); shown, never counted as covered.".into()));
    kv.push((
        "Gap".into(),
        "No implemented control with evidence maps to it.".into(),
    ));
    kv.push((
        "Not applicable".into(),
        "Scoped out by a decision recorded in Crosswalk, with its justification, who made it and when.".into(),
    ));
    doc.push(Block::KeyValue(kv));
}

fn framework_section(doc: &mut Document, d: &ReportData, f: &FrameworkCoverage) {
    doc.push(Block::PageBreak);
    doc.push(Block::heading(1, f.framework.name.clone()));
    doc.push(Block::Paragraph(Paragraph::new(format!(
        "{}, published by {} {:.1}% of {} requirements in scope are covered ({} covered, {} partial, {} stale, {} gaps, {} not applicable; {} with related coverage from other frameworks).",
        with_version(&f.framework.short_name, &f.framework.version),
        end_sentence(&f.framework.publisher),
        f.percent_covered,
        f.counts.in_scope(),
        f.counts.covered,
        f.counts.partial,
        f.counts.stale,
        f.counts.gap,
        f.counts.not_applicable,
        f.related_coverage
    ))));
    if !f.framework.text_rights.is_empty() {
        doc.push(Block::Paragraph(
            Paragraph::new(f.framework.text_rights.clone())
                .size(7.5)
                .color(Color::MUTED),
        ));
    }
    doc.push(Block::heading(
        2,
        format!("{}: requirements", f.framework.short_name),
    ));
    let mut t = Table::new(vec![
        Column::new("Ref", 1.2),
        Column::new("Requirement", 2.7),
        Column::new("Status", 1.4),
        Column::new("Controls and their evidence", 3.3),
    ]);
    for r in &f.requirements {
        if !r.assessable {
            // Grouping rows give the table the framework's structure.
            t.heading_row(vec![
                Cell::new(r.reference.clone())
                    .bold()
                    .background(Color::HEADER_BG),
                Cell::new(r.title.clone())
                    .bold()
                    .background(Color::HEADER_BG),
                Cell::new("").background(Color::HEADER_BG),
                Cell::new("").background(Color::HEADER_BG),
            ]);
            continue;
        }
        let mut controls = if let (Some(j), Some(dn)) = (&r.justification, &r.decision) {
            format!("N/A: {}\n{}", end_sentence(j), decided_text(dn))
        } else if let Some(j) = &r.justification {
            format!("N/A: {j}")
        } else {
            // Each control with the evidence that proves it; only what falls
            // short is spelled out, to keep rows short.
            r.controls
                .iter()
                .map(|c| {
                    let mut notes = Vec::new();
                    if c.status != ControlStatus::Implemented {
                        notes.push(c.status.as_str().replace('_', " "));
                    }
                    if c.mapping == MappingCoverage::Partial {
                        notes.push("partial map".into());
                    }
                    let missed = c.windows.iter().filter(|w| w.missed()).count();
                    if missed > 0 {
                        notes.push(plural(missed, "window missed", "windows missed"));
                    }
                    let ids: Vec<String> = c
                        .current_evidence
                        .iter()
                        .chain(&c.expired_evidence)
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .map(|i| format!("E{i}"))
                        .collect();
                    let head = if notes.is_empty() {
                        c.id.clone()
                    } else {
                        format!("{} ({})", c.id, notes.join(", "))
                    };
                    if ids.is_empty() {
                        format!("{head}: no evidence")
                    } else {
                        format!("{head}: {}", ids.join(", "))
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        if !r.related_coverage.is_empty() {
            // Not coverage: where existing work could be reused (related.rs).
            let paths: Vec<&str> = r
                .related_coverage
                .iter()
                .map(|c| c.summary.as_str())
                .collect();
            controls = format!(
                "{controls}\nRelated coverage (not counted): {}",
                paths.join("; ")
            )
            .trim()
            .to_string();
        }
        t.row(vec![
            Cell::new(r.reference.clone()).mono(),
            Cell::new(r.title.clone()),
            badge(r.status),
            Cell::new(controls),
        ]);
    }
    doc.push(Block::Table(t));
    decisions_table(doc, f);
    if f.framework.id == "iso27001-2022" {
        statement_of_applicability(doc, d, f);
    }
}

/// "decided by X on 2026-01-05 (workspace)".
fn decided_text(d: &crate::coverage::Decision) -> String {
    let when = d.decided_at.get(..10).unwrap_or(&d.decided_at);
    if d.decided_by.is_empty() {
        format!("Decided in {} (updated {when})", d.source)
    } else {
        format!("Decided by {} on {when} ({})", d.decided_by, d.source)
    }
}

/// Every applicability decision that applies to a framework's requirements.
fn decisions_table(doc: &mut Document, f: &FrameworkCoverage) {
    let rows: Vec<&RequirementCoverage> = f
        .requirements
        .iter()
        .filter(|r| r.decision.is_some())
        .collect();
    if rows.is_empty() {
        return;
    }
    doc.push(Block::heading(
        2,
        format!("{}: applicability decisions", f.framework.short_name),
    ));
    let mut t = Table::new(vec![
        Column::new("Ref", 1.0),
        Column::new("Applicable", 1.0),
        Column::new("Justification", 3.2),
        Column::new("Decided", 2.6),
    ]);
    for r in rows {
        let dn = r.decision.as_ref().expect("filtered");
        t.row(vec![
            Cell::new(r.reference.clone()).mono(),
            if dn.applicable {
                Cell::badge("Yes", Tone::Green)
            } else {
                Cell::badge("No", Tone::Grey)
            },
            if dn.justification.is_empty() {
                Cell::badge("Missing", Tone::Red)
            } else {
                Cell::new(dn.justification.clone())
            },
            Cell::new(decided_text(dn)),
        ]);
    }
    doc.push(Block::Table(t));
}

/// Annex A controls whose SoA entry lacks a justification (open items).
fn soa_missing(f: &FrameworkCoverage) -> Vec<&RequirementCoverage> {
    f.requirements
        .iter()
        .filter(|r| r.reference.starts_with("A.") && r.assessable)
        .filter(|r| {
            r.decision
                .as_ref()
                .is_none_or(|d| d.justification.trim().is_empty())
        })
        .collect()
}

/// ISO/IEC 27001 clause 6.1.3 d): every Annex A control, whether it is
/// applicable, the user's justification and the controls that implement it.
/// Only what a user or an imported file said is written; what nobody decided
/// shows as not decided or missing.
fn statement_of_applicability(doc: &mut Document, d: &ReportData, f: &FrameworkCoverage) {
    doc.push(Block::PageBreak);
    doc.push(Block::heading(
        2,
        "Statement of Applicability (ISO/IEC 27001:2022 Annex A)",
    ));
    let unset = |v: &str| {
        if v.is_empty() {
            "Not set".to_string()
        } else {
            v.to_string()
        }
    };
    let soa = d.soa.get(&f.framework.id).cloned().unwrap_or_default();
    doc.push(Block::KeyValue(vec![
        ("Document version".into(), unset(&soa.version)),
        ("Owner".into(), unset(&soa.owner)),
        ("Approved by".into(), unset(&soa.approved_by)),
        (
            "Approval date".into(),
            soa.approved_on
                .map(|x| x.to_string())
                .unwrap_or_else(|| "Not set".into()),
        ),
    ]));
    let missing = soa_missing(f);
    doc.push(Block::Paragraph(Paragraph::new(format!(
        "Each Annex A control with the applicability decision recorded in Crosswalk, its justification as written by the person who decided, and the organisation's controls mapped to it with their status. {} without a justification {} open.",
        plural(missing.len(), "control", "controls"),
        if missing.len() == 1 { "is" } else { "are" }
    ))));
    let mut t = Table::new(vec![
        Column::new("Control", 0.9),
        Column::new("Title", 2.0),
        Column::new("Applicable", 1.0),
        Column::new("Justification", 2.5),
        Column::new("Implementing controls", 2.6),
        Column::new("Status", 1.2),
    ]);
    let implementation: HashMap<&str, &str> = d
        .assessment
        .iter()
        .flat_map(|a| a.applicability.iter())
        .filter(|x| x.framework_id == f.framework.id && !x.implementation.is_empty())
        .map(|x| (x.reference.as_str(), x.implementation.as_str()))
        .collect();
    for r in f
        .requirements
        .iter()
        .filter(|r| r.reference.starts_with("A.") && r.assessable)
    {
        let applicable = match &r.decision {
            Some(x) if x.applicable => Cell::badge("Yes", Tone::Green),
            Some(_) => Cell::badge("No", Tone::Grey),
            None => Cell::badge("Not decided", Tone::Amber),
        };
        let justification = match &r.decision {
            Some(x) if !x.justification.trim().is_empty() => Cell::new(x.justification.clone()),
            _ => Cell::badge("Missing", Tone::Red),
        };
        let mut parts: Vec<String> = r
            .controls
            .iter()
            .map(|c| {
                let title = d
                    .controls
                    .get(&c.id)
                    .map(|k| k.title.as_str())
                    .unwrap_or("");
                format!(
                    "{} {} ({})",
                    c.id,
                    title,
                    c.status.as_str().replace('_', " ")
                )
            })
            .collect();
        if let Some(text) = implementation.get(r.reference.as_str()) {
            parts.push(text.to_string());
        }
        t.row(vec![
            Cell::new(r.reference.clone()).mono(),
            Cell::new(r.title.clone()),
            applicable,
            justification,
            if parts.is_empty() {
                Cell::new("None mapped").color(Color::MUTED)
            } else {
                Cell::new(parts.join("\n"))
            },
            badge(r.status),
        ]);
    }
    doc.push(Block::Table(t));
}

/// The organisation's controls the report relies on.
fn controls_section(doc: &mut Document, d: &ReportData) {
    let cited: BTreeSet<&str> = d
        .coverage
        .iter()
        .flat_map(|f| f.requirements.iter())
        .flat_map(|r| r.controls.iter().map(|c| c.id.as_str()))
        .collect();
    doc.push(Block::PageBreak);
    doc.push(Block::heading(1, "Controls"));
    if cited.is_empty() {
        doc.push(Block::paragraph(
            "No control of the organisation maps to the requirements in this report.",
        ));
        return;
    }
    doc.push(Block::Paragraph(Paragraph::new(format!(
        "{} of the organisation {} mapped to the requirements in this report. As recorded in Crosswalk: what each does, who owns it, how far it is implemented and how often it must be reviewed.",
        plural(cited.len(), "control", "controls"),
        if cited.len() == 1 { "is" } else { "are" }
    ))));
    let mut t = Table::new(vec![
        Column::new("ID", 1.1),
        Column::new("Control", 3.9),
        Column::new("Owner", 1.4),
        Column::new("Status", 1.6),
        Column::new("Review", 0.9),
    ]);
    for id in cited {
        let Some(c) = d.controls.get(id) else {
            continue;
        };
        let text = if c.description.trim().is_empty() {
            c.title.clone()
        } else {
            format!("{}\n{}", c.title, c.description.trim())
        };
        let status = match c.status {
            ControlStatus::Implemented => Cell::badge("Implemented", Tone::Green),
            ControlStatus::Partial => Cell::badge("Partial", Tone::Amber),
            ControlStatus::Planned => Cell::badge("Planned", Tone::Red),
            ControlStatus::NotApplicable => Cell::badge("Not applicable", Tone::Grey),
        };
        t.row(vec![
            Cell::new(c.id.clone()).mono(),
            Cell::new(text),
            Cell::new(if c.owner.is_empty() {
                "Unassigned".to_string()
            } else {
                c.owner.clone()
            }),
            status,
            Cell::new(
                c.review_every_days
                    .map(|n| plural(n as usize, "day", "days"))
                    .unwrap_or_else(|| "—".into()),
            ),
        ]);
    }
    doc.push(Block::Table(t));
}

/// Type II: each control's review windows with the occurrences in them.
fn review_windows(doc: &mut Document, d: &ReportData) {
    let mut seen = BTreeSet::new();
    let mut t = Table::new(vec![
        Column::new("Control", 1.1),
        Column::new("Window", 2.2),
        Column::new("Occurrences (evidence date)", 3.6),
        Column::new("Result", 1.1),
    ]);
    let dates: HashMap<i64, NaiveDate> =
        d.evidence.iter().map(|e| (e.id, e.collected_on)).collect();
    for f in &d.coverage {
        for r in &f.requirements {
            if r.status == Some(Status::NotApplicable) {
                continue;
            }
            for c in &r.controls {
                if c.windows.is_empty() || !seen.insert(c.id.clone()) {
                    continue;
                }
                for w in &c.windows {
                    let occ: Vec<String> = w
                        .evidence
                        .iter()
                        .map(|i| match dates.get(i) {
                            Some(day) => format!("E{i} ({day})"),
                            None => format!("E{i}"),
                        })
                        .collect();
                    t.row(vec![
                        Cell::new(c.id.clone()).mono(),
                        Cell::new(format!("{} to {}", w.start, w.end)),
                        Cell::new(if occ.is_empty() {
                            "none".to_string()
                        } else {
                            occ.join(", ")
                        }),
                        if w.missed() {
                            Cell::badge("Missed", Tone::Red)
                        } else if !w.due {
                            Cell::badge("Not yet due", Tone::Grey)
                        } else {
                            Cell::badge("Operated", Tone::Green)
                        },
                    ]);
                }
            }
        }
    }
    doc.push(Block::PageBreak);
    doc.push(Block::heading(1, "Review windows (Type II)"));
    doc.push(Block::Paragraph(Paragraph::new(
        "Each control's review cadence splits the audit period into windows; each window needs an occurrence of evidence dated inside it. Evidence from before the period counts for the first window only, and only if it is still valid on the period's first day.",
    )));
    if seen.is_empty() {
        doc.push(Block::paragraph(
            "No control maps to a requirement in scope.",
        ));
    } else {
        doc.push(Block::Table(t));
    }
}

fn findings(doc: &mut Document, d: &ReportData) {
    doc.push(Block::PageBreak);
    doc.push(Block::heading(1, "Gaps, partial and stale items"));
    doc.push(Block::Paragraph(Paragraph::new(
        "Every requirement in scope that is not covered outright, with the controls involved and who owns them. Stale items rest on evidence that has expired.",
    )));
    let mut t = Table::new(vec![
        Column::new("Framework", 1.1),
        Column::new("Ref", 1.1),
        Column::new("Status", 1.3),
        Column::new("Why", 3.0),
        Column::new("Owners", 1.6),
    ]);
    let mut any = false;
    for f in &d.coverage {
        for r in f
            .requirements
            .iter()
            .filter(|r| r.status.is_some_and(Status::is_gap))
        {
            any = true;
            let owners: BTreeSet<&str> = r
                .controls
                .iter()
                .map(|c| c.owner.as_str())
                .filter(|o| !o.is_empty())
                .collect();
            t.row(vec![
                Cell::new(f.framework.short_name.clone()),
                Cell::new(r.reference.clone()).mono(),
                badge(r.status),
                Cell::new(format!("{} — {}", r.title, r.reason)),
                Cell::new(if owners.is_empty() {
                    "Unassigned".to_string()
                } else {
                    owners.into_iter().collect::<Vec<_>>().join(", ")
                }),
            ]);
        }
    }
    if any {
        doc.push(Block::Table(t));
    } else {
        doc.push(Block::paragraph(
            "None: every requirement in scope is covered or not applicable.",
        ));
    }
    // Type II: every window a control missed, with the requirements it leaves short.
    let mut missed: BTreeMap<(String, NaiveDate, NaiveDate), BTreeSet<String>> = BTreeMap::new();
    for f in &d.coverage {
        for r in &f.requirements {
            if r.status == Some(Status::NotApplicable) {
                continue;
            }
            for c in &r.controls {
                for w in c.windows.iter().filter(|w| w.missed()) {
                    missed
                        .entry((c.id.clone(), w.start, w.end))
                        .or_default()
                        .insert(format!("{} {}", f.framework.short_name, r.reference));
                }
            }
        }
    }
    if !missed.is_empty() {
        doc.push(Block::heading(2, "Missed review windows"));
        let mut t = Table::new(vec![
            Column::new("Control", 1.1),
            Column::new("Missing occurrence", 3.0),
            Column::new("Requirements affected", 3.0),
        ]);
        for ((control, start, end), reqs) in &missed {
            t.row(vec![
                Cell::new(control.clone()).mono(),
                Cell::new(format!("no occurrence between {start} and {end}")),
                Cell::new(reqs.iter().cloned().collect::<Vec<_>>().join(", ")),
            ]);
        }
        doc.push(Block::Table(t));
    }
    // The SoA's open items: Annex A controls nobody justified.
    for f in d
        .coverage
        .iter()
        .filter(|f| f.framework.id == "iso27001-2022")
    {
        let open = soa_missing(f);
        if open.is_empty() {
            continue;
        }
        doc.push(Block::heading(2, "Statement of Applicability: open items"));
        doc.push(Block::Paragraph(Paragraph::new(format!(
            "{} of Annex A {} no recorded justification for including or excluding {}: {}.",
            plural(open.len(), "control", "controls"),
            if open.len() == 1 { "has" } else { "have" },
            if open.len() == 1 { "it" } else { "them" },
            open.iter()
                .map(|r| r.reference.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))));
    }
}

fn evidence_index(doc: &mut Document, d: &ReportData) {
    doc.push(Block::PageBreak);
    doc.push(Block::heading(1, "Evidence index"));
    doc.push(Block::Paragraph(Paragraph::new(format!(
        "{} support the requirements above, one row per occurrence (each time the evidence was collected). The evidence date is when it was gathered; the upload date is when its current file was stored in Crosswalk. Files are stored by content: the SHA-256 in the table after this one is the hash of the file as collected, re-checked when this report was generated.",
        plural(d.evidence.len(), "item of evidence", "items of evidence")
    ))));
    let today = d.generated_at.date_naive();
    let reference_day = d.period.map(|(_, end)| end.min(today)).unwrap_or(today);
    let mut t = Table::new(vec![
        Column::new("ID", 0.55),
        Column::new("Evidence", 2.3),
        Column::new("Controls", 1.2),
        Column::new("Evidence date", 1.1),
        Column::new("Uploaded", 1.1),
        Column::new("Collected by", 1.2),
        Column::new("Valid until", 1.1),
    ]);
    let mut evidence: Vec<&Evidence> = d.evidence.iter().collect();
    evidence.sort_by_key(|e| (e.collected_on, e.id));
    for e in &evidence {
        // Under Type II an occurrence proves its own window; its later expiry is no fault.
        let valid = match e.valid_until {
            Some(u) if u < reference_day && d.kind != Some(AssessmentType::Type2) => {
                Cell::new(format!("{u}\nexpired")).color(Color::RED).bold()
            }
            Some(u) => Cell::new(u.to_string()),
            None => Cell::new("no expiry"),
        };
        let mut title = match e.current_revision() {
            Some(r) if e.revisions.len() > 1 => {
                format!("{} ({}, revision {})", e.title, r.file_name, r.number)
            }
            Some(r) => format!("{} ({})", e.title, r.file_name),
            None => e.title.clone(),
        };
        if let Some(series) = e.series_id {
            title.push_str(&format!("\nanother occurrence of E{series}"));
        }
        match e.kind {
            EvidenceKind::Link => {
                title.push_str(&format!("\n{}", e.url.clone().unwrap_or_default()))
            }
            EvidenceKind::Note => {
                title.push_str(&format!("\nNote: {}", e.note.clone().unwrap_or_default()))
            }
            EvidenceKind::File => {}
        }
        t.row(vec![
            Cell::new(format!("E{}", e.id)).bold(),
            Cell::new(title),
            Cell::new(e.controls.join(", ")),
            Cell::new(e.collected_on.to_string()),
            Cell::new(
                e.uploaded_at()
                    .get(..10)
                    .unwrap_or(e.uploaded_at())
                    .to_string(),
            ),
            Cell::new(e.collected_by.clone()),
            valid,
        ]);
    }
    doc.push(Block::Table(t));
    let files: Vec<&&Evidence> = evidence
        .iter()
        .filter(|e| e.current_revision().is_some())
        .collect();
    if !files.is_empty() {
        doc.push(Block::heading(2, "File fingerprints (SHA-256)"));
        let mut t = Table::new(vec![
            Column::new("ID", 0.55),
            Column::new("Size", 0.9).align(Align::Right),
            Column::new("SHA-256", 5.0),
        ]);
        for e in files {
            let r = e.current_revision().expect("filtered");
            t.row(vec![
                Cell::new(format!("E{}", e.id)).bold(),
                Cell::new(human_size(r.size)),
                Cell::new(r.sha256.clone()).mono(),
            ]);
        }
        doc.push(Block::Table(t));
    }
}

fn audit_trail(doc: &mut Document, d: &ReportData) {
    doc.push(Block::PageBreak);
    doc.push(Block::heading(1, "Audit trail"));
    let v = &d.verify;
    doc.push(Block::KeyValue(vec![
        (
            "Chain verified".into(),
            if v.ok {
                format!(
                    "Yes — {}, every hash recomputed",
                    plural(v.events_checked, "event", "events")
                )
            } else {
                format!("NO — {} found", plural(v.faults.len(), "fault", "faults"))
            },
        ),
        ("Last event hash".into(), v.last_event_hash.clone()),
        (
            "Anchor".into(),
            format!("{}:{}", v.last_event_hash, v.events_checked),
        ),
        (
            "Evidence files re-hashed".into(),
            format!(
                "{}, {}",
                plural(v.files_checked, "file", "files"),
                human_size(v.bytes_hashed)
            ),
        ),
        (
            "Records checked".into(),
            format!(
                "{} and {} against the states the trail recorded",
                plural(v.controls_checked, "control", "controls"),
                plural(v.evidence_checked, "evidence item", "evidence items")
            ),
        ),
    ]));
    doc.push(Block::Paragraph(Paragraph::new(
        "Each event's SHA-256 covers its content and the previous event's hash. On its own, a consistent chain proves only that nobody edited the trail without recomputing it: someone able to write to the workspace could rewrite every event with new hashes, or cut events off its end, and the chain would still check. Kept outside the workspace, the anchor above (also in this PDF's metadata) closes that gap: `crosswalk verify --anchor` with it, or with this PDF, proves the workspace still holds exactly these events, so nothing up to here can be rewritten, forged or removed unnoticed. Changes after the anchor are covered only by a later anchor.",
    ).size(8.5).color(Color::MUTED)));
    if !v.faults.is_empty() {
        doc.push(Block::heading(2, "Faults"));
        let mut t = Table::new(vec![Column::new("Subject", 1.5), Column::new("Fault", 4.0)]);
        for f in &v.faults {
            t.row(vec![
                Cell::new(f.subject.clone()).mono(),
                Cell::badge(f.message.clone(), Tone::Red),
            ]);
        }
        doc.push(Block::Table(t));
    }
    doc.push(Block::heading(2, "Recent events"));
    let mut t = Table::new(vec![
        Column::new("#", 0.5).align(Align::Right),
        Column::new("When (UTC)", 1.6),
        Column::new("Who", 1.0),
        Column::new("What", 4.4),
    ]);
    for e in &d.recent_events {
        t.row(vec![
            Cell::new(e.seq.to_string()),
            Cell::new(e.at.clone()),
            Cell::new(e.actor.clone()),
            Cell::new(e.summary.clone()),
        ]);
    }
    doc.push(Block::Table(t));
}
