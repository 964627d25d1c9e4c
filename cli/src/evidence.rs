//! `crosswalk evidence …`: add, edit, list (the register), show, replace,
//! remove and purge evidence. Each handler parses, asks one `Workspace`
//! method and prints; the rules are core's.
use crate::{date, days, out, print, vault, with_byte_bar, Json};
use chrono::NaiveDate;
use clap::Subcommand;
use crosswalk_core::evidence::{NewEvidence, Source};
use crosswalk_core::evidence_register::{EvidenceQuery, EvidenceSort, ExpiryStatus};
use crosswalk_core::model::EvidenceKind;
use crosswalk_core::{Error, Workspace};
use std::path::PathBuf;
use std::process::ExitCode;

fn expiry_status(s: &str) -> Result<ExpiryStatus, String> {
    ExpiryStatus::parse(s.trim()).ok_or_else(|| {
        format!(
            "`{s}` is not a status; use one of {}",
            ExpiryStatus::NAMES.join(", ")
        )
    })
}

fn evidence_kind(s: &str) -> Result<EvidenceKind, String> {
    EvidenceKind::parse(s.trim()).ok_or_else(|| {
        format!(
            "`{s}` is not a kind; use one of {}",
            EvidenceKind::NAMES.join(", ")
        )
    })
}

fn evidence_sort(s: &str) -> Result<EvidenceSort, String> {
    EvidenceSort::parse(s.trim()).ok_or_else(|| {
        format!(
            "`{s}` is not a sort column; use one of {}",
            EvidenceSort::NAMES.join(", ")
        )
    })
}

#[derive(Subcommand)]
pub(crate) enum EvidenceCommand {
    /// Add a file, link or note as evidence for one or more controls.
    Add(AddArgs),
    /// Change an item's title, controls, evidence date, valid-until date or collector.
    Edit {
        id: i64,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// The full list of controls it supports, comma-separated.
        #[arg(long)]
        controls: Option<String>,
        /// The evidence date (YYYY-MM-DD).
        #[arg(long, value_parser = date)]
        collected: Option<NaiveDate>,
        #[arg(long, value_parser = date, conflicts_with = "no_expiry")]
        valid_until: Option<NaiveDate>,
        /// It no longer expires.
        #[arg(long)]
        no_expiry: bool,
        #[arg(long)]
        collected_by: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Every occurrence of an item's series (e.g. each quarter's access review).
    Occurrences {
        id: i64,
        #[command(flatten)]
        json: Json,
    },
    /// The evidence register: current evidence with where each item stands
    /// against its valid-until date, filtered and sorted.
    List(ListArgs),
    /// Show one piece of evidence with its revisions.
    Show {
        id: i64,
        #[command(flatten)]
        json: Json,
    },
    /// Correct an item's file with a new revision (it keeps its evidence
    /// date unless --collected is given), or with --new-occurrence record the
    /// evidence collected again as a new dated item; older files stay.
    Replace {
        id: i64,
        file: PathBuf,
        /// A new collection (next quarter's review), not a correction: needs --collected.
        #[arg(long)]
        new_occurrence: bool,
        /// The evidence date (YYYY-MM-DD). A revision keeps the item's date without it.
        #[arg(long, value_parser = date)]
        collected: Option<NaiveDate>,
        #[arg(long, value_parser = date)]
        valid_until: Option<NaiveDate>,
        #[command(flatten)]
        json: Json,
    },
    /// Withdraw evidence (logged; stored files stay).
    Remove { id: i64 },
    /// Destroy the stored files of evidence for good (cryptographic erasure in
    /// an encrypted workspace); the audit trail records the reason.
    Purge {
        id: i64,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        json: Json,
    },
}

pub(crate) fn run(ws: &mut Workspace, cmd: EvidenceCommand) -> Result<ExitCode, Error> {
    match cmd {
        EvidenceCommand::Add(args) => add(ws, args)?,
        EvidenceCommand::List(args) => list(ws, args)?,
        EvidenceCommand::Show { id, json } => {
            let e = ws.evidence(id)?;
            out(json, &e, print::evidence_detail);
        }
        EvidenceCommand::Replace {
            id,
            file,
            new_occurrence,
            collected,
            valid_until,
            json,
        } => {
            let mode = if new_occurrence {
                crosswalk_core::evidence::ReplaceMode::NewOccurrence
            } else {
                crosswalk_core::evidence::ReplaceMode::Revision
            };
            let e = with_byte_bar("storing", |progress| {
                ws.replace_evidence(id, &file, mode, collected, valid_until, progress)
            })?;
            if !new_occurrence && collected.is_none() {
                eprintln!(
                    "note: evidence #{id} keeps its evidence date {}; give --collected DATE to change it, or --new-occurrence if this is a new collection",
                    e.collected_on
                );
            }
            out(json, &e, print::evidence_detail);
        }
        EvidenceCommand::Edit {
            id,
            title,
            description,
            controls,
            collected,
            valid_until,
            no_expiry,
            collected_by,
            json,
        } => {
            let edit = crosswalk_core::evidence::EvidenceEdit {
                title,
                description,
                controls: controls.map(|c| c.split(',').map(|x| x.trim().to_string()).collect()),
                collected_on: collected,
                valid_until,
                no_expiry,
                collected_by,
            };
            let e = ws.edit_evidence(id, &edit)?;
            out(json, &e, print::evidence_detail);
        }
        EvidenceCommand::Occurrences { id, json } => {
            let list = ws.evidence_series(id)?;
            let window = ws.expiry_window()?;
            out(json, &list, |l| print::evidence_list(l, ws.today(), window));
        }
        EvidenceCommand::Purge { id, reason, json } => vault::purge(ws, id, &reason, json.json)?,
        EvidenceCommand::Remove { id } => {
            let e = ws.remove_evidence(id)?;
            eprintln!(
                "removed evidence #{} \"{}\"; its files stay in the vault",
                e.id,
                crosswalk_core::text::printable(&e.title)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub(crate) struct AddArgs {
    /// Control id(s), comma-separated.
    controls: String,
    /// The file to store.
    file: Option<PathBuf>,
    #[arg(long, conflicts_with_all = ["file", "note"])]
    url: Option<String>,
    #[arg(long, conflicts_with_all = ["file", "url"])]
    note: Option<String>,
    #[arg(long)]
    title: Option<String>,
    #[arg(long, default_value = "")]
    description: String,
    #[arg(long)]
    collected_by: Option<String>,
    /// The evidence date (YYYY-MM-DD); default today.
    #[arg(long, value_parser = date)]
    collected: Option<NaiveDate>,
    #[arg(long, value_parser = date, conflicts_with = "valid_for")]
    valid_until: Option<NaiveDate>,
    /// Validity from the collected date, e.g. 90d, 1y.
    #[arg(long, value_parser = days)]
    valid_for: Option<u32>,
    /// The same file is already evidence for this control, and this is a
    /// new collection of it (a new dated occurrence), not a mistake.
    #[arg(long)]
    new_occurrence: bool,
    #[command(flatten)]
    json: Json,
}

fn add(ws: &mut Workspace, args: AddArgs) -> Result<(), Error> {
    let AddArgs {
        controls,
        file,
        url,
        note,
        title,
        description,
        collected_by,
        collected,
        valid_until,
        valid_for,
        new_occurrence,
        json,
    } = args;
    let source = match (file, url, note) {
        (Some(f), None, None) => Source::File(f),
        (None, Some(u), None) => Source::Link(u),
        (None, None, Some(n)) => Source::Note(n),
        _ => return Err(Error::Usage("give a FILE, --url URL or --note TEXT".into())),
    };
    let new = NewEvidence {
        controls: controls
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect(),
        source,
        title,
        description,
        collected_by,
        collected_on: collected,
        valid_until,
        valid_for_days: valid_for,
        new_occurrence,
    };
    let e = with_byte_bar("storing", |progress| ws.add_evidence(&new, progress))?;
    out(json, &e, print::evidence_detail);
    Ok(())
}

#[derive(clap::Args)]
pub(crate) struct ListArgs {
    /// Only evidence supporting this control.
    #[arg(long)]
    control: Option<String>,
    /// Only these statuses, comma-separated: expired, expiring, valid, no_expiry.
    #[arg(long, value_delimiter = ',', value_parser = expiry_status)]
    status: Vec<ExpiryStatus>,
    /// Only this kind: file, link or note.
    #[arg(long, value_parser = evidence_kind)]
    kind: Option<EvidenceKind>,
    /// Only evidence collected by this person (as recorded).
    #[arg(long)]
    collector: Option<String>,
    /// Sort by id (the order added; default), expiry (soonest first),
    /// collected, title, control, kind or collector.
    #[arg(long, value_parser = evidence_sort, default_value = "id")]
    sort: EvidenceSort,
    /// Reverse the order.
    #[arg(long)]
    desc: bool,
    /// The "expiring" window in days; the workspace's setting without it.
    #[arg(long)]
    within: Option<u32>,
    /// The older listing: what expired or expires within this many days,
    /// in two groups.
    #[arg(long, conflicts_with_all = ["status", "kind", "collector", "within", "desc"])]
    expiring: Option<u32>,
    #[command(flatten)]
    json: Json,
}

fn list(ws: &Workspace, args: ListArgs) -> Result<(), Error> {
    let ListArgs {
        control,
        status,
        kind,
        collector,
        sort,
        desc,
        within,
        expiring,
        json,
    } = args;
    match expiring {
        Some(days) => {
            let x = ws.expiry(days)?;
            out(json, &x, print::expiry);
        }
        None => {
            let query = EvidenceQuery {
                status,
                control,
                kind,
                collector,
                sort,
                descending: desc,
                within_days: within,
            };
            let register = ws.evidence_register(&query)?;
            // JSON stays a list of items (each with its status), as scripts expect.
            out(json, &register.rows, |_| {
                print::evidence_register(&register)
            });
        }
    }
    Ok(())
}
