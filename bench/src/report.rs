//! PDF reports of 100 / 1,000 / 10,000 evidence items over all six
//! frameworks, through the CLI contract (`crosswalk report --framework ID...
//! -o OUT.pdf`): time, peak memory, pages (`pdfinfo`) and file size.
use crate::gen::{self, EvidencePlan, Refs};
use crate::util::{capture, fmt_count, fmt_mib, fmt_secs, run_timed, time, Opts, Stats};
use crosswalk_core::import::ImportOptions;
use crosswalk_core::report::ReportRequest;
use crosswalk_core::Workspace;
use std::process::Command;
use std::time::Instant;

/// Evidence items per control in the generated workspaces.
const EVIDENCE_PER_CONTROL: usize = 10;

struct Row {
    /// Seconds per phase of the in-process `generate_report`, from its progress callback.
    phases: Vec<(&'static str, f64)>,
    inproc: Stats,
    evidence: usize,
    controls: usize,
    time: Stats,
    rss_kib: Option<u64>,
    pages: String,
    bytes: u64,
    setup_secs: f64,
}

pub fn run(opts: &Opts) -> Result<(), String> {
    let sizes = opts.list("sizes", &[100, 1_000, 10_000])?;
    let runs = opts.usize("runs", 3)?.max(1);
    let cli = opts.cli()?;
    let help = Command::new(&cli)
        .args(["report", "--help"])
        .output()
        .map_err(|e| e.to_string())?;
    if !help.status.success() {
        return Err(format!(
            "{} has no `report` command yet; nothing to measure",
            cli.display()
        ));
    }
    let scratch = opts.scratch("report")?;
    let refs = Refs::shipped(scratch.path())?;
    let today = crosswalk_core::now().date_naive();
    let frameworks: Vec<String> = refs.by_framework.keys().cloned().collect();
    let mut rows = Vec::new();
    for &n in &sizes {
        let controls = n.div_ceil(EVIDENCE_PER_CONTROL);
        let lib = scratch.path().join(format!("lib-{n}"));
        gen::write_library(
            &lib,
            controls,
            &refs,
            Some(EvidencePlan {
                per_control: EVIDENCE_PER_CONTROL,
                today,
                files: true,
            }),
        )?;
        let dir = scratch.path().join(format!("ws-{n}"));
        let (setup, setup_secs) = time(|| -> Result<usize, String> {
            let mut ws = Workspace::open(&dir).map_err(|e| e.to_string())?;
            let r = ws
                .import(std::slice::from_ref(&lib), &ImportOptions::default())
                .map_err(|e| e.to_string())?;
            Ok(r.evidence_added)
        });
        let evidence = setup?;
        let out = scratch.path().join(format!("report-{n}.pdf"));
        let (mut times, mut rss) = (Vec::new(), None::<u64>);
        for r in 0..runs {
            eprintln!("report: {n} evidence items, run {}/{runs}", r + 1);
            let _ = std::fs::remove_file(&out);
            let mut args: Vec<String> = vec![
                "--data-dir".into(),
                dir.display().to_string(),
                "report".into(),
            ];
            for f in &frameworks {
                args.push("--framework".into());
                args.push(f.clone());
            }
            args.push("-o".into());
            args.push(out.display().to_string());
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = run_timed(&cli, &argv, &[])?;
            times.push(run.secs);
            rss = rss.max(run.max_rss_kib);
        }
        // In-process, through the API the CLI calls: the phase times come from
        // the progress callback (the time from one phase's start to the next).
        let mut inproc = Vec::new();
        let mut phases: Vec<(&'static str, Vec<f64>)> = Vec::new();
        {
            let mut ws = Workspace::open(&dir).map_err(|e| e.to_string())?;
            let request = ReportRequest {
                frameworks: frameworks.clone(),
                ..Default::default()
            };
            for _ in 0..runs {
                let mut marks: Vec<(&'static str, Instant)> = Vec::new();
                let start = Instant::now();
                ws.generate_report(&request, &out, &mut |p| {
                    if marks.last().map(|(ph, _)| *ph) != Some(p.phase) {
                        marks.push((p.phase, Instant::now()));
                    }
                })
                .map_err(|e| e.to_string())?;
                let end = Instant::now();
                inproc.push((end - start).as_secs_f64());
                for (i, (ph, at)) in marks.iter().enumerate() {
                    if *ph == "done" {
                        continue;
                    }
                    let next = marks.get(i + 1).map(|(_, t)| *t).unwrap_or(end);
                    let secs = (next - *at).as_secs_f64();
                    match phases.iter_mut().find(|(p, _)| p == ph) {
                        Some((_, v)) => v.push(secs),
                        None => phases.push((ph, vec![secs])),
                    }
                }
            }
        }
        let phases: Vec<(&'static str, f64)> = phases
            .into_iter()
            .map(|(p, v)| (p, Stats::of(&v).median))
            .collect();
        let info = capture("pdfinfo", &[&out.display().to_string()]);
        let pages = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:").map(|v| v.trim().to_string()))
            .unwrap_or_else(|| "?".into());
        let bytes = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        rows.push(Row {
            phases,
            inproc: Stats::of(&inproc),
            evidence,
            controls,
            time: Stats::of(&times),
            rss_kib: rss,
            pages,
            bytes,
            setup_secs,
        });
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&lib);
    }
    println!(
        "Generated workspaces: {EVIDENCE_PER_CONTROL} file evidence items per control (small text files, each stored in the vault and listed with its SHA-256), controls mapped to all six frameworks; the report covers all six (`--framework` × 6). Time is the wall clock of the release CLI, median of {runs} runs (min–max).\n"
    );
    println!("| evidence items | controls | report time | per 1,000 evidence | pages | PDF size | peak RSS | (setup: import) |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            fmt_count(r.evidence as f64),
            fmt_count(r.controls as f64),
            r.time.secs(),
            fmt_secs(r.time.median / r.evidence.max(1) as f64 * 1000.0),
            r.pages,
            fmt_mib(r.bytes as f64),
            r.rss_kib
                .map(|k| fmt_mib(k as f64 * 1024.0))
                .unwrap_or_else(|| "–".into()),
            fmt_secs(r.setup_secs),
        );
    }
    println!("\nWhere the time goes, in-process (`ws.generate_report`, the call the CLI makes; phases as its progress callback reports them, medians):\n");
    let names: Vec<&str> = rows
        .first()
        .map(|r| r.phases.iter().map(|(p, _)| *p).collect())
        .unwrap_or_default();
    println!("| evidence items | total | {} |", names.join(" | "));
    println!("|---:|---:|{}", "---:|".repeat(names.len()));
    for r in &rows {
        let cells: Vec<String> = names
            .iter()
            .map(|n| {
                r.phases
                    .iter()
                    .find(|(p, _)| p == n)
                    .map(|(_, s)| fmt_secs(*s))
                    .unwrap_or_else(|| "–".into())
            })
            .collect();
        println!(
            "| {} | {} | {} |",
            fmt_count(r.evidence as f64),
            r.inproc.secs(),
            cells.join(" | ")
        );
    }
    if let (Some(a), Some(b)) = (rows.first(), rows.last()) {
        if rows.len() > 1 {
            println!(
                "\nFrom {} to {} evidence items ({:.0}× the data): time {:.1}×, pages {}→{}, size {:.1}×.",
                fmt_count(a.evidence as f64),
                fmt_count(b.evidence as f64),
                b.evidence as f64 / a.evidence as f64,
                b.time.median / a.time.median,
                a.pages,
                b.pages,
                b.bytes as f64 / a.bytes.max(1) as f64
            );
        }
    }
    Ok(())
}
