//! The OpenControl project importer (core/src/interop/opencontrol.rs) on a
//! project folder made from arbitrary bytes: the input, split at NUL bytes,
//! is `opencontrol.yaml`, `components/a/component.yaml`, `standards/s.yaml`
//! and `certifications/c.yaml` (seeds name those paths; the fuzzer may name
//! others, which must be refused or read from inside the folder only).
#![no_main]
use crosswalk_core::interop::{self, Format, Input, InteropOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

mod common;

const FILES: [&str; 4] = [
    "opencontrol.yaml",
    "components/a/component.yaml",
    "standards/s.yaml",
    "certifications/c.yaml",
];

fn folder() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temp dir"))
}

fuzz_target!(|data: &[u8]| {
    let root = folder().path().join("project");
    let _ = std::fs::remove_dir_all(&root);
    let mut parts = data.splitn(FILES.len(), |&b| b == 0);
    for name in FILES {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        std::fs::write(&path, parts.next().unwrap_or_default()).expect("a file");
    }
    let _ = interop::read(
        Format::OpenControl,
        &root.display().to_string(),
        &Input::Folder(root.clone()),
        common::known(),
        &InteropOptions::default(),
    );
});
