//! Shared helpers: options, statistics, peak memory, external commands.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// `--key value` and `--flag` options, untyped; each benchmark reads its own.
pub struct Opts {
    values: HashMap<String, String>,
}

impl Opts {
    pub fn parse(args: &[String]) -> Result<Opts, String> {
        let mut values = HashMap::new();
        let mut it = args.iter().peekable();
        while let Some(a) = it.next() {
            let Some(key) = a.strip_prefix("--") else {
                return Err(format!(
                    "unexpected argument `{a}`; options are --key value"
                ));
            };
            let value = match it.peek() {
                Some(v) if !v.starts_with("--") => it.next().unwrap().clone(),
                _ => "true".to_string(),
            };
            values.insert(key.to_string(), value);
        }
        Ok(Opts { values })
    }
    pub fn flag(&self, key: &str) -> bool {
        self.values.get(key).is_some_and(|v| v == "true")
    }
    pub fn usize(&self, key: &str, default: usize) -> Result<usize, String> {
        match self.values.get(key) {
            None => Ok(default),
            Some(v) => v
                .replace('_', "")
                .parse()
                .map_err(|_| format!("--{key} wants a number, got `{v}`")),
        }
    }
    pub fn list(&self, key: &str, default: &[usize]) -> Result<Vec<usize>, String> {
        match self.values.get(key) {
            None => Ok(default.to_vec()),
            Some(v) => v
                .split(',')
                .map(|x| {
                    x.trim()
                        .replace('_', "")
                        .parse()
                        .map_err(|_| format!("--{key} wants numbers like 500,5000, got `{v}`"))
                })
                .collect(),
        }
    }
    pub fn path(&self, key: &str) -> Option<PathBuf> {
        self.values.get(key).map(PathBuf::from)
    }
    /// Where scratch data goes.
    pub fn scratch(&self, what: &str) -> Result<tempfile::TempDir, String> {
        let base = self.path("dir").unwrap_or_else(std::env::temp_dir);
        std::fs::create_dir_all(&base)
            .map_err(|e| format!("cannot create {}: {e}", base.display()))?;
        tempfile::Builder::new()
            .prefix(&format!("crosswalk-bench-{what}-"))
            .tempdir_in(&base)
            .map_err(|e| format!("cannot create a scratch dir in {}: {e}", base.display()))
    }
    /// The release `crosswalk` binary: --cli, else next to this binary. Under
    /// `cargo run` it is (re)built first, so it is never older than the core
    /// this bench was built with (a no-op when it is up to date).
    pub fn cli(&self) -> Result<PathBuf, String> {
        let p = match self.path("cli") {
            Some(p) => p,
            None => {
                if let Ok(cargo) = std::env::var("CARGO") {
                    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
                    let profile = if cfg!(debug_assertions) {
                        "dev"
                    } else {
                        "release"
                    };
                    eprintln!("building the crosswalk CLI ({profile}) for the benchmark");
                    let ok = Command::new(cargo)
                        .args([
                            "build",
                            "--quiet",
                            "--profile",
                            profile,
                            "-p",
                            "crosswalk-cli",
                            "--manifest-path",
                        ])
                        .arg(&manifest)
                        .status()
                        .map(|s| s.success())
                        .unwrap_or(false);
                    if !ok {
                        return Err("`cargo build -p crosswalk-cli` failed".into());
                    }
                }
                std::env::current_exe()
                    .map_err(|e| e.to_string())?
                    .with_file_name("crosswalk")
            }
        };
        if p.is_file() {
            Ok(p)
        } else {
            Err(format!("the crosswalk binary is not at {}; build it with `cargo build --release -p crosswalk-cli` or pass --cli PATH", p.display()))
        }
    }
}

/// Median, min and max of repeated measurements.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Stats {
    pub fn of(samples: &[f64]) -> Stats {
        assert!(!samples.is_empty());
        let mut s = samples.to_vec();
        s.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let n = s.len();
        let median = if n % 2 == 1 {
            s[n / 2]
        } else {
            (s[n / 2 - 1] + s[n / 2]) / 2.0
        };
        Stats {
            median,
            min: s[0],
            max: s[n - 1],
        }
    }
    /// "1.23 s (1.20–1.31)" for seconds: min and max in the median's unit.
    pub fn secs(&self) -> String {
        let (scale, unit, digits) = if self.median < 0.001 {
            (1e6, "µs", 1)
        } else if self.median < 1.0 {
            (1e3, "ms", 1)
        } else {
            (1.0, "s", 2)
        };
        let f = |v: f64| format!("{:.*}", digits, v * scale);
        format!(
            "{} {unit} ({}–{})",
            f(self.median),
            f(self.min),
            f(self.max)
        )
    }
}

pub fn fmt_secs(s: f64) -> String {
    if s < 0.001 {
        format!("{:.1} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

pub fn fmt_count(n: f64) -> String {
    let n = n.round() as u64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn fmt_mib(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / (1024.0 * 1024.0))
}

pub fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64())
}

/// One step timed, with its memory: the kernel's RSS high-water mark (reset
/// before via `/proc/self/clear_refs` = 5, so it counts what the process
/// already held) and the peak heap the step itself added (exact, from the
/// counting allocator).
pub struct Measured<T> {
    pub out: T,
    pub secs: f64,
    pub peak_rss: Option<u64>,
    pub peak_heap_added: u64,
}

pub fn measure<T>(f: impl FnOnce() -> T) -> Measured<T> {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let heap_before = heap::start();
    let (out, secs) = time(f);
    let peak_rss = proc_status_kib("VmHWM").map(|k| k * 1024);
    Measured {
        out,
        secs,
        peak_rss,
        peak_heap_added: (heap::peak() - heap_before) as u64,
    }
}

fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes out dirty pages, then asks the kernel to drop the page cache.
/// Returns whether dropping worked (needs root, and a kernel that allows it).
pub fn drop_caches() -> bool {
    sync_all();
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

pub fn sync_all() {
    let _ = Command::new("sync").status();
}

/// One external command run under `/usr/bin/time -v`: wall time measured here,
/// peak RSS (KiB) from GNU time.
pub struct Run {
    pub secs: f64,
    pub max_rss_kib: Option<u64>,
}

pub fn run_timed(program: &Path, args: &[&str], envs: &[(&str, &str)]) -> Result<Run, String> {
    let gnu_time = Path::new("/usr/bin/time");
    let mut cmd = if gnu_time.is_file() {
        let mut c = Command::new(gnu_time);
        c.arg("-v").arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "{} {} failed: {}\n{}",
            program.display(),
            args.join(" "),
            out.status,
            stderr
        ));
    }
    let max_rss_kib = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok());
    Ok(Run { secs, max_rss_kib })
}

pub fn sh(script: &str) -> Result<Run, String> {
    run_timed(Path::new("/bin/sh"), &["-c", script], &[])
}

pub fn capture(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| "(unavailable)".into())
}

/// The machine the numbers were taken on, as a markdown list.
pub fn machine_markdown() -> String {
    let lscpu = capture("lscpu", &[]);
    let field = |name: &str| {
        lscpu
            .lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
            .unwrap_or_default()
    };
    let flags = field("Flags:");
    let has = |f: &str| flags.split_whitespace().any(|x| x == f);
    let mem = capture("free", &["-h"])
        .lines()
        .nth(1)
        .map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string())
        .unwrap_or_default();
    let disk = capture(
        "df",
        &[
            "-h",
            "--output=source,fstype,size,avail",
            &std::env::temp_dir().display().to_string(),
        ],
    );
    let disk = disk
        .lines()
        .nth(1)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let rot = capture("lsblk", &["-dno", "NAME,ROTA"]);
    let rot: Vec<String> = rot
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let (name, rota) = (it.next()?, it.next()?);
            disk.starts_with(&format!("/dev/{name}")).then(|| format!("{name}: virtual block device, kernel says rotational={rota}; the real medium is not visible from inside the VM"))
        })
        .collect();
    format!(
        "- date: {}\n- CPU: {} × {} ({}, hypervisor: {}); SHA extensions (sha_ni): {}, AVX2: {}\n- memory: {}\n- disk (temp dir): {} [{}]\n- OS: {}\n- {}\n- build profile: release (`cargo build --release`, workspace defaults: opt-level 3, no LTO)",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        field("CPU(s):"),
        field("Model name:"),
        field("Architecture:"),
        field("Hypervisor vendor:"),
        if has("sha_ni") { "yes" } else { "no" },
        if has("avx2") { "yes" } else { "no" },
        mem,
        disk,
        rot.join("; "),
        capture("uname", &["-sr"]),
        capture("rustc", &["--version"]),
    )
}

pub fn dir_size(path: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(path) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                total += dir_size(&p);
            } else if let Ok(m) = e.metadata() {
                total += m.len();
            }
        }
    }
    total
}

/// The 1/5/15-minute load averages: how busy the shared machine was.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Counts heap bytes so a step's peak heap can be measured exactly (RSS
/// high-water marks include whatever the process held before). Costs one
/// atomic add per allocation, the same for every measured step and baseline.
pub mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    pub struct Counting;
    static CURRENT: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    fn grew(by: usize) {
        let now = CURRENT.fetch_add(by, Relaxed) + by;
        if now > PEAK.load(Relaxed) {
            PEAK.store(now, Relaxed);
        }
    }

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            let p = unsafe { System.alloc_zeroed(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) };
            CURRENT.fetch_sub(layout.size(), Relaxed);
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                if new_size >= layout.size() {
                    grew(new_size - layout.size());
                } else {
                    CURRENT.fetch_sub(layout.size() - new_size, Relaxed);
                }
            }
            p
        }
    }

    /// Starts a measurement: returns the heap in use now.
    pub fn start() -> usize {
        let now = CURRENT.load(Relaxed);
        PEAK.store(now, Relaxed);
        now
    }
    /// Highest heap in use since `start`.
    pub fn peak() -> usize {
        PEAK.load(Relaxed)
    }
}
