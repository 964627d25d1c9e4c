-- The workspace signing key's public half and signed checkpoints (signing.rs).
CREATE TABLE workspace_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    workspace_id TEXT NOT NULL,      -- random, made with the key
    public_key TEXT NOT NULL,        -- Ed25519, 32 bytes hex; the secret stays in keys/
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY,
    event_count INTEGER NOT NULL,    -- the signed prefix: events 1..event_count
    head_hash TEXT NOT NULL,         -- hash of event `event_count`
    at TEXT NOT NULL,
    reason TEXT NOT NULL,            -- report, package, on demand
    fingerprint TEXT NOT NULL,
    signature TEXT NOT NULL          -- Ed25519 over Checkpoint::message, hex
);
