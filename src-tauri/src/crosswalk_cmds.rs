//! IPC commands of the mapping explorer and of reuse across frameworks:
//! links between two frameworks, adopting related coverage, tracked
//! frameworks. Each parses, calls one `Workspace` method, returns.
use crate::commands::IpcError;
use crate::AppState;
use crosswalk_core::reuse::{Adoption, FrameworkChoice, LinkQuery, LinksView};
use crosswalk_core::MappingCoverage;
use tauri::State;

type Res<T> = Result<T, IpcError>;

#[tauri::command]
pub async fn crosswalk_between(state: State<'_, AppState>, query: LinkQuery) -> Res<LinksView> {
    state.run(move |ws| ws.links(&query)).await
}

#[tauri::command]
pub async fn adopt_related(
    state: State<'_, AppState>,
    framework_id: String,
    reference: String,
    via_framework: String,
    via_ref: String,
    rationale: Option<String>,
    partial: Option<bool>,
) -> Res<Adoption> {
    let coverage = if partial.unwrap_or(false) {
        MappingCoverage::Partial
    } else {
        MappingCoverage::Full
    };
    state
        .run(move |ws| {
            ws.adopt(
                &framework_id,
                &reference,
                (&via_framework, &via_ref),
                rationale.as_deref(),
                coverage,
            )
        })
        .await
}

#[tauri::command]
pub async fn framework_choices(state: State<'_, AppState>) -> Res<Vec<FrameworkChoice>> {
    state.run(|ws| ws.framework_choices()).await
}

#[tauri::command]
pub async fn set_tracked(
    state: State<'_, AppState>,
    framework_id: String,
    tracked: bool,
) -> Res<Vec<FrameworkChoice>> {
    state
        .run(move |ws| ws.set_tracked(&framework_id, tracked))
        .await
}
