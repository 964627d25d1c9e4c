//! Loading NIST SP 800-53 rev5 as an OSCAL catalog: Crosswalk against
//! compliance-trestle (IBM's OSCAL SDK, pydantic models) loading the same
//! file in the same run. "Loading" is read + parse + turn into the tool's
//! model: for Crosswalk the interop importer's framework (1,209
//! requirements with rendered statements), for trestle `Catalog.oscal_read`.
//! Three comparisons, like with like:
//! - in process (no interpreter or process start-up): the importer against
//!   `Catalog.oscal_read`; nothing written;
//! - whole commands, nothing written: `crosswalk import --dry-run` on an
//!   existing workspace against `python -c` running `Catalog.oscal_read`;
//! - whole commands, written into the tool's workspace: `crosswalk import`
//!   (one transaction, audited) into a fresh workspace against
//!   `trestle import -f FILE -o NAME` into a fresh `trestle init` workspace
//!   (reads, validates, writes the catalog JSON under `catalogs/NAME/`).
use crate::util::{fmt_mib, run_timed, time, Opts, Stats};
use crosswalk_core::interop::{self, Format, Input, InteropOptions, Known};
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn run(opts: &Opts) -> Result<(), String> {
    let runs = opts.usize("runs", 10)?.max(1);
    let file = opts.path("file").unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data/oscal/NIST_SP-800-53_rev5.0.1_catalog.json")
    });
    let file = file
        .canonicalize()
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let size = std::fs::metadata(&file).map_err(|e| e.to_string())?.len();
    let venv = opts
        .path("venv")
        .unwrap_or_else(|| std::env::temp_dir().join("crosswalk-bench-trestle-venv"));
    let cli = opts.cli()?;
    let scratch = opts.scratch("oscal")?;

    // Crosswalk, in process.
    let mut cw = Vec::new();
    let mut reqs = 0;
    for _ in 0..runs {
        let (got, secs) = time(|| {
            let bytes = std::fs::read(&file).expect("read");
            interop::read(
                Format::OscalCatalog,
                &file.display().to_string(),
                &Input::Bytes(bytes),
                &Known::default(),
                &InteropOptions::default(),
            )
            .expect("the catalog imports")
        });
        reqs = got.catalogs[0].requirements.len();
        cw.push(secs);
    }
    // Crosswalk, the whole command (workspace already created).
    let data = scratch.path().join("ws");
    let d = data.display().to_string();
    let f = file.display().to_string();
    run_timed(&cli, &["--data-dir", &d, "frameworks"], &[])?;
    // Commands are slower (trestle's start-up is seconds): fewer runs.
    let cmd_runs = runs.min(5);
    let mut cw_cmd = Vec::new();
    let mut cw_rss = 0;
    for _ in 0..cmd_runs {
        let r = run_timed(&cli, &["--data-dir", &d, "import", &f, "--dry-run"], &[])?;
        cw_cmd.push(r.secs);
        cw_rss = cw_rss.max(r.max_rss_kib.unwrap_or(0));
    }

    // compliance-trestle, in process and as a command.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("oscal/trestle.sh");
    eprintln!(
        "trestle: preparing {} (pip install compliance-trestle on first use)",
        venv.display()
    );
    let out = Command::new(&script)
        .arg(&venv)
        .arg(&file)
        .arg(runs.to_string())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!(
            "trestle failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let secs_of = |key: &str| -> Vec<f64> {
        let start = text
            .find(&format!("\"{key}\": ["))
            .map(|i| i + key.len() + 5);
        start
            .and_then(|s| text[s..].split(']').next())
            .map(|l| l.split(',').filter_map(|v| v.trim().parse().ok()).collect())
            .unwrap_or_default()
    };
    let tr = secs_of("secs");
    let version = text
        .split("\"version\": \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or("?")
        .to_string();
    if tr.is_empty() {
        return Err(format!("trestle printed no timings: {text}"));
    }
    let py: PathBuf = venv.join("bin/python");
    let snippet = format!(
        "import pathlib; from trestle.oscal.catalog import Catalog; Catalog.oscal_read(pathlib.Path({f:?}))"
    );
    let mut tr_cmd = Vec::new();
    let mut tr_rss = 0;
    for _ in 0..cmd_runs {
        let r = run_timed(&py, &["-c", &snippet], &[])?;
        tr_cmd.push(r.secs);
        tr_rss = tr_rss.max(r.max_rss_kib.unwrap_or(0));
    }

    // Written into the workspace: each run into a fresh one (made untimed).
    let template = scratch.path().join("ws-template");
    let t = template.display().to_string();
    run_timed(&cli, &["--data-dir", &t, "frameworks"], &[])?;
    let (mut cw_write, mut cw_write_rss) = (Vec::new(), 0);
    let (mut tr_write, mut tr_write_rss) = (Vec::new(), 0);
    let trestle = venv.join("bin/trestle");
    for i in 0..cmd_runs {
        let fresh = scratch.path().join(format!("ws-write-{i}"));
        crate::util::sh(&format!("cp -a '{t}' '{}'", fresh.display()))?;
        let w = fresh.display().to_string();
        let r = run_timed(&cli, &["--data-dir", &w, "import", &f], &[])?;
        cw_write.push(r.secs);
        cw_write_rss = cw_write_rss.max(r.max_rss_kib.unwrap_or(0));
        let _ = std::fs::remove_dir_all(&fresh);

        let tw = scratch.path().join(format!("trestle-{i}"));
        std::fs::create_dir_all(&tw).map_err(|e| e.to_string())?;
        let tw_s = tw.display().to_string();
        crate::util::sh(&format!(
            "cd '{tw_s}' && '{}' init >/dev/null",
            trestle.display()
        ))?;
        let r = crate::util::sh(&format!(
            "cd '{tw_s}' && '{}' import -f '{f}' -o nist-800-53-rev5 >/dev/null",
            trestle.display()
        ))?;
        if !tw.join("catalogs/nist-800-53-rev5/catalog.json").is_file() {
            return Err("trestle import wrote no catalogs/nist-800-53-rev5/catalog.json".into());
        }
        tr_write.push(r.secs);
        tr_write_rss = tr_write_rss.max(r.max_rss_kib.unwrap_or(0));
        let _ = std::fs::remove_dir_all(&tw);
    }
    let (a, b) = (Stats::of(&cw), Stats::of(&tr));
    let (ac, bc) = (Stats::of(&cw_cmd), Stats::of(&tr_cmd));
    println!("### Loading the SP 800-53 rev5 OSCAL catalog\n");
    println!(
        "{} ({}, {} requirements in Crosswalk's terms); {runs} runs each in process, {} of each command, median (min–max). Release build.\n",
        file.file_name().unwrap().to_string_lossy(),
        fmt_mib(size as f64),
        reqs,
        cmd_runs
    );
    println!("| | Crosswalk | compliance-trestle {version} | trestle ÷ Crosswalk |");
    println!("|---|---|---|---|");
    println!(
        "| in process: read, parse, build the model | {} | {} | {:.0}× |",
        a.secs(),
        b.secs(),
        b.median / a.median
    );
    println!(
        "| whole command (`crosswalk import --dry-run` / `python -c`) | {} | {} | {:.0}× |",
        ac.secs(),
        bc.secs(),
        bc.median / ac.median
    );
    println!(
        "| peak RSS of that command | {} | {} | |",
        fmt_mib(cw_rss as f64 * 1024.0),
        fmt_mib(tr_rss as f64 * 1024.0)
    );
    let (aw, bw) = (Stats::of(&cw_write), Stats::of(&tr_write));
    println!(
        "| whole command, written into a fresh workspace (`crosswalk import` / `trestle import -f`) | {} | {} | {:.0}× |",
        aw.secs(),
        bw.secs(),
        bw.median / aw.median
    );
    println!(
        "| peak RSS of that command | {} | {} | |",
        fmt_mib(cw_write_rss as f64 * 1024.0),
        fmt_mib(tr_write_rss as f64 * 1024.0)
    );
    Ok(())
}
