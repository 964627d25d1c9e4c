//! `crosswalk frameworks` and `crosswalk coverage`: the figures per framework
//! and the status of each requirement with its reason, as core computes them.
use crate::{links, out, print, Json};
use clap::Args;
use crosswalk_core::controls::CoverageRequest;
use crosswalk_core::{Error, Workspace};

#[derive(Args)]
pub(crate) struct FrameworksArgs {
    #[command(subcommand)]
    action: Option<links::FrameworksAction>,
    /// Also the installed frameworks the organisation does not track.
    #[arg(long)]
    all: bool,
    /// Only what this scope selects (an imported OSCAL profile or OpenControl certification).
    #[arg(long)]
    scope: Option<String>,
    #[command(flatten)]
    json: Json,
}

#[derive(Args)]
pub(crate) struct CoverageArgs {
    framework: Option<String>,
    /// Use an assessment's period and applicability.
    #[arg(long)]
    assessment: Option<i64>,
    /// Only the gaps: requirements in scope that are partial, stale or not addressed.
    #[arg(long)]
    gaps: bool,
    /// Only what this scope selects (an imported OSCAL profile or OpenControl certification).
    #[arg(long)]
    scope: Option<String>,
    #[command(flatten)]
    json: Json,
}

pub(crate) fn frameworks(ws: &mut Workspace, args: FrameworksArgs) -> Result<(), Error> {
    if let Some(action) = args.action {
        return links::frameworks_action(ws, action);
    }
    let request = CoverageRequest {
        frameworks: if args.all {
            ws.frameworks()?.into_iter().map(|f| f.id).collect()
        } else {
            Vec::new()
        },
        assessment_id: None,
    };
    let coverage = match args.scope {
        Some(s) => ws.coverage_in_scope(&request, &s)?,
        None => ws.coverage(&request)?,
    };
    let tracked = ws.tracked_framework_ids()?;
    let rows: Vec<_> = coverage
        .iter()
        .map(|f| print::FrameworkRow::from(f).tracked(tracked.contains(&f.framework.id)))
        .collect();
    out(args.json, &rows, |r| print::frameworks(r));
    Ok(())
}

pub(crate) fn coverage(ws: &Workspace, args: CoverageArgs) -> Result<(), Error> {
    let request = CoverageRequest {
        frameworks: args.framework.into_iter().collect(),
        assessment_id: args.assessment,
    };
    let mut coverage = match args.scope {
        Some(s) => ws.coverage_in_scope(&request, &s)?,
        None => ws.coverage(&request)?,
    };
    if args.gaps {
        for f in &mut coverage {
            f.requirements.retain(|r| r.gap);
        }
    }
    let expiry = ws.expiry(ws.expiry_window()?)?;
    out(args.json, &coverage, |c| print::coverage(c, &expiry));
    Ok(())
}
