//! `crosswalk links`, `crosswalk adopt` and `crosswalk frameworks track|untrack`:
//! parse, call one `Workspace` method, print.
use crate::{out, Json};
use clap::{Args, Subcommand};
use crosswalk_core::reuse::{Adoption, FrameworkChoice, LinkQuery, LinksView};
use crosswalk_core::{Error, LinkBasis, MappingCoverage, Relationship, Workspace};

#[derive(Args)]
pub struct LinksArgs {
    /// Framework the links are read from.
    from: String,
    /// Framework the links go to.
    to: String,
    /// Only the links of this `from` requirement.
    #[arg(long = "ref")]
    reference: Option<String>,
    /// Only this relationship (equal, subset_of, superset_of, intersects,
    /// no_relationship, supports, is_supported_by), read from FROM to TO.
    #[arg(long, value_parser = relationship)]
    relationship: Option<Relationship>,
    /// Only links whose basis (published, derived, judgement) is this, or
    /// whose source or publisher contains this text.
    #[arg(long)]
    source: Option<String>,
    #[command(flatten)]
    json: Json,
}

#[derive(Args)]
pub struct AdoptArgs {
    /// Framework of the requirement that adopts the coverage.
    framework: String,
    /// The requirement (a gap with related coverage).
    #[arg(value_name = "REF")]
    reference: String,
    /// The covered requirement to reuse, as FRAMEWORK:REF (e.g. soc2:CC6.1).
    #[arg(long, value_name = "FW:REF")]
    via: String,
    /// Why the control satisfies this requirement too (kept with the mapping).
    #[arg(long)]
    rationale: Option<String>,
    /// Map the control as covering the requirement only in part.
    #[arg(long)]
    partial: bool,
    #[command(flatten)]
    json: Json,
}

#[derive(Subcommand)]
pub enum FrameworksAction {
    /// Track a framework: it shows on the dashboard, in reports and gap counts.
    Track {
        id: String,
        #[command(flatten)]
        json: Json,
    },
    /// Stop tracking a framework; it stays installed and mappable.
    Untrack {
        id: String,
        #[command(flatten)]
        json: Json,
    },
}

fn relationship(s: &str) -> Result<Relationship, String> {
    Relationship::parse(s).ok_or_else(|| {
        format!(
            "`{s}` is not a relationship; use one of {}",
            Relationship::NAMES.join(", ")
        )
    })
}

pub fn links(ws: &Workspace, a: LinksArgs) -> Result<(), Error> {
    let (basis, source) = match a.source.as_deref().map(|s| (LinkBasis::parse(s), s)) {
        Some((Some(b), _)) => (Some(b), None),
        Some((None, s)) => (None, Some(s.to_string())),
        None => (None, None),
    };
    let view = ws.links(&LinkQuery {
        from: a.from,
        to: a.to,
        reference: a.reference,
        relationship: a.relationship,
        basis,
        source,
    })?;
    out(a.json, &view, print_links);
    Ok(())
}

fn print_links(v: &LinksView) {
    println!(
        "{} → {}: {} of {} links",
        v.from.short_name,
        v.to.short_name,
        v.links.len(),
        v.total
    );
    for s in &v.sources {
        let p = &s.provenance;
        let counts: Vec<String> = s.by_basis.iter().map(|(b, n)| format!("{n} {b}")).collect();
        println!(
            "  source: {}{}{}{} ({})",
            if p.publisher.is_empty() {
                "unnamed"
            } else {
                &p.publisher
            },
            if p.document.is_empty() {
                String::new()
            } else {
                format!(", {}", p.document)
            },
            if p.version.is_empty() {
                String::new()
            } else {
                format!(", version {}", p.version)
            },
            if p.licence.is_empty() {
                String::new()
            } else {
                format!(", licence {}", p.licence)
            },
            counts.join(", ")
        );
    }
    for l in &v.links {
        let mut rel = l.relationship.to_string();
        if !l.properties.is_empty() {
            let props: Vec<&str> = l.properties.iter().map(|p| p.as_str()).collect();
            rel.push_str(&format!(" ({})", props.join(", ")));
        }
        if let Some(s) = l.strength {
            rel.push_str(&format!(" strength {s}"));
        }
        println!(
            "  {:<22} {:<34} {:<22} {:<10} {}",
            l.from_ref, rel, l.to_ref, l.basis, l.to_title
        );
        if let Some(n) = &l.note {
            println!("  {:<22} {n}", "");
        }
    }
}

pub fn adopt(ws: &mut Workspace, a: AdoptArgs) -> Result<(), Error> {
    let Some((fw, r)) = a.via.split_once(':') else {
        return Err(Error::Usage(format!(
            "--via `{}` must be FRAMEWORK:REF, e.g. soc2:CC6.1",
            a.via
        )));
    };
    let coverage = if a.partial {
        MappingCoverage::Partial
    } else {
        MappingCoverage::Full
    };
    let done = ws.adopt(
        &a.framework,
        &a.reference,
        (fw.trim(), r.trim()),
        a.rationale.as_deref(),
        coverage,
    )?;
    out(a.json, &done, |d: &Adoption| {
        println!(
            "{} {}: mapped {} ({}) from {}",
            d.framework_id,
            d.reference,
            d.controls.join(", "),
            d.coverage,
            d.path
        )
    });
    Ok(())
}

pub fn frameworks_action(ws: &mut Workspace, action: FrameworksAction) -> Result<(), Error> {
    let (id, track, json) = match action {
        FrameworksAction::Track { id, json } => (id, true, json),
        FrameworksAction::Untrack { id, json } => (id, false, json),
    };
    let choices = ws.set_tracked(&id, track)?;
    out(json, &choices, |c| print_choices(c));
    Ok(())
}

pub fn print_choices(choices: &[FrameworkChoice]) {
    for c in choices {
        println!(
            "{} {:<16} {}",
            if c.tracked { "tracked  " } else { "untracked" },
            c.framework.id,
            c.framework.name
        );
    }
}
