//! The auditor package, checked the way an auditor would: unpacked and run
//! through coreutils, OpenSSL and a spreadsheet reader that is not the
//! writer, then attacked (a byte changed, files removed and added, the
//! manifest edited, a signature replaced, hostile zips) and `package verify`
//! must catch and name each. Signed checkpoints are in checkpoints.rs.
mod common;

use common::*;
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

fn package(ws: &Ws, name: &str, extra: &[&str]) -> (PathBuf, Value) {
    let out = ws.path(name);
    let mut args = vec!["package", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let summary = ws.json(&args);
    (out, summary)
}

fn tool(dir: &Path, cmd: &str, args: &[&str]) -> std::process::Output {
    Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} must be installed (scripts/setup.sh): {e}"))
}

fn unzip(zip: &Path, into: &Path) {
    std::fs::create_dir_all(into).unwrap();
    let out = tool(into, "unzip", &["-q", zip.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "unzip: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The system Python, which has python3-openpyxl from apt (a pyenv shim may not).
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

fn verify(ws: &Ws, zip: &Path, extra: &[&str]) -> (Run, Value) {
    let mut args = vec!["package", "verify", zip.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    // An auditor has no workspace: the data dir must not even be created.
    let r = ws.run(&args);
    let v = r.json();
    (r, v)
}

fn faults(v: &Value) -> Vec<(String, String, String)> {
    v["faults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Rewrites a zip entry by entry; `edit` may change, drop (None) or keep each.
fn rewrite(
    src: &Path,
    dst: &Path,
    mut edit: impl FnMut(&str, Vec<u8>) -> Option<Vec<u8>>,
    add: &[(&str, &[u8])],
) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if let Some(bytes) = edit(&name, bytes) {
            w.start_file(name, options).unwrap();
            w.write_all(&bytes).unwrap();
        }
    }
    for (name, bytes) in add {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

fn entry_names(zip: &Path) -> Vec<String> {
    let archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    archive
        .file_names()
        .map(|n| n.unwrap().to_string())
        .collect()
}

#[test]
fn a_demo_package_checks_out_with_coreutils_openssl_and_openpyxl() {
    let ws = Ws::demo();
    let key = ws.json(&["key"]);
    let fp = key["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(
        ws.json(&["fingerprint"])["fingerprint"],
        key["fingerprint"],
        "`fingerprint` is `key`"
    );
    let (zip, summary) = package(&ws, "audit.zip", &[]);
    assert_eq!(summary["fingerprint"], fp.as_str());
    assert!(
        summary["evidence_files"].as_u64().unwrap() >= 10,
        "{summary}"
    );

    let dir = ws.path("unpacked");
    unzip(&zip, &dir);
    let sums = tool(&dir, "sha256sum", &["-c", "--strict", "SHA256SUMS"]);
    let text = String::from_utf8_lossy(&sums.stdout);
    assert!(
        sums.status.success(),
        "sha256sum -c failed:\n{text}{}",
        String::from_utf8_lossy(&sums.stderr)
    );
    let files = walk(&dir);
    for f in &files {
        let exempt = [
            "SHA256SUMS",
            "signature/SHA256SUMS.sig",
            "signature/manifest.json.sig",
        ];
        if !exempt.contains(&f.as_str()) {
            assert!(
                text.contains(&format!("{f}: OK")),
                "{f} is not covered by SHA256SUMS:\n{text}"
            );
        }
    }
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("evidence/AIOS-ENC-01/2026-09-14 ")),
        "{files:?}"
    );

    // Both signatures with OpenSSL, and the fingerprint with coreutils.
    for (signed, sig) in [
        ("SHA256SUMS", "signature/SHA256SUMS.sig"),
        ("manifest.json", "signature/manifest.json.sig"),
    ] {
        let out = tool(
            &dir,
            "openssl",
            &[
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                "signature/workspace-key.pem",
                "-rawin",
                "-in",
                signed,
                "-sigfile",
                sig,
            ],
        );
        assert!(
            out.status.success(),
            "openssl rejects the signature of {signed}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let der = tool(
        &dir,
        "openssl",
        &[
            "pkey",
            "-pubin",
            "-in",
            "signature/workspace-key.pem",
            "-outform",
            "DER",
        ],
    );
    use sha2::Digest;
    let raw = &der.stdout[der.stdout.len() - 32..];
    assert_eq!(
        hex::encode(sha2::Sha256::digest(raw)),
        fp.replace(' ', ""),
        "the printed fingerprint is SHA-256 of the raw key"
    );

    // The manifest says what each file is.
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["organisation"],
        "Example Org (AIOS and AMAS example controls)"
    );
    assert_eq!(manifest["audit_trail"]["chain_ok"], true);
    let log = ws.log();
    let ev = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .unwrap()
                .starts_with("evidence/AIOS-ENC-01/")
        })
        .unwrap();
    assert_eq!(ev["role"], "evidence");
    assert_eq!(ev["evidence"]["evidence_date"], "2026-09-14");
    assert!(
        ev["evidence"]["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "iso27001-2022 A.8.24"),
        "{ev}"
    );
    // The checkpoint it signed is now in the trail, for the head it names.
    let cp = log
        .iter()
        .find(|e| e["action"] == "checkpoint.signed")
        .expect("a checkpoint event");
    assert_eq!(
        cp["details"]["head_hash"],
        manifest["audit_trail"]["head_hash"]
    );
    assert!(log.iter().any(|e| e["action"] == "package.generated"));

    // The workbook read back by openpyxl: frozen header, a known row, dates as dates.
    let script = r#"
import sys, openpyxl, datetime
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Evidence"]
assert ws.freeze_panes == "A2", ws.freeze_panes
head = [c.value for c in ws[1]]
for row in ws.iter_rows(min_row=2, values_only=True):
    r = dict(zip(head, row))
    if r["Title"] == "Storage encryption settings (example config excerpt)":
        assert isinstance(r["Evidence date"], datetime.datetime), type(r["Evidence date"])
        print(r["Controls"], r["Evidence date"].date().isoformat(), r["SHA-256"])
        break
else:
    sys.exit("row not found")
print(",".join(wb.sheetnames))
"#;
    let out = tool(&dir, python(), &["-c", script, "registers/registers.xlsx"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "openpyxl: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("AIOS-ENC-01 2026-09-14 "), "{text}");
    assert!(text.contains("Statement of Applicability"), "{text}");

    // And Crosswalk's own check, with the key the officer gave.
    let (r, v) = verify(&ws, &zip, &["--key", &fp.to_uppercase()]);
    assert!(r.ok(), "{}", r.stdout);
    assert_eq!(v["ok"], true);
    assert_eq!(v["key_checked"], true);
    ws.assert_verifies("after a package");
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().to_string());
            }
        }
    }
    out.sort();
    out
}

/// Verifies a tampered copy: it must fail, with a fault of each (kind, path).
fn assert_faults(ws: &Ws, zip: &Path, extra: &[&str], want: &[(&str, &str)]) {
    let (r, v) = verify(ws, zip, extra);
    assert!(!r.ok());
    let f = faults(&v);
    for (kind, path) in want {
        assert!(
            f.iter().any(|(k, p, _)| k == kind && p == path),
            "no {kind} fault for {path}: {f:?}"
        );
    }
}

/// A copy of `src` whose entry `name` is `edit`ed; every other entry as it is.
fn rewrite_entry(src: &Path, dst: &Path, name: &str, mut edit: impl FnMut(Vec<u8>) -> Vec<u8>) {
    rewrite(
        src,
        dst,
        |n, b| Some(if n == name { edit(b) } else { b }),
        &[],
    );
}

/// `rewrite_entry` of a text entry, replacing `from` by `to`.
fn replace_text(src: &Path, dst: &Path, name: &str, from: &str, to: &str) {
    rewrite_entry(src, dst, name, |b| {
        String::from_utf8(b).unwrap().replace(from, to).into_bytes()
    });
}

#[test]
fn package_verify_catches_and_names_each_tampering() {
    let ws = Ws::demo();
    let (zip, summary) = package(&ws, "audit.zip", &[]);
    let fp = summary["fingerprint"].as_str().unwrap().to_string();
    let evidence = entry_names(&zip)
        .into_iter()
        .find(|n| n.starts_with("evidence/"))
        .unwrap();
    let t = |name: &str| ws.path(name);

    // One evidence byte changed.
    let changed = t("changed.zip");
    rewrite_entry(&zip, &changed, &evidence, |mut b| {
        b[0] ^= 1;
        b
    });
    assert_faults(&ws, &changed, &[], &[("changed", &evidence)]);

    // One file removed.
    let removed = t("removed.zip");
    rewrite(&zip, &removed, |n, b| (n != evidence).then_some(b), &[]);
    assert_faults(&ws, &removed, &[], &[("missing", &evidence)]);

    // One file added.
    let added = t("added.zip");
    let forged = "evidence/AIOS-ENC-01/2026-09-15 forged.txt";
    rewrite(&zip, &added, |_, b| Some(b), &[(forged, b"trust me")]);
    assert_faults(&ws, &added, &[], &[("extra", forged)]);

    // The manifest edited.
    let edited = t("manifest.zip");
    replace_text(&zip, &edited, "manifest.json", "Example Org", "Other Org");
    assert_faults(
        &ws,
        &edited,
        &[],
        &[
            ("signature", "signature/manifest.json.sig"),
            ("changed", "manifest.json"),
        ],
    );

    // A signature replaced.
    let resigned = t("signature.zip");
    rewrite_entry(&zip, &resigned, "signature/SHA256SUMS.sig", |_| {
        vec![7u8; 64]
    });
    assert_faults(
        &ws,
        &resigned,
        &[],
        &[("signature", "signature/SHA256SUMS.sig")],
    );

    // SHA256SUMS rewritten to match a changed file: its signature no longer holds.
    let new_hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(read_entry(&changed, &evidence)))
    };
    let old_hash = {
        let m: Value = serde_json::from_slice(&read_entry(&zip, "manifest.json")).unwrap();
        m["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == evidence.as_str())
            .unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let relisted = t("relisted.zip");
    replace_text(&changed, &relisted, "SHA256SUMS", &old_hash, &new_hash);
    assert_faults(
        &ws,
        &relisted,
        &[],
        &[
            ("signature", "signature/SHA256SUMS.sig"),
            ("manifest", &evidence),
        ],
    );

    // Signed by someone else: only the fingerprint shows it.
    let other = Ws::demo();
    let other_fp = other.json(&["key"])["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(other_fp, fp);
    assert_faults(
        &ws,
        &zip,
        &["--key", &other_fp],
        &[("key", "signature/workspace-key.pem")],
    );

    // Text output names the file too, and an unknown fingerprint is a usage error.
    let r = ws.run(&["package", "verify", removed.to_str().unwrap()]);
    assert!(
        !r.ok() && r.stdout.contains(&format!("MISSING {evidence}")),
        "{}",
        r.stdout
    );
    ws.fails(&["package", "verify", zip.to_str().unwrap(), "--key", "abc"]);
    ws.fails(&[
        "package",
        "verify",
        ws.path("nothing.zip").to_str().unwrap(),
    ]);
}

fn read_entry(zip: &Path, name: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut f = archive.by_name(name).unwrap();
    let mut b = Vec::new();
    f.read_to_end(&mut b).unwrap();
    b
}

#[test]
fn package_verify_treats_the_zip_as_hostile() {
    let ws = Ws::new();
    // Path traversal and absolute names.
    let evil = ws.path("evil.zip");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&evil).unwrap());
        let o = zip::write::SimpleFileOptions::default();
        for name in [
            "../../etc/cron.d/x",
            "/etc/passwd",
            "a/./b",
            "C:evil",
            "ok\\..\\x",
        ] {
            w.start_file(name, o).unwrap();
            w.write_all(b"x").unwrap();
        }
        // A bomb: 64 MiB of zeros deflate to about 64 KiB.
        w.start_file(
            "bomb.bin",
            o.compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..64 {
            w.write_all(&zeros).unwrap();
        }
        w.finish().unwrap();
    }
    let (r, v) = verify(&ws, &evil, &[]);
    assert!(!r.ok());
    let f = faults(&v);
    for name in [
        "../../etc/cron.d/x",
        "/etc/passwd",
        "a/./b",
        "C:evil",
        "ok\\..\\x",
    ] {
        assert!(
            f.iter().any(|(k, p, _)| k == "unsafe" && p == name),
            "{name} not refused: {f:?}"
        );
    }
    assert!(
        f.iter()
            .any(|(k, p, m)| k == "unsafe" && p == "bomb.bin" && m.contains("zip bomb")),
        "{f:?}"
    );
    assert!(
        f.iter()
            .any(|(k, p, _)| k == "missing" && p == "SHA256SUMS"),
        "{f:?}"
    );

    // Not a zip at all: a clear error, no panic.
    let junk = ws.path("junk.zip");
    std::fs::write(&junk, b"PK\x03\x04 not really").unwrap();
    let r = ws.fails(&["package", "verify", junk.to_str().unwrap()]);
    assert!(r.stderr.contains("junk.zip"), "{}", r.stderr);
    assert!(
        !ws.data.exists(),
        "package verify must not create a workspace"
    );
}

#[test]
fn same_data_gives_the_same_package_bytes() {
    let a = Ws::demo();
    a.ok(&["key"]);
    let b = Ws::pinned();
    copy_dir(&a.data, &b.data);
    let (za, _) = package(
        &a,
        "a.zip",
        &["--framework", "iso27001-2022", "--framework", "soc2"],
    );
    let (zb, _) = package(
        &b,
        "b.zip",
        &["--framework", "iso27001-2022", "--framework", "soc2"],
    );
    let (ba, bb) = (std::fs::read(&za).unwrap(), std::fs::read(&zb).unwrap());
    assert!(
        ba == bb,
        "same data and SOURCE_DATE_EPOCH must give the same zip bytes"
    );
    // Entries are 0644 with the pinned time.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&za).unwrap()).unwrap();
    for i in 0..archive.len() {
        let f = archive.by_index(i).unwrap();
        assert_eq!(
            f.unix_mode().map(|m| m & 0o777),
            Some(0o644),
            "{}",
            f.name().unwrap()
        );
    }
}

#[test]
fn a_changed_blob_stops_the_package_and_leaves_nothing_behind() {
    let ws = Ws::demo();
    let blob = blobs(&ws.data).into_iter().next().unwrap();
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&blob, bytes).unwrap();
    let out = ws.path("out/audit.zip");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let r = ws.fails(&["package", "-o", out.to_str().unwrap()]);
    assert!(r.stderr.contains("has changed"), "{}", r.stderr);
    let left: Vec<_> = std::fs::read_dir(out.parent().unwrap()).unwrap().collect();
    assert!(left.is_empty(), "nothing may be left: {left:?}");
}

#[test]
fn registers_export_as_rfc4180_csv_and_xlsx() {
    let ws = Ws::demo();
    let csv = ws.path("req.csv");
    ws.ok(&[
        "export",
        "--format",
        "csv",
        "--what",
        "requirements",
        "--framework",
        "iso27001-2022",
        "-o",
        csv.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with(
            "Framework,Ref,Title,Status,Reason,Controls,Evidence,Not applicable because\r\n"
        ),
        "{}",
        &text[..200]
    );
    assert!(
        text.contains("\r\niso27001-2022,A.8.24,"),
        "A.8.24 row missing"
    );
    let xlsx = ws.path("soa.xlsx");
    ws.ok(&[
        "export",
        "--format",
        "xlsx",
        "--what",
        "soa",
        "--framework",
        "iso27001-2022",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    let out = tool(ws.tmp.path(), python(), &["-c", "import sys,openpyxl; ws=openpyxl.load_workbook(sys.argv[1]).active; print(ws.title, ws.max_row, ws['A2'].value, ws['D2'].value)", xlsx.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.starts_with("Statement of Applicability 9"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(" A.5.1 not recorded"),
        "no invented applicability decision: {text}"
    );
    for what in ["controls", "evidence", "gaps", "audit-trail"] {
        let p = ws.path(&format!("{what}.csv"));
        ws.ok(&[
            "export",
            "--format",
            "csv",
            "--what",
            what,
            "-o",
            p.to_str().unwrap(),
        ]);
        assert!(
            std::fs::read_to_string(&p).unwrap().lines().count() > 1,
            "{what} is empty"
        );
    }
    // The YAML export keeps working; bad requests follow the error contract.
    let yaml = ws.path("controls.yaml");
    ws.ok(&["export", "controls", "-o", yaml.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&yaml)
        .unwrap()
        .contains("controls:"));
    ws.fails(&[
        "export",
        "--format",
        "csv",
        "--what",
        "nonsense",
        "-o",
        ws.path("x.csv").to_str().unwrap(),
    ]);
    ws.fails(&[
        "export",
        "--format",
        "pdf",
        "--what",
        "gaps",
        "-o",
        ws.path("x.pdf").to_str().unwrap(),
    ]);
    assert!(!ws.path("x.csv").exists() && !ws.path("x.pdf").exists());
    assert!(
        ws.log().iter().any(|e| e["action"] == "register.exported"),
        "exports are audited"
    );
}
