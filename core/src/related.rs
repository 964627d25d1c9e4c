//! Reuse across frameworks: related requirements and related coverage,
//! derived from coverage results and crosswalk links, never stored.
//!
//! The rule:
//! - The **related requirements** of a requirement R are the requirements at
//!   the other end of every crosswalk link that has R at one end, except links
//!   that say `no_relationship`. Each is shown with the relationship read from
//!   R's side (`subset_of` seen from the other end is `superset_of`, `supports`
//!   is `is_supported_by`), the link's basis and source, and its own status.
//! - R has **related coverage** when it is assessable, its own status is a
//!   gap (no control of its own covers it, partly or fully, nor has expired
//!   evidence), and a requirement X of another framework that is covered
//!   directly (an implemented control maps to it fully with current evidence)
//!   can be reached from R by one link (R–X) or two (R–Y–X, where Y is in any
//!   framework but R's). The path names every step, so an officer can see why
//!   X is offered: "SOC 2 CC6.1 via NIST CSF PR.AA-05". For each X only the
//!   shortest path is kept (the first in catalog order when several tie).
//! - Related coverage is a pointer to work that may be reused, **never
//!   counted as covered**: R stays a gap until someone adopts it, i.e. maps
//!   X's control to R with a rationale (`Workspace::adopt`), after which R is
//!   judged on that control like any other.
//! - Per framework, `related_coverage` counts the requirements with related
//!   coverage.
//!
//! Why any relationship counts, not only `equal`/`superset_of`: nearly every
//! published mapping says `intersects` or `supports`; a stricter rule would
//! never show anything, and since nothing is counted as covered, a weak link
//! costs only a suggestion that a person then accepts or ignores.
use crate::coverage::FrameworkCoverage;
use crate::model::*;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

/// A requirement of another framework linked to this one.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Related {
    /// The related requirement's framework.
    pub framework_id: String,
    /// The related requirement's ref (serialized as `ref`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// "this requirement is `<relationship>` the related one".
    pub relationship: Relationship,
    /// For supportive relationships: how one supports the other; empty otherwise.
    pub properties: Vec<SupportProperty>,
    /// The publisher's strength of the link, 1 (weak) to 10 (strong); None when not given.
    pub strength: Option<u8>,
    /// Published, derived or the authors' judgement.
    pub basis: LinkBasis,
    /// Where the link comes from (the crosswalk's source).
    pub source: String,
    /// The related requirement's own status (None for grouping entries or
    /// frameworks coverage was not computed for).
    pub status: Option<Status>,
}

/// One step of a path from a requirement to a covered one.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(rename = "PathStep")]
pub struct Step {
    /// The framework of the requirement reached.
    pub framework_id: String,
    /// The ref of the requirement reached (serialized as `ref`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// How the previous requirement on the path relates to this one.
    pub relationship: Relationship,
    /// The basis of the link taken.
    pub basis: LinkBasis,
    /// Where that link comes from.
    pub source: String,
}

/// A covered requirement of another framework reachable from this gap.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RelatedCoverage {
    /// The covered requirement's framework.
    pub framework_id: String,
    /// The covered requirement's ref (serialized as `ref`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// The controls that cover it (the ones an adoption would map here).
    pub controls: Vec<String>,
    /// Every step from this requirement to the covered one; the last step is it.
    pub path: Vec<Step>,
    /// The path in words, e.g. "SOC 2 CC6.1 via NIST CSF PR.AA-05".
    pub summary: String,
}

type Key<'a> = (&'a str, &'a str);

/// One reading of a link from the end it starts at: the other end, the step
/// to it, and the link.
type Neighbour<'a> = (Key<'a>, Step, &'a CrosswalkLink);

/// Statuses of every requirement, and the covering controls of the covered ones.
struct Known {
    names: HashMap<String, String>,
    status: HashMap<(String, String), Status>,
    covering: HashMap<(String, String), Vec<String>>,
}

/// Fills `related` and `related_coverage` of every requirement row and the
/// per-framework `related_coverage` figure. `coverage` should hold every
/// framework whose coverage can be reused (statuses are looked up in it).
pub fn annotate(coverage: &mut [FrameworkCoverage], links: &[CrosswalkLink]) {
    let known = known_statuses(coverage);
    let out_of = link_index(links);
    for f in coverage.iter_mut() {
        let fw = f.framework.id.clone();
        let mut with_related = 0;
        for row in &mut f.requirements {
            let me: Key<'_> = (fw.as_str(), row.reference.as_str());
            let neighbours = out_of.get(&me).map(Vec::as_slice).unwrap_or(&[]);
            row.related = neighbours
                .iter()
                .filter(|((other_fw, _), _, _)| *other_fw != fw)
                .map(|((ofw, orf), step, l)| Related {
                    framework_id: ofw.to_string(),
                    reference: orf.to_string(),
                    relationship: step.relationship,
                    properties: l.properties.clone(),
                    strength: l.strength,
                    basis: step.basis,
                    source: step.source.clone(),
                    status: known
                        .status
                        .get(&(ofw.to_string(), orf.to_string()))
                        .copied(),
                })
                .collect();
            row.related_coverage.clear();
            if !row.assessable || row.status != Some(Status::Gap) {
                continue;
            }
            let found = related_coverage_of(&fw, neighbours, &out_of, &known);
            if !found.is_empty() {
                with_related += 1;
            }
            row.related_coverage = found;
        }
        f.related_coverage = with_related;
    }
}

fn known_statuses(coverage: &[FrameworkCoverage]) -> Known {
    let names: HashMap<String, String> = coverage
        .iter()
        .map(|f| (f.framework.id.clone(), f.framework.short_name.clone()))
        .collect();
    let mut status: HashMap<(String, String), Status> = HashMap::new();
    let mut covering: HashMap<(String, String), Vec<String>> = HashMap::new();
    for f in coverage.iter() {
        for r in &f.requirements {
            if let Some(s) = r.status {
                status.insert((f.framework.id.clone(), r.reference.clone()), s);
                if s == Status::Covered {
                    covering.insert(
                        (f.framework.id.clone(), r.reference.clone()),
                        covering_controls(r),
                    );
                }
            }
        }
    }
    Known {
        names,
        status,
        covering,
    }
}

/// Both readings of every link, indexed by the end they start from.
fn link_index(links: &[CrosswalkLink]) -> HashMap<Key<'_>, Vec<Neighbour<'_>>> {
    let mut out_of: HashMap<Key<'_>, Vec<Neighbour<'_>>> = HashMap::new();
    for l in links
        .iter()
        .filter(|l| l.relationship != Relationship::NoRelationship)
    {
        let from = (l.from_framework.as_str(), l.from_ref.as_str());
        let to = (l.to_framework.as_str(), l.to_ref.as_str());
        let step = |(fw, rf): Key<'_>, relationship| Step {
            framework_id: fw.to_string(),
            reference: rf.to_string(),
            relationship,
            basis: l.basis,
            source: l.source.clone(),
        };
        out_of
            .entry(from)
            .or_default()
            .push((to, step(to, l.relationship), l));
        out_of
            .entry(to)
            .or_default()
            .push((from, step(from, l.relationship.inverse()), l));
    }
    out_of
}

/// The covered requirements of other frameworks a gap of `fw` reaches in one
/// or two steps, shortest first, each once.
fn related_coverage_of(
    fw: &str,
    neighbours: &[Neighbour<'_>],
    out_of: &HashMap<Key<'_>, Vec<Neighbour<'_>>>,
    known: &Known,
) -> Vec<RelatedCoverage> {
    let label = |fw: &str, rf: &str| {
        format!(
            "{} {rf}",
            known.names.get(fw).map(String::as_str).unwrap_or(fw)
        )
    };
    let mut found: Vec<RelatedCoverage> = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut offer = |path: Vec<Step>, found: &mut Vec<RelatedCoverage>| {
        let last = path.last().expect("a path has a step");
        let key = (last.framework_id.clone(), last.reference.clone());
        if last.framework_id == fw || seen.contains(&key) {
            return;
        }
        let Some(controls) = known.covering.get(&key) else {
            return;
        };
        seen.insert(key);
        let mut summary = label(&last.framework_id, &last.reference);
        if path.len() > 1 {
            let via: Vec<String> = path[..path.len() - 1]
                .iter()
                .map(|s| label(&s.framework_id, &s.reference))
                .collect();
            summary.push_str(&format!(" via {}", via.join(", ")));
        }
        found.push(RelatedCoverage {
            framework_id: last.framework_id.clone(),
            reference: last.reference.clone(),
            controls: controls.clone(),
            path,
            summary,
        });
    };
    // Shortest first: every direct link, then every two-step path.
    for (_, step, _) in neighbours {
        offer(vec![step.clone()], &mut found);
    }
    for (mid, first, _) in neighbours.iter().filter(|((mfw, _), _, _)| *mfw != fw) {
        for (_, second, _) in out_of.get(mid).map(Vec::as_slice).unwrap_or(&[]) {
            offer(vec![first.clone(), second.clone()], &mut found);
        }
    }
    found
}

/// The controls that make a covered requirement covered: implemented, mapped
/// fully, with current evidence and (Type II) no missed window — the coverage rule's test.
fn covering_controls(row: &crate::coverage::RequirementCoverage) -> Vec<String> {
    row.controls
        .iter()
        .filter(|c| {
            c.status == ControlStatus::Implemented
                && c.mapping == MappingCoverage::Full
                && !c.current_evidence.is_empty()
                && !c.windows.iter().any(crate::coverage::Window::missed)
        })
        .map(|c| c.id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::{self, Inputs, Options};
    use chrono::NaiveDate;

    fn framework(id: &str, short: &str) -> Framework {
        Framework {
            id: id.into(),
            name: short.into(),
            short_name: short.into(),
            version: "1".into(),
            publisher: "p".into(),
            published: None,
            source: "s".into(),
            text_rights: String::new(),
            levels: vec!["x".into()],
        }
    }
    fn req(fw: &str, r: &str) -> Requirement {
        Requirement {
            framework_id: fw.into(),
            reference: r.into(),
            parent: None,
            level: "x".into(),
            title: format!("{fw} {r}"),
            summary: String::new(),
            assessable: true,
            designation: None,
            theme: None,
            own_title: false,
        }
    }
    fn link(ff: &str, fr: &str, tf: &str, tr: &str, rel: Relationship) -> CrosswalkLink {
        CrosswalkLink {
            from_framework: ff.into(),
            from_ref: fr.into(),
            to_framework: tf.into(),
            to_ref: tr.into(),
            relationship: rel,
            properties: Vec::new(),
            strength: None,
            basis: LinkBasis::Judgement,
            source: "test".into(),
            note: None,
            provenance: Provenance::default(),
        }
    }
    fn control(id: &str, maps: &[(&str, &str)], status: ControlStatus) -> Control {
        Control {
            id: id.into(),
            title: id.into(),
            description: String::new(),
            category: "general".into(),
            owner: "o".into(),
            status,
            review_every_days: None,
            mappings: maps
                .iter()
                .map(|(f, r)| Mapping {
                    framework_id: f.to_string(),
                    reference: r.to_string(),
                    coverage: MappingCoverage::Full,
                    rationale: None,
                })
                .collect(),
        }
    }
    fn evidence(id: i64, control: &str) -> Evidence {
        Evidence {
            id,
            kind: EvidenceKind::Note,
            title: "e".into(),
            description: String::new(),
            url: None,
            note: Some("n".into()),
            collected_by: "x".into(),
            collected_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            valid_until: None,
            controls: vec![control.into()],
            revisions: Vec::new(),
            added_at: String::new(),
            removed_at: None,
            series_id: None,
        }
    }

    /// SOC 2 CC6.1 covered; CSF PR.AA-05 and ISO A.5.15 have nothing.
    fn run(
        controls: &[Control],
        ev: &[Evidence],
        links: &[CrosswalkLink],
    ) -> Vec<FrameworkCoverage> {
        let frameworks = vec![
            framework("soc2", "SOC 2"),
            framework("csf", "NIST CSF"),
            framework("iso", "ISO 27001"),
        ];
        let requirements = vec![
            req("soc2", "CC6.1"),
            req("soc2", "CC6.2"),
            req("csf", "PR.AA-05"),
            req("iso", "A.5.15"),
            req("iso", "A.5.16"),
        ];
        let inputs = Inputs {
            frameworks: &frameworks,
            requirements: &requirements,
            controls,
            evidence: ev,
            links,
        };
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let mut cov = coverage::compute(&inputs, &Options::default(), today);
        annotate(&mut cov, links);
        cov
    }
    fn row<'a>(
        cov: &'a [FrameworkCoverage],
        fw: &str,
        r: &str,
    ) -> &'a crate::coverage::RequirementCoverage {
        cov.iter()
            .find(|f| f.framework.id == fw)
            .unwrap()
            .requirements
            .iter()
            .find(|x| x.reference == r)
            .unwrap()
    }

    fn chain() -> Vec<CrosswalkLink> {
        vec![
            link("soc2", "CC6.1", "csf", "PR.AA-05", Relationship::Intersects),
            link("csf", "PR.AA-05", "iso", "A.5.15", Relationship::Intersects),
        ]
    }

    #[test]
    fn a_gap_two_links_from_a_covered_requirement_shows_the_path_and_stays_a_gap() {
        let controls = [control(
            "IAM-01",
            &[("soc2", "CC6.1")],
            ControlStatus::Implemented,
        )];
        let cov = run(&controls, &[evidence(1, "IAM-01")], &chain());
        let iso = row(&cov, "iso", "A.5.15");
        assert_eq!(iso.status, Some(Status::Gap), "never counted as covered");
        assert_eq!(iso.related_coverage.len(), 1);
        let rc = &iso.related_coverage[0];
        assert_eq!(
            (rc.framework_id.as_str(), rc.reference.as_str()),
            ("soc2", "CC6.1")
        );
        assert_eq!(rc.summary, "SOC 2 CC6.1 via NIST CSF PR.AA-05");
        assert_eq!(rc.controls, vec!["IAM-01".to_string()]);
        assert_eq!(rc.path.len(), 2);
        let iso_fw = cov.iter().find(|f| f.framework.id == "iso").unwrap();
        assert_eq!(iso_fw.counts.covered, 0);
        assert_eq!(iso_fw.related_coverage, 1);
        // The CSF outcome is one link away.
        let csf = row(&cov, "csf", "PR.AA-05");
        assert_eq!(csf.related_coverage[0].summary, "SOC 2 CC6.1");
        // Unlinked requirements get nothing.
        assert!(row(&cov, "iso", "A.5.16").related_coverage.is_empty());
    }

    #[test]
    fn the_direct_path_wins_over_a_longer_one() {
        let mut links = chain();
        links.push(link(
            "soc2",
            "CC6.1",
            "iso",
            "A.5.15",
            Relationship::Intersects,
        ));
        let controls = [control(
            "IAM-01",
            &[("soc2", "CC6.1")],
            ControlStatus::Implemented,
        )];
        let cov = run(&controls, &[evidence(1, "IAM-01")], &links);
        let rc = &row(&cov, "iso", "A.5.15").related_coverage;
        assert_eq!(rc.len(), 1);
        assert_eq!(rc[0].summary, "SOC 2 CC6.1");
    }

    #[test]
    fn nothing_is_offered_without_direct_coverage_or_through_no_relationship() {
        // Planned control: SOC 2 CC6.1 is not covered, so nothing to reuse.
        let planned = [control(
            "IAM-01",
            &[("soc2", "CC6.1")],
            ControlStatus::Planned,
        )];
        let cov = run(&planned, &[evidence(1, "IAM-01")], &chain());
        assert!(row(&cov, "iso", "A.5.15").related_coverage.is_empty());
        // Implemented but without evidence: not covered either.
        let bare = [control(
            "IAM-01",
            &[("soc2", "CC6.1")],
            ControlStatus::Implemented,
        )];
        let cov = run(&bare, &[], &chain());
        assert!(row(&cov, "iso", "A.5.15").related_coverage.is_empty());
        // A link that says there is no relationship is no path.
        let links = vec![
            link(
                "soc2",
                "CC6.1",
                "csf",
                "PR.AA-05",
                Relationship::NoRelationship,
            ),
            link("csf", "PR.AA-05", "iso", "A.5.15", Relationship::Intersects),
        ];
        let cov = run(&bare[..0], &[], &links);
        assert!(row(&cov, "iso", "A.5.15").related.len() == 1);
        let covered = [control(
            "IAM-01",
            &[("soc2", "CC6.1")],
            ControlStatus::Implemented,
        )];
        let cov = run(&covered, &[evidence(1, "IAM-01")], &links);
        assert!(row(&cov, "iso", "A.5.15").related_coverage.is_empty());
        assert!(row(&cov, "csf", "PR.AA-05").related.len() == 1);
    }

    #[test]
    fn a_requirement_with_its_own_coverage_shows_related_requirements_but_no_related_coverage() {
        let controls = [
            control("IAM-01", &[("soc2", "CC6.1")], ControlStatus::Implemented),
            control("ISO-01", &[("iso", "A.5.15")], ControlStatus::Implemented),
        ];
        let ev = [evidence(1, "IAM-01"), evidence(2, "ISO-01")];
        let cov = run(&controls, &ev, &chain());
        let iso = row(&cov, "iso", "A.5.15");
        assert_eq!(iso.status, Some(Status::Covered));
        assert!(iso.related_coverage.is_empty());
        assert_eq!(iso.related.len(), 1);
        let r = &iso.related[0];
        assert_eq!(
            (r.framework_id.as_str(), r.reference.as_str()),
            ("csf", "PR.AA-05")
        );
        assert_eq!(r.status, Some(Status::Gap));
    }

    #[test]
    fn relationships_are_read_from_this_requirements_side() {
        let links = vec![
            link("soc2", "CC6.1", "csf", "PR.AA-05", Relationship::SubsetOf),
            link("soc2", "CC6.2", "csf", "PR.AA-05", Relationship::Supports),
        ];
        let cov = run(&[], &[], &links);
        let csf = row(&cov, "csf", "PR.AA-05");
        let rel: Vec<_> = csf
            .related
            .iter()
            .map(|r| (r.reference.as_str(), r.relationship))
            .collect();
        assert_eq!(
            rel,
            vec![
                ("CC6.1", Relationship::SupersetOf),
                ("CC6.2", Relationship::IsSupportedBy)
            ]
        );
        let soc = row(&cov, "soc2", "CC6.1");
        assert_eq!(soc.related[0].relationship, Relationship::SubsetOf);
    }
}
