//! `crosswalk controls bulk|remove-examples` and `crosswalk settings`: parse,
//! call one `Workspace` method, print.
use crate::{out, Json};
use clap::{Args, Subcommand};
use crosswalk_core::bulk::{BulkReport, Change, Selection};
use crosswalk_core::settings::{DateDisplay, Settings, SettingsChange};
use crosswalk_core::{ControlStatus, Error, Workspace};

fn status(s: &str) -> Result<ControlStatus, String> {
    crosswalk_core::validate::control_status(s)
}

fn date_display(s: &str) -> Result<DateDisplay, String> {
    DateDisplay::parse(s)
        .ok_or_else(|| format!("`{s}` is not a date display; use iso or day_month_year"))
}

#[derive(Subcommand)]
pub enum ControlsCommand {
    /// Change or delete many controls at once: one transaction, one audit event.
    Bulk(BulkArgs),
    /// Delete the AIOS/AMAS example controls and withdraw the evidence that served only them.
    RemoveExamples {
        /// Show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Args)]
pub struct BulkArgs {
    /// Control id(s); repeat for several.
    #[arg(long = "id")]
    ids: Vec<String>,
    /// Every control (narrowed by the filters below).
    #[arg(long)]
    all: bool,
    /// The example controls shipped with Crosswalk.
    #[arg(long)]
    examples: bool,
    /// Only controls with this status.
    #[arg(long, value_parser = status)]
    status: Option<ControlStatus>,
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    owner: Option<String>,
    /// Only controls mapped to this framework.
    #[arg(long)]
    framework: Option<String>,
    /// Only controls last imported from this YAML file (path or file name).
    #[arg(long)]
    source_file: Option<String>,
    /// Delete the selected controls.
    #[arg(long, conflicts_with_all = ["set_owner", "set_status", "set_category"])]
    delete: bool,
    /// With --delete: withdraw evidence that supported only these controls.
    #[arg(long, requires = "delete")]
    withdraw_orphaned_evidence: bool,
    #[arg(long)]
    set_owner: Option<String>,
    #[arg(long, value_parser = status)]
    set_status: Option<ControlStatus>,
    #[arg(long)]
    set_category: Option<String>,
    /// Show what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    json: Json,
}

pub fn controls(ws: &mut Workspace, cmd: ControlsCommand) -> Result<(), Error> {
    match cmd {
        ControlsCommand::Bulk(a) => {
            let selection = Selection {
                ids: a.ids,
                all: a.all,
                examples: a.examples,
                status: a.status,
                category: a.category,
                owner: a.owner,
                framework: a.framework,
                source_file: a.source_file,
            };
            let change = if a.delete {
                Change::Delete {
                    withdraw_orphaned_evidence: a.withdraw_orphaned_evidence,
                }
            } else {
                Change::Set {
                    owner: a.set_owner,
                    status: a.set_status,
                    category: a.set_category,
                }
            };
            let report = ws.bulk_controls(&selection, &change, a.dry_run)?;
            out(a.json, &report, print_bulk);
        }
        ControlsCommand::RemoveExamples { dry_run, json } => {
            let selection = Selection {
                examples: true,
                ..Default::default()
            };
            let change = Change::Delete {
                withdraw_orphaned_evidence: true,
            };
            let report = ws.bulk_controls(&selection, &change, dry_run)?;
            out(json, &report, print_bulk);
        }
    }
    Ok(())
}

fn print_bulk(r: &BulkReport) {
    let verb = match (&r.change, r.dry_run) {
        (Change::Delete { .. }, true) => "would delete",
        (Change::Delete { .. }, false) => "deleted",
        (Change::Set { .. }, true) => "would change",
        (Change::Set { .. }, false) => "changed",
    };
    for c in &r.controls {
        match &c.after {
            None => println!("{:<16} {}", c.id, c.title),
            Some(a) => {
                let mut diffs = Vec::new();
                if a.owner != c.before.owner {
                    diffs.push(format!("owner {:?} → {:?}", c.before.owner, a.owner));
                }
                if a.status != c.before.status {
                    diffs.push(format!("status {} → {}", c.before.status, a.status));
                }
                if a.category != c.before.category {
                    diffs.push(format!(
                        "category {:?} → {:?}",
                        c.before.category, a.category
                    ));
                }
                println!("{:<16} {}", c.id, diffs.join("; "));
            }
        }
    }
    eprintln!(
        "{verb} {} control(s){}{}{}",
        r.controls.len(),
        if r.unchanged.is_empty() {
            String::new()
        } else {
            format!("; {} already as asked", r.unchanged.len())
        },
        if r.evidence_withdrawn.is_empty() {
            String::new()
        } else {
            format!(
                "; {} {} evidence item(s) that supported only them (files stay in the vault)",
                if r.dry_run {
                    "would withdraw"
                } else {
                    "withdrew"
                },
                r.evidence_withdrawn.len()
            )
        },
        if r.dry_run {
            "; nothing was written"
        } else {
            ""
        }
    );
}

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Change settings; options left out stay as they are.
    Set {
        /// The organisation named on reports.
        #[arg(long)]
        organisation: Option<String>,
        /// Your name as collector and in the audit trail ("" to use your login again).
        #[arg(long)]
        name: Option<String>,
        /// How soon evidence counts as "expiring", e.g. 30d, 8w.
        #[arg(long)]
        expiry_window: Option<String>,
        /// iso (2026-10-01) or day_month_year (1 Oct 2026), for the desktop app.
        #[arg(long, value_parser = date_display)]
        date_display: Option<DateDisplay>,
        #[command(flatten)]
        json: Json,
    },
}

pub fn settings(ws: &mut Workspace, cmd: Option<SettingsCommand>, json: Json) -> Result<(), Error> {
    match cmd {
        None => {
            let s = ws.settings()?;
            out(json, &s, print_settings);
        }
        Some(SettingsCommand::Set {
            organisation,
            name,
            expiry_window,
            date_display,
            json,
        }) => {
            let s = ws.save_settings(&SettingsChange {
                organisation,
                user_name: name,
                expiry_window,
                date_display,
            })?;
            out(json, &s, print_settings);
        }
    }
    Ok(())
}

fn print_settings(s: &Settings) {
    println!(
        "organisation    {}{}",
        s.organisation,
        if s.organisation_set { "" } else { " (not set)" }
    );
    println!(
        "your name       {}",
        s.user_name
            .as_deref()
            .unwrap_or("(not set; your login is used)")
    );
    println!(
        "actor           {}{}",
        s.actor,
        if s.actor_from_env {
            " (from CROSSWALK_ACTOR)"
        } else {
            ""
        }
    );
    println!("login           {}", s.login);
    println!("expiry window   {} days", s.expiry_window_days);
    println!("date display    {}", s.date_display.as_str());
}
