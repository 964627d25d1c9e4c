//! Signed checkpoints against a forger who rewrites or truncates the audit
//! trail, and the workspace key that signs them: private, and never silently
//! replaced when it goes missing.
mod common;

use common::*;
use rusqlite::Connection;
use serde_json::Value;
use std::path::PathBuf;

fn db(ws: &Ws) -> Connection {
    Connection::open(ws.data.join("crosswalk.db")).unwrap()
}

fn verify_faults(ws: &Ws) -> Vec<Value> {
    let (r, v) = ws.verify();
    assert!(!r.ok(), "verify must fail: {v}");
    v["faults"].as_array().unwrap().clone()
}

#[test]
fn signed_checkpoints_catch_a_truncated_or_rechained_trail() {
    let ws = Ws::demo();
    let cp = ws.json(&["checkpoint"]);
    let n = cp["event_count"].as_i64().unwrap();
    ws.ok(&["organisation", "After the checkpoint"]);
    ws.assert_verifies("with a checkpoint");

    // Truncation: the checkpoint and everything after it deleted, rows too.
    let cut = Ws::pinned();
    copy_dir(&ws.data, &cut.data);
    db(&cut)
        .execute("DELETE FROM audit_log WHERE seq > ?1", [n - 2])
        .unwrap();
    let f = verify_faults(&cut);
    assert!(
        f.iter().any(|x| x["subject"] == "checkpoint:1"
            && x["message"].as_str().unwrap().contains("events deleted")),
        "{f:?}"
    );

    // A forged checkpoint row.
    let forged = Ws::pinned();
    copy_dir(&ws.data, &forged.data);
    db(&forged)
        .execute(
            "UPDATE checkpoints SET signature = ?1",
            [hex::encode([1u8; 64])],
        )
        .unwrap();
    let f = verify_faults(&forged);
    assert!(
        f.iter().any(|x| x["subject"] == "checkpoint:1"
            && x["message"].as_str().unwrap().contains("not signed")),
        "{f:?}"
    );

    // The whole trail re-chained after editing an early event: every hash recomputed.
    let rechained = Ws::pinned();
    copy_dir(&ws.data, &rechained.data);
    {
        let conn = db(&rechained);
        conn.execute(
            "UPDATE audit_log SET summary = 'nothing happened' WHERE seq = 2",
            [],
        )
        .unwrap();
        let rows: Vec<(i64, String, String, String, String, String, String)> = {
            let mut stmt = conn.prepare("SELECT seq, at, actor, action, subject, summary, details FROM audit_log ORDER BY seq").unwrap();
            stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
        };
        let mut prev = "0".repeat(64);
        for (seq, at, actor, action, subject, summary, details) in rows {
            let canonical = serde_json::to_string(&(
                seq, &at, &actor, &action, &subject, &summary, &details, &prev,
            ))
            .unwrap();
            use sha2::Digest;
            let hash = hex::encode(sha2::Sha256::digest(canonical.as_bytes()));
            conn.execute(
                "UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
                rusqlite::params![prev, hash, seq],
            )
            .unwrap();
            prev = hash;
        }
    }
    let f = verify_faults(&rechained);
    assert!(
        f.iter().any(|x| x["subject"] == "checkpoint:1"
            && x["message"]
                .as_str()
                .unwrap()
                .contains("no longer holds the prefix")),
        "a re-chained trail passes the chain walk; only the checkpoint catches it: {f:?}"
    );

    // A report signs a checkpoint too.
    ws.ok(&[
        "report",
        "--framework",
        "soc2",
        "-o",
        ws.path("r.pdf").to_str().unwrap(),
    ]);
    let log = ws.log();
    assert!(log
        .iter()
        .any(|e| e["action"] == "checkpoint.signed" && e["details"]["reason"] == "report"));
    ws.assert_verifies("after a report");
}

#[test]
fn the_key_file_is_private_and_a_missing_key_is_not_silently_replaced() {
    let ws = Ws::demo();
    let key = ws.json(&["key"]);
    let path = PathBuf::from(key["key_file"].as_str().unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "the private key must be readable by its owner only"
        );
    }
    assert_eq!(
        ws.json(&["key"])["fingerprint"],
        key["fingerprint"],
        "one key per workspace"
    );
    std::fs::remove_file(&path).unwrap();
    let r = ws.fails(&["checkpoint"]);
    assert!(
        r.stderr.contains("missing") && r.stderr.contains(key["fingerprint"].as_str().unwrap()),
        "{}",
        r.stderr
    );
    assert!(
        !path.exists(),
        "no new key may be made behind the user's back"
    );
}
