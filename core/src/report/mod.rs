//! Audit reports: what goes in them. The drawing is `layout`'s job; this
//! module only decides content and order, from data computed by core. One
//! file per section of the report, in the order they appear; `data` gathers
//! everything first, so every section is a pure function of `ReportData`.
pub use crosswalk_layout as layout;

mod controls;
mod data;
mod evidence;
mod findings;
mod framework;
mod soa;
mod summary;
mod trail;
mod windows;
mod words;

use crate::assessment::Assessment;
use crate::audit::{Note, Subject};
use crate::coverage::FrameworkCoverage;
use crate::error::{Error, Result};
use crate::model::*;
use crate::verify::VerifyReport;
use crate::workspace::{timestamp, Workspace};
use chrono::NaiveDate;
use controls::controls_section;
use evidence::evidence_index;
use findings::findings;
use framework::framework_section;
use layout::{Block, Cover, Document, PageSetup};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use summary::executive_summary;
use trail::audit_trail;
use windows::review_windows;
use words::{kind_text, period_text, with_version};

/// What to report on: an assessment, or frameworks and an optional period.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct ReportRequest {
    /// Report on this assessment (its frameworks, period and applicability); None: the current state.
    pub assessment_id: Option<i64>,
    /// Framework ids to include; empty: the assessment's, else the tracked ones.
    #[serde(default)]
    pub frameworks: Vec<String>,
    /// First and last day (inclusive) of the period; overrides the assessment's.
    pub period: Option<(NaiveDate, NaiveDate)>,
}

/// What `generate_report` wrote.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ReportSummary {
    /// Where the PDF was written.
    pub path: PathBuf,
    /// Its number of pages.
    pub pages: usize,
    /// Its size in bytes.
    pub bytes: usize,
    /// SHA-256 of the PDF, lower-case hex (recorded in the audit trail).
    pub sha256: String,
    /// Ids of the frameworks it covers, in report order.
    pub frameworks: Vec<String>,
}

/// Progress of report generation: a phase name and a share done (0–100).
#[derive(Debug, Clone, Serialize)]
pub struct ReportProgress {
    /// `coverage`, `layout`, `writing` or `done`.
    pub phase: &'static str,
    /// How much of the whole report is done, 0–100.
    pub percent: u8,
}

/// Everything a report shows, gathered before anything is drawn.
pub struct ReportData {
    /// The organisation named on the cover.
    pub organisation: String,
    /// The assessment reported on; None for a current-state report.
    pub assessment: Option<Assessment>,
    /// The period covered (first and last day, inclusive); None: as of today.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// When it was generated (`SOURCE_DATE_EPOCH` when set, so builds repeat).
    pub generated_at: chrono::DateTime<chrono::Utc>,
    /// Who generated it (the workspace's actor).
    pub generated_by: String,
    /// Coverage of each framework reported on, in report order.
    pub coverage: Vec<FrameworkCoverage>,
    /// Every requirement in the workspace, by (framework id, ref).
    pub requirements: HashMap<(String, String), Requirement>,
    /// The controls, by id.
    pub controls: BTreeMap<String, Control>,
    /// The evidence the coverage cites (the evidence index lists it).
    pub evidence: Vec<Evidence>,
    /// The integrity check run just before (shown on the integrity page).
    pub verify: VerifyReport,
    /// The newest 25 audit events, newest first (the trail section).
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
            self.record_note(
                &tx,
                Note::ReportGenerated,
                &Subject::Report,
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
    doc.push(Block::Cover(cover(d, &names)));

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

/// The cover: title, organisation, frameworks and the facts an auditor checks
/// first (period, kind, when, by whom, and the state of the trail).
fn cover(d: &ReportData, names: &[String]) -> Cover {
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
    Cover {
        title: "Compliance Assessment Report".into(),
        subtitle_lines: vec![d.organisation.clone(), names.join(" · ")],
        details,
    }
}
