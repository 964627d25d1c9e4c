//! Errors of the domain. Every error a user can cause says where (file, line,
//! column) and what to do; they serialize so the desktop app can show them.
use serde::Serialize;
use std::fmt;

/// A position in a user's file: 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Line 0: a place that has no line, such as a JSON pointer or a
        // spreadsheet cell, which the message itself names.
        if self.line == 0 {
            return write!(f, "{}", self.file);
        }
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input files were rejected; nothing was written.
    #[error("{}", format_problems(.0))]
    Invalid(Vec<Problem>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Usage(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Db(rusqlite::Error),
    /// A row holds a value no Crosswalk writes (see [`crate::db::Corrupt`]).
    #[error("corrupt workspace: {0}")]
    Corrupt(String),
    #[error("the workspace at {path} was written by a newer Crosswalk (schema {found}, this build knows up to {known}); update Crosswalk")]
    SchemaTooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("report: {0}")]
    Report(String),
    /// An encrypted workspace could not be unlocked (wrong or missing secret,
    /// damaged key file); nothing was changed.
    #[error("{0}")]
    Locked(String),
}

fn format_problems(problems: &[Problem]) -> String {
    let mut text = problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    if problems.len() > 1 {
        text.push_str(&format!(
            "\n{} problems; nothing was written",
            problems.len()
        ));
    } else {
        text.push_str("\nnothing was written");
    }
    text
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Invalid(p) => p,
            _ => &[],
        }
    }
    /// What the person can do about it, when the error itself does not say.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Db(_) => Some("Another program may hold the workspace, or the disk is full or failing; close other Crosswalk windows and try again."),
            Error::Io { .. } => Some("Check that the file or folder exists and that you may read and write it."),
            Error::SchemaTooNew { .. } => Some("Install the newer Crosswalk that wrote this workspace."),
            Error::Corrupt(_) => Some("The database was changed outside Crosswalk. Restore the workspace folder from a backup; `crosswalk verify` on the backup tells whether it is intact."),
            _ => None,
        }
    }

    /// Short machine-readable kind, for the desktop app and `--json` output.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid",
            Error::NotFound(_) => "not_found",
            Error::Usage(_) => "usage",
            Error::Io { .. } => "io",
            Error::Db(_) => "database",
            Error::Corrupt(_) => "corrupt",
            Error::SchemaTooNew { .. } => "schema",
            Error::Report(_) => "report",
            Error::Locked(_) => "locked",
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(c) = inner.downcast_ref::<crate::db::Corrupt>() {
                return Error::Corrupt(c.to_string());
            }
        }
        Error::Db(e)
    }
}

/// Errors cross the IPC boundary as `{kind, message, problems}`.
impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Error", 3)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        st.serialize_field("problems", self.problems())?;
        st.end()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
