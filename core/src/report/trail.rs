//! The audit trail: whether the chain verified, its anchor, faults and the
//! most recent events.
use super::layout::{Align, Block, Cell, Color, Column, Document, Paragraph, Table, Tone};
use super::words::{human_size, plural};
use super::ReportData;

/// The trail's verification, anchor, faults and recent events.
pub(super) fn audit_trail(doc: &mut Document, d: &ReportData) {
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
