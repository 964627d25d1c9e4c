//! `crosswalk init --encrypt`, `crosswalk vault …`, `crosswalk evidence purge`,
//! and unlocking an encrypted workspace for every other command. Secrets come
//! from a file descriptor, the environment or a terminal prompt; never from
//! the command line, where other users could read them.
use clap::Subcommand;
use crosswalk_core::vault::keys::{self, KeyFile};
use crosswalk_core::vault::{Secret, VaultOutcome, VaultProgress};
use crosswalk_core::{Error, Workspace};
use serde::Serialize;
use std::io::{IsTerminal, Read};
use std::path::Path;
use zeroize::Zeroizing;

#[derive(Subcommand)]
pub enum VaultCommand {
    /// Encrypt this plaintext workspace (database and evidence files). Resumable:
    /// run it again after an interruption. Needs the workspace to itself.
    Encrypt {
        #[arg(long)]
        json: bool,
    },
    /// Change the passphrase (the new one from CROSSWALK_NEW_PASSPHRASE,
    /// --new-passphrase-fd or the prompt). Nothing is re-encrypted.
    Passphrase {
        /// Read the new passphrase from this file descriptor (first line).
        #[arg(long)]
        new_passphrase_fd: Option<i32>,
    },
    /// Rotate the data key: re-encrypt every file and the database under a new
    /// key, with a new recovery key. Resumable; needs the workspace to itself.
    Rotate {
        #[arg(long)]
        json: bool,
    },
    /// Whether and how the workspace is encrypted.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Keep the data key in the OS keyring (Secret Service, Keychain,
    /// Credential Manager) so the workspace unlocks without a passphrase.
    Keyring {
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
}

/// Where the passphrase of this run comes from.
#[derive(Clone, Copy, Default)]
pub struct Unlock {
    pub passphrase_fd: Option<i32>,
}

fn read_fd_line(fd: i32) -> Result<Zeroizing<String>, Error> {
    #[cfg(unix)]
    {
        use std::os::fd::FromRawFd;
        if fd < 0 {
            return Err(Error::Usage(format!(
                "--passphrase-fd {fd}: not a file descriptor"
            )));
        }
        // SAFETY: the user handed us this descriptor for exactly this read; it
        // is read once and not used elsewhere in the process.
        let mut f = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(fd) });
        let mut bytes = Zeroizing::new(Vec::new());
        let mut b = [0u8; 1];
        loop {
            match f.read(&mut b) {
                Ok(0) => break,
                Ok(_) if b[0] == b'\n' => break,
                Ok(_) => bytes.push(b[0]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(Error::io(
                        format!("cannot read the passphrase from descriptor {fd}"),
                        e,
                    ))
                }
            }
            if bytes.len() > 4096 {
                return Err(Error::Usage(format!(
                    "descriptor {fd} does not hold a passphrase (no newline in 4096 bytes)"
                )));
            }
        }
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let s = String::from_utf8(bytes.to_vec()).map_err(|_| {
            Error::Usage(format!("the passphrase from descriptor {fd} is not UTF-8"))
        })?;
        Ok(Zeroizing::new(s))
    }
    #[cfg(not(unix))]
    {
        let _ = fd;
        Err(Error::Usage(
            "--passphrase-fd works on Unix only; use CROSSWALK_PASSPHRASE".into(),
        ))
    }
}

fn prompt(label: &str) -> Result<Zeroizing<String>, Error> {
    rpassword::prompt_password(label)
        .map(Zeroizing::new)
        .map_err(|e| Error::io("cannot read the passphrase from the terminal", e))
}

fn no_terminal(what: &str) -> Error {
    Error::Locked(format!(
        "{what}: set CROSSWALK_PASSPHRASE or pass --passphrase-fd N (there is no terminal to ask on)"
    ))
}

/// The passphrase of an existing workspace, or `None` when none was given and
/// there is no terminal.
fn passphrase(u: Unlock) -> Result<Option<Zeroizing<String>>, Error> {
    if let Some(fd) = u.passphrase_fd {
        return read_fd_line(fd).map(Some);
    }
    if let Ok(p) = std::env::var("CROSSWALK_PASSPHRASE") {
        return Ok(Some(Zeroizing::new(p)));
    }
    if std::io::stdin().is_terminal() {
        return prompt("passphrase: ").map(Some);
    }
    Ok(None)
}

/// The secret that unlocks `dir`: a recovery key (CROSSWALK_RECOVERY_KEY), the
/// passphrase, or the OS keyring when the workspace keeps its key there.
pub fn secret(dir: &Path, u: Unlock) -> Result<Secret, Error> {
    if let Ok(r) = std::env::var("CROSSWALK_RECOVERY_KEY") {
        return Ok(Secret::RecoveryKey(Zeroizing::new(r)));
    }
    let explicit = u.passphrase_fd.is_some() || std::env::var_os("CROSSWALK_PASSPHRASE").is_some();
    if !explicit && KeyFile::load(dir).map(|k| k.keyring).unwrap_or(false) {
        return Ok(Secret::Keyring);
    }
    passphrase(u)?
        .map(Secret::Passphrase)
        .ok_or_else(|| no_terminal(&format!("{} is an encrypted workspace", dir.display())))
}

/// A passphrase chosen now: from the given descriptor, `env`, or asked twice.
fn new_passphrase(fd: Option<i32>, env: &str) -> Result<Zeroizing<String>, Error> {
    if let Some(fd) = fd {
        return read_fd_line(fd);
    }
    if let Ok(p) = std::env::var(env) {
        return Ok(Zeroizing::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage(format!(
            "a new passphrase is needed: set {env} or pass a descriptor (there is no terminal to ask on)"
        )));
    }
    let a = prompt("new passphrase: ")?;
    let b = prompt("repeat it: ")?;
    if *a != *b {
        return Err(Error::Usage(
            "the two passphrases differ; nothing was changed".into(),
        ));
    }
    Ok(a)
}

/// Opens the workspace in `dir`, unlocking it when it is encrypted.
pub fn open(dir: &Path, u: Unlock) -> Result<Workspace, Error> {
    if !keys::is_encrypted(dir) {
        return Workspace::open(dir);
    }
    Workspace::open_with(dir, &secret(dir, u)?)
}

#[derive(Serialize)]
struct OutcomeView<'a> {
    #[serde(flatten)]
    outcome: &'a VaultOutcome,
    /// Present only on the run that created it: shown once, store it offline.
    recovery_key: Option<String>,
}

fn show_outcome(json: bool, what: &str, o: &VaultOutcome) {
    let rk = o.recovery_key.as_ref().map(|r| r.display().to_string());
    if json {
        let v = OutcomeView {
            outcome: o,
            recovery_key: rk,
        };
        println!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
        return;
    }
    println!("{what} (key {})", o.key_id);
    if o.blobs_moved > 0 || o.resumed {
        println!(
            "{} evidence file(s) re-encrypted{}",
            o.blobs_moved,
            if o.resumed {
                "; an interrupted run was completed"
            } else {
                ""
            }
        );
    }
    if o.temp_files_removed > 0 {
        println!(
            "{} partial file(s) of interrupted ingests deleted",
            o.temp_files_removed
        );
    }
    if let Some(rk) = rk {
        println!();
        println!("RECOVERY KEY (shown once; write it down and keep it away from this computer):");
        println!("    {rk}");
        println!(
            "With it the workspace opens if the passphrase is forgotten (CROSSWALK_RECOVERY_KEY)."
        );
    }
}

fn bar_progress() -> impl FnMut(VaultProgress) {
    let bar = crate::progress_bar("vault");
    move |p: VaultProgress| {
        if let Some(b) = &bar {
            b.set_message(p.phase);
            b.set_length(p.total);
            b.set_position(p.done);
        }
    }
}

/// `crosswalk init [--encrypt]`.
pub fn init(dir: &Path, encrypt: bool, u: Unlock, json: bool) -> Result<(), Error> {
    if !encrypt {
        let ws = open(dir, u)?;
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&ws.vault_status()?).expect("serializes")
            );
        } else {
            println!("workspace ready in {}", ws.dir().display());
        }
        return Ok(());
    }
    let pass = match u.passphrase_fd {
        Some(fd) => read_fd_line(fd)?,
        None => new_passphrase(None, "CROSSWALK_PASSPHRASE")?,
    };
    let (_ws, outcome) = Workspace::create_encrypted(dir, &pass)?;
    show_outcome(
        json,
        &format!("created an encrypted workspace in {}", dir.display()),
        &outcome,
    );
    Ok(())
}

pub fn run(dir: &Path, u: Unlock, cmd: VaultCommand) -> Result<(), Error> {
    match cmd {
        VaultCommand::Encrypt { json } => {
            let resuming = keys::is_encrypted(dir);
            let (new, resume) = if resuming {
                (None, Some(secret(dir, u)?))
            } else {
                let p = match u.passphrase_fd {
                    Some(fd) => read_fd_line(fd)?,
                    None => new_passphrase(None, "CROSSWALK_PASSPHRASE")?,
                };
                (Some(p), None)
            };
            let mut progress = bar_progress();
            let (_ws, outcome) = Workspace::encrypt_workspace(
                dir,
                new.as_deref().map(|s| s.as_str()),
                resume.as_ref(),
                &mut progress,
            )?;
            show_outcome(
                json,
                &format!("encrypted the workspace in {}", dir.display()),
                &outcome,
            );
        }
        VaultCommand::Passphrase { new_passphrase_fd } => {
            let mut ws = open(dir, u)?;
            let new = new_passphrase(new_passphrase_fd, "CROSSWALK_NEW_PASSPHRASE")?;
            ws.change_passphrase(&new)?;
            eprintln!("passphrase changed; the recovery key stays valid");
        }
        VaultCommand::Rotate { json } => {
            let pass = passphrase(u)?
                .ok_or_else(|| no_terminal("rotating the key needs the passphrase"))?;
            let mut ws = Workspace::open_with(dir, &Secret::Passphrase(pass.clone()))?;
            let mut progress = bar_progress();
            let outcome = ws.rotate_data_key(&pass, &mut progress)?;
            show_outcome(json, "rotated the data key", &outcome);
        }
        VaultCommand::Status { json } => {
            let ws = open(dir, u)?;
            let s = ws.vault_status()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s).expect("serializes"));
            } else if !s.encrypted {
                println!(
                    "not encrypted ({} evidence files); `crosswalk vault encrypt` encrypts it",
                    s.blobs_total
                );
            } else {
                let state = serde_json::to_value(s.state)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default();
                println!(
                    "encrypted: {state}, key {}",
                    s.key_id.as_deref().unwrap_or("?")
                );
                println!(
                    "database encrypted: {}",
                    if s.database_encrypted {
                        "yes"
                    } else {
                        "no (conversion unfinished)"
                    }
                );
                println!(
                    "evidence files: {} ({} not yet under the current key)",
                    s.blobs_total, s.blobs_pending
                );
                if let Some(k) = &s.kdf {
                    println!(
                        "passphrase key: Argon2id, {} MiB, {} passes ({} ms when chosen)",
                        k.memory_kib / 1024,
                        k.iterations,
                        k.measured_ms
                    );
                }
                println!("OS keyring: {}", if s.keyring { "on" } else { "off" });
            }
        }
        VaultCommand::Keyring { state } => {
            let mut ws = open(dir, u)?;
            ws.set_keyring(state == "on")?;
            eprintln!("OS keyring {state}");
        }
    }
    Ok(())
}

/// `crosswalk evidence purge ID --reason TEXT`.
pub fn purge(ws: &mut Workspace, id: i64, reason: &str, json: bool) -> Result<(), Error> {
    let o = ws.purge_evidence(id, reason)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&o).expect("serializes"));
        return Ok(());
    }
    eprintln!(
        "purged evidence #{}: {} stored file(s) destroyed{}{}",
        o.evidence,
        o.files_destroyed,
        if o.cryptographic_erasure {
            " (their keys overwritten: any copy left on the disk is unreadable)"
        } else {
            " (deleted; this workspace is not encrypted, so copies left on the disk are not erased)"
        },
        if o.already_purged {
            "; it had been purged before"
        } else {
            ""
        }
    );
    Ok(())
}
