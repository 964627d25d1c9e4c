//! Every check of a control file (ids, maps against the shipped catalogs,
//! evidence entries, dates) on arbitrary bytes, without a database.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = crosswalk_core::import::fuzzing::check_control_file(data);
});
