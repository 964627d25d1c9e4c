//! `crosswalk package`, `package verify`, `key`, `checkpoint` and the
//! register exports: parse, call core, print.
use crate::{out, period, progress_bar, Json};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use crosswalk_core::package::verify::{verify_package, PackageReport};
use crosswalk_core::registers::{RegisterFormat, RegisterKind};
use crosswalk_core::report::ReportRequest;
use crosswalk_core::{Error, Workspace};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What to package or export: an assessment, or frameworks and a period.
#[derive(Args, Clone)]
pub struct SelectionArgs {
    /// An assessment (its frameworks, period and applicability).
    #[arg(long)]
    pub assessment: Option<i64>,
    /// Framework id(s); repeat for several. Default: all, or the assessment's.
    #[arg(long = "framework")]
    pub frameworks: Vec<String>,
    /// FROM..TO: only evidence collected in this period counts.
    #[arg(long, value_parser = period)]
    pub period: Option<(NaiveDate, NaiveDate)>,
}

impl SelectionArgs {
    fn request(&self) -> ReportRequest {
        ReportRequest {
            assessment_id: self.assessment,
            frameworks: self.frameworks.clone(),
            period: self.period,
        }
    }
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct PackageArgs {
    #[command(subcommand)]
    pub command: Option<PackageCommand>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// The zip to write; without it, `packages/` in the workspace, named
    /// after the assessment and the day.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub json: Json,
}

#[derive(Subcommand)]
pub enum PackageCommand {
    /// Check a package: every hash, the signatures, the manifest. Needs no workspace.
    Verify {
        package: PathBuf,
        /// The signing key's fingerprint as the organisation gave it to you.
        #[arg(long)]
        key: Option<String>,
        #[command(flatten)]
        json: Json,
    },
}

/// `package verify` runs before any workspace is opened: an auditor has none.
pub fn run_without_workspace(args: &PackageArgs) -> Option<Result<ExitCode, Error>> {
    let Some(PackageCommand::Verify { package, key, json }) = &args.command else {
        return None;
    };
    Some(verify(package, key.as_deref(), *json))
}

fn verify(package: &Path, key: Option<&str>, json: Json) -> Result<ExitCode, Error> {
    let report = verify_package(package, key)?;
    out(json, &report, print_verify);
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_verify(r: &PackageReport) {
    println!("package: {}", r.path);
    if let (Some(org), Some(at)) = (&r.organisation, &r.generated_at) {
        println!("organisation: {org}, generated {at}");
    }
    if let (Some(n), Some(h)) = (r.event_count, &r.head_hash) {
        println!(
            "audit trail when packaged: {n} events, head {h}{}",
            match r.chain_ok {
                Some(false) => " (the workspace reported FAULTS)",
                _ => "",
            }
        );
    }
    println!(
        "files checked: {} ({} bytes)",
        r.files_checked, r.bytes_checked
    );
    match (&r.fingerprint, r.key_checked) {
        (Some(fp), true) => println!("signing key: {fp} (matches the fingerprint you gave)"),
        (Some(fp), false) => println!(
            "signing key: {fp}\nnote: compare this fingerprint with the one the organisation gave you, or pass --key"
        ),
        (None, _) => {}
    }
    if r.ok {
        println!("OK: every file, both signatures and the manifest check out");
    } else {
        for f in &r.faults {
            let kind = serde_json::to_value(f.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_uppercase))
                .unwrap_or_default();
            println!("{kind} {}: {}", f.path, f.message);
        }
        println!(
            "{}",
            crosswalk_core::text::count(r.faults.len(), "fault", "faults")
        );
    }
}

pub fn package(ws: &mut Workspace, args: PackageArgs) -> Result<ExitCode, Error> {
    let request = args.selection.request();
    let output = match args.output {
        Some(p) => p,
        None => ws.output_path(
            crosswalk_core::outputs::OutputKind::Package,
            request.assessment_id,
        )?,
    };
    let bar = progress_bar("package");
    let summary = ws.write_package(&request, &output, &mut |p| {
        if let Some(b) = &bar {
            b.set_message(p.phase);
            b.set_length(p.total);
            b.set_position(p.done);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    out(args.json, &summary, |s| {
        println!(
            "wrote {} ({} files, {} evidence files, {} bytes, sha256 {})",
            s.path.display(),
            s.files,
            s.evidence_files,
            s.bytes,
            s.sha256
        );
        println!("signing key fingerprint: {}", s.fingerprint);
        println!(
            "checkpoint: {} events, head {}",
            s.checkpoint.event_count, s.checkpoint.head_hash
        );
        if !s.chain_ok {
            println!("warning: `crosswalk verify` finds faults; the manifest says so");
        }
    });
    Ok(ExitCode::SUCCESS)
}

pub fn key(ws: &Workspace, json: Json) -> Result<ExitCode, Error> {
    let key = ws.workspace_key()?;
    out(json, &key.info, |k| {
        println!("fingerprint: {}", k.fingerprint);
        println!("workspace: {}", k.workspace_id);
        println!("algorithm: Ed25519, public key {}", k.public_key);
        println!("created: {}", k.created_at);
        println!("private key: {}", k.key_file.display());
    });
    Ok(ExitCode::SUCCESS)
}

pub fn checkpoint(ws: &Workspace, json: Json) -> Result<ExitCode, Error> {
    let cp = ws.checkpoint("on demand")?;
    out(json, &cp, |c| {
        println!(
            "signed checkpoint: {} events, head {} at {}",
            c.event_count, c.head_hash, c.at
        );
        println!("key fingerprint: {}", c.fingerprint);
    });
    Ok(ExitCode::SUCCESS)
}

/// `export --format csv|xlsx --what REGISTER -o FILE`.
pub fn export_register(
    ws: &mut Workspace,
    format: &str,
    what: &str,
    selection: &SelectionArgs,
    output: &Path,
) -> Result<ExitCode, Error> {
    let format = RegisterFormat::parse(format)
        .ok_or_else(|| Error::Usage(format!("unknown format `{format}`; use csv or xlsx")))?;
    let kind = RegisterKind::parse(what).ok_or_else(|| {
        Error::Usage(format!(
            "unknown register `{what}`; use one of: {}",
            RegisterKind::ALL.map(|k| k.name()).join(", ")
        ))
    })?;
    let rows = ws.export_register(&selection.request(), kind, format, output)?;
    eprintln!(
        "wrote the {} register ({rows} rows) to {}",
        kind.name(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}
