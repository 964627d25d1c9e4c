//! Shared helpers of the CLI scenario tests: each test runs the real
//! `crosswalk` binary on a fresh data directory of its own.
#![allow(dead_code)] // each test binary uses a different part of this module

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_crosswalk");

/// The repository's `tests/fixtures` folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .canonicalize()
        .expect("tests/fixtures exists")
}

/// A fixture under `tests/fixtures/import/`.
pub fn import_fixture(rel: &str) -> PathBuf {
    let p = fixtures().join("import").join(rel);
    assert!(p.exists(), "missing fixture {}", p.display());
    p
}

/// `shared/reference/` beside the repository (present on developer machines and CI).
pub fn reference_dir() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference");
    assert!(
        p.is_dir(),
        "the reference requirement lists are missing: expected {} (shared/reference beside the repository, as on CI)",
        p.display()
    );
    p.canonicalize().unwrap()
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// A workspace in a fresh temporary folder. `data` does not exist until the first command.
pub struct Ws {
    pub tmp: tempfile::TempDir,
    pub data: PathBuf,
    /// Extra environment of every command (e.g. a pinned `SOURCE_DATE_EPOCH`).
    pub env: Vec<(String, String)>,
}

/// A command of the binary with an environment that cannot reach the real
/// home folder: the default data dir points into the test's own temp folder.
pub fn bare_command(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("CROSSWALK_DATA_DIR")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("HOME", home.join("home"))
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .env("CROSSWALK_ACTOR", "tester")
        .env("NO_COLOR", "1");
    cmd
}

impl Ws {
    pub fn new() -> Ws {
        let tmp = tempfile::tempdir().expect("temp dir");
        let data = tmp.path().join("data");
        Ws {
            tmp,
            data,
            env: Vec::new(),
        }
    }

    /// A workspace whose "today" is [`PINNED_TODAY`] for every command, so
    /// date arithmetic in a test cannot race midnight.
    pub fn pinned() -> Ws {
        let mut ws = Ws::new();
        ws.env
            .push(("SOURCE_DATE_EPOCH".into(), PINNED_EPOCH.into()));
        ws
    }

    /// A [`Ws::pinned`] workspace holding the demo data (and its key).
    pub fn demo() -> Ws {
        let ws = Ws::pinned();
        ws.ok(&["demo"]);
        ws
    }

    /// A scratch path inside the test's temp folder (outside the data dir).
    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = bare_command(self.tmp.path());
        cmd.arg("--data-dir").arg(&self.data).args(args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(
            self.command(args)
                .output()
                .expect("the crosswalk binary runs"),
        )
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().expect("the crosswalk binary runs"))
    }

    /// Runs and insists on success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert!(
            r.ok(),
            "`crosswalk {}` failed with {:?}\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            r.code,
            r.stdout,
            r.stderr
        );
        r.stdout
    }

    /// Runs with `--json` appended and insists on success.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        let r = self.run(&a);
        assert!(
            r.ok(),
            "`crosswalk {}` failed with {:?}\nstderr:\n{}",
            a.join(" "),
            r.code,
            r.stderr
        );
        r.json()
    }

    /// Runs and insists on the error contract: non-zero exit, stderr starting
    /// with `error:`, nothing on stdout.
    pub fn fails(&self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_error_contract(&r, &args.join(" "));
        r
    }

    pub fn import(&self, paths: &[&Path]) -> Value {
        let mut args: Vec<String> = vec!["import".into()];
        args.extend(paths.iter().map(|p| p.display().to_string()));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        self.json(&a)
    }

    pub fn controls(&self) -> Value {
        self.json(&["controls"])
    }
    pub fn evidence_list(&self) -> Value {
        self.json(&["evidence", "list"])
    }
    /// The whole audit trail (the default `log` shows only 50 events).
    pub fn log(&self) -> Vec<Value> {
        self.json(&["log", "--limit", "1000000"])
            .as_array()
            .expect("log is a list")
            .clone()
    }
    pub fn verify(&self) -> (Run, Value) {
        let r = self.run(&["verify", "--json"]);
        let v = r.json();
        (r, v)
    }
    /// `verify` must pass.
    pub fn assert_verifies(&self, when: &str) {
        let (r, v) = self.verify();
        assert!(
            r.ok() && v["ok"] == true,
            "verify failed {when} (exit {:?}):\n{}\n{}",
            r.code,
            serde_json::to_string_pretty(&v["faults"]).unwrap(),
            r.stderr
        );
    }

    /// Everything a user can see of the workspace, plus the vault's files.
    pub fn snapshot(&self) -> Snapshot {
        let files = file_digests(&self.data);
        Snapshot {
            controls: self.controls(),
            evidence: self.evidence_list(),
            log: Value::Array(self.log()),
            files,
        }
    }

    pub fn evidence_add(&self, args: &[&str]) -> Value {
        let mut a = vec!["evidence", "add"];
        a.extend_from_slice(args);
        self.json(&a)
    }
}

pub fn assert_error_contract(r: &Run, what: &str) {
    assert!(
        !r.ok(),
        "`crosswalk {what}` should have failed but exited {:?}\nstdout:\n{}",
        r.code,
        r.stdout
    );
    assert!(
        r.code.is_some(),
        "`crosswalk {what}` was killed by a signal (a crash?)\nstderr:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.starts_with("error:"),
        "stderr of `crosswalk {what}` should start with `error:`:\n{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("panicked"),
        "`crosswalk {what}` panicked:\n{}",
        r.stderr
    );
    assert!(
        r.stdout.trim().is_empty(),
        "`crosswalk {what}` failed but printed on stdout:\n{}",
        r.stdout
    );
}

#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub controls: Value,
    pub evidence: Value,
    pub log: Value,
    /// Every file of the data dir (database, vault, temp files) → SHA-256.
    pub files: BTreeMap<String, String>,
}

pub fn assert_unchanged(before: &Snapshot, after: &Snapshot, what: &str) {
    assert_eq!(
        before.controls, after.controls,
        "{what}: `controls --json` changed"
    );
    assert_eq!(
        before.evidence, after.evidence,
        "{what}: `evidence list --json` changed"
    );
    assert_eq!(before.log, after.log, "{what}: `log --json` changed");
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&before.files),
        names(&after.files),
        "{what}: files were added to or removed from the data dir"
    );
    for (name, sha) in &before.files {
        assert_eq!(
            Some(sha),
            after.files.get(name),
            "{what}: {name} in the data dir changed"
        );
    }
}

/// Every file under `dir` (relative path → SHA-256).
pub fn file_digests(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().display().to_string(),
                    sha256_file(&p),
                );
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Stored blobs: the files at `<data>/evidence/??/<name>` (shard folders of two characters).
pub fn blobs(data: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(shards) = std::fs::read_dir(data.join("evidence")) else {
        return out;
    };
    for shard in shards.flatten() {
        let name = shard.file_name().to_string_lossy().into_owned();
        if name.len() == 2 && shard.path().is_dir() {
            for f in std::fs::read_dir(shard.path()).unwrap().flatten() {
                out.push(f.path());
            }
        }
    }
    out.sort();
    out
}

pub fn sha256_file(path: &Path) -> String {
    let mut f =
        std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    hex::encode(h.finalize())
}

pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap().flatten() {
        let to = dst.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// Strings of a JSON array, e.g. `added` of an import report.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| x.as_str().expect("a string").to_string())
        .collect()
}

/// Today as the binary sees it, pinned for the whole test by `SOURCE_DATE_EPOCH`.
pub const PINNED_EPOCH: &str = "1794139200"; // 2026-11-08T12:00:00Z
pub const PINNED_TODAY: &str = "2026-11-08";

/// Runs `cmd` (built with [`Ws::command`]) as a user who may read the
/// workspace but not write it: `nobody` when the tests run as root (root
/// ignores file modes), else the caller.
pub fn run_as_reader(ws: &Ws, mut cmd: Command) -> Run {
    use std::os::unix::fs::PermissionsExt;
    if unsafe { libc::geteuid() } == 0 {
        // `nobody` may not reach the build's own binary (a target dir under
        // /root), so it runs a world-readable copy with the same arguments
        // and environment.
        let bin = ws.tmp.path().join("reader-bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        let copy = bin.join("crosswalk");
        if !copy.exists() {
            std::fs::copy(BIN, &copy).unwrap();
        }
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut reader = std::process::Command::new(&copy);
        reader.args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => reader.env(k, v),
                None => reader.env_remove(k),
            };
        }
        cmd = reader;
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(|| {
                if libc::setgid(65534) != 0 || libc::setuid(65534) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
