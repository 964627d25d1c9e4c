//! Errors of the domain. Every error a user can cause says where (file, line,
//! column) and what to do; they serialize so the desktop app can show them.
use serde::Serialize;
use std::fmt;

/// A position in a user's file: 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Location {
    /// The file as the user named it (or as found under the folder given).
    pub file: String,
    /// 1-based line; 0 when the place has no line (a JSON pointer, a
    /// spreadsheet cell or the whole file), which the message then names.
    pub line: usize,
    /// 1-based column in characters; 0 together with `line` 0.
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Problem {
    /// Where in the file.
    pub location: Location,
    /// What is wrong and, where it can, what to write instead.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Everything core can fail with. [`Error::kind`] names the variant for
/// scripts; the message is written for the person.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input files were rejected; nothing was written.
    #[error("{}", format_problems(.0))]
    Invalid(Vec<Problem>),
    /// Something named (a control, evidence id, framework, assessment) does
    /// not exist; the message names it.
    #[error("{0}")]
    NotFound(String),
    /// The request itself cannot be carried out as given (conflicting or
    /// wrong arguments, a refused value); the message says what to change.
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file or folder failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, with the path (`writing report.pdf`).
        context: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// SQLite failed (busy, full disk, I/O); the change was rolled back.
    #[error("database: {0}")]
    Db(rusqlite::Error),
    /// A row holds a value no Crosswalk writes (`store::Corrupt`); the message
    /// names the table, row and column.
    #[error("corrupt workspace: {0}")]
    Corrupt(String),
    #[error("the workspace at {path} was written by a newer Crosswalk (schema {found}, this build knows up to {known}); update Crosswalk")]
    /// The workspace's schema is newer than this build knows; it was not
    /// opened and nothing was changed.
    SchemaTooNew {
        /// The workspace's database file.
        path: String,
        /// Its schema version (`PRAGMA user_version`).
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// A report or export (PDF, CSV, XLSX) could not be produced.
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
    /// An [`Error::Io`] saying what was being done (`context`, with the path).
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
    /// The problems of an [`Error::Invalid`]; empty for every other error.
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
            if let Some(c) = inner.downcast_ref::<crate::store::Corrupt>() {
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

/// Core's result type: [`Error`] unless said otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;
