//! The settings rows in SQL (table `settings`: one text value per key).
use super::types::{checked, Word};
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension};

/// The value stored under `key`, if any.
pub(crate) fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The word stored under `key`, if any; one Crosswalk does not write is corrupt.
pub(crate) fn get_word<T: Word>(conn: &Connection, key: &str) -> Result<Option<T>> {
    get(conn, key)?
        .map(|v| {
            let expected = super::types::one_of(T::NAMES);
            checked(("settings", key, "value"), &v, expected, T::from_word)
        })
        .transpose()
}

/// The whole number from `min` to `max` stored under `key`, if any; any
/// other value is corrupt (Crosswalk checks the range before writing).
pub(crate) fn get_number(conn: &Connection, key: &str, min: u32, max: u32) -> Result<Option<u32>> {
    get(conn, key)?
        .map(|v| {
            let expected = format!("a whole number from {min} to {max}");
            let parse = |s: &str| s.parse().ok().filter(|n| (min..=max).contains(n));
            checked(("settings", key, "value"), &v, expected, parse)
        })
        .transpose()
}

/// The JSON value stored under `key`, if any, read as `T`; anything else is
/// corrupt (`expected` says what the setting holds).
pub(crate) fn get_json<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    key: &str,
    expected: &str,
) -> Result<Option<T>> {
    get(conn, key)?
        .map(|v| {
            let parse = |s: &str| serde_json::from_str(s).ok();
            checked(("settings", key, "value"), &v, expected.into(), parse)
        })
        .transpose()
}

/// Stores `value` under `key`, replacing any value there.
pub(crate) fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])?;
    Ok(())
}

/// Removes `key` (nothing when it is not set).
pub(crate) fn delete(conn: &Connection, key: &str) -> Result<()> {
    conn.execute("DELETE FROM settings WHERE key = ?1", [key])?;
    Ok(())
}

/// Every key and value (for verify).
pub(crate) fn all(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT key, value FROM settings")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
