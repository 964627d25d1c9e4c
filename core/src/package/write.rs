//! Writing an auditor package: the report, the registers and every evidence
//! file streamed from the vault into a zip at a temporary name, then the
//! manifest, SHA256SUMS and their signatures, then the rename and the audit
//! event with its signed checkpoint.
use super::*;
use crate::audit::{Note, Subject};
use crate::hash::Sha256Stream;
use crate::workspace::{timestamp, Workspace};
use names::UniqueNames;
use serde_json::json;
use std::io::{Read, Seek, Write};

/// The readable name of an evidence file: `<date> <title>[ (revision N)].<ext>`.
fn evidence_name(f: &EvidenceFile) -> String {
    let date = match f.entry.evidence_date {
        Some(d) => d.to_string(),
        None => f.revision.added_at.get(..10).unwrap_or("").to_string(),
    };
    let ext = names::extension_of(&f.revision.file_name);
    let mut title = f.evidence.title.trim().to_string();
    if !ext.is_empty() && title.to_lowercase().ends_with(&ext) {
        title.truncate(title.len() - ext.len());
    }
    let rev = if f.entry.current {
        String::new()
    } else {
        format!(" (revision {})", f.revision.number)
    };
    // Keep the extension through the length cut: shorten the title first.
    let max_title =
        names::MAX_COMPONENT_BYTES.saturating_sub(date.len() + rev.len() + ext.len() + 1);
    let mut short = String::new();
    for c in title.chars() {
        if short.len() + c.len_utf8() > max_title {
            break;
        }
        short.push(c);
    }
    format!("{date} {short}{rev}{ext}")
}

/// Copies `r` into `w`, returning its SHA-256 and size.
fn copy_hashing(
    r: &mut dyn Read,
    w: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256Stream::new();
    let mut buf = vec![0u8; CHUNK];
    let mut n_total = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        w.write_all(&buf[..n])?;
        n_total += n as u64;
        progress(n as u64);
    }
    Ok((hasher.finish_hex(), n_total))
}

/// The zip side: fixed entry time and permissions so the bytes are reproducible.
struct Writer<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    time: zip::DateTime,
    files: Vec<ManifestFile>,
}

impl<W: Write + Seek> Writer<W> {
    fn options(&self, size: u64) -> zip::write::SimpleFileOptions {
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(self.time)
            .unix_permissions(0o644)
            .large_file(size >= u32::MAX as u64)
    }

    fn start(&mut self, path: &str, size: u64) -> Result<()> {
        let options = self.options(size);
        self.zip.start_file(path, options).map_err(|e| {
            Error::io(
                format!("cannot add {path} to the package"),
                std::io::Error::other(e.to_string()),
            )
        })
    }

    fn add_bytes(&mut self, path: &str, role: Role, bytes: &[u8], listed: bool) -> Result<()> {
        self.start(path, bytes.len() as u64)?;
        self.zip
            .write_all(bytes)
            .map_err(|e| Error::io(format!("cannot write {path} into the package"), e))?;
        if listed {
            self.files.push(ManifestFile {
                path: path.to_string(),
                role,
                sha256: crate::hash::sha256_hex(bytes),
                size: bytes.len() as u64,
                evidence: None,
            });
        }
        Ok(())
    }
}

fn zip_time(at: chrono::DateTime<chrono::Utc>) -> zip::DateTime {
    use chrono::{Datelike, Timelike};
    // A zip entry time is local, 2-second resolution, from 1980 on; UTC is used.
    let at = at.max(chrono::DateTime::from_timestamp(315_532_800, 0).unwrap());
    zip::DateTime::from_date_and_time(
        at.year().min(2107) as u16,
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
        at.second() as u8,
    )
    .unwrap_or_default()
}

fn readme(m: &Manifest) -> String {
    let sel = &m.selection;
    format!(
        "Crosswalk audit package\r\n\
         =======================\r\n\r\n\
         Organisation:  {org}\r\n\
         Generated:     {at} by {by}\r\n\
         Frameworks:    {fw}\r\n\
         Period:        {period}\r\n\
         Assessment:    {assessment}\r\n\
         Audit trail:   {count} events, head {head} ({chain})\r\n\
         Signing key:   Ed25519, fingerprint {fp}\r\n\r\n\
         Contents: report.pdf (the audit report), registers/ (CSV and one XLSX\r\n\
         workbook), evidence/<control>/<evidence date> <title> (each evidence file\r\n\
         as collected), manifest.json (what every file is), SHA256SUMS, and\r\n\
         signature/ (Ed25519 signatures of SHA256SUMS and manifest.json, and the\r\n\
         public key).\r\n\r\n\
         To check this package without Crosswalk, in the unpacked folder:\r\n\r\n\
         \x20 sha256sum -c SHA256SUMS\r\n\
         \x20 openssl pkeyutl -verify -pubin -inkey {key} -rawin -in SHA256SUMS -sigfile {sums_sig}\r\n\
         \x20 openssl pkeyutl -verify -pubin -inkey {key} -rawin -in manifest.json -sigfile {manifest_sig}\r\n\
         \x20 openssl pkey -pubin -in {key} -outform DER | tail -c 32 | sha256sum\r\n\r\n\
         The last line prints the key's fingerprint (without spaces): compare it with\r\n\
         the fingerprint the organisation gave you. A valid signature proves the files\r\n\
         were signed with this key; only the fingerprint proves the key is theirs.\r\n\
         With Crosswalk: crosswalk package verify <package.zip> --key \"<fingerprint>\"\r\n",
        org = m.organisation,
        at = m.generated_at,
        by = m.generated_by,
        fw = sel.frameworks.join(", "),
        period = sel
            .period
            .map(|(a, b)| format!("{a} to {b}"))
            .unwrap_or_else(|| "none set".into()),
        assessment = sel
            .assessment
            .map(|id| format!("#{id} {}", sel.assessment_name.clone().unwrap_or_default()))
            .unwrap_or_else(|| "none".into()),
        count = m.audit_trail.event_count,
        head = m.audit_trail.head_hash,
        chain = if m.audit_trail.chain_ok { "verified intact" } else { "FAULTS FOUND" },
        fp = m.signing_key.fingerprint,
        key = PUBLIC_KEY,
        sums_sig = SUMS_SIG,
        manifest_sig = MANIFEST_SIG,
    )
}

impl Workspace {
    /// Writes the auditor package of a selection to `out`, records a signed
    /// checkpoint and the package in the audit trail.
    pub fn write_package(
        &mut self,
        request: &ReportRequest,
        out: &Path,
        progress: &mut dyn FnMut(PackageProgress),
    ) -> Result<PackageSummary> {
        let key = self.workspace_key()?;
        progress(PackageProgress {
            phase: "verifying",
            done: 0,
            total: 100,
        });
        let data = self.report_data(request, &mut |p| {
            progress(PackageProgress {
                phase: "verifying",
                done: p.percent as u64,
                total: 100,
            })
        })?;
        let (event_count, head_hash) = crate::signing::head(&self.conn)?;
        let at = crate::now();
        let generated_at = timestamp(at);
        let checkpoint = key.checkpoint(event_count, &head_hash, &generated_at, "package");
        started(progress, "report");
        let pdf = crate::report::render_pdf(&data)?;
        let sel = self.selection(request)?;
        let files = evidence_files(&sel);
        let (dir, mut tmp, mut w) = open_temp(out, at)?;
        let manifest_base = self.manifest_base(&key, &data, &sel, &checkpoint);
        w.add_bytes(
            "README.txt",
            Role::Readme,
            readme(&manifest_base).as_bytes(),
            true,
        )?;
        w.add_bytes("report.pdf", Role::Report, &pdf, true)?;
        drop(pdf);
        started(progress, "registers");
        self.add_registers(&mut w, &sel, at)?;
        let evidence_bytes = self.add_evidence_files(&mut w, &files, progress)?;
        started(progress, "signing");
        let manifest = sign_and_finish(w, &key, manifest_base, out)?;
        let (bytes, sha256) = persist(tmp.as_file_mut(), out)?;
        tmp.persist(out)
            .map_err(|e| Error::io(format!("cannot write {}", out.display()), e.error))?;
        crate::fsutil::sync_dir(dir);

        self.record_package(
            request,
            out,
            &manifest,
            &checkpoint,
            files.len(),
            (bytes, &sha256),
        )?;
        progress(PackageProgress {
            phase: "done",
            done: 1,
            total: 1,
        });
        Ok(PackageSummary {
            path: out.to_path_buf(),
            bytes,
            sha256,
            files: manifest.files.len() + 4,
            evidence_files: files.len(),
            evidence_bytes,
            fingerprint: key.info.fingerprint.clone(),
            chain_ok: manifest.audit_trail.chain_ok,
            checkpoint,
        })
    }

    /// The manifest's fields, all but its file list.
    fn manifest_base(
        &self,
        key: &crate::signing::WorkspaceKey,
        data: &crate::report::ReportData,
        sel: &Selection,
        checkpoint: &Checkpoint,
    ) -> Manifest {
        Manifest {
            format: FORMAT.into(),
            version: 1,
            workspace_id: key.info.workspace_id.clone(),
            organisation: data.organisation.clone(),
            generated_at: checkpoint.at.clone(),
            generated_by: self.actor().to_string(),
            selection: ManifestSelection {
                assessment: data.assessment.as_ref().map(|a| a.id),
                assessment_name: data.assessment.as_ref().map(|a| a.name.clone()),
                frameworks: sel.framework_ids(),
                period: sel.period,
            },
            audit_trail: trail_of(&data.verify, &checkpoint.head_hash, checkpoint.event_count),
            checkpoint: checkpoint.clone(),
            signing_key: ManifestKey {
                algorithm: "ed25519".into(),
                fingerprint: key.info.fingerprint.clone(),
                public_key: key.info.public_key.clone(),
                file: PUBLIC_KEY.into(),
            },
            files: Vec::new(),
        }
    }

    /// The checkpoint and the package's audit event, in one transaction.
    fn record_package(
        &mut self,
        request: &ReportRequest,
        out: &Path,
        manifest: &Manifest,
        checkpoint: &Checkpoint,
        evidence_files: usize,
        (bytes, sha256): (u64, &str),
    ) -> Result<()> {
        let key_fingerprint = &checkpoint.fingerprint;
        let tx = self.begin()?;
        self.store_checkpoint(&tx, checkpoint)?;
        self.record_note(
            &tx,
            Note::PackageGenerated,
            &Subject::Package,
            format!(
                "Wrote the auditor package for {} ({} files, {} of them evidence) to {}",
                manifest.selection.frameworks.join(", "),
                manifest.files.len() + 4,
                evidence_files,
                out.display()
            ),
            json!({"sha256": sha256, "bytes": bytes, "files": manifest.files.len() + 4, "evidence_files": evidence_files, "frameworks": manifest.selection.frameworks, "assessment": request.assessment_id, "period": manifest.selection.period, "path": crate::outputs::recorded_path(out), "fingerprint": key_fingerprint, "head_hash": checkpoint.head_hash, "event_count": checkpoint.event_count}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Each register as CSV, and all of them in one workbook; the SoA only
    /// when ISO/IEC 27001 is selected.
    fn add_registers(
        &self,
        w: &mut Writer<PackageFile>,
        sel: &Selection,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let mut regs = Vec::new();
        let iso = sel.framework_ids().iter().any(|f| f == registers::ISO27001);
        for kind in RegisterKind::ALL {
            if kind == RegisterKind::Soa && !iso {
                continue;
            }
            regs.push(self.register(sel, kind)?);
        }
        for reg in &regs {
            let mut csv = Vec::new();
            registers::write_csv(reg, &mut csv)?;
            w.add_bytes(
                &format!("registers/{}.csv", reg.kind.name()),
                Role::Register,
                &csv,
                true,
            )?;
        }
        let xlsx = registers::write_xlsx(&regs.iter().collect::<Vec<_>>(), at)?;
        w.add_bytes("registers/registers.xlsx", Role::Register, &xlsx, true)
    }

    /// Streams every evidence file from the vault into the zip, re-hashing
    /// it on the way: a file that no longer matches stops the package.
    /// Gives the bytes copied.
    fn add_evidence_files(
        &self,
        w: &mut Writer<PackageFile>,
        files: &[EvidenceFile],
        progress: &mut dyn FnMut(PackageProgress),
    ) -> Result<u64> {
        let total: u64 = files.iter().map(|f| f.revision.size).sum();
        let mut done = 0u64;
        let mut unique = UniqueNames::default();
        let vault = self.vault();
        let mut evidence_bytes = 0u64;
        for f in files {
            let path = unique.claim(&["evidence", &f.entry.control], &evidence_name(f));
            let blob = vault.location(&f.revision.sha256);
            let who = format!("evidence #{} revision {}", f.evidence.id, f.revision.number);
            // The store's reader decrypts (if need be) and never blocks on a
            // FIFO or follows a link planted in the vault.
            let mut input = vault.open(&f.revision.sha256).map_err(|e| {
                Error::io(
                    format!("cannot read the stored file of {who} ({})", blob.display()),
                    e,
                )
            })?;
            w.start(&path, f.revision.size)?;
            let (sha, size) = copy_hashing(&mut input, &mut w.zip, &mut |n| {
                done += n;
                progress(PackageProgress {
                    phase: "evidence",
                    done,
                    total,
                });
            })
            .map_err(|e| match crate::vault::Integrity::of(&e) {
                // The store's reader checks the hash (and, encrypted, each chunk).
                Some(why) => Error::Usage(format!(
                    "the stored file of {who} has changed since it was collected ({why}, recorded {}); run `crosswalk verify`. No package was written",
                    f.revision.sha256
                )),
                None => Error::io(format!("cannot copy {who} into the package"), e),
            })?;
            if sha != f.revision.sha256 {
                return Err(Error::Usage(format!(
                    "the stored file of {who} has changed since it was collected (SHA-256 {sha}, recorded {}); run `crosswalk verify`. No package was written",
                    f.revision.sha256
                )));
            }
            evidence_bytes += size;
            w.files.push(ManifestFile {
                path,
                role: Role::Evidence,
                sha256: sha,
                size,
                evidence: Some(f.entry.clone()),
            });
        }
        Ok(evidence_bytes)
    }
}

/// A phase of writing has begun.
fn started(progress: &mut dyn FnMut(PackageProgress), phase: &'static str) {
    progress(PackageProgress {
        phase,
        done: 0,
        total: 1,
    });
}

/// The zip's file: a temporary file beside `out`, buffered.
type PackageFile = std::io::BufWriter<std::fs::File>;

/// A temporary file in `out`'s folder and a zip writer on it.
fn open_temp(
    out: &Path,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(&Path, tempfile::NamedTempFile, Writer<PackageFile>)> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let ctx = || format!("cannot write {}", out.display());
    let tmp = tempfile::Builder::new()
        .prefix(".crosswalk-package-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(ctx(), e))?;
    let w = Writer {
        zip: zip::ZipWriter::new(std::io::BufWriter::with_capacity(
            CHUNK,
            tmp.as_file().try_clone().map_err(|e| Error::io(ctx(), e))?,
        )),
        time: zip_time(at),
        files: Vec::new(),
    };
    Ok((dir, tmp, w))
}

/// What the manifest says of the trail: its head and what verify found.
fn trail_of(v: &crate::verify::VerifyReport, head_hash: &str, event_count: i64) -> ManifestTrail {
    ManifestTrail {
        head_hash: head_hash.to_string(),
        event_count,
        chain_ok: v.ok,
        faults: v
            .faults
            .iter()
            .map(|f| format!("{}: {}", f.subject, f.message))
            .collect(),
    }
}

/// The public key, the manifest, SHA256SUMS and both signatures; then the
/// zip is finished and flushed. Gives the manifest as written.
fn sign_and_finish(
    mut w: Writer<PackageFile>,
    key: &crate::signing::WorkspaceKey,
    manifest_base: Manifest,
    out: &Path,
) -> Result<Manifest> {
    let ctx = |what: &str| format!("cannot {what} {}", out.display());
    let pem = key.public_key_pem();
    w.add_bytes(PUBLIC_KEY, Role::PublicKey, pem.as_bytes(), true)?;
    let manifest = Manifest {
        files: w.files.clone(),
        ..manifest_base
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).expect("serializes");
    w.add_bytes(MANIFEST, Role::Readme, &manifest_bytes, false)?;
    // SHA256SUMS covers every file but itself and the signatures.
    let mut sums = String::new();
    for f in &manifest.files {
        sums.push_str(&format!("{}  {}\n", f.sha256, f.path));
    }
    sums.push_str(&format!(
        "{}  {MANIFEST}\n",
        crate::hash::sha256_hex(&manifest_bytes)
    ));
    w.add_bytes(SUMS, Role::Readme, sums.as_bytes(), false)?;
    w.add_bytes(SUMS_SIG, Role::Readme, &key.sign(sums.as_bytes()), false)?;
    w.add_bytes(
        MANIFEST_SIG,
        Role::Readme,
        &key.sign(&manifest_bytes),
        false,
    )?;
    let mut buffered = w
        .zip
        .finish()
        .map_err(|e| Error::io(ctx("finish"), std::io::Error::other(e.to_string())))?;
    buffered.flush().map_err(|e| Error::io(ctx("write"), e))?;
    Ok(manifest)
}

/// Syncs the finished zip and reads it back: its size and SHA-256.
fn persist(file: &mut std::fs::File, out: &Path) -> Result<(u64, String)> {
    let ctx = |what: &str| format!("cannot {what} {}", out.display());
    file.sync_all().map_err(|e| Error::io(ctx("sync"), e))?;
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    file.rewind().map_err(|e| Error::io(ctx("read back"), e))?;
    let (sha256, _) = copy_hashing(file, &mut std::io::sink(), &mut |_| {})
        .map_err(|e| Error::io(ctx("read back"), e))?;
    Ok((bytes, sha256))
}
