//! The first run on a data directory: whether it already holds a workspace,
//! and making the one the user chose (plain or encrypted). The app asks this
//! before opening anything, so an empty folder is never silently turned into
//! a plaintext workspace.
use super::keys;
use super::VaultOutcome;
use crate::error::{Error, Result};
use crate::workspace::Workspace;
use serde::Serialize;
use std::path::Path;

/// Whether `dir` holds a workspace, or what is left of one: a database, a key
/// file, or files in its vault. Only a folder with none of them (missing or
/// empty of these) is a first run; anything else is opened as it is, so a
/// vault without its database still meets the error that names it.
pub fn holds_workspace(dir: &Path) -> bool {
    dir.join("crosswalk.db").exists()
        || keys::is_encrypted(dir)
        || std::fs::read_dir(dir.join("evidence")).is_ok_and(|mut d| d.next().is_some())
}

/// Whether opening `dir` is a first run: it is missing, or a folder that
/// holds no workspace. Something else at that path (a file, say) is not: the
/// ordinary open names the problem.
pub fn needs_first_run(dir: &Path) -> bool {
    match std::fs::metadata(dir) {
        Err(_) => true,
        Ok(m) => m.is_dir() && !holds_workspace(dir),
    }
}

/// Core's word on a new passphrase and its repetition, one message per field
/// (`None` when the field is fine), to show beside each field as it is typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct NewPassphraseCheck {
    /// What is wrong with the passphrase (too short, …); None when it is fine.
    pub passphrase: Option<String>,
    /// What is wrong with its repetition (it differs); None when it is fine.
    pub confirm: Option<String>,
}

impl NewPassphraseCheck {
    /// Whether both fields are fine.
    pub fn ok(&self) -> bool {
        self.passphrase.is_none() && self.confirm.is_none()
    }
}

/// Checks a new passphrase by the rules of [`keys::check_new_passphrase`],
/// and that it was typed the same twice (the repetition is only judged once
/// something was typed in it).
pub fn check_new_passphrases(passphrase: &str, confirm: &str) -> NewPassphraseCheck {
    NewPassphraseCheck {
        passphrase: keys::check_new_passphrase(passphrase)
            .err()
            .map(|e| sentence(&e)),
        confirm: (passphrase != confirm)
            .then(|| "The two passphrases differ; type the same one twice.".to_string()),
    }
}

fn sentence(e: &Error) -> String {
    let m = match e {
        Error::Usage(m) => m.clone(),
        e => e.to_string(),
    };
    let mut c = m.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>() + ".",
        None => m,
    }
}

/// What the user chose for a new workspace.
pub enum FirstRun<'a> {
    /// A plaintext workspace.
    Plain,
    /// An encrypted workspace under a new passphrase.
    Encrypted {
        /// The passphrase as typed.
        passphrase: &'a str,
        /// Its repetition, which must equal it.
        confirm: &'a str,
    },
}

impl Workspace {
    /// Creates the workspace chosen on the first run in `dir`, which must not
    /// hold one. Encrypted, the outcome carries the recovery key (shown once).
    pub fn create_first(
        dir: &Path,
        choice: FirstRun<'_>,
    ) -> Result<(Workspace, Option<VaultOutcome>)> {
        if holds_workspace(dir) {
            return Err(Error::Usage(format!(
                "{} already holds a workspace; open it instead",
                dir.display()
            )));
        }
        match choice {
            FirstRun::Plain => Ok((Workspace::open(dir)?, None)),
            FirstRun::Encrypted {
                passphrase,
                confirm,
            } => {
                let check = check_new_passphrases(passphrase, confirm);
                if let Some(m) = check.passphrase.or(check.confirm) {
                    return Err(Error::Usage(m));
                }
                let (ws, outcome) = Workspace::create_encrypted(dir, passphrase)?;
                Ok((ws, Some(outcome)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_or_missing_folder_is_a_first_run_anything_else_is_not() {
        let t = tempfile::tempdir().unwrap();
        assert!(!holds_workspace(&t.path().join("missing")));
        assert!(!holds_workspace(t.path()));
        std::fs::create_dir_all(t.path().join("evidence")).unwrap();
        assert!(
            !holds_workspace(t.path()),
            "an empty vault folder holds nothing"
        );
        std::fs::create_dir_all(t.path().join("evidence/ab")).unwrap();
        assert!(holds_workspace(t.path()), "a vault with content is not new");
        let u = tempfile::tempdir().unwrap();
        drop(Workspace::open(u.path()).unwrap());
        assert!(holds_workspace(u.path()));
        assert!(needs_first_run(&t.path().join("missing")));
        let f = t.path().join("a-file");
        std::fs::write(&f, "x").unwrap();
        assert!(
            !needs_first_run(&f),
            "a file is an error to show, not a first run"
        );
        assert!(!needs_first_run(u.path()));
    }

    #[test]
    fn passphrase_messages_name_their_field() {
        let c = check_new_passphrases("short", "short");
        assert!(c.passphrase.unwrap().contains("at least 8 characters"));
        assert_eq!(c.confirm, None);
        let c = check_new_passphrases("long enough passphrase", "long enough passphrasf");
        assert_eq!(c.passphrase, None);
        assert!(c.confirm.unwrap().contains("differ"));
        assert!(check_new_passphrases("long enough passphrase", "long enough passphrase").ok());
    }

    #[test]
    fn the_first_run_makes_the_chosen_workspace_once() {
        std::env::set_var("CROSSWALK_KDF_TARGET_MS", "30");
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("ws");
        let bad = FirstRun::Encrypted {
            passphrase: "long enough passphrase",
            confirm: "another one",
        };
        let e = Workspace::create_first(&dir, bad).err().unwrap();
        assert!(e.to_string().contains("differ"), "{e}");
        assert!(!holds_workspace(&dir), "nothing made on a refusal");
        let good = FirstRun::Encrypted {
            passphrase: "long enough passphrase",
            confirm: "long enough passphrase",
        };
        let (ws, outcome) = Workspace::create_first(&dir, good).unwrap();
        assert!(ws.is_encrypted());
        assert!(outcome.unwrap().recovery_key.is_some());
        drop(ws);
        let again = Workspace::create_first(&dir, FirstRun::Plain)
            .err()
            .unwrap();
        assert!(again.to_string().contains("already holds"), "{again}");
        let p = t.path().join("plain");
        let (ws, outcome) = Workspace::create_first(&p, FirstRun::Plain).unwrap();
        assert!(!ws.is_encrypted() && outcome.is_none());
    }
}
