-- Crosswalks you can cite: IR 8477 supportive links (properties, strength),
-- each link's provenance, and catalog titles that are the project's own label.
ALTER TABLE crosswalk_links ADD COLUMN properties TEXT NOT NULL DEFAULT '';  -- comma-separated SupportProperty names
ALTER TABLE crosswalk_links ADD COLUMN strength INTEGER;
ALTER TABLE crosswalk_links ADD COLUMN publisher TEXT NOT NULL DEFAULT '';
ALTER TABLE crosswalk_links ADD COLUMN document TEXT NOT NULL DEFAULT '';
ALTER TABLE crosswalk_links ADD COLUMN version TEXT NOT NULL DEFAULT '';
ALTER TABLE crosswalk_links ADD COLUMN licence TEXT NOT NULL DEFAULT '';
ALTER TABLE crosswalk_links ADD COLUMN url TEXT NOT NULL DEFAULT '';
ALTER TABLE requirements ADD COLUMN own_title INTEGER NOT NULL DEFAULT 0;
