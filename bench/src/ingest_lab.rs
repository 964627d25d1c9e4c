//! `ingest-lab`: where the time of a large ingest goes, and what would make it
//! faster. Each way of hashing-and-copying a file is implemented here (bench
//! code, not core) and measured side by side against `evidence::store_blob`,
//! in rotating order, with the source in the page cache.
use crate::util::{self, fmt_mib, Opts, Stats};
use crosswalk_core::evidence;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

const CHUNK: usize = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Way {
    Read,
    ReadHash,
    ReadWrite,
    ReadWriteFsync,
    StoreBlob,
    Serial,
    Writeback,
    Threaded,
    ThreadedWriteback,
}

const WAYS: &[Way] = &[
    Way::Read,
    Way::ReadHash,
    Way::ReadWrite,
    Way::ReadWriteFsync,
    Way::StoreBlob,
    Way::Serial,
    Way::Writeback,
    Way::Threaded,
    Way::ThreadedWriteback,
];

impl Way {
    fn label(self) -> &'static str {
        match self {
            Way::Read => "read only (1 MiB buffer)",
            Way::ReadHash => "read + SHA-256 (sha2 0.10, SHA-NI)",
            Way::ReadWrite => "read + write to a temp file (no hash, no fsync)",
            Way::ReadWriteFsync => "read + write + fsync (no hash)",
            Way::StoreBlob => "**`evidence::store_blob` (core, as is)**",
            Way::Serial => "same loop re-implemented here: read, hash, write, fsync",
            Way::Writeback => "serial + `sync_file_range(WRITE)` every 8 MiB, then fsync",
            Way::Threaded => "hash on a second thread (4 × 1 MiB buffers in flight), fsync",
            Way::ThreadedWriteback => {
                "hash on a second thread + `sync_file_range` every 8 MiB, fsync"
            }
        }
    }
}

pub fn run(opts: &Opts) -> Result<(), String> {
    let mib = opts.usize("mib", 1024)?;
    let runs = opts.usize("runs", 3)?.max(1);
    let scratch = opts.scratch("ingest-lab")?;
    let src = scratch.path().join("source.bin");
    crate::ingest::write_source(&src, mib)?;
    let size = std::fs::metadata(&src).map_err(|e| e.to_string())?.len();
    let out = scratch.path().join("out.tmp");
    let vault = scratch.path().join("vault");
    let mut samples: Vec<(Way, Vec<f64>)> = WAYS.iter().map(|w| (*w, Vec::new())).collect();
    let mut expected: Option<String> = None;
    for round in 0..runs {
        for i in 0..WAYS.len() {
            let way = WAYS[(i + round) % WAYS.len()];
            eprintln!("ingest-lab: round {}/{runs}, {way:?}", round + 1);
            let _ = std::fs::remove_file(&out);
            let _ = std::fs::remove_dir_all(&vault);
            std::fs::create_dir_all(&vault).map_err(|e| e.to_string())?;
            util::sync_all();
            crate::ingest::warm(&src);
            let start = Instant::now();
            let sha = match way {
                Way::Read => {
                    read_loop(&src, |_| Ok(()))?;
                    None
                }
                Way::ReadHash => {
                    let mut h = Sha256::new();
                    read_loop(&src, |b| {
                        h.update(b);
                        Ok(())
                    })?;
                    Some(hex(h))
                }
                Way::ReadWrite | Way::ReadWriteFsync => {
                    let mut f = File::create(&out).map_err(|e| e.to_string())?;
                    read_loop(&src, |b| f.write_all(b))?;
                    if way == Way::ReadWriteFsync {
                        f.sync_all().map_err(|e| e.to_string())?;
                    }
                    None
                }
                Way::StoreBlob => Some(
                    evidence::store_blob(&vault, &src, &mut |_, _| {})
                        .map_err(|e| e.to_string())?
                        .sha256,
                ),
                Way::Serial | Way::Writeback => Some(serial(&src, &out, way == Way::Writeback)?),
                Way::Threaded | Way::ThreadedWriteback => {
                    Some(threaded(&src, &out, way == Way::ThreadedWriteback)?)
                }
            };
            let secs = start.elapsed().as_secs_f64();
            if let Some(sha) = sha {
                match &expected {
                    None => expected = Some(sha),
                    Some(e) if *e == sha => {}
                    Some(e) => return Err(format!("{way:?} hashed {sha}, expected {e}")),
                }
            }
            samples
                .iter_mut()
                .find(|(w, _)| *w == way)
                .unwrap()
                .1
                .push(secs);
        }
    }
    let blob = Stats::of(
        &samples
            .iter()
            .find(|(w, _)| *w == Way::StoreBlob)
            .unwrap()
            .1,
    )
    .median;
    println!(
        "{} source in the page cache (read once before each measurement), outputs on the same ext4 file system, `sync` before each; {runs} rounds, order rotated each round; median (min–max). Every way that hashes checks it got the same SHA-256.\n",
        fmt_mib(size as f64)
    );
    println!("| way | time | throughput | vs store_blob |");
    println!("|---|---:|---:|---:|");
    for (w, v) in &samples {
        let st = Stats::of(v);
        println!(
            "| {} | {} | {:.0} MiB/s | {:.2}× |",
            w.label(),
            st.secs(),
            size as f64 / 1048576.0 / st.median,
            st.median / blob
        );
    }
    Ok(())
}

fn hex(h: Sha256) -> String {
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn read_loop(src: &Path, mut f: impl FnMut(&[u8]) -> std::io::Result<()>) -> Result<(), String> {
    let mut input = File::open(src).map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = input.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Ok(());
        }
        f(&buf[..n]).map_err(|e| e.to_string())?;
    }
}

/// Asks the kernel to start writing back what was written so far, without
/// waiting: the disk works while we keep hashing, and the final fsync has
/// little left to do.
fn start_writeback(f: &File, offset: u64, len: u64) {
    unsafe {
        libc::sync_file_range(
            f.as_raw_fd(),
            offset as i64,
            len as i64,
            libc::SYNC_FILE_RANGE_WRITE,
        );
    }
}

const WRITEBACK_EVERY: u64 = 8 << 20;

fn serial(src: &Path, out: &Path, writeback: bool) -> Result<String, String> {
    let mut f = File::create(out).map_err(|e| e.to_string())?;
    let mut h = Sha256::new();
    let (mut done, mut flushed) = (0u64, 0u64);
    read_loop(src, |b| {
        h.update(b);
        f.write_all(b)?;
        done += b.len() as u64;
        if writeback && done - flushed >= WRITEBACK_EVERY {
            start_writeback(&f, flushed, done - flushed);
            flushed = done;
        }
        Ok(())
    })?;
    f.sync_all().map_err(|e| e.to_string())?;
    Ok(hex(h))
}

fn threaded(src: &Path, out: &Path, writeback: bool) -> Result<String, String> {
    let mut f = File::create(out).map_err(|e| e.to_string())?;
    let mut input = File::open(src).map_err(|e| e.to_string())?;
    // Buffers go main → hasher (filled) and back (empty): at most 4 in flight.
    let (to_hasher, filled) = mpsc::sync_channel::<(Vec<u8>, usize)>(4);
    let (to_reader, empty) = mpsc::sync_channel::<Vec<u8>>(4);
    for _ in 0..4 {
        to_reader.send(vec![0u8; CHUNK]).unwrap();
    }
    let hasher = std::thread::spawn(move || {
        let mut h = Sha256::new();
        while let Ok((buf, n)) = filled.recv() {
            h.update(&buf[..n]);
            if to_reader.send(buf).is_err() {
                break;
            }
        }
        hex(h)
    });
    let (mut done, mut flushed) = (0u64, 0u64);
    loop {
        let mut buf = empty.recv().map_err(|e| e.to_string())?;
        let n = input.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        f.write_all(&buf[..n]).map_err(|e| e.to_string())?;
        done += n as u64;
        if writeback && done - flushed >= WRITEBACK_EVERY {
            start_writeback(&f, flushed, done - flushed);
            flushed = done;
        }
        to_hasher.send((buf, n)).map_err(|e| e.to_string())?;
    }
    drop(to_hasher);
    let sha = hasher
        .join()
        .map_err(|_| "hasher thread panicked".to_string())?;
    f.sync_all().map_err(|e| e.to_string())?;
    Ok(sha)
}
