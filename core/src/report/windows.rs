//! Type II only: every control's review windows and the occurrences of
//! evidence in each.
use super::layout::{Block, Cell, Column, Document, Paragraph, Table, Tone};
use super::ReportData;
use crate::model::*;
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashMap};

/// Type II: each control's review windows with the occurrences in them.
pub(super) fn review_windows(doc: &mut Document, d: &ReportData) {
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
