//! One framework's section: its counts, every requirement with its status
//! and the controls and evidence behind it, and the applicability decisions
//! that apply to it.
use super::layout::{Block, Cell, Color, Column, Document, Paragraph, Table, Tone};
use super::soa::statement_of_applicability;
use super::words::{badge, end_sentence, plural, with_version};
use super::ReportData;
use crate::coverage::{FrameworkCoverage, RequirementCoverage};
use crate::model::*;
use std::collections::BTreeSet;

/// A framework's section: counts, requirements table, decisions, SoA.
pub(super) fn framework_section(doc: &mut Document, d: &ReportData, f: &FrameworkCoverage) {
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
        t.row(vec![
            Cell::new(r.reference.clone()).mono(),
            Cell::new(r.title.clone()),
            badge(r.status),
            Cell::new(controls_text(r)),
        ]);
    }
    doc.push(Block::Table(t));
    decisions_table(doc, f);
    if f.framework.id == "iso27001-2022" {
        statement_of_applicability(doc, d, f);
    }
}

/// What stands in a requirement's last column: why it is not applicable,
/// or each control with the evidence behind it, and any related coverage.
fn controls_text(r: &RequirementCoverage) -> String {
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
    controls
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
