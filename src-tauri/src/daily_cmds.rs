//! Commands of the daily tool: the evidence register (filtered and sorted by
//! core), past reports and packages per assessment (read from the audit
//! trail by core, opened only when the file is the one recorded), and the
//! form checks that put core's messages beside the fields.
use crate::commands::{open_in_system_viewer, IpcError};
use crate::AppState;
use crosswalk_core::evidence_register::{EvidenceQuery, EvidenceRegister};
use crosswalk_core::forms::Form;
use crosswalk_core::outputs::{OutputGroup, OutputKind};
use crosswalk_core::validate::FieldResult;
use tauri::{AppHandle, State};

type Res<T> = Result<T, IpcError>;

#[tauri::command]
pub async fn evidence_register(
    state: State<'_, AppState>,
    query: EvidenceQuery,
) -> Res<EvidenceRegister> {
    state.run(move |ws| ws.evidence_register(&query)).await
}

#[tauri::command]
pub async fn past_outputs(state: State<'_, AppState>) -> Res<Vec<OutputGroup>> {
    state.run(|ws| ws.past_outputs()).await
}

/// Opens a past report or package (the audit event `seq` recorded it) in the
/// system's viewer, once core has checked the file is the one written.
#[tauri::command]
pub async fn open_output(app: AppHandle, state: State<'_, AppState>, seq: i64) -> Res<()> {
    let output = state
        .run(move |ws| ws.past_output(seq))
        .await
        .map_err(|mut e| {
            e.title = Some("Could not open the file".into());
            e
        })?;
    let what = match output.kind {
        OutputKind::Report => "the PDF",
        OutputKind::Package => "the package",
    };
    open_in_system_viewer(&app, &output.path, what)
}

#[tauri::command]
pub async fn check_form(state: State<'_, AppState>, form: Form) -> Res<Vec<FieldResult>> {
    state.run(move |ws| ws.check_form(&form)).await
}
