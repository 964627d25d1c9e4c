//! Foreign formats read from real published files in `shared/data` beside
//! the repository (NIST OSCAL content, OpenControl's example project).
use crosswalk_core::import::ImportOptions;
use crosswalk_core::interop::InteropOptions;
use crosswalk_core::Workspace;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(rel);
    assert!(
        p.exists(),
        "missing {} (shared/data beside the repository, as on CI)",
        p.display()
    );
    p
}

fn ws() -> (tempfile::TempDir, Workspace) {
    let t = tempfile::tempdir().unwrap();
    let w = Workspace::open(t.path().join("data")).unwrap();
    (t, w)
}

fn import(w: &mut Workspace, paths: &[PathBuf]) -> crosswalk_core::import::ImportReport {
    w.import_with(paths, &ImportOptions::default(), &InteropOptions::default())
        .unwrap_or_else(|e| panic!("import failed:\n{e}"))
}

#[test]
fn sp800_53_rev5_catalog_gives_1189_requirements_182_withdrawn() {
    let (_t, mut w) = ws();
    let r = import(
        &mut w,
        &[data("oscal/NIST_SP-800-53_rev5.0.1_catalog.json")],
    );
    assert_eq!(r.frameworks, ["nist-800-53-rev5"]);
    let f = w.framework("nist-800-53-rev5").unwrap();
    assert_eq!(f.version, "5.0.1");
    assert_eq!(f.levels, ["family", "SP800-53", "SP800-53-enhancement"]);
    let reqs = w.requirements("nist-800-53-rev5").unwrap();
    let controls: Vec<_> = reqs.iter().filter(|r| r.level != "family").collect();
    assert_eq!(controls.len(), 1189);
    assert_eq!(reqs.len() - controls.len(), 20, "20 families");
    let withdrawn: Vec<_> = controls
        .iter()
        .filter(|r| r.summary.starts_with("Withdrawn"))
        .collect();
    assert_eq!(withdrawn.len(), 182);
    assert!(withdrawn.iter().all(|r| !r.assessable));
    assert_eq!(controls.iter().filter(|r| r.assessable).count(), 1189 - 182);
    let ac2_1 = reqs.iter().find(|r| r.reference == "AC-2(1)").unwrap();
    assert_eq!(ac2_1.parent.as_deref(), Some("AC-2"));
    assert_eq!(ac2_1.title, "Automated System Account Management");
    let ac1 = reqs.iter().find(|r| r.reference == "AC-1").unwrap();
    assert!(ac1.summary.starts_with("a. Develop, document, and disseminate to [Assignment: organization-defined personnel or roles]:"), "{}", ac1.summary);
    assert!(ac1.summary.contains("[Selection (one or more): Organization-level; Mission/business process-level; System-level]"));
    let ac2_10 = reqs.iter().find(|r| r.reference == "AC-2(10)").unwrap();
    assert_eq!(ac2_10.summary, "Withdrawn; incorporated into AC-2k.");
    // Importing it again changes no requirement.
    let again = import(
        &mut w,
        &[data("oscal/NIST_SP-800-53_rev5.0.1_catalog.json")],
    );
    assert!(again.added.is_empty() && again.changed.is_empty());
    assert_eq!(w.requirements("nist-800-53-rev5").unwrap(), reqs);
}

#[test]
fn csf_2_xml_catalog_has_the_shipped_csf_ids() {
    let (_t, mut w) = ws();
    let r = import(&mut w, &[data("oscal/NIST_CSF_v2.0_catalog.xml")]);
    let id = &r.frameworks[0];
    assert_eq!(id, "nist-cybersecurity-framework-2.0");
    let imported = w.requirements(id).unwrap();
    let shipped = w.requirements("nist-csf-2.0").unwrap();
    // Every shipped CSF 2.0 requirement is there with the same ref, parent and level name.
    let got: HashSet<(String, Option<String>, String)> = imported
        .iter()
        .map(|r| (r.reference.clone(), r.parent.clone(), r.level.clone()))
        .collect();
    for s in &shipped {
        assert!(
            got.contains(&(s.reference.clone(), s.parent.clone(), s.level.clone())),
            "{} (parent {:?}, {}) missing from the OSCAL import",
            s.reference,
            s.parent,
            s.level
        );
    }
    // The file also keeps CSF 1.1 ids that 2.0 withdrew (ID.BE, PR.AC-01, …)
    // without marking them; those are the only extra ones.
    let shipped_refs: HashSet<&str> = shipped.iter().map(|r| r.reference.as_str()).collect();
    let extra: Vec<&str> = imported
        .iter()
        .map(|r| r.reference.as_str())
        .filter(|r| !shipped_refs.contains(r))
        .collect();
    assert_eq!(extra.len(), 91, "{extra:?}");
    assert!(extra.contains(&"PR.AC-01") && extra.contains(&"ID.BE"));
    let gv = imported.iter().find(|r| r.reference == "GV").unwrap();
    assert_eq!(gv.title, "GOVERN");
    let oc1 = imported.iter().find(|r| r.reference == "GV.OC-01").unwrap();
    assert_eq!(
        oc1.summary,
        "The organizational mission is understood and informs cybersecurity risk management"
    );
}

#[test]
fn moderate_profile_is_a_scope_of_the_rev5_catalog() {
    let (_t, mut w) = ws();
    let r = import(
        &mut w,
        &[
            data("oscal/NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"),
            data("oscal/NIST_SP-800-53_rev5.0.1_catalog.json"),
        ],
    );
    assert_eq!(r.scopes.len(), 1);
    let s = w.scope("moderate").unwrap();
    assert_eq!(
        s.name,
        "NIST Special Publication 800-53 Revision 5.1.1 MODERATE IMPACT BASELINE"
    );
    // The MODERATE baseline: 177 controls and 110 enhancements (as in the resolved catalog).
    assert_eq!(s.requirements.len(), 287);
    assert!(s
        .requirements
        .contains(&("nist-800-53-rev5".into(), "AC-2(1)".into())));
    assert!(s.requirements.iter().all(|(f, _)| f == "nist-800-53-rev5"));
    // The resolved MODERATE catalog imports as its own framework with the same ids.
    let r2 = import(
        &mut w,
        &[data(
            "oscal/NIST_SP-800-53_rev5.1.1_MODERATE-baseline_resolved-profile_catalog.json",
        )],
    );
    let resolved = w.requirements(&r2.frameworks[0]).unwrap();
    let in_resolved: HashSet<&str> = resolved
        .iter()
        .filter(|r| r.level != "family")
        .map(|r| r.reference.as_str())
        .collect();
    assert_eq!(in_resolved.len(), 287);
    assert!(s
        .requirements
        .iter()
        .all(|(_, r)| in_resolved.contains(r.as_str())));
}

#[test]
fn nist_example_component_definition_maps_to_the_catalog() {
    let (_t, mut w) = ws();
    let r = import(
        &mut w,
        &[
            data("oscal/example-component-definition.json"),
            data("oscal/NIST_SP-800-53_rev5.0.1_catalog.json"),
        ],
    );
    assert_eq!(r.added, ["MongoDB"]);
    let c = w.control("MongoDB").unwrap();
    let refs: Vec<&str> = c.mappings.iter().map(|m| m.reference.as_str()).collect();
    assert_eq!(refs, ["SC-8", "SC-8(1)", "SA-4(9)"]);
    assert!(c
        .mappings
        .iter()
        .all(|m| m.framework_id == "nist-800-53-rev5"));
    assert!(c.mappings[0]
        .rationale
        .as_deref()
        .unwrap()
        .contains("MongoDB implements TLS 1.x"));
}

#[test]
fn freedonia_opencontrol_project_imports_satisfies_as_mappings() {
    let (_t, mut w) = ws();
    let r = import(&mut w, &[data("opencontrol/freedonia-compliance")]);
    assert_eq!(r.frameworks, ["frist-800-53"]);
    let mut added = r.added.clone();
    added.sort();
    assert_eq!(added, ["AU_policy", "AWS_core", "AWS_implementation"]);
    let refs = |id: &str| -> Vec<String> {
        w.control(id)
            .unwrap()
            .mappings
            .iter()
            .map(|m| format!("{}:{}", m.framework_id, m.reference))
            .collect()
    };
    assert_eq!(
        refs("AU_policy"),
        ["frist-800-53:AU-1", "frist-800-53:AU-2"]
    );
    assert_eq!(refs("AWS_core"), ["frist-800-53:PE-2"]);
    assert_eq!(
        refs("AWS_implementation"),
        [
            "frist-800-53:AU-2",
            "frist-800-53:SC-1",
            "frist-800-53:SC-7"
        ]
    );
    let au = w.control("AU_policy").unwrap();
    assert_eq!(au.title, "Audit Policy");
    assert!(au
        .description
        .contains("FRIST-800-53 AU-1: This text describes how our organization"));
    // implemented + none: partly in place.
    assert_eq!(au.status.as_str(), "partial");
    assert_eq!(
        w.control("AWS_core").unwrap().status.as_str(),
        "implemented"
    );
    // References with a web address are evidence links.
    let ev = w.evidence_list(Some("AU_policy")).unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(
        ev[0].url.as_deref(),
        Some("https://github.com/opencontrol/freedonia-policies/wiki/Audit-Policy")
    );
    // The standard keeps refs as written, under their families.
    let reqs = w.requirements("frist-800-53").unwrap();
    let au23 = reqs.iter().find(|r| r.reference == "AU-2 (3)").unwrap();
    assert_eq!(au23.parent.as_deref(), Some("AU"));
    // The certification is a scope.
    let s = w.scope("fredramp-low").unwrap();
    assert_eq!(s.requirements.len(), 5);
    // Again: nothing changes.
    let again = import(&mut w, &[data("opencontrol/freedonia-compliance")]);
    assert!(
        again.added.is_empty() && again.changed.is_empty(),
        "{again:?}"
    );
    assert_eq!(again.evidence_added + again.evidence_updated, 0);
}

fn tiny_catalog(title: &str, ids: &[&str]) -> String {
    let controls: Vec<String> = ids
        .iter()
        .map(|i| format!(r#"{{"id": "{}", "title": "Control {i}", "props": [{{"name": "label", "value": "{i}"}}]}}"#, i.to_lowercase()))
        .collect();
    format!(
        r#"{{"catalog": {{"uuid": "00000000-0000-4000-8000-000000000000", "metadata": {{"title": "{title}", "version": "1", "oscal-version": "1.1.2"}}, "controls": [{}]}}}}"#,
        controls.join(",")
    )
}

#[test]
fn crosswalk_links_round_trip_through_an_oscal_mapping_collection() {
    let dir = tempfile::tempdir().unwrap();
    let a_cat = dir.path().join("a.json");
    let b_cat = dir.path().join("b.json");
    std::fs::write(&a_cat, tiny_catalog("Alpha Controls", &["AL-1", "AL-2"])).unwrap();
    std::fs::write(&b_cat, tiny_catalog("Beta Controls", &["BE-1", "BE-2"])).unwrap();
    let cw = dir.path().join("alpha_to_beta.yaml");
    std::fs::write(
        &cw,
        "from: alpha-controls\nto: beta-controls\nsource: test mapping\nbasis: judgement\nlinks:\n  - {from: AL-1, to: BE-1, relationship: equal}\n  - {from: AL-2, to: BE-1, relationship: subset_of, note: only part}\n  - {from: AL-2, to: BE-2, relationship: intersects, basis: published}\n",
    )
    .unwrap();
    let (_t, mut a) = ws();
    import(&mut a, &[a_cat.clone(), b_cat.clone(), cw]);
    let out = dir.path().join("map.json");
    assert_eq!(
        a.export_oscal_mapping(Some("alpha-controls"), None, &out)
            .unwrap(),
        3
    );
    let (_t2, mut b) = ws();
    let r = import(&mut b, &[a_cat, b_cat, out]);
    assert_eq!(r.crosswalk_links, 3);
    let pick = |w: &Workspace| {
        let mut l: Vec<_> = w
            .crosswalk_links()
            .unwrap()
            .into_iter()
            .filter(|l| l.from_framework == "alpha-controls")
            .collect();
        l.sort_by(|x, y| (&x.from_ref, &x.to_ref).cmp(&(&y.from_ref, &y.to_ref)));
        l
    };
    assert_eq!(pick(&a), pick(&b));
    assert_eq!(pick(&b).len(), 3);
}

#[test]
fn component_definition_round_trips_controls_and_mappings() {
    let dir = tempfile::tempdir().unwrap();
    let (_t, mut a) = ws();
    a.import(
        &[Path::new(env!("CARGO_MANIFEST_DIR")).join("../controls/library")],
        &ImportOptions::default(),
    )
    .unwrap();
    let out = dir.path().join("components.json");
    let n = a.export_oscal_component(&out).unwrap();
    assert!(n > 10);
    let (_t2, mut b) = ws();
    import(&mut b, &[out]);
    assert_eq!(a.controls().unwrap(), b.controls().unwrap());
}
