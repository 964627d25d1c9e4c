//! What the importer targets share: the requirements refs resolve against.
#![allow(dead_code)] // each target uses part of it
use crosswalk_core::interop::{self, Format, Imported, Input, InteropOptions, Known};
use crosswalk_core::Problem;
use std::path::Path;
use std::sync::OnceLock;

/// The SP 800-53 rev5 catalog profiles and component definitions name. Read
/// from `CROSSWALK_FUZZ_CATALOG`, else from `shared/data` beside the
/// repository (as CI has it); without it those targets still run, against
/// the shipped frameworks only (shallower: every id is unknown).
fn sp800_53() -> Option<Vec<u8>> {
    let path = std::env::var_os("CROSSWALK_FUZZ_CATALOG")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/data/oscal/NIST_SP-800-53_rev5.0.1_catalog.json")
        });
    std::fs::read(path).ok()
}

/// The shipped frameworks, plus SP 800-53 rev5 when it can be read.
pub fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut k = Known::default();
        for (c, _) in crosswalk_core::catalog::shipped_catalogs().expect("shipped catalogs parse") {
            k.add_catalog(&c);
        }
        if let Some(bytes) = sp800_53() {
            let got = interop::read(
                Format::OscalCatalog,
                "sp800-53.json",
                &Input::Bytes(bytes),
                &k,
                &InteropOptions::default(),
            )
            .expect("the SP 800-53 catalog imports");
            for c in &got.catalogs {
                k.add_catalog(c);
            }
        }
        k
    })
}

/// One importer on one file's bytes, as `crosswalk import` calls it once
/// the file's format is known (detection is the `import` target's job).
pub fn read(
    format: Format,
    name: &str,
    data: &[u8],
    options: &InteropOptions,
) -> Result<Imported, Vec<Problem>> {
    interop::read(format, name, &Input::Bytes(data.to_vec()), known(), options)
}
