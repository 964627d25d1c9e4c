//! Commands of an encrypted workspace: unlock, lock, encrypt, passphrase,
//! keyring and idle lock. Each is one call into core (`core/src/vault/`);
//! the passphrase crosses IPC once and is zeroed when the call returns.
use crate::commands::IpcError;
use crate::AppState;
use crosswalk_core::vault::{KeyFile, NewPassphraseCheck, Secret, VaultStatus};
use serde::Serialize;
use tauri::State;
use zeroize::Zeroizing;

type Res<T> = Result<T, IpcError>;

/// What the window needs to know about the workspace's encryption.
#[derive(Debug, Serialize)]
pub struct VaultState {
    pub data_dir: String,
    pub encrypted: bool,
    /// No workspace in the data dir yet: the window shows the first-run choice.
    pub first_run: bool,
    /// Waiting for the passphrase: the window shows the unlock screen.
    pub locked: bool,
    /// The data key is also in the OS keyring (unlocks without typing).
    pub keyring: bool,
    pub idle_lock_minutes: Option<u32>,
    /// Core's full status, when the workspace is open.
    pub status: Option<VaultStatus>,
}

#[tauri::command]
pub async fn vault_state(state: State<'_, AppState>) -> Res<VaultState> {
    let data_dir = state.dir.display().to_string();
    if state.is_first_run() {
        return Ok(VaultState {
            data_dir,
            encrypted: false,
            first_run: true,
            locked: false,
            keyring: false,
            idle_lock_minutes: None,
            status: None,
        });
    }
    if state.is_locked() {
        let dir = state.dir.clone();
        let keyring = KeyFile::load(&dir).map(|kf| kf.keyring).unwrap_or(false);
        return Ok(VaultState {
            data_dir,
            encrypted: true,
            first_run: false,
            locked: true,
            keyring,
            idle_lock_minutes: None,
            status: None,
        });
    }
    state
        .run(move |ws| {
            let status = ws.vault_status()?;
            Ok(VaultState {
                data_dir,
                encrypted: status.encrypted,
                first_run: false,
                locked: false,
                keyring: status.keyring,
                idle_lock_minutes: ws.idle_lock_minutes()?,
                status: Some(status),
            })
        })
        .await
}

/// Core's messages on a new passphrase and its repetition, per field.
#[tauri::command]
pub async fn check_new_passphrase(passphrase: String, confirm: String) -> Res<NewPassphraseCheck> {
    let (p, c) = (Zeroizing::new(passphrase), Zeroizing::new(confirm));
    Ok(crosswalk_core::vault::check_new_passphrases(&p, &c))
}

/// The first run: makes a plain or an encrypted workspace in the data dir
/// and opens it. Returns the recovery key of an encrypted one, shown once.
#[tauri::command]
pub async fn create_workspace(
    state: State<'_, AppState>,
    encrypted: bool,
    passphrase: Option<String>,
    confirm: Option<String>,
) -> Res<Option<String>> {
    let p = Zeroizing::new(passphrase.unwrap_or_default());
    let c = Zeroizing::new(confirm.unwrap_or_default());
    state.create_first(encrypted, p, c).await
}

#[tauri::command]
pub async fn unlock(
    state: State<'_, AppState>,
    passphrase: String,
    recovery: Option<bool>,
) -> Res<()> {
    let secret = Zeroizing::new(passphrase);
    let secret = if recovery.unwrap_or(false) {
        Secret::RecoveryKey(secret)
    } else {
        Secret::Passphrase(secret)
    };
    state.unlock(secret).await
}

#[tauri::command]
pub async fn lock_now(state: State<'_, AppState>) -> Res<()> {
    state.lock().await
}

/// Encrypts the open workspace; returns the recovery key, shown once.
#[tauri::command]
pub async fn encrypt_workspace(
    state: State<'_, AppState>,
    passphrase: String,
    confirm: String,
) -> Res<String> {
    let passphrase = Zeroizing::new(passphrase);
    if *passphrase != confirm {
        return Err(field_error(
            "The two passphrases differ; type the same one twice.",
        ));
    }
    crosswalk_core::vault::keys::check_new_passphrase(&passphrase).map_err(IpcError::from)?;
    state
        .reopen(move |dir| {
            let (ws, outcome) = crosswalk_core::Workspace::encrypt_workspace(
                dir,
                Some(&passphrase),
                None,
                &mut |_| {},
            )?;
            let recovery = outcome
                .recovery_key
                .map(|k| k.display().to_string())
                .unwrap_or_default();
            Ok((ws, recovery))
        })
        .await
}

#[tauri::command]
pub async fn change_passphrase(
    state: State<'_, AppState>,
    passphrase: String,
    confirm: String,
) -> Res<()> {
    let passphrase = Zeroizing::new(passphrase);
    if *passphrase != confirm {
        return Err(field_error(
            "The two passphrases differ; type the same one twice.",
        ));
    }
    state.run(move |ws| ws.change_passphrase(&passphrase)).await
}

#[tauri::command]
pub async fn set_idle_lock(state: State<'_, AppState>, minutes: String) -> Res<Option<u32>> {
    state
        .run(move |ws| {
            let minutes = crosswalk_core::vault::parse_idle_lock(&minutes)?;
            ws.set_idle_lock_minutes(minutes)
        })
        .await
}

#[tauri::command]
pub async fn set_keyring(state: State<'_, AppState>, on: bool) -> Res<()> {
    state.run(move |ws| ws.set_keyring(on)).await
}

fn field_error(message: &str) -> IpcError {
    IpcError {
        kind: "usage".into(),
        message: message.into(),
        problems: vec![],
        title: Some("The passphrase was not changed".into()),
        hint: None,
        details: None,
    }
}
