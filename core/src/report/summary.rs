//! The executive summary: totals, a chart and a table of every framework's
//! counts, and the scope and evidence rule the statuses were decided by.
use super::layout::{
    Align, Bar, BarChart, BarScale, Block, Cell, Column, Document, LegendEntry, Paragraph, Run,
    Table,
};
use super::words::{end_sentence, kind_text, period_text, plural, status_color};
use super::ReportData;
use crate::model::*;

/// The summary: one sentence of totals, a chart and a table per framework,
/// then the scope and the rule that decided every status.
pub(super) fn executive_summary(doc: &mut Document, d: &ReportData) {
    doc.push(Block::heading(1, "Executive summary"));
    totals(doc, d);
    doc.push(Block::BarChart(coverage_chart(d)));
    doc.push(Block::Table(counts_table(d)));
    doc.push(Block::heading(2, "Scope and method"));
    doc.push(Block::KeyValue(scope_and_method(d)));
}

/// Covered and gaps over all frameworks, with what "related coverage" means.
fn totals(doc: &mut Document, d: &ReportData) {
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
}

/// One bar per framework, a segment per status.
fn coverage_chart(d: &ReportData) -> BarChart {
    let statuses = [
        Status::Covered,
        Status::Partial,
        Status::Stale,
        Status::Gap,
        Status::NotApplicable,
    ];
    BarChart {
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
    }
}

/// Counts of each status, per framework.
fn counts_table(d: &ReportData) -> Table {
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
    t
}

/// The period, scope and kind, and what each status means under that kind.
fn scope_and_method(d: &ReportData) -> Vec<(String, String)> {
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
    kv
}
