//! Evidence ingest of a large file (default 1 GiB) into an encrypted and a
//! plaintext workspace, side by side with the floor `openssl dgst -sha256` +
//! `cp` (with and without the fsync that ingest does), in the same rounds and
//! rotating order, warm page cache. The encrypted CLI run includes unlocking
//! (Argon2id at the workspace's tuned parameters); the in-process rows show
//! the store alone, with peak heap and RSS (memory must stay flat).
use crate::ingest::{warm, write_source};
use crate::util::{self, fmt_mib, measure, run_timed, sh, Opts, Stats};
use crosswalk_core::import::ImportOptions;
use crosswalk_core::Workspace;
use std::path::Path;

const PASS: &str = "benchmark passphrase, long enough";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum V {
    Pair,
    PairSync,
    CliPlain,
    CliEncrypted,
    PutPlain,
    PutEncrypted,
}
const ALL: &[V] = &[
    V::Pair,
    V::PairSync,
    V::CliPlain,
    V::CliEncrypted,
    V::PutPlain,
    V::PutEncrypted,
];

impl V {
    fn label(self) -> &'static str {
        match self {
            V::Pair => "`openssl dgst -sha256` && `cp` (floor, no fsync)",
            V::PairSync => "`openssl dgst -sha256` && `cp` && `sync` (floor with fsync)",
            V::CliPlain => "`crosswalk evidence add`, plaintext workspace",
            V::CliEncrypted => "**`crosswalk evidence add`, encrypted workspace** (incl. unlock)",
            V::PutPlain => "plain store `put_file`, in-process",
            V::PutEncrypted => "encrypted store `put_file`, in-process",
        }
    }
}

struct Sample {
    secs: f64,
    rss_kib: Option<u64>,
    heap: Option<u64>,
}

fn workspace(dir: &Path, ctl: &Path, encrypted: bool) -> Result<Workspace, String> {
    let _ = std::fs::remove_dir_all(dir);
    let mut ws = if encrypted {
        Workspace::create_encrypted(dir, PASS)
            .map_err(|e| e.to_string())?
            .0
    } else {
        Workspace::open(dir).map_err(|e| e.to_string())?
    };
    ws.import(&[ctl.to_path_buf()], &ImportOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(ws)
}

pub fn run(opts: &Opts) -> Result<(), String> {
    let mib = opts.usize("mib", 1024)?;
    let runs = opts.usize("runs", 3)?.max(1);
    let cli = opts.cli()?;
    let scratch = opts.scratch("vault-ingest")?;
    let s = scratch.path();
    let src = s.join("evidence.bin");
    eprintln!("writing a {mib} MiB source file to {}", src.display());
    write_source(&src, mib)?;
    let size = std::fs::metadata(&src).map_err(|e| e.to_string())?.len();
    let ctl = s.join("controls");
    std::fs::create_dir_all(&ctl).map_err(|e| e.to_string())?;
    std::fs::write(
        ctl.join("c.yaml"),
        "controls:\n  - id: BEN-VAULT\n    title: Bench control\n    status: implemented\n    maps:\n      soc2: [\"CC6.1\"]\n",
    )
    .map_err(|e| e.to_string())?;
    // The unlock cost on its own, at the parameters a new workspace gets here.
    let (kdf_ms, kdf_mib) = {
        let d = s.join("kdf");
        let ws = workspace(&d, &ctl, true)?;
        let st = ws.vault_status().map_err(|e| e.to_string())?;
        let k = st.kdf.expect("encrypted");
        (k.measured_ms, k.memory_kib / 1024)
    };
    let mut samples: Vec<(V, Vec<Sample>)> = Vec::new();
    for round in 0..runs {
        for i in 0..ALL.len() {
            let v = ALL[(i + round) % ALL.len()];
            eprintln!("vault-ingest: round {}/{runs}, {v:?}", round + 1);
            let sample = one(v, &cli, &src, s, &ctl)?;
            match samples.iter_mut().find(|(k, _)| *k == v) {
                Some((_, l)) => l.push(sample),
                None => samples.push((v, vec![sample])),
            }
        }
    }
    print_table(&samples, size, runs);
    println!(
        "\nUnlock (Argon2id, tuned at creation to about half a second): {kdf_ms} ms, {kdf_mib} MiB, included in the encrypted CLI row."
    );
    primitives();
    Ok(())
}

/// The stored file must read back as the source: `verify` on the workspace
/// (decrypting it when encrypted) after every ingest.
fn read_back(v: V, data: &Path) -> Result<(), String> {
    if matches!(
        v,
        V::CliPlain | V::CliEncrypted | V::PutPlain | V::PutEncrypted
    ) {
        let ws = if v == V::CliEncrypted || v == V::PutEncrypted {
            Workspace::open_with(
                data,
                &crosswalk_core::vault::Secret::Passphrase(zeroize::Zeroizing::new(PASS.into())),
            )
        } else {
            Workspace::open(data)
        }
        .map_err(|e| e.to_string())?;
        let r = ws.verify(&mut |_| {}).map_err(|e| e.to_string())?;
        if matches!(v, V::CliPlain | V::CliEncrypted) && (!r.ok || r.files_checked != 1) {
            return Err(format!("after {v:?}: verify says {:?}", r.faults));
        }
    }
    Ok(())
}

/// The markdown table: median and range per way, against both floors.
fn print_table(samples: &[(V, Vec<Sample>)], size: u64, runs: usize) {
    let med = |v: V| {
        Stats::of(
            &samples
                .iter()
                .find(|(k, _)| *k == v)
                .unwrap()
                .1
                .iter()
                .map(|x| x.secs)
                .collect::<Vec<_>>(),
        )
        .median
    };
    let floor = med(V::Pair);
    let floor_sync = med(V::PairSync);
    println!(
        "Ingest of one {} file, warm page cache, {runs} runs each (median, min–max):\n",
        fmt_mib(size as f64)
    );
    println!(
        "| way | time | throughput | ÷ floor | ÷ floor with fsync | peak RSS | peak heap added |"
    );
    println!("|---|---|---|---|---|---|---|");
    for &v in ALL {
        let list = &samples.iter().find(|(k, _)| *k == v).unwrap().1;
        let st = Stats::of(&list.iter().map(|x| x.secs).collect::<Vec<_>>());
        let rss = list
            .iter()
            .filter_map(|x| x.rss_kib)
            .max()
            .map(|k| fmt_mib(k as f64 * 1024.0))
            .unwrap_or_else(|| "–".into());
        let heap = list
            .iter()
            .filter_map(|x| x.heap)
            .max()
            .map(|b| fmt_mib(b as f64))
            .unwrap_or_else(|| "–".into());
        println!(
            "| {} | {} | {:.0} MiB/s | {:.2}× | {:.2}× | {rss} | {heap} |",
            v.label(),
            st.secs(),
            size as f64 / (1024.0 * 1024.0) / st.median,
            st.median / floor,
            st.median / floor_sync,
        );
    }
}

/// The two primitives alone, one core, 256 MiB from one chunk-sized buffer:
/// the ones core uses (`ring`: SHA-256 with SHA-NI, AES-256-GCM with
/// AES-NI/VAES) next to the portable RustCrypto crates the vault used before,
/// and the CPU features present. Shows the work is not done in portable
/// software, and what two cores can at best give.
fn primitives() {
    use aes_gcm::aead::{AeadInPlace, KeyInit};
    use crosswalk_core::vault::aead::Stream;
    use sha2::Digest;
    let flags = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("flags"))
                .map(|l| l.to_string())
        })
        .unwrap_or_default();
    let has = |f: &str| flags.split_whitespace().any(|x| x == f);
    let listed: Vec<&str> = ["aes", "pclmulqdq", "sha_ni", "vaes", "vpclmulqdq", "avx2"]
        .into_iter()
        .filter(|f| has(f))
        .collect();
    const N: usize = 256;
    let buf = vec![0x5au8; 1 << 20];
    let rate = |f: &mut dyn FnMut()| {
        let t = std::time::Instant::now();
        for _ in 0..N {
            f();
        }
        N as f64 / t.elapsed().as_secs_f64()
    };
    let mut ours = crosswalk_core::hash::Sha256Stream::new();
    let sha = rate(&mut || ours.update(&buf));
    let mut theirs = sha2::Sha256::new();
    let sha_rc = rate(&mut || theirs.update(&buf));
    std::hint::black_box((ours.finish_hex(), theirs.finalize()));
    let mut stream = Stream::new(&[7u8; 32], &[1u8; 7]);
    let mut chunk = Vec::with_capacity(buf.len() + 16);
    let gcm = rate(&mut || {
        chunk.clear();
        chunk.extend_from_slice(&buf);
        stream.seal_next(b"", &mut chunk, false).expect("seals");
    });
    let c = aes_gcm::Aes256Gcm::new(&[7u8; 32].into());
    let mut i = 0u64;
    let gcm_rc = rate(&mut || {
        let mut nonce = [0u8; 12];
        nonce[..8].copy_from_slice(&i.to_be_bytes());
        i += 1;
        chunk.clear();
        chunk.extend_from_slice(&buf);
        let tag = c
            .encrypt_in_place_detached(&nonce.into(), b"", &mut chunk)
            .expect("encrypts");
        std::hint::black_box(tag);
    });
    println!(
        "\nPrimitives on one core (256 MiB in 1 MiB calls): SHA-256 {sha:.0} MiB/s (RustCrypto sha2: {sha_rc:.0}), AES-256-GCM {gcm:.0} MiB/s (RustCrypto aes-gcm: {gcm_rc:.0}); CPU flags present: {}.",
        listed.join(", ")
    );
}

fn one(v: V, cli: &Path, src: &Path, s: &Path, ctl: &Path) -> Result<Sample, String> {
    let dest = s.join("cp-dest.bin");
    let _ = std::fs::remove_file(&dest);
    let data = s.join("ws");
    let ws = match v {
        V::CliPlain | V::PutPlain => Some(workspace(&data, ctl, false)?),
        V::CliEncrypted | V::PutEncrypted => Some(workspace(&data, ctl, true)?),
        _ => None,
    };
    util::sync_all();
    warm(src);
    let q = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', "'\\''"));
    let sample = match v {
        V::Pair | V::PairSync => {
            let mut script = format!(
                "openssl dgst -sha256 {} >/dev/null && cp {} {}",
                q(src),
                q(src),
                q(&dest)
            );
            if v == V::PairSync {
                script.push_str(&format!(" && sync {}", q(&dest)));
            }
            let r = sh(&script)?;
            Sample {
                secs: r.secs,
                rss_kib: r.max_rss_kib,
                heap: None,
            }
        }
        V::CliPlain | V::CliEncrypted => {
            drop(ws);
            let dd = data.display().to_string();
            let ss = src.display().to_string();
            let r = run_timed(
                cli,
                &[
                    "--data-dir",
                    &dd,
                    "evidence",
                    "add",
                    "BEN-VAULT",
                    &ss,
                    "--title",
                    "bench",
                    "--json",
                ],
                &[("CROSSWALK_PASSPHRASE", PASS)],
            )?;
            Sample {
                secs: r.secs,
                rss_kib: r.max_rss_kib,
                heap: None,
            }
        }
        V::PutPlain | V::PutEncrypted => {
            let ws = ws.expect("made above");
            let m = measure(|| ws.vault().put_file(src, &mut |_, _| {}));
            m.out.map_err(|e| e.to_string())?;
            Sample {
                secs: m.secs,
                rss_kib: m.peak_rss.map(|b| b / 1024),
                heap: Some(m.peak_heap_added),
            }
        }
    };
    read_back(v, &data)?;
    Ok(sample)
}
