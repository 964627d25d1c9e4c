//! The auditor package and the registers from the window: thin commands over
//! `crosswalk-core` (`write_package`, `export_register`, the workspace key).
use crate::commands::{IpcError, Progress};
use crate::AppState;
use crosswalk_core::package::{PackageProgress, PackageSummary};
use crosswalk_core::registers::{RegisterFormat, RegisterKind};
use crosswalk_core::report::ReportRequest;
use crosswalk_core::signing::KeyInfo;
use serde::Serialize;
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::State;

type Res<T> = Result<T, IpcError>;

/// `out_path`, or a new file in `<data dir>/<folder>/` when none is given.
fn output(state: &AppState, out_path: Option<PathBuf>, folder: &str, name: &str) -> Res<PathBuf> {
    let out = out_path.unwrap_or_else(|| {
        let stamp = crosswalk_core::now().format("%Y%m%d-%H%M%S");
        state.dir.join(folder).join(format!("{name}-{stamp}"))
    });
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            IpcError::titled(
                "io",
                "The file was not written",
                format!("The folder {} could not be made.", dir.display()),
                "Choose a folder you can write to.",
                e.to_string(),
            )
        })?;
    }
    Ok(out)
}

/// The workspace key's public side (created on first use).
#[tauri::command]
pub async fn workspace_key(state: State<'_, AppState>) -> Res<KeyInfo> {
    state.run(|ws| ws.workspace_key().map(|k| k.info)).await
}

/// Writes the auditor package off the main thread, with progress by phase.
#[tauri::command]
pub async fn write_package(
    state: State<'_, AppState>,
    request: ReportRequest,
    out_path: Option<PathBuf>,
    on_progress: Channel<Progress>,
) -> Res<PackageSummary> {
    let out = out_path
        .map(|p| output(&state, Some(p), "", ""))
        .transpose()?;
    state
        .run(move |ws| {
            // Without a chosen file, core names it after the assessment.
            let out = match out {
                Some(p) => p,
                None => ws.output_path(
                    crosswalk_core::outputs::OutputKind::Package,
                    request.assessment_id,
                )?,
            };
            let mut report = crate::commands::phased_reporter(on_progress);
            ws.write_package(&request, &out, &mut |p: PackageProgress| {
                report(Some(p.phase), p.done, p.total)
            })
        })
        .await
}

#[derive(Debug, Clone, Serialize)]
pub struct RegisterExport {
    pub path: PathBuf,
    pub rows: usize,
}

/// Writes one register as CSV or XLSX.
#[tauri::command]
pub async fn export_register(
    state: State<'_, AppState>,
    request: ReportRequest,
    what: RegisterKind,
    format: RegisterFormat,
    out_path: Option<PathBuf>,
) -> Res<RegisterExport> {
    let ext = match format {
        RegisterFormat::Csv => "csv",
        RegisterFormat::Xlsx => "xlsx",
    };
    let out = match out_path {
        Some(p) => output(&state, Some(p), "", "")?,
        None => output(&state, None, "exports", what.name())?.with_extension(ext),
    };
    let path = out.clone();
    let rows = state
        .run(move |ws| ws.export_register(&request, what, format, &out))
        .await?;
    Ok(RegisterExport { path, rows })
}
