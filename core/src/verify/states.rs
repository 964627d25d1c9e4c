//! The rows the audit trail vouches for: the state each subject was left in
//! by the last event that touched it, the digest of each row now, and the
//! faults where the two disagree.
use super::{describe, Fault};
use crate::audit::{State, Subject};
use crate::error::Result;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};

/// Settings that are caches of shipped data, checked against the build itself.
const INTERNAL_SETTINGS: &[&str] = &["shipped_crosswalks_sha256"];

/// Per subject, the digest the last event that touched it recorded (None:
/// it deleted the subject) and that event's number.
pub(super) type Expected = BTreeMap<String, (Option<String>, i64)>;

/// The state each subject was left in by the last event that touched it.
pub(super) fn expected_states(conn: &Connection) -> Result<Expected> {
    let mut expected = Expected::new();
    for (seq, details) in crate::store::audit::details(conn, None)? {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&details) else {
            continue;
        };
        if let Some(states) = value.get("states").and_then(|s| s.as_object()) {
            for (subject, digest) in states {
                expected.insert(subject.clone(), (digest.as_str().map(str::to_string), seq));
            }
        }
    }
    Ok(expected)
}

/// Each way a row can disagree with the trail: present but never recorded,
/// present though deleted, different from what was recorded, or missing.
pub(super) fn state_faults(actual: &HashMap<String, String>, expected: &Expected) -> Vec<Fault> {
    let mut faults = Vec::new();
    for (subject, digest) in actual {
        match expected.get(subject) {
            None => faults.push(Fault {
                subject: subject.clone(),
                message: format!(
                    "{} exists but no audit event records it (written outside Crosswalk)",
                    describe(subject)
                ),
            }),
            Some((None, seq)) => faults.push(Fault {
                subject: subject.clone(),
                message: format!(
                    "{} was deleted by audit event {seq} but is present",
                    describe(subject)
                ),
            }),
            Some((Some(want), seq)) if want != digest => faults.push(Fault {
                subject: subject.clone(),
                message: format!(
                    "{} differs from what audit event {seq} recorded (edited outside Crosswalk)",
                    describe(subject)
                ),
            }),
            _ => {}
        }
    }
    for (subject, (digest, seq)) in expected {
        if digest.is_some() && !actual.contains_key(subject) {
            faults.push(Fault {
                subject: subject.clone(),
                message: format!(
                    "{} recorded by audit event {seq} is missing (deleted outside Crosswalk)",
                    describe(subject)
                ),
            });
        }
    }
    faults
}

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

/// The current digests of everything the trail vouches for besides controls,
/// evidence and assessments; and how many rows they cover.
pub(super) fn recorded_reference_states(
    conn: &Connection,
) -> Result<(HashMap<String, String>, usize)> {
    let mut out = HashMap::new();
    let mut rows = 0usize;
    let user_frameworks: Vec<String> = {
        let mut stmt = conn.prepare("SELECT id FROM frameworks WHERE shipped = 0 ORDER BY id")?;
        let r = stmt.query_map([], |r| r.get(0))?;
        r.collect::<Result<_, _>>()?
    };
    for id in user_frameworks {
        rows += 1;
        let rows = framework_rows(conn, &id)?;
        out.insert(
            Subject::Framework(id).to_string(),
            State::Rows(&rows).digest(),
        );
    }
    let origins: Vec<(String, i64)> = {
        let mut stmt = conn.prepare(
            "SELECT origin, count(*) FROM crosswalk_links WHERE origin <> 'shipped' GROUP BY origin",
        )?;
        let r = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        r.collect::<Result<_, _>>()?
    };
    for (origin, n) in origins {
        rows += n as usize;
        if let Some(links) = link_rows(conn, &origin)? {
            out.insert(
                Subject::CrosswalkFile(origin).to_string(),
                State::Rows(&links).digest(),
            );
        }
    }
    let settings = crate::store::settings::all(conn)?;
    for (key, value) in settings {
        rows += 1;
        // The day of the last expiry reminder is bookkeeping, written without
        // an event (settings.rs), so it is not vouched for.
        if !INTERNAL_SETTINGS.contains(&key.as_str()) && !key.ends_with(".expiry_reminded_on") {
            out.insert(
                Subject::Setting(key).to_string(),
                State::Text(&value).digest(),
            );
        }
    }
    let keys: Vec<(i64, String)> = {
        let mut stmt =
            conn.prepare("SELECT id, import_key FROM evidence WHERE import_key IS NOT NULL")?;
        let r = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        r.collect::<Result<_, _>>()?
    };
    for (id, key) in keys {
        out.insert(
            Subject::ImportKey(id).to_string(),
            State::Text(&key).digest(),
        );
    }
    Ok((out, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(actual: &[(&str, &str)], expected: &[(&str, Option<&str>, i64)]) -> Vec<String> {
        let actual = actual
            .iter()
            .map(|(s, d)| (s.to_string(), d.to_string()))
            .collect();
        let expected = expected
            .iter()
            .map(|(s, d, seq)| (s.to_string(), (d.map(str::to_string), *seq)))
            .collect();
        let mut out: Vec<String> = state_faults(&actual, &expected)
            .into_iter()
            .map(|f| format!("{} | {}", f.subject, f.message))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_row_that_matches_its_last_event_is_no_fault() {
        assert!(faults(&[("control:A", "d1")], &[("control:A", Some("d1"), 4)]).is_empty());
        // Deleted by an event and gone: as recorded.
        assert!(faults(&[], &[("evidence:7", None, 9)]).is_empty());
    }

    #[test]
    fn each_disagreement_with_the_trail_is_classified() {
        let got = faults(
            &[
                ("control:NEW", "x"),
                ("evidence:3", "changed"),
                ("assessment:2", "back"),
                ("setting:organisation", "same"),
            ],
            &[
                ("evidence:3", Some("original"), 12),
                ("assessment:2", None, 15),
                ("control:GONE", Some("g"), 20),
                ("setting:organisation", Some("same"), 2),
            ],
        );
        assert_eq!(
            got,
            [
                "assessment:2 | assessment #2 was deleted by audit event 15 but is present",
                "control:GONE | control GONE recorded by audit event 20 is missing (deleted outside Crosswalk)",
                "control:NEW | control NEW exists but no audit event records it (written outside Crosswalk)",
                "evidence:3 | evidence #3 differs from what audit event 12 recorded (edited outside Crosswalk)",
            ]
        );
    }

    #[test]
    fn the_last_event_that_touched_a_subject_decides_what_is_expected() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, action TEXT, details TEXT NOT NULL);
             INSERT INTO audit_log (seq, details) VALUES (1, '{\"states\": {\"control:A\": \"a1\", \"evidence:1\": \"e1\"}}');
             INSERT INTO audit_log (seq, details) VALUES (2, 'not json');
             INSERT INTO audit_log (seq, details) VALUES (3, '{\"states\": {\"control:A\": \"a2\"}}');
             INSERT INTO audit_log (seq, details) VALUES (4, '{\"states\": {\"evidence:1\": null}, \"other\": 1}');",
        )
        .unwrap();
        let expected = expected_states(&conn).unwrap();
        assert_eq!(expected["control:A"], (Some("a2".to_string()), 3));
        assert_eq!(expected["evidence:1"], (None, 4));
        assert_eq!(expected.len(), 2);
    }

    #[test]
    fn a_digest_of_raw_rows_sees_every_column() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE crosswalk_links (from_framework, from_ref, to_framework, to_ref, relationship, basis, source, note, properties, strength, publisher, document, version, licence, url, origin);
             INSERT INTO crosswalk_links VALUES ('a','1','b','X','equivalent','published','s',NULL,'',NULL,'p','d','v','l','u','file.yaml');",
        )
        .unwrap();
        let digest = |origin: &str| {
            link_rows(&conn, origin)
                .unwrap()
                .map(|rows| State::Rows(&rows).digest())
        };
        let before = digest("file.yaml").expect("has links");
        assert_eq!(digest("other.yaml"), None);
        conn.execute("UPDATE crosswalk_links SET note = 'x'", [])
            .unwrap();
        assert_ne!(digest("file.yaml").unwrap(), before);
    }
}
