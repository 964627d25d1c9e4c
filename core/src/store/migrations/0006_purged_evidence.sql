-- vault: evidence whose stored files were destroyed on purpose (`evidence purge`).
CREATE TABLE evidence_purges (
    evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id),
    purged_at TEXT NOT NULL,
    reason TEXT NOT NULL
);
