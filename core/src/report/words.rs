//! The report's small words: status badges and colours, plurals, periods,
//! sizes and the phrases several sections share. One home, so that every
//! section says a thing the same way.
use super::layout::{Cell, Color, Tone};
use crate::model::*;
use chrono::NaiveDate;

fn tone(status: Option<Status>) -> Tone {
    match status {
        Some(Status::Covered) => Tone::Green,
        Some(Status::Partial) => Tone::Amber,
        Some(Status::Stale) | Some(Status::Gap) => Tone::Red,
        _ => Tone::Grey,
    }
}

pub(super) fn status_color(status: Status) -> Color {
    match status {
        Status::Covered => Color::GREEN,
        Status::Partial => Color::AMBER,
        Status::Stale => Color::hex(0xC8553D),
        Status::Gap => Color::RED,
        Status::NotApplicable => Color::GREY,
    }
}

pub(super) fn badge(status: Option<Status>) -> Cell {
    Cell::badge(status.map(Status::label).unwrap_or(""), tone(status))
}

pub(super) fn period_text(p: Option<(NaiveDate, NaiveDate)>) -> String {
    match p {
        Some((a, b)) => format!("{a} to {b}"),
        None => "No period set: all evidence valid on the report date counts".into(),
    }
}

/// "1 framework", "3 frameworks" (the one rule in `text`).
pub(super) use crate::text::count as plural;

/// Text that ends a sentence: no second full stop after "Inc.".
pub(super) fn end_sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// A framework's name with its version, unless the name already carries it
/// ("ISO 27001:2022", never "ISO 27001:2022 2022").
pub(super) fn with_version(name: &str, version: &str) -> String {
    if version.is_empty() || name.contains(version) {
        name.to_string()
    } else {
        format!("{name} {version}")
    }
}

pub(super) fn kind_text(kind: Option<AssessmentType>, has_period: bool) -> &'static str {
    match (kind, has_period) {
        (Some(AssessmentType::Type2), _) => {
            "Type II: operating effectiveness throughout the period"
        }
        (Some(AssessmentType::Type1), _) => "Type I: design of the controls at a point in time",
        (None, true) => "Not stated (point-in-time rule applied)",
        (None, false) => "No period: evidence valid on the report date",
    }
}

pub(super) fn human_size(bytes: u64) -> String {
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
