//! Auditor packages of 1,000 / 10,000 evidence items through the CLI
//! contract (`crosswalk package -o OUT.zip`, then `package verify`), next to
//! `zip -r` of the same vault files in the same run: time, peak memory, size.
//! A last row packages one large evidence file (`--big-mib`, default 256) to
//! show that memory does not grow with the evidence size.
use crate::gen::{self, EvidencePlan, Refs};
use crate::util::{fmt_count, fmt_mib, run_timed, time, Opts, Stats};
use crosswalk_core::import::ImportOptions;
use crosswalk_core::Workspace;
use std::io::Write;
use std::path::Path;

const EVIDENCE_PER_CONTROL: usize = 10;

struct Row {
    label: String,
    evidence_bytes: u64,
    package: Stats,
    package_rss: Option<u64>,
    package_size: u64,
    verify: Stats,
    verify_rss: Option<u64>,
    zip: Stats,
    zip_rss: Option<u64>,
    zip_size: u64,
}

fn measure(
    cli: &Path,
    dir: &Path,
    scratch: &Path,
    label: String,
    runs: usize,
) -> Result<Row, String> {
    let out = scratch.join("package.zip");
    let baseline = scratch.join("baseline.zip");
    let (mut p, mut v, mut z) = (Vec::new(), Vec::new(), Vec::new());
    let (mut p_rss, mut v_rss, mut z_rss) = (None::<u64>, None::<u64>, None::<u64>);
    let data = dir.display().to_string();
    let out_s = out.display().to_string();
    for r in 0..runs {
        eprintln!("package: {label}, run {}/{runs}", r + 1);
        let _ = std::fs::remove_file(&out);
        let run = run_timed(cli, &["--data-dir", &data, "package", "-o", &out_s], &[])?;
        p.push(run.secs);
        p_rss = p_rss.max(run.max_rss_kib);
        let run = run_timed(cli, &["package", "verify", &out_s], &[])?;
        v.push(run.secs);
        v_rss = v_rss.max(run.max_rss_kib);
        let _ = std::fs::remove_file(&baseline);
        // The same stored files, zipped by Info-ZIP at its default level (6, as the package).
        // The same stored files, zipped by Info-ZIP at its default level (6, as the package).
        let run = crate::util::sh(&format!(
            "cd '{}' && zip -r -q '{}' evidence",
            data,
            baseline.display()
        ))?;
        z.push(run.secs);
        z_rss = z_rss.max(run.max_rss_kib);
    }
    let evidence_bytes = crate::util::dir_size(&dir.join("evidence"));
    Ok(Row {
        label,
        evidence_bytes,
        package: Stats::of(&p),
        package_rss: p_rss,
        package_size: std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0),
        verify: Stats::of(&v),
        verify_rss: v_rss,
        zip: Stats::of(&z),
        zip_rss: z_rss,
        zip_size: std::fs::metadata(&baseline).map(|m| m.len()).unwrap_or(0),
    })
}

pub fn run(opts: &Opts) -> Result<(), String> {
    let sizes = opts.list("sizes", &[1_000, 10_000])?;
    let runs = opts.usize("runs", 3)?.max(1);
    let big_mib = opts.usize("big-mib", 256)?;
    let cli = opts.cli()?;
    if std::process::Command::new("zip")
        .arg("-v")
        .output()
        .is_err()
    {
        return Err(
            "Info-ZIP `zip` is not installed (apt-get install zip; scripts/setup.sh does)".into(),
        );
    }
    let scratch = opts.scratch("package")?;
    let refs = Refs::shipped(scratch.path())?;
    let today = crosswalk_core::now().date_naive();
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
        let (setup, _) = time(|| -> Result<usize, String> {
            let mut ws = Workspace::open(&dir).map_err(|e| e.to_string())?;
            let r = ws
                .import(std::slice::from_ref(&lib), &ImportOptions::default())
                .map_err(|e| e.to_string())?;
            Ok(r.evidence_added)
        });
        let evidence = setup?;
        rows.push(measure(
            &cli,
            &dir,
            scratch.path(),
            format!("{} evidence items", fmt_count(evidence as f64)),
            runs,
        )?);
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&lib);
    }
    if big_mib > 0 {
        // One large file of pseudo-random bytes (incompressible, like most real evidence).
        let dir = scratch.path().join("ws-big");
        let big = scratch.path().join("big.bin");
        {
            let mut f =
                std::io::BufWriter::new(std::fs::File::create(&big).map_err(|e| e.to_string())?);
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
            let mut buf = vec![0u8; 1 << 20];
            for _ in 0..big_mib {
                for chunk in buf.chunks_mut(8) {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
                }
                f.write_all(&buf).map_err(|e| e.to_string())?;
            }
        }
        let lib = scratch.path().join("lib-big");
        gen::write_library(&lib, 1, &refs, None)?;
        let mut ws = Workspace::open(&dir).map_err(|e| e.to_string())?;
        ws.import(std::slice::from_ref(&lib), &ImportOptions::default())
            .map_err(|e| e.to_string())?;
        let control = ws.controls().map_err(|e| e.to_string())?[0].id.clone();
        ws.add_evidence(
            &crosswalk_core::evidence::NewEvidence {
                controls: vec![control],
                source: crosswalk_core::evidence::Source::File(big.clone()),
                title: Some("Large export".into()),
                description: String::new(),
                collected_by: None,
                collected_on: None,
                valid_until: None,
                valid_for_days: Some(365),
                new_occurrence: false,
            },
            &mut |_, _| {},
        )
        .map_err(|e| e.to_string())?;
        drop(ws);
        let _ = std::fs::remove_file(&big);
        rows.push(measure(
            &cli,
            &dir,
            scratch.path(),
            format!("1 file of {big_mib} MiB"),
            runs,
        )?);
    }
    println!(
        "Generated workspaces: {EVIDENCE_PER_CONTROL} small file evidence items per control, mapped to all six frameworks; the package covers all six (PDF report, registers as CSV and XLSX, every evidence file, manifest, SHA256SUMS, signatures). The baseline is Info-ZIP `zip -r` of the same vault folder (level 6, as the package), run in the same minutes. Wall clock of the release CLI, median of {runs} runs (min–max); peak RSS from GNU time.\n"
    );
    println!("| evidence | vault size | `crosswalk package` | peak RSS | zip size | `zip -r` baseline | peak RSS | zip size | `package verify` | peak RSS |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let rss = |k: Option<u64>| {
        k.map(|k| fmt_mib(k as f64 * 1024.0))
            .unwrap_or_else(|| "–".into())
    };
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.label,
            fmt_mib(r.evidence_bytes as f64),
            r.package.secs(),
            rss(r.package_rss),
            fmt_mib(r.package_size as f64),
            r.zip.secs(),
            rss(r.zip_rss),
            fmt_mib(r.zip_size as f64),
            r.verify.secs(),
            rss(r.verify_rss),
        );
    }
    Ok(())
}
