//! Import of generated control libraries (500 / 5,000 / 50,000 controls, each
//! mapped to all six frameworks), against the baseline of only parsing the
//! same YAML.
use crate::gen::{self, Refs};
use crate::util::{fmt_count, fmt_mib, fmt_secs, measure, time, Opts, Stats};
use crosswalk_core::import::ImportOptions;
use crosswalk_core::Workspace;
use std::path::PathBuf;

struct Row {
    controls: usize,
    files: usize,
    bytes: u64,
    parse: Stats,
    dry_run: Stats,
    import: Stats,
    reimport: Stats,
    open: Stats,
    peak_heap: u64,
    parse_heap: u64,
    db_bytes: u64,
}

pub fn run(opts: &Opts) -> Result<(), String> {
    let sizes = opts.list("sizes", &[500, 5_000, 50_000])?;
    let runs = opts.usize("runs", 3)?.max(1);
    let scratch = opts.scratch("import")?;
    let refs = Refs::shipped(scratch.path())?;
    eprintln!(
        "assessable refs: {} over {} frameworks",
        refs.total(),
        refs.by_framework.len()
    );
    let mut rows = Vec::new();
    for &n in &sizes {
        let lib = scratch.path().join(format!("lib-{n}"));
        let files = gen::write_library(&lib, n, &refs, None)?;
        let bytes: u64 = files
            .iter()
            .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
            .sum();
        let paths: Vec<PathBuf> = vec![lib.clone()];
        let (mut parse, mut dry, mut imp, mut re, mut open) =
            (vec![], vec![], vec![], vec![], vec![]);
        let mut peak_heap = 0u64;
        let mut parse_heap = 0u64;
        let mut db_bytes = 0u64;
        for r in 0..runs {
            eprintln!("import: {n} controls, run {}/{runs}", r + 1);
            // Baseline: read and parse every file, nothing else.
            // The trees are kept until all files are parsed, as the import keeps them.
            let m = measure(|| {
                let mut trees = Vec::with_capacity(files.len());
                for f in &files {
                    let bytes = std::fs::read(f).expect("read");
                    trees.push(
                        crosswalk_core::yaml::parse(&f.display().to_string(), &bytes)
                            .expect("generated YAML parses"),
                    );
                }
                trees
            });
            let (trees, secs) = (m.out, m.secs);
            parse_heap = parse_heap.max(m.peak_heap_added);
            assert_eq!(
                trees
                    .iter()
                    .filter(|t| matches!(t.value, crosswalk_core::yaml::Value::Map(_)))
                    .count(),
                files.len()
            );
            drop(trees);
            parse.push(secs);

            let dir = scratch.path().join(format!("ws-{n}-{r}"));
            let (ws, secs) = time(|| Workspace::open(&dir));
            let mut ws = ws.map_err(|e| e.to_string())?;
            open.push(secs);

            // Validation only: parse + every check, nothing written.
            let (report, secs) = time(|| {
                ws.import(
                    &paths,
                    &ImportOptions {
                        dry_run: true,
                        prune: false,
                        ..Default::default()
                    },
                )
            });
            let report = report.map_err(|e| e.to_string())?;
            assert_eq!(report.added.len(), n, "dry run sees every control as new");
            dry.push(secs);

            // Import into the fresh workspace.
            let m = measure(|| ws.import(&paths, &ImportOptions::default()));
            let report = m.out.map_err(|e| e.to_string())?;
            assert_eq!(report.added.len(), n);
            imp.push(m.secs);
            peak_heap = peak_heap.max(m.peak_heap_added);

            // Re-import of the unchanged files: the idempotent no-op path.
            let (report, secs) = time(|| ws.import(&paths, &ImportOptions::default()));
            let report = report.map_err(|e| e.to_string())?;
            assert!(
                report.is_noop() && report.unchanged.len() == n,
                "re-import must change nothing"
            );
            re.push(secs);

            drop(ws);
            db_bytes = crate::util::dir_size(&dir);
            let _ = std::fs::remove_dir_all(&dir);
        }
        rows.push(Row {
            controls: n,
            files: files.len(),
            bytes,
            parse: Stats::of(&parse),
            dry_run: Stats::of(&dry),
            import: Stats::of(&imp),
            reimport: Stats::of(&re),
            open: Stats::of(&open),
            peak_heap,
            parse_heap,
            db_bytes,
        });
        let _ = std::fs::remove_dir_all(&lib);
    }
    print(&rows, runs, &refs);
    Ok(())
}

fn print(rows: &[Row], runs: usize, refs: &Refs) {
    println!(
        "Generated libraries: each control has {} mappings ({} assessable refs in each of the {} frameworks, one in four a `{{ref, coverage: partial, rationale}}` map), {} controls per file; {} assessable refs in the catalogs. Median of {runs} runs (min–max). Each import goes into a fresh workspace (opening it, which loads the six catalogs, is timed separately and not included). Peak heap: the most heap the step had allocated at once beyond what was in use before it (counting allocator in the bench binary); for the parse baseline, the parsed trees of all files held together, as the import holds them.\n",
        gen::REFS_PER_FRAMEWORK * refs.by_framework.len(),
        gen::REFS_PER_FRAMEWORK,
        refs.by_framework.len(),
        fmt_count(gen::CONTROLS_PER_FILE as f64),
        fmt_count(refs.total() as f64),
    );
    println!("| controls | files (YAML size) | parse only (baseline) | validate (`--dry-run`) | import | controls/s | import ÷ parse | re-import, unchanged | peak heap: parse only | peak heap: import | data dir after |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} ({}) | {} | {} | {} | {} | {:.1}× | {} | {} | {} | {} |",
            fmt_count(r.controls as f64),
            r.files,
            fmt_mib(r.bytes as f64),
            r.parse.secs(),
            r.dry_run.secs(),
            r.import.secs(),
            fmt_count(r.controls as f64 / r.import.median),
            r.import.median / r.parse.median,
            r.reimport.secs(),
            fmt_mib(r.parse_heap as f64),
            fmt_mib(r.peak_heap as f64),
            fmt_mib(r.db_bytes as f64),
        );
    }
    println!();
    for w in rows.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let n = b.controls as f64 / a.controls as f64;
        println!(
            "- {} → {} controls ({n:.0}× the data): parse {:.1}×, validate {:.1}×, import {:.1}×, re-import {:.1}× (linear: {n:.0}×).",
            fmt_count(a.controls as f64),
            fmt_count(b.controls as f64),
            b.parse.median / a.parse.median,
            b.dry_run.median / a.dry_run.median,
            b.import.median / a.import.median,
            b.reimport.median / a.reimport.median,
        );
    }
    println!();
    let open = Stats::of(&rows.iter().map(|r| r.open.median).collect::<Vec<_>>());
    println!(
        "Opening a fresh workspace (schema + six catalogs + crosswalks): {} median.",
        fmt_secs(open.median)
    );
}
