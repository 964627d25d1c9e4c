//! Embeds the shipped data (framework catalogs, crosswalks, example library) into
//! the binaries, so the app and the CLI work from any folder with no install step.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn table(name: &str, root: &Path, only_yaml: bool, code: &mut String) {
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    files_under(root, &mut files);
    writeln!(code, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
    for path in files {
        let is_yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if only_yaml && !is_yaml {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    writeln!(code, "];").unwrap();
}

fn main() {
    // Read at run time, not baked in with env!: cargo reuses one build-script
    // binary for clones of the workspace at other paths (its hash is relative
    // to the workspace), and a baked path would point into the other clone.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let controls = Path::new(&manifest_dir)
        .join("../controls")
        .canonicalize()
        .expect("controls/ folder next to core/");
    let mut code = String::new();
    table(
        "FRAMEWORK_FILES",
        &controls.join("frameworks"),
        true,
        &mut code,
    );
    table(
        "CROSSWALK_FILES",
        &controls.join("crosswalks"),
        true,
        &mut code,
    );
    table("LIBRARY_FILES", &controls.join("library"), false, &mut code);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}
