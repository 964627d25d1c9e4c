//! Crash safety: SIGKILL the CLI at random moments during a large evidence
//! ingest and during a large import; every time, `verify` passes afterwards,
//! nothing committed before is lost, and every blob under its final name is
//! complete. Kill moments come from a small LCG seeded by the iteration, so a
//! failure can be replayed; no assertion depends on timing.
mod common;

use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Deterministic pseudo-random numbers (PCG's LCG constants).
struct Lcg(u64);
impl Lcg {
    fn new(seed: u64) -> Lcg {
        let mut l = Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03);
        l.next();
        l
    }
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        self.next() as f64 / (1u64 << 53) as f64
    }
}

/// Starts a command and SIGKILLs it after `delay` (if still running). Returns whether it was killed.
fn run_and_kill(mut child: Child, delay: Duration) -> bool {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        let elapsed = start.elapsed();
        if elapsed >= delay {
            break;
        }
        std::thread::sleep((delay - elapsed).min(Duration::from_millis(2)));
    }
    child.kill().ok(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    status.code().is_none()
}

fn spawn(ws: &Ws, args: &[&str]) -> Child {
    ws.command(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Every blob under its final name (`evidence/??/<sha>`) holds exactly the bytes its name says.
/// Blobs already checked are skipped (they are immutable once verified).
fn assert_blobs_complete(data: &Path, checked: &mut BTreeSet<String>, when: &str) {
    for blob in blobs(data) {
        let name = blob.file_name().unwrap().to_string_lossy().into_owned();
        if checked.contains(&name) {
            continue;
        }
        let actual = sha256_file(&blob);
        assert_eq!(
            actual,
            name,
            "{when}: blob {} is incomplete or corrupt under its final name",
            blob.display()
        );
        checked.insert(name);
    }
}

fn evidence_by_id(ws: &Ws) -> BTreeMap<i64, Value> {
    ws.evidence_list()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].as_i64().unwrap(), e.clone()))
        .collect()
}

#[test]
fn sigkill_during_large_evidence_ingest_never_loses_committed_data_or_leaves_partial_blobs() {
    const SIZE: usize = 64 * 1024 * 1024;
    const ITERATIONS: u64 = 10;
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    // One 64 MiB file, made once; each iteration stamps its first bytes so every ingest is new content.
    let big = ws.path("big.bin");
    {
        let mut block = vec![0u8; 1 << 20];
        let mut rng = Lcg::new(42);
        for chunk in block.chunks_mut(8) {
            chunk.copy_from_slice(&rng.next().to_le_bytes());
        }
        let mut f = std::fs::File::create(&big).unwrap();
        for i in 0..(SIZE >> 20) {
            block[..8].copy_from_slice(&(i as u64).to_le_bytes());
            f.write_all(&block).unwrap();
        }
    }
    let mut checked = BTreeSet::new();
    let mut full_run = Duration::from_millis(500);
    let mut killed = 0;
    for i in 0..ITERATIONS {
        {
            let mut f = std::fs::OpenOptions::new().write(true).open(&big).unwrap();
            f.seek(SeekFrom::Start(0)).unwrap();
            f.write_all(format!("iteration {i:04}").as_bytes()).unwrap();
            f.sync_all().unwrap();
        }
        let before = evidence_by_id(&ws);
        let title = format!("large ingest {i}");
        let child = spawn(
            &ws,
            &[
                "evidence",
                "add",
                "ENC-01",
                big.to_str().unwrap(),
                "--title",
                &title,
                "--valid-for",
                "1y",
            ],
        );
        if i % 4 == 0 {
            // Every fourth ingest runs to completion, so there is committed data to lose; the
            // first one's duration scales the kill moments of the others.
            let start = Instant::now();
            assert!(
                !run_and_kill(child, Duration::from_secs(600)),
                "iteration {i} was not meant to be killed"
            );
            if i == 0 {
                full_run = start.elapsed().max(Duration::from_millis(50));
            }
        } else {
            let delay = full_run.mul_f64(Lcg::new(i).unit() * 1.3);
            killed += run_and_kill(child, delay) as u32;
        }
        let when = format!("iteration {i}");
        ws.assert_verifies(&when);
        let after = evidence_by_id(&ws);
        for (id, e) in &before {
            assert_eq!(
                after.get(id),
                Some(e),
                "{when}: evidence #{id} committed before the kill changed or vanished"
            );
        }
        let new: Vec<&Value> = after
            .iter()
            .filter(|(id, _)| !before.contains_key(id))
            .map(|(_, e)| e)
            .collect();
        assert!(
            new.len() <= 1,
            "{when}: {} new evidence rows from one ingest",
            new.len()
        );
        if let Some(e) = new.first() {
            assert_eq!(e["title"], title.as_str());
            assert_eq!(
                e["revisions"][0]["size"], SIZE as u64,
                "{when}: a committed ingest must record the whole file"
            );
            assert_eq!(e["revisions"][0]["sha256"], sha256_file(&big), "{when}");
        } else {
            assert!(
                i % 4 != 0,
                "{when}: an ingest that ran to completion did not commit"
            );
        }
        assert_blobs_complete(&ws.data, &mut checked, &when);
    }
    // The generator is meant to hit the ingest while it runs; say so if it never did.
    eprintln!(
        "evidence ingest: {killed} of {} runs were killed mid-way (full run {:?})",
        ITERATIONS - ITERATIONS.div_ceil(4),
        full_run
    );
}

/// What a SIGKILL during an ingest leaves behind: a partial `evidence/tmp/ingest-*`
/// file that no process holds any more. Left alone, every crash leaks up to the
/// size of the file being ingested, silently (`verify` said "OK").
#[test]
fn partial_ingest_temp_file_left_by_a_crash_is_not_silently_kept() {
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    let tmp = ws.data.join("evidence/tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let leftover = tmp.join("ingest-crashd");
    std::fs::write(&leftover, vec![0x5a; 3 * 1024 * 1024]).unwrap();
    let r = ws.run(&["verify", "--json"]);
    let text = ws.run(&["verify"]);
    let mentioned = r.stdout.contains("ingest-crashd") || text.stdout.contains("ingest-crashd");
    assert!(
        !leftover.exists() || mentioned,
        "a partial ingest file left by a crash stays in {} and `verify` does not mention it:\n{}",
        tmp.display(),
        text.stdout
    );
}

/// A library of `n` controls with ids `prefix-NNNN`, mappings to all six frameworks, and a
/// few file evidence entries (distinct bytes per library).
fn write_library(dir: &Path, prefix: &str, n: usize) {
    std::fs::create_dir_all(dir.join("evidence")).unwrap();
    let mut y = String::with_capacity(n * 400);
    y.push_str("controls:\n");
    for k in 0..n {
        y.push_str(&format!(
            "  - id: {prefix}-{k:04}\n    title: \"Generated control {k} of {prefix}\"\n    description: \"Exercises a large import.\"\n    category: generated\n    owner: Test\n    status: implemented\n    review_every: 90d\n    maps:\n      gdpr: [\"Art. 32(1)(b)\"]\n      soc2: [CC6.1, CC7.2]\n      iso27001-2022: [A.8.15]\n      nist-csf-2.0: [DE.CM-01]\n      hipaa-security: [\"164.312(b)\"]\n      pci-dss-4.0.1: [\"10.2.1\"]\n"
        ));
        if k % 100 == 0 {
            let file = format!("evidence/{prefix}-{k}.txt");
            std::fs::write(
                dir.join(&file),
                format!("evidence of {prefix} control {k}\n").repeat(2000),
            )
            .unwrap();
            y.push_str(&format!("    evidence:\n      - title: Log sample\n        file: {file}\n        collected: 2026-01-15\n        valid_until: 2099-01-01\n"));
        }
    }
    std::fs::write(dir.join("controls.yaml"), y).unwrap();
}

#[test]
fn sigkill_during_large_import_is_all_or_nothing_and_verify_passes() {
    const CONTROLS: usize = 2000;
    const ITERATIONS: u64 = 10;
    let ws = Ws::new();
    let mut checked = BTreeSet::new();
    let mut full_run = Duration::from_millis(500);
    let mut killed = 0;
    let mut last_killed = None;
    for i in 0..ITERATIONS {
        let lib = ws.path(&format!("lib-{i}"));
        write_library(&lib, &format!("I{i:02}"), CONTROLS);
        let before_controls = ws.controls();
        let controls_before = before_controls.as_array().unwrap().len();
        let evidence_before = ws.evidence_list().as_array().unwrap().len();
        let child = spawn(&ws, &["import", lib.to_str().unwrap()]);
        if i % 4 == 0 {
            let start = Instant::now();
            assert!(
                !run_and_kill(child, Duration::from_secs(600)),
                "iteration {i} was not meant to be killed"
            );
            if i == 0 {
                full_run = start.elapsed().max(Duration::from_millis(50));
            }
        } else {
            let delay = full_run.mul_f64(Lcg::new(1000 + i).unit() * 1.3);
            killed += run_and_kill(child, delay) as u32;
        }
        let when = format!("iteration {i}");
        ws.assert_verifies(&when);
        let after_controls = ws.controls();
        let controls_after = after_controls.as_array().unwrap().len();
        let evidence_after = ws.evidence_list().as_array().unwrap().len();
        let committed = controls_after != controls_before;
        if committed {
            assert_eq!(
                controls_after,
                controls_before + CONTROLS,
                "{when}: an import must be all or nothing"
            );
            assert_eq!(
                evidence_after,
                evidence_before + CONTROLS / 100,
                "{when}: the import's evidence must come with it"
            );
        } else {
            assert!(
                i % 4 != 0,
                "{when}: an import that ran to completion did not commit"
            );
            assert_eq!(
                evidence_after, evidence_before,
                "{when}: evidence without its import"
            );
            last_killed = Some(lib.clone());
        }
        // Everything committed before is still there, unchanged.
        let after: BTreeMap<&str, &Value> = after_controls
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].as_str().unwrap(), c))
            .collect();
        for c in before_controls.as_array().unwrap() {
            assert_eq!(
                after.get(c["id"].as_str().unwrap()),
                Some(&c),
                "{when}: control {} committed before the kill changed",
                c["id"]
            );
        }
        assert_blobs_complete(&ws.data, &mut checked, &when);
    }
    // A killed import can simply be run again.
    if let Some(lib) = last_killed {
        let report = ws.import(&[&lib]);
        assert_eq!(
            report["added"].as_array().unwrap().len(),
            CONTROLS,
            "re-running a killed import"
        );
        ws.assert_verifies("after re-running a killed import");
    }
    eprintln!(
        "import: {killed} of {} runs were killed mid-way (full run {:?})",
        ITERATIONS - ITERATIONS.div_ceil(4),
        full_run
    );
}
