//! The SQLite schema and its migrations, keyed on `PRAGMA user_version`.
use crate::error::{Error, Result};
use rusqlite::Connection;

/// Each entry moves the schema from version i to i+1, one `.sql` file per
/// step in `store/migrations/` (numbered; the file's first lines say why).
/// Never edit a shipped file: add a new one. `shipped_migrations_are_frozen`
/// holds each file's digest, so an edit fails the tests.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_first_schema.sql"),
    include_str!("migrations/0002_occurrences_applicability_soa.sql"),
    include_str!("migrations/0003_interop_scopes.sql"),
    include_str!("migrations/0004_cited_crosswalks.sql"),
    include_str!("migrations/0005_signing_checkpoints.sql"),
    include_str!("migrations/0006_purged_evidence.sql"),
];

/// The schema version this build writes (`PRAGMA user_version` after every
/// migration has run): one per entry of `MIGRATIONS`.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Whether this process can write `path` (the real permission check of the
/// OS, so it also holds for an auditor's read-only copy or mount).
pub fn writable(path: &std::path::Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return false;
        };
        unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(path).is_ok_and(|m| !m.permissions().readonly())
    }
}

/// Opens a workspace database that cannot be written (a read-only folder or
/// file): no migration, no WAL switch. When SQLite cannot share the WAL index
/// of a read-only folder, the file is opened as immutable instead.
pub fn open_read_only(path: &std::path::Path) -> Result<Connection> {
    open_read_only_keyed(path, None)
}

/// [`open_read_only`] with a SQLCipher key (an encrypted workspace).
pub fn open_read_only_keyed(path: &std::path::Path, key: Option<&[u8; 32]>) -> Result<Connection> {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
    let try_open = |uri: &str| -> Result<(Connection, i64)> {
        let conn = Connection::open_with_flags(uri, flags)?;
        if let Some(key) = key {
            super::cipher::apply_key(&conn, key, path)?;
        }
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok((conn, v))
    };
    let plain = format!("file:{}", uri_path(path));
    let (conn, version) =
        try_open(&plain).or_else(|_| try_open(&format!("{plain}?immutable=1")))?;
    check_version(&conn, version, path)?;
    if version != SCHEMA_VERSION {
        return Err(Error::Usage(format!(
            "the workspace at {} is read-only and uses an older schema ({version}, this build needs {SCHEMA_VERSION}); open it once where it can be written to upgrade it",
            path.display()
        )));
    }
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

/// A path for an SQLite `file:` URI (`?`, `#` and `%` escaped).
fn uri_path(path: &std::path::Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '?' | '#' | '%' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Refuses schema versions no Crosswalk writes: negative, newer than this
/// build, or 0 on a database that already has tables (not one of ours, or its
/// version was reset: migrating it would run the first schema over its tables).
fn check_version(conn: &Connection, version: i64, path: &std::path::Path) -> Result<()> {
    if version < 0 {
        return Err(Error::Usage(format!(
            "{} has schema version {version}, which no Crosswalk writes; the database was edited outside Crosswalk, restore it from a backup",
            path.display()
        )));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            path: path.display().to_string(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    if version == 0 {
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        if tables > 0 {
            return Err(Error::Usage(format!(
                "{} holds tables but no Crosswalk schema version; it is not a Crosswalk database, or it was edited outside Crosswalk",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Opens (or creates) the unencrypted workspace database at `path`, in WAL
/// mode with full fsync and foreign keys on, migrated to [`SCHEMA_VERSION`];
/// [`Error::SchemaTooNew`] when a newer Crosswalk wrote it.
pub fn open(path: &std::path::Path) -> Result<Connection> {
    open_keyed(path, None)
}

/// Opens with a SQLCipher key (raw 256-bit, `x'…'` form) when given; unkeyed
/// is plain SQLite, as before. The key must be set before anything else.
pub fn open_keyed(path: &std::path::Path, key: Option<&[u8; 32]>) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    if let Some(key) = key {
        super::cipher::apply_key(&conn, key, path)?;
    }
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    set_wal(&conn)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// Switches a new database to WAL (the mode persists in the file). SQLite does
/// not call the busy handler for this switch, so when several processes open a
/// brand-new workspace at once, the losers retry for a while instead of failing.
fn set_wal(conn: &Connection) -> Result<()> {
    let mut delay = std::time::Duration::from_millis(5);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let mode: rusqlite::Result<String> =
            conn.query_row("PRAGMA journal_mode", [], |r| r.get(0));
        let attempt = match mode {
            Ok(m) if m.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(_) => conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
                .map(|_| ()),
            Err(e) => Err(e),
        };
        match attempt {
            Ok(()) => continue, // read it back on the next turn
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(delay);
                delay = (delay * 2).min(std::time::Duration::from_millis(200));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn migrate(conn: &mut Connection, path: &std::path::Path) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    check_version(conn, version, path)?;
    // IMMEDIATE takes the write lock first and the version is read again under
    // it, so two processes opening a new workspace at once migrate it once.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    check_version(&tx, version, path)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// The SHA-256 of every shipped migration file. A workspace on a user's
    /// disk was built by exactly these statements: editing one would give
    /// new workspaces a schema that old ones never reach. Add a file instead,
    /// and its digest here.
    const SHIPPED: &[&str] = &[
        "5f3b71778186c651663745d3caf827b7ca5d2f3c8919c377f8d0889b5131de26",
        "54333702913d5b28a8d920be109ea34fc2cf1a8f578925e821203998df7f347b",
        "9d375493a48054969a67707377913eb2572173ff8446d3651d29b0e102d3d283",
        "12c1d7cd44efb1b6557d815d2335693e561c8f57c775e74ab51a719782aa184f",
        "c7cefdfe68a94d0f126552099b220792a8366accbc450f3d29f53da276d0d01d",
        "0b924d98c0428455e052de67fd505a0d4abfcb9e528282b4cf136629418ad6d3",
    ];

    #[test]
    fn shipped_migrations_are_frozen() {
        assert!(
            MIGRATIONS.len() >= SHIPPED.len(),
            "a shipped migration was removed"
        );
        for (i, (sql, want)) in MIGRATIONS.iter().zip(SHIPPED).enumerate() {
            let got = hex::encode(Sha256::digest(sql.as_bytes()));
            assert_eq!(
                &got,
                want,
                "migration {} was edited after it shipped",
                i + 1
            );
        }
    }

    #[test]
    fn every_migration_applies_in_order_to_an_empty_database() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("w.db")).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }
}
