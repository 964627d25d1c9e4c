//! Crosswalk's own catalog and crosswalk YAML files (core/src/catalog.rs:
//! `parse_catalog`, `parse_crosswalk`, with refs resolved against the
//! shipped frameworks as an import does) on arbitrary bytes: never a panic.
#![no_main]
use crosswalk_core::catalog;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(root) = crosswalk_core::yaml::parse("fuzz.yaml", data) else {
        return;
    };
    let known = common::known();
    let _ = catalog::file_kind(&root);
    let _ = catalog::parse_catalog("fuzz.yaml", &root);
    let _ = catalog::parse_crosswalk(
        "fuzz.yaml",
        &root,
        &|fw, r| known.resolve(fw, r).map(|(canonical, _)| canonical),
        &|fw| known.has_framework(fw),
    );
});
