//! The organisation's controls that the report relies on, as recorded.
use super::layout::{Block, Cell, Column, Document, Paragraph, Table, Tone};
use super::words::plural;
use super::ReportData;
use crate::model::*;
use std::collections::BTreeSet;

/// The organisation's controls the report relies on.
pub(super) fn controls_section(doc: &mut Document, d: &ReportData) {
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
