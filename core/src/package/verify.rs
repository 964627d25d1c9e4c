//! `package verify`: checks an auditor package on any machine, without a
//! workspace. Every file's SHA-256 against `SHA256SUMS`, both signatures,
//! the manifest against the files, and (given `--key`) the signing key's
//! fingerprint. Each missing, extra or changed file is named.
//!
//! The zip is hostile input: it is only read, never unpacked; entry names
//! that would escape a folder, links, encrypted entries and duplicates are
//! faults; entries are streamed and hashed, never held whole, and capped in
//! count, size and compression ratio, so a zip bomb costs bounded time and
//! no memory.
use super::{Manifest, MANIFEST, MANIFEST_SIG, PUBLIC_KEY, SUMS, SUMS_SIG};
use crate::error::{Error, Result};
use crate::hash::Sha256Stream;
use crate::signing;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

/// Entries in one package at most: ten times the largest package benchmarked.
pub const MAX_ENTRIES: usize = 200_000;
/// `manifest.json` and `SHA256SUMS` are read into memory: about 1 KiB per
/// file at most, so 256 MiB is far above any real package.
pub const MAX_METADATA_BYTES: u64 = 256 * 1024 * 1024;
/// The public key file is a few lines.
const MAX_KEY_BYTES: u64 = 4096;
/// All entries together, uncompressed.
pub const MAX_TOTAL_BYTES: u64 = 1 << 40;
/// Above this expansion ratio an entry of more than `RATIO_FLOOR` bytes is
/// treated as a zip bomb and not expanded. Real evidence (text, JSON, logs)
/// deflates by 10–50×; a bomb by 1000× and more.
pub const MAX_RATIO: u64 = 1000;
const RATIO_FLOOR: u64 = 1024 * 1024;
const CHUNK: usize = 1024 * 1024;

/// What kind of thing is wrong with a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Listed in SHA256SUMS but not in the zip.
    Missing,
    /// In the zip but not listed.
    Extra,
    /// Its SHA-256 differs from the listed one.
    Changed,
    /// A signature (of `SHA256SUMS`, the manifest or its checkpoint) does not verify with the package's key.
    Signature,
    /// The manifest cannot be read, or disagrees with the files or the key in the package.
    Manifest,
    /// The public key cannot be read, or is not the one the user gave.
    Key,
    /// A name, type or size the package format never has.
    Unsafe,
    /// An entry or `SHA256SUMS` cannot be read as the format says.
    Format,
}

/// One thing wrong with a package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageFault {
    /// The file in the zip it is about.
    pub path: String,
    /// What kind of fault.
    pub kind: FaultKind,
    /// What is wrong, for a person.
    pub message: String,
}

/// The outcome of checking a package ([`verify_package`]).
#[derive(Debug, Clone, Serialize)]
pub struct PackageReport {
    /// True when there is no fault.
    pub ok: bool,
    /// The zip checked, as given.
    pub path: String,
    /// Of the public key inside the package.
    pub fingerprint: Option<String>,
    /// Whether it was compared with one given by the user (`--key`).
    pub key_checked: bool,
    /// Entries whose bytes were hashed.
    pub files_checked: usize,
    /// Bytes hashed in all.
    pub bytes_checked: u64,
    /// From the manifest; None when it could not be read.
    pub workspace_id: Option<String>,
    /// From the manifest; None when it could not be read.
    pub organisation: Option<String>,
    /// When it was made (RFC 3339 UTC), from the manifest; None when it could not be read.
    pub generated_at: Option<String>,
    /// Events in the audit trail at packaging time, from the manifest.
    pub event_count: Option<i64>,
    /// The trail's head hash at packaging time, from the manifest.
    pub head_hash: Option<String>,
    /// What the workspace's own verify said when the package was made.
    pub chain_ok: Option<bool>,
    /// Everything found wrong, in the order found.
    pub faults: Vec<PackageFault>,
}

impl PackageReport {
    /// Nothing checked yet.
    fn new(path: &Path, key_checked: bool) -> Self {
        PackageReport {
            ok: false,
            path: path.display().to_string(),
            fingerprint: None,
            key_checked,
            files_checked: 0,
            bytes_checked: 0,
            workspace_id: None,
            organisation: None,
            generated_at: None,
            event_count: None,
            head_hash: None,
            chain_ok: None,
            faults: Vec::new(),
        }
    }
}

struct Faults(Vec<PackageFault>);

impl Faults {
    fn add(&mut self, path: &str, kind: FaultKind, message: impl Into<String>) {
        self.0.push(PackageFault {
            path: path.to_string(),
            kind,
            message: message.into(),
        });
    }
}

/// Why a name cannot be a package entry, if it cannot.
fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("empty name");
    }
    if name.contains('\0') {
        return Some("NUL byte in the name");
    }
    if name.contains('\\') {
        return Some("backslash in the name");
    }
    if name.starts_with('/') || name.as_bytes().get(1) == Some(&b':') {
        return Some("absolute path");
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    if trimmed
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Some("a `.`, `..` or empty path component (would escape or alias a folder)");
    }
    if name.chars().any(|c| c.is_control()) {
        return Some("control character in the name");
    }
    None
}

struct Entry {
    index: usize,
    size: u64,
    sha256: Option<String>,
}

/// Reads an entry whole, for the small metadata files; None when too big.
fn read_small(
    archive: &mut zip::ZipArchive<std::io::BufReader<std::fs::File>>,
    index: usize,
    cap: u64,
) -> std::result::Result<Vec<u8>, String> {
    let f = archive.by_index(index).map_err(|e| e.to_string())?;
    if f.size() > cap {
        return Err(format!("larger than the {cap}-byte limit for this file"));
    }
    let mut buf = Vec::new();
    f.take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() as u64 > cap {
        return Err(format!("larger than the {cap}-byte limit for this file"));
    }
    Ok(buf)
}

/// `<64 hex>  <path>` per line (a `*` instead of the second space is
/// sha256sum's binary marker). Errors name the line.
pub fn parse_sums(text: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let bad = || format!("{SUMS} line {}: expected `<SHA-256>  <path>`", i + 1);
        if line.len() < 67 || !line.is_char_boundary(64) {
            return Err(bad());
        }
        let (hash, rest) = line.split_at(64);
        if !crate::hash::is_sha256_hex(hash) || !(rest.starts_with("  ") || rest.starts_with(" *"))
        {
            return Err(bad());
        }
        out.push((hash.to_string(), rest[2..].to_string()));
        if out.len() > MAX_ENTRIES {
            return Err(format!("{SUMS} lists more than {MAX_ENTRIES} files"));
        }
    }
    Ok(out)
}

/// Checks the package at `path`. `expected_key` is a fingerprint the user
/// got from the organisation. Errors only when the file cannot be read as a
/// zip at all; everything else is a fault in the report.
pub fn verify_package(path: &Path, expected_key: Option<&str>) -> Result<PackageReport> {
    let expected = match expected_key {
        Some(k) => Some(signing::normalize_fingerprint(k).ok_or_else(|| {
            Error::Usage(format!(
                "`{k}` is not a key fingerprint: give the 64 hex digits (spaces allowed) the organisation gave you"
            ))
        })?),
        None => None,
    };
    let mut archive = open_zip(path)?;
    let mut faults = Faults(Vec::new());
    let mut report = PackageReport::new(path, expected.is_some());
    if archive.len() > MAX_ENTRIES {
        faults.add(
            "",
            FaultKind::Unsafe,
            format!(
                "the zip has {} entries, more than the {MAX_ENTRIES} a package may have; not checked further",
                archive.len()
            ),
        );
        report.faults = faults.0;
        return Ok(report);
    }
    // Pass 1: names and types, from the central directory only.
    let (mut entries, declared_total) = list_entries(&mut archive, &mut faults);
    if declared_total > MAX_TOTAL_BYTES {
        faults.add(
            "",
            FaultKind::Unsafe,
            format!("the entries add up to {declared_total} bytes, more than the {MAX_TOTAL_BYTES} a package may hold; not expanded"),
        );
        report.faults = faults.0;
        return Ok(report);
    }
    // Pass 2: stream and hash every entry, capped at its declared size.
    hash_entries(&mut archive, &mut entries, &mut faults, &mut report);
    let meta = Metadata::read(&mut archive, &entries, &mut faults);
    let key = package_key(
        meta.pem.as_deref(),
        expected.as_deref(),
        &mut faults,
        &mut report,
    );
    if let Some(k) = &key {
        check_signature(k, SUMS_SIG, &meta.sums_sig, &meta.sums, SUMS, &mut faults);
        check_signature(
            k,
            MANIFEST_SIG,
            &meta.manifest_sig,
            &meta.manifest,
            MANIFEST,
            &mut faults,
        );
    }
    let listed = match &meta.sums {
        Some(bytes) => check_sums(bytes, &entries, &mut faults),
        None => BTreeMap::new(),
    };
    // The manifest against the files and the key.
    if let Some(bytes) = &meta.manifest {
        let found = Found {
            listed: &listed,
            entries: &entries,
            key: key.as_ref(),
        };
        read_manifest(bytes, &found, &mut faults, &mut report);
    }
    report.faults = faults.0;
    report.ok = report.faults.is_empty();
    Ok(report)
}

type Zip = zip::ZipArchive<std::io::BufReader<std::fs::File>>;

/// Opens a regular file as a zip; anything else is an error, not a fault.
fn open_zip(path: &Path) -> Result<Zip> {
    let ctx = || format!("cannot read {}", path.display());
    let meta = std::fs::metadata(path).map_err(|e| Error::io(ctx(), e))?;
    if !meta.is_file() {
        return Err(Error::Usage(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(ctx(), e))?;
    zip::ZipArchive::new(std::io::BufReader::with_capacity(CHUNK, file))
        .map_err(|e| Error::Usage(format!("{} is not a readable zip: {e}", path.display())))
}

/// Every entry that may be checked, by name, with the sizes the central
/// directory declares; unsafe names, links, encrypted entries, bombs and
/// duplicates are faults.
fn list_entries(archive: &mut Zip, faults: &mut Faults) -> (BTreeMap<String, Entry>, u64) {
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    let mut declared_total = 0u64;
    for i in 0..archive.len() {
        let f = match archive.by_index_raw(i) {
            Ok(f) => f,
            Err(e) => {
                faults.add(
                    &format!("#{i}"),
                    FaultKind::Format,
                    format!("entry {i} cannot be read: {e}"),
                );
                continue;
            }
        };
        let name = match f.name() {
            Ok(n) => n.to_string(),
            Err(e) => {
                faults.add(
                    &format!("#{i}"),
                    FaultKind::Unsafe,
                    format!("entry {i} has an unreadable name: {e}"),
                );
                continue;
            }
        };
        let refused = unsafe_name(&name)
            .map(|why| format!("unsafe entry name: {why}"))
            .or_else(|| {
                f.unix_mode()
                    .is_some_and(|m| m & 0o170000 == 0o120000)
                    .then(|| "a symbolic link; a package holds regular files only".to_string())
            })
            .or_else(|| {
                f.encrypted()
                    .then(|| "an encrypted entry; a package is never encrypted".to_string())
            });
        if let Some(why) = refused {
            faults.add(&name, FaultKind::Unsafe, why);
            continue;
        }
        if f.is_dir() {
            continue; // a re-zipped folder has these; they hold nothing to check
        }
        let (size, packed) = (f.size(), f.compressed_size());
        declared_total = declared_total.saturating_add(size);
        if size > RATIO_FLOOR && size / packed.max(1) > MAX_RATIO {
            faults.add(
                &name,
                FaultKind::Unsafe,
                format!("expands {packed} bytes to {size} (over {MAX_RATIO}:1): a zip bomb, not expanded"),
            );
            continue;
        }
        if entries
            .insert(
                name.clone(),
                Entry {
                    index: i,
                    size,
                    sha256: None,
                },
            )
            .is_some()
        {
            faults.add(&name, FaultKind::Unsafe, "the name occurs twice in the zip");
        }
    }
    (entries, declared_total)
}

/// Streams and hashes every listed entry, capped at its declared size.
fn hash_entries(
    archive: &mut Zip,
    entries: &mut BTreeMap<String, Entry>,
    faults: &mut Faults,
    report: &mut PackageReport,
) {
    let mut buf = vec![0u8; CHUNK];
    for (name, entry) in entries.iter_mut() {
        let f = match archive.by_index(entry.index) {
            Ok(f) => f,
            Err(e) => {
                faults.add(name, FaultKind::Format, format!("cannot be read: {e}"));
                continue;
            }
        };
        let mut limited = f.take(entry.size + 1);
        let mut hasher = Sha256Stream::new();
        let mut n_total = 0u64;
        let result: std::io::Result<()> = loop {
            match limited.read(&mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => {
                    hasher.update(&buf[..n]);
                    n_total += n as u64;
                }
                Err(e) => break Err(e),
            }
        };
        match result {
            Err(e) => faults.add(
                name,
                FaultKind::Changed,
                format!("cannot be read back ({e}): damaged or altered"),
            ),
            Ok(()) if n_total > entry.size => faults.add(
                name,
                FaultKind::Unsafe,
                "holds more bytes than its header declares (a zip bomb or a forged header)",
            ),
            Ok(()) => {
                entry.sha256 = Some(hasher.finish_hex());
                report.files_checked += 1;
                report.bytes_checked += n_total;
            }
        }
    }
}

/// The signed metadata files, each read whole under its cap; None where
/// missing or too large (a fault says which).
struct Metadata {
    sums: Option<Vec<u8>>,
    manifest: Option<Vec<u8>>,
    sums_sig: Option<Vec<u8>>,
    manifest_sig: Option<Vec<u8>>,
    pem: Option<Vec<u8>>,
}

impl Metadata {
    fn read(archive: &mut Zip, entries: &BTreeMap<String, Entry>, faults: &mut Faults) -> Self {
        let mut small = |name: &str, cap: u64, faults: &mut Faults| -> Option<Vec<u8>> {
            let Some(e) = entries.get(name) else {
                faults.add(
                    name,
                    FaultKind::Missing,
                    format!("{name} is missing from the package"),
                );
                return None;
            };
            match read_small(archive, e.index, cap) {
                Ok(b) => Some(b),
                Err(why) => {
                    faults.add(name, FaultKind::Unsafe, why);
                    None
                }
            }
        };
        Metadata {
            sums: small(SUMS, MAX_METADATA_BYTES, faults),
            manifest: small(MANIFEST, MAX_METADATA_BYTES, faults),
            sums_sig: small(SUMS_SIG, 64, faults),
            manifest_sig: small(MANIFEST_SIG, 64, faults),
            pem: small(PUBLIC_KEY, MAX_KEY_BYTES, faults),
        }
    }
}

/// The package's public key, and its fingerprint against the one the user
/// gave (if any).
fn package_key(
    pem: Option<&[u8]>,
    expected: Option<&str>,
    faults: &mut Faults,
    report: &mut PackageReport,
) -> Option<[u8; 32]> {
    let key = match std::str::from_utf8(pem?)
        .map_err(|_| "not UTF-8 text".to_string())
        .and_then(signing::parse_public_key_pem)
    {
        Ok(k) => k,
        Err(why) => {
            faults.add(
                PUBLIC_KEY,
                FaultKind::Key,
                format!("the public key cannot be read: {why}"),
            );
            return None;
        }
    };
    let fp = signing::fingerprint(&key);
    if let Some(want) = expected {
        if fp != want {
            faults.add(
                PUBLIC_KEY,
                FaultKind::Key,
                format!("signed with key {fp}, not with the key {want} you gave: the package was not signed by that workspace"),
            );
        }
    }
    report.fingerprint = Some(fp);
    Some(key)
}

/// The signature `name` of the file `what` (both read) against the key.
fn check_signature(
    key: &[u8; 32],
    name: &str,
    sig: &Option<Vec<u8>>,
    signed: &Option<Vec<u8>>,
    what: &str,
    faults: &mut Faults,
) {
    if let (Some(sig), Some(signed)) = (sig, signed) {
        if !signing::verify_signature(key, signed, sig) {
            faults.add(
                name,
                FaultKind::Signature,
                format!("the signature of {what} does not verify with the package's key: {what} or its signature was changed"),
            );
        }
    }
}

/// Every file against SHA256SUMS: missing, changed and unlisted files;
/// gives what SHA256SUMS lists.
fn check_sums(
    bytes: &[u8],
    entries: &BTreeMap<String, Entry>,
    faults: &mut Faults,
) -> BTreeMap<String, String> {
    let exempt: BTreeSet<&str> = [SUMS, SUMS_SIG, MANIFEST_SIG].into_iter().collect();
    let mut listed: BTreeMap<String, String> = BTreeMap::new();
    match std::str::from_utf8(bytes)
        .map_err(|_| format!("{SUMS} is not UTF-8 text"))
        .and_then(parse_sums)
    {
        Err(why) => faults.add(SUMS, FaultKind::Format, why),
        Ok(lines) => {
            for (hash, name) in lines {
                if listed.insert(name.clone(), hash).is_some() {
                    faults.add(&name, FaultKind::Format, format!("listed twice in {SUMS}"));
                }
            }
        }
    }
    for (name, want) in &listed {
        match entries.get(name) {
            None => faults.add(
                name,
                FaultKind::Missing,
                format!("{name} is listed in {SUMS} but missing from the package"),
            ),
            Some(Entry {
                sha256: Some(got), ..
            }) if got != want => faults.add(
                name,
                FaultKind::Changed,
                format!("{name} has changed: SHA-256 {got}, listed {want}"),
            ),
            _ => {}
        }
    }
    for name in entries.keys() {
        if !listed.contains_key(name) && !exempt.contains(name.as_str()) {
            faults.add(
                name,
                FaultKind::Extra,
                format!("{name} is in the package but not listed in {SUMS} (added)"),
            );
        }
    }
    listed
}

/// What the rest of the package showed, for the manifest to agree with.
struct Found<'a> {
    listed: &'a BTreeMap<String, String>,
    entries: &'a BTreeMap<String, Entry>,
    key: Option<&'a [u8; 32]>,
}

/// Parses the manifest (an error names its line and column) and checks it.
fn read_manifest(bytes: &[u8], found: &Found<'_>, faults: &mut Faults, report: &mut PackageReport) {
    match serde_json::from_slice::<Manifest>(bytes) {
        Err(e) => faults.add(
            MANIFEST,
            FaultKind::Manifest,
            format!(
                "{MANIFEST}:{}:{}: not a package manifest: {e}",
                e.line(),
                e.column()
            ),
        ),
        Ok(m) => check_manifest(&m, found, faults, report),
    }
}

/// The manifest: its header (format, key, checkpoint), then its files.
fn check_manifest(
    m: &Manifest,
    found: &Found<'_>,
    faults: &mut Faults,
    report: &mut PackageReport,
) {
    report.workspace_id = Some(m.workspace_id.clone());
    report.organisation = Some(m.organisation.clone());
    report.generated_at = Some(m.generated_at.clone());
    report.event_count = Some(m.audit_trail.event_count);
    report.head_hash = Some(m.audit_trail.head_hash.clone());
    report.chain_ok = Some(m.audit_trail.chain_ok);
    if m.format != super::FORMAT || m.version != 1 {
        faults.add(
            MANIFEST,
            FaultKind::Manifest,
            format!(
                "format `{}` version {} is not a Crosswalk package this build reads",
                m.format, m.version
            ),
        );
    }
    if let Some(k) = found.key {
        if m.signing_key.fingerprint != signing::fingerprint(k) {
            faults.add(
                MANIFEST,
                FaultKind::Manifest,
                "the manifest names a different signing key than the one in the package",
            );
        }
        if !m.checkpoint.signature_valid(k) {
            faults.add(
                MANIFEST,
                FaultKind::Signature,
                "the audit-trail checkpoint in the manifest is not signed by the package's key",
            );
        }
    }
    if m.checkpoint.event_count != m.audit_trail.event_count
        || m.checkpoint.head_hash != m.audit_trail.head_hash
        || m.checkpoint.workspace_id != m.workspace_id
    {
        faults.add(
            MANIFEST,
            FaultKind::Manifest,
            "the signed checkpoint does not match the audit trail the manifest states",
        );
    }
    manifest_file_faults(m, found.listed, found.entries, faults);
}

/// Each file the manifest describes against SHA256SUMS and the zip, and
/// each listed file the manifest leaves out.
fn manifest_file_faults(
    m: &Manifest,
    listed: &BTreeMap<String, String>,
    entries: &BTreeMap<String, Entry>,
    faults: &mut Faults,
) {
    let mut seen = BTreeSet::new();
    for f in &m.files {
        seen.insert(f.path.as_str());
        match listed.get(&f.path) {
            None => faults.add(
                &f.path,
                FaultKind::Manifest,
                format!("{} is in the manifest but not in {SUMS}", f.path),
            ),
            Some(h) if h != &f.sha256 => faults.add(
                &f.path,
                FaultKind::Manifest,
                format!("the manifest gives {} another SHA-256 than {SUMS}", f.path),
            ),
            _ => {}
        }
        if let Some(e) = entries.get(&f.path) {
            if e.sha256.is_some() && e.size != f.size {
                faults.add(
                    &f.path,
                    FaultKind::Changed,
                    format!(
                        "{} is {} bytes; the manifest says {}",
                        f.path, e.size, f.size
                    ),
                );
            }
        }
    }
    for name in listed.keys() {
        if name != MANIFEST && !seen.contains(name.as_str()) {
            faults.add(
                name,
                FaultKind::Manifest,
                format!("{name} is listed in {SUMS} but not described in the manifest"),
            );
        }
    }
    if !listed.contains_key(MANIFEST) {
        faults.add(
            MANIFEST,
            FaultKind::Manifest,
            format!("{MANIFEST} is not covered by {SUMS}"),
        );
    }
}
