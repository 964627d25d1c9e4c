//! Gaps, partial and stale items: every requirement in scope not covered
//! outright, the review windows missed, and the SoA's open items.
use super::layout::{Block, Cell, Column, Document, Paragraph, Table};
use super::soa::soa_missing;
use super::words::{badge, plural};
use super::ReportData;
use crate::model::*;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// The findings section: open requirements, missed windows, open SoA items.
pub(super) fn findings(doc: &mut Document, d: &ReportData) {
    doc.push(Block::PageBreak);
    doc.push(Block::heading(1, "Gaps, partial and stale items"));
    doc.push(Block::Paragraph(Paragraph::new(
        "Every requirement in scope that is not covered outright, with the controls involved and who owns them. Stale items rest on evidence that has expired.",
    )));
    match open_requirements(d) {
        Some(t) => {
            doc.push(Block::Table(t));
        }
        None => {
            doc.push(Block::paragraph(
                "None: every requirement in scope is covered or not applicable.",
            ));
        }
    }
    missed_windows(doc, d);
    soa_open_items(doc, d);
}

/// Every gap, partial and stale requirement with why and who owns it; None
/// when there is none.
fn open_requirements(d: &ReportData) -> Option<Table> {
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
            let owners = r.owners();
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
    any.then_some(t)
}

/// Type II: every window a control missed, with the requirements it leaves short.
fn missed_windows(doc: &mut Document, d: &ReportData) {
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
}

/// The SoA's open items: Annex A controls nobody justified.
fn soa_open_items(doc: &mut Document, d: &ReportData) {
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
