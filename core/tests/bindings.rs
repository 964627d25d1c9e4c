//! The window's TypeScript types (ui/src/lib/bindings/) are generated from
//! core's: a fresh export must equal the checked-in files, so a change to a
//! type that crosses IPC fails here until `make bindings` has rewritten them
//! (and the UI type-checks against the new shape).
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn checked_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings")
}

fn ts_files(dir: &Path) -> BTreeSet<PathBuf> {
    fn walk(dir: &Path, rel: &Path, out: &mut BTreeSet<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir.join(rel)) else {
            return;
        };
        for e in entries.map(Result::unwrap) {
            let p = rel.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                walk(dir, &p, out);
            } else if p.extension().is_some_and(|x| x == "ts") {
                out.insert(p);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, Path::new(""), &mut out);
    out
}

#[test]
fn checked_in_bindings_match_the_rust_types() {
    let fresh = tempfile::tempdir().unwrap();
    let written: BTreeSet<PathBuf> = crosswalk_core::bindings::export(fresh.path())
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        written,
        ts_files(fresh.path()),
        "export lists what it wrote"
    );
    assert!(
        written.len() > 40,
        "every IPC type is exported: {written:?}"
    );

    let dir = checked_in();
    // `make bindings`: replace the checked-in folder with the fresh export.
    if std::env::var_os("CROSSWALK_WRITE_BINDINGS").is_some() {
        for f in ts_files(&dir) {
            std::fs::remove_file(dir.join(f)).unwrap();
        }
        for f in &written {
            let to = dir.join(f);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(fresh.path().join(f), to).unwrap();
        }
    }

    let old = ts_files(&dir);
    let mut wrong: Vec<String> = Vec::new();
    for f in written.symmetric_difference(&old) {
        let why = if written.contains(f) {
            "missing"
        } else {
            "no longer generated"
        };
        wrong.push(format!("{}: {why}", f.display()));
    }
    for f in written.intersection(&old) {
        let new = std::fs::read_to_string(fresh.path().join(f)).unwrap();
        if std::fs::read_to_string(dir.join(f)).unwrap() != new {
            wrong.push(format!("{}: differs from the Rust type", f.display()));
        }
    }
    assert!(
        wrong.is_empty(),
        "ui/src/lib/bindings/ is out of date with core's types; run `make bindings` \
         and fix the UI where it no longer type-checks (`make check-ui`):\n  {}",
        wrong.join("\n  ")
    );
}
