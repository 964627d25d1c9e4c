//! Text output of the CLI. Presentation only: every figure comes from core.
use crosswalk_core::applicability::{ApplicabilityDecision, SoaDocument};
use crosswalk_core::assessment::Assessment;
use crosswalk_core::audit::AuditEvent;
use crosswalk_core::coverage::FrameworkCoverage;
use crosswalk_core::evidence::Expiry;
use crosswalk_core::import::ImportReport;
use crosswalk_core::verify::VerifyReport;
use crosswalk_core::{Control, Error, Evidence, Status};
use serde::Serialize;

// Every line this module prints may quote imported text: these shadow the std
// macros so that no escape sequence from a file ever reaches the terminal raw.
macro_rules! println {
    () => { std::println!() };
    ($($t:tt)*) => { std::println!("{}", crosswalk_core::text::printable(&format!($($t)*))) };
}
macro_rules! eprintln {
    ($($t:tt)*) => { std::eprintln!("{}", crosswalk_core::text::printable(&format!($($t)*))) };
}

pub fn error(e: &Error) {
    let text = e.to_string();
    let mut lines = text.lines();
    eprintln!("error: {}", lines.next().unwrap_or(""));
    for l in lines {
        eprintln!("error: {l}");
    }
}

/// One line of `crosswalk frameworks`.
#[derive(Serialize)]
pub struct FrameworkRow {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub version: String,
    pub requirements: usize,
    pub assessable: usize,
    pub covered: usize,
    /// Requirements with related coverage from other frameworks (not counted as covered).
    pub related_coverage: usize,
    pub partial: usize,
    pub stale: usize,
    pub gap: usize,
    pub not_applicable: usize,
    pub percent_covered: f64,
    /// Whether the organisation tracks it (untracked ones show only with `--all`).
    pub tracked: bool,
}

impl FrameworkRow {
    pub fn tracked(mut self, tracked: bool) -> Self {
        self.tracked = tracked;
        self
    }
}

impl From<&FrameworkCoverage> for FrameworkRow {
    fn from(f: &FrameworkCoverage) -> Self {
        FrameworkRow {
            id: f.framework.id.clone(),
            name: f.framework.name.clone(),
            short_name: f.framework.short_name.clone(),
            version: f.framework.version.clone(),
            requirements: f.requirements.len(),
            assessable: f.assessable,
            covered: f.counts.covered,
            related_coverage: f.related_coverage,
            partial: f.counts.partial,
            stale: f.counts.stale,
            gap: f.counts.gap,
            not_applicable: f.counts.not_applicable,
            percent_covered: f.percent_covered,
            tracked: true,
        }
    }
}

pub fn frameworks(rows: &[FrameworkRow]) {
    println!(
        "{:<16} {:<18} {:>6} {:>10} {:>8} {:>7} {:>8} {:>6} {:>5} {:>8}",
        "ID",
        "FRAMEWORK",
        "REQS",
        "ASSESSABLE",
        "COVERED",
        "RELATED",
        "PARTIAL",
        "STALE",
        "GAP",
        "COVERAGE"
    );
    for r in rows {
        println!(
            "{:<16} {:<18} {:>6} {:>10} {:>8} {:>7} {:>8} {:>6} {:>5} {:>7.1}%",
            if r.tracked {
                r.id.clone()
            } else {
                format!("({})", r.id)
            },
            r.short_name,
            r.requirements,
            r.assessable,
            r.covered,
            r.related_coverage,
            r.partial,
            r.stale,
            r.gap,
            r.percent_covered
        );
    }
}

fn status_text(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Covered) => "covered",
        Some(Status::Partial) => "partial",
        Some(Status::Stale) => "STALE",
        Some(Status::Gap) => "GAP",
        Some(Status::NotApplicable) => "n/a",
        None => "",
    }
}

pub fn coverage(frameworks: &[FrameworkCoverage], expiry: &Expiry) {
    for f in frameworks {
        println!("rule: {}", f.rule);
        let c = &f.counts;
        println!(
            "{} — {:.1}% covered ({} of {} in scope; {} partial, {} stale, {} gaps, {} not applicable; {} with related coverage)",
            f.framework.name,
            f.percent_covered,
            c.covered,
            c.in_scope(),
            c.partial,
            c.stale,
            c.gap,
            c.not_applicable,
            f.related_coverage
        );
        for r in f.requirements.iter().filter(|r| r.assessable) {
            let controls: Vec<&str> = r.controls.iter().map(|c| c.id.as_str()).collect();
            let mut line = format!(
                "  {:<22} {:<14} {}",
                r.reference,
                status_text(r.status),
                r.title
            );
            if !controls.is_empty() {
                line.push_str(&format!("  [{}]", controls.join(", ")));
            }
            if !r.related_coverage.is_empty() {
                let via: Vec<&str> = r
                    .related_coverage
                    .iter()
                    .map(|v| v.summary.as_str())
                    .collect();
                line.push_str(&format!(
                    "  (related coverage, not counted: {})",
                    via.join("; ")
                ));
            }
            println!("{line}");
            if !r.reason.is_empty() {
                println!("  {:<22} {}", "", r.reason);
            }
            if let Some(d) = &r.decision {
                println!(
                    "  {:<22} decided {} by {} on {} ({})",
                    "",
                    if d.applicable {
                        "applicable"
                    } else {
                        "not applicable"
                    },
                    if d.decided_by.is_empty() {
                        "—"
                    } else {
                        &d.decided_by
                    },
                    d.decided_at,
                    d.source
                );
            }
        }
        println!();
    }
    if !expiry.expired.is_empty() || !expiry.expiring.is_empty() {
        expiry_text(expiry);
    }
}

pub fn expiry(x: &Expiry) {
    expiry_text(x);
}

fn expiry_text(x: &Expiry) {
    println!("Expired evidence ({}):", x.expired.len());
    for e in &x.expired {
        println!(
            "  #{:<5} {}  expired {}  [{}]",
            e.id,
            e.title,
            e.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            e.controls.join(", ")
        );
    }
    println!(
        "Expiring within {} days ({}):",
        x.within_days,
        x.expiring.len()
    );
    for e in &x.expiring {
        println!(
            "  #{:<5} {}  expires {}  [{}]",
            e.id,
            e.title,
            e.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            e.controls.join(", ")
        );
    }
}

pub fn controls(list: &[Control]) {
    println!(
        "{:<16} {:<15} {:<22} {:>8}  TITLE",
        "ID", "STATUS", "OWNER", "MAPPINGS"
    );
    for c in list {
        println!(
            "{:<16} {:<15} {:<22} {:>8}  {}",
            c.id,
            c.status.as_str(),
            c.owner,
            c.mappings.len(),
            c.title
        );
    }
    println!("{} controls", list.len());
}

#[derive(Serialize)]
pub struct ControlView {
    #[serde(flatten)]
    pub control: Control,
    pub evidence: Vec<Evidence>,
}

pub fn control(v: &ControlView) {
    let c = &v.control;
    println!("{} — {}", c.id, c.title);
    println!("  status:   {}", c.status);
    println!("  category: {}", c.category);
    println!("  owner:    {}", c.owner);
    if let Some(d) = c.review_every_days {
        println!("  review:   every {d} days");
    }
    if !c.description.is_empty() {
        println!("  {}", c.description);
    }
    println!("  maps to:");
    for m in &c.mappings {
        let extra = m
            .rationale
            .as_deref()
            .map(|r| format!(" — {r}"))
            .unwrap_or_default();
        println!(
            "    {:<16} {:<22} {}{extra}",
            m.framework_id, m.reference, m.coverage
        );
    }
    println!("  evidence:");
    for e in &v.evidence {
        println!(
            "    #{:<5} {:<5} {}  collected {} by {}  uploaded {}  valid until {}",
            e.id,
            e.kind.as_str(),
            e.title,
            e.collected_on,
            e.collected_by,
            e.uploaded_at().get(..10).unwrap_or(e.uploaded_at()),
            e.valid_until
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into())
        );
    }
}

pub fn evidence_list(list: &[Evidence], today: chrono::NaiveDate, expiry_window: u32) {
    evidence_rows(
        list.iter()
            .map(|e| (e, e.validity_on(today, expiry_window).as_str())),
    );
    println!("{} items", list.len());
}

/// The register: each item with its status, then how many of each status
/// match the other filters.
pub fn evidence_register(r: &crosswalk_core::evidence_register::EvidenceRegister) {
    evidence_rows(
        r.rows
            .iter()
            .map(|row| (&row.evidence, row.status.as_str())),
    );
    let c = &r.counts;
    println!(
        "{} of {} items (as of {}, expiring = within {} days): {} expired, {} expiring, {} valid, {} without expiry",
        r.rows.len(),
        r.total,
        r.as_of,
        r.within_days,
        c.expired,
        c.expiring,
        c.valid,
        c.no_expiry
    );
}

fn evidence_rows<'a>(rows: impl Iterator<Item = (&'a Evidence, &'a str)>) {
    println!(
        "{:<6} {:<5} {:<11} {:<11} {:<14} {:<11} {:<9} {:<20} TITLE",
        "ID", "KIND", "COLLECTED", "UPLOADED", "COLLECTED BY", "VALID TO", "STATE", "CONTROLS"
    );
    for (e, state) in rows {
        println!(
            "{:<6} {:<5} {:<11} {:<11} {:<14} {:<11} {:<9} {:<20} {}",
            e.id,
            e.kind.as_str(),
            e.collected_on.to_string(),
            e.uploaded_at().get(..10).unwrap_or(e.uploaded_at()),
            e.collected_by,
            e.valid_until
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into()),
            state,
            e.controls.join(","),
            e.title
        );
    }
}

pub fn evidence_detail(e: &Evidence) {
    println!("evidence #{} — {}", e.id, e.title);
    println!("  kind:         {}", e.kind);
    println!("  controls:     {}", e.controls.join(", "));
    println!("  collected:    {} by {}", e.collected_on, e.collected_by);
    println!("  uploaded:     {}", e.uploaded_at());
    if let Some(s) = e.series_id {
        println!(
            "  occurrence:   a later collection of #{s} (see `evidence occurrences {}`)",
            e.id
        );
    }
    println!(
        "  valid until:  {}",
        e.valid_until
            .map(|d| d.to_string())
            .unwrap_or_else(|| "no expiry".into())
    );
    if let Some(u) = &e.url {
        println!("  url:          {u}");
    }
    if let Some(n) = &e.note {
        println!("  note:         {n}");
    }
    if let Some(r) = &e.removed_at {
        println!("  REMOVED at {r}");
    }
    for r in &e.revisions {
        println!(
            "  revision {}: {}  {} bytes  sha256 {}  added {}",
            r.number, r.file_name, r.size, r.sha256, r.added_at
        );
    }
}

pub fn import(r: &ImportReport) {
    let verb = if r.dry_run { "would be" } else { "" };
    let say = |label: &str, ids: &[String]| {
        if !ids.is_empty() {
            println!("{label} {verb} ({}): {}", ids.len(), ids.join(", "));
        }
    };
    say("added", &r.added);
    if !r.changed.is_empty() {
        println!("changed {verb} ({}):", r.changed.len());
        for c in &r.changed {
            println!("  {} ({})", c.id, c.fields.join(", "));
        }
    }
    println!("unchanged: {}", r.unchanged.len());
    say("removed", &r.removed);
    if !r.missing.is_empty() {
        println!(
            "no longer in their file, kept ({}): {} — re-run with --prune to remove them",
            r.missing.len(),
            r.missing.join(", ")
        );
    }
    println!(
        "evidence: {} added, {} updated, {} unchanged",
        r.evidence_added, r.evidence_updated, r.evidence_unchanged
    );
    if !r.frameworks.is_empty() {
        println!("frameworks loaded: {}", r.frameworks.join(", "));
    }
    if r.crosswalk_links > 0 {
        println!("crosswalk links: {}", r.crosswalk_links);
    }
    for c in &r.catalog_changes {
        println!("catalogs: {c}");
    }
    if !r.skipped.is_empty() {
        println!("skipped (not Crosswalk files): {}", r.skipped.join(", "));
    }
    crate::interop::print_import(r);
    for s in &r.passed_over {
        println!("passed over: {}: {}", s.path, s.reason);
    }
    if r.dry_run {
        println!(
            "files it would read: {}",
            r.files.len() + r.evidence_files.len()
        );
        for f in r.files.iter().chain(&r.evidence_files) {
            println!("  {f}");
        }
        println!("dry run: nothing was written");
    }
}

pub fn gc(r: &crosswalk_core::gc::GcReport) {
    let verb = if r.dry_run { "would remove" } else { "removed" };
    for p in r.orphan_blobs.iter().chain(&r.temp_files) {
        println!("{verb} {p}");
    }
    println!(
        "{verb} {} unreferenced vault file(s) and {} partial ingest file(s), {} bytes; {} younger than an hour kept",
        r.orphan_blobs.len(),
        r.temp_files.len(),
        r.bytes,
        r.kept_recent
    );
}

pub fn verify(r: &VerifyReport) {
    println!(
        "audit events checked: {} (chain head {})",
        r.events_checked, r.last_event_hash
    );
    println!(
        "controls checked: {}, evidence checked: {}, files re-hashed: {} ({} bytes)",
        r.controls_checked, r.evidence_checked, r.files_checked, r.bytes_hashed
    );
    println!(
        "frameworks, requirements, crosswalk links and settings checked: {}",
        r.reference_rows_checked
    );
    for a in &r.anchors_checked {
        println!("anchor {a}: the trail still holds exactly these events");
    }
    if r.anchors_checked.is_empty() && r.ok {
        println!("note: without --anchor this proves the trail consistent, not that it was never rewritten or cut short; keep the anchor {}:{} (every report carries one)", r.last_event_hash, r.events_checked);
    }
    for l in &r.leftovers {
        println!("note: {l} is a partial file from an interrupted ingest; nothing refers to it (`crosswalk gc` removes it)");
    }
    for l in &r.orphan_blobs {
        println!(
            "note: {l} is in the vault but no evidence refers to it (`crosswalk gc` removes it)"
        );
    }
    if r.ok {
        println!("OK: no faults");
    } else {
        for f in &r.faults {
            println!("FAULT {}: {}", f.subject, f.message);
        }
        println!(
            "{} fault{}",
            r.faults.len(),
            if r.faults.len() == 1 { "" } else { "s" }
        );
    }
}

pub fn log(events: &[AuditEvent]) {
    for e in events {
        println!(
            "{:>6}  {}  {:<10} {:<24} {}",
            e.seq, e.at, e.actor, e.action, e.summary
        );
    }
}

pub fn assessment(a: &Assessment) {
    println!("assessment #{} — {}", a.id, a.name);
    println!("  organisation: {}", a.organisation);
    println!("  period:       {}..{}", a.period_start, a.period_end);
    println!(
        "  type:         {}",
        a.kind
            .map(crosswalk_core::assessment::type_label)
            .unwrap_or("not stated")
    );
    println!("  frameworks:   {}", a.frameworks.join(", "));
    if !a.scope.is_empty() {
        println!("  scope:        {}", a.scope);
    }
    let na = a.applicability.iter().filter(|x| !x.applicable).count();
    if na > 0 {
        println!(
            "  not applicable (this assessment's own decisions): {na} requirement{}",
            if na == 1 { "" } else { "s" }
        );
    }
}

pub fn decisions(list: &[ApplicabilityDecision]) {
    println!(
        "{:<16} {:<22} {:<11} {:<12} {:<20} JUSTIFICATION",
        "FRAMEWORK", "REF", "APPLICABLE", "DECIDED BY", "DECIDED AT"
    );
    for d in list {
        println!(
            "{:<16} {:<22} {:<11} {:<12} {:<20} {}",
            d.framework_id,
            d.reference,
            if d.applicable { "yes" } else { "no" },
            d.decided_by,
            d.decided_at,
            if d.justification.is_empty() {
                "(missing)"
            } else {
                &d.justification
            }
        );
    }
    println!(
        "{} decision{}",
        list.len(),
        if list.len() == 1 { "" } else { "s" }
    );
}

pub fn soa(d: &SoaDocument) {
    let or = |v: &str| {
        if v.is_empty() {
            "(not set)".to_string()
        } else {
            v.to_string()
        }
    };
    println!("Statement of Applicability ({})", d.framework_id);
    println!("  version:      {}", or(&d.version));
    println!("  owner:        {}", or(&d.owner));
    println!("  approved by:  {}", or(&d.approved_by));
    println!(
        "  approved on:  {}",
        d.approved_on
            .map(|x| x.to_string())
            .unwrap_or_else(|| "(not set)".into())
    );
}
