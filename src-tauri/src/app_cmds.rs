//! Commands for the daily tool: form checks (core's field rules), settings,
//! bulk changes to controls; and the watcher that tells the window when the
//! workspace changed underneath it (a CLI import, another window) and shows
//! the daily expiry reminder. Each command calls one core function.
use crate::commands::IpcError;
use crate::AppState;
use crosswalk_core::bulk::{BulkReport, Change, Selection};
use crosswalk_core::settings::{Settings, SettingsChange};
use crosswalk_core::validate::{FieldInput, FieldResult};
use crosswalk_core::Workspace;
use serde::Serialize;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, State};

type Res<T> = Result<T, IpcError>;

/// Checks form fields with the rules import and save use; one result per field.
#[tauri::command]
pub async fn validate_fields(fields: Vec<FieldInput>) -> Res<Vec<FieldResult>> {
    Ok(crosswalk_core::validate::check_fields(&fields))
}

#[tauri::command]
pub async fn settings(state: State<'_, AppState>) -> Res<Settings> {
    state.run(|ws| ws.settings()).await
}

#[tauri::command]
pub async fn save_settings(state: State<'_, AppState>, change: SettingsChange) -> Res<Settings> {
    state.run(move |ws| ws.save_settings(&change)).await
}

/// Previews (`dry_run`) or applies one change to many controls.
#[tauri::command]
pub async fn bulk_controls(
    state: State<'_, AppState>,
    selection: Selection,
    change: Change,
    dry_run: bool,
) -> Res<BulkReport> {
    state
        .run(move |ws| ws.bulk_controls(&selection, &change, dry_run))
        .await
}

/// The number of the newest audit event, the same the watcher reports.
#[tauri::command]
pub async fn audit_head(state: State<'_, AppState>) -> Res<i64> {
    state.run(|ws| ws.audit_head().map(|(seq, _)| seq)).await
}

/// Sent to the window when the audit trail grew or was rewritten.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceChanged {
    pub seq: i64,
}

/// How often the watcher looks: a one-row query, cheap next to the window.
const POLL: Duration = Duration::from_millis(1500);

/// The newest audit event as this window's own last command left it: the
/// window already reloads after its own changes, so the watcher only speaks
/// up for changes made elsewhere (reloading twice would wipe what a view
/// just showed, such as "Saved").
static OWN_HEAD: std::sync::Mutex<Option<(i64, String)>> = std::sync::Mutex::new(None);

/// Called after every command the window runs (see `AppState::run`).
pub fn note_own_head(ws: &Workspace) {
    if let Ok(head) = ws.audit_head() {
        *OWN_HEAD.lock().unwrap_or_else(|p| p.into_inner()) = Some(head);
    }
}

/// Watches the workspace from its own connection, so it never waits behind
/// a long command holding the window's one: when the newest audit event
/// changes, it emits `workspace-changed`; at start and after each change it
/// asks core whether evidence needs today's reminder (core says yes at most
/// once a day).
pub fn watch(app: AppHandle) {
    std::thread::Builder::new()
        .name("workspace-watcher".into())
        .spawn(move || {
            let mut ws: Option<Workspace> = None;
            let mut head = None;
            let mut checked_day = None;
            let mut changed = false;
            loop {
                let state = app.state::<crate::AppState>();
                if state.is_locked() {
                    ws = None; // its keys go with it
                } else if ws.is_none() {
                    // A second handle of the window's workspace (same keys
                    // when encrypted); none while it cannot be opened.
                    ws = state.watcher_handle();
                    head = ws.as_ref().and_then(|w| w.audit_head().ok());
                }
                let Some(w) = ws.as_mut() else {
                    std::thread::sleep(POLL);
                    continue;
                };
                // Core gives a reminder at most once a day; asking again after
                // a change catches evidence that only just became due.
                let today = w.today();
                if checked_day != Some(today) || changed {
                    checked_day = Some(today);
                    if let Ok(Some(expiry)) = w.expiry_reminder_due() {
                        notify_expiry(&app, &expiry);
                    }
                }
                std::thread::sleep(POLL);
                let now = w.audit_head().ok();
                changed = now.is_some() && now != head;
                if changed {
                    head = now;
                    let own = OWN_HEAD.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    if head != own {
                        let seq = head.as_ref().map(|(s, _)| *s).unwrap_or(0);
                        let _ = app.emit("workspace-changed", WorkspaceChanged { seq });
                    }
                }
            }
        })
        .expect("the watcher thread starts");
}

fn notify_expiry(app: &AppHandle, expiry: &crosswalk_core::evidence::Expiry) {
    use tauri_plugin_notification::NotificationExt;
    let (expired, expiring) = (expiry.expired.len(), expiry.expiring.len());
    let title = match (expired, expiring) {
        (0, n) => format!(
            "{n} evidence item(s) expire within {} days",
            expiry.within_days
        ),
        (n, 0) => format!("{n} evidence item(s) have expired"),
        (a, b) => format!(
            "{a} evidence item(s) expired, {b} expire within {} days",
            expiry.within_days
        ),
    };
    let first: Vec<String> = expiry
        .expired
        .iter()
        .chain(&expiry.expiring)
        .take(3)
        .map(|e| {
            format!(
                "{} (valid until {})",
                e.title,
                e.valid_until.map(|d| d.to_string()).unwrap_or_default()
            )
        })
        .collect();
    let body = format!(
        "{}. Open Crosswalk → Evidence to renew them.",
        first.join("; ")
    );
    // No notification service (a bare X server, CI) is not an error worth a dialog.
    let _ = app.notification().builder().title(title).body(body).show();
}
