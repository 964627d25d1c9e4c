//! The evidence register as the app and `crosswalk evidence list` show it:
//! current evidence with where each item stands against its valid-until
//! date, filtered and sorted.
//!
//! The rule of the status is [`crate::model::Evidence::validity_on`] under the
//! expiry window (Settings → expiry window unless the query names one):
//! - `expired`: valid until a day before today;
//! - `expiring`: valid until today or a day within the window;
//! - `valid`: valid until a day after the window;
//! - `no_expiry`: no valid-until date at all.
//!
//! Filters combine with "and"; a list of statuses is "any of". Sorting by
//! expiry puts the soonest first and items without an expiry last ("never"
//! is the latest date, so descending puts them first); every
//! sort breaks ties by title, then by id, so the order never depends on the
//! database.
use crate::error::Result;
use crate::model::{Evidence, EvidenceKind, Validity};
use crate::workspace::Workspace;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Where a piece of evidence stands against its valid-until date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryStatus {
    /// Its valid-until date is before today.
    Expired,
    /// Valid until today or a day within the expiry window.
    Expiring,
    /// Valid until a day after the window.
    Valid,
    /// It has no valid-until date.
    NoExpiry,
}

impl ExpiryStatus {
    /// The written form of each status, as `--status` and `--json` use them.
    pub const NAMES: [&'static str; 4] = ["expired", "expiring", "valid", "no_expiry"];

    /// The status written `text` (`none` is taken for `no_expiry`); None for
    /// any other text.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "expired" => Some(Self::Expired),
            "expiring" => Some(Self::Expiring),
            "valid" => Some(Self::Valid),
            "no_expiry" | "none" => Some(Self::NoExpiry),
            _ => None,
        }
    }

    /// The written form (`expired`, `expiring`, `valid`, `no_expiry`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::Expiring => "expiring",
            Self::Valid => "valid",
            Self::NoExpiry => "no_expiry",
        }
    }

    /// The status of `e` on `day` under a window of `within_days`.
    pub fn of(e: &Evidence, day: NaiveDate, within_days: u32) -> Self {
        match (e.valid_until, e.validity_on(day, within_days)) {
            (None, _) => Self::NoExpiry,
            (Some(_), Validity::Expired) => Self::Expired,
            (Some(_), Validity::Expiring) => Self::Expiring,
            (Some(_), Validity::Current) => Self::Valid,
        }
    }
}

/// The column the register is sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSort {
    /// Valid-until date, soonest first; no expiry last.
    #[default]
    Expiry,
    /// Evidence date (collected on), oldest first.
    Collected,
    /// Title, in code-point order (capitals before small letters).
    Title,
    /// The first control it supports.
    Control,
    /// Kind: file, link, note.
    Kind,
    /// Who collected it, as recorded.
    Collector,
    /// The order items were added in (their ids).
    Id,
}

impl EvidenceSort {
    /// The written form of each sort, as `--sort` takes them.
    pub const NAMES: [&'static str; 7] = [
        "expiry",
        "collected",
        "title",
        "control",
        "kind",
        "collector",
        "id",
    ];

    /// The sort written `text` (one of [`Self::NAMES`]); None for any other.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "expiry" => Self::Expiry,
            "collected" => Self::Collected,
            "title" => Self::Title,
            "control" => Self::Control,
            "kind" => Self::Kind,
            "collector" => Self::Collector,
            "id" => Self::Id,
            _ => return None,
        })
    }
}

/// Which evidence to list and in which order. Empty fields select everything.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct EvidenceQuery {
    /// Any of these statuses (all when empty).
    #[serde(default)]
    #[ts(as = "Option<Vec<ExpiryStatus>>", optional)]
    pub status: Vec<ExpiryStatus>,
    /// Only evidence supporting this control (an unknown id is an error
    /// naming the closest one).
    #[serde(default)]
    pub control: Option<String>,
    /// Only evidence of this kind.
    #[serde(default)]
    pub kind: Option<EvidenceKind>,
    /// Only evidence collected by this person (exactly as recorded).
    #[serde(default)]
    pub collector: Option<String>,
    /// The column to sort by; default: expiry.
    #[serde(default)]
    #[ts(as = "Option<EvidenceSort>", optional)]
    pub sort: EvidenceSort,
    /// Reverse the sort column's order (ties still go by title, then id,
    /// ascending).
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub descending: bool,
    /// The expiry window in days; the workspace's setting when None.
    #[serde(default)]
    pub within_days: Option<u32>,
}

/// How many items of each status match the query's other filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StatusCounts {
    /// Items past their valid-until date.
    pub expired: usize,
    /// Items expiring within the window.
    pub expiring: usize,
    /// Items valid beyond the window.
    pub valid: usize,
    /// Items without a valid-until date.
    pub no_expiry: usize,
}

/// One line of the register.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RegisterRow {
    /// The item; in JSON its fields sit beside `status`, not under a key.
    #[serde(flatten)]
    pub evidence: Evidence,
    /// Where it stands on [`EvidenceRegister::as_of`].
    pub status: ExpiryStatus,
}

/// The evidence register: the rows the query selects, with the counts and
/// choices the filters show (`crosswalk evidence list --json` prints it).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct EvidenceRegister {
    /// The day the statuses are judged on: today.
    pub as_of: NaiveDate,
    /// The expiry window used, in days (the query's, else the setting).
    pub within_days: u32,
    /// Current evidence in the workspace, before any filter.
    pub total: usize,
    /// By status, under the control, kind and collector filters.
    pub counts: StatusCounts,
    /// Everyone who collected current evidence, sorted: the choices of the
    /// collector filter.
    pub collectors: Vec<String>,
    /// The matching items, sorted as the query asks.
    pub rows: Vec<RegisterRow>,
}

impl Workspace {
    /// The evidence register under `query` (see the module's rule).
    pub fn evidence_register(&self, query: &EvidenceQuery) -> Result<EvidenceRegister> {
        let within_days = match query.within_days {
            Some(d) => d,
            None => self.expiry_window()?,
        };
        let as_of = self.today();
        let all = self.evidence_list(None)?;
        let total = all.len();
        let mut collectors: Vec<String> = all.iter().map(|e| e.collected_by.clone()).collect();
        collectors.sort();
        collectors.dedup();
        if let Some(c) = &query.control {
            self.control(c)?; // an unknown id names the closest one
        }
        let mut counts = StatusCounts::default();
        let mut rows = Vec::new();
        for e in all {
            if query
                .control
                .as_ref()
                .is_some_and(|c| !e.controls.contains(c))
                || query.kind.is_some_and(|k| e.kind != k)
                || query
                    .collector
                    .as_ref()
                    .is_some_and(|c| &e.collected_by != c)
            {
                continue;
            }
            let status = ExpiryStatus::of(&e, as_of, within_days);
            match status {
                ExpiryStatus::Expired => counts.expired += 1,
                ExpiryStatus::Expiring => counts.expiring += 1,
                ExpiryStatus::Valid => counts.valid += 1,
                ExpiryStatus::NoExpiry => counts.no_expiry += 1,
            }
            if query.status.is_empty() || query.status.contains(&status) {
                rows.push(RegisterRow {
                    evidence: e,
                    status,
                });
            }
        }
        rows.sort_by(|a, b| {
            let primary = compare(query.sort, &a.evidence, &b.evidence);
            let primary = if query.descending {
                primary.reverse()
            } else {
                primary
            };
            primary
                .then_with(|| a.evidence.title.cmp(&b.evidence.title))
                .then_with(|| a.evidence.id.cmp(&b.evidence.id))
        });
        Ok(EvidenceRegister {
            as_of,
            within_days,
            total,
            counts,
            collectors,
            rows,
        })
    }
}

fn compare(sort: EvidenceSort, a: &Evidence, b: &Evidence) -> Ordering {
    match sort {
        // None is "never expires": after every date.
        EvidenceSort::Expiry => match (a.valid_until, b.valid_until) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
        EvidenceSort::Collected => a.collected_on.cmp(&b.collected_on),
        EvidenceSort::Title => a.title.cmp(&b.title),
        EvidenceSort::Control => a.controls.first().cmp(&b.controls.first()),
        EvidenceSort::Kind => a.kind.as_str().cmp(b.kind.as_str()),
        EvidenceSort::Collector => a.collected_by.cmp(&b.collected_by),
        EvidenceSort::Id => a.id.cmp(&b.id),
    }
}
