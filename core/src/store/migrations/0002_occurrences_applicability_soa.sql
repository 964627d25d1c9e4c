-- Evidence over an audit period: occurrences grouped in a series, the
-- assessment type, workspace-level applicability with its history, and
-- the Statement of Applicability's document-control fields.
ALTER TABLE evidence ADD COLUMN series_id INTEGER REFERENCES evidence(id);
CREATE INDEX evidence_series ON evidence(series_id);
ALTER TABLE assessments ADD COLUMN kind TEXT CHECK (kind IS NULL OR kind IN ('type1','type2'));
CREATE TABLE applicability_decisions (
    id INTEGER PRIMARY KEY,
    framework_id TEXT NOT NULL,
    ref TEXT NOT NULL,
    applicable INTEGER NOT NULL,
    justification TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    FOREIGN KEY (framework_id, ref) REFERENCES requirements(framework_id, ref),
    CHECK (applicable = 1 OR length(trim(justification)) > 0)
);
CREATE INDEX applicability_decisions_req ON applicability_decisions(framework_id, ref, id);
CREATE TABLE soa_documents (
    framework_id TEXT PRIMARY KEY REFERENCES frameworks(id),
    version TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    approved_by TEXT NOT NULL DEFAULT '',
    approved_on TEXT,
    updated_at TEXT NOT NULL
);
