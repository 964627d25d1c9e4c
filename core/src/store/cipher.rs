//! The database file's own encryption (SQLCipher): keying a connection and
//! proving the key opens the file, telling a plaintext file from an
//! encrypted one, and exporting the whole database under another key. Which
//! key, and when to re-key, is the vault's (`vault/keys.rs`,
//! `vault/convert.rs`); this is only what SQLCipher is asked.
use crate::error::{Error, Result};
use rusqlite::Connection;
use std::path::Path;
use zeroize::Zeroizing;

/// Keys a fresh connection and proves the key opens the file. Temporary
/// tables and indices stay in memory, so nothing SQLite spills goes to disk.
pub(crate) fn apply_key(conn: &Connection, key: &[u8; 32], path: &Path) -> Result<()> {
    let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex::encode(&key[..])));
    conn.execute_batch(&pragma)?;
    conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => Err(Error::Locked(format!(
            "the database {} does not open with this workspace's key (damaged, or not this workspace's)",
            path.display()
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Whether the database file opens without a key (is plaintext).
pub(crate) fn is_plain(path: &Path) -> bool {
    if !path.exists() {
        return false;
    }
    Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| {
            c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
        })
        .is_ok()
}

/// Writes the whole database `conn` holds (checkpointed first, so no WAL
/// frame is left behind) to a new file `next` under key `to`, with its
/// schema version (SQLCipher's export does not copy it).
pub(crate) fn export_under(conn: &Connection, next: &Path, to: &[u8; 32]) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let attach = Zeroizing::new(format!(
        "ATTACH DATABASE '{}' AS next KEY \"x'{}'\";",
        next.display().to_string().replace('\'', "''"),
        hex::encode(&to[..])
    ));
    conn.execute_batch(&attach)?;
    conn.query_row("SELECT sqlcipher_export('next')", [], |_| Ok(()))?;
    conn.execute_batch(&format!("PRAGMA next.user_version = {version};"))?;
    conn.execute_batch("DETACH DATABASE next;")?;
    Ok(())
}
