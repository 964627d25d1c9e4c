//! The evidence index: every item the report relies on, one row per
//! occurrence, and the SHA-256 of each file as collected.
use super::layout::{Align, Block, Cell, Color, Column, Document, Paragraph, Table};
use super::words::{human_size, plural};
use super::ReportData;
use crate::model::*;

/// The evidence index: one row per occurrence, then the file fingerprints.
pub(super) fn evidence_index(doc: &mut Document, d: &ReportData) {
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
        t.row(vec![
            Cell::new(format!("E{}", e.id)).bold(),
            Cell::new(evidence_title(e)),
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
    fingerprints(doc, &evidence);
}

/// The evidence's title with its file (and revision), the series it repeats,
/// and the link or note it holds.
fn evidence_title(e: &Evidence) -> String {
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
        EvidenceKind::Link => title.push_str(&format!("\n{}", e.url.clone().unwrap_or_default())),
        EvidenceKind::Note => {
            title.push_str(&format!("\nNote: {}", e.note.clone().unwrap_or_default()))
        }
        EvidenceKind::File => {}
    }
    title
}

/// Each file's size and SHA-256, for an auditor to check a copy against.
fn fingerprints(doc: &mut Document, evidence: &[&Evidence]) {
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
