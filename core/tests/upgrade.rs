//! Upgrades keep what a workspace holds and its proof. Each folder under
//! `tests/fixtures/upgrade/` is a workspace made by an older build, frozen:
//! its database as a gzipped SQL dump (with its `user_version`), its vault
//! and its signing key. The test opens a copy with today's code, which
//! migrates it, then checks that the data is all there, that `verify` finds
//! no fault, and that the audit-trail anchor written down before the upgrade
//! still holds (the upgrade appended to the trail, it rewrote nothing).
//!
//! `schema-v5` was made by main at f478aec (2026-12-02) with
//! SOURCE_DATE_EPOCH=1798000000 and CROSSWALK_ACTOR=fixture:
//! `import tests/e2e/fixtures/good/controls.yaml`, a Q3 access review and its
//! Q4 occurrence (`evidence replace --new-occurrence`), a link, a SOC 2 Type II
//! assessment, SOC 2 P1 not applicable with a justification, organisation and
//! expiry window settings, a signed checkpoint. When a migration is added,
//! freeze a fixture of the schema before it the same way.
//!
//! `trail-v6` holds one event of every kind of change the CLI can make
//! (import with a user catalog, a crosswalk file and file evidence, tracking,
//! adopting, bulk edit and delete, settings, every evidence change, an
//! assessment, applicability, the SoA), recorded by main at 0ded6c5 with the
//! same pinned clock; `trail-v6/make.sh` remakes it. It holds the digests of
//! every kind of record state as an earlier build wrote them: today's
//! `verify` must still agree with each.
use crosswalk_core::audit::Anchor;
use crosswalk_core::verify::VerifyOptions;
use crosswalk_core::Workspace;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The trail's head when the fixture was frozen (`crosswalk verify` said so).
const V5_ANCHOR: &str = "4d254ac50142b167cf56dfd282374dbdcfc12bc13796996d5785d76715af28ba:16";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/upgrade")
        .join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A workspace folder rebuilt from a frozen fixture; returns its schema version.
fn restore(name: &str, into: &Path) -> i64 {
    let src = fixture(name);
    for part in ["evidence", "keys"] {
        copy_dir(&src.join(part), &into.join(part));
    }
    let mut sql = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(src.join("crosswalk.sql.gz")).unwrap())
        .read_to_string(&mut sql)
        .unwrap();
    let conn = rusqlite::Connection::open(into.join("crosswalk.db")).unwrap();
    conn.execute_batch(&sql).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

fn user_version(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("crosswalk.db")).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_schema_v5_workspace_upgrades_with_its_data_and_its_audit_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let before = restore("schema-v5", &dir);
    assert_eq!(before, 5);

    let ws = Workspace::open(&dir).unwrap();
    let after = user_version(&dir);
    assert!(
        after > before,
        "the fixture must be older than today's schema ({after})"
    );

    // The data made by the old build is all there.
    let ids: Vec<String> = ws.controls().unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["E2E-ENC-01", "E2E-LOG-01"]);
    let evidence = ws.evidence_list(None).unwrap();
    let reviews: Vec<_> = evidence
        .iter()
        .filter(|e| e.title == "Access review")
        .collect();
    assert_eq!(reviews.len(), 2, "both occurrences of the access review");
    // A series is named by its first item; later occurrences point to it.
    assert_eq!(reviews[0].series_id, None);
    assert_eq!(reviews[1].series_id, Some(reviews[0].id), "one series");
    let mut dates: Vec<_> = reviews.iter().map(|e| e.collected_on.to_string()).collect();
    dates.sort();
    assert_eq!(dates, ["2026-09-30", "2026-12-15"]);
    assert_eq!(ws.organisation().unwrap(), "Fixture Upgrades Ltd");
    assert_eq!(ws.expiry_window().unwrap(), 45);
    let decisions = ws.applicability(Some("soc2")).unwrap();
    assert!(
        decisions
            .iter()
            .any(|d| d.justification.contains("No privacy commitments")),
        "the not-applicable decision and its justification"
    );
    let assessments = ws.assessments().unwrap();
    assert_eq!(assessments.len(), 1);
    assert_eq!(assessments[0].name, "SOC 2 Type II 2026");

    // Nothing the old build recorded was rewritten: the anchor taken before
    // the upgrade still names a prefix of the trail, and everything verifies.
    let options = VerifyOptions {
        anchors: vec![Anchor::parse(V5_ANCHOR).unwrap()],
    };
    let report = ws.verify_with(&options, &mut |_| {}).unwrap();
    assert!(report.ok, "{:#?}", report.faults);
    assert!(report.events_checked >= 16);
    assert_eq!(
        report.files_checked, 3,
        "the two reviews and the KMS export"
    );

    // The signing key made before the upgrade still signs for this workspace.
    let cp = ws.checkpoint("after upgrade").unwrap();
    assert_eq!(
        cp.fingerprint.replace(' ', ""),
        "0502d33180933ff81004bdfe81531b0ace6ffa5139204805af6bb47b0e242546"
    );
}

#[test]
fn an_edited_old_event_is_caught_after_the_upgrade() {
    // The same upgrade, then someone edits an event the old build wrote:
    // verify on upgraded data is not vacuous (the test above can fail).
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    restore("schema-v5", &dir);
    drop(Workspace::open(&dir).unwrap());
    let conn = rusqlite::Connection::open(dir.join("crosswalk.db")).unwrap();
    let changed = conn
        .execute(
            "UPDATE audit_log SET summary = summary || ' (edited)' WHERE seq = 3",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(conn);
    let ws = Workspace::open(&dir).unwrap();
    let options = VerifyOptions {
        anchors: vec![Anchor::parse(V5_ANCHOR).unwrap()],
    };
    let report = ws.verify_with(&options, &mut |_| {}).unwrap();
    assert!(!report.ok, "an edited old event must be caught");
}

/// `trail-v6/ANCHOR`: the head `verify` reported when the fixture was made.
fn frozen_anchor(name: &str) -> Anchor {
    let text = std::fs::read_to_string(fixture(name).join("ANCHOR")).unwrap();
    Anchor::parse(&text).expect("HASH:COUNT")
}

/// Changes the CLI cannot make, so `trail-v6/make.sh` could not record them.
const APP_ONLY: &[&str] = &[
    "control.created",
    "control.edited",
    "control.deleted",
    "assessment.edited",
];

#[test]
fn every_kind_of_state_an_earlier_build_recorded_still_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    restore("trail-v6", &dir);
    let ws = Workspace::open(&dir).unwrap();
    let actions: std::collections::BTreeSet<String> = (ws.log(10_000, None).unwrap())
        .into_iter()
        .map(|e| e.action)
        .collect();
    let missing: Vec<_> = (crosswalk_core::audit::Mutation::ALL.iter())
        .map(|m| m.as_str())
        // Made only from the app's forms (the CLI has no command for them);
        // their states are a control's and an assessment's, which imports,
        // bulk edits and `assessment create` record.
        .filter(|w| !APP_ONLY.contains(w))
        .filter(|w| !actions.contains(*w))
        .collect();
    assert!(missing.is_empty(), "the fixture lacks {missing:?}");
    let options = VerifyOptions {
        anchors: vec![frozen_anchor("trail-v6")],
    };
    let report = ws.verify_with(&options, &mut |_| {}).unwrap();
    assert!(report.ok, "{:#?}", report.faults);
}

#[test]
fn each_kind_of_recorded_state_is_checked_not_just_present() {
    // One edit per kind of digest, made behind Crosswalk's back: each must
    // be named by verify, so the test above cannot pass vacuously.
    let edits = [
        ("UPDATE requirements SET title = title || '!' WHERE framework_id = 'acme' AND ref = 'AC-2'", "framework:acme"),
        ("UPDATE crosswalk_links SET note = 'edited' WHERE from_framework = 'acme'", "crosswalk:"),
        ("UPDATE settings SET value = '60' WHERE key = 'expiry_window_days'", "setting:expiry_window_days"),
        ("UPDATE evidence SET import_key = import_key || 'x' WHERE import_key IS NOT NULL", "import-key:"),
        ("UPDATE soa_documents SET owner = 'Someone else'", "soa:iso27001-2022"),
        ("UPDATE applicability_decisions SET justification = 'edited'", "applicability:iso27001-2022:A.7.1"),
        ("UPDATE controls SET owner = 'edited' WHERE id = 'E2E-LOG-01'", "control:E2E-LOG-01"),
    ];
    for (sql, subject) in edits {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ws");
        restore("trail-v6", &dir);
        let conn = rusqlite::Connection::open(dir.join("crosswalk.db")).unwrap();
        assert!(conn.execute(sql, []).unwrap() > 0, "{sql} changed nothing");
        drop(conn);
        let ws = Workspace::open(&dir).unwrap();
        let report = ws
            .verify_with(&VerifyOptions::default(), &mut |_| {})
            .unwrap();
        assert!(
            report.faults.iter().any(|f| f.subject.starts_with(subject)),
            "{sql}: expected a fault on {subject}, got {:#?}",
            report.faults
        );
    }
}
