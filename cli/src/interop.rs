//! `crosswalk export oscal-component|oscal-mapping|matrix` and what an
//! import of a foreign format adds to its summary. Thin: every rule is in
//! `crosswalk_core::interop`.
use clap::Subcommand;
use crosswalk_core::import::ImportReport;
use crosswalk_core::interop::export::MatrixKind;
use crosswalk_core::{Error, Workspace};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum InteropExport {
    /// The controls and their mappings as an OSCAL component definition (JSON).
    OscalComponent {
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Crosswalk links as an OSCAL 1.2 mapping collection (JSON).
    OscalMapping {
        /// Only links from this framework.
        #[arg(long)]
        from: Option<String>,
        /// Only links to this framework.
        #[arg(long)]
        to: Option<String>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The control matrix: one row per control, a column per framework (CSV, or XLSX when FILE ends in .xlsx).
    Matrix {
        #[arg(short, long)]
        output: PathBuf,
    },
}

pub fn export(ws: &Workspace, what: InteropExport) -> Result<(), Error> {
    match what {
        InteropExport::OscalComponent { output } => {
            let n = ws.export_oscal_component(&output)?;
            eprintln!("wrote {n} controls to {}", output.display());
        }
        InteropExport::OscalMapping { from, to, output } => {
            let n = ws.export_oscal_mapping(from.as_deref(), to.as_deref(), &output)?;
            eprintln!("wrote {n} crosswalk links to {}", output.display());
        }
        InteropExport::Matrix { output } => {
            let xlsx = output
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
            let kind = if xlsx {
                MatrixKind::Xlsx
            } else {
                MatrixKind::Csv
            };
            let n = ws.export_matrix(kind, &output)?;
            eprintln!("wrote {n} controls to {}", output.display());
        }
    }
    Ok(())
}

/// The lines a foreign import adds to the import summary.
pub fn print_import(r: &ImportReport) {
    for f in &r.formats {
        println!("read {} as {}", f.file, f.name);
    }
    for m in &r.columns {
        println!("columns of {}:", m.file);
        for c in &m.columns {
            println!("  {:<28} → {} ({})", c.header, c.role, c.reason);
        }
    }
    if !r.scopes.is_empty() {
        println!("scopes: {}", r.scopes.join(", "));
    }
    if !r.skipped_cells.is_empty() {
        println!("left out ({}):", r.skipped_cells.len());
        for s in &r.skipped_cells {
            println!("  {s}");
        }
    }
}

pub fn print_scopes(scopes: &[crosswalk_core::interop::scope::ScopeSummary]) {
    if scopes.is_empty() {
        println!(
            "no scopes; import an OSCAL profile or an OpenControl project with certifications"
        );
    }
    for s in scopes {
        println!(
            "{:<40} {:>5} requirements of {}  ({})",
            s.id,
            s.requirements,
            s.frameworks.join(", "),
            s.name
        );
    }
}
