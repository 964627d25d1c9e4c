//! The ISO/IEC 27001 Statement of Applicability, and which of its Annex A
//! entries are still open.
use super::layout::{Block, Cell, Color, Column, Document, Paragraph, Table, Tone};
use super::words::{badge, plural};
use super::ReportData;
use crate::coverage::{FrameworkCoverage, RequirementCoverage};
use std::collections::HashMap;

/// The Annex A controls of ISO/IEC 27001, the rows of its SoA.
fn annex_a(f: &FrameworkCoverage) -> impl Iterator<Item = &RequirementCoverage> {
    f.requirements
        .iter()
        .filter(|r| r.reference.starts_with("A.") && r.assessable)
}

/// Annex A controls whose SoA entry lacks a justification (open items).
pub(super) fn soa_missing(f: &FrameworkCoverage) -> Vec<&RequirementCoverage> {
    annex_a(f)
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
pub(super) fn statement_of_applicability(
    doc: &mut Document,
    d: &ReportData,
    f: &FrameworkCoverage,
) {
    doc.push(Block::PageBreak);
    doc.push(Block::heading(
        2,
        "Statement of Applicability (ISO/IEC 27001:2022 Annex A)",
    ));
    doc.push(Block::KeyValue(document_control(d, f)));
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
    for r in annex_a(f) {
        let implemented = implementation.get(r.reference.as_str()).copied();
        t.row(soa_row(d, r, implemented));
    }
    doc.push(Block::Table(t));
}

/// The SoA's document-control fields; what nobody set says so.
fn document_control(d: &ReportData, f: &FrameworkCoverage) -> Vec<(String, String)> {
    let unset = |v: &str| {
        if v.is_empty() {
            "Not set".to_string()
        } else {
            v.to_string()
        }
    };
    let soa = d.soa.get(&f.framework.id).cloned().unwrap_or_default();
    vec![
        ("Document version".into(), unset(&soa.version)),
        ("Owner".into(), unset(&soa.owner)),
        ("Approved by".into(), unset(&soa.approved_by)),
        (
            "Approval date".into(),
            soa.approved_on
                .map(|x| x.to_string())
                .unwrap_or_else(|| "Not set".into()),
        ),
    ]
}

/// One Annex A control: the decision, its justification, the controls that
/// implement it (and the assessment's implementation note), its status.
fn soa_row(d: &ReportData, r: &RequirementCoverage, implemented: Option<&str>) -> Vec<Cell> {
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
    if let Some(text) = implemented {
        parts.push(text.to_string());
    }
    vec![
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
    ]
}
