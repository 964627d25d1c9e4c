//! `crosswalk outputs`: the reports and auditor packages this workspace has
//! written, per assessment, newest first, read from the audit trail (core's
//! `outputs` module); `outputs check SEQ` re-hashes one before it is handed on.
use crate::{out, Json};
use clap::{Args, Subcommand};
use crosswalk_core::outputs::{OutputGroup, OutputKind, PastOutput};
use crosswalk_core::{Error, Workspace};

#[derive(Args)]
pub(crate) struct OutputsArgs {
    #[command(subcommand)]
    action: Option<OutputsCommand>,
    /// Only the outputs of this assessment.
    #[arg(long)]
    assessment: Option<i64>,
    /// Only reports, or only packages.
    #[arg(long, value_parser = ["report", "package"])]
    kind: Option<String>,
    #[command(flatten)]
    json: Json,
}

#[derive(Subcommand)]
enum OutputsCommand {
    /// Check that the file an audit event recorded is still there, unchanged
    /// (same SHA-256), and print its path.
    Check {
        /// The audit event number shown in the listing (SEQ).
        seq: i64,
        #[command(flatten)]
        json: Json,
    },
}

pub(crate) fn run(ws: &Workspace, args: OutputsArgs) -> Result<(), Error> {
    if let Some(OutputsCommand::Check { seq, json }) = args.action {
        let found = ws.past_output(seq)?;
        out(json, &found, |o| {
            println!(
                "{} is the {} written on {} (sha256 {})",
                o.path.display(),
                o.kind.subject(),
                day(&o.at),
                o.sha256
            )
        });
        return Ok(());
    }
    if let Some(id) = args.assessment {
        ws.assessment(id)?; // an unknown id is an error, not an empty list
    }
    let kind = args.kind.as_deref().map(|k| match k {
        "package" => OutputKind::Package,
        _ => OutputKind::Report,
    });
    let groups: Vec<OutputGroup> = ws
        .past_outputs()?
        .into_iter()
        .filter(|g| args.assessment.is_none() || g.assessment_id == args.assessment)
        .map(|mut g| {
            g.outputs.retain(|o| kind.is_none_or(|k| o.kind == k));
            g
        })
        .filter(|g| !g.outputs.is_empty())
        .collect();
    out(args.json, &groups, |gs| print_groups(gs));
    Ok(())
}

fn print_groups(groups: &[OutputGroup]) {
    if groups.is_empty() {
        println!("no reports or packages written yet");
        return;
    }
    for g in groups {
        match g.assessment_id {
            Some(id) => println!(
                "{} (assessment #{id})",
                crosswalk_core::text::printable(&g.name)
            ),
            None => println!("{}", g.name),
        }
        println!(
            "  {:<6} {:<8} {:<11} {:<8} {:<14} FILE",
            "SEQ", "KIND", "WRITTEN", "STATE", "SHA-256"
        );
        for o in &g.outputs {
            print_output(o);
        }
    }
}

fn print_output(o: &PastOutput) {
    println!(
        "  {:<6} {:<8} {:<11} {:<8} {:<14} {}",
        o.seq,
        o.kind.subject(),
        day(&o.at),
        o.state.as_str(),
        &o.sha256[..o.sha256.len().min(12)],
        o.path.display()
    );
}

fn day(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}
