//! IPC commands for evidence over an audit period (issue 10): editing an
//! item's metadata, a revision or a new occurrence, a series' occurrences,
//! workspace-level applicability and the SoA's document fields. Thin, like
//! the rest: parse, call `crosswalk-core`, return.
use crate::commands::{reporter, IpcError, Progress};
use crate::AppState;
use chrono::NaiveDate;
use crosswalk_core::applicability::{
    ApplicabilityDecision, ApplicabilityRequest, SoaDocument, SoaInput,
};
use crosswalk_core::evidence::{EvidenceEdit, ReplaceMode};
use crosswalk_core::Evidence;
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::State;

type Res<T> = Result<T, IpcError>;

#[tauri::command]
pub async fn edit_evidence(
    state: State<'_, AppState>,
    id: i64,
    edit: EvidenceEdit,
) -> Res<Evidence> {
    state.run(move |ws| ws.edit_evidence(id, &edit)).await
}

/// A new file for an item: a revision (keeps the evidence date unless one is
/// given) or a new occurrence (needs its evidence date).
#[tauri::command]
pub async fn replace_evidence_as(
    state: State<'_, AppState>,
    id: i64,
    path: PathBuf,
    mode: ReplaceMode,
    collected_on: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    on_progress: Channel<Progress>,
) -> Res<Evidence> {
    state.chosen.check_read(&path)?;
    state
        .run(move |ws| {
            ws.replace_evidence(
                id,
                &path,
                mode,
                collected_on,
                valid_until,
                &mut reporter(on_progress),
            )
        })
        .await
}

#[tauri::command]
pub async fn evidence_series(state: State<'_, AppState>, id: i64) -> Res<Vec<Evidence>> {
    state.run(move |ws| ws.evidence_series(id)).await
}

#[tauri::command]
pub async fn applicability_decisions(
    state: State<'_, AppState>,
    framework: Option<String>,
) -> Res<Vec<ApplicabilityDecision>> {
    state
        .run(move |ws| ws.applicability(framework.as_deref()))
        .await
}

#[tauri::command]
pub async fn applicability_history(
    state: State<'_, AppState>,
    framework: Option<String>,
    reference: Option<String>,
) -> Res<Vec<ApplicabilityDecision>> {
    state
        .run(move |ws| ws.applicability_history(framework.as_deref(), reference.as_deref()))
        .await
}

#[tauri::command]
pub async fn decide_applicability(
    state: State<'_, AppState>,
    request: ApplicabilityRequest,
) -> Res<Vec<ApplicabilityDecision>> {
    state.run(move |ws| ws.decide_applicability(&request)).await
}

#[tauri::command]
pub async fn soa_document(state: State<'_, AppState>, framework: String) -> Res<SoaDocument> {
    state.run(move |ws| ws.soa_document(&framework)).await
}

#[tauri::command]
pub async fn set_soa_document(
    state: State<'_, AppState>,
    framework: String,
    input: SoaInput,
) -> Res<SoaDocument> {
    state
        .run(move |ws| ws.set_soa_document(&framework, &input))
        .await
}
