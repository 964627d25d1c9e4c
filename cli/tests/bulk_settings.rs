//! `crosswalk controls bulk|remove-examples` and `crosswalk settings`, run as
//! a user would: dry runs write nothing, one event per change, bad input
//! gets `error:` and a non-zero exit.
mod common;
use common::{import_fixture, Ws};

#[test]
fn bulk_set_previews_then_changes_in_one_event() {
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    let before = ws.log().len();
    let plan = ws.json(&[
        "controls",
        "bulk",
        "--owner",
        "IT",
        "--set-owner",
        "GRC",
        "--set-status",
        "planned",
        "--dry-run",
    ]);
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["controls"].as_array().unwrap().len(), 1);
    assert_eq!(plan["controls"][0]["id"], "IAM-02");
    assert_eq!(ws.log().len(), before, "a dry run writes nothing");

    let done = ws.json(&[
        "controls",
        "bulk",
        "--id",
        "ENC-01",
        "--id",
        "IAM-02",
        "--set-category",
        "core",
    ]);
    assert_eq!(done["controls"].as_array().unwrap().len(), 2);
    let log = ws.log();
    assert_eq!(log.len(), before + 1);
    assert_eq!(log[0]["action"], "controls.bulk_edited");
    assert!(ws
        .controls()
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["category"] == "core"));
    let (run, _) = ws.verify();
    assert!(run.ok(), "{}", run.stdout);

    // Text output says what would happen.
    let text = ws.run(&["controls", "bulk", "--all", "--delete", "--dry-run"]);
    assert!(text.ok());
    assert!(
        text.stderr.contains("would delete 2 control(s)"),
        "{}",
        text.stderr
    );
    assert!(text.stderr.contains("nothing was written"));
}

#[test]
fn bulk_refuses_an_empty_selection_and_unknown_ids() {
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    let r = ws.fails(&["controls", "bulk", "--delete"]);
    assert!(r.stderr.contains("say which controls"), "{}", r.stderr);
    let r = ws.fails(&["controls", "bulk", "--id", "ENC-1", "--delete"]);
    assert!(r.stderr.contains("did you mean `ENC-01`"), "{}", r.stderr);
    let r = ws.fails(&["controls", "bulk", "--all"]);
    assert!(r.stderr.contains("say what to set"), "{}", r.stderr);
    assert!(!ws
        .run(&["controls", "bulk", "--all", "--set-status", "done"])
        .ok());
    assert_eq!(ws.controls().as_array().unwrap().len(), 2);
}

#[test]
fn remove_examples_leaves_only_your_controls() {
    let ws = Ws::new();
    ws.ok(&["demo"]);
    ws.import(&[&import_fixture("base.yaml")]);
    let plan = ws.json(&["controls", "remove-examples", "--dry-run"]);
    let n = plan["controls"].as_array().unwrap().len();
    assert!(n > 20, "{n}");
    let before = ws.log().len();
    ws.json(&["controls", "remove-examples"]);
    assert_eq!(ws.log().len(), before + 1);
    let ids: Vec<_> = ws
        .controls()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["ENC-01", "IAM-02"]);
    assert_eq!(
        ws.evidence_list().as_array().unwrap().len(),
        0,
        "the examples' evidence is withdrawn"
    );
    let (run, _) = ws.verify();
    assert!(run.ok(), "{}", run.stdout);
}

#[test]
fn settings_set_and_show_and_the_name_is_the_actor() {
    let ws = Ws::new();
    ws.import(&[&import_fixture("base.yaml")]);
    let s = ws.json(&["settings"]);
    assert_eq!(s["expiry_window_days"], 30);
    assert_eq!(s["organisation_set"], false);
    let r = ws.fails(&["settings", "set", "--expiry-window", "soon"]);
    assert!(
        r.stderr.contains("expiry_window: `soon` is not a period"),
        "{}",
        r.stderr
    );
    let r = ws.fails(&["settings", "set", "--organisation", "  "]);
    assert!(
        r.stderr.contains("the organisation name cannot be empty"),
        "{}",
        r.stderr
    );

    // Without CROSSWALK_ACTOR, the saved name is the actor for this login.
    let env = [("CROSSWALK_ACTOR", ""), ("USER", "jroe")];
    let r = ws.run_env(
        &[
            "settings",
            "set",
            "--name",
            "Jane Roe",
            "--expiry-window",
            "6w",
            "--json",
        ],
        &env,
    );
    assert!(r.ok(), "{}", r.stderr);
    assert_eq!(r.json()["actor"], "Jane Roe");
    assert_eq!(r.json()["expiry_window_days"], 42);
    let r = ws.run_env(
        &["evidence", "add", "ENC-01", "--note", "Checked", "--json"],
        &env,
    );
    assert!(r.ok(), "{}", r.stderr);
    assert_eq!(r.json()["collected_by"], "Jane Roe");
    assert_eq!(ws.log()[0]["actor"], "Jane Roe");
    // Another login on the same workspace is not Jane.
    let r = ws.run_env(
        &["settings", "--json"],
        &[("CROSSWALK_ACTOR", ""), ("USER", "other")],
    );
    assert_eq!(r.json()["actor"], "other");
    // The window is everyone's: `evidence list` uses it for "expiring".
    let r = ws.run(&["evidence", "list"]);
    assert!(r.ok());
}
