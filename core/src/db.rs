//! The SQLite schema and its migrations, keyed on `PRAGMA user_version`.
use crate::error::{Error, Result};
use rusqlite::Connection;

/// Each entry moves the schema from version i to i+1. Never edit a shipped
/// entry: add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
    CREATE TABLE frameworks (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        short_name TEXT NOT NULL,
        version TEXT NOT NULL,
        publisher TEXT NOT NULL,
        published TEXT,
        source TEXT NOT NULL,
        text_rights TEXT NOT NULL,
        levels TEXT NOT NULL,            -- JSON array, top level first
        catalog_sha256 TEXT NOT NULL,    -- of the catalog file it was loaded from
        shipped INTEGER NOT NULL         -- 1 when it came with Crosswalk
    );
    CREATE TABLE requirements (
        framework_id TEXT NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
        ref TEXT NOT NULL,
        ref_key TEXT NOT NULL,           -- ref without whitespace, for forgiving lookups
        parent TEXT,
        level TEXT NOT NULL,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        assessable INTEGER NOT NULL,
        designation TEXT,
        theme TEXT,
        position INTEGER NOT NULL,       -- order in the catalog
        PRIMARY KEY (framework_id, ref),
        UNIQUE (framework_id, ref_key)
    );
    CREATE TABLE crosswalk_links (
        id INTEGER PRIMARY KEY,
        from_framework TEXT NOT NULL,
        from_ref TEXT NOT NULL,
        to_framework TEXT NOT NULL,
        to_ref TEXT NOT NULL,
        relationship TEXT NOT NULL,
        basis TEXT NOT NULL,
        source TEXT NOT NULL,
        note TEXT,
        origin TEXT NOT NULL,            -- 'shipped', or the file a user imported it from
        FOREIGN KEY (from_framework, from_ref) REFERENCES requirements(framework_id, ref) ON DELETE CASCADE,
        FOREIGN KEY (to_framework, to_ref) REFERENCES requirements(framework_id, ref) ON DELETE CASCADE
    );
    CREATE INDEX crosswalk_from ON crosswalk_links(from_framework, from_ref);
    CREATE INDEX crosswalk_to ON crosswalk_links(to_framework, to_ref);
    CREATE TABLE controls (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        category TEXT NOT NULL,
        owner TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('implemented','partial','planned','not_applicable')),
        review_every_days INTEGER,
        source_file TEXT,                -- the YAML file it was last imported from
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE mappings (
        control_id TEXT NOT NULL REFERENCES controls(id) ON DELETE CASCADE,
        framework_id TEXT NOT NULL,
        ref TEXT NOT NULL,
        coverage TEXT NOT NULL CHECK (coverage IN ('full','partial')),
        rationale TEXT,
        position INTEGER NOT NULL,
        PRIMARY KEY (control_id, framework_id, ref),
        FOREIGN KEY (framework_id, ref) REFERENCES requirements(framework_id, ref)
    );
    CREATE INDEX mappings_requirement ON mappings(framework_id, ref);
    CREATE TABLE evidence (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('file','link','note')),
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        url TEXT,
        note TEXT,
        collected_by TEXT NOT NULL,
        collected_on TEXT NOT NULL,
        valid_until TEXT,
        import_key TEXT UNIQUE,          -- "CONTROL-ID/title" for evidence declared in control YAML
        added_at TEXT NOT NULL,
        removed_at TEXT
    );
    CREATE TABLE evidence_revisions (
        evidence_id INTEGER NOT NULL REFERENCES evidence(id),
        number INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        file_name TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (evidence_id, number)
    );
    CREATE INDEX revisions_blob ON evidence_revisions(sha256);
    CREATE TABLE evidence_controls (
        evidence_id INTEGER NOT NULL REFERENCES evidence(id),
        control_id TEXT NOT NULL REFERENCES controls(id) ON DELETE CASCADE,
        PRIMARY KEY (evidence_id, control_id)
    );
    CREATE INDEX evidence_controls_control ON evidence_controls(control_id);
    CREATE TABLE assessments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        organisation TEXT NOT NULL,
        scope TEXT NOT NULL,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE assessment_frameworks (
        assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        framework_id TEXT NOT NULL REFERENCES frameworks(id),
        PRIMARY KEY (assessment_id, framework_id)
    );
    CREATE TABLE applicability (
        assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        framework_id TEXT NOT NULL,
        ref TEXT NOT NULL,
        applicable INTEGER NOT NULL,
        justification TEXT NOT NULL,     -- required when not applicable
        implementation TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (assessment_id, framework_id, ref),
        FOREIGN KEY (framework_id, ref) REFERENCES requirements(framework_id, ref),
        CHECK (applicable = 1 OR length(trim(justification)) > 0)
    );
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        summary TEXT NOT NULL,
        details TEXT NOT NULL,           -- canonical JSON
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    "#,
    // Evidence over an audit period: occurrences grouped in a series, the
    // assessment type, workspace-level applicability with its history, and
    // the Statement of Applicability's document-control fields.
    r#"
    ALTER TABLE evidence ADD COLUMN series_id INTEGER REFERENCES evidence(id);
    CREATE INDEX evidence_series ON evidence(series_id);
    ALTER TABLE assessments ADD COLUMN kind TEXT CHECK (kind IS NULL OR kind IN ('type1','type2'));
    CREATE TABLE applicability_decisions (
        id INTEGER PRIMARY KEY,
        framework_id TEXT NOT NULL,
        ref TEXT NOT NULL,
        applicable INTEGER NOT NULL,
        justification TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        FOREIGN KEY (framework_id, ref) REFERENCES requirements(framework_id, ref),
        CHECK (applicable = 1 OR length(trim(justification)) > 0)
    );
    CREATE INDEX applicability_decisions_req ON applicability_decisions(framework_id, ref, id);
    CREATE TABLE soa_documents (
        framework_id TEXT PRIMARY KEY REFERENCES frameworks(id),
        version TEXT NOT NULL DEFAULT '',
        owner TEXT NOT NULL DEFAULT '',
        approved_by TEXT NOT NULL DEFAULT '',
        approved_on TEXT,
        updated_at TEXT NOT NULL
    );
    "#,
    // interop: scopes (an OSCAL profile's baseline, an OpenControl certification).
    r#"
    CREATE TABLE scopes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        source TEXT NOT NULL             -- the file it was imported from
    );
    CREATE TABLE scope_requirements (
        scope_id TEXT NOT NULL REFERENCES scopes(id) ON DELETE CASCADE,
        framework_id TEXT NOT NULL,
        ref TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (scope_id, framework_id, ref),
        FOREIGN KEY (framework_id, ref) REFERENCES requirements(framework_id, ref) ON DELETE CASCADE
    );
    "#,
    // Crosswalks you can cite: IR 8477 supportive links (properties, strength),
    // each link's provenance, and catalog titles that are the project's own label.
    r#"
    ALTER TABLE crosswalk_links ADD COLUMN properties TEXT NOT NULL DEFAULT '';  -- comma-separated SupportProperty names
    ALTER TABLE crosswalk_links ADD COLUMN strength INTEGER;
    ALTER TABLE crosswalk_links ADD COLUMN publisher TEXT NOT NULL DEFAULT '';
    ALTER TABLE crosswalk_links ADD COLUMN document TEXT NOT NULL DEFAULT '';
    ALTER TABLE crosswalk_links ADD COLUMN version TEXT NOT NULL DEFAULT '';
    ALTER TABLE crosswalk_links ADD COLUMN licence TEXT NOT NULL DEFAULT '';
    ALTER TABLE crosswalk_links ADD COLUMN url TEXT NOT NULL DEFAULT '';
    ALTER TABLE requirements ADD COLUMN own_title INTEGER NOT NULL DEFAULT 0;
    "#,
    // The workspace signing key's public half and signed checkpoints (signing.rs).
    r#"
    CREATE TABLE workspace_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        workspace_id TEXT NOT NULL,      -- random, made with the key
        public_key TEXT NOT NULL,        -- Ed25519, 32 bytes hex; the secret stays in keys/
        fingerprint TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE checkpoints (
        id INTEGER PRIMARY KEY,
        event_count INTEGER NOT NULL,    -- the signed prefix: events 1..event_count
        head_hash TEXT NOT NULL,         -- hash of event `event_count`
        at TEXT NOT NULL,
        reason TEXT NOT NULL,            -- report, package, on demand
        fingerprint TEXT NOT NULL,
        signature TEXT NOT NULL          -- Ed25519 over Checkpoint::message, hex
    );
    "#,
    // vault: evidence whose stored files were destroyed on purpose (`evidence purge`).
    r#"
    CREATE TABLE evidence_purges (
        evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id),
        purged_at TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    "#,
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A value in a row that no Crosswalk writes: a date that is not a date, an
/// enum column with an unknown word. Reading it is refused, naming the table,
/// row and column, instead of quietly showing a default an auditor would
/// take for data.
#[derive(Debug)]
pub struct Corrupt {
    pub table: &'static str,
    pub column: &'static str,
    /// The row's key (`id 12`, `E2E-ENC-01`).
    pub row: String,
    pub value: String,
    /// What the column holds when Crosswalk wrote it.
    pub expected: &'static str,
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
    fn into_sql(self) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(self))
    }
}

/// A YYYY-MM-DD column, checked (see [`Corrupt`]).
pub(crate) fn date_col(
    table: &'static str,
    column: &'static str,
    row: impl std::fmt::Display,
    value: &str,
) -> rusqlite::Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        Corrupt {
            table,
            column,
            row: row.to_string(),
            value: value.into(),
            expected: "a date (YYYY-MM-DD)",
        }
        .into_sql()
    })
}

/// An enum column, checked: `parse` is the enum's own reader.
pub(crate) fn enum_col<T>(
    table: &'static str,
    column: &'static str,
    row: impl std::fmt::Display,
    value: &str,
    expected: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    parse(value).ok_or_else(|| {
        Corrupt {
            table,
            column,
            row: row.to_string(),
            value: value.into(),
            expected,
        }
        .into_sql()
    })
}

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
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
    let try_open = |uri: &str| -> rusqlite::Result<(Connection, i64)> {
        let conn = Connection::open_with_flags(uri, flags)?;
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

pub fn open(path: &std::path::Path) -> Result<Connection> {
    open_keyed(path, None)
}

/// Opens with a SQLCipher key (raw 256-bit, `x'…'` form) when given; unkeyed
/// is plain SQLite, as before. The key must be set before anything else.
pub fn open_keyed(path: &std::path::Path, key: Option<&[u8; 32]>) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    if let Some(key) = key {
        crate::vault::keys::apply_db_key(&conn, key, path)?;
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
