//! `crosswalk report`: the audit PDF, with a percentage bar on a terminal.
use crate::{out, period, progress_bar, Json};
use chrono::NaiveDate;
use clap::Args;
use crosswalk_core::outputs::OutputKind;
use crosswalk_core::report::ReportRequest;
use crosswalk_core::{Error, Workspace};
use std::path::PathBuf;

#[derive(Args)]
pub(crate) struct ReportArgs {
    /// Report on an assessment (its frameworks, period and applicability).
    #[arg(long)]
    assessment: Option<i64>,
    /// Framework id(s); repeat for several. Default: all, or the assessment's.
    #[arg(long = "framework")]
    frameworks: Vec<String>,
    /// FROM..TO: only evidence collected in this period counts.
    #[arg(long, value_parser = period)]
    period: Option<(NaiveDate, NaiveDate)>,
    /// The PDF to write; default: the workspace's reports/ folder, named
    /// after the assessment and the day.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    json: Json,
}

pub(crate) fn report(ws: &mut Workspace, args: ReportArgs) -> Result<(), Error> {
    let request = ReportRequest {
        assessment_id: args.assessment,
        frameworks: args.frameworks,
        period: args.period,
    };
    let output = match args.output {
        Some(p) => p,
        None => ws.output_path(OutputKind::Report, args.assessment)?,
    };
    let bar = progress_bar("report");
    if let Some(b) = &bar {
        b.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}%")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        b.set_length(100);
    }
    let summary = ws.generate_report(&request, &output, &mut |p| {
        if let Some(b) = &bar {
            b.set_message(p.phase);
            b.set_position(p.percent as u64);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    out(args.json, &summary, |s| {
        println!(
            "wrote {} ({} pages, {} bytes, sha256 {})",
            s.path.display(),
            s.pages,
            s.bytes,
            s.sha256
        )
    });
    Ok(())
}
