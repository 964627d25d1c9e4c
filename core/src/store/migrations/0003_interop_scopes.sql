-- interop: scopes (an OSCAL profile's baseline, an OpenControl certification).
CREATE TABLE scopes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    source TEXT NOT NULL             -- the file it was imported from
);
CREATE TABLE scope_requirements (
    scope_id TEXT NOT NULL REFERENCES scopes(id) ON DELETE CASCADE,
    framework_id TEXT NOT NULL,
    ref TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (scope_id, framework_id, ref),
    FOREIGN KEY (framework_id, ref) REFERENCES requirements(framework_id, ref) ON DELETE CASCADE
);
