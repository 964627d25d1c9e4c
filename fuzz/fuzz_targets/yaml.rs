//! The YAML reader on arbitrary bytes: never a panic, never unbounded work.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = crosswalk_core::yaml::parse("fuzz.yaml", data);
});
