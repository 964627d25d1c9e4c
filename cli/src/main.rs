//! `crosswalk`: the command line over crosswalk-core. Each command parses its
//! arguments, calls the core, and prints; no domain rule lives here.
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use crosswalk_core::assessment::{Applicability, AssessmentInput};
use crosswalk_core::import::ImportOptions;
use crosswalk_core::{dates, Error, Workspace};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

mod coverage;
mod evidence;
mod interop;
mod links;
mod manage;
mod outputs;
mod package;
mod print;
mod report;
mod scope;
mod vault;

#[derive(Parser)]
#[command(
    name = "crosswalk",
    version,
    about = "Map security controls to GDPR, SOC 2, ISO 27001, NIST CSF, HIPAA and PCI DSS; keep the evidence; prove it unchanged."
)]
struct Cli {
    /// The workspace folder (database and evidence vault).
    #[arg(long, global = true, env = "CROSSWALK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Read the passphrase of an encrypted workspace from this file descriptor
    /// (first line). Or set CROSSWALK_PASSPHRASE; a terminal is asked otherwise.
    #[arg(long, global = true)]
    passphrase_fd: Option<i32>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Copy)]
pub(crate) struct Json {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Create the workspace (`--encrypt`: an encrypted one; the passphrase from
    /// CROSSWALK_PASSPHRASE, --passphrase-fd or the prompt).
    Init {
        #[arg(long)]
        encrypt: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Encryption of the workspace: encrypt, passphrase, rotate, status, keyring.
    #[command(subcommand)]
    Vault(vault::VaultCommand),
    /// Import control YAML files or folders (and catalogs or crosswalks).
    Import(ImportArgs),
    /// Tracked frameworks with their coverage figures; `track`/`untrack` choose them.
    Frameworks(coverage::FrameworksArgs),
    /// Scopes: baselines (OSCAL profiles) and certifications (OpenControl) that listings can be narrowed to.
    Scopes {
        #[command(flatten)]
        json: Json,
    },
    /// Crosswalk links between two frameworks, by requirement.
    Links(links::LinksArgs),
    /// Adopt related coverage: map the control of a covered requirement elsewhere to this gap.
    Adopt(links::AdoptArgs),
    /// Per-requirement status (covered, partial, stale, gap, not applicable) with the reason.
    Coverage(coverage::CoverageArgs),
    /// List controls; `bulk` and `remove-examples` change many at once.
    Controls {
        #[command(subcommand)]
        action: Option<manage::ControlsCommand>,
        #[command(flatten)]
        json: Json,
    },
    /// Show the settings (organisation, your name, expiry window); `set` changes them.
    Settings {
        #[command(subcommand)]
        action: Option<manage::SettingsCommand>,
        #[command(flatten)]
        json: Json,
    },
    /// Show one control with its mappings and evidence.
    Control {
        id: String,
        #[command(flatten)]
        json: Json,
    },
    /// The evidence vault.
    #[command(subcommand)]
    Evidence(evidence::EvidenceCommand),
    /// Assessments: frameworks, audit period, scope, applicability.
    #[command(subcommand)]
    Assessment(AssessmentCommand),
    /// Workspace-level applicability: which requirements are in scope, and why.
    #[command(subcommand)]
    Applicability(scope::ApplicabilityCommand),
    /// The Statement of Applicability's document-control fields.
    #[command(subcommand)]
    Soa(scope::SoaCommand),
    /// Generate an audit-ready PDF report.
    Report(report::ReportArgs),
    /// Write the control library as YAML, or a register as CSV/XLSX
    /// (`export --format csv|xlsx --what requirements|controls|evidence|soa|gaps|audit-trail -o FILE`).
    Export(ExportArgs),
    /// Write the auditor package (zip), or `package verify` one.
    Package(package::PackageArgs),
    /// Reports and packages written so far, per assessment, newest first;
    /// `check SEQ` confirms one is unchanged.
    Outputs(outputs::OutputsArgs),
    /// The workspace signing key's fingerprint (created on first use).
    #[command(alias = "fingerprint")]
    Key {
        #[command(flatten)]
        json: Json,
    },
    /// Sign a checkpoint of the audit trail now.
    Checkpoint {
        #[command(flatten)]
        json: Json,
    },
    /// Re-hash every evidence file and check the audit chain; non-zero exit on any fault.
    Verify {
        /// A chain anchor kept from earlier: HASH:COUNT, or a report PDF that
        /// carries one. Proves the trail still holds exactly that prefix (repeatable).
        #[arg(long = "anchor", value_name = "HASH:COUNT|REPORT.pdf")]
        anchors: Vec<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Remove unreferenced vault files and partial ingest files (audited).
    Gc {
        /// List what would be removed; remove nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        json: Json,
    },
    /// The audit trail, newest first.
    Log {
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only events about this subject, e.g. control:ENC-01 or evidence:3.
        #[arg(long)]
        subject: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Set the organisation named on reports.
    Organisation { name: String },
    /// Load the example controls (AIOS and AMAS) into this workspace.
    Demo {
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
struct ExportArgs {
    #[command(subcommand)]
    command: Option<ExportCommand>,
    /// Register file format: csv or xlsx.
    #[arg(long, requires_all = ["what", "output"])]
    format: Option<String>,
    /// Which register: requirements, controls, evidence, soa, gaps, audit-trail.
    #[arg(long, requires = "format")]
    what: Option<String>,
    #[command(flatten)]
    selection: package::SelectionArgs,
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The controls and their mappings.
    Controls {
        #[arg(short, long)]
        output: PathBuf,
    },
    #[command(flatten)]
    Interop(interop::InteropExport),
}

#[derive(Subcommand)]
enum AssessmentCommand {
    /// Create an assessment.
    Create {
        #[arg(long)]
        name: String,
        /// Framework id(s); repeat for several.
        #[arg(long = "framework", required = true)]
        frameworks: Vec<String>,
        /// FROM..TO, e.g. 2026-01-01..2026-12-31
        #[arg(long, value_parser = period)]
        period: (NaiveDate, NaiveDate),
        #[arg(long, default_value = "")]
        scope: String,
        #[arg(long)]
        organisation: Option<String>,
        /// type1 (design at a point in time) or type2 (operation throughout the period).
        #[arg(long = "type", value_parser = assessment_type)]
        kind: Option<crosswalk_core::AssessmentType>,
        #[command(flatten)]
        json: Json,
    },
    /// List assessments.
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Show one assessment.
    Show {
        id: i64,
        #[command(flatten)]
        json: Json,
    },
    /// Mark a requirement applicable or not applicable (with a justification).
    Applicability {
        id: i64,
        #[arg(long)]
        framework: String,
        #[arg(long = "ref")]
        reference: String,
        /// Not applicable (needs --justification).
        #[arg(long)]
        not_applicable: bool,
        #[arg(long, default_value = "")]
        justification: String,
        /// How it is implemented (for the Statement of Applicability).
        #[arg(long, default_value = "")]
        implementation: String,
    },
}

pub(crate) fn date(s: &str) -> Result<NaiveDate, String> {
    dates::parse_date(s)
}
pub(crate) fn days(s: &str) -> Result<u32, String> {
    dates::parse_days(s)
}
pub(crate) fn period(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    dates::parse_period(s)
}
fn assessment_type(s: &str) -> Result<crosswalk_core::AssessmentType, String> {
    crosswalk_core::AssessmentType::parse(&s.to_ascii_lowercase().replace([' ', '-', '_'], ""))
        .ok_or_else(|| format!("`{s}` is not an assessment type; use type1 or type2"))
}

fn main() -> ExitCode {
    // `crosswalk log | head` must end quietly, as other Unix tools do, not panic on EPIPE.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            print::error(&e);
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn out<T: Serialize>(json: Json, value: &T, text: impl FnOnce(&T)) {
    if json.json {
        println!(
            "{}",
            serde_json::to_string_pretty(value).expect("serializes")
        );
    } else {
        text(value);
    }
}

/// Runs `work` with a byte-progress callback drawn as a bar on a terminal.
pub(crate) fn with_byte_bar<T>(label: &str, work: impl FnOnce(&mut dyn FnMut(u64, u64)) -> T) -> T {
    let bar = progress_bar(label);
    let result = work(&mut |done, total| {
        if let Some(b) = &bar {
            b.set_length(total);
            b.set_position(done);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result
}

/// A progress bar on a terminal; silent when piped.
pub(crate) fn progress_bar(label: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
        )
        .unwrap()
        .progress_chars("=> "),
    );
    bar.set_message(label.to_string());
    Some(bar)
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    if let Command::Package(args) = &cli.command {
        if let Some(result) = package::run_without_workspace(args) {
            return result;
        }
    }
    let dir = crosswalk_core::data_dir::resolve_data_dir(cli.data_dir);
    let unlock = vault::Unlock {
        passphrase_fd: cli.passphrase_fd,
    };
    match cli.command {
        Command::Init { encrypt, json } => {
            return vault::init(&dir, encrypt, unlock, json.json).map(|_| ExitCode::SUCCESS)
        }
        Command::Vault(cmd) => return vault::run(&dir, unlock, cmd).map(|_| ExitCode::SUCCESS),
        _ => {}
    }
    let mut ws = vault::open(&dir, unlock)?;
    match cli.command {
        Command::Init { .. } | Command::Vault(_) => unreachable!("handled above"),
        Command::Import(args) => import(&mut ws, args)?,
        Command::Frameworks(args) => coverage::frameworks(&mut ws, args)?,
        Command::Links(args) => links::links(&ws, args)?,
        Command::Adopt(args) => links::adopt(&mut ws, args)?,
        Command::Coverage(args) => coverage::coverage(&ws, args)?,
        Command::Scopes { json } => {
            let scopes = ws.scopes()?;
            out(json, &scopes, |s| interop::print_scopes(s));
        }
        Command::Controls {
            action: Some(action),
            ..
        } => manage::controls(&mut ws, action)?,
        Command::Controls { action: None, json } => {
            let controls = ws.controls()?;
            out(json, &controls, |c| print::controls(c));
        }
        Command::Settings { action, json } => manage::settings(&mut ws, action, json)?,
        Command::Control { id, json } => {
            let control = ws.control(&id)?;
            let evidence = ws.evidence_list(Some(&id))?;
            let view = print::ControlView { control, evidence };
            out(json, &view, print::control);
        }
        Command::Evidence(cmd) => return evidence::run(&mut ws, cmd),
        Command::Applicability(cmd) => scope::applicability(&mut ws, cmd)?,
        Command::Soa(cmd) => scope::soa(&mut ws, cmd)?,
        Command::Assessment(cmd) => assessment(&mut ws, cmd)?,
        Command::Report(args) => report::report(&mut ws, args)?,
        Command::Export(args) => return export(&mut ws, args),
        Command::Package(args) => return package::package(&mut ws, args),
        Command::Outputs(args) => outputs::run(&ws, args)?,
        Command::Key { json } => return package::key(&ws, json),
        Command::Checkpoint { json } => return package::checkpoint(&ws, json),
        Command::Verify { anchors, json } => return verify(&mut ws, &anchors, json),
        Command::Gc { dry_run, json } => {
            let report = ws.gc(dry_run)?;
            out(json, &report, print::gc);
        }
        Command::Log {
            limit,
            subject,
            json,
        } => {
            let events = ws.log(limit, subject.as_deref())?;
            out(json, &events, |e| print::log(e));
        }
        Command::Organisation { name } => {
            ws.set_organisation(&name)?;
            eprintln!("organisation set to {name}");
        }
        Command::Demo { json } => {
            let report = crosswalk_core::examples::seed(&mut ws)?;
            out(json, &report, print::import);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn assessment(ws: &mut Workspace, cmd: AssessmentCommand) -> Result<(), Error> {
    match cmd {
        AssessmentCommand::Create {
            name,
            frameworks,
            period,
            scope,
            organisation,
            kind,
            json,
        } => {
            let a = ws.save_assessment(&AssessmentInput {
                kind,
                id: None,
                name,
                organisation,
                scope,
                period_start: period.0,
                period_end: period.1,
                frameworks,
            })?;
            out(json, &a, print::assessment);
        }
        AssessmentCommand::List { json } => {
            let list = ws.assessments()?;
            out(json, &list, |l| l.iter().for_each(print::assessment));
        }
        AssessmentCommand::Show { id, json } => {
            let a = ws.assessment(id)?;
            out(json, &a, print::assessment);
        }
        AssessmentCommand::Applicability {
            id,
            framework,
            reference,
            not_applicable,
            justification,
            implementation,
        } => {
            ws.set_applicability(
                id,
                &Applicability {
                    framework_id: framework.clone(),
                    reference: reference.clone(),
                    applicable: !not_applicable,
                    justification,
                    implementation,
                },
            )?;
            eprintln!(
                "{framework} {reference}: {}",
                if not_applicable {
                    "not applicable"
                } else {
                    "applicable"
                }
            );
        }
    }
    Ok(())
}

#[derive(clap::Args)]
pub(crate) struct ImportArgs {
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Check everything and report, but write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Delete controls that disappeared from the imported files.
    #[arg(long)]
    prune: bool,
    /// Matrices: leave out cells naming requirements that do not exist, and list them.
    #[arg(long)]
    skip_unknown: bool,
    /// Matrices: read column HEADER as ROLE (id, title, description, category, owner, status, ignore, or a framework id); repeat.
    #[arg(long = "columns", value_name = "HEADER=ROLE")]
    columns: Vec<String>,
    /// Also import framework catalogs and crosswalks found inside the folders.
    #[arg(long)]
    with_catalogs: bool,
    /// Let evidence files come from DIR too (repeatable); by default they
    /// must lie inside the folder of the YAML file that names them.
    #[arg(long = "allow-outside", value_name = "DIR")]
    allow_outside: Vec<PathBuf>,
    #[command(flatten)]
    json: Json,
}

fn import(ws: &mut Workspace, args: ImportArgs) -> Result<(), Error> {
    let ImportArgs {
        paths,
        dry_run,
        prune,
        skip_unknown,
        columns,
        with_catalogs,
        allow_outside,
        json,
    } = args;
    let options = ImportOptions {
        dry_run,
        prune,
        with_catalogs,
        allow_outside,
    };
    let interop = crosswalk_core::interop::InteropOptions {
        skip_unknown,
        columns,
    };
    let report = ws.import_with(&paths, &options, &interop)?;
    out(json, &report, print::import);
    Ok(())
}

/// `verify`: exits 1 when anything does not hold.
fn verify(ws: &mut Workspace, anchors: &[String], json: Json) -> Result<ExitCode, Error> {
    let options = crosswalk_core::verify::VerifyOptions {
        anchors: anchors
            .iter()
            .map(|a| crosswalk_core::verify::parse_anchor(a))
            .collect::<Result<_, _>>()?,
    };
    let report = with_byte_bar("verifying", |progress| {
        ws.verify_with(&options, &mut |p| progress(p.done, p.total))
    })?;
    out(json, &report, print::verify);
    if !report.ok {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// `export`: the control library as YAML, an interop format, or a register.
fn export(ws: &mut Workspace, args: ExportArgs) -> Result<ExitCode, Error> {
    match args {
        ExportArgs {
            command: Some(ExportCommand::Controls { output }),
            ..
        } => {
            let n = ws.export_controls(&output)?;
            eprintln!("wrote {n} controls to {}", output.display());
        }
        ExportArgs {
            command: Some(ExportCommand::Interop(what)),
            ..
        } => interop::export(ws, what)?,
        ExportArgs {
            command: None,
            format: Some(format),
            what: Some(what),
            selection,
            output: Some(output),
        } => return package::export_register(ws, &format, &what, &selection, &output),
        ExportArgs { .. } => {
            return Err(Error::Usage(
                "say what to export: `export controls -o FILE.yaml`, or `export --format csv|xlsx --what REGISTER -o FILE`".into(),
            ))
        }
    }
    Ok(ExitCode::SUCCESS)
}
