//! `crosswalk applicability …` and `crosswalk soa …`: workspace-level scope
//! decisions and the Statement of Applicability's document fields. Parse,
//! call core, print.
use crate::{date, out, print, Json};
use chrono::NaiveDate;
use clap::Subcommand;
use crosswalk_core::applicability::{ApplicabilityRequest, SoaInput};
use crosswalk_core::{Error, Workspace};

#[derive(Subcommand)]
pub enum ApplicabilityCommand {
    /// Decide for one or many requirements at once: refs, groups (SOC 2 `P1`
    /// stands for everything under it) or prefixes (`P*`).
    Set {
        framework: String,
        #[arg(required = true)]
        refs: Vec<String>,
        /// Out of scope (needs --justification).
        #[arg(long, conflicts_with = "applicable")]
        not_applicable: bool,
        /// In scope (the default decision to record).
        #[arg(long)]
        applicable: bool,
        /// Why: required when not applicable; the SoA shows it as written.
        #[arg(long, default_value = "")]
        justification: String,
        #[command(flatten)]
        json: Json,
    },
    /// The decisions that hold now.
    List {
        framework: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Every decision ever made (who, when, why), oldest first.
    History {
        framework: Option<String>,
        #[arg(long = "ref")]
        reference: Option<String>,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Subcommand)]
pub enum SoaCommand {
    /// Show the document-control fields.
    Show {
        #[arg(long, default_value = "iso27001-2022")]
        framework: String,
        #[command(flatten)]
        json: Json,
    },
    /// Set version, owner, approver and approval date.
    Set {
        #[arg(long, default_value = "iso27001-2022")]
        framework: String,
        #[arg(long = "doc-version")]
        version: Option<String>,
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        approved_by: Option<String>,
        #[arg(long, value_parser = date)]
        approved_on: Option<NaiveDate>,
        #[command(flatten)]
        json: Json,
    },
}

pub fn applicability(ws: &mut Workspace, cmd: ApplicabilityCommand) -> Result<(), Error> {
    match cmd {
        ApplicabilityCommand::Set {
            framework,
            refs,
            not_applicable,
            applicable: _,
            justification,
            json,
        } => {
            let decided = ws.decide_applicability(&ApplicabilityRequest {
                framework_id: framework,
                refs,
                applicable: !not_applicable,
                justification,
            })?;
            out(json, &decided, |d| print::decisions(d));
        }
        ApplicabilityCommand::List { framework, json } => {
            let list = ws.applicability(framework.as_deref())?;
            out(json, &list, |d| print::decisions(d));
        }
        ApplicabilityCommand::History {
            framework,
            reference,
            json,
        } => {
            if reference.is_some() && framework.is_none() {
                return Err(Error::Usage("--ref needs the framework too".into()));
            }
            let list = ws.applicability_history(framework.as_deref(), reference.as_deref())?;
            out(json, &list, |d| print::decisions(d));
        }
    }
    Ok(())
}

pub fn soa(ws: &mut Workspace, cmd: SoaCommand) -> Result<(), Error> {
    match cmd {
        SoaCommand::Show { framework, json } => {
            let d = ws.soa_document(&framework)?;
            out(json, &d, print::soa);
        }
        SoaCommand::Set {
            framework,
            version,
            owner,
            approved_by,
            approved_on,
            json,
        } => {
            let d = ws.set_soa_document(
                &framework,
                &SoaInput {
                    version,
                    owner,
                    approved_by,
                    approved_on,
                },
            )?;
            out(json, &d, print::soa);
        }
    }
    Ok(())
}
