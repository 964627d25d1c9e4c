//! The `workspace_key` and `checkpoints` tables' SQL: the public half of the
//! signing key (the private half is a file, wrapped in an encrypted
//! workspace) and the checkpoints it signed. What a signature proves is
//! `signing.rs`'s.
use crate::error::Result;
use crate::signing::Checkpoint;
use rusqlite::{params, Connection, OptionalExtension};

/// The key row: workspace id, public key (hex), fingerprint, created at.
pub(crate) type KeyRow = (String, String, String, String);

/// The workspace's key row, if a key was made.
pub(crate) fn key_row(conn: &Connection) -> Result<Option<KeyRow>> {
    Ok(conn
        .query_row(
            "SELECT workspace_id, public_key, fingerprint, created_at FROM workspace_key WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?)
}

/// Records the workspace's one key (a second is refused by the primary key).
pub(crate) fn insert_key(
    conn: &Connection,
    workspace_id: &str,
    public_key: &str,
    fingerprint: &str,
    created_at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO workspace_key (id, workspace_id, public_key, fingerprint, created_at) VALUES (1, ?1, ?2, ?3, ?4)",
        params![workspace_id, public_key, fingerprint, created_at],
    )?;
    Ok(())
}

/// Stores a signed checkpoint; returns its id.
pub(crate) fn insert_checkpoint(conn: &Connection, cp: &Checkpoint) -> Result<i64> {
    conn.execute(
        "INSERT INTO checkpoints (event_count, head_hash, at, reason, fingerprint, signature) VALUES (?1,?2,?3,?4,?5,?6)",
        params![cp.event_count, cp.head_hash, cp.at, cp.reason, cp.fingerprint, cp.signature],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Every checkpoint by id, oldest first, with `workspace_id` as given (the
/// key row holds it, not the checkpoint rows).
pub(crate) fn checkpoints(conn: &Connection, workspace_id: &str) -> Result<Vec<(i64, Checkpoint)>> {
    let mut stmt = conn.prepare(
        "SELECT id, event_count, head_hash, at, reason, fingerprint, signature FROM checkpoints ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            Checkpoint {
                workspace_id: workspace_id.to_string(),
                event_count: r.get(1)?,
                head_hash: r.get(2)?,
                at: r.get(3)?,
                reason: r.get(4)?,
                fingerprint: r.get(5)?,
                signature: r.get(6)?,
            },
        ))
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}
