//! The catalog rows in SQL: frameworks, their requirements and the
//! crosswalk links between them.
use super::types::{Cells, Day};
use crate::catalog::Catalog;
use crate::error::Result;
use crate::model::*;
use crate::text::ref_key;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;

/// Every framework, shipped ones first, then by id.
pub(crate) fn frameworks(conn: &Connection) -> Result<Vec<Framework>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, short_name, version, publisher, published, source, text_rights, levels FROM frameworks ORDER BY shipped DESC, id",
    )?;
    let rows = stmt.query_map([], |r| {
        let id: String = r.get(0)?;
        let c = Cells::new(r, "frameworks", &id);
        Ok(Framework {
            name: r.get(1)?,
            short_name: r.get(2)?,
            version: r.get(3)?,
            publisher: r.get(4)?,
            published: c.date_opt(5, "published")?,
            source: r.get(6)?,
            text_rights: r.get(7)?,
            levels: c.json(8, "levels", "a JSON list of level names")?,
            id,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The catalog digest stored for each framework.
pub(crate) fn catalog_digests(conn: &Connection) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare("SELECT id, catalog_sha256 FROM frameworks")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The ids of the frameworks this build ships (as stored).
pub(crate) fn shipped_ids(conn: &Connection) -> Result<std::collections::HashSet<String>> {
    let mut stmt = conn.prepare("SELECT id FROM frameworks WHERE shipped = 1")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many requirements framework `id` has stored.
pub(crate) fn requirement_count(conn: &Connection, id: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM requirements WHERE framework_id = ?1",
        [id],
        |r| r.get(0),
    )?)
}

/// How many crosswalk links of one origin are stored.
pub(crate) fn link_count(conn: &Connection, origin: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM crosswalk_links WHERE origin = ?1",
        [origin],
        |r| r.get(0),
    )?)
}

/// Requirements of one framework (every framework when None), in catalog order.
pub(crate) fn requirements(conn: &Connection, framework: Option<&str>) -> Result<Vec<Requirement>> {
    let mut stmt = conn.prepare(
        "SELECT framework_id, ref, parent, level, title, summary, assessable, designation, theme, own_title
         FROM requirements WHERE ?1 IS NULL OR framework_id = ?1 ORDER BY framework_id, position",
    )?;
    let rows = stmt.query_map([framework], |r| {
        Ok(Requirement {
            framework_id: r.get(0)?,
            reference: r.get(1)?,
            parent: r.get(2)?,
            level: r.get(3)?,
            title: r.get(4)?,
            summary: r.get(5)?,
            assessable: r.get(6)?,
            designation: r.get(7)?,
            theme: r.get(8)?,
            own_title: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every crosswalk link, in the order stored.
pub(crate) fn crosswalk_links(conn: &Connection) -> Result<Vec<CrosswalkLink>> {
    let mut stmt = conn.prepare(
        "SELECT from_framework, from_ref, to_framework, to_ref, relationship, basis, source, note,
                properties, strength, publisher, document, version, licence, url, id
         FROM crosswalk_links ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let c = Cells::new(r, "crosswalk_links", format!("id {}", r.get::<_, i64>(15)?));
        Ok(CrosswalkLink {
            from_framework: r.get(0)?,
            from_ref: r.get(1)?,
            to_framework: r.get(2)?,
            to_ref: r.get(3)?,
            relationship: c.get(4, "relationship")?,
            properties: c.words(8, "properties")?,
            strength: r.get(9)?,
            basis: c.get(5, "basis")?,
            source: r.get(6)?,
            note: r.get(7)?,
            provenance: Provenance {
                publisher: r.get(10)?,
                document: r.get(11)?,
                version: r.get(12)?,
                licence: r.get(13)?,
                url: r.get(14)?,
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether framework `id` is stored. A database error reads as "no": the
/// callers are parsers that then report the framework unknown.
pub(crate) fn framework_exists(conn: &Connection, id: &str) -> bool {
    conn.query_row("SELECT 1 FROM frameworks WHERE id = ?1", [id], |_| Ok(()))
        .optional()
        .ok()
        .flatten()
        .is_some()
}

/// The canonical ref of a requirement, matched forgiving whitespace.
pub(crate) fn resolve_ref_in(
    conn: &Connection,
    framework_id: &str,
    reference: &str,
) -> Option<String> {
    conn.query_row(
        "SELECT ref FROM requirements WHERE framework_id = ?1 AND ref_key = ?2",
        params![framework_id, ref_key(reference)],
        |r| r.get(0),
    )
    .optional()
    .ok()
    .flatten()
}

/// Deletes every link of one origin (`shipped`, or the file they came from).
pub(crate) fn delete_links(conn: &Connection, origin: &str) -> Result<()> {
    conn.execute("DELETE FROM crosswalk_links WHERE origin = ?1", [origin])?;
    Ok(())
}

pub(crate) fn insert_links(conn: &Connection, links: &[CrosswalkLink], origin: &str) -> Result<()> {
    let mut stmt = conn.prepare(
        "INSERT INTO crosswalk_links (from_framework, from_ref, to_framework, to_ref, relationship, basis, source, note, origin,
            properties, strength, publisher, document, version, licence, url)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
    )?;
    for l in links {
        let properties: Vec<&str> = l.properties.iter().map(|p| p.as_str()).collect();
        let p = &l.provenance;
        stmt.execute(params![
            l.from_framework,
            l.from_ref,
            l.to_framework,
            l.to_ref,
            l.relationship,
            l.basis,
            l.source,
            l.note,
            origin,
            properties.join(","),
            l.strength,
            p.publisher,
            p.document,
            p.version,
            p.licence,
            p.url
        ])?;
    }
    Ok(())
}

/// Writes or refreshes one catalog. Requirements that controls still map to
/// are kept even if the new catalog dropped them, so no mapping is lost.
pub(crate) fn store_catalog(
    tx: &Connection,
    catalog: &Catalog,
    sha: &str,
    shipped: bool,
) -> Result<()> {
    let f = &catalog.framework;
    tx.execute(
        "INSERT INTO frameworks (id, name, short_name, version, publisher, published, source, text_rights, levels, catalog_sha256, shipped)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)
         ON CONFLICT(id) DO UPDATE SET name=excluded.name, short_name=excluded.short_name, version=excluded.version,
           publisher=excluded.publisher, published=excluded.published, source=excluded.source, text_rights=excluded.text_rights,
           levels=excluded.levels, catalog_sha256=excluded.catalog_sha256, shipped=excluded.shipped",
        params![
            f.id,
            f.name,
            f.short_name,
            f.version,
            f.publisher,
            f.published.map(Day),
            f.source,
            f.text_rights,
            serde_json::to_string(&f.levels).expect("a list of names serializes"),
            sha,
            shipped
        ],
    )?;
    tx.execute(
        "DELETE FROM requirements WHERE framework_id = ?1 AND NOT EXISTS
           (SELECT 1 FROM mappings m WHERE m.framework_id = requirements.framework_id AND m.ref = requirements.ref)
         AND NOT EXISTS (SELECT 1 FROM applicability a WHERE a.framework_id = requirements.framework_id AND a.ref = requirements.ref)
         AND NOT EXISTS (SELECT 1 FROM applicability_decisions d WHERE d.framework_id = requirements.framework_id AND d.ref = requirements.ref)",
        [&f.id],
    )?;
    let mut stmt = tx.prepare(
        "INSERT INTO requirements (framework_id, ref, ref_key, parent, level, title, summary, assessable, designation, theme, position, own_title)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)
         ON CONFLICT(framework_id, ref) DO UPDATE SET ref_key=excluded.ref_key, parent=excluded.parent, level=excluded.level,
           title=excluded.title, summary=excluded.summary, assessable=excluded.assessable, designation=excluded.designation,
           theme=excluded.theme, position=excluded.position, own_title=excluded.own_title",
    )?;
    for (i, r) in catalog.requirements.iter().enumerate() {
        stmt.execute(params![
            f.id,
            r.reference,
            ref_key(&r.reference),
            r.parent,
            r.level,
            r.title,
            r.summary,
            r.assessable,
            r.designation,
            r.theme,
            i as i64,
            r.own_title
        ])?;
    }
    Ok(())
}
