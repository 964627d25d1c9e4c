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
        let doc = build_document(&data);
        let bytes = layout::render(
            &doc,
            &PageSetup {
                footer_note: Some(format!("{} · Crosswalk", data.organisation)),
                ..PageSetup::a4()
            },
        )
        .map_err(|e| Error::Report(e.to_string()))?;
        progress(ReportProgress {
            phase: "writing",
            percent: 90,
        });
        crate::fsutil::write_atomic(out, &bytes)?;
        let sha256 = crate::hash::sha256_hex(&bytes);
        let pages = count_pages(&bytes);
        let frameworks: Vec<String> = data
            .coverage
            .iter()
            .map(|c| c.framework.id.clone())
            .collect();
        let tx = self.begin()?;
        self.record(
            &tx,
            "report.generated",
            "report",
            format!("Generated report for {} ({} pages) at {}", frameworks.join(", "), pages, out.display()),
            json!({"sha256": sha256, "pages": pages, "bytes": bytes.len(), "frameworks": frameworks, "assessment": request.assessment_id, "path": out.display().to_string()}),
        )?;
        tx.commit()?;
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
        let mut options = assessment
            .as_ref()
            .map(crate::controls::assessment_options)
            .unwrap_or_default();
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
        let coverage = self.coverage_with(&frameworks, &options)?;
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
        })
    }
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
        Some(Status::CoveredViaCrosswalk) => Tone::Blue,
        Some(Status::Partial) => Tone::Amber,
        Some(Status::Stale) | Some(Status::Gap) => Tone::Red,
        _ => Tone::Grey,
    }
}

fn status_color(status: Status) -> Color {
    match status {
        Status::Covered => Color::GREEN,
        Status::CoveredViaCrosswalk => Color::BLUE,
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
    doc.creation_date = d.generated_at.timestamp();
    let generated = timestamp(d.generated_at);

    let mut details = vec![
        ("Organisation".to_string(), d.organisation.clone()),
        (
            "Frameworks".to_string(),
            d.coverage
                .iter()
                .map(|c| format!("{} ({})", c.framework.name, c.framework.version))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ("Audit period".to_string(), period_text(d.period)),
        (
            "Generated".to_string(),
            format!("{generated} by {}", d.generated_by),
        ),
        (
            "Audit trail".to_string(),
            format!(
                "{} — head {}",
                if d.verify.ok {
                    "verified intact"
                } else {
                    "FAULTS FOUND"
                },
                d.verify.last_event_hash
            ),
        ),
    ];
    if let Some(a) = &d.assessment {
        details.insert(1, ("Assessment".into(), format!("#{} {}", a.id, a.name)));
    }
    doc.push(Block::Cover(Cover {
        title: "Compliance Assessment Report".into(),
        subtitle_lines: vec![d.organisation.clone(), names.join(" · ")],
        details,
    }));

    executive_summary(&mut doc, d);
    for f in &d.coverage {
        framework_section(&mut doc, d, f);
    }
    findings(&mut doc, d);
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
        Run::normal(format!("This report covers {} framework(s) for {}. ", d.coverage.len(), d.organisation)),
        Run::bold(format!("{total_covered} of {total_scope}")),
        Run::normal(format!(
            " requirements in scope are covered by an implemented control with current evidence; {total_gaps} are gaps or rest on expired evidence. \
             Requirements shown as covered via crosswalk have no control of their own: a covered requirement of another framework that is equal to or \
             broader than them suggests coverage, which an auditor should confirm. They are not counted as covered."
        )),
    ])));
    let statuses = [
        Status::Covered,
        Status::CoveredViaCrosswalk,
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
        Column::new("Crosswalk", 1.2).align(Align::Right),
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
            n(c.counts.covered_via_crosswalk),
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
    kv.push(("Covered".into(), "An implemented control maps to the requirement in full and has evidence collected in the period that is still valid.".into()));
    kv.push((
        "Partial".into(),
        "A control with current evidence maps to it only in part, or is only partly implemented."
            .into(),
    ));
    kv.push((
        "Stale".into(),
        "The controls behind it have evidence, but all of it has expired.".into(),
    ));
    kv.push(("Via crosswalk".into(), "No control of its own; a covered requirement of another framework is equal to it or a superset of it (NIST IR 8477 relationships).".into()));
    kv.push((
        "Gap".into(),
        "No implemented control with evidence maps to it.".into(),
    ));
    doc.push(Block::KeyValue(kv));
}

fn evidence_refs(r: &RequirementCoverage) -> String {
    let ids: BTreeSet<i64> = r
        .controls
        .iter()
        .flat_map(|c| c.current_evidence.iter().chain(&c.expired_evidence))
        .copied()
        .collect();
    ids.iter()
        .map(|i| format!("E{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn framework_section(doc: &mut Document, d: &ReportData, f: &FrameworkCoverage) {
    doc.push(Block::PageBreak);
    doc.push(Block::heading(1, f.framework.name.clone()));
    doc.push(Block::Paragraph(Paragraph::new(format!(
        "{} {}, published by {}. {:.1}% of {} requirements in scope are covered ({} covered, {} via crosswalk, {} partial, {} stale, {} gaps, {} not applicable).",
        f.framework.short_name,
        f.framework.version,
        f.framework.publisher,
        f.percent_covered,
        f.counts.in_scope(),
        f.counts.covered,
        f.counts.covered_via_crosswalk,
        f.counts.partial,
        f.counts.stale,
        f.counts.gap,
        f.counts.not_applicable
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
        Column::new("Requirement", 3.0),
        Column::new("Status", 1.4),
        Column::new("Controls", 2.3),
        Column::new("Evidence", 1.1),
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
                Cell::new("").background(Color::HEADER_BG),
            ]);
            continue;
        }
        let controls = if r.status == Some(Status::CoveredViaCrosswalk) {
            r.via_crosswalk
                .iter()
                .map(|v| format!("via {} {}", v.framework_id, v.reference))
                .collect::<Vec<_>>()
                .join(", ")
        } else if let Some(j) = &r.justification {
            format!("N/A: {j}")
        } else {
            // Only what falls short is spelled out, to keep rows short.
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
                    if notes.is_empty() {
                        c.id.clone()
                    } else {
                        format!("{} ({})", c.id, notes.join(", "))
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        t.row(vec![
            Cell::new(r.reference.clone()).mono(),
            Cell::new(r.title.clone()),
            badge(r.status),
            Cell::new(controls),
            Cell::new(evidence_refs(r)),
        ]);
    }
    doc.push(Block::Table(t));
    if f.framework.id == "iso27001-2022" {
        statement_of_applicability(doc, d, f);
    }
}

/// ISO/IEC 27001 clause 6.1.3 d): every Annex A control, applicable or not, why, how.
fn statement_of_applicability(doc: &mut Document, d: &ReportData, f: &FrameworkCoverage) {
    doc.push(Block::PageBreak);
    doc.push(Block::heading(
        2,
        "Statement of Applicability (ISO/IEC 27001:2022 Annex A)",
    ));
    doc.push(Block::Paragraph(Paragraph::new(
        "Every Annex A control with its applicability, the justification for including or excluding it, and how it is implemented by the organisation's controls.",
    )));
    let applicability: HashMap<&str, &crate::assessment::Applicability> = d
        .assessment
        .iter()
        .flat_map(|a| a.applicability.iter())
        .filter(|x| x.framework_id == f.framework.id)
        .map(|x| (x.reference.as_str(), x))
        .collect();
    let mut t = Table::new(vec![
        Column::new("Control", 0.9),
        Column::new("Title", 2.2),
        Column::new("Applicable", 1.0),
        Column::new("Justification", 2.6),
        Column::new("Implementation", 2.6),
    ]);
    for r in f
        .requirements
        .iter()
        .filter(|r| r.reference.starts_with("A.") && r.assessable)
    {
        let x = applicability.get(r.reference.as_str());
        let applicable = x.is_none_or(|x| x.applicable);
        let justification = match x {
            Some(x) if !x.justification.is_empty() => x.justification.clone(),
            _ if r.controls.is_empty() => {
                "Included by default; no implementing control recorded yet (gap).".into()
            }
            _ => "Included: the risk it treats applies to the organisation.".into(),
        };
        let implementation = match x {
            Some(x) if !x.implementation.is_empty() => x.implementation.clone(),
            _ if !applicable => "—".into(),
            _ => {
                let parts: Vec<String> = r
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
                if parts.is_empty() {
                    "Not implemented".into()
                } else {
                    parts.join("; ")
                }
            }
        };
        t.row(vec![
            Cell::new(r.reference.clone()).mono(),
            Cell::new(r.title.clone()),
            if applicable {
                Cell::badge("Yes", Tone::Green)
            } else {
                Cell::badge("No", Tone::Grey)
            },
            Cell::new(justification),
            Cell::new(format!(
                "{} — {}",
                implementation,
                r.status.map(Status::label).unwrap_or("")
            )),
        ]);
    }
    doc.push(Block::Table(t));
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
        for r in f.requirements.iter().filter(|r| {
            matches!(
                r.status,
                Some(Status::Gap | Status::Stale | Status::Partial | Status::CoveredViaCrosswalk)
            )
        }) {
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
}

fn evidence_index(doc: &mut Document, d: &ReportData) {
    doc.push(Block::PageBreak);
    doc.push(Block::heading(1, "Evidence index"));
    doc.push(Block::Paragraph(Paragraph::new(format!(
        "{} item(s) of evidence support the requirements above. Files are stored by content: the SHA-256 below is the hash of the file as collected, re-checked when this report was generated. Evidence dates are when the evidence was gathered, not when it was uploaded.",
        d.evidence.len()
    ))));
    let today = d.generated_at.date_naive();
    let reference_day = d.period.map(|(_, end)| end.min(today)).unwrap_or(today);
    let mut t = Table::new(vec![
        Column::new("ID", 0.55),
        Column::new("Evidence", 2.2),
        Column::new("Controls", 1.3),
        Column::new("Evidence date", 1.05),
        Column::new("Valid until", 1.05),
        Column::new("Size", 0.8).align(Align::Right),
        Column::new("SHA-256 / source", 3.1),
    ]);
    for e in &d.evidence {
        let (size, source) = match (e.kind, e.current_revision()) {
            (EvidenceKind::File, Some(r)) => {
                (human_size(r.size), Cell::new(r.sha256.clone()).mono())
            }
            (EvidenceKind::Link, _) => ("—".into(), Cell::new(e.url.clone().unwrap_or_default())),
            _ => (
                "—".into(),
                Cell::new(format!("Note: {}", e.note.clone().unwrap_or_default())),
            ),
        };
        let valid = match e.valid_until {
            Some(u) if u < reference_day => Cell::badge(format!("{u} expired"), Tone::Red),
            Some(u) => Cell::new(u.to_string()),
            None => Cell::new("no expiry"),
        };
        let title = match e.current_revision() {
            Some(r) if e.revisions.len() > 1 => {
                format!("{} ({}, revision {})", e.title, r.file_name, r.number)
            }
            Some(r) => format!("{} ({})", e.title, r.file_name),
            None => e.title.clone(),
        };
        t.row(vec![
            Cell::new(format!("E{}", e.id)).bold(),
            Cell::new(title),
            Cell::new(e.controls.join(", ")),
            Cell::new(e.collected_on.to_string()),
            valid,
            Cell::new(size),
            source,
        ]);
    }
    doc.push(Block::Table(t));
}

fn audit_trail(doc: &mut Document, d: &ReportData) {
    doc.push(Block::PageBreak);
    doc.push(Block::heading(1, "Audit trail"));
    let v = &d.verify;
    doc.push(Block::KeyValue(vec![
        (
            "Chain verified".into(),
            if v.ok {
                format!("Yes — {} events, every hash recomputed", v.events_checked)
            } else {
                format!("NO — {} fault(s) found", v.faults.len())
            },
        ),
        ("Last event hash".into(), v.last_event_hash.clone()),
        (
            "Evidence files re-hashed".into(),
            format!(
                "{} file(s), {}",
                v.files_checked,
                human_size(v.bytes_hashed)
            ),
        ),
        (
            "Records checked".into(),
            format!(
                "{} controls and {} evidence items against the states the trail recorded",
                v.controls_checked, v.evidence_checked
            ),
        ),
    ]));
    doc.push(Block::Paragraph(Paragraph::new(
        "Each event's SHA-256 covers its content and the previous event's hash, so changing, removing or reordering any event breaks the chain from that point. Keep the last event hash: a later verification that reproduces it proves nothing before it changed.",
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
