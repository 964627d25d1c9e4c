//! Crosswalk's desktop shell. It opens the user's workspace, hands it to the
//! thin IPC commands in [`commands`], and wires the plugins the window uses.
//! No rule of the domain lives here: every command parses, calls
//! `crosswalk-core`, and returns.

// Commands return `IpcError` by value because Tauri serializes it straight
// into the reply; boxing it would buy nothing on a path that crosses IPC.
#![allow(clippy::result_large_err)]
mod app_cmds;
mod commands;
mod crosswalk_cmds;
mod daily_cmds;
mod evidence_cmds;
mod package_cmds;
mod paths;
mod state;
mod vault_cmds;

use tauri::Manager;

pub use state::AppState;

/// Where the workspace lives: `--data-dir DIR` on the command line, else
/// core's rule (`CROSSWALK_DATA_DIR`, else the platform data folder), the
/// same as the `crosswalk` CLI.
fn data_dir() -> std::path::PathBuf {
    let mut args = std::env::args_os().skip(1);
    let mut explicit = None;
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            explicit = args.next().map(std::path::PathBuf::from);
            break;
        } else if let Some(dir) = arg.to_str().and_then(|a| a.strip_prefix("--data-dir=")) {
            explicit = Some(dir.into());
            break;
        }
    }
    crosswalk_core::data_dir::resolve_data_dir(explicit)
}

pub fn run() {
    tauri::Builder::default()
        // First, so a second launch hands over before it opens the database.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            let dir = data_dir();
            app.manage(AppState::open(dir));
            app_cmds::watch(app.handle().clone());
            Ok(())
        })
        // A drop on the window is a choice of the user: remember its paths
        // before the page asks a command to use them.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                if let Some(state) = window.try_state::<AppState>() {
                    state.chosen.choose_for_reading(paths);
                }
            }
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!())
        .expect("error while running Crosswalk")
        .run(|app, event| {
            // Copies made for the system viewer go with the session.
            if let tauri::RunEvent::Exit = event {
                if let Some(state) = app.try_state::<AppState>() {
                    state.clear_viewer_dir();
                }
            }
        });
}
