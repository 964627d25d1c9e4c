//! The whole import, dry run, on one file of arbitrary bytes in a folder of
//! its own. The first byte picks the file name, so every format the import
//! recognises by name is reached: add an entry to NAMES when an importer for
//! a new format lands (CSV, JSON, XLSX, OSCAL, OpenControl, …).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::{Mutex, OnceLock};

const NAMES: &[&str] = &[
    "controls.yaml",
    "controls.yml",
    "controls.csv",
    "controls.json",
    "controls.xml",
    "controls.xlsx",
];

struct State {
    _tmp: tempfile::TempDir,
    ws: crosswalk_core::Workspace,
    input: std::path::PathBuf,
}

static STATE: OnceLock<Mutex<State>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let state = STATE.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let ws = crosswalk_core::Workspace::open(tmp.path().join("data")).unwrap();
        let input = tmp.path().join("in");
        Mutex::new(State {
            _tmp: tmp,
            ws,
            input,
        })
    });
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let _ = std::fs::remove_dir_all(&s.input);
    std::fs::create_dir_all(&s.input).unwrap();
    let file = s.input.join(NAMES[pick as usize % NAMES.len()]);
    std::fs::write(&file, body).unwrap();
    let options = crosswalk_core::import::ImportOptions {
        dry_run: true,
        ..Default::default()
    };
    let _ = s.ws.import(&[file], &options);
});
