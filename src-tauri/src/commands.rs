//! The IPC surface of the window. Each command is a few lines: take the
//! arguments, call `crosswalk-core`, return what it returns. Errors cross as
//! `{kind, message, problems}` exactly as core serializes them.
use crate::AppState;
use chrono::NaiveDate;
use crosswalk_core::assessment::{Applicability, Assessment, AssessmentInput};
use crosswalk_core::audit::AuditEvent;
use crosswalk_core::controls::{CoverageRequest, RequirementHit};
use crosswalk_core::coverage::FrameworkCoverage;
use crosswalk_core::evidence::{Expiry, NewEvidence};
use crosswalk_core::import::{ImportOptions, ImportReport};
use crosswalk_core::report::{ReportProgress, ReportRequest, ReportSummary};
use crosswalk_core::verify::{VerifyProgress, VerifyReport};
use crosswalk_core::{Control, CrosswalkLink, Evidence, Framework, Problem, Requirement};
use serde::Serialize;
use std::path::{Path, PathBuf};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

/// An error as the window sees it: what failed (`title`, when the shell
/// knows better than the view), a plain sentence, what to do (`hint`), and
/// the raw system text only as `details`.
#[derive(Debug, Clone, Serialize)]
pub struct IpcError {
    pub kind: String,
    pub message: String,
    pub problems: Vec<Problem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

impl IpcError {
    pub fn internal(message: impl Into<String>) -> Self {
        IpcError {
            kind: "internal".into(),
            message: message.into(),
            problems: Vec::new(),
            title: None,
            hint: None,
            details: None,
        }
    }

    /// A failure with a title, a sentence, what to do and the raw text.
    pub fn titled(
        kind: &str,
        title: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
        details: impl Into<String>,
    ) -> Self {
        IpcError {
            kind: kind.into(),
            message: message.into(),
            problems: Vec::new(),
            title: Some(title.into()),
            hint: Some(hint.into()),
            details: Some(details.into()).filter(|d: &String| !d.is_empty()),
        }
    }
}

impl From<crosswalk_core::Error> for IpcError {
    fn from(e: crosswalk_core::Error) -> Self {
        // The OS's own words ("Permission denied (os error 13)") go under details.
        let (message, details) = match &e {
            crosswalk_core::Error::Io { context, source } => {
                // A sentence: "Cannot read /x/y.pdf." (core's context starts lower case).
                let mut c = context.chars();
                let sentence = match c.next() {
                    Some(first) => first.to_uppercase().chain(c).collect::<String>(),
                    None => String::new(),
                };
                (format!("{sentence}."), Some(source.to_string()))
            }
            _ => (e.to_string(), None),
        };
        IpcError {
            kind: e.kind().into(),
            message,
            problems: e.problems().to_vec(),
            title: None,
            hint: e.hint().map(String::from),
            details,
        }
    }
}

type Res<T> = Result<T, IpcError>;

/// Progress of long work: `done` of `total` units (bytes, files, steps),
/// and for multi-phase work the phase's name.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub phase: Option<String>,
    pub done: u64,
    pub total: u64,
}

/// Forwards core's progress callback to the window, at most ~100 messages per task.
pub(crate) fn reporter(channel: Channel<Progress>) -> impl FnMut(u64, u64) + Send {
    let mut phased = phased_reporter(channel);
    move |done, total| phased(None, done, total)
}

/// [`reporter`] for work in named phases: a message at most once per
/// percent of each phase, and always at a phase's end.
pub(crate) fn phased_reporter(
    channel: Channel<Progress>,
) -> impl FnMut(Option<&str>, u64, u64) + Send {
    let mut last: (Option<String>, u64) = (None, u64::MAX);
    move |phase, done, total| {
        let step = done.saturating_mul(100).checked_div(total).unwrap_or(0);
        let now = (phase.map(str::to_string), step);
        if now != last || done == total {
            last = now;
            let _ = channel.send(Progress {
                phase: phase.map(str::to_string),
                done,
                total,
            });
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AppInfo {
    pub data_dir: String,
    pub organisation: String,
    pub today: String,
    pub version: String,
}

#[tauri::command]
async fn app_info(state: State<'_, AppState>) -> Res<AppInfo> {
    let data_dir = state.dir.display().to_string();
    if let Some(e) = state.open_error() {
        return Err(e.clone());
    }
    state
        .run(move |ws| {
            Ok(AppInfo {
                data_dir,
                organisation: ws.organisation()?,
                today: ws.today().to_string(),
                version: env!("CARGO_PKG_VERSION").into(),
            })
        })
        .await
}

#[tauri::command]
async fn set_organisation(state: State<'_, AppState>, name: String) -> Res<()> {
    state.run(move |ws| ws.set_organisation(&name)).await
}

#[tauri::command]
async fn frameworks(state: State<'_, AppState>) -> Res<Vec<Framework>> {
    state.run(|ws| ws.frameworks()).await
}

#[tauri::command]
async fn requirements(state: State<'_, AppState>, framework_id: String) -> Res<Vec<Requirement>> {
    state.run(move |ws| ws.requirements(&framework_id)).await
}

#[tauri::command]
async fn search_requirements(
    state: State<'_, AppState>,
    query: String,
    limit: Option<usize>,
) -> Res<Vec<RequirementHit>> {
    state
        .run(move |ws| ws.search_requirements(&query, limit.unwrap_or(50)))
        .await
}

#[tauri::command]
async fn coverage(
    state: State<'_, AppState>,
    frameworks: Option<Vec<String>>,
    assessment_id: Option<i64>,
) -> Res<Vec<FrameworkCoverage>> {
    let request = CoverageRequest {
        frameworks: frameworks.unwrap_or_default(),
        assessment_id,
    };
    state.run(move |ws| ws.coverage(&request)).await
}

#[tauri::command]
async fn controls(state: State<'_, AppState>) -> Res<Vec<Control>> {
    state.run(|ws| ws.controls()).await
}

#[tauri::command]
async fn control(state: State<'_, AppState>, id: String) -> Res<Control> {
    state.run(move |ws| ws.control(&id)).await
}

#[tauri::command]
async fn save_control(state: State<'_, AppState>, control: Control) -> Res<Control> {
    state.run(move |ws| ws.save_control(&control)).await
}

#[tauri::command]
async fn delete_control(state: State<'_, AppState>, id: String) -> Res<()> {
    state.run(move |ws| ws.delete_control(&id)).await
}

#[tauri::command]
async fn export_controls(state: State<'_, AppState>, path: PathBuf) -> Res<usize> {
    state.chosen.check_write(&path)?;
    state.run(move |ws| ws.export_controls(&path)).await
}

#[tauri::command]
async fn crosswalk_links(state: State<'_, AppState>) -> Res<Vec<CrosswalkLink>> {
    state.run(|ws| ws.crosswalk_links()).await
}

#[tauri::command]
async fn evidence_list(state: State<'_, AppState>, control: Option<String>) -> Res<Vec<Evidence>> {
    state
        .run(move |ws| ws.evidence_list(control.as_deref()))
        .await
}

#[tauri::command]
async fn evidence(state: State<'_, AppState>, id: i64) -> Res<Evidence> {
    state.run(move |ws| ws.evidence(id)).await
}

#[tauri::command]
async fn add_evidence(
    state: State<'_, AppState>,
    evidence: NewEvidence,
    on_progress: Channel<Progress>,
) -> Res<Evidence> {
    if let crosswalk_core::evidence::Source::File(p) = &evidence.source {
        state.chosen.check_read(p)?;
    }
    state
        .run(move |ws| ws.add_evidence(&evidence, &mut reporter(on_progress)))
        .await
}

/// Corrects an item's file with a new revision (the form's "replace").
#[tauri::command]
async fn replace_evidence(
    state: State<'_, AppState>,
    id: i64,
    path: PathBuf,
    collected_on: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    on_progress: Channel<Progress>,
) -> Res<Evidence> {
    crate::evidence_cmds::replace_evidence_as(
        state,
        id,
        path,
        crosswalk_core::evidence::ReplaceMode::Revision,
        collected_on,
        valid_until,
        on_progress,
    )
    .await
}

#[tauri::command]
async fn remove_evidence(state: State<'_, AppState>, id: i64) -> Res<Evidence> {
    state.run(move |ws| ws.remove_evidence(id)).await
}

#[tauri::command]
async fn expiry(state: State<'_, AppState>, within_days: Option<u32>) -> Res<Expiry> {
    state
        .run(move |ws| {
            let days = match within_days {
                Some(d) => d,
                None => ws.expiry_window()?,
            };
            ws.expiry(days)
        })
        .await
}

/// Opens a stored evidence file in the system viewer. Blobs are named by
/// hash, so a read-only copy under its original name goes to this session's
/// private folder (see `AppState::viewer_copy`).
#[tauri::command]
async fn open_evidence(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    revision: Option<u32>,
) -> Res<()> {
    let (mut reader, rev) = state
        .run(move |ws| ws.evidence_reader(id, revision))
        .await?;
    let copy = state
        .viewer_copy(&mut reader, rev.file_name.as_ref())
        .map_err(|e| {
            IpcError::titled(
                "io",
                "Could not open the evidence file",
                "The stored file could not be copied for the viewer.",
                "Run Verify to check the vault, then try again.",
                e.to_string(),
            )
        })?;
    open_in_system_viewer(&app, &copy, "the evidence file")
}

#[tauri::command]
async fn import_files(
    state: State<'_, AppState>,
    paths: Vec<PathBuf>,
    dry_run: Option<bool>,
    prune: Option<bool>,
    skip_unknown: Option<bool>,
) -> Res<ImportReport> {
    for p in &paths {
        state.chosen.check_read(p)?;
    }
    let options = ImportOptions {
        dry_run: dry_run.unwrap_or(false),
        prune: prune.unwrap_or(false),
        ..Default::default()
    };
    // Foreign formats (OSCAL, OpenControl, matrices) are recognised by content in core.
    let interop = crosswalk_core::interop::InteropOptions {
        skip_unknown: skip_unknown.unwrap_or(false),
        columns: Vec::new(),
    };
    state
        .run(move |ws| ws.import_with(&paths, &options, &interop))
        .await
}

/// Loads the example controls shipped in the binary (the demo workspace).
#[tauri::command]
async fn load_examples(state: State<'_, AppState>) -> Res<ImportReport> {
    state.run(crosswalk_core::examples::seed).await
}

#[tauri::command]
async fn verify(state: State<'_, AppState>, on_progress: Channel<Progress>) -> Res<VerifyReport> {
    state
        .run(move |ws| {
            let mut report = phased_reporter(on_progress);
            ws.verify(&mut |p: VerifyProgress| report(Some(p.phase), p.done, p.total))
        })
        .await
}

#[tauri::command]
async fn assessments(state: State<'_, AppState>) -> Res<Vec<Assessment>> {
    state.run(|ws| ws.assessments()).await
}

#[tauri::command]
async fn assessment(state: State<'_, AppState>, id: i64) -> Res<Assessment> {
    state.run(move |ws| ws.assessment(id)).await
}

#[tauri::command]
async fn save_assessment(
    state: State<'_, AppState>,
    assessment: AssessmentInput,
) -> Res<Assessment> {
    state.run(move |ws| ws.save_assessment(&assessment)).await
}

#[tauri::command]
async fn set_applicability(
    state: State<'_, AppState>,
    assessment_id: i64,
    item: Applicability,
) -> Res<Assessment> {
    state
        .run(move |ws| ws.set_applicability(assessment_id, &item))
        .await
}

/// Writes the PDF report (to `out_path`, or `<data dir>/reports/` under the
/// assessment's name when none is given) off the main thread, with progress as a percentage.
#[tauri::command]
async fn generate_report(
    state: State<'_, AppState>,
    request: ReportRequest,
    out_path: Option<PathBuf>,
    on_progress: Channel<Progress>,
) -> Res<ReportSummary> {
    if let Some(p) = &out_path {
        state.chosen.check_write(p)?;
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                IpcError::titled(
                    "io",
                    "The report was not generated",
                    format!("The folder {} could not be made.", dir.display()),
                    "Choose a folder you can write to.",
                    e.to_string(),
                )
            })?;
        }
    }
    let summary = state
        .run(move |ws| {
            // Without a chosen file, core names it after the assessment.
            let out = match out_path {
                Some(p) => p,
                None => ws.output_path(
                    crosswalk_core::outputs::OutputKind::Report,
                    request.assessment_id,
                )?,
            };
            ws.generate_report(&request, &out, &mut |p: ReportProgress| {
                let _ = on_progress.send(Progress {
                    phase: Some(p.phase.to_string()),
                    done: p.percent.into(),
                    total: 100,
                });
            })
        })
        .await?;
    state.remember_report(&summary.path);
    Ok(summary)
}

/// Opens a report in the system PDF viewer: only one this window generated,
/// or one in the workspace's `reports/` folder.
#[tauri::command]
async fn open_report(app: AppHandle, state: State<'_, AppState>, path: PathBuf) -> Res<()> {
    if !state.may_open_report(&path) {
        return Err(IpcError {
            kind: "usage".into(),
            message: format!("{} is not a report generated here", path.display()),
            problems: Vec::new(),
            title: Some("Could not open the PDF".into()),
            hint: Some(
                "Generate the report again, or open it from the reports folder yourself.".into(),
            ),
            details: None,
        });
    }
    open_in_system_viewer(&app, &path, "the PDF")
}

#[tauri::command]
async fn audit_log(
    state: State<'_, AppState>,
    limit: Option<usize>,
    subject: Option<String>,
) -> Res<Vec<AuditEvent>> {
    state
        .run(move |ws| ws.log(limit.unwrap_or(500), subject.as_deref()))
        .await
}

pub(crate) fn open_in_system_viewer(app: &AppHandle, path: &Path, what: &str) -> Res<()> {
    use tauri_plugin_opener::OpenerExt;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| {
            IpcError::titled(
                "open",
                format!("Could not open {what}"),
                format!("No program on this computer opened {}.", path.display()),
                "Install a viewer for this kind of file (a PDF viewer for reports), or open the file yourself from the folder above; it was written completely.",
                e.to_string(),
            )
        })
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_info,
        set_organisation,
        frameworks,
        requirements,
        search_requirements,
        coverage,
        controls,
        control,
        save_control,
        delete_control,
        export_controls,
        crosswalk_links,
        evidence_list,
        evidence,
        add_evidence,
        replace_evidence,
        remove_evidence,
        expiry,
        open_evidence,
        import_files,
        load_examples,
        verify,
        assessments,
        assessment,
        save_assessment,
        set_applicability,
        generate_report,
        open_report,
        audit_log,
        crate::evidence_cmds::edit_evidence,
        crate::evidence_cmds::replace_evidence_as,
        crate::evidence_cmds::evidence_series,
        crate::evidence_cmds::applicability_decisions,
        crate::evidence_cmds::applicability_history,
        crate::evidence_cmds::decide_applicability,
        crate::evidence_cmds::soa_document,
        crate::evidence_cmds::set_soa_document,
        crate::vault_cmds::vault_state,
        crate::vault_cmds::unlock,
        crate::vault_cmds::lock_now,
        crate::vault_cmds::encrypt_workspace,
        crate::vault_cmds::change_passphrase,
        crate::vault_cmds::set_idle_lock,
        crate::vault_cmds::set_keyring,
        crate::vault_cmds::check_new_passphrase,
        crate::vault_cmds::create_workspace,
        crate::package_cmds::workspace_key,
        crate::package_cmds::write_package,
        crate::package_cmds::export_register,
        crate::app_cmds::validate_fields,
        crate::app_cmds::settings,
        crate::app_cmds::save_settings,
        crate::app_cmds::bulk_controls,
        crate::app_cmds::audit_head,
        crate::crosswalk_cmds::crosswalk_between,
        crate::crosswalk_cmds::adopt_related,
        crate::crosswalk_cmds::framework_choices,
        crate::crosswalk_cmds::set_tracked,
        crate::daily_cmds::evidence_register,
        crate::daily_cmds::past_outputs,
        crate::daily_cmds::open_output,
        crate::daily_cmds::check_form,
        crate::paths::pick_paths,
        crate::paths::pick_save_path,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crosswalk_core::Location;

    #[test]
    fn core_errors_cross_ipc_with_their_problems() {
        let e = crosswalk_core::Error::Invalid(vec![Problem {
            location: Location {
                file: "c.yaml".into(),
                line: 4,
                column: 9,
            },
            message: "unknown framework `sox`".into(),
        }]);
        let ipc = IpcError::from(e);
        assert_eq!(ipc.kind, "invalid");
        assert!(ipc.message.contains("c.yaml:4:9"));
        let json = serde_json::to_value(&ipc).unwrap();
        assert_eq!(json["problems"][0]["location"]["line"], 4);
        assert_eq!(json["problems"][0]["location"]["file"], "c.yaml");
    }
}
