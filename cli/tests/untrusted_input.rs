//! Importing files someone else wrote: each test is an attack from the
//! red-team pass (issue 11). An import must never read outside the folder it
//! was given, block, or grow without bound; every refusal names the entry and
//! writes nothing. Commands that could hang run under a deadline, so a
//! regression fails instead of hanging the suite.
mod common;

use common::*;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Runs `crosswalk ARGS` and kills it after `secs`: a hang is a failure.
fn run_within(ws: &Ws, args: &[&str], secs: u64) -> Run {
    run_limited(ws.command(args), args, secs)
}

/// Runs `cmd` under a deadline (and whatever limits the caller set on it).
fn run_limited(mut cmd: std::process::Command, args: &[&str], secs: u64) -> Run {
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the crosswalk binary runs");
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if child.try_wait().unwrap().is_some() {
            let out = child.wait_with_output().unwrap();
            return Run {
                code: out.status.code(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            };
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`crosswalk {}` hung for more than {secs}s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

/// A library folder whose one control names `file` as evidence.
fn library_naming(ws: &Ws, file: &str) -> PathBuf {
    let lib = ws.path("lib");
    std::fs::create_dir_all(lib.join("evidence")).unwrap();
    std::fs::write(lib.join("evidence/ok.txt"), "fine\n").unwrap();
    std::fs::write(
        lib.join("controls.yaml"),
        format!(
            "controls:\n  - id: ENC-01\n    title: Encryption\n    status: implemented\n    evidence:\n      - title: Proof\n        file: {file}\n        collected: 2026-01-01\n"
        ),
    )
    .unwrap();
    lib
}

/// Finding 1: evidence that resolves outside the library folder is refused,
/// named by file:line:col, and nothing reaches the vault.
#[test]
fn evidence_outside_the_library_folder_is_refused() {
    let outside = {
        let ws = Ws::new();
        let secret = ws.path("secret.txt");
        std::fs::write(&secret, "the private key\n").unwrap();
        (ws, secret)
    };
    let (ws, secret) = outside;
    // A link planted inside the library that points out of it.
    std::fs::create_dir_all(ws.path("lib/evidence")).unwrap();
    symlink(&secret, ws.path("lib/evidence/innocent.txt")).unwrap();
    for name in [
        secret.to_str().unwrap(),
        "../secret.txt",
        "evidence/../../secret.txt",
        "evidence/innocent.txt",
        "/proc/self/environ",
        "/etc/hostname",
    ] {
        let lib = library_naming(&ws, name);
        let r = ws.fails(&["import", lib.to_str().unwrap()]);
        let at = format!("{}:7:15", lib.join("controls.yaml").display());
        assert!(
            r.stderr.contains(&at),
            "`{name}`: the error should name {at}:\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("outside the folder") || r.stderr.contains("pseudo file system"),
            "`{name}`: {}",
            r.stderr
        );
        assert!(blobs(&ws.data).is_empty(), "`{name}` reached the vault");
    }
    // With the user's explicit permission, the same file is taken.
    let lib = library_naming(&ws, "../secret.txt");
    let allow = ws.tmp.path().to_str().unwrap().to_string();
    let r = ws.json(&["import", lib.to_str().unwrap(), "--allow-outside", &allow]);
    assert_eq!(r["evidence_added"], 1);
    // Pseudo file systems stay refused even when allowed.
    let lib = library_naming(&ws, "/proc/self/environ");
    ws.fails(&["import", lib.to_str().unwrap(), "--allow-outside", "/"]);
}

/// Finding 1: a FIFO or a device as evidence is refused before it is opened.
#[test]
fn evidence_that_is_not_a_regular_file_is_refused_without_blocking() {
    let ws = Ws::new();
    let lib = library_naming(&ws, "evidence/pipe.txt");
    mkfifo(&lib.join("evidence/pipe.txt"));
    let r = run_within(&ws, &["import", lib.to_str().unwrap()], 20);
    assert_error_contract(&r, "import with a FIFO as evidence");
    assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
    symlink("/dev/zero", lib.join("evidence/zero.txt")).unwrap();
    let lib = library_naming(&ws, "evidence/zero.txt");
    let r = run_within(&ws, &["import", lib.to_str().unwrap()], 20);
    assert_error_contract(&r, "import with /dev/zero as evidence");
    assert!(blobs(&ws.data).is_empty());
}

/// Finding 1: the dry run lists every file the import would read.
#[test]
fn dry_run_lists_every_file_it_would_read() {
    let ws = Ws::new();
    let lib = library_naming(&ws, "evidence/ok.txt");
    let r = ws.json(&["import", lib.to_str().unwrap(), "--dry-run"]);
    let real = lib.canonicalize().unwrap();
    assert_eq!(
        strings(&r["evidence_files"]),
        [real.join("evidence/ok.txt").display().to_string()]
    );
    let text = ws.ok(&["import", lib.to_str().unwrap(), "--dry-run"]);
    assert!(text.contains("files it would read: 2"), "{text}");
    assert!(text.contains(&real.join("evidence/ok.txt").display().to_string()));
    assert!(blobs(&ws.data).is_empty());
}

/// Finding 2 (second half): a crosswalk inside a library folder is not
/// imported with the controls unless asked for, and then the summary says so.
#[test]
fn a_crosswalk_in_a_library_folder_needs_with_catalogs() {
    let ws = Ws::new();
    let lib = library_naming(&ws, "evidence/ok.txt");
    std::fs::write(
        lib.join("extra_links.yaml"),
        "from: soc2\nto: iso27001-2022\nsource: a stranger\nbasis: judgement\nlinks:\n  - from: CC6.1\n    to: A.5.1\n    relationship: equal\n",
    )
    .unwrap();
    let r = ws.json(&["import", lib.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r["crosswalk_links"], 0);
    assert!(
        r["passed_over"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("--with-catalogs"),
        "{r}"
    );
    let r = ws.json(&["import", lib.to_str().unwrap(), "--with-catalogs"]);
    assert_eq!(r["crosswalk_links"], 1);
    let change = r["catalog_changes"][0].as_str().unwrap();
    assert!(
        change.contains("1 crosswalk links (soc2 → iso27001-2022)"),
        "{change}"
    );
}

/// Finding 4: a NUL byte is refused with its position; nothing is imported
/// and `--prune` cannot delete the controls after it.
#[test]
fn a_nul_byte_is_refused_with_its_position() {
    let ws = Ws::new();
    let lib = ws.path("nul");
    std::fs::create_dir_all(&lib).unwrap();
    let mut yaml = String::from("controls:\n");
    for i in 1..=19 {
        yaml.push_str(&format!(
            "  - id: C-{i:02}\n    title: Control {i}\n    status: planned\n"
        ));
    }
    let file = lib.join("c.yaml");
    std::fs::write(&file, &yaml).unwrap();
    ws.import(&[&file]);
    assert_eq!(ws.controls().as_array().unwrap().len(), 19);
    // A NUL after the second control.
    let cut = yaml.find("  - id: C-03").unwrap();
    let mut bytes = yaml.clone().into_bytes();
    bytes.insert(cut + 4, 0);
    std::fs::write(&file, &bytes).unwrap();
    let r = ws.fails(&["import", file.to_str().unwrap(), "--prune"]);
    assert!(
        r.stderr
            .contains(&format!("{}:8:5: NUL byte", file.display())),
        "{}",
        r.stderr
    );
    assert_eq!(ws.controls().as_array().unwrap().len(), 19);
}

/// Finding 5: link loops, links out of the folder, a FIFO and /dev/zero named
/// `*.yaml`: the walk finishes quickly, takes only what is inside, and says
/// what it passed over.
#[test]
fn hostile_folders_cannot_hang_or_escape_the_import() {
    let ws = Ws::new();
    let lib = ws.path("hostile");
    std::fs::create_dir_all(lib.join("sub")).unwrap();
    std::fs::write(
        lib.join("c.yaml"),
        "controls:\n  - id: C-01\n    title: One\n    status: planned\n",
    )
    .unwrap();
    symlink(".", lib.join("loop-a")).unwrap();
    symlink("..", lib.join("sub/loop-b")).unwrap();
    symlink("/usr", lib.join("usr")).unwrap();
    symlink("/dev/zero", lib.join("zero.yaml")).unwrap();
    mkfifo(&lib.join("fifo.yaml"));
    std::fs::write(
        ws.path("outside.yaml"),
        "controls:\n  - id: OUT-01\n    title: Out\n    status: planned\n",
    )
    .unwrap();
    symlink(ws.path("outside.yaml"), lib.join("out.yaml")).unwrap();
    let r = run_within(&ws, &["import", lib.to_str().unwrap(), "--json"], 30);
    assert!(r.ok(), "{}", r.stderr);
    let v = r.json();
    assert_eq!(strings(&v["added"]), ["C-01"]);
    let passed: Vec<String> = v["passed_over"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["path"], s["reason"]))
        .collect();
    for name in ["fifo.yaml", "zero.yaml", "out.yaml"] {
        assert!(
            passed.iter().any(|p| p.contains(name)),
            "{name} not listed: {passed:?}"
        );
    }
    // Named directly, a FIFO is refused at once.
    let r = run_within(
        &ws,
        &["import", lib.join("fifo.yaml").to_str().unwrap()],
        20,
    );
    assert_error_contract(&r, "import of a FIFO");
    assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
}

/// Finding 5: an oversized file is refused from its size, before it is read.
#[test]
fn an_oversized_file_is_refused_before_reading() {
    let ws = Ws::new();
    let big = ws.path("big.yaml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(1 << 30).unwrap(); // sparse: 1 GiB that costs no disk
                                 // 400 MiB of address space: reading the file before checking its size
                                 // cannot fit, so only a check before reading passes.
    let mut cmd = ws.command(&["import", big.to_str().unwrap()]);
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 400 << 20,
                rlim_max: 400 << 20,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    let r = run_limited(cmd, &["import", "big.yaml"], 20);
    assert_error_contract(&r, "import of a 1 GiB file");
    assert!(r.stderr.contains("over the limit of"), "{}", r.stderr);
}
