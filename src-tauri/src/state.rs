//! The workspace shared by every command: one `Workspace` behind a mutex, used
//! from a blocking worker thread so the window never waits on the database.
use crate::commands::IpcError;
use crosswalk_core::Workspace;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

pub struct AppState {
    pub dir: PathBuf,
    workspace: Arc<Mutex<Option<Workspace>>>,
    /// Why the workspace could not be opened, shown in the window.
    open_error: Option<IpcError>,
    /// An encrypted workspace waiting for its passphrase (at start, or
    /// after "Lock now" or the idle lock): commands answer `locked`.
    locked: Arc<std::sync::atomic::AtomicBool>,
    /// The data dir holds no workspace yet (core says so): the window asks
    /// plain or encrypted, and nothing is created until the user chooses.
    first_run: Arc<std::sync::atomic::AtomicBool>,
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
        let first_run = crosswalk_core::vault::needs_first_run(&dir);
        let (workspace, open_error, locked) = match first_run {
            true => (None, None, false),
            false => match open_workspace(&dir) {
                Ok(Some(ws)) => (Some(ws), None, false),
                Ok(None) => (None, None, true),
                Err(e) => (None, Some(e.into()), false),
            },
        };
        AppState {
            dir,
            workspace: Arc::new(Mutex::new(workspace)),
            open_error,
            locked: Arc::new(std::sync::atomic::AtomicBool::new(locked)),
            first_run: Arc::new(std::sync::atomic::AtomicBool::new(first_run)),
            reports: Default::default(),
            viewer_dir: Default::default(),
            chosen: Default::default(),
        }
    }

    /// Whether the workspace waits for its passphrase.
    pub fn is_locked(&self) -> bool {
        self.locked.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether the data dir waits for the first-run choice.
    pub fn is_first_run(&self) -> bool {
        self.first_run.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Makes the workspace chosen on the first run and opens it; returns the
    /// recovery key of an encrypted one (shown once).
    pub async fn create_first(
        &self,
        encrypted: bool,
        passphrase: Zeroizing<String>,
        confirm: Zeroizing<String>,
    ) -> Result<Option<String>, IpcError> {
        use crosswalk_core::vault::FirstRun;
        let dir = self.dir.clone();
        let ws = Arc::clone(&self.workspace);
        let first_run = Arc::clone(&self.first_run);
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = ws.lock().unwrap_or_else(|p| p.into_inner());
            let choice = if encrypted {
                FirstRun::Encrypted {
                    passphrase: &passphrase,
                    confirm: &confirm,
                }
            } else {
                FirstRun::Plain
            };
            let (new, outcome) = Workspace::create_first(&dir, choice)?;
            *guard = Some(new);
            first_run.store(false, std::sync::atomic::Ordering::SeqCst);
            Ok(outcome
                .and_then(|o| o.recovery_key)
                .map(|k| k.display().to_string()))
        })
        .await
        .map_err(|e| IpcError::internal(format!("the task stopped unexpectedly: {e}")))?
        .map_err(|e: crosswalk_core::Error| IpcError::from(e))
    }

    /// Opens the locked workspace with `secret`; a wrong one changes nothing.
    pub async fn unlock(&self, secret: crosswalk_core::vault::Secret) -> Result<(), IpcError> {
        let dir = self.dir.clone();
        let ws = tauri::async_runtime::spawn_blocking(move || Workspace::open_with(&dir, &secret))
            .await
            .map_err(|e| IpcError::internal(format!("the task stopped unexpectedly: {e}")))??;
        *self.workspace.lock().unwrap_or_else(|p| p.into_inner()) = Some(ws);
        self.locked
            .store(false, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Closes the workspace and forgets its keys; files copied for the viewer
    /// (plaintext) go too. Only an encrypted workspace can be locked.
    pub async fn lock(&self) -> Result<(), IpcError> {
        self.run(|ws| {
            if ws.is_encrypted() {
                Ok(())
            } else {
                Err(crosswalk_core::Error::Usage(
                    "only an encrypted workspace can be locked; encrypt it first in Settings"
                        .into(),
                ))
            }
        })
        .await?;
        let ws = Arc::clone(&self.workspace);
        let locked = Arc::clone(&self.locked);
        tauri::async_runtime::spawn_blocking(move || {
            // Waits for a running command, then closes the database.
            let mut guard = ws.lock().unwrap_or_else(|p| p.into_inner());
            locked.store(true, std::sync::atomic::Ordering::SeqCst);
            guard.take();
        })
        .await
        .map_err(|e| IpcError::internal(format!("the task stopped unexpectedly: {e}")))?;
        self.clear_viewer_dir();
        Ok(())
    }

    /// Replaces the open workspace with what `f` makes of its folder (after
    /// closing it): for conversions that reopen the database differently.
    pub async fn reopen<T, F>(&self, f: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&Path) -> crosswalk_core::Result<(Workspace, T)> + Send + 'static,
    {
        if let Some(e) = &self.open_error {
            return Err(e.clone());
        }
        let ws = Arc::clone(&self.workspace);
        let locked = Arc::clone(&self.locked);
        let dir = self.dir.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = ws.lock().unwrap_or_else(|p| p.into_inner());
            if guard.is_none() {
                return Err(locked_error());
            }
            guard.take(); // closed before it is converted
            match f(&dir) {
                Ok((new, out)) => {
                    *guard = Some(new);
                    Ok(out)
                }
                Err(e) => {
                    // Open it again as it is now: unchanged, or (an
                    // interrupted conversion) locked until resumed.
                    *guard = open_workspace(&dir).ok().flatten();
                    locked.store(guard.is_none(), std::sync::atomic::Ordering::SeqCst);
                    Err(IpcError::from(e))
                }
            }
        })
        .await
        .map_err(|e| IpcError::internal(format!("the task stopped unexpectedly: {e}")))?
    }

    /// A second handle for the watcher (its own connection, same keys), or
    /// None while the workspace is locked or cannot be opened.
    pub fn watcher_handle(&self) -> Option<Workspace> {
        let guard = self.workspace.lock().ok()?;
        guard.as_ref()?.second_handle().ok()
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
        if self.is_first_run() {
            return Err(first_run_error());
        }
        let ws = Arc::clone(&self.workspace);
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = ws.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let ws = guard.as_mut().ok_or_else(locked_error)?;
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
    /// `input` is core's verified reader of the stored file (decrypted in an
    /// encrypted workspace); a copy that fails verification is removed.
    pub fn viewer_copy(
        &self,
        input: &mut dyn std::io::Read,
        name: &std::ffi::OsStr,
    ) -> std::io::Result<PathBuf> {
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
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // O_CREAT|O_EXCL: an existing name, a planted link included, is refused.
            options.mode(0o400);
        }
        let mut out = options.open(&dest)?;
        if let Err(e) = std::io::copy(input, &mut out).and_then(|_| out.sync_all()) {
            drop(out);
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
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

/// The workspace as the app finds it at start: open, `None` for an encrypted
/// one that waits for its passphrase (unless the OS keyring holds its key).
fn open_workspace(dir: &Path) -> crosswalk_core::Result<Option<Workspace>> {
    use crosswalk_core::vault::{KeyFile, Secret};
    if !crosswalk_core::vault::keys::is_encrypted(dir) {
        return Workspace::open(dir).map(Some);
    }
    let keyring = KeyFile::load(dir).map(|kf| kf.keyring).unwrap_or(false);
    if keyring {
        if let Ok(ws) = Workspace::open_with(dir, &Secret::Keyring) {
            return Ok(Some(ws));
        }
    }
    Ok(None)
}

fn first_run_error() -> IpcError {
    IpcError {
        kind: "first_run".into(),
        message: "This folder holds no workspace yet. Choose a plain or an encrypted one.".into(),
        problems: vec![],
        title: Some("No workspace yet".into()),
        hint: None,
        details: None,
    }
}

fn locked_error() -> IpcError {
    IpcError {
        kind: "locked".into(),
        message: "The workspace is locked. Unlock it with its passphrase or recovery key.".into(),
        problems: vec![],
        title: Some("The workspace is locked".into()),
        hint: None,
        details: None,
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
        let a = state
            .viewer_copy(&mut &b"evidence"[..], "report.pdf".as_ref())
            .unwrap();
        let b = state
            .viewer_copy(&mut &b"evidence"[..], "report.pdf".as_ref())
            .unwrap();
        assert_ne!(a, b, "every copy is made fresh");
        assert_eq!(std::fs::read(&a).unwrap(), b"evidence");
        let root = a.parent().unwrap().parent().unwrap().to_path_buf();
        let mode = std::fs::metadata(&root).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the folder is private");
        // A name cannot climb out of the folder.
        let c = state
            .viewer_copy(&mut &b"evidence"[..], "../../etc/passwd".as_ref())
            .unwrap();
        assert!(c.starts_with(&root));
        // A copy whose reader fails (core's verified reader on a changed
        // blob) leaves nothing behind for the viewer.
        struct Failing;
        impl std::io::Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("its SHA-256 is now 00"))
            }
        }
        let err = state.viewer_copy(&mut Failing, "bad.pdf".as_ref());
        assert!(err.is_err());
        assert!(!std::fs::read_dir(&root)
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.path().join("bad.pdf").exists()));
        state.clear_viewer_dir();
        assert!(!root.exists(), "removed on exit");
    }

    #[test]
    fn runs_core_calls_off_the_main_thread() {
        let dir = tempfile::tempdir().unwrap();
        drop(Workspace::open(dir.path()).unwrap());
        let state = AppState::open(dir.path().to_path_buf());
        let ids = tauri::async_runtime::block_on(state.run(|ws| ws.frameworks())).unwrap();
        assert_eq!(
            ids.len(),
            6,
            "a fresh workspace holds the six shipped frameworks"
        );
    }

    #[test]
    fn an_empty_folder_waits_for_the_first_run_choice_and_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path().to_path_buf());
        assert!(state.is_first_run() && !state.is_locked());
        let err = tauri::async_runtime::block_on(state.run(|ws| ws.frameworks())).unwrap_err();
        assert_eq!(err.kind, "first_run");
        assert!(
            !dir.path().join("crosswalk.db").exists(),
            "nothing created yet"
        );
        let rk = tauri::async_runtime::block_on(state.create_first(
            false,
            Default::default(),
            Default::default(),
        ))
        .unwrap();
        assert_eq!(rk, None);
        assert!(!state.is_first_run());
        let ids = tauri::async_runtime::block_on(state.run(|ws| ws.frameworks())).unwrap();
        assert_eq!(ids.len(), 6);
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
