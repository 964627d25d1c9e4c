//! Coverage of all six frameworks over 10,000 controls and 100,000 evidence
//! items: `coverage::compute` on inputs already in memory, and
//! `Workspace::coverage` end to end (loading everything from SQLite first).
use crate::gen::{self, EvidencePlan, Refs};
use crate::util::{fmt_count, fmt_mib, fmt_secs, measure, run_timed, time, Opts, Stats};
use crosswalk_core::controls::CoverageRequest;
use crosswalk_core::coverage::{self, Counts, Inputs, Options};
use crosswalk_core::import::ImportOptions;
use crosswalk_core::Workspace;

pub fn run(opts: &Opts) -> Result<(), String> {
    let n_controls = opts.usize("controls", 10_000)?;
    let n_evidence = opts.usize("evidence", 100_000)?;
    let runs = opts.usize("runs", 5)?.max(1);
    let per_control = n_evidence.div_ceil(n_controls.max(1));
    let scratch = opts.scratch("coverage")?;
    let refs = Refs::shipped(scratch.path())?;
    let today = crosswalk_core::now().date_naive();
    let lib = scratch.path().join("lib");
    let files = gen::write_library(
        &lib,
        n_controls,
        &refs,
        Some(EvidencePlan {
            per_control,
            today,
            files: false,
        }),
    )?;
    let yaml_bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();

    eprintln!("coverage: importing {n_controls} controls with {per_control} note evidence each ({} files, {})", files.len(), fmt_mib(yaml_bytes as f64));
    let dir = scratch.path().join("ws");
    let mut ws = Workspace::open(&dir).map_err(|e| e.to_string())?;
    let m = measure(|| ws.import(std::slice::from_ref(&lib), &ImportOptions::default()));
    let (import_secs, import_heap) = (m.secs, m.peak_heap_added);
    let report = m.out.map_err(|e| e.to_string())?;
    let evidence_total = report.evidence_added;
    eprintln!("imported in {}", fmt_secs(import_secs));
    drop(ws);
    // Reopen, as a user does: nothing is warm in the process.
    let ws = Workspace::open(&dir).map_err(|e| e.to_string())?;

    let mut end_to_end = Vec::new();
    let mut e2e_heap = 0u64;
    let (mut t_fw, mut t_req, mut t_ctl, mut t_ev, mut t_links, mut t_compute) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut compute_heap = 0u64;
    let mut shape = None;
    for r in 0..runs {
        eprintln!("coverage: run {}/{runs}", r + 1);
        let m = measure(|| ws.coverage(&CoverageRequest::default()));
        let cov = m.out.map_err(|e| e.to_string())?;
        end_to_end.push(m.secs);
        e2e_heap = e2e_heap.max(m.peak_heap_added);
        drop(cov);

        // The same, step by step: what loading costs, what computing costs.
        let (frameworks, s) = time(|| ws.frameworks());
        t_fw.push(s);
        let (requirements, s) = time(|| ws.requirements(""));
        t_req.push(s);
        let (controls, s) = time(|| ws.controls());
        t_ctl.push(s);
        let (evidence, s) = time(|| ws.evidence_list(None));
        t_ev.push(s);
        let (links, s) = time(|| ws.crosswalk_links());
        t_links.push(s);
        let (frameworks, requirements, controls, evidence, links) = (
            frameworks.map_err(|e| e.to_string())?,
            requirements.map_err(|e| e.to_string())?,
            controls.map_err(|e| e.to_string())?,
            evidence.map_err(|e| e.to_string())?,
            links.map_err(|e| e.to_string())?,
        );
        let inputs = Inputs {
            frameworks: &frameworks,
            requirements: &requirements,
            controls: &controls,
            evidence: &evidence,
            links: &links,
        };
        let m = measure(|| coverage::compute(&inputs, &Options::default(), today));
        let cov = m.out;
        t_compute.push(m.secs);
        compute_heap = compute_heap.max(m.peak_heap_added);
        if shape.is_none() {
            let mut counts = Counts::default();
            let mut rows = 0usize;
            let mut behind = 0usize;
            for f in &cov {
                rows += f.requirements.len();
                behind += f
                    .requirements
                    .iter()
                    .map(|r| r.controls.len())
                    .sum::<usize>();
                for s in crosswalk_core::Status::ALL {
                    for _ in 0..f.counts.get(*s) {
                        counts.add(*s);
                    }
                }
            }
            shape = Some((
                cov.len(),
                rows,
                behind,
                counts,
                requirements.len(),
                links.len(),
                evidence.len(),
                controls.len(),
            ));
        }
    }
    // In a fresh process, as a user runs it: this binary's `coverage-once`
    // (open + ws.coverage, nothing else) and the CLI's `frameworks --json`.
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let dir_s = dir.display().to_string();
    let (mut once, mut once_rss, mut cli_t, mut cli_rss) = (vec![], 0u64, vec![], 0u64);
    let cli = opts.cli().ok();
    for _ in 0..runs {
        let r = run_timed(&me, &["coverage-once", "--data", &dir_s], &[])?;
        once.push(r.secs);
        once_rss = once_rss.max(r.max_rss_kib.unwrap_or(0));
        if let Some(cli) = &cli {
            let r = run_timed(cli, &["--data-dir", &dir_s, "frameworks", "--json"], &[])?;
            cli_t.push(r.secs);
            cli_rss = cli_rss.max(r.max_rss_kib.unwrap_or(0));
        }
    }
    let (n_fw, rows, behind, counts, n_req, n_links, n_ev, n_ctl) = shape.unwrap();
    assert_eq!(n_ev, evidence_total);
    let st = |v: &[f64]| Stats::of(v);
    println!(
        "Workspace: {} controls (each mapped to {} requirements across the six frameworks, statuses 70% implemented / 20% partial / 10% planned) and {} note evidence items ({per_control} per control, collected over the last two years, valid one year, so part of it has expired; one control in ten has only expired evidence), imported from {} YAML files ({}) in {} (peak heap {}). Coverage is of all {n_fw} frameworks: {} requirement rows ({} assessable: {} covered, {} partial, {} stale, {} gap), {} control entries behind them, {} crosswalk links. Median of {runs} runs (min–max); the workspace is reopened before the runs.\n",
        fmt_count(n_ctl as f64),
        gen::REFS_PER_FRAMEWORK * refs.by_framework.len(),
        fmt_count(n_ev as f64),
        files.len(),
        fmt_mib(yaml_bytes as f64),
        fmt_secs(import_secs),
        fmt_mib(import_heap as f64),
        fmt_count(rows as f64),
        fmt_count(counts.total() as f64),
        fmt_count(counts.covered as f64),
        fmt_count(counts.partial as f64),
        fmt_count(counts.stale as f64),
        fmt_count(counts.gap as f64),
        fmt_count(behind as f64),
        fmt_count(n_links as f64),
    );
    let _ = n_req;
    println!("| step | time, median (min–max) | memory |");
    println!("|---|---:|---:|");
    println!("| **`ws.coverage(all six)`, end to end** (load from SQLite + compute), in-process | {} | peak heap {} |", st(&end_to_end).secs(), fmt_mib(e2e_heap as f64));
    println!("| ↳ load frameworks | {} | |", st(&t_fw).secs());
    println!("| ↳ load requirements | {} | |", st(&t_req).secs());
    println!("| ↳ load controls + mappings | {} | |", st(&t_ctl).secs());
    println!(
        "| ↳ load evidence (`evidence_list`) | {} | |",
        st(&t_ev).secs()
    );
    println!("| ↳ load crosswalk links | {} | |", st(&t_links).secs());
    println!(
        "| **`coverage::compute`** on the loaded inputs | {} | peak heap {} (the result) |",
        st(&t_compute).secs(),
        fmt_mib(compute_heap as f64)
    );
    println!(
        "| fresh process: `Workspace::open` + `ws.coverage` | {} | peak RSS {} |",
        st(&once).secs(),
        fmt_mib(once_rss as f64 * 1024.0)
    );
    if !cli_t.is_empty() {
        println!(
            "| fresh process: release CLI `crosswalk frameworks --json` | {} | peak RSS {} |",
            st(&cli_t).secs(),
            fmt_mib(cli_rss as f64 * 1024.0)
        );
    }
    Ok(())
}

/// `coverage-once --data DIR`: open the workspace and compute coverage of
/// every framework, nothing else; run in its own process to measure its RSS.
pub fn once(opts: &Opts) -> Result<(), String> {
    let dir = opts.path("data").ok_or("coverage-once needs --data DIR")?;
    let ws = Workspace::open(&dir).map_err(|e| e.to_string())?;
    let cov = ws
        .coverage(&CoverageRequest::default())
        .map_err(|e| e.to_string())?;
    std::hint::black_box(&cov);
    Ok(())
}
