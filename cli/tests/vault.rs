//! Encrypted workspaces through the real binary: tampering with an encrypted
//! blob (one flipped byte, a cut, two chunks swapped) is caught by `verify`
//! naming the evidence; a wrong passphrase or a damaged key file is refused
//! with nothing changed; the recovery key, a passphrase change, a key
//! rotation and a purge do what they say; the OS keyring fails clearly when
//! there is none; a kill -9 during `vault encrypt` leaves a workspace that the
//! next run completes.
mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const PASS: &str = "correct horse battery staple";
const CHUNK: usize = 1024 * 1024;
const HEADER: usize = 80;
const TAG: usize = 16;

/// An encrypted workspace whose commands get the passphrase from the environment.
fn encrypted() -> (Ws, String) {
    let mut ws = Ws::new();
    ws.env.push(("CROSSWALK_KDF_TARGET_MS".into(), "30".into()));
    ws.env.push(("CROSSWALK_PASSPHRASE".into(), PASS.into()));
    let out = ws.json(&["init", "--encrypt"]);
    let rk = out["recovery_key"]
        .as_str()
        .expect("recovery key shown at creation")
        .to_string();
    ws.import(&[&import_fixture("base.yaml")]);
    (ws, rk)
}

fn big_file(ws: &Ws, name: &str, size: usize, seed: u8) -> PathBuf {
    let p = ws.path(name);
    let body: Vec<u8> = (0..size)
        .map(|i| (i as u32).wrapping_mul(2654435761).to_le_bytes()[1] ^ seed)
        .collect();
    std::fs::write(&p, body).unwrap();
    p
}

/// The one encrypted blob file in the vault.
fn only_blob(ws: &Ws) -> PathBuf {
    let blobs: Vec<PathBuf> = walk(&ws.data.join("evidence"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "cwb"))
        .collect();
    assert_eq!(blobs.len(), 1, "{blobs:?}");
    blobs[0].clone()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn digests(dir: &Path) -> Vec<(PathBuf, String)> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let d = sha256_file(&p);
            (p, d)
        })
        .collect()
}

fn verify_fault(ws: &Ws, id: i64) -> String {
    let (r, v) = ws.verify();
    assert!(!r.ok(), "verify should fail");
    let faults = v["faults"].as_array().unwrap();
    let msgs: Vec<String> = faults
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    let want = format!("evidence #{id} revision 1");
    let m = msgs
        .iter()
        .find(|m| m.contains(&want))
        .unwrap_or_else(|| panic!("no fault names {want}: {msgs:#?}"));
    m.clone()
}

/// Adds a 3.5-chunk file and returns its evidence id and blob path.
fn with_blob(ws: &Ws) -> (i64, PathBuf) {
    let f = big_file(ws, "big.bin", 3 * CHUNK + CHUNK / 2, 7);
    let e = ws.evidence_add(&["ENC-01", f.to_str().unwrap(), "--valid-for", "1y"]);
    ws.assert_verifies("after adding");
    (e["id"].as_i64().unwrap(), only_blob(ws))
}

#[test]
fn verify_catches_one_flipped_byte_in_an_encrypted_blob_naming_the_evidence() {
    let (ws, _) = encrypted();
    let (id, blob) = with_blob(&ws);
    let mut bytes = std::fs::read(&blob).unwrap();
    let at = HEADER + CHUNK + 12345; // inside chunk 1
    bytes[at] ^= 0x01;
    std::fs::write(&blob, bytes).unwrap();
    let m = verify_fault(&ws, id);
    assert!(m.contains("tampered") && m.contains("chunk 1"), "{m}");
}

#[test]
fn verify_catches_a_flipped_header_byte() {
    let (ws, _) = encrypted();
    let (id, blob) = with_blob(&ws);
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[30] ^= 0x80; // inside the wrapped key
    std::fs::write(&blob, bytes).unwrap();
    let m = verify_fault(&ws, id);
    assert!(m.contains("tampered"), "{m}");
}

#[test]
fn verify_catches_an_encrypted_blob_cut_inside_a_chunk_and_at_a_chunk_boundary() {
    let (ws, _) = encrypted();
    let (id, blob) = with_blob(&ws);
    let whole = std::fs::read(&blob).unwrap();
    // Cut inside the last chunk.
    std::fs::write(&blob, &whole[..whole.len() - 100]).unwrap();
    let m = verify_fault(&ws, id);
    assert!(m.contains("tampered"), "{m}");
    // Cut exactly after the third full chunk: the final chunk is simply gone.
    std::fs::write(&blob, &whole[..HEADER + 3 * (CHUNK + TAG)]).unwrap();
    let m = verify_fault(&ws, id);
    assert!(m.contains("truncated"), "{m}");
    // Restored, it verifies again.
    std::fs::write(&blob, &whole).unwrap();
    ws.assert_verifies("after restoring the blob");
}

#[test]
fn verify_catches_two_chunks_of_an_encrypted_blob_swapped() {
    let (ws, _) = encrypted();
    let (id, blob) = with_blob(&ws);
    let mut bytes = std::fs::read(&blob).unwrap();
    let c = CHUNK + TAG;
    let (a, b) = (HEADER, HEADER + c);
    let first: Vec<u8> = bytes[a..a + c].to_vec();
    let second: Vec<u8> = bytes[b..b + c].to_vec();
    bytes[a..a + c].copy_from_slice(&second);
    bytes[b..b + c].copy_from_slice(&first);
    std::fs::write(&blob, bytes).unwrap();
    let m = verify_fault(&ws, id);
    assert!(
        m.contains("chunk 0") && m.contains("fails authentication"),
        "{m}"
    );
}

#[test]
fn a_blob_moved_to_another_evidences_name_is_caught() {
    let (ws, _) = encrypted();
    let f1 = big_file(&ws, "one.bin", 1000, 1);
    let f2 = big_file(&ws, "two.bin", 1000, 2);
    let e1 = ws.evidence_add(&["ENC-01", f1.to_str().unwrap(), "--valid-for", "1y"]);
    ws.evidence_add(&["ENC-01", f2.to_str().unwrap(), "--valid-for", "1y"]);
    let blobs: Vec<PathBuf> = walk(&ws.data.join("evidence"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "cwb"))
        .collect();
    assert_eq!(blobs.len(), 2);
    // Overwrite the first with the second: both are valid ciphertext of this workspace.
    std::fs::copy(&blobs[1], &blobs[0]).unwrap();
    let (r, v) = ws.verify();
    assert!(!r.ok());
    let text = v["faults"].to_string();
    assert!(
        text.contains("has changed") || text.contains("evidence #"),
        "{text}"
    );
    let _ = e1;
}

#[test]
fn wrong_passphrase_is_refused_and_nothing_changes() {
    let (ws, _) = encrypted();
    let f = big_file(&ws, "a.bin", 5000, 3);
    ws.evidence_add(&["ENC-01", f.to_str().unwrap(), "--valid-for", "1y"]);
    let before = digests(&ws.data);
    for args in [
        vec!["controls"],
        vec!["evidence", "add", "ENC-01", "--note", "x"],
        vec!["verify"],
        vec!["vault", "status"],
        vec!["vault", "rotate"],
    ] {
        let r = ws.run_env(&args, &[("CROSSWALK_PASSPHRASE", "not the passphrase")]);
        assert_error_contract(&r, &args.join(" "));
        assert!(r.stderr.contains("wrong passphrase"), "{}", r.stderr);
    }
    assert_eq!(before, digests(&ws.data), "a refused unlock changed files");
    // No passphrase and no terminal: a clear error, not a hang.
    let mut cmd = ws.command(&["controls"]);
    cmd.env_remove("CROSSWALK_PASSPHRASE").stdin(Stdio::null());
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.starts_with("error:") && err.contains("CROSSWALK_PASSPHRASE"),
        "{err}"
    );
}

#[test]
fn passphrase_from_a_file_descriptor_works() {
    let (ws, _) = encrypted();
    // bash opens fd 3 on a here-string; the passphrase never appears in argv.
    let cmd = format!(
        "{} --data-dir '{}' --passphrase-fd 3 controls --json 3<<<'{PASS}'",
        BIN,
        ws.data.display()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&cmd)
        .env_remove("CROSSWALK_PASSPHRASE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
}

#[test]
fn damaged_key_file_is_told_apart_from_a_wrong_passphrase() {
    let (ws, _) = encrypted();
    let kf = ws.data.join("crosswalk.key");
    let text = std::fs::read_to_string(&kf).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let ct = v["current"]["by_passphrase"]["ciphertext"]
        .as_str()
        .unwrap();
    let flipped: String = ct
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 10 {
                if c == '0' {
                    '1'
                } else {
                    '0'
                }
            } else {
                c
            }
        })
        .collect();
    std::fs::write(&kf, text.replace(ct, &flipped)).unwrap();
    let before = digests(&ws.data);
    let r = ws.fails(&["controls"]);
    assert!(r.stderr.contains("damaged"), "{}", r.stderr);
    assert_eq!(before, digests(&ws.data));
}

#[test]
fn recovery_key_opens_passphrase_change_rewraps_and_old_passphrase_stops_working() {
    let (ws, rk) = encrypted();
    let f = big_file(&ws, "a.bin", 5000, 4);
    ws.evidence_add(&["ENC-01", f.to_str().unwrap(), "--valid-for", "1y"]);
    let blobs_before = digests(&ws.data.join("evidence"));
    let r = ws.run_env(
        &["vault", "passphrase"],
        &[("CROSSWALK_NEW_PASSPHRASE", "a new long passphrase")],
    );
    assert!(r.ok(), "{}", r.stderr);
    assert_eq!(
        blobs_before,
        digests(&ws.data.join("evidence")),
        "a passphrase change must not re-encrypt"
    );
    let r = ws.run(&["controls"]);
    assert!(
        !r.ok() && r.stderr.contains("wrong passphrase"),
        "{}",
        r.stderr
    );
    let r = ws.run_env(
        &["controls", "--json"],
        &[("CROSSWALK_PASSPHRASE", "a new long passphrase")],
    );
    assert!(r.ok(), "{}", r.stderr);
    let r = ws.run_env(&["verify", "--json"], &[("CROSSWALK_RECOVERY_KEY", &rk)]);
    assert!(r.ok(), "recovery key: {}", r.stderr);
    let log = ws
        .run_env(
            &["log", "--json"],
            &[("CROSSWALK_PASSPHRASE", "a new long passphrase")],
        )
        .json();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "vault.passphrase_changed"));
}

#[test]
fn rotation_reencrypts_every_blob_under_new_names_and_a_new_recovery_key() {
    let (ws, old_rk) = encrypted();
    for i in 0..3 {
        let f = big_file(&ws, &format!("f{i}.bin"), 200_000 + i, i as u8);
        ws.evidence_add(&["ENC-01", f.to_str().unwrap(), "--valid-for", "1y"]);
    }
    let before: Vec<PathBuf> = walk(&ws.data.join("evidence"));
    let db_before = sha256_file(&ws.data.join("crosswalk.db"));
    let out = ws.json(&["vault", "rotate"]);
    assert_eq!(out["blobs_moved"], 3);
    let new_rk = out["recovery_key"].as_str().unwrap().to_string();
    let after: Vec<PathBuf> = walk(&ws.data.join("evidence"));
    assert_eq!(after.len(), 3);
    assert!(
        after.iter().all(|p| !before.contains(p)),
        "names must change with the key"
    );
    assert_ne!(db_before, sha256_file(&ws.data.join("crosswalk.db")));
    ws.assert_verifies("after rotation");
    let r = ws.run_env(&["controls"], &[("CROSSWALK_RECOVERY_KEY", &old_rk)]);
    assert!(!r.ok(), "the old recovery key must stop working");
    let r = ws.run_env(&["controls"], &[("CROSSWALK_RECOVERY_KEY", &new_rk)]);
    assert!(r.ok(), "{}", r.stderr);
    let st = ws.json(&["vault", "status"]);
    assert_eq!(st["state"], "ready");
    assert_eq!(st["key_id"], out["key_id"]);
    let log = ws.log();
    assert!(log.iter().any(|e| e["action"] == "vault.rotated"));
}

#[test]
fn purge_destroys_the_key_and_file_records_the_reason_and_verify_still_passes() {
    let (ws, _) = encrypted();
    let f = big_file(&ws, "hr.bin", 3000, 9);
    let e = ws.evidence_add(&["ENC-01", f.to_str().unwrap(), "--valid-for", "1y"]);
    let id = e["id"].as_i64().unwrap().to_string();
    assert_eq!(walk(&ws.data.join("evidence")).len(), 1);
    let r = ws.fails(&["evidence", "purge", &id, "--reason", "  "]);
    assert!(r.stderr.contains("reason"), "{}", r.stderr);
    let out = ws.json(&[
        "evidence",
        "purge",
        &id,
        "--reason",
        "GDPR Art. 17 request #88",
    ]);
    assert_eq!(out["files_destroyed"], 1);
    assert_eq!(out["cryptographic_erasure"], true);
    assert!(walk(&ws.data.join("evidence"))
        .iter()
        .all(|p| p.extension().is_none_or(|e| e != "cwb")));
    ws.assert_verifies("after a purge");
    let log = ws.log();
    let ev = log
        .iter()
        .find(|e| e["action"] == "evidence.purged")
        .expect("audited");
    assert!(ev.to_string().contains("GDPR Art. 17 request #88"));
    assert!(ws
        .evidence_list()
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["id"].as_i64().unwrap().to_string() != id));
}

#[test]
fn keyring_without_a_secret_service_fails_clearly_and_changes_nothing() {
    let (ws, _) = encrypted();
    let before = digests(&ws.data);
    let mut cmd = ws.command(&["vault", "keyring", "on"]);
    // No session bus here (and none reachable): the Secret Service is absent.
    cmd.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.starts_with("error:") && err.contains("keyring"),
        "{err}"
    );
    assert_eq!(before, digests(&ws.data));
}

#[test]
fn every_listing_works_on_an_encrypted_workspace() {
    let (ws, _) = encrypted();
    let f = big_file(&ws, "a.bin", 5000, 5);
    ws.evidence_add(&["ENC-01", f.to_str().unwrap(), "--valid-for", "1y"]);
    for args in [
        vec!["frameworks"],
        vec!["coverage", "soc2"],
        vec!["controls"],
        vec!["control", "ENC-01"],
        vec!["evidence", "list"],
        vec!["log"],
        vec!["vault", "status"],
    ] {
        ws.json(&args);
    }
    let pdf = ws.path("r.pdf");
    ws.json(&["report", "--framework", "soc2", "-o", pdf.to_str().unwrap()]);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let st = ws.json(&["vault", "status"]);
    assert_eq!(st["encrypted"], true);
    assert_eq!(st["database_encrypted"], true);
    assert_eq!(st["blobs_pending"], 0);
}

/// Plaintext workspace with `n` evidence files, each `size` bytes, each holding `marker`.
fn plain_with_files(n: usize, size: usize, marker: &str) -> Ws {
    let mut ws = Ws::new();
    ws.env.push(("CROSSWALK_KDF_TARGET_MS".into(), "30".into()));
    ws.import(&[&import_fixture("base.yaml")]);
    for i in 0..n {
        let p = ws.path(&format!("e{i}.txt"));
        let mut body = format!("{marker} #{i}\n").into_bytes();
        body.resize(size, b'.');
        std::fs::write(&p, body).unwrap();
        ws.evidence_add(&["ENC-01", p.to_str().unwrap(), "--valid-for", "1y"]);
    }
    ws.env.push(("CROSSWALK_PASSPHRASE".into(), PASS.into()));
    ws
}

fn no_marker_on_disk(ws: &Ws, marker: &str) {
    for p in walk(&ws.data) {
        let b = std::fs::read(&p).unwrap();
        assert!(
            !b.windows(marker.len()).any(|w| w == marker.as_bytes()),
            "plaintext left in {}",
            p.display()
        );
    }
}

#[test]
fn vault_encrypt_converts_a_plain_workspace_and_is_audited() {
    let marker = "CONVERT-ME-93c1";
    let ws = plain_with_files(3, 10_000, marker);
    let listing = ws.json(&["evidence", "list"]);
    let out = ws.json(&["vault", "encrypt"]);
    assert_eq!(out["blobs_moved"], 3);
    assert!(out["recovery_key"].is_string());
    no_marker_on_disk(&ws, marker);
    ws.assert_verifies("after conversion");
    assert_eq!(ws.json(&["evidence", "list"]), listing);
    assert!(ws.log().iter().any(|e| e["action"] == "vault.encrypted"));
    let r = ws.fails(&["vault", "encrypt"]);
    assert!(r.stderr.contains("already encrypted"), "{}", r.stderr);
}

#[test]
fn sigkill_during_vault_encrypt_leaves_a_workspace_that_the_next_run_completes() {
    let marker = "CRASH-CONVERT-4e7b";
    let mut interrupted_mid_way = 0;
    for iteration in 0..5u64 {
        let ws = plain_with_files(6, 3 * CHUNK, marker);
        let listing = ws.json(&["evidence", "list"]);
        let mut child = ws
            .command(&["vault", "encrypt"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill moments are counted from the key file's appearance (the conversion's
        // first durable step), so they fall inside the conversion, not in key tuning.
        let key = ws.data.join("crosswalk.key");
        let deadline = Instant::now() + Duration::from_secs(60);
        while !key.exists() && child.try_wait().unwrap().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(iteration * iteration * 15));
        let was_running = child.try_wait().unwrap().is_none();
        child.kill().ok();
        child.wait().unwrap();
        if was_running {
            let state = ws.json(&["vault", "status"]);
            if state["state"] == "converting" {
                interrupted_mid_way += 1;
            }
        }
        // Whatever state it was left in, the workspace opens and lists the same evidence.
        assert_eq!(
            ws.json(&["evidence", "list"]),
            listing,
            "iteration {iteration}"
        );
        // Running it again completes it; a kill that came after the first
        // run finished left nothing to complete (a second run is refused).
        if ws.json(&["vault", "status"])["state"] != "ready" {
            let out = ws.json(&["vault", "encrypt"]);
            assert_eq!(out["key_id"].as_str().map(|s| s.len()), Some(16));
        }
        no_marker_on_disk(&ws, marker);
        ws.assert_verifies(&format!("iteration {iteration} after completing"));
        assert_eq!(ws.json(&["evidence", "list"]), listing);
        let st = ws.json(&["vault", "status"]);
        assert_eq!(st["state"], "ready");
        assert_eq!(st["blobs_pending"], 0);
        assert_eq!(
            ws.log()
                .iter()
                .filter(|e| e["action"] == "vault.encrypted")
                .count(),
            1
        );
    }
    assert!(
        interrupted_mid_way >= 2,
        "only {interrupted_mid_way} kills landed inside a conversion; the test proves too little"
    );
}

#[test]
fn sigkill_during_vault_rotate_leaves_a_workspace_that_the_next_run_completes() {
    let mut interrupted_mid_way = 0;
    for iteration in 0..4u64 {
        let (ws, _) = encrypted();
        for i in 0..6 {
            let f = big_file(
                &ws,
                &format!("r{i}.bin"),
                3 * CHUNK,
                i as u8 + 10 * iteration as u8,
            );
            ws.evidence_add(&["ENC-01", f.to_str().unwrap(), "--valid-for", "1y"]);
        }
        let listing = ws.json(&["evidence", "list"]);
        let key = ws.data.join("crosswalk.key");
        let key_before = std::fs::read(&key).unwrap();
        let mut child = ws
            .command(&["vault", "rotate"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill moments count from the key file's change (the rotation's first durable step).
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::fs::read(&key).unwrap() == key_before
            && child.try_wait().unwrap().is_none()
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(iteration * iteration * 25));
        let was_running = child.try_wait().unwrap().is_none();
        child.kill().ok();
        child.wait().unwrap();
        if was_running && ws.json(&["vault", "status"])["state"] == "rotating" {
            interrupted_mid_way += 1;
        }
        assert_eq!(
            ws.json(&["evidence", "list"]),
            listing,
            "iteration {iteration}"
        );
        ws.assert_verifies(&format!("iteration {iteration} right after the kill"));
        let st = ws.json(&["vault", "status"]);
        if st["state"] == "rotating" {
            let out = ws.json(&["vault", "rotate"]);
            assert_eq!(out["resumed"], true);
        }
        let st = ws.json(&["vault", "status"]);
        assert_eq!(st["state"], "ready");
        assert_eq!(st["blobs_pending"], 0);
        ws.assert_verifies(&format!("iteration {iteration} after completing"));
        assert_eq!(ws.json(&["evidence", "list"]), listing);
    }
    assert!(
        interrupted_mid_way >= 2,
        "only {interrupted_mid_way} kills landed inside a rotation; the test proves too little"
    );
}

fn chmod_tree(p: &Path, dir_mode: u32, file_mode: u32) {
    use std::os::unix::fs::PermissionsExt;
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

/// Runs as a user who may read the workspace but not write it: `nobody`
/// when the tests run as root (root ignores file modes), else the caller
/// (as in workspace_safety.rs). `extra` adds to the command's environment.
fn run_as_reader(ws: &Ws, args: &[&str], extra: &[(&str, &str)], drop_env: &[&str]) -> Run {
    let mut cmd = ws.command(args);
    for (k, v) in extra {
        cmd.env(k, v);
    }
    for k in drop_env {
        cmd.env_remove(k);
    }
    common::run_as_reader(ws, cmd)
}

/// An encrypted workspace this user cannot write opens for reading, with the
/// passphrase or the recovery key: verify decrypts and re-hashes, listings
/// and a report (written outside it) work, a change is refused as read-only,
/// and not one byte under the data directory changes (no key file rewrite,
/// no signing-key step, no temp file).
#[test]
fn a_read_only_encrypted_workspace_unlocks_verifies_lists_and_reports() {
    let (ws, rk) = encrypted();
    let f = big_file(&ws, "big.bin", CHUNK + 4321, 7);
    ws.evidence_add(&["ENC-01", f.to_str().unwrap(), "--valid-for", "1y"]);
    let out_dir = ws.path("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    chmod_tree(ws.tmp.path(), 0o755, 0o644);
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let before = digests(&ws.data);
    let r = run_as_reader(&ws, &["verify", "--json"], &[], &[]);
    assert!(r.ok(), "verify, read-only:\n{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["ok"], true, "{}", r.stdout);
    assert_eq!(r.json()["files_checked"], 1, "{}", r.stdout);
    for args in [
        &["controls", "--json"][..],
        &["evidence", "list", "--json"],
        &["log", "--json"],
        &["vault", "status", "--json"],
    ] {
        let r = run_as_reader(&ws, args, &[], &[]);
        assert!(r.ok(), "{args:?}: {}", r.stderr);
    }
    let r = run_as_reader(
        &ws,
        &["evidence", "list", "--json"],
        &[("CROSSWALK_RECOVERY_KEY", &rk)],
        &["CROSSWALK_PASSPHRASE"],
    );
    assert!(r.ok(), "recovery key, read-only: {}", r.stderr);
    assert_eq!(
        r.json().as_array().map(|a| a.len()),
        Some(1),
        "{}",
        r.stdout
    );
    let pdf = out_dir.join("r.pdf");
    let r = run_as_reader(&ws, &["report", "-o", pdf.to_str().unwrap()], &[], &[]);
    assert!(r.ok(), "report: {}", r.stderr);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let r = run_as_reader(&ws, &["organisation", "Someone"], &[], &[]);
    assert_error_contract(&r, "a change to a read-only encrypted workspace");
    assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    let r = run_as_reader(
        &ws,
        &["controls"],
        &[("CROSSWALK_PASSPHRASE", "not the passphrase at all")],
        &[],
    );
    assert!(
        !r.ok() && r.stderr.contains("wrong passphrase"),
        "{}",
        r.stderr
    );
    // The same files, byte for byte: nothing added, removed or rewritten.
    assert_eq!(
        before,
        digests(&ws.data),
        "nothing in the workspace changed"
    );
}
