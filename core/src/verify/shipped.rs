//! Shipped data against this build: the frameworks and requirements of the
//! embedded catalogs, and exactly the embedded crosswalks' links, each once.
//! The trail does not vouch for these; the build does.
use super::Fault;
use crate::catalog::Catalog;
use crate::error::Result;
use crate::model::{Framework, Requirement};
use crate::store::raw;
use rusqlite::Connection;
use std::collections::{HashMap, HashSet};

/// How many inserted links are named one by one before the rest are counted.
const LINKS_NAMED: usize = 20;

fn fault(subject: String, message: String) -> Fault {
    Fault { subject, message }
}

/// Shipped frameworks, requirements and crosswalk links against the data
/// embedded in this build.
pub(super) fn shipped_data_faults(conn: &Connection) -> Result<Vec<Fault>> {
    let mut faults = Vec::new();
    let catalogs = crate::catalog::shipped_catalogs().map_err(crate::Error::Invalid)?;
    let shipped_ids: HashSet<&str> = catalogs
        .iter()
        .map(|(c, _)| c.framework.id.as_str())
        .collect();
    let stored_shipped = raw::framework_ids(conn, true)?;
    for id in &stored_shipped {
        if !shipped_ids.contains(id.as_str()) {
            faults.push(fault(format!("framework:{id}"), format!("framework {id} is marked as shipped but this build ships no such catalog (written outside Crosswalk)")));
        }
    }
    for (catalog, sha) in &catalogs {
        framework_faults(conn, catalog, sha, &mut faults)?;
    }
    faults.extend(shipped_link_faults(conn)?);
    Ok(faults)
}

/// One shipped framework: its row, and its requirements when the row exists.
fn framework_faults(
    conn: &Connection,
    catalog: &Catalog,
    sha: &str,
    faults: &mut Vec<Fault>,
) -> Result<()> {
    let f = &catalog.framework;
    let subject = format!("framework:{}", f.id);
    let Some(row) = raw::framework_row(conn, &f.id)? else {
        faults.push(fault(
            subject,
            format!("shipped framework {} is missing from the database", f.id),
        ));
        return Ok(());
    };
    let expected = (
        f.name.clone(),
        f.short_name.clone(),
        f.version.clone(),
        f.publisher.clone(),
        f.source.clone(),
        f.published.map(|d| d.to_string()),
        f.text_rights.clone(),
        serde_json::to_string(&f.levels).unwrap_or_default(),
        sha.to_string(),
        f.id.clone(),
        true,
    );
    if row != expected {
        faults.push(fault(subject.clone(), format!("framework {} differs from the catalog shipped in this build (edited outside Crosswalk, or last opened by another Crosswalk version)", f.id)));
    }
    let stored = stored_requirements(conn, f, faults)?;
    faults.extend(requirement_faults(catalog, &stored));
    dropped_requirement_faults(conn, catalog, &stored, faults)
}

/// The stored requirements of a framework by reference; a lookup key that
/// does not match its reference is a fault.
fn stored_requirements(
    conn: &Connection,
    f: &Framework,
    faults: &mut Vec<Fault>,
) -> Result<HashMap<String, Requirement>> {
    let mut stored: HashMap<String, Requirement> = HashMap::new();
    for (requirement, key) in raw::requirements(conn, &f.id)? {
        let reference = requirement.reference.clone();
        if key != crate::text::ref_key(&reference) {
            faults.push(fault(
                format!("requirement:{}/{reference}", f.id),
                format!(
                    "{} {reference}: its lookup key was edited outside Crosswalk",
                    f.id
                ),
            ));
        }
        stored.insert(reference, requirement);
    }
    Ok(stored)
}

/// Each shipped requirement that is missing, or stored with other content
/// (naming the title or summary when that is what differs).
fn requirement_faults(catalog: &Catalog, stored: &HashMap<String, Requirement>) -> Vec<Fault> {
    let f = &catalog.framework;
    let mut faults = Vec::new();
    for want in &catalog.requirements {
        let subject = format!("requirement:{}/{}", f.id, want.reference);
        match stored.get(&want.reference) {
            None => faults.push(fault(
                subject,
                format!(
                    "{} {} of the shipped catalog is missing (deleted outside Crosswalk)",
                    f.id, want.reference
                ),
            )),
            Some(have) if have != want => {
                let what = if have.title != want.title {
                    "title"
                } else if have.summary != want.summary {
                    "summary"
                } else {
                    "fields"
                };
                faults.push(fault(subject, format!("{} {}: its {what} differs from the shipped catalog (edited outside Crosswalk)", f.id, want.reference)));
            }
            Some(_) => {}
        }
    }
    faults
}

/// Requirements a newer catalog dropped stay only while something maps to them.
fn dropped_requirement_faults(
    conn: &Connection,
    catalog: &Catalog,
    stored: &HashMap<String, Requirement>,
    faults: &mut Vec<Fault>,
) -> Result<()> {
    let f = &catalog.framework;
    let shipped_refs: HashSet<&str> = catalog
        .requirements
        .iter()
        .map(|r| r.reference.as_str())
        .collect();
    for reference in stored.keys().filter(|r| !shipped_refs.contains(r.as_str())) {
        if !raw::requirement_in_use(conn, &f.id, reference)? {
            faults.push(fault(format!("requirement:{}/{reference}", f.id), format!("{} {reference} is not in the shipped catalog and nothing maps to it (written outside Crosswalk)", f.id)));
        }
    }
    Ok(())
}

/// Shipped crosswalk links: exactly the embedded files' links, each once.
fn shipped_link_faults(conn: &Connection) -> Result<Vec<Fault>> {
    let mut faults = Vec::new();
    let mut want: HashMap<String, i64> = HashMap::new();
    for (name, bytes) in crate::embedded::CROSSWALK_FILES {
        let file = format!("controls/crosswalks/{name}");
        let root = crate::yaml::parse(&file, bytes).map_err(|p| crate::Error::Invalid(vec![p]))?;
        let links = crate::catalog::parse_crosswalk(
            &file,
            &root,
            &|fw, r| crate::store::catalog::resolve_ref_in(conn, fw, r),
            &|fw| crate::store::catalog::framework_exists(conn, fw),
        );
        let Ok(links) = links else {
            faults.push(fault("crosswalk:shipped".into(), format!("the shipped crosswalk {name} no longer resolves against the stored requirements")));
            continue;
        };
        for l in links {
            *want.entry(link_key(&l)).or_default() += 1;
        }
    }
    let have = stored_shipped_links(conn)?;
    faults.extend(link_count_faults(&want, &have));
    Ok(faults)
}

/// How often each shipped link is stored, keyed as [`link_key`] keys them.
fn stored_shipped_links(conn: &Connection) -> Result<HashMap<String, i64>> {
    let mut have: HashMap<String, i64> = HashMap::new();
    for link in raw::shipped_links(conn)? {
        *have.entry(link.to_string()).or_default() += 1;
    }
    Ok(have)
}

/// Links stored more often than shipped are inserted (the first
/// [`LINKS_NAMED`] named); links stored less often are missing or edited.
fn link_count_faults(want: &HashMap<String, i64>, have: &HashMap<String, i64>) -> Vec<Fault> {
    let mut faults = Vec::new();
    let mut extra: Vec<String> = Vec::new();
    let mut missing = 0i64;
    for (k, n) in have {
        let w = want.get(k).copied().unwrap_or(0);
        if *n > w {
            extra.push(describe_link(k));
        }
    }
    for (k, w) in want {
        missing += (w - have.get(k).copied().unwrap_or(0)).max(0);
    }
    extra.sort();
    for l in extra.iter().take(LINKS_NAMED) {
        faults.push(fault("crosswalk:shipped".into(), format!("crosswalk link {l} is not in the crosswalks shipped in this build (inserted outside Crosswalk)")));
    }
    if extra.len() > LINKS_NAMED {
        faults.push(fault(
            "crosswalk:shipped".into(),
            format!(
                "… and {} more inserted crosswalk links",
                extra.len() - LINKS_NAMED
            ),
        ));
    }
    if missing > 0 {
        faults.push(fault("crosswalk:shipped".into(), format!("{missing} shipped crosswalk link(s) are missing or were edited (changed outside Crosswalk)")));
    }
    faults
}

fn link_key(l: &crate::model::CrosswalkLink) -> String {
    serde_json::json!([
        l.from_framework,
        l.from_ref,
        l.to_framework,
        l.to_ref,
        l.relationship.as_str(),
        l.basis.as_str(),
        l.source,
        l.note,
        l.properties
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(","),
        l.strength.map(i64::from)
    ])
    .to_string()
}

fn describe_link(key: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(key).unwrap_or_default();
    format!(
        "{} {} {} {} {}",
        v[0].as_str().unwrap_or(""),
        v[1].as_str().unwrap_or(""),
        v[4].as_str().unwrap_or(""),
        v[2].as_str().unwrap_or(""),
        v[3].as_str().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(from: &str, to: &str) -> String {
        serde_json::json!([
            "a",
            from,
            "b",
            to,
            "equal",
            "published",
            "s",
            null,
            "",
            null
        ])
        .to_string()
    }

    fn counts(keys: &[(String, i64)]) -> HashMap<String, i64> {
        keys.iter().cloned().collect()
    }

    #[test]
    fn the_shipped_links_exactly_once_are_no_fault() {
        let want = counts(&[(key("1", "X"), 1), (key("2", "Y"), 2)]);
        assert!(link_count_faults(&want, &want.clone()).is_empty());
    }

    #[test]
    fn inserted_links_are_named_and_missing_ones_counted() {
        let want = counts(&[(key("1", "X"), 1), (key("2", "Y"), 2)]);
        let have = counts(&[(key("1", "X"), 2), (key("2", "Y"), 1), (key("3", "Z"), 1)]);
        let got: Vec<String> = link_count_faults(&want, &have)
            .into_iter()
            .map(|f| {
                assert_eq!(f.subject, "crosswalk:shipped");
                f.message
            })
            .collect();
        assert_eq!(
            got,
            [
                "crosswalk link a 1 equal b X is not in the crosswalks shipped in this build (inserted outside Crosswalk)",
                "crosswalk link a 3 equal b Z is not in the crosswalks shipped in this build (inserted outside Crosswalk)",
                "1 shipped crosswalk link(s) are missing or were edited (changed outside Crosswalk)",
            ]
        );
    }

    #[test]
    fn past_twenty_inserted_links_the_rest_are_counted() {
        let have: HashMap<String, i64> = (0..25).map(|i| (key(&i.to_string(), "X"), 1)).collect();
        let got = link_count_faults(&HashMap::new(), &have);
        assert_eq!(got.len(), LINKS_NAMED + 1);
        assert_eq!(
            got[LINKS_NAMED].message,
            "… and 5 more inserted crosswalk links"
        );
    }

    #[test]
    fn a_shipped_requirement_missing_or_edited_is_named_with_what_differs() {
        let (catalog, _) = crate::catalog::shipped_catalogs().unwrap().remove(0);
        let mut stored: HashMap<String, Requirement> = catalog
            .requirements
            .iter()
            .map(|r| (r.reference.clone(), r.clone()))
            .collect();
        assert!(requirement_faults(&catalog, &stored).is_empty());
        let first = catalog.requirements[0].reference.clone();
        let second = catalog.requirements[1].reference.clone();
        stored.remove(&first);
        stored.get_mut(&second).unwrap().summary.push('!');
        let got: Vec<String> = requirement_faults(&catalog, &stored)
            .into_iter()
            .map(|f| format!("{} | {}", f.subject, f.message))
            .collect();
        let id = &catalog.framework.id;
        assert_eq!(
            got,
            [
                format!("requirement:{id}/{first} | {id} {first} of the shipped catalog is missing (deleted outside Crosswalk)"),
                format!("requirement:{id}/{second} | {id} {second}: its summary differs from the shipped catalog (edited outside Crosswalk)"),
            ]
        );
    }

    #[test]
    fn a_link_key_reads_back_as_a_sentence() {
        assert_eq!(
            describe_link(&key("A.5.1", "CC6.1")),
            "a A.5.1 equal b CC6.1"
        );
        assert_eq!(describe_link("not json"), "    ");
    }
}
