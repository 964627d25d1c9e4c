//! The OSCAL component definition importer
//! (core/src/interop/oscal_component.rs) on arbitrary bytes: controls or
//! problems with places, never a panic.
#![no_main]
use crosswalk_core::interop::{Format, InteropOptions};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let _ = common::read(
        Format::OscalComponentDefinition,
        "component.json",
        data,
        &InteropOptions::default(),
    );
});
