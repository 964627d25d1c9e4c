//! Rows read as they are stored, for `verify`: every column, no typed
//! loader in between, so a value slipped in by hand is compared (and its
//! digest differs) rather than refused or smoothed over. The domain reads
//! go through the typed modules beside this one.
use crate::error::Result;
use crate::model::Requirement;
use rusqlite::{Connection, OptionalExtension};

/// Every column of every row a query returns, as JSON: a digest of raw rows
/// sees any edit, even one the typed loaders would smooth over.
fn rows_json(
    conn: &Connection,
    sql: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<serde_json::Value> {
    use rusqlite::types::ValueRef;
    let mut stmt = conn.prepare(sql)?;
    let n = stmt.column_count();
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::with_capacity(n);
        for i in 0..n {
            row.push(match r.get_ref(i)? {
                ValueRef::Null => serde_json::Value::Null,
                ValueRef::Integer(v) => v.into(),
                ValueRef::Real(v) => v.into(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                ValueRef::Blob(b) => hex::encode(b).into(),
            });
        }
        out.push(serde_json::Value::Array(row));
    }
    Ok(serde_json::Value::Array(out))
}

/// What the trail records of a framework: its row and all its requirements.
pub(crate) fn framework_rows(conn: &Connection, id: &str) -> Result<serde_json::Value> {
    let fw = rows_json(conn, "SELECT * FROM frameworks WHERE id = ?1", &[&id])?;
    let reqs = rows_json(
        conn,
        "SELECT * FROM requirements WHERE framework_id = ?1 ORDER BY position, ref",
        &[&id],
    )?;
    Ok(serde_json::json!([fw, reqs]))
}

/// What the trail records of the crosswalk links imported from one file;
/// None when there are none.
pub(crate) fn link_rows(conn: &Connection, origin: &str) -> Result<Option<serde_json::Value>> {
    let rows = rows_json(
        conn,
        "SELECT from_framework, from_ref, to_framework, to_ref, relationship, basis, source, note,
                properties, strength, publisher, document, version, licence, url
         FROM crosswalk_links WHERE origin = ?1 ORDER BY from_framework, from_ref, to_framework, to_ref, relationship",
        &[&origin],
    )?;
    Ok((rows.as_array().is_some_and(|a| !a.is_empty())).then_some(rows))
}

/// The ids of the shipped (or the user's) frameworks, in id order.
pub(crate) fn framework_ids(conn: &Connection, shipped: bool) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM frameworks WHERE shipped = ?1 ORDER BY id")?;
    let rows = stmt.query_map([shipped], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Each file the user's crosswalk links came from, with how many it gave.
pub(crate) fn user_link_origins(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT origin, count(*) FROM crosswalk_links WHERE origin <> 'shipped' GROUP BY origin ORDER BY origin",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// (evidence id, import key) of every evidence row an import made.
pub(crate) fn import_keys(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt =
        conn.prepare("SELECT id, import_key FROM evidence WHERE import_key IS NOT NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A framework row, whole: name, short name, version, publisher, source,
/// published, text rights, levels (JSON), catalog SHA-256, id, shipped.
pub(crate) type FrameworkRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    bool,
);

/// The stored row of framework `id`, if there is one.
pub(crate) fn framework_row(conn: &Connection, id: &str) -> Result<Option<FrameworkRow>> {
    Ok(conn
        .query_row(
            "SELECT name, short_name, version, publisher, source, published, text_rights, levels, catalog_sha256, id, shipped FROM frameworks WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?)),
        )
        .optional()?)
}

/// Every stored requirement of `framework`, with its stored lookup key.
pub(crate) fn requirements(
    conn: &Connection,
    framework: &str,
) -> Result<Vec<(Requirement, String)>> {
    let mut stmt = conn.prepare("SELECT ref, parent, level, title, summary, assessable, designation, theme, ref_key, own_title FROM requirements WHERE framework_id = ?1")?;
    let rows = stmt.query_map([framework], |r| {
        Ok((
            Requirement {
                framework_id: framework.to_string(),
                reference: r.get(0)?,
                parent: r.get(1)?,
                level: r.get(2)?,
                title: r.get(3)?,
                summary: r.get(4)?,
                assessable: r.get(5)?,
                designation: r.get(6)?,
                theme: r.get(7)?,
                own_title: r.get(9)?,
            },
            r.get(8)?,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether anything (a mapping, an applicability decision) names the requirement.
pub(crate) fn requirement_in_use(
    conn: &Connection,
    framework: &str,
    reference: &str,
) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM mappings WHERE framework_id = ?1 AND ref = ?2) OR EXISTS(SELECT 1 FROM applicability WHERE framework_id = ?1 AND ref = ?2) OR EXISTS(SELECT 1 FROM applicability_decisions WHERE framework_id = ?1 AND ref = ?2)",
        [framework, reference],
        |r| r.get(0),
    )?)
}

/// Every shipped crosswalk link as a JSON array of the columns a shipped
/// link is compared on (from, to, relationship, basis, source, note,
/// properties, strength).
pub(crate) fn shipped_links(conn: &Connection) -> Result<Vec<serde_json::Value>> {
    let mut stmt = conn.prepare("SELECT from_framework, from_ref, to_framework, to_ref, relationship, basis, source, note, properties, strength FROM crosswalk_links WHERE origin = 'shipped'")?;
    let rows = stmt.query_map([], |r| {
        Ok(serde_json::json!([
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, String>(8)?,
            r.get::<_, Option<i64>>(9)?
        ]))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
