//! The audit trail: an append-only log whose every row carries the SHA-256 of
//! its own content chained to the previous row's hash. Changing, removing or
//! reordering a row breaks the chain at that row, which `verify` reports.
//!
//! Events are written through typed [`Subject`]s and actions ([`Mutation`],
//! which needs the states it left, and [`Note`]); what is read back stays
//! text, since a trail holds whatever every earlier version wrote.
mod action;
mod state;
mod subject;

pub use action::{Mutation, Note};
pub(crate) use state::{State, States};
pub use subject::Subject;

use crate::error::Result;
use crate::store::audit as rows;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

/// The `prev_hash` of the first event: 64 zeros, since nothing came before.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One recorded change, as `crosswalk log --json` and the audit-trail
/// register show it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AuditEvent {
    /// Position in the trail: 1 for the first event, one more for each after;
    /// a gap means rows were deleted.
    pub seq: i64,
    /// When the change was made, RFC 3339 UTC to the second.
    pub at: String,
    /// Who made it: `CROSSWALK_ACTOR`, else the name saved in Settings, else
    /// the login name.
    pub actor: String,
    /// What kind of change, `area.verb` (`evidence.added`,
    /// `assessment.applicability`, `register.exported`).
    pub action: String,
    /// What it was made to, `kind:id` (`evidence:12`, `assessment:3`,
    /// `control:ENC-01`).
    pub subject: String,
    /// One sentence for a person, stating what the user or file said.
    pub summary: String,
    /// The change's particulars as JSON (fields differ by action); where the
    /// change alters a record, `states` maps each subject to the digest of
    /// its new state, which `verify` recomputes.
    pub details: Value,
    /// The hash of the event before (the [`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// SHA-256 (lower-case hex) of this row's content and `prev_hash`.
    pub hash: String,
}

/// What one row's hash covers, in this order: seq, at, actor, action,
/// subject, summary, details (as stored: canonical JSON, serde_json sorts
/// keys) and the previous row's hash. A tuple struct serializes as a JSON
/// array, the form every stored hash was computed over.
#[derive(serde::Serialize)]
struct HashedRow<'a>(
    i64,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
);

impl HashedRow<'_> {
    fn hash(&self) -> String {
        let canonical = serde_json::to_string(self).expect("strings serialize");
        crate::hash::sha256_hex(canonical.as_bytes())
    }
}

/// What is needed to write an event; the caller's transaction makes it atomic
/// with the change it records.
pub(crate) struct NewEvent<'a> {
    /// RFC 3339 UTC timestamp of the change.
    pub at: &'a str,
    /// The user making it.
    pub actor: &'a str,
    /// `area.verb`, as in [`AuditEvent::action`].
    pub action: &'a str,
    /// `kind:id`, as in [`AuditEvent::subject`].
    pub subject: &'a str,
    /// The sentence a person reads.
    pub summary: String,
    /// The particulars, stored as canonical JSON.
    pub details: Value,
}

/// Appends `event` to the chain on `conn` (inside the caller's transaction)
/// with the next sequence number and its hash, and returns the stored row.
pub(crate) fn append(conn: &Connection, event: NewEvent<'_>) -> Result<AuditEvent> {
    let (seq, prev_hash) = match rows::last(conn)? {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let details = serde_json::to_string(&event.details).expect("json serializes");
    let hash = HashedRow(
        seq,
        event.at,
        event.actor,
        event.action,
        event.subject,
        &event.summary,
        &details,
        &prev_hash,
    )
    .hash();
    let stored = AuditEvent {
        seq,
        at: event.at.to_string(),
        actor: event.actor.to_string(),
        action: event.action.to_string(),
        subject: event.subject.to_string(),
        summary: event.summary,
        details: event.details,
        prev_hash,
        hash,
    };
    rows::insert(conn, &stored, &details)?;
    Ok(stored)
}

/// Newest first, at most `limit` rows, optionally only those about `subject`.
pub fn list(conn: &Connection, limit: usize, subject: Option<&str>) -> Result<Vec<AuditEvent>> {
    rows::newest(conn, limit, subject)
}

/// One broken link of the chain.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChainFault {
    /// The event at which the chain breaks.
    pub seq: i64,
    /// What is wrong there: rows missing before it, not chained to the one
    /// before, or altered after it was written.
    pub message: String,
}

/// Walks the whole chain; returns every fault, the number of rows, and the last hash.
pub fn verify_chain(conn: &Connection) -> Result<(Vec<ChainFault>, usize, String)> {
    let mut faults = Vec::new();
    let mut expected_prev = GENESIS_HASH.to_string();
    let mut expected_seq = 1;
    let mut count = 0;
    rows::each_in_order(conn, |e, details| {
        count += 1;
        if e.seq != expected_seq {
            faults.push(ChainFault {
                seq: e.seq,
                message: format!(
                    "audit events {expected_seq}..{} are missing (deleted rows)",
                    e.seq - 1
                ),
            });
        }
        if e.prev_hash != expected_prev {
            faults.push(ChainFault {
                seq: e.seq,
                message: format!("event {} does not chain to the event before it", e.seq),
            });
        }
        let recomputed = HashedRow(
            e.seq,
            &e.at,
            &e.actor,
            &e.action,
            &e.subject,
            &e.summary,
            &details,
            &e.prev_hash,
        )
        .hash();
        if recomputed != e.hash {
            faults.push(ChainFault {
                seq: e.seq,
                message: format!(
                    "event {} was altered after it was written (hash mismatch)",
                    e.seq
                ),
            });
        }
        expected_prev = e.hash;
        expected_seq = e.seq + 1;
    })?;
    Ok((faults, count, expected_prev))
}

/// A kept (head hash, event count) pair: the chain as it stood when a report
/// was made. `verify --anchor` proves the workspace still holds that prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    /// The hash of the last event then (64 lower-case hex digits).
    pub hash: String,
    /// How many events the trail held then.
    pub count: usize,
}

impl Anchor {
    /// Parses `HASH:COUNT` (64 hex digits, a colon, the number of events).
    pub fn parse(s: &str) -> Option<Anchor> {
        let (hash, count) = s.trim().split_once(':')?;
        let hash = hash.trim().to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(Anchor {
            hash,
            count: count.trim().parse().ok()?,
        })
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.hash, self.count)
    }
}

/// Checks that the stored chain holds `anchor`'s exact prefix: event number
/// `count` exists and its hash is the anchored one. Together with a clean
/// [`verify_chain`] (every hash recomputed from genesis), equal hashes at that
/// position mean every event up to it is byte-for-byte what it was: a
/// rewritten, forged, reordered or removed event before it would need a
/// SHA-256 collision. Returns the fault in words, or None.
pub fn check_anchor(conn: &Connection, anchor: &Anchor) -> Result<Option<String>> {
    if anchor.count == 0 {
        return Ok((anchor.hash != GENESIS_HASH)
            .then(|| "an anchor of 0 events must carry the genesis hash".to_string()));
    }
    let stored = rows::hash_at(conn, anchor.count as i64)?;
    let total = rows::count(conn)?;
    Ok(match stored {
        None => Some(format!(
            "the anchor names event {} but the trail holds only {total} events: events were removed from it",
            anchor.count
        )),
        Some(h) if h != anchor.hash => Some(format!(
            "event {} has hash {h}, not the anchored {}: the trail up to the anchor was rewritten",
            anchor.count, anchor.hash
        )),
        Some(_) => None,
    })
}

#[cfg(test)]
mod anchor_tests {
    use super::*;

    #[test]
    fn anchors_parse_strictly() {
        let h = "ab".repeat(32);
        assert_eq!(
            Anchor::parse(&format!("{h}:12")),
            Some(Anchor {
                hash: h.clone(),
                count: 12
            })
        );
        for bad in [
            "",
            "abc:1",
            &h.to_string(),
            &format!("{h}:x"),
            &format!("{h}:-1"),
        ] {
            assert_eq!(Anchor::parse(bad), None, "{bad}");
        }
    }
}
