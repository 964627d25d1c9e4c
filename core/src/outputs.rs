//! Reports and auditor packages written from this workspace: where a new one
//! goes when the user names no file, and the list of past ones per
//! assessment.
//!
//! A new report goes to `<workspace>/reports/`, a package to
//! `<workspace>/packages/`, named after the assessment and the day
//! (`soc-2-type-ii-2026-2026-12-02.pdf`; `-2`, `-3`… when that name is taken),
//! or `current-state-<day>` without an assessment.
//!
//! The list of past outputs is read from the audit trail, not from a folder:
//! every report and package writes one `report.generated` /
//! `package.generated` event naming its file, SHA-256, size and assessment,
//! in the transaction that publishes it. So the list also holds files the
//! CLI wrote elsewhere, and a file that was moved or changed since is shown
//! as such rather than silently dropped. Opening one ([`Workspace::past_output`])
//! re-hashes the file first: only the file the trail recorded is opened.
use crate::error::{Error, Result};
use crate::workspace::Workspace;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A report (PDF) or an auditor package (zip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    /// A PDF report (`report.generated` events, `reports/` folder).
    Report,
    /// A zip auditor package (`package.generated` events, `packages/` folder).
    Package,
}

impl OutputKind {
    fn action(self) -> &'static str {
        match self {
            OutputKind::Report => crate::audit::Note::ReportGenerated.as_str(),
            OutputKind::Package => crate::audit::Note::PackageGenerated.as_str(),
        }
    }
    /// Its name, as in JSON and `--kind`; also the audit subject of its events.
    pub fn subject(self) -> &'static str {
        match self {
            OutputKind::Report => "report",
            OutputKind::Package => "package",
        }
    }
    fn folder(self) -> &'static str {
        match self {
            OutputKind::Report => "reports",
            OutputKind::Package => "packages",
        }
    }
    fn extension(self) -> &'static str {
        match self {
            OutputKind::Report => "pdf",
            OutputKind::Package => "zip",
        }
    }
}

/// Where a past output's file stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum OutputState {
    /// A file of the recorded size is at the recorded path.
    Present,
    /// Nothing (or not a regular file) is there any more.
    Missing,
    /// A file is there, but not of the recorded size: it is not the one written.
    Changed,
}

impl OutputState {
    /// Its name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputState::Present => "present",
            OutputState::Missing => "missing",
            OutputState::Changed => "changed",
        }
    }
}

/// One report or package, as its audit event recorded it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PastOutput {
    /// The audit event that recorded it: how the window asks to open it.
    pub seq: i64,
    /// Report or package.
    pub kind: OutputKind,
    /// When it was written, RFC 3339 UTC (the event's time).
    pub at: String,
    /// Who wrote it.
    pub actor: String,
    /// Where it was written: an absolute path.
    pub path: PathBuf,
    /// The last part of `path`, for display.
    pub file_name: String,
    /// SHA-256 (lower-case hex) of the file as written.
    pub sha256: String,
    /// Its size in bytes as written (0 when the event does not say).
    pub bytes: u64,
    /// Number of pages; reports only, None for packages.
    pub pages: Option<u64>,
    /// Ids of the frameworks it covers; empty when the event does not say.
    pub frameworks: Vec<String>,
    /// The assessment it is of; None for a current-state output.
    pub assessment_id: Option<i64>,
    /// Whether the file at `path` is still the one written (by size; opening
    /// it checks the SHA-256).
    pub state: OutputState,
}

/// The outputs of one assessment (or of none: current-state reports).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OutputGroup {
    /// The assessment; None for the current-state group.
    pub assessment_id: Option<i64>,
    /// The assessment's name, or "Current state" without one (`Assessment #ID`
    /// when the assessment no longer exists).
    pub name: String,
    /// Newest first.
    pub outputs: Vec<PastOutput>,
}

/// The longest name part of a generated file: file names stay readable and
/// far from the 255-byte limit, whatever the assessment is called.
const MAX_NAME_CHARS: usize = 60;
/// The most `-N` suffixes tried before giving up on a free name.
const MAX_SUFFIX: u32 = 1000;

/// Lower-case words of `name` joined by `-` (letters and digits of any
/// script kept; everything else separates words).
pub fn file_stem(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word: String = word.chars().flat_map(char::to_lowercase).collect();
        let sep = usize::from(!out.is_empty());
        if out.chars().count() + sep + word.chars().count() > MAX_NAME_CHARS {
            if out.is_empty() {
                out = word.chars().take(MAX_NAME_CHARS).collect();
            }
            break;
        }
        if sep == 1 {
            out.push('-');
        }
        out.push_str(&word);
    }
    out
}

impl Workspace {
    /// Where a new report or package of `assessment_id` goes when the user
    /// names no file (see the module's rule). The folder is created.
    pub fn output_path(&self, kind: OutputKind, assessment_id: Option<i64>) -> Result<PathBuf> {
        let stem = match assessment_id {
            Some(id) => {
                let a = self.assessment(id)?;
                let s = file_stem(&a.name);
                if s.is_empty() {
                    format!("assessment-{id}")
                } else {
                    s
                }
            }
            None => "current-state".to_string(),
        };
        let day = self.today();
        let dir = self.dir().join(kind.folder());
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        for n in 1..=MAX_SUFFIX {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!("-{n}")
            };
            let path = dir.join(format!("{stem}-{day}{suffix}.{}", kind.extension()));
            // symlink_metadata: a dangling link still takes the name.
            if std::fs::symlink_metadata(&path).is_err() {
                return Ok(path);
            }
        }
        Err(Error::Usage(format!(
            "{} already holds {MAX_SUFFIX} files named {stem}-{day}; move some away",
            dir.display()
        )))
    }

    /// Every report and package the audit trail records, grouped by
    /// assessment: current-state outputs first, then assessments by name.
    pub fn past_outputs(&self) -> Result<Vec<OutputGroup>> {
        let names: BTreeMap<i64, String> = self
            .assessments()?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let mut groups: BTreeMap<Option<i64>, Vec<PastOutput>> = BTreeMap::new();
        for kind in [OutputKind::Report, OutputKind::Package] {
            for e in self.log(usize::MAX >> 1, Some(kind.subject()))? {
                if e.action != kind.action() {
                    continue;
                }
                if let Some(o) = past_output(e, kind) {
                    groups.entry(o.assessment_id).or_default().push(o);
                }
            }
        }
        let mut out: Vec<OutputGroup> = groups
            .into_iter()
            .map(|(assessment_id, mut outputs)| {
                outputs.sort_by_key(|o| std::cmp::Reverse(o.seq));
                let name = match assessment_id {
                    None => "Current state".to_string(),
                    Some(id) => names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| format!("Assessment #{id}")),
                };
                OutputGroup {
                    assessment_id,
                    name,
                    outputs,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (a.assessment_id.is_some(), &a.name).cmp(&(b.assessment_id.is_some(), &b.name))
        });
        Ok(out)
    }

    /// The past output of audit event `seq`, checked to be the very file the
    /// trail recorded (same SHA-256) before anyone opens it.
    pub fn past_output(&self, seq: i64) -> Result<PastOutput> {
        let found = self
            .past_outputs()?
            .into_iter()
            .flat_map(|g| g.outputs)
            .find(|o| o.seq == seq)
            .ok_or_else(|| {
                Error::NotFound(format!("audit event #{seq} records no report or package"))
            })?;
        let what = found.kind.subject();
        if found.state == OutputState::Missing {
            return Err(Error::NotFound(format!(
                "the {what} {} is no longer there; it was moved or deleted after it was written on {}",
                found.path.display(),
                prefix(&found.at, 10)
            )));
        }
        let sha = crate::evidence::hash_file(&found.path, &mut |_, _| {})
            .map_err(|e| Error::io(format!("cannot read {}", found.path.display()), e))?;
        if sha != found.sha256 {
            return Err(Error::Usage(format!(
                "{} is not the {what} written on {}: its content changed since (SHA-256 {} instead of {}); generate it again",
                found.path.display(),
                prefix(&found.at, 10),
                prefix(&sha, 12),
                prefix(&found.sha256, 12)
            )));
        }
        Ok(found)
    }
}

/// The path an output's audit event records: absolute, so the listing finds
/// the file whichever folder the CLI was run from.
pub(crate) fn recorded_path(out: &Path) -> String {
    std::path::absolute(out)
        .unwrap_or_else(|_| out.to_path_buf())
        .display()
        .to_string()
}

/// The output an audit event records; None when its details lack a path
/// (an event from before outputs recorded one).
fn past_output(e: crate::audit::AuditEvent, kind: OutputKind) -> Option<PastOutput> {
    let d = &e.details;
    let path = PathBuf::from(d.get("path")?.as_str()?);
    let bytes = d.get("bytes").and_then(|b| b.as_u64()).unwrap_or(0);
    let state = state_of(&path, bytes);
    Some(PastOutput {
        seq: e.seq,
        kind,
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
        sha256: d.get("sha256")?.as_str()?.to_string(),
        bytes,
        pages: d.get("pages").and_then(|p| p.as_u64()),
        frameworks: d
            .get("frameworks")
            .and_then(|f| f.as_array())
            .map(|f| {
                f.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
        assessment_id: d.get("assessment").and_then(|a| a.as_i64()),
        at: e.at,
        actor: e.actor,
        path,
        state,
    })
}

fn state_of(path: &Path, bytes: u64) -> OutputState {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes => OutputState::Present,
        Ok(m) if m.is_file() => OutputState::Changed,
        _ => OutputState::Missing,
    }
}

/// The first `n` characters of text read back from the audit trail; never
/// cuts inside a character, whatever a hand-edited trail holds.
fn prefix(text: &str, n: usize) -> &str {
    text.char_indices().nth(n).map_or(text, |(i, _)| &text[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_words_of_the_name() {
        assert_eq!(file_stem("SOC 2 Type II 2026"), "soc-2-type-ii-2026");
        assert_eq!(
            file_stem("  ISO/IEC 27001: Surveillance #1 "),
            "iso-iec-27001-surveillance-1"
        );
        assert_eq!(file_stem("Prüfung Q3"), "prüfung-q3");
        assert_eq!(file_stem("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_stem("***"), "");
        let long = file_stem(&"word ".repeat(40));
        assert!(long.chars().count() <= MAX_NAME_CHARS, "{long}");
        assert!(!long.ends_with('-'));
        assert_eq!(file_stem(&"x".repeat(100)).chars().count(), MAX_NAME_CHARS);
    }
}
