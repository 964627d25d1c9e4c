//! The shipped catalogs against the reference identifier lists: every id is
//! there, parents exist, counts per level match, every crosswalk end exists.
use crosswalk_core::Workspace;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

fn reference_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference");
    assert!(
        dir.is_dir(),
        "the reference lists are expected at {} (shared/ beside the repository)",
        dir.display()
    );
    dir
}

/// (ref, level, parent) rows of a reference TSV.
fn reference_rows(file: &str) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(reference_dir().join(file)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (
                cols[0].to_string(),
                cols[1].to_string(),
                cols.get(2).copied().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const FILES: &[(&str, &str)] = &[
    ("nist-csf-2.0", "nist_csf_2.0.tsv"),
    ("iso27001-2022", "iso27001_2022.ids.tsv"),
    ("soc2", "soc2_tsc_2017_rev2022.ids.tsv"),
    ("hipaa-security", "hipaa_security_breach.tsv"),
    ("pci-dss-4.0.1", "pci_dss_4.0.1.ids.tsv"),
    ("gdpr", "gdpr.tsv"),
];

#[test]
fn every_reference_id_is_in_its_catalog_with_the_same_level_and_parent() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    assert_eq!(ws.frameworks().unwrap().len(), 6);
    for (id, file) in FILES {
        let reqs = ws.requirements(id).unwrap();
        let by_ref: HashMap<&str, _> = reqs.iter().map(|r| (r.reference.as_str(), r)).collect();
        assert_eq!(by_ref.len(), reqs.len(), "{id}: duplicate refs");
        let rows = reference_rows(file);
        let mut want: BTreeMap<String, usize> = BTreeMap::new();
        for (reference, level, parent) in &rows {
            let r = by_ref
                .get(reference.as_str())
                .unwrap_or_else(|| panic!("{id}: {reference} is missing"));
            assert_eq!(&r.level, level, "{id} {reference}: level");
            // HIPAA's breach sections name "Subpart D" as parent, which is not itself a listed requirement.
            if !parent.is_empty() && rows.iter().any(|(r, _, _)| r == parent) {
                assert_eq!(
                    r.parent.as_deref(),
                    Some(parent.as_str()),
                    "{id} {reference}: parent"
                );
            }
            *want.entry(level.clone()).or_default() += 1;
        }
        let mut have: BTreeMap<String, usize> = BTreeMap::new();
        for r in reqs.iter().filter(|r| want.contains_key(&r.level)) {
            *have.entry(r.level.clone()).or_default() += 1;
        }
        assert_eq!(have, want, "{id}: counts per level");
        for r in &reqs {
            if let Some(p) = &r.parent {
                assert!(
                    by_ref.contains_key(p.as_str()),
                    "{id} {}: parent {p} missing",
                    r.reference
                );
            }
            assert!(
                !r.title.trim().is_empty() && !r.summary.trim().is_empty(),
                "{id} {}: empty text",
                r.reference
            );
        }
    }
}

#[test]
fn published_counts_hold() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let count = |fw: &str, level: &str| {
        ws.requirements(fw)
            .unwrap()
            .iter()
            .filter(|r| r.level == level)
            .count()
    };
    assert_eq!(
        (
            count("nist-csf-2.0", "function"),
            count("nist-csf-2.0", "category"),
            count("nist-csf-2.0", "subcategory")
        ),
        (6, 22, 106)
    );
    assert_eq!(count("iso27001-2022", "annex_a_control"), 93);
    assert_eq!(count("soc2", "criterion"), 61);
    assert_eq!(count("gdpr", "article"), 99);
    assert_eq!(
        (
            count("hipaa-security", "standard"),
            count("hipaa-security", "implementation_spec")
        ),
        (22, 43)
    );
    assert_eq!(
        (
            count("pci-dss-4.0.1", "principal_requirement"),
            count("pci-dss-4.0.1", "second_level")
        ),
        (12, 63)
    );
}

#[test]
fn every_crosswalk_end_exists_and_links_are_unique() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let known: HashSet<(String, String)> = ws
        .requirements("")
        .unwrap()
        .into_iter()
        .map(|r| (r.framework_id, r.reference))
        .collect();
    let links = ws.crosswalk_links().unwrap();
    assert!(links.len() > 1000, "{} links", links.len());
    let mut seen = HashSet::new();
    for l in &links {
        assert!(
            known.contains(&(l.from_framework.clone(), l.from_ref.clone())),
            "{l:?}"
        );
        assert!(
            known.contains(&(l.to_framework.clone(), l.to_ref.clone())),
            "{l:?}"
        );
        assert!(
            seen.insert((&l.from_framework, &l.from_ref, &l.to_framework, &l.to_ref)),
            "duplicate {l:?}"
        );
        assert!(!l.source.is_empty());
    }
    // NIST's own informative references to ISO 27001 are all there (the published list has two repeated rows).
    let nist_iso = links
        .iter()
        .filter(|l| l.from_framework == "nist-csf-2.0" && l.to_framework == "iso27001-2022")
        .count();
    let tsv = std::fs::read_to_string(
        reference_dir().join("crosswalks/nist-csf-2.0_to_iso27001-2022.tsv"),
    )
    .unwrap();
    let unique: HashSet<&str> = tsv
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(nist_iso, unique.len());
}
