//! Lock after idle: the app's setting (minutes without input), kept in the
//! workspace's settings and audited like any other.
use crate::audit::{Mutation, State, States, Subject};
use crate::error::{Error, Result};
use crate::workspace::Workspace;
use serde_json::json;

/// The settings row holding the app's idle lock, in minutes.
const IDLE_LOCK_KEY: &str = "vault.idle_lock_minutes";
/// A day: an idle lock longer than that protects nothing a shut lid would not.
pub const MAX_IDLE_LOCK_MINUTES: u32 = 24 * 60;

/// Reads the idle lock as typed: empty or `off` turns it off, else whole
/// minutes between 1 and `MAX_IDLE_LOCK_MINUTES`.
pub fn parse_idle_lock(text: &str) -> Result<Option<u32>> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(m) if (1..=MAX_IDLE_LOCK_MINUTES).contains(&m) => Ok(Some(m)),
        _ => Err(Error::Usage(format!(
            "lock after idle: `{t}` is not a number of minutes between 1 and {MAX_IDLE_LOCK_MINUTES}; leave it empty to turn the idle lock off"
        ))),
    }
}

impl Workspace {
    /// Minutes without input after which the app locks an encrypted
    /// workspace; `None`: it stays open until locked by hand or closed.
    /// A stored value that is not a number of minutes in range is corrupt
    /// (read as "off", it would quietly leave the workspace open).
    pub fn idle_lock_minutes(&self) -> Result<Option<u32>> {
        let conn = &self.conn;
        crate::store::settings::get_number(conn, IDLE_LOCK_KEY, 1, MAX_IDLE_LOCK_MINUTES)
    }

    /// Sets (or, with `None`, turns off) the idle lock, with one audit event.
    pub fn set_idle_lock_minutes(&mut self, minutes: Option<u32>) -> Result<Option<u32>> {
        if let Some(m) = minutes {
            if !(1..=MAX_IDLE_LOCK_MINUTES).contains(&m) {
                return Err(Error::Usage(format!(
                    "lock after idle: give between 1 and {MAX_IDLE_LOCK_MINUTES} minutes, or turn it off"
                )));
            }
        }
        if !self.is_encrypted() {
            return Err(Error::Usage(
                "only an encrypted workspace can be locked; encrypt it first (`crosswalk vault encrypt`)".into(),
            ));
        }
        if self.idle_lock_minutes()? == minutes {
            return Ok(minutes);
        }
        let tx = self.begin()?;
        let value = minutes.map(|m| m.to_string());
        match &value {
            Some(v) => crate::store::settings::set(&tx, IDLE_LOCK_KEY, v)?,
            None => {
                crate::store::settings::delete(&tx, IDLE_LOCK_KEY)?;
            }
        }
        let summary = match minutes {
            Some(m) => format!("The app locks the workspace after {m} minutes without input"),
            None => "The app no longer locks the workspace when idle".into(),
        };
        let mut states = States::new();
        states.left(
            Subject::Setting(IDLE_LOCK_KEY.into()),
            value.as_deref().map(State::Text),
        );
        self.record_change(
            &tx,
            Mutation::SettingsChanged,
            &Subject::Settings,
            summary,
            json!({"changed": {IDLE_LOCK_KEY: minutes}}),
            states,
        )?;
        tx.commit()?;
        Ok(minutes)
    }
}
