use std::path::Path;

fn main() {
    // `generate_context!` needs ui/dist. `make` builds it before the app; a
    // bare `cargo build --workspace` on a fresh clone gets a page that says so
    // instead of a compile error.
    let dist = Path::new("../ui/dist");
    if !dist.join("index.html").exists() {
        let _ = std::fs::create_dir_all(dist);
        let _ = std::fs::write(
            dist.join("index.html"),
            "<!doctype html><meta charset=utf-8><title>Crosswalk</title>\
             <p>The user interface was not built. Run <code>make run</code> (or <code>npm run build:ui</code>) and rebuild.</p>\n",
        );
    }
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build()
}
