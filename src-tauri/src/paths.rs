//! The only paths IPC commands accept: those the user chose in this session,
//! through a native dialog opened from Rust or a drop on the window. Page
//! script cannot name a file of its own: every path a command receives is
//! checked against what was chosen (a file, or anything inside a chosen
//! folder, after links are resolved), and a command that writes may write only
//! to a path picked in a save dialog.
//!
//! Test builds only: `CROSSWALK_E2E_TYPED_PATHS=1` in a *debug* build also
//! accepts paths typed into the window's path fields, so the WebDriver suite
//! (which cannot drive a native dialog) can name its fixtures. Release builds
//! ignore it.
use crate::commands::IpcError;
use crate::AppState;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

#[derive(Default)]
pub struct Chosen {
    read: Mutex<HashSet<PathBuf>>,
    write: Mutex<HashSet<PathBuf>>,
}

fn typed_paths_allowed() -> bool {
    cfg!(debug_assertions)
        && std::env::var_os("CROSSWALK_E2E_TYPED_PATHS").is_some_and(|v| v == "1")
}

/// `path` with its folder resolved (the file itself need not exist yet).
fn normal(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty())?;
    Some(parent.canonicalize().ok()?.join(path.file_name()?))
}

fn refused(path: &Path, what: &str) -> IpcError {
    IpcError {
        kind: "usage".into(),
        message: format!("{} was not chosen in this window; {what}", path.display()),
        problems: Vec::new(),
        title: Some("This file was not chosen here".into()),
        hint: Some("Choose it with the file dialog or drop it on the window.".into()),
        details: None,
    }
}

impl Chosen {
    pub fn choose_for_reading(&self, paths: &[PathBuf]) {
        let mut set = self.read.lock().unwrap_or_else(|p| p.into_inner());
        set.extend(paths.iter().filter_map(|p| normal(p)));
    }

    pub fn choose_for_writing(&self, path: &Path) {
        if let Some(p) = normal(path) {
            self.write
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(p);
        }
    }

    /// A path to read: one chosen, or inside a chosen folder.
    pub fn check_read(&self, path: &Path) -> Result<(), IpcError> {
        if typed_paths_allowed() {
            return Ok(());
        }
        let set = self.read.lock().unwrap_or_else(|p| p.into_inner());
        match path.canonicalize() {
            Ok(p)
                if set
                    .iter()
                    .any(|c| p == *c || (c.is_dir() && p.starts_with(c))) =>
            {
                Ok(())
            }
            _ => Err(refused(
                path,
                "choose it with the file dialog or drop it on the window",
            )),
        }
    }

    /// A path to write: exactly one picked in a save dialog.
    pub fn check_write(&self, path: &Path) -> Result<(), IpcError> {
        if typed_paths_allowed() {
            return Ok(());
        }
        let set = self.write.lock().unwrap_or_else(|p| p.into_inner());
        match normal(path) {
            Some(p) if set.contains(&p) => Ok(()),
            _ => Err(refused(
                path,
                "choose where to save it with the save dialog",
            )),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Filter {
    pub name: String,
    pub extensions: Vec<String>,
}

/// Opens a native open dialog (files, or one folder) and returns what the
/// user picked, remembering it as chosen.
#[tauri::command]
pub async fn pick_paths(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    filters: Option<Vec<Filter>>,
    multiple: Option<bool>,
    directory: Option<bool>,
) -> Result<Vec<String>, IpcError> {
    let dialog = app.clone();
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let mut d = dialog.dialog().file().set_title(title);
        for f in filters.unwrap_or_default() {
            let ext: Vec<&str> = f.extensions.iter().map(String::as_str).collect();
            d = d.add_filter(f.name, &ext);
        }
        let chosen = if directory.unwrap_or(false) {
            d.blocking_pick_folder().map(|p| vec![p])
        } else if multiple.unwrap_or(false) {
            d.blocking_pick_files()
        } else {
            d.blocking_pick_file().map(|p| vec![p])
        };
        chosen
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.into_path().ok())
            .collect::<Vec<PathBuf>>()
    })
    .await
    .map_err(|e| IpcError::internal(format!("the dialog stopped unexpectedly: {e}")))?;
    state.chosen.choose_for_reading(&picked);
    Ok(picked.iter().map(|p| p.display().to_string()).collect())
}

/// Opens a native save dialog; the path picked is the only one a later
/// export or report may write.
#[tauri::command]
pub async fn pick_save_path(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    default_name: String,
    extensions: Vec<String>,
) -> Result<Option<String>, IpcError> {
    let dialog = app.clone();
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let ext: Vec<&str> = extensions.iter().map(String::as_str).collect();
        dialog
            .dialog()
            .file()
            .set_title(title)
            .set_file_name(default_name)
            .add_filter(ext.join(", ").to_uppercase(), &ext)
            .blocking_save_file()
            .and_then(|p| p.into_path().ok())
    })
    .await
    .map_err(|e| IpcError::internal(format!("the dialog stopped unexpectedly: {e}")))?;
    if let Some(p) = &picked {
        state.chosen.choose_for_writing(p);
    }
    Ok(picked.map(|p| p.display().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_chosen_paths_pass() {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("lib");
        std::fs::create_dir_all(&lib).unwrap();
        std::fs::write(lib.join("a.yaml"), "x").unwrap();
        std::fs::write(dir.path().join("secret"), "x").unwrap();
        let c = Chosen::default();
        assert!(
            c.check_read(&lib.join("a.yaml")).is_err(),
            "nothing chosen yet"
        );
        c.choose_for_reading(std::slice::from_ref(&lib));
        assert!(
            c.check_read(&lib.join("a.yaml")).is_ok(),
            "inside a chosen folder"
        );
        assert!(
            c.check_read(&lib.join("../secret")).is_err(),
            "no way out with .."
        );
        assert!(c.check_read(Path::new("/etc/passwd")).is_err());
        let out = dir.path().join("out.yaml");
        assert!(c.check_write(&out).is_err());
        c.choose_for_writing(&out);
        assert!(c.check_write(&out).is_ok());
        assert!(c.check_write(&dir.path().join("other.yaml")).is_err());
        assert!(
            c.check_write(&lib.join("a.yaml")).is_err(),
            "chosen to read is not chosen to write"
        );
    }
}
