import type { Migration } from './types.js';

/** Dates are ISO `YYYY-MM-DD` text; a fiscal year N runs from N-1-10-01 to N-09-30. */
const DATE = (col: string) =>
  `${col} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'`;
const FY = (col: string) =>
  `CAST(substr(${col}, 1, 4) AS INTEGER) + (substr(${col}, 6, 2) >= '10')`;

export const migration001: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
CREATE TABLE agencies (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL CHECK (length(name) > 0),
  organization TEXT,
  -- NULL only for an 'unmapped' agency (an eligible domain no directory entry covers).
  level        TEXT CHECK (level IN ('federal','state','local','tribal','interstate') OR (level IS NULL AND source = 'unmapped')),
  source       TEXT NOT NULL CHECK (source IN ('builtin','dotgov','manual','unmapped')),
  city         TEXT,
  state        TEXT
) STRICT;
CREATE UNIQUE INDEX agencies_name_org ON agencies(name, coalesce(organization, ''));

CREATE TABLE agency_domains (
  domain     TEXT PRIMARY KEY CHECK (domain = lower(domain) AND length(domain) > 0),
  agency_id  INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
  domain_type TEXT,
  source     TEXT NOT NULL CHECK (source IN ('builtin','dotgov','manual'))
) STRICT, WITHOUT ROWID;
CREATE INDEX agency_domains_agency ON agency_domains(agency_id);

CREATE TABLE domain_rules (
  id          INTEGER PRIMARY KEY,
  action      TEXT NOT NULL CHECK (action IN ('allow','deny')),
  target_type TEXT NOT NULL CHECK (target_type IN ('suffix','address')),
  target      TEXT NOT NULL CHECK (target = lower(target) AND length(target) > 0),
  reason      TEXT,
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  UNIQUE (action, target)
) STRICT;

CREATE TABLE import_batches (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('members','events','attendance')),
  file_name    TEXT NOT NULL,
  sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
  imported_by  TEXT NOT NULL,
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  options      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
  rows_read    INTEGER NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
  added        INTEGER NOT NULL DEFAULT 0 CHECK (added >= 0),
  updated      INTEGER NOT NULL DEFAULT 0 CHECK (updated >= 0),
  unchanged    INTEGER NOT NULL DEFAULT 0 CHECK (unchanged >= 0),
  reactivated  INTEGER NOT NULL DEFAULT 0 CHECK (reactivated >= 0),
  deactivated  INTEGER NOT NULL DEFAULT 0 CHECK (deactivated >= 0),
  rejected     INTEGER NOT NULL DEFAULT 0 CHECK (rejected >= 0),
  status       TEXT NOT NULL DEFAULT 'applied' CHECK (status IN ('applied','undone')),
  undone_at    TEXT,
  undone_by    TEXT
) STRICT;
CREATE INDEX import_batches_sha ON import_batches(kind, sha256);

CREATE TABLE import_rejects (
  batch_id INTEGER NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
  line     INTEGER NOT NULL CHECK (line > 0),
  reason   TEXT NOT NULL CHECK (reason IN ('missing_email','invalid_syntax','ineligible_domain','denied_domain',
             'non_ascii_domain','duplicate_in_file','unknown_group','bad_date','bad_value','ragged_row','unknown_event')),
  detail   TEXT NOT NULL,
  email    TEXT
) STRICT;
CREATE INDEX import_rejects_batch ON import_rejects(batch_id, line);

-- Before-images of every row an import changed, so that 'imports undo' restores exactly.
CREATE TABLE batch_changes (
  batch_id   INTEGER NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  entity     TEXT NOT NULL CHECK (entity IN ('member','assignment','event','attendance')),
  entity_key TEXT NOT NULL,
  op         TEXT NOT NULL CHECK (op IN ('insert','update','delete')),
  before     TEXT CHECK (before IS NULL OR json_valid(before)),
  PRIMARY KEY (batch_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX batch_changes_entity ON batch_changes(entity, entity_key, batch_id);

CREATE TABLE members (
  id              INTEGER PRIMARY KEY,
  email           TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND instr(email, '@') > 1),
  domain          TEXT NOT NULL CHECK (length(domain) > 0),
  agency_id       INTEGER REFERENCES agencies(id) ON DELETE SET NULL,
  first_name      TEXT,
  last_name       TEXT,
  reported_agency TEXT,
  member_type     TEXT NOT NULL DEFAULT 'employee' CHECK (member_type IN ('employee','contractor')),
  job_title       TEXT,
  role_track      TEXT CHECK (role_track IN ('Acquisition','Leadership','Technical')),
  joined_on       TEXT NOT NULL CHECK (${DATE('joined_on')}),
  left_on         TEXT CHECK (left_on IS NULL OR (${DATE('left_on')} AND left_on >= joined_on)),
  joined_fy       INTEGER GENERATED ALWAYS AS (${FY('joined_on')}) STORED,
  left_fy         INTEGER GENERATED ALWAYS AS (CASE WHEN left_on IS NULL THEN NULL ELSE ${FY('left_on')} END) STORED,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  created_batch   INTEGER REFERENCES import_batches(id) ON DELETE SET NULL,
  updated_batch   INTEGER REFERENCES import_batches(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX members_agency ON members(agency_id);
CREATE INDEX members_domain ON members(domain);
CREATE INDEX members_dates ON members(joined_on, left_on, member_type);

CREATE TABLE groups (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
  kind        TEXT NOT NULL CHECK (kind IN ('working_group','practice_area')),
  capacity    INTEGER CHECK (capacity IS NULL OR capacity > 0),
  description TEXT,
  builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0,1)),
  created_at  TEXT NOT NULL,
  archived_on TEXT CHECK (archived_on IS NULL OR ${DATE('archived_on')})
) STRICT;

-- Which working group suits members interested in a practice area (auto-assignment preference).
CREATE TABLE group_links (
  practice_area_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  working_group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  PRIMARY KEY (practice_area_id, working_group_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE assignments (
  id            INTEGER PRIMARY KEY,
  member_id     INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  group_id      INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  assigned_on   TEXT NOT NULL CHECK (${DATE('assigned_on')}),
  removed_on    TEXT CHECK (removed_on IS NULL OR (${DATE('removed_on')} AND removed_on >= assigned_on)),
  source        TEXT NOT NULL CHECK (source IN ('import','manual','auto')),
  batch_id      INTEGER REFERENCES import_batches(id) ON DELETE SET NULL,
  removed_batch INTEGER REFERENCES import_batches(id) ON DELETE SET NULL
) STRICT;
CREATE UNIQUE INDEX assignments_open ON assignments(member_id, group_id) WHERE removed_on IS NULL;
CREATE INDEX assignments_group ON assignments(group_id, assigned_on, removed_on);

CREATE TABLE events (
  id              TEXT PRIMARY KEY CHECK (length(trim(id)) > 0),
  title           TEXT NOT NULL,
  type            TEXT NOT NULL CHECK (type IN ('community_meeting','training','challenge','workshop','webinar')),
  held_on         TEXT NOT NULL CHECK (${DATE('held_on')}),
  fiscal_year     INTEGER GENERATED ALWAYS AS (${FY('held_on')}) STORED,
  track           TEXT CHECK (track IS NULL OR track IN ('Acquisition','Leadership','Technical')),
  host            TEXT,
  government_wide INTEGER NOT NULL DEFAULT 0 CHECK (government_wide IN (0,1)),
  created_batch   INTEGER REFERENCES import_batches(id) ON DELETE SET NULL,
  updated_batch   INTEGER REFERENCES import_batches(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX events_fy ON events(fiscal_year, type);

CREATE TABLE attendance (
  event_id      TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  email         TEXT NOT NULL CHECK (email = lower(email)),
  member_id     INTEGER REFERENCES members(id) ON DELETE SET NULL,
  registered    INTEGER NOT NULL DEFAULT 1 CHECK (registered IN (0,1)),
  attended      INTEGER NOT NULL DEFAULT 0 CHECK (attended IN (0,1)),
  satisfaction  INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
  nps           INTEGER CHECK (nps BETWEEN 0 AND 10),
  comment       TEXT,
  created_batch INTEGER REFERENCES import_batches(id) ON DELETE SET NULL,
  updated_batch INTEGER REFERENCES import_batches(id) ON DELETE SET NULL,
  PRIMARY KEY (event_id, email)
) STRICT, WITHOUT ROWID;
CREATE INDEX attendance_member ON attendance(member_id);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
`,
};
