//! How Crosswalk's typed values are written to SQLite and read back: enums
//! as their written word, dates as `YYYY-MM-DD`, lists of words
//! comma-separated, structured values as JSON. Reading is strict: a stored
//! value that Crosswalk would not have written becomes a [`Corrupt`] error
//! naming the table, row and column, never a default an auditor would take
//! for data.
use crate::model::{
    AssessmentType, ControlStatus, EvidenceKind, LinkBasis, MappingCoverage, Relationship,
    SupportProperty,
};
use crate::settings::DateDisplay;
use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::Row;

/// A value in a row that no Crosswalk writes: a date that is not a date, an
/// enum column with an unknown word. Reading it is refused, naming the table,
/// row and column, instead of quietly showing a default an auditor would
/// take for data.
#[derive(Debug)]
pub struct Corrupt {
    /// The table the row is in.
    pub table: &'static str,
    /// The column holding the bad value.
    pub column: &'static str,
    /// The row's key (`id 12`, `E2E-ENC-01`).
    pub row: String,
    /// The value found, as stored (the message shows its first 40 characters).
    pub value: String,
    /// What the column holds when Crosswalk wrote it.
    pub expected: String,
}

impl std::fmt::Display for Corrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut shown: String = self.value.chars().take(40).collect();
        if shown.len() < self.value.len() {
            shown.push('…');
        }
        write!(
            f,
            "table `{}`, row {}, column `{}` holds `{}`, which is not {}",
            self.table, self.row, self.column, shown, self.expected
        )
    }
}
impl std::error::Error for Corrupt {}

impl Corrupt {
    /// As a rusqlite error, so it can leave a row-mapping closure;
    /// `Error::from` turns it back into [`crate::Error::Corrupt`].
    pub(crate) fn into_sql(self) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(self))
    }
}

/// What a `FromSql` impl of this module reports for a value Crosswalk does
/// not write; [`Cells`] adds the table, row and column.
#[derive(Debug)]
pub(crate) struct NotWritten {
    /// What the column holds when Crosswalk wrote it.
    pub expected: String,
}
impl std::fmt::Display for NotWritten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a value that is not {}", self.expected)
    }
}
impl std::error::Error for NotWritten {}

fn not_written<T>(expected: String) -> FromSqlResult<T> {
    Err(FromSqlError::Other(Box::new(NotWritten { expected })))
}

/// The stored text of a value, or None when it is not text at all (an
/// integer or a blob in a text column is no more Crosswalk's than a bad word).
fn text(value: ValueRef<'_>) -> Option<&str> {
    match value {
        ValueRef::Text(b) => std::str::from_utf8(b).ok(),
        _ => None,
    }
}

/// A value as the corrupt-workspace message shows it.
fn shown(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(b) => String::from_utf8_lossy(b).into_owned(),
        ValueRef::Blob(b) => format!("a blob of {} bytes", b.len()),
    }
}

/// "a, b or c": the words an enum column may hold.
pub(crate) fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// An enum stored as its written word (`as_str` / `parse`).
pub(crate) trait Word: Sized + Copy {
    /// Every word a column of this type may hold.
    const NAMES: &'static [&'static str];
    fn word(self) -> &'static str;
    fn from_word(text: &str) -> Option<Self>;
}

/// `ToSql`/`FromSql` for a `Word`: the word written, only a known word read.
macro_rules! stored_as_word {
    ($($t:ty),+ $(,)?) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::Borrowed(ValueRef::Text(self.word().as_bytes())))
            }
        }
        impl FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                match text(value).and_then(<$t as Word>::from_word) {
                    Some(v) => Ok(v),
                    None => not_written(one_of(<$t as Word>::NAMES)),
                }
            }
        }
    )+};
}

/// `Word` (and so `ToSql`/`FromSql`) for the model's string enums: their
/// own `NAMES`, `as_str` and `parse`.
macro_rules! word_of_model {
    ($($t:ty),+ $(,)?) => {$(
        impl Word for $t {
            const NAMES: &'static [&'static str] = <$t>::NAMES;
            fn word(self) -> &'static str {
                self.as_str()
            }
            fn from_word(text: &str) -> Option<Self> {
                <$t>::parse(text)
            }
        }
        stored_as_word!($t);
    )+};
}

word_of_model!(
    ControlStatus,
    MappingCoverage,
    Relationship,
    SupportProperty,
    LinkBasis,
    EvidenceKind,
    AssessmentType,
);

impl Word for DateDisplay {
    const NAMES: &'static [&'static str] = &["iso", "day_month_year"];
    fn word(self) -> &'static str {
        self.as_str()
    }
    fn from_word(text: &str) -> Option<Self> {
        DateDisplay::parse(text)
    }
}

stored_as_word!(DateDisplay);

/// A calendar date, stored as `YYYY-MM-DD` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Day(pub NaiveDate);

/// What a date column holds.
pub(crate) const DATE: &str = "a date (YYYY-MM-DD)";

impl ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.format("%Y-%m-%d").to_string()))
    }
}
impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        // Exactly as written: chrono alone would also take `2026-1-5`.
        let parsed = text(value).and_then(|t| {
            let d = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
            (d.format("%Y-%m-%d").to_string() == t).then_some(d)
        });
        match parsed {
            Some(d) => Ok(Day(d)),
            None => not_written(DATE.into()),
        }
    }
}

/// The columns of one row of one table, read with the row named in every
/// error: a value Crosswalk does not write becomes a [`Corrupt`].
pub(crate) struct Cells<'a, 'r> {
    row: &'a Row<'r>,
    table: &'static str,
    key: String,
}

impl<'a, 'r> Cells<'a, 'r> {
    /// `key` names the row as the message shows it (`id 12`, `E2E-ENC-01`).
    pub(crate) fn new(row: &'a Row<'r>, table: &'static str, key: impl std::fmt::Display) -> Self {
        Cells {
            row,
            table,
            key: key.to_string(),
        }
    }

    /// Column `idx` (named `column`) as `T`.
    pub(crate) fn get<T: FromSql>(&self, idx: usize, column: &'static str) -> rusqlite::Result<T> {
        self.row.get(idx).map_err(|e| match e {
            rusqlite::Error::FromSqlConversionFailure(_, _, inner) => {
                match inner.downcast::<NotWritten>() {
                    Ok(nw) => self.corrupt(idx, column, nw.expected),
                    Err(inner) => rusqlite::Error::FromSqlConversionFailure(
                        idx,
                        rusqlite::types::Type::Text,
                        inner,
                    ),
                }
            }
            other => other,
        })
    }

    /// A `YYYY-MM-DD` column.
    pub(crate) fn date(&self, idx: usize, column: &'static str) -> rusqlite::Result<NaiveDate> {
        Ok(self.get::<Day>(idx, column)?.0)
    }

    /// A `YYYY-MM-DD` column that may be NULL.
    pub(crate) fn date_opt(
        &self,
        idx: usize,
        column: &'static str,
    ) -> rusqlite::Result<Option<NaiveDate>> {
        Ok(self.get::<Option<Day>>(idx, column)?.map(|d| d.0))
    }

    /// A comma-separated list of words (empty text: no word).
    pub(crate) fn words<T: Word>(
        &self,
        idx: usize,
        column: &'static str,
    ) -> rusqlite::Result<Vec<T>> {
        let list: String = self.get(idx, column)?;
        if list.is_empty() {
            return Ok(Vec::new());
        }
        list.split(',')
            .map(|w| {
                T::from_word(w).ok_or_else(|| {
                    let expected = format!("a comma-separated list of {}", one_of(T::NAMES));
                    self.corrupt(idx, column, expected)
                })
            })
            .collect()
    }

    /// A JSON column, read as `T`.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(
        &self,
        idx: usize,
        column: &'static str,
        expected: &'static str,
    ) -> rusqlite::Result<T> {
        let raw: String = self.get(idx, column)?;
        serde_json::from_str(&raw).map_err(|_| self.corrupt(idx, column, expected.into()))
    }

    fn corrupt(&self, idx: usize, column: &'static str, expected: String) -> rusqlite::Error {
        let value = self.row.get_ref(idx).map(shown).unwrap_or_default();
        Corrupt {
            table: self.table,
            column,
            row: self.key.clone(),
            value,
            expected,
        }
        .into_sql()
    }
}

/// A value read outside a row closure (a setting), checked: `parse` is its
/// reader; None becomes a [`Corrupt`] for `table`/`row`/`column`.
pub(crate) fn checked<T>(
    (table, row, column): (&'static str, &str, &'static str),
    value: &str,
    expected: String,
    parse: impl FnOnce(&str) -> Option<T>,
) -> crate::error::Result<T> {
    parse(value).ok_or_else(|| {
        crate::error::Error::from(
            Corrupt {
                table,
                column,
                row: row.into(),
                value: value.into(),
                expected,
            }
            .into_sql(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    /// One row of table `t` holding `value` in column `v`, read with `read`.
    fn read_back<T>(
        value: &str,
        read: impl Fn(&Cells<'_, '_>) -> rusqlite::Result<T>,
    ) -> crate::error::Result<T> {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v)")
            .unwrap();
        conn.execute(
            "INSERT INTO t (id, v) VALUES (7, ?1)",
            [rusqlite::types::Value::Text(value.into())],
        )
        .unwrap();
        Ok(conn.query_row("SELECT id, v FROM t", [], |r| {
            read(&Cells::new(r, "t", format!("id {}", r.get::<_, i64>(0)?)))
        })?)
    }

    fn corrupt_message<T: std::fmt::Debug>(r: crate::error::Result<T>) -> String {
        match r {
            Err(crate::error::Error::Corrupt(m)) => m,
            other => panic!("expected a corrupt error, got {other:?}"),
        }
    }

    #[test]
    fn every_word_written_reads_back() {
        for s in ControlStatus::ALL {
            let got = read_back(s.as_str(), |c| c.get::<ControlStatus>(1, "v")).unwrap();
            assert_eq!(got, *s);
        }
        let conn = Connection::open_in_memory().unwrap();
        let back: String = conn
            .query_row("SELECT ?1", [EvidenceKind::Note], |r| r.get(0))
            .unwrap();
        assert_eq!(back, "note", "an enum is written as its word");
    }

    fn names_round_trip<T: Word + std::fmt::Debug>() {
        for name in T::NAMES {
            let v = T::from_word(name).unwrap_or_else(|| panic!("`{name}` does not parse"));
            assert_eq!(v.word(), *name);
        }
    }

    #[test]
    fn every_name_of_every_stored_enum_reads_back_as_itself() {
        names_round_trip::<ControlStatus>();
        names_round_trip::<MappingCoverage>();
        names_round_trip::<Relationship>();
        names_round_trip::<SupportProperty>();
        names_round_trip::<LinkBasis>();
        names_round_trip::<EvidenceKind>();
        names_round_trip::<AssessmentType>();
        // DateDisplay's names are listed here, not beside the enum: each of
        // its values must have one.
        names_round_trip::<DateDisplay>();
        // A new value fails to compile here until it is listed.
        let listed = |d: DateDisplay| match d {
            DateDisplay::Iso | DateDisplay::DayMonthYear => d,
        };
        for d in [DateDisplay::Iso, DateDisplay::DayMonthYear].map(listed) {
            assert!(DateDisplay::NAMES.contains(&d.as_str()), "{d:?}");
        }
    }

    #[test]
    fn an_unknown_word_names_table_row_column_and_the_words_allowed() {
        let m = corrupt_message(read_back("done-ish", |c| c.get::<ControlStatus>(1, "v")));
        assert_eq!(
            m,
            "table `t`, row id 7, column `v` holds `done-ish`, which is not implemented, partial, planned or not_applicable"
        );
        // Case matters: Crosswalk writes lower case only.
        let m = corrupt_message(read_back("Full", |c| c.get::<MappingCoverage>(1, "v")));
        assert!(m.ends_with("which is not full or partial"), "{m}");
    }

    #[test]
    fn a_date_reads_back_and_a_non_date_is_corrupt() {
        let d = read_back("2026-02-28", |c| c.date(1, "v")).unwrap();
        assert_eq!(d.to_string(), "2026-02-28");
        for bad in ["2026-02-30", "31/12/2026", "2026-1-05", " 2026-01-05", ""] {
            let m = corrupt_message(read_back(bad, |c| c.date(1, "v")));
            assert!(
                m.contains(&format!("holds `{bad}`, which is not a date (YYYY-MM-DD)")),
                "{m}"
            );
        }
        let conn = Connection::open_in_memory().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        let back: String = conn
            .query_row("SELECT ?1", [Day(day)], |r| r.get(0))
            .unwrap();
        assert_eq!(back, "2026-03-04");
    }

    #[test]
    fn a_null_optional_date_is_none_and_a_null_word_is_corrupt() {
        let conn = Connection::open_in_memory().unwrap();
        let got = conn
            .query_row("SELECT NULL", [], |r| {
                Cells::new(r, "t", "x").date_opt(0, "v")
            })
            .unwrap();
        assert_eq!(got, None);
        let err = conn
            .query_row("SELECT 5", [], |r| {
                Cells::new(r, "t", "x").get::<LinkBasis>(0, "v")
            })
            .unwrap_err();
        let m = corrupt_message::<()>(Err(err.into()));
        assert!(
            m.contains("column `v` holds `5`, which is not published, derived or judgement"),
            "{m}"
        );
    }

    #[test]
    fn a_list_of_words_reads_each_one() {
        let got = read_back("integral_to,precedes", |c| {
            c.words::<SupportProperty>(1, "v")
        })
        .unwrap();
        assert_eq!(
            got,
            [SupportProperty::IntegralTo, SupportProperty::Precedes]
        );
        assert!(read_back("", |c| c.words::<SupportProperty>(1, "v"))
            .unwrap()
            .is_empty());
        let m = corrupt_message(read_back("precedes,maybe", |c| {
            c.words::<SupportProperty>(1, "v")
        }));
        assert!(
            m.contains("holds `precedes,maybe`, which is not a comma-separated list of"),
            "{m}"
        );
    }

    #[test]
    fn json_that_does_not_parse_is_corrupt() {
        let got: Vec<String> =
            read_back(r#"["a","b"]"#, |c| c.json(1, "v", "a JSON list")).unwrap();
        assert_eq!(got, ["a", "b"]);
        let m = corrupt_message(read_back("[oops", |c| {
            c.json::<Vec<String>>(1, "v", "a JSON list")
        }));
        assert!(
            m.ends_with("holds `[oops`, which is not a JSON list"),
            "{m}"
        );
    }

    #[test]
    fn a_long_value_is_cut_in_the_message() {
        let long = "x".repeat(100);
        let m = corrupt_message(read_back(&long, |c| c.get::<EvidenceKind>(1, "v")));
        assert!(m.contains(&format!("holds `{}…`", "x".repeat(40))), "{m}");
    }
}
