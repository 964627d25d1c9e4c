//! The workspace itself under odd conditions (issue 11, findings 9 and 10):
//! read-only, half-deleted, with a doctored schema version, imported into
//! twice at once, fed escape sequences, asked absurd questions.
mod common;

use common::*;
use rusqlite::Connection;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn chmod_tree(p: &Path, dir_mode: u32, file_mode: u32) {
    let meta = std::fs::symlink_metadata(p).unwrap();
    if meta.is_dir() {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(dir_mode)).unwrap();
        for e in std::fs::read_dir(p).unwrap() {
            chmod_tree(&e.unwrap().path(), dir_mode, file_mode);
        }
    } else if meta.is_file() {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(file_mode)).unwrap();
    }
}

/// Finding 9: a read-only workspace can be verified, listed and reported on.
#[test]
fn a_read_only_workspace_verifies_lists_and_reports() {
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    let f = ws.path("proof.txt");
    std::fs::write(&f, "proof\n").unwrap();
    ws.evidence_add(&["ENC-01", f.to_str().unwrap(), "--valid-until", "2099-01-01"]);
    let out_dir = ws.path("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    chmod_tree(ws.tmp.path(), 0o755, 0o644);
    std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let before = file_digests(&ws.data);
    let r = run_as_reader(&ws, ws.command(&["verify", "--json"]));
    assert!(
        r.ok(),
        "verify on a read-only workspace:\n{}{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(r.json()["ok"], true);
    for args in [
        &["controls", "--json"][..],
        &["evidence", "list", "--json"],
        &["frameworks", "--json"],
        &["log", "--json"],
    ] {
        let r = run_as_reader(&ws, ws.command(args));
        assert!(r.ok(), "{args:?}: {}", r.stderr);
    }
    let pdf = out_dir.join("r.pdf");
    let r = run_as_reader(&ws, ws.command(&["report", "-o", pdf.to_str().unwrap()]));
    assert!(r.ok(), "report: {}", r.stderr);
    assert!(pdf.exists());
    let r = run_as_reader(&ws, ws.command(&["organisation", "Someone"]));
    assert_error_contract(&r, "a change to a read-only workspace");
    assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    assert_eq!(
        before,
        file_digests(&ws.data),
        "nothing in the workspace changed"
    );
}

/// Finding 10: a deleted crosswalk.db beside a full vault is not a new workspace.
#[test]
fn a_vault_without_its_database_is_refused() {
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    let f = ws.path("proof.txt");
    std::fs::write(&f, "proof\n").unwrap();
    ws.evidence_add(&["ENC-01", f.to_str().unwrap()]);
    for name in ["crosswalk.db", "crosswalk.db-wal", "crosswalk.db-shm"] {
        let _ = std::fs::remove_file(ws.data.join(name));
    }
    let r = ws.fails(&["verify"]);
    assert!(
        r.stderr.contains("no crosswalk.db") && r.stderr.contains("1 evidence file"),
        "{}",
        r.stderr
    );
    assert!(
        !ws.data.join("crosswalk.db").exists(),
        "no new database was made"
    );
}

/// Finding 10: schema versions no Crosswalk writes are refused, clearly.
#[test]
fn doctored_schema_versions_are_refused() {
    for (version, words) in [
        ("-1", "which no Crosswalk writes"),
        ("0", "no Crosswalk schema version"),
        ("99999", "newer Crosswalk"),
    ] {
        let ws = Ws::new();
        ws.ok(&["controls"]);
        let conn = Connection::open(ws.data.join("crosswalk.db")).unwrap();
        conn.pragma_update(None, "user_version", version.parse::<i64>().unwrap())
            .unwrap();
        drop(conn);
        let r = ws.fails(&["controls"]);
        assert!(
            r.stderr.contains(words),
            "user_version={version}: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("CREATE") && !r.stderr.contains("already exists"),
            "user_version={version} leaked SQL: {}",
            r.stderr
        );
    }
}

/// A value no Crosswalk writes (edited in with any SQLite client) stops the
/// command with a "corrupt workspace" error naming table, row and column,
/// the usual error contract (exit 1, nothing on stdout, JSON or not), and
/// verify refuses it too instead of vouching for the data.
#[test]
fn a_value_no_crosswalk_writes_is_a_corrupt_workspace_error() {
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    let id = ws.evidence_add(&["ENC-01", "--note", "n"])["id"]
        .as_i64()
        .unwrap();
    let tamper = |sql: &str| {
        let conn = Connection::open(ws.data.join("crosswalk.db")).unwrap();
        conn.pragma_update(None, "ignore_check_constraints", true)
            .unwrap();
        assert_eq!(conn.execute(sql, []).unwrap(), 1, "{sql}");
    };
    tamper(&format!(
        "UPDATE evidence SET valid_until = '2026-13-01' WHERE id = {id}"
    ));
    let want = format!(
        "error: corrupt workspace: table `evidence`, row id {id}, column `valid_until` holds `2026-13-01`, which is not a date (YYYY-MM-DD)"
    );
    for args in [
        &["evidence", "list"][..],
        &["evidence", "list", "--json"],
        &["verify"],
    ] {
        let r = ws.fails(args);
        assert_eq!(r.code, Some(1), "{args:?}");
        assert!(r.stderr.starts_with(&want), "{args:?}: {}", r.stderr);
    }
    tamper(&format!(
        "UPDATE evidence SET valid_until = NULL WHERE id = {id}"
    ));
    ws.ok(&["evidence", "list"]);
    tamper("UPDATE controls SET status = 'sort of' WHERE id = 'ENC-01'");
    let r = ws.fails(&["controls", "--json"]);
    assert!(
        r.stderr
            .contains("table `controls`, row ENC-01, column `status` holds `sort of`"),
        "{}",
        r.stderr
    );
}

/// Finding 10: absurd windows do not panic.
#[test]
fn a_huge_expiry_window_does_not_panic() {
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    ws.evidence_add(&["ENC-01", "--note", "n", "--valid-until", "2099-01-01"]);
    let r = ws.run(&["evidence", "list", "--expiring", "100000000"]);
    assert!(r.ok(), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
    let v = ws.json(&["evidence", "list", "--expiring", "4294967295"]);
    assert_eq!(v["expiring"].as_array().map(|a| a.len()), Some(1), "{v}");
}

/// Finding 10: escape sequences from an imported file are printed neutralised.
#[test]
fn escape_sequences_from_imported_text_never_reach_the_terminal() {
    let ws = Ws::new();
    let f = ws.path("c.yaml");
    std::fs::write(
        &f,
        "controls:\n  - id: ENC-01\n    title: \"Clear\\e[2J\\e]0;pwned\\a title\"\n    status: implemented\n    owner: \"\\u202Eevil\"\n",
    )
    .unwrap();
    ws.import(&[&f]);
    for args in [&["controls"][..], &["control", "ENC-01"], &["log"]] {
        let out = ws.ok(args);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'),
            "{args:?} printed a raw escape: {out:?}"
        );
    }
    assert!(ws.ok(&["controls"]).contains("\\u{1b}[2J"));
    // JSON keeps the text exactly (escaped by JSON itself).
    assert!(ws.controls()[0]["title"]
        .as_str()
        .unwrap()
        .contains('\u{1b}'));
}

/// Finding 10: catalog refs equal once spaces are ignored get a clear error, not SQL.
#[test]
fn catalog_refs_equal_without_spaces_are_a_clear_error() {
    let ws = Ws::new();
    let f = ws.path("extra.yaml");
    std::fs::write(
        &f,
        "id: extra\nname: Extra\nshort_name: Extra\nversion: \"1\"\npublisher: Me\nsource: me\ntext_rights: mine\nlevels: [req]\nrequirements:\n  - ref: \"A 1\"\n    level: req\n    title: One\n    summary: One.\n  - ref: \"A1\"\n    level: req\n    title: Two\n    summary: Two.\n",
    )
    .unwrap();
    let r = ws.fails(&["import", f.to_str().unwrap()]);
    assert!(
        r.stderr.contains(&format!("{}:14:10", f.display()))
            && r.stderr.contains("once spaces are ignored"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("UNIQUE"), "{}", r.stderr);
}

/// Finding 10: two imports of one file at once both succeed, one after the other.
#[test]
fn concurrent_imports_of_one_file_do_not_hit_a_constraint() {
    let ws = Ws::new();
    ws.ok(&["controls"]);
    let lib = ws.path("lib");
    std::fs::create_dir_all(&lib).unwrap();
    let mut yaml = String::from("controls:\n");
    for i in 0..40 {
        yaml.push_str(&format!(
            "  - id: C-{i}\n    title: C {i}\n    status: implemented\n    evidence:\n      - title: E\n        note: n{i}\n        collected: 2026-01-01\n"
        ));
    }
    std::fs::write(lib.join("c.yaml"), yaml).unwrap();
    let children: Vec<_> = (0..4)
        .map(|_| {
            ws.command(&["import", lib.to_str().unwrap()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a concurrent import failed: {err}");
    }
    assert_eq!(ws.evidence_list().as_array().unwrap().len(), 40);
    ws.assert_verifies("after concurrent imports");
}

/// Finding 10: exports are audited, and a report or export appears only
/// with its audit event.
#[test]
fn exports_and_reports_are_recorded_before_they_appear() {
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    let out = ws.path("export.yaml");
    ws.ok(&["export", "controls", "-o", out.to_str().unwrap()]);
    let log = ws.log();
    assert_eq!(log[0]["action"], "export.controls", "{:?}", log[0]);
    assert_eq!(
        log[0]["details"]["sha256"],
        sha256_file(&out),
        "the event records what was written"
    );
    // A report on a workspace whose trail cannot be written leaves no file.
    let conn = Connection::open(ws.data.join("crosswalk.db")).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER no_more BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'trail is full'); END;",
    )
    .unwrap();
    drop(conn);
    let pdf = ws.path("r.pdf");
    ws.fails(&["report", "-o", pdf.to_str().unwrap()]);
    assert!(!pdf.exists(), "the report appeared without its audit event");
    let again = ws.path("again.yaml");
    ws.fails(&["export", "controls", "-o", again.to_str().unwrap()]);
    assert!(!again.exists());
}

/// Finding 10: YAML and the CLI agree on what a web address is.
#[test]
fn yaml_and_the_cli_agree_on_web_addresses() {
    for (url, ok) in [
        ("https://a.io", true),
        ("http://x", true),
        ("https://", false),
        ("ftp://files.example.com/x", false),
        ("https://?q=1", false),
    ] {
        let ws = Ws::new();
        ws.import(&[&import_fixture("base.yaml")]);
        let cli = ws.run(&["evidence", "add", "ENC-01", "--url", url]);
        let f = ws.path("u.yaml");
        std::fs::write(
            &f,
            format!("controls:\n  - id: X-1\n    title: X\n    status: planned\n    evidence:\n      - title: L\n        url: \"{url}\"\n        collected: 2026-01-01\n"),
        )
        .unwrap();
        let yaml = ws.run(&["import", f.to_str().unwrap()]);
        assert_eq!(cli.ok(), ok, "CLI on {url}: {}", cli.stderr);
        assert_eq!(yaml.ok(), ok, "YAML on {url}: {}", yaml.stderr);
    }
}
