//! Evidence ingest of a large file (default 1 GiB) against the physical floor:
//! `openssl dgst -sha256 FILE` plus `cp FILE DEST`, run side by side in the
//! same rounds, in rotating order, with the page cache warm and (when the
//! kernel lets us drop it) cold.
use crate::util::{self, fmt_mib, measure, run_timed, sh, Opts, Stats};
use crosswalk_core::evidence;
use crosswalk_core::import::ImportOptions;
use crosswalk_core::Workspace;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    Cli,
    StoreBlob,
    CliDedup,
    Openssl,
    Cp,
    CpSync,
    Pair,
    PairSync,
}

const VARIANTS: &[Variant] = &[
    Variant::Cli,
    Variant::Openssl,
    Variant::Cp,
    Variant::Pair,
    Variant::CpSync,
    Variant::PairSync,
    Variant::StoreBlob,
    Variant::CliDedup,
];

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::Cli => "**`crosswalk evidence add FILE`** (release CLI, new blob)",
            Variant::StoreBlob => "`evidence::store_blob` in-process (new blob)",
            Variant::CliDedup => "`crosswalk evidence add FILE`, bytes already in the vault",
            Variant::Openssl => "`openssl dgst -sha256 FILE`",
            Variant::Cp => "`cp FILE DEST` (no fsync)",
            Variant::CpSync => "`cp FILE DEST && sync DEST` (fsync)",
            Variant::Pair => "`openssl dgst` && `cp`, as one pair",
            Variant::PairSync => "`openssl dgst` && `cp` && `sync DEST`, as one pair (fsync)",
        }
    }
}

struct Sample {
    secs: f64,
    rss_kib: Option<u64>,
    /// Peak heap added by the in-process call.
    heap: Option<u64>,
}

pub fn run(opts: &Opts) -> Result<(), String> {
    let mib = opts.usize("mib", 1024)?;
    let runs = opts.usize("runs", 3)?.max(1);
    let cli = opts.cli()?;
    let scratch = opts.scratch("ingest")?;
    let s = scratch.path();
    let src = s.join("evidence-1gib.bin");
    eprintln!("writing a {mib} MiB source file to {}", src.display());
    write_source(&src, mib)?;
    let size = std::fs::metadata(&src).map_err(|e| e.to_string())?.len();
    let ctl_dir = s.join("controls");
    std::fs::create_dir_all(&ctl_dir).map_err(|e| e.to_string())?;
    std::fs::write(
        ctl_dir.join("ingest.yaml"),
        "controls:\n  - id: BEN-INGEST\n    title: Bench control\n    status: implemented\n    maps:\n      soc2: [\"CC6.1\"]\n",
    )
    .map_err(|e| e.to_string())?;

    let cold_possible = util::drop_caches();
    let modes: Vec<bool> = if opts.flag("no-drop-caches") || !cold_possible {
        vec![false]
    } else {
        vec![false, true]
    };
    let mut samples: Vec<((bool, Variant), Vec<Sample>)> = Vec::new();
    let mut expected_sha = None;
    for round in 0..runs {
        for &cold in &modes {
            // Rotate the order every round so no variant always runs first or last.
            let order: Vec<Variant> = (0..VARIANTS.len())
                .map(|i| VARIANTS[(i + round) % VARIANTS.len()])
                .collect();
            for v in order {
                eprintln!(
                    "ingest: round {}/{runs}, {} cache, {v:?}",
                    round + 1,
                    if cold { "cold" } else { "warm" }
                );
                let sample = one(v, cold, &cli, &src, s, &ctl_dir, &mut expected_sha)?;
                match samples.iter_mut().find(|(k, _)| *k == (cold, v)) {
                    Some((_, list)) => list.push(sample),
                    None => samples.push(((cold, v), vec![sample])),
                }
            }
        }
    }
    print(
        &samples,
        &modes,
        size,
        runs,
        cold_possible,
        opts.flag("no-drop-caches"),
    );
    Ok(())
}

/// Pseudo-random bytes (xorshift), so nothing downstream can shortcut them.
pub(crate) fn write_source(path: &Path, mib: usize) -> Result<(), String> {
    let mut f = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(path).map_err(|e| e.to_string())?,
    );
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut buf = vec![0u8; 1 << 20];
    for _ in 0..mib {
        for chunk in buf.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes());
        }
        f.write_all(&buf).map_err(|e| e.to_string())?;
    }
    f.flush().map_err(|e| e.to_string())?;
    f.get_ref().sync_all().map_err(|e| e.to_string())?;
    Ok(())
}

pub(crate) fn warm(path: &Path) {
    if let Ok(mut f) = std::fs::File::open(path) {
        let mut buf = vec![0u8; 1 << 20];
        while matches!(f.read(&mut buf), Ok(n) if n > 0) {}
    }
}

fn fresh_workspace(dir: &Path, ctl_dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    let mut ws = Workspace::open(dir).map_err(|e| e.to_string())?;
    ws.import(&[ctl_dir.to_path_buf()], &ImportOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn one(
    v: Variant,
    cold: bool,
    cli: &Path,
    src: &Path,
    s: &Path,
    ctl_dir: &Path,
    expected_sha: &mut Option<String>,
) -> Result<Sample, String> {
    let data_dir = s.join("ws");
    let dest = s.join("cp-dest.bin");
    let vault = s.join("vault");
    let _ = std::fs::remove_file(&dest);
    let _ = std::fs::remove_dir_all(&vault);
    // Untimed preparation.
    match v {
        Variant::Cli => fresh_workspace(&data_dir, ctl_dir)?,
        Variant::CliDedup => {
            fresh_workspace(&data_dir, ctl_dir)?;
            evidence::store_blob(&data_dir.join("evidence"), src, &mut |_, _| {})
                .map_err(|e| e.to_string())?;
        }
        _ => {}
    }
    // Nothing dirty left from the last step; then the cache as the mode wants it.
    util::sync_all();
    if cold {
        if !util::drop_caches() {
            return Err("dropping the page cache stopped working".into());
        }
    } else {
        warm(src);
    }
    let src_s = src.display().to_string();
    let dest_s = dest.display().to_string();
    let q = |p: &str| format!("'{}'", p.replace('\'', "'\\''"));
    let sample = match v {
        Variant::Cli | Variant::CliDedup => {
            let dd = data_dir.display().to_string();
            let run = run_timed(
                cli,
                &[
                    "--data-dir",
                    &dd,
                    "evidence",
                    "add",
                    "BEN-INGEST",
                    &src_s,
                    "--title",
                    "bench",
                    "--json",
                ],
                &[],
            )?;
            Sample {
                secs: run.secs,
                rss_kib: run.max_rss_kib,
                heap: None,
            }
        }
        Variant::StoreBlob => {
            std::fs::create_dir_all(&vault).map_err(|e| e.to_string())?;
            let m = measure(|| evidence::store_blob(&vault, src, &mut |_, _| {}));
            let blob = m.out.map_err(|e| e.to_string())?;
            check_sha(expected_sha, &blob.sha256)?;
            Sample {
                secs: m.secs,
                rss_kib: m.peak_rss.map(|b| b / 1024),
                heap: Some(m.peak_heap_added),
            }
        }
        Variant::Openssl => {
            let run = run_timed(
                Path::new("/usr/bin/openssl"),
                &["dgst", "-sha256", &src_s],
                &[],
            )?;
            Sample {
                secs: run.secs,
                rss_kib: run.max_rss_kib,
                heap: None,
            }
        }
        Variant::Cp => {
            let run = run_timed(Path::new("/bin/cp"), &[&src_s, &dest_s], &[])?;
            Sample {
                secs: run.secs,
                rss_kib: run.max_rss_kib,
                heap: None,
            }
        }
        Variant::CpSync => {
            let run = sh(&format!(
                "cp {} {} && sync {}",
                q(&src_s),
                q(&dest_s),
                q(&dest_s)
            ))?;
            Sample {
                secs: run.secs,
                rss_kib: run.max_rss_kib,
                heap: None,
            }
        }
        Variant::Pair => {
            let run = sh(&format!(
                "openssl dgst -sha256 {} >/dev/null && cp {} {}",
                q(&src_s),
                q(&src_s),
                q(&dest_s)
            ))?;
            Sample {
                secs: run.secs,
                rss_kib: run.max_rss_kib,
                heap: None,
            }
        }
        Variant::PairSync => {
            let run = sh(&format!(
                "openssl dgst -sha256 {} >/dev/null && cp {} {} && sync {}",
                q(&src_s),
                q(&src_s),
                q(&dest_s),
                q(&dest_s)
            ))?;
            Sample {
                secs: run.secs,
                rss_kib: run.max_rss_kib,
                heap: None,
            }
        }
    };
    if matches!(v, Variant::Cli | Variant::CliDedup) {
        // The blob must be there, complete, under its hash.
        let vault = data_dir.join("evidence");
        let blobs: Vec<PathBuf> = walk_files(&vault)
            .into_iter()
            .filter(|p| !p.starts_with(vault.join("tmp")))
            .collect();
        if blobs.len() != 1 {
            return Err(format!(
                "expected one blob in the vault, found {}",
                blobs.len()
            ));
        }
        let name = blobs[0].file_name().unwrap().to_string_lossy().to_string();
        check_sha(expected_sha, &name)?;
        if std::fs::metadata(&blobs[0]).map(|m| m.len()).unwrap_or(0)
            != std::fs::metadata(src).map(|m| m.len()).unwrap_or(1)
        {
            return Err("the stored blob has the wrong size".into());
        }
        let leftovers = walk_files(&data_dir.join("evidence").join("tmp"));
        if !leftovers.is_empty() {
            return Err(format!("temporary files left in the vault: {leftovers:?}"));
        }
    }
    Ok(sample)
}

fn check_sha(expected: &mut Option<String>, got: &str) -> Result<(), String> {
    match expected {
        None => {
            *expected = Some(got.to_string());
            Ok(())
        }
        Some(e) if e == got => Ok(()),
        Some(e) => Err(format!("hash mismatch: {got} vs {e}")),
    }
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk_files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn print(
    samples: &[((bool, Variant), Vec<Sample>)],
    modes: &[bool],
    size: u64,
    runs: usize,
    cold_possible: bool,
    cold_skipped: bool,
) {
    let get = |cold: bool, v: Variant| {
        samples
            .iter()
            .find(|(k, _)| *k == (cold, v))
            .map(|(_, s)| s)
    };
    let secs = |cold: bool, v: Variant| {
        get(cold, v)
            .map(|s| s.iter().map(|x| x.secs).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    println!(
        "File: {} of pseudo-random bytes, on the same file system as the vault. {runs} rounds; in each round every variant runs once, in an order rotated every round. Before every measurement: earlier outputs deleted, `sync` (untimed), then the page cache either warmed by reading the source (**warm**) or dropped with `echo 3 > /proc/sys/vm/drop_caches` (**cold**{}). Times are wall clock of the whole process (the CLI's includes opening the workspace and writing the evidence row and audit event); peak RSS is GNU time's `Maximum resident set size`, and for the in-process call the kernel's high-water mark (VmHWM, reset before the call, so it includes the bench's own baseline). The floor `hash + copy` is the sum of the `openssl` and `cp` times of the same round.\n",
        fmt_mib(size as f64),
        if cold_possible && !cold_skipped { "" } else if cold_skipped { ": skipped with --no-drop-caches" } else { ": not allowed here, so cold rows are missing" }
    );
    println!("| cache | what | time, median (min–max) | throughput | peak RSS |");
    println!("|---|---|---:|---:|---:|");
    for &cold in modes {
        for &v in VARIANTS {
            let Some(list) = get(cold, v) else { continue };
            let st = Stats::of(&list.iter().map(|x| x.secs).collect::<Vec<_>>());
            let rss = list.iter().filter_map(|x| x.rss_kib).max();
            let heap = list.iter().filter_map(|x| x.heap).max();
            println!(
                "| {} | {} | {} | {:.0} MiB/s | {}{} |",
                if cold { "cold" } else { "warm" },
                v.label(),
                st.secs(),
                size as f64 / (1024.0 * 1024.0) / st.median,
                rss.map(|k| fmt_mib(k as f64 * 1024.0))
                    .unwrap_or_else(|| "–".into()),
                heap.map(|h| format!(" (heap added by the call: {})", fmt_mib(h as f64)))
                    .unwrap_or_default(),
            );
        }
    }
    println!();
    println!("Ratios, computed per round (each ingest against the floor measured in the same round), median (min–max); the target is ≤ 1.5×:\n");
    println!("| cache | ratio | median (min–max) |");
    println!("|---|---|---:|");
    for &cold in modes {
        let cli = secs(cold, Variant::Cli);
        let blob = secs(cold, Variant::StoreBlob);
        let dedup = secs(cold, Variant::CliDedup);
        let ossl = secs(cold, Variant::Openssl);
        let cp = secs(cold, Variant::Cp);
        let cps = secs(cold, Variant::CpSync);
        let pair = secs(cold, Variant::Pair);
        let pairs = secs(cold, Variant::PairSync);
        let ratio = |a: &[f64], b: &dyn Fn(usize) -> f64| -> String {
            let r: Vec<f64> = (0..a.len()).map(|i| a[i] / b(i)).collect();
            if r.is_empty() {
                return "–".into();
            }
            let st = Stats::of(&r);
            format!("{:.2}× ({:.2}–{:.2})", st.median, st.min, st.max)
        };
        let c = if cold { "cold" } else { "warm" };
        println!(
            "| {c} | CLI ingest ÷ (openssl + cp) | {} |",
            ratio(&cli, &|i| ossl[i] + cp[i])
        );
        println!(
            "| {c} | CLI ingest ÷ (openssl + cp + fsync) | {} |",
            ratio(&cli, &|i| ossl[i] + cps[i])
        );
        println!(
            "| {c} | CLI ingest ÷ pair `openssl && cp` | {} |",
            ratio(&cli, &|i| pair[i])
        );
        println!(
            "| {c} | CLI ingest ÷ pair `openssl && cp && sync` | {} |",
            ratio(&cli, &|i| pairs[i])
        );
        println!(
            "| {c} | store_blob ÷ (openssl + cp + fsync) | {} |",
            ratio(&blob, &|i| ossl[i] + cps[i])
        );
        println!(
            "| {c} | CLI, bytes already stored ÷ (openssl + cp + fsync) | {} |",
            ratio(&dedup, &|i| ossl[i] + cps[i])
        );
    }
}
