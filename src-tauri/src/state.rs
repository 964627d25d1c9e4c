//! The workspace shared by every command: one `Workspace` behind a mutex, used
//! from a blocking worker thread so the window never waits on the database.
use crate::commands::IpcError;
use crosswalk_core::Workspace;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct AppState {
    pub dir: PathBuf,
    workspace: Arc<Mutex<Option<Workspace>>>,
    /// Why the workspace could not be opened, shown in the window.
    open_error: Option<IpcError>,
    /// Reports written by this window: the only files `open_report` opens
    /// besides those in the workspace's `reports/` folder.
    reports: Mutex<HashSet<PathBuf>>,
    /// Where evidence is copied for the system viewer: a folder of this
    /// session only (mode 0700, random name, made fresh), removed on exit.
    viewer_dir: Mutex<Option<tempfile::TempDir>>,
    /// Paths the user chose in this session (dialogs, drops): the only ones
    /// commands accept.
    pub chosen: crate::paths::Chosen,
}

impl AppState {
    pub fn open(dir: PathBuf) -> Self {
        match Workspace::open(&dir) {
            Ok(ws) => AppState {
                dir,
                workspace: Arc::new(Mutex::new(Some(ws))),
                open_error: None,
                reports: Default::default(),
                viewer_dir: Default::default(),
                chosen: Default::default(),
            },
            Err(e) => AppState {
                dir,
                workspace: Arc::new(Mutex::new(None)),
                open_error: Some(e.into()),
                reports: Default::default(),
                viewer_dir: Default::default(),
                chosen: Default::default(),
            },
        }
    }

    /// Runs `f` on the workspace on a blocking thread and returns its result.
    pub async fn run<T, F>(&self, f: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Workspace) -> crosswalk_core::Result<T> + Send + 'static,
    {
        if let Some(e) = &self.open_error {
            return Err(e.clone());
        }
        let ws = Arc::clone(&self.workspace);
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = ws.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let ws = guard
                .as_mut()
                .ok_or_else(|| IpcError::internal("the workspace is not open"))?;
            let result = f(ws).map_err(IpcError::from);
            crate::app_cmds::note_own_head(ws);
            result
        })
        .await
        .map_err(|e| IpcError::internal(format!("the task stopped unexpectedly: {e}")))?
    }

    pub fn open_error(&self) -> Option<&IpcError> {
        self.open_error.as_ref()
    }

    /// Copies a stored file for the system viewer into this session's private
    /// folder under `name`: a fresh random subfolder per copy, the file created
    /// exclusively (nothing planted there can be followed or reused), read-only.
    /// The blob is opened without following links and without blocking.
    pub fn viewer_copy(&self, blob: &Path, name: &std::ffi::OsStr) -> std::io::Result<PathBuf> {
        let mut guard = self.viewer_dir.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            // A random name, created exclusively, mode 0700 asked for explicitly
            // (tempfile's default follows the umask).
            let mut builder = tempfile::Builder::new();
            builder.prefix("crosswalk-view-");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(std::fs::Permissions::from_mode(0o700));
            }
            *guard = Some(builder.tempdir()?);
        }
        let root = guard.as_ref().expect("just made").path().to_path_buf();
        drop(guard);
        let dir = tempfile::Builder::new()
            .prefix("f-")
            .tempdir_in(&root)?
            .keep();
        let name = Path::new(name)
            .file_name()
            .filter(|n| !n.is_empty())
            .unwrap_or(std::ffi::OsStr::new("evidence"));
        let dest = dir.join(name);
        let (mut input, _) = crosswalk_core::input::open_regular(blob, false)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // O_CREAT|O_EXCL: an existing name, a planted link included, is refused.
            options.mode(0o400);
        }
        let mut out = options.open(&dest)?;
        std::io::copy(&mut input, &mut out)?;
        out.sync_all()?;
        Ok(dest)
    }

    /// Removes the viewer folder (on exit).
    pub fn clear_viewer_dir(&self) {
        self.viewer_dir
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
    }

    pub fn remember_report(&self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.reports
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path);
    }

    pub fn may_open_report(&self, path: &Path) -> bool {
        let Ok(path) = path.canonicalize() else {
            return false;
        };
        let in_reports_dir = self
            .dir
            .join("reports")
            .canonicalize()
            .is_ok_and(|dir| path.starts_with(dir));
        let is_pdf = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        is_pdf
            && (in_reports_dir
                || self
                    .reports
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .contains(&path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn evidence_for_the_viewer_goes_to_a_private_fresh_folder() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path().join("ws"));
        let blob = dir.path().join("blob");
        std::fs::write(&blob, b"evidence").unwrap();
        let a = state.viewer_copy(&blob, "report.pdf".as_ref()).unwrap();
        let b = state.viewer_copy(&blob, "report.pdf".as_ref()).unwrap();
        assert_ne!(a, b, "every copy is made fresh");
        assert_eq!(std::fs::read(&a).unwrap(), b"evidence");
        let root = a.parent().unwrap().parent().unwrap().to_path_buf();
        let mode = std::fs::metadata(&root).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the folder is private");
        // A name cannot climb out of the folder.
        let c = state
            .viewer_copy(&blob, "../../etc/passwd".as_ref())
            .unwrap();
        assert!(c.starts_with(&root));
        // A FIFO in place of a blob is refused, not waited on.
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        assert!(state.viewer_copy(&fifo, "x".as_ref()).is_err());
        state.clear_viewer_dir();
        assert!(!root.exists(), "removed on exit");
    }

    #[test]
    fn runs_core_calls_off_the_main_thread() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path().to_path_buf());
        let ids = tauri::async_runtime::block_on(state.run(|ws| ws.frameworks())).unwrap();
        assert_eq!(
            ids.len(),
            6,
            "a fresh workspace holds the six shipped frameworks"
        );
    }

    #[test]
    fn an_unopenable_workspace_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let state = AppState::open(file);
        assert!(state.open_error().is_some());
        let err = tauri::async_runtime::block_on(state.run(|ws| ws.frameworks())).unwrap_err();
        assert_eq!(err.kind, "io");
    }

    #[test]
    fn opens_only_reports() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path().to_path_buf());
        let reports = dir.path().join("reports");
        std::fs::create_dir_all(&reports).unwrap();
        let pdf = reports.join("r.pdf");
        std::fs::write(&pdf, b"%PDF-").unwrap();
        let other = dir.path().join("elsewhere.pdf");
        std::fs::write(&other, b"%PDF-").unwrap();
        let db = dir.path().join("crosswalk.db");
        assert!(state.may_open_report(&pdf));
        assert!(
            !state.may_open_report(&other),
            "a PDF this window did not write"
        );
        assert!(!state.may_open_report(&db), "not a PDF");
        state.remember_report(&other);
        assert!(state.may_open_report(&other));
    }
}
