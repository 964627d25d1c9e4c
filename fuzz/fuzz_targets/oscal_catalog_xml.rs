//! The OSCAL catalog importer (core/src/interop/oscal_catalog.rs) on
//! arbitrary bytes, seeded with XML catalogs (same entry point as JSON: the
//! first non-blank byte decides): never a panic, never unbounded work.
#![no_main]
use crosswalk_core::interop::{Format, InteropOptions};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let _ = common::read(
        Format::OscalCatalog,
        "catalog.xml",
        data,
        &InteropOptions::default(),
    );
});
