//! The OSCAL profile importer (core/src/interop/oscal_profile.rs) on
//! arbitrary bytes: a scope or problems with places, never a panic.
#![no_main]
use crosswalk_core::interop::{Format, InteropOptions};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let _ = common::read(
        Format::OscalProfile,
        "profile.json",
        data,
        &InteropOptions::default(),
    );
});
