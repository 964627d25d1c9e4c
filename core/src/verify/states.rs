//! The rows the audit trail vouches for: the state each subject was left in
//! by the last event that touched it, the digest of each row now, and the
//! faults where the two disagree.
use super::{describe, Fault};
use crate::audit::{State, Subject};
use crate::error::Result;
use crate::store::raw;
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

/// The current digests of everything the trail vouches for besides controls,
/// evidence and assessments; and how many rows they cover.
pub(super) fn recorded_reference_states(
    conn: &Connection,
) -> Result<(HashMap<String, String>, usize)> {
    let mut out = HashMap::new();
    let mut rows = 0usize;
    for id in raw::framework_ids(conn, false)? {
        rows += 1;
        let rows = raw::framework_rows(conn, &id)?;
        out.insert(
            Subject::Framework(id).to_string(),
            State::Rows(&rows).digest(),
        );
    }
    for (origin, n) in raw::user_link_origins(conn)? {
        rows += n as usize;
        if let Some(links) = raw::link_rows(conn, &origin)? {
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
    for (id, key) in raw::import_keys(conn)? {
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
            raw::link_rows(&conn, origin)
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
