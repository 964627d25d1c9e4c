//! The control matrix importer (core/src/interop/matrix.rs) on CSV bytes,
//! as refused-on-unknown-refs and with `--skip-unknown`: never a panic.
#![no_main]
use crosswalk_core::interop::{Format, InteropOptions};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    for skip_unknown in [false, true] {
        let options = InteropOptions {
            skip_unknown,
            ..Default::default()
        };
        let _ = common::read(Format::MatrixCsv, "matrix.csv", data, &options);
    }
});
