//! The OSCAL mapping collection importer (core/src/interop/oscal_mapping.rs)
//! on arbitrary bytes: crosswalk links or problems with places, never a panic.
#![no_main]
use crosswalk_core::interop::{Format, InteropOptions};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let _ = common::read(
        Format::OscalMappingCollection,
        "mapping.json",
        data,
        &InteropOptions::default(),
    );
});
