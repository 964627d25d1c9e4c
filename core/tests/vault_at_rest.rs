//! An encrypted workspace keeps nothing readable on disk: every byte under the
//! data directory (database, WAL, key file, vault, temp) is scanned while the
//! workspace is still open (so the WAL is live) for marker strings that were
//! in control titles and evidence files, and for the evidence's SHA-256 in
//! any file name. The same scan over a plaintext workspace finds the markers,
//! which proves the scan can fail.
use crosswalk_core::evidence::{NewEvidence, Source};
use crosswalk_core::import::ImportOptions;
use crosswalk_core::Workspace;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const TITLE_MARKER: &str = "ZEBRA-TITLE-7f3a9c";
const FILE_MARKER: &str = "OKAPI-CONTENT-51d2e8";
const PASS: &str = "correct horse battery staple";

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Writes a library with two controls whose titles hold the marker and three
/// evidence files holding the other marker (one larger than a chunk).
fn library(root: &Path) -> (PathBuf, Vec<String>) {
    let lib = root.join("lib");
    std::fs::create_dir_all(lib.join("evidence")).unwrap();
    let mut shas = Vec::new();
    for (i, size) in [100usize, 5000, 2_500_000].iter().enumerate() {
        let mut body = format!("{FILE_MARKER} file {i}\n").into_bytes();
        while body.len() < *size {
            body.extend_from_slice(format!("line {} {FILE_MARKER}\n", body.len()).as_bytes());
        }
        std::fs::write(lib.join(format!("evidence/f{i}.txt")), &body).unwrap();
        shas.push(hex::encode(Sha256::digest(&body)));
    }
    let yaml = format!(
        r#"controls:
  - id: ENC-01
    title: "{TITLE_MARKER} encryption at rest"
    status: implemented
    review_every: 90d
    maps:
      soc2: [CC6.1]
    evidence:
      - title: key policy
        file: evidence/f0.txt
        collected: 2026-01-10
      - title: "{TITLE_MARKER} config export"
        file: evidence/f1.txt
        collected: 2026-01-10
  - id: IAM-02
    title: "{TITLE_MARKER} access control"
    status: implemented
    maps:
      soc2: [CC6.2]
    evidence:
      - title: access list
        file: evidence/f2.txt
        collected: 2026-01-10
"#
    );
    std::fs::write(lib.join("controls.yaml"), yaml).unwrap();
    (lib, shas)
}

struct Found {
    markers: Vec<String>,
    sha_names: Vec<String>,
    wal_bytes: u64,
}

fn fill_and_scan(ws: &mut Workspace, data: &Path, lib: &Path, shas: &[String]) -> Found {
    ws.import(&[lib.join("controls.yaml")], &ImportOptions::default())
        .unwrap();
    let extra = lib.join("evidence/extra.txt");
    std::fs::write(&extra, format!("{FILE_MARKER} added by hand")).unwrap();
    ws.add_evidence(
        &NewEvidence {
            controls: vec!["ENC-01".into()],
            source: Source::File(extra.clone()),
            title: Some(format!("{TITLE_MARKER} manual")),
            description: String::new(),
            collected_by: None,
            collected_on: None,
            valid_until: None,
            valid_for_days: Some(30),
            new_occurrence: false,
        },
        &mut |_, _| {},
    )
    .unwrap();
    let mut shas = shas.to_vec();
    shas.push(hex::encode(Sha256::digest(std::fs::read(&extra).unwrap())));
    // A partial ingest left in the vault's temp folder, as a crash would leave it.
    let tmp = data.join("evidence/tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut found = Found {
        markers: Vec::new(),
        sha_names: Vec::new(),
        wal_bytes: 0,
    };
    for f in all_files(data) {
        let bytes = std::fs::read(&f).unwrap();
        if f.file_name().unwrap() == "crosswalk.db-wal" {
            found.wal_bytes = bytes.len() as u64;
        }
        for m in [TITLE_MARKER, FILE_MARKER] {
            if contains(&bytes, m.as_bytes()) {
                found.markers.push(format!("{m} in {}", f.display()));
            }
        }
        let name = f.to_string_lossy().to_ascii_lowercase();
        for s in &shas {
            if name.contains(s.as_str()) {
                found.sha_names.push(f.display().to_string());
            }
        }
    }
    found
}

#[test]
fn nothing_readable_under_the_data_dir_of_an_encrypted_workspace() {
    std::env::set_var("CROSSWALK_KDF_TARGET_MS", "50");
    let tmp = tempfile::tempdir().unwrap();
    let (lib, shas) = library(tmp.path());
    let data = tmp.path().join("data");
    let (mut ws, outcome) = Workspace::create_encrypted(&data, PASS).unwrap();
    assert!(outcome.recovery_key.is_some());
    let found = fill_and_scan(&mut ws, &data, &lib, &shas);
    assert!(
        found.wal_bytes > 0,
        "the WAL should be live while the workspace is open, or the scan proves little"
    );
    assert!(
        found.markers.is_empty(),
        "plaintext on disk: {:#?}",
        found.markers
    );
    assert!(
        found.sha_names.is_empty(),
        "file names reveal evidence hashes: {:#?}",
        found.sha_names
    );
    // Still all readable through the workspace.
    let report = ws.verify(&mut |_| {}).unwrap();
    assert!(report.ok, "{:#?}", report.faults);
    assert_eq!(report.files_checked, 4);
    let c = ws.control("ENC-01").unwrap();
    assert!(c.title.contains(TITLE_MARKER));
    drop(ws);
    // And after closing (WAL checkpointed into the file) still nothing.
    for f in all_files(&data) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !contains(&bytes, TITLE_MARKER.as_bytes()),
            "{}",
            f.display()
        );
        assert!(!contains(&bytes, FILE_MARKER.as_bytes()), "{}", f.display());
    }
}

#[test]
fn the_same_scan_finds_the_markers_in_a_plaintext_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let (lib, shas) = library(tmp.path());
    let data = tmp.path().join("data");
    let mut ws = Workspace::open(&data).unwrap();
    let found = fill_and_scan(&mut ws, &data, &lib, &shas);
    assert!(found.markers.iter().any(|m| m.starts_with(TITLE_MARKER)));
    assert!(found.markers.iter().any(|m| m.starts_with(FILE_MARKER)));
    assert_eq!(found.sha_names.len(), 4, "{:#?}", found.sha_names);
}

/// The seed of the workspace signing key, as the key file of a plain
/// workspace holds it (`secret_key`), or `None` when the file keeps none.
fn clear_seed(data: &Path) -> Option<String> {
    let text = std::fs::read_to_string(data.join("keys/workspace-ed25519.json")).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let seed = file["secret_key"].as_str().unwrap_or_default().to_string();
    (!seed.is_empty()).then_some(seed)
}

/// Which files under `data` hold `needle` (as text).
fn files_holding(data: &Path, needle: &str) -> Vec<PathBuf> {
    all_files(data)
        .into_iter()
        .filter(|f| contains(&std::fs::read(f).unwrap(), needle.as_bytes()))
        .collect()
}

#[test]
fn the_signing_key_of_an_encrypted_workspace_is_never_in_the_clear() {
    std::env::set_var("CROSSWALK_KDF_TARGET_MS", "50");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (ws, _) = Workspace::create_encrypted(&data, PASS).unwrap();
    let first = ws.checkpoint("test").unwrap();
    assert_eq!(
        clear_seed(&data),
        None,
        "the key file keeps only the public half"
    );
    drop(ws);
    // Reopened with the passphrase, the same key signs again.
    let secret = crosswalk_core::vault::Secret::Passphrase(zeroize::Zeroizing::new(PASS.into()));
    let ws = Workspace::open_with(&data, &secret).unwrap();
    let second = ws.checkpoint("test").unwrap();
    assert_eq!(first.fingerprint, second.fingerprint);
    let report = ws.verify(&mut |_| {}).unwrap();
    assert!(report.ok, "{:#?}", report.faults);
}

#[test]
fn encrypting_a_workspace_wraps_its_existing_signing_key() {
    std::env::set_var("CROSSWALK_KDF_TARGET_MS", "50");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let ws = Workspace::open(&data).unwrap();
    let before = ws.checkpoint("before").unwrap();
    drop(ws);
    let seed = clear_seed(&data).expect("a plain workspace keeps its seed in the key file");
    let (ws, _) = Workspace::encrypt_workspace(&data, Some(PASS), None, &mut |_| {}).unwrap();
    assert_eq!(clear_seed(&data), None);
    assert!(
        files_holding(&data, &seed).is_empty(),
        "the seed is nowhere under the data dir: {:?}",
        files_holding(&data, &seed)
    );
    let after = ws.checkpoint("after").unwrap();
    assert_eq!(
        before.fingerprint, after.fingerprint,
        "the same key, now wrapped"
    );
    let report = ws.verify(&mut |_| {}).unwrap();
    assert!(report.ok, "{:#?}", report.faults);
}
