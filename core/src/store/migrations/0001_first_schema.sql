-- 1: the first schema.
CREATE TABLE frameworks (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    version TEXT NOT NULL,
    publisher TEXT NOT NULL,
    published TEXT,
    source TEXT NOT NULL,
    text_rights TEXT NOT NULL,
    levels TEXT NOT NULL,            -- JSON array, top level first
    catalog_sha256 TEXT NOT NULL,    -- of the catalog file it was loaded from
    shipped INTEGER NOT NULL         -- 1 when it came with Crosswalk
);
CREATE TABLE requirements (
    framework_id TEXT NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    ref TEXT NOT NULL,
    ref_key TEXT NOT NULL,           -- ref without whitespace, for forgiving lookups
    parent TEXT,
    level TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    assessable INTEGER NOT NULL,
    designation TEXT,
    theme TEXT,
    position INTEGER NOT NULL,       -- order in the catalog
    PRIMARY KEY (framework_id, ref),
    UNIQUE (framework_id, ref_key)
);
CREATE TABLE crosswalk_links (
    id INTEGER PRIMARY KEY,
    from_framework TEXT NOT NULL,
    from_ref TEXT NOT NULL,
    to_framework TEXT NOT NULL,
    to_ref TEXT NOT NULL,
    relationship TEXT NOT NULL,
    basis TEXT NOT NULL,
    source TEXT NOT NULL,
    note TEXT,
    origin TEXT NOT NULL,            -- 'shipped', or the file a user imported it from
    FOREIGN KEY (from_framework, from_ref) REFERENCES requirements(framework_id, ref) ON DELETE CASCADE,
    FOREIGN KEY (to_framework, to_ref) REFERENCES requirements(framework_id, ref) ON DELETE CASCADE
);
CREATE INDEX crosswalk_from ON crosswalk_links(from_framework, from_ref);
CREATE INDEX crosswalk_to ON crosswalk_links(to_framework, to_ref);
CREATE TABLE controls (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    owner TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('implemented','partial','planned','not_applicable')),
    review_every_days INTEGER,
    source_file TEXT,                -- the YAML file it was last imported from
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE mappings (
    control_id TEXT NOT NULL REFERENCES controls(id) ON DELETE CASCADE,
    framework_id TEXT NOT NULL,
    ref TEXT NOT NULL,
    coverage TEXT NOT NULL CHECK (coverage IN ('full','partial')),
    rationale TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (control_id, framework_id, ref),
    FOREIGN KEY (framework_id, ref) REFERENCES requirements(framework_id, ref)
);
CREATE INDEX mappings_requirement ON mappings(framework_id, ref);
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('file','link','note')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    url TEXT,
    note TEXT,
    collected_by TEXT NOT NULL,
    collected_on TEXT NOT NULL,
    valid_until TEXT,
    import_key TEXT UNIQUE,          -- "CONTROL-ID/title" for evidence declared in control YAML
    added_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE TABLE evidence_revisions (
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    number INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (evidence_id, number)
);
CREATE INDEX revisions_blob ON evidence_revisions(sha256);
CREATE TABLE evidence_controls (
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    control_id TEXT NOT NULL REFERENCES controls(id) ON DELETE CASCADE,
    PRIMARY KEY (evidence_id, control_id)
);
CREATE INDEX evidence_controls_control ON evidence_controls(control_id);
CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    scope TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE assessment_frameworks (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    framework_id TEXT NOT NULL REFERENCES frameworks(id),
    PRIMARY KEY (assessment_id, framework_id)
);
CREATE TABLE applicability (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    framework_id TEXT NOT NULL,
    ref TEXT NOT NULL,
    applicable INTEGER NOT NULL,
    justification TEXT NOT NULL,     -- required when not applicable
    implementation TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, framework_id, ref),
    FOREIGN KEY (framework_id, ref) REFERENCES requirements(framework_id, ref),
    CHECK (applicable = 1 OR length(trim(justification)) > 0)
);
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    summary TEXT NOT NULL,
    details TEXT NOT NULL,           -- canonical JSON
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
