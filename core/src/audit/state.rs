//! The one digest of a record's state. A change's audit event stores, per
//! subject it wrote, the digest of what it left ([`States`]); `verify`
//! recomputes the digest of every record now with the same [`State::digest`]
//! and reports where the two differ. One function on both sides is what makes
//! "edited outside Crosswalk" mean exactly that.
//!
//! The digests are those every stored trail holds: the SHA-256 of a record's
//! canonical JSON, or of a text value's bytes. Changing either form would make
//! every existing workspace fail `verify`, so they are frozen (the frozen
//! trail of core/tests/fixtures/upgrade/trail-v6, checked by core/tests/upgrade.rs,
//! holds them).
use super::Subject;
use crate::applicability::{ApplicabilityDecision, SoaDocument};
use crate::assessment::Assessment;
use crate::model::{Control, Evidence};
use std::collections::BTreeMap;

/// A record as the trail vouches for it.
pub(crate) enum State<'a> {
    /// A control as stored (mappings resolved, timestamps set).
    Control(&'a Control),
    /// An evidence row with its revisions and links.
    Evidence(&'a Evidence),
    /// An assessment with its decisions.
    Assessment(&'a Assessment),
    /// One requirement's workspace decisions, oldest first.
    Applicability(&'a [ApplicabilityDecision]),
    /// A framework's SoA document fields.
    Soa(&'a SoaDocument),
    /// Raw table rows as JSON (an imported framework, a file's crosswalk
    /// links): a digest of the columns themselves sees any edit.
    Rows(&'a serde_json::Value),
    /// A text value hashed as its bytes (a setting, an import key).
    Text(&'a str),
}

impl State<'_> {
    /// SHA-256, lower-case hex.
    pub(crate) fn digest(&self) -> String {
        let json = |v: Result<String, serde_json::Error>| {
            crate::hash::sha256_hex(v.expect("records serialize").as_bytes())
        };
        match self {
            State::Control(c) => json(serde_json::to_string(c)),
            State::Evidence(e) => json(serde_json::to_string(e)),
            State::Assessment(a) => json(serde_json::to_string(a)),
            State::Applicability(rows) => json(serde_json::to_string(rows)),
            State::Soa(d) => json(serde_json::to_string(d)),
            State::Rows(v) => json(serde_json::to_string(v)),
            State::Text(t) => crate::hash::sha256_hex(t.as_bytes()),
        }
    }
}

/// What one change left, per subject: the digest of the new state, or None
/// where it deleted the subject. Built only from [`State`]s, so a digest in
/// the trail is always [`State::digest`]'s.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize)]
pub(crate) struct States(BTreeMap<String, Option<String>>);

impl States {
    /// No subjects yet.
    pub(crate) fn new() -> States {
        States::default()
    }

    /// One subject and the state it was left in.
    pub(crate) fn of(subject: Subject, state: State<'_>) -> States {
        let mut s = States::new();
        s.set(subject, state);
        s
    }

    /// Records that `subject` was left in `state` (the latest call wins).
    pub(crate) fn set(&mut self, subject: Subject, state: State<'_>) {
        self.0.insert(subject.to_string(), Some(state.digest()));
    }

    /// Records what `subject` was left as: `Some` state, or deleted (`None`).
    pub(crate) fn left(&mut self, subject: Subject, state: Option<State<'_>>) {
        match state {
            Some(state) => self.set(subject, state),
            None => self.deleted(subject),
        }
    }

    /// Records that `subject` was deleted.
    pub(crate) fn deleted(&mut self, subject: Subject) {
        self.0.insert(subject.to_string(), None);
    }

    /// Adds another change's states (its entries win).
    pub(crate) fn extend(&mut self, other: States) {
        self.0.extend(other.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_hashed_as_bytes_and_records_as_json() {
        // The frozen forms: sha256("abc") and sha256("[]").
        assert_eq!(
            State::Text("abc").digest(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            State::Rows(&serde_json::json!([])).digest(),
            crate::hash::sha256_hex(b"[]")
        );
    }

    #[test]
    fn deletion_and_later_states_win() {
        let mut s = States::of(Subject::Setting("a".into()), State::Text("1"));
        s.deleted(Subject::Setting("a".into()));
        let mut other = States::new();
        other.set(Subject::Evidence(2), State::Text("x"));
        s.extend(other);
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            serde_json::json!({"setting:a": null, "evidence:2": State::Text("x").digest()})
        );
    }
}
