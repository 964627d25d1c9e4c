//! Settings: the workspace's own (organisation, the expiry window) and each
//! person's (their name as collector and actor, how dates are shown), plus
//! who the actor of an audit event is.
//!
//! Per-person settings are rows keyed by the OS login (`user.<login>.<key>`)
//! in the workspace's settings table, so two people sharing a workspace
//! folder keep their own names. Every change of a setting is one transaction
//! with one `settings.changed` audit event; the one exception is the day of
//! the last expiry reminder, which records that a notification was shown,
//! not anything the audit trail is about.
use crate::audit::{Mutation, State, States, Subject};
use crate::error::{Error, Result};
use crate::evidence::Expiry;
use crate::store::settings::{self as rows, set as set_setting};
use crate::workspace::Workspace;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// "Expiring soon" means within this many days unless the workspace says otherwise.
pub const DEFAULT_EXPIRY_WINDOW_DAYS: u32 = 30;
/// Longer windows make every piece of evidence "expiring"; a year is plenty.
pub const MAX_EXPIRY_WINDOW_DAYS: u32 = 365;
const EXPIRY_WINDOW_KEY: &str = "expiry_window_days";

/// How the app shows dates (input is always YYYY-MM-DD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DateDisplay {
    /// 2026-10-01, as the PDFs and the CLI write them.
    #[default]
    Iso,
    /// 1 Oct 2026.
    DayMonthYear,
}

impl DateDisplay {
    /// Its written form (`iso`, `day_month_year`), as stored and serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            DateDisplay::Iso => "iso",
            DateDisplay::DayMonthYear => "day_month_year",
        }
    }
    /// The value written `s`; None for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "iso" => Some(DateDisplay::Iso),
            "day_month_year" => Some(DateDisplay::DayMonthYear),
            _ => None,
        }
    }
}

/// The OS login of the person running Crosswalk.
pub fn os_login() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// Who the audit trail names: `CROSSWALK_ACTOR` when a script sets it, else
/// the name this person saved in Settings, else their OS login.
pub fn resolve_actor(env_actor: Option<&str>, saved_name: Option<&str>, login: &str) -> String {
    let clean = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    clean(env_actor)
        .or_else(|| clean(saved_name))
        .unwrap_or_else(|| login.to_string())
}

fn user_key(login: &str, key: &str) -> String {
    format!("user.{login}.{key}")
}

/// The actor for a workspace opened by the current process.
pub(crate) fn actor_for(conn: &Connection) -> Result<String> {
    let login = os_login();
    let saved = rows::get(conn, &user_key(&login, "name"))?;
    Ok(resolve_actor(
        std::env::var("CROSSWALK_ACTOR").ok().as_deref(),
        saved.as_deref(),
        &login,
    ))
}

/// Everything the Settings view shows.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Settings {
    /// The organisation's name, as reports show it.
    pub organisation: String,
    /// False while the organisation is still the placeholder.
    pub organisation_set: bool,
    /// The OS login name.
    pub login: String,
    /// The name this person saved; None means the login is used.
    pub user_name: Option<String>,
    /// The name events are recorded under right now.
    pub actor: String,
    /// Set when `CROSSWALK_ACTOR` overrides the saved name.
    pub actor_from_env: bool,
    /// Days ahead within which evidence counts as expiring soon (1–365).
    pub expiry_window_days: u32,
    /// How this person's app shows dates.
    pub date_display: DateDisplay,
    /// The day this person was last reminded of expiring evidence.
    pub last_expiry_reminder: Option<String>,
}

/// A change of settings; fields left out stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct SettingsChange {
    /// The organisation's new name (not blank).
    pub organisation: Option<String>,
    /// Some("") clears the saved name (the OS login is used again).
    pub user_name: Option<String>,
    /// A period such as `30d` or `8w`.
    pub expiry_window: Option<String>,
    /// How to show dates.
    pub date_display: Option<DateDisplay>,
}

impl Workspace {
    /// Days within which evidence counts as "expiring soon": one setting that
    /// the CLI, the desktop app and reports all read.
    /// A stored value that is not a number of days in range is corrupt.
    pub fn expiry_window(&self) -> Result<u32> {
        let stored = rows::get_number(&self.conn, EXPIRY_WINDOW_KEY, 1, MAX_EXPIRY_WINDOW_DAYS)?;
        Ok(stored.unwrap_or(DEFAULT_EXPIRY_WINDOW_DAYS))
    }

    /// The settings as the Settings view shows them.
    pub fn settings(&self) -> Result<Settings> {
        let login = os_login();
        let user_name = self.setting(&user_key(&login, "name"))?;
        let env = std::env::var("CROSSWALK_ACTOR")
            .ok()
            .filter(|s| !s.trim().is_empty());
        Ok(Settings {
            organisation_set: self.setting("organisation")?.is_some(),
            organisation: self.organisation()?,
            actor: self.actor().to_string(),
            actor_from_env: env.is_some(),
            user_name,
            login: login.clone(),
            expiry_window_days: self.expiry_window()?,
            date_display: rows::get_word(&self.conn, &user_key(&login, "date_display"))?
                .unwrap_or_default(),
            last_expiry_reminder: self.setting(&user_key(&login, "expiry_reminded_on"))?,
        })
    }

    /// Checks every field first, then writes what changed in one transaction
    /// with one audit event; nothing is written when any field is wrong.
    pub fn save_settings(&mut self, change: &SettingsChange) -> Result<Settings> {
        let before = self.settings()?;
        let checked = check_settings(change)?;
        let login = before.login.clone();
        let mut w = SettingsWrite::default();
        let tx = self.begin()?;
        if let Some(o) = checked
            .organisation
            .filter(|o| !before.organisation_set || *o != before.organisation)
        {
            w.set(&tx, "organisation", &o, format!("organisation set to {o}"))?;
            w.changed.insert("organisation".into(), json!(o));
        }
        if let Some(n) = checked.user_name.filter(|n| *n != before.user_name) {
            let key = user_key(&login, "name");
            match &n {
                Some(n) => w.set(&tx, &key, n, format!("{login}'s name set to {n}"))?,
                None => {
                    rows::delete(&tx, &key)?;
                    w.state(&key, None);
                    w.said
                        .push(format!("{login}'s name cleared (the login is used)"));
                }
            }
            w.changed.insert(key, json!(n));
        }
        if let Some(d) = checked.window.filter(|d| *d != before.expiry_window_days) {
            w.set(
                &tx,
                EXPIRY_WINDOW_KEY,
                &d.to_string(),
                format!("expiry window set to {d} days"),
            )?;
            w.changed.insert(EXPIRY_WINDOW_KEY.into(), json!(d));
        }
        if let Some(d) = change.date_display.filter(|d| *d != before.date_display) {
            let key = user_key(&login, "date_display");
            let said = format!("{login}'s date display set to {}", d.as_str());
            w.set(&tx, &key, d.as_str(), said)?;
            w.changed.insert(key, json!(d));
        }
        if w.said.is_empty() {
            return Ok(before); // dropping tx rolls back nothing
        }
        let mut summary = w.said.join("; ");
        if let Some(first) = summary.get(..1) {
            summary = first.to_uppercase() + &summary[1..];
        }
        self.record_change(
            &tx,
            Mutation::SettingsChanged,
            &Subject::Settings,
            summary,
            json!({"changed": w.changed}),
            w.states,
        )?;
        tx.commit()?;
        // Events from now on carry the new name (unless a script overrides it).
        self.set_actor(actor_for(&self.conn)?);
        self.settings()
    }

    /// The evidence to remind this person of, at most once a day: Some when
    /// anything has expired or expires within the window and no reminder was
    /// given today (and marks today), None otherwise.
    pub fn expiry_reminder_due(&mut self) -> Result<Option<Expiry>> {
        let key = user_key(&os_login(), "expiry_reminded_on");
        let today = self.today().to_string();
        if self.setting(&key)?.as_deref() == Some(today.as_str()) {
            return Ok(None);
        }
        let expiry = self.expiry(self.expiry_window()?)?;
        if expiry.expired.is_empty() && expiry.expiring.is_empty() {
            return Ok(None);
        }
        let tx = self.begin()?;
        set_setting(&tx, &key, &today)?;
        tx.commit()?;
        Ok(Some(expiry))
    }
}

/// The fields of a settings change, each checked; None leaves a field as it
/// is (`user_name: Some(None)` clears the name).
struct CheckedSettings {
    organisation: Option<String>,
    user_name: Option<Option<String>>,
    window: Option<u32>,
}

/// Every field checked at once: all problems are reported together.
fn check_settings(change: &SettingsChange) -> Result<CheckedSettings> {
    use crate::validate;
    let mut problems = Vec::new();
    let at = |field: &str, message: String| crate::Problem {
        location: crate::Location {
            file: "settings".into(),
            line: 0,
            column: 0,
        },
        message: format!("{field}: {message}"),
    };
    let organisation = match &change.organisation {
        Some(o) => match validate::name(o, "the organisation name") {
            Ok(o) => Some(o),
            Err(m) => {
                problems.push(at("organisation", m));
                None
            }
        },
        None => None,
    };
    let user_name = match &change.user_name {
        Some(n) if n.trim().is_empty() => Some(None),
        Some(n) => match validate::name(n, "your name") {
            Ok(n) => Some(Some(n)),
            Err(m) => {
                problems.push(at("user_name", m));
                None
            }
        },
        None => None,
    };
    let window = match &change.expiry_window {
        Some(w) => match validate::duration(w) {
            Ok(d) if d <= MAX_EXPIRY_WINDOW_DAYS => Some(d),
            Ok(_) => {
                problems.push(at(
                    "expiry_window",
                    format!("use a window of at most {MAX_EXPIRY_WINDOW_DAYS} days"),
                ));
                None
            }
            Err(m) => {
                problems.push(at("expiry_window", m));
                None
            }
        },
        None => None,
    };
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(CheckedSettings {
        organisation,
        user_name,
        window,
    })
}

/// What a settings change wrote: the changed values, the states verify
/// compares each row with (None: the row is gone), and a phrase per change.
#[derive(Default)]
struct SettingsWrite {
    changed: serde_json::Map<String, serde_json::Value>,
    states: States,
    said: Vec<String>,
}

impl SettingsWrite {
    fn state(&mut self, key: &str, value: Option<&str>) {
        (self.states).left(Subject::Setting(key.into()), value.map(State::Text));
    }

    fn set(&mut self, conn: &Connection, key: &str, value: &str, said: String) -> Result<()> {
        set_setting(conn, key, value)?;
        self.state(key, Some(value));
        self.said.push(said);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_prefers_the_script_then_the_saved_name_then_the_login() {
        assert_eq!(
            resolve_actor(Some("ci-bot"), Some("Jane Roe"), "jroe"),
            "ci-bot"
        );
        assert_eq!(resolve_actor(None, Some("Jane Roe"), "jroe"), "Jane Roe");
        assert_eq!(resolve_actor(Some("  "), Some(" "), "jroe"), "jroe");
        assert_eq!(resolve_actor(None, None, "unknown"), "unknown");
    }

    fn change(
        organisation: Option<&str>,
        user_name: Option<&str>,
        window: Option<&str>,
    ) -> SettingsChange {
        SettingsChange {
            organisation: organisation.map(str::to_string),
            user_name: user_name.map(str::to_string),
            expiry_window: window.map(str::to_string),
            date_display: None,
        }
    }

    #[test]
    fn settings_are_checked_together_and_an_empty_name_clears_it() {
        let c = check_settings(&change(Some(" Acme Ltd "), Some(""), Some("6w"))).unwrap();
        assert_eq!(c.organisation.as_deref(), Some("Acme Ltd"));
        assert_eq!(c.user_name, Some(None), "cleared: the login is used again");
        assert_eq!(c.window, Some(42));
        let c = check_settings(&change(None, None, None)).unwrap();
        assert!(c.organisation.is_none() && c.user_name.is_none() && c.window.is_none());
        let Err(Error::Invalid(problems)) =
            check_settings(&change(Some(" "), Some("a\nb"), Some("2y")))
        else {
            panic!("expected every problem at once");
        };
        let fields: Vec<&str> = problems
            .iter()
            .map(|p| p.message.split(':').next().unwrap())
            .collect();
        assert_eq!(fields, ["organisation", "user_name", "expiry_window"]);
        assert!(problems[2]
            .message
            .ends_with(&format!("at most {MAX_EXPIRY_WINDOW_DAYS} days")));
    }
}
