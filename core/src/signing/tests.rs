use super::*;

#[test]
fn pem_round_trips_and_fingerprints_are_typed_forgivingly() {
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let public = key.verifying_key().to_bytes();
    let pem = public_key_pem(&public);
    assert_eq!(parse_public_key_pem(&pem).unwrap(), public);
    assert!(
        parse_public_key_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
            .is_err()
    );
    assert!(parse_public_key_pem("hello").is_err());
    let fp = fingerprint(&public);
    assert_eq!(fp.len(), 64 + 15);
    assert_eq!(
        normalize_fingerprint(&fp.to_uppercase().replace(' ', ":")),
        Some(fp.clone())
    );
    assert_eq!(normalize_fingerprint(&fp[..20]), None);
    let sig = key.sign(b"message").to_bytes();
    assert!(verify_signature(&public, b"message", &sig));
    assert!(!verify_signature(&public, b"messagE", &sig));
    assert!(!verify_signature(&public, b"message", &sig[..63]));
}

#[test]
fn a_checkpoint_signature_covers_every_field() {
    let ws = tempfile::tempdir().unwrap();
    let w = Workspace::open(ws.path()).unwrap();
    let key = w.workspace_key().unwrap();
    let cp = key.checkpoint(5, &"a".repeat(64), "2026-01-01T00:00:00Z", "test");
    let public = key.public_key();
    assert!(cp.signature_valid(&public));
    for edit in [
        |c: &mut Checkpoint| c.event_count += 1,
        |c: &mut Checkpoint| c.head_hash = "b".repeat(64),
        |c: &mut Checkpoint| c.at = "2026-01-02T00:00:00Z".into(),
        |c: &mut Checkpoint| c.workspace_id = "other".into(),
    ] {
        let mut forged = cp.clone();
        edit(&mut forged);
        assert!(!forged.signature_valid(&public));
    }
    // The key is made once and found again.
    assert_eq!(w.workspace_key().unwrap().info, key.info);
}

#[test]
fn a_checkpoint_and_its_event_must_agree() {
    let cp = |signature: &str| Checkpoint {
        workspace_id: String::new(),
        event_count: 3,
        head_hash: "h".into(),
        at: "2026-01-01T00:00:00Z".into(),
        reason: "report".into(),
        fingerprint: "f".into(),
        signature: signature.into(),
    };
    let recorded: std::collections::BTreeMap<i64, String> = [
        (1, "s1".to_string()),
        (2, "s2".to_string()),
        (3, "s3".to_string()),
    ]
    .into();
    let rows = [(1, cp("s1")), (2, cp("forged")), (4, cp("s4"))];
    let got: Vec<String> = record_faults(&recorded, &rows)
        .into_iter()
        .map(|(subject, message)| format!("{subject} | {message}"))
        .collect();
    assert_eq!(
        got,
        [
            "checkpoint:2 | checkpoint 2 differs from what the audit trail recorded",
            "checkpoint:3 | checkpoint 3 recorded in the audit trail is missing (deleted outside Crosswalk)",
            "checkpoint:4 | checkpoint 4 exists but no audit event records it (written outside Crosswalk)",
        ]
    );
}
