import type { Migration } from './types.js';

/**
 * What each report rollup holds once membership has a history (SPEC §8, §10), computed from the
 * base tables. This migration fills the tables with them, `db check` compares against them, and
 * the tests compare the trigger-kept contents against them after random writes.
 *
 * A "span" (member_spans) is a stretch of one membership period during which the member's agency
 * and member type stay the same; a period is the run of spans from a 'join' to its end. A span
 * whose end equals its start counted no day (a planned join cancelled before it began) and is
 * left out of every rollup.
 */
export const ROLLUP_CONTENTS_013: Readonly<Record<string, string>> = {
  member_fy: `SELECT coalesce(agency_id, 0), member_type, start_fy, end_fy,
      CASE WHEN starts = 'change' THEN 'change' WHEN period = 1 THEN 'join' ELSE 'rejoin' END,
      coalesce(ends, 'open'), count(*)
    FROM member_spans WHERE end_on IS NULL OR end_on > start_on
    GROUP BY 1, 2, 3, 4, 5, 6`,
  group_fy: `SELECT group_id, from_fy, to_fy, count(*) FROM (
      SELECT a.group_id, max(a.assigned_fy, s.start_fy) AS from_fy,
        CASE WHEN a.removed_fy = 0 THEN s.end_fy WHEN s.end_fy = 0 THEN a.removed_fy ELSE min(a.removed_fy, s.end_fy) END AS to_fy
      FROM assignments a JOIN member_spans s ON s.member_id = a.member_id
      WHERE s.end_on IS NULL OR s.end_on > s.start_on)
    WHERE to_fy = 0 OR to_fy > from_fy
    GROUP BY 1, 2, 3`,
  group_join: `SELECT a.assigned_fy, a.group_id, a.member_id, count(*)
    FROM assignments a JOIN member_spans s ON s.member_id = a.member_id
      AND s.start_on <= a.assigned_on AND (s.end_on IS NULL OR s.end_on > a.assigned_on)
    GROUP BY 1, 2, 3`,
  event_stats: `SELECT e.id, e.fiscal_year,
      count(CASE WHEN a.registered = 1 THEN 1 END), count(CASE WHEN a.attended = 1 THEN 1 END),
      count(CASE WHEN a.satisfaction = 1 THEN 1 END), count(CASE WHEN a.satisfaction = 2 THEN 1 END),
      count(CASE WHEN a.satisfaction = 3 THEN 1 END), count(CASE WHEN a.satisfaction = 4 THEN 1 END),
      count(CASE WHEN a.satisfaction = 5 THEN 1 END),
      count(CASE WHEN a.nps = 0 THEN 1 END), count(CASE WHEN a.nps = 1 THEN 1 END), count(CASE WHEN a.nps = 2 THEN 1 END),
      count(CASE WHEN a.nps = 3 THEN 1 END), count(CASE WHEN a.nps = 4 THEN 1 END), count(CASE WHEN a.nps = 5 THEN 1 END),
      count(CASE WHEN a.nps = 6 THEN 1 END), count(CASE WHEN a.nps = 7 THEN 1 END), count(CASE WHEN a.nps = 8 THEN 1 END),
      count(CASE WHEN a.nps = 9 THEN 1 END), count(CASE WHEN a.nps = 10 THEN 1 END),
      e.held_on
    FROM events e LEFT JOIN attendance a ON a.event_id = e.id GROUP BY e.id`,
  attendee_fy: `SELECT e.fiscal_year, a.email, count(*) FROM attendance a JOIN events e ON e.id = a.event_id WHERE a.attended = 1 GROUP BY 1, 2`,
  member_attendee_fy: `SELECT e.fiscal_year, a.member_id, count(*)
    FROM attendance a JOIN events e ON e.id = a.event_id
      JOIN member_spans s ON s.member_id = a.member_id AND s.start_on <= e.held_on AND (s.end_on IS NULL OR s.end_on > e.held_on)
    WHERE a.attended = 1
    GROUP BY 1, 2`,
};

/**
 * Membership history (SPEC §10): periods and dated facts, and closed fiscal years.
 *
 * - member_spans: one row per stretch of membership with constant agency and member type. A
 *   member's first span starts their first period ('join'); leaving ends the open span ('left');
 *   a change of agency or type ends it ('change') and opens the next one on the same day; coming
 *   back opens a new period (period + 1). `members.joined_on`/`left_on`/`agency_id`/
 *   `member_type` stay as the current values (lists, exports, filters); history lives here, so a
 *   later import appends rather than overwrites and a closed year's figures stay as they were.
 * - The report rollups now count spans: member_fy by (agency, type, first FY, end FY, how the
 *   span began, how it ended); group_fy and group_join count assignments only while their member
 *   was a member; member_attendee_fy counts attendees who were members on the event's date.
 *   The members table's own rollup triggers go: members no longer feed the rollups, spans do.
 * - batch_changes may record before-images of spans ('span'), so `imports undo` restores them.
 * - fy_closures / fy_restatements: `report close` stores a fiscal year's figures; every later
 *   write that moves them is logged with its batch or edit, so `report diff` can name it.
 *
 * Every existing member becomes one period, from joined_on to left_on, with today's agency and
 * type (the only values known).
 */
export const migration013: Migration = {
  version: 13,
  name: 'membership history',
  sql: `
CREATE TABLE member_spans (
  id          INTEGER PRIMARY KEY,
  member_id   INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  period      INTEGER NOT NULL CHECK (period >= 1),
  start_on    TEXT NOT NULL CHECK (start_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  end_on      TEXT CHECK (end_on IS NULL OR (end_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND end_on >= start_on)),
  starts      TEXT NOT NULL CHECK (starts IN ('join','change')),
  ends        TEXT CHECK (ends IN ('left','change') AND end_on IS NOT NULL OR ends IS NULL AND end_on IS NULL),
  -- No foreign key: a closed year keeps naming the agency a member had then, even if an
  -- unmapped agency row is later dropped (its id is never reused while a span names it).
  agency_id   INTEGER,
  member_type TEXT NOT NULL CHECK (member_type IN ('employee','contractor')),
  batch_id    INTEGER REFERENCES import_batches(id) ON DELETE SET NULL,
  start_fy    INTEGER GENERATED ALWAYS AS (CAST(substr(start_on, 1, 4) AS INTEGER) + (substr(start_on, 6, 2) >= '10')) STORED,
  end_fy      INTEGER GENERATED ALWAYS AS (CASE WHEN end_on IS NULL THEN 0 ELSE CAST(substr(end_on, 1, 4) AS INTEGER) + (substr(end_on, 6, 2) >= '10') END) STORED
) STRICT;
CREATE INDEX member_spans_member ON member_spans(member_id, start_on);

INSERT INTO member_spans (member_id, period, start_on, end_on, starts, ends, agency_id, member_type, batch_id)
  SELECT id, 1, joined_on, left_on, 'join', CASE WHEN left_on IS NULL THEN NULL ELSE 'left' END, agency_id, member_type, created_batch
  FROM members ORDER BY id;

-- The fiscal years of an assignment (0 = still open), named so the rollup SQL reads plainly.
ALTER TABLE assignments ADD COLUMN assigned_fy INTEGER GENERATED ALWAYS AS (CAST(substr(assigned_on, 1, 4) AS INTEGER) + (substr(assigned_on, 6, 2) >= '10')) VIRTUAL;
ALTER TABLE assignments ADD COLUMN removed_fy INTEGER GENERATED ALWAYS AS (CASE WHEN removed_on IS NULL THEN 0 ELSE CAST(substr(removed_on, 1, 4) AS INTEGER) + (substr(removed_on, 6, 2) >= '10') END) VIRTUAL;

-- batch_changes may now hold spans; SQLite cannot widen a CHECK in place.
CREATE TABLE batch_changes_013 (
  batch_id   INTEGER NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  entity     TEXT NOT NULL CHECK (entity IN ('member','assignment','event','attendance','span')),
  entity_key TEXT NOT NULL,
  op         TEXT NOT NULL CHECK (op IN ('insert','update','delete')),
  before     TEXT CHECK (before IS NULL OR json_valid(before)),
  PRIMARY KEY (batch_id, seq)
) STRICT, WITHOUT ROWID;
INSERT INTO batch_changes_013 SELECT * FROM batch_changes;
DROP TABLE batch_changes;
ALTER TABLE batch_changes_013 RENAME TO batch_changes;
CREATE INDEX batch_changes_entity ON batch_changes(entity, entity_key, batch_id);

-- Batches before this one recorded member rows only: their undo re-derives the spans.
INSERT INTO meta (key, value) SELECT 'history_since_batch', coalesce(max(id), 0) + 1 FROM import_batches;

-- The old rollups counted one period per member with today's facts: rebuilt from the spans.
DROP TRIGGER IF EXISTS members_report_ai;
DROP TRIGGER IF EXISTS members_report_ad;
DROP TRIGGER IF EXISTS members_report_au;
DROP TRIGGER IF EXISTS members_report_bd;
DROP TRIGGER IF EXISTS members_report_groups_au;
DROP TRIGGER IF EXISTS assignments_report_ai;
DROP TRIGGER IF EXISTS assignments_report_ad;
DROP TRIGGER IF EXISTS assignments_report_au;
DROP TRIGGER IF EXISTS attendance_report_ai;
DROP TRIGGER IF EXISTS attendance_report_ad;
DROP TRIGGER IF EXISTS attendance_report_au;
DROP TRIGGER IF EXISTS events_report_ai;
DROP TRIGGER IF EXISTS events_report_fy_au;
DROP TABLE member_fy;
DROP TABLE group_fy;
DROP TABLE group_join;
DROP TABLE member_attendee_fy;

CREATE TABLE member_fy (
  agency_id   INTEGER NOT NULL,   -- 0: no agency known
  member_type TEXT NOT NULL,
  start_fy    INTEGER NOT NULL,
  end_fy      INTEGER NOT NULL,   -- 0: still open
  starts      TEXT NOT NULL,      -- 'join' (a first period), 'rejoin', 'change' (agency or type)
  ends        TEXT NOT NULL,      -- 'left', 'change', 'open'
  n           INTEGER NOT NULL,
  PRIMARY KEY (agency_id, member_type, start_fy, end_fy, starts, ends)
) STRICT, WITHOUT ROWID;
CREATE INDEX member_fy_zero ON member_fy(n) WHERE n = 0;

CREATE TABLE group_fy (
  group_id INTEGER NOT NULL,
  from_fy  INTEGER NOT NULL,
  to_fy    INTEGER NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (group_id, from_fy, to_fy)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_fy_zero ON group_fy(n) WHERE n = 0;

CREATE TABLE group_join (
  fy        INTEGER NOT NULL,
  group_id  INTEGER NOT NULL,
  member_id INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (fy, group_id, member_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_join_zero ON group_join(n) WHERE n = 0;

CREATE TABLE member_attendee_fy (
  fy        INTEGER NOT NULL,
  member_id INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (fy, member_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX member_attendee_fy_zero ON member_attendee_fy(n) WHERE n = 0;

-- The attendance triggers read the event's date here: when an event is deleted, its attendance
-- rows go by cascade after the event row itself is gone.
ALTER TABLE event_stats ADD COLUMN held_on TEXT;
UPDATE event_stats SET held_on = (SELECT held_on FROM events e WHERE e.id = event_stats.event_id);

INSERT INTO member_fy ${ROLLUP_CONTENTS_013.member_fy};
INSERT INTO group_fy ${ROLLUP_CONTENTS_013.group_fy};
INSERT INTO group_join ${ROLLUP_CONTENTS_013.group_join};
INSERT INTO member_attendee_fy ${ROLLUP_CONTENTS_013.member_attendee_fy};

-- Spans. A roster import writes its new members' spans in bulk and adds them to member_fy with
-- one grouped statement (src/db/rollups.ts) while its transaction holds 'bulk:spans' in meta.
CREATE TRIGGER member_spans_ai AFTER INSERT ON member_spans
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:spans') BEGIN
  INSERT INTO member_fy (agency_id, member_type, start_fy, end_fy, starts, ends, n)
    SELECT coalesce(NEW.agency_id, 0), NEW.member_type, NEW.start_fy, NEW.end_fy,
      CASE WHEN NEW.starts = 'change' THEN 'change' WHEN NEW.period = 1 THEN 'join' ELSE 'rejoin' END,
      coalesce(NEW.ends, 'open'), 1
    WHERE NEW.end_on IS NULL OR NEW.end_on > NEW.start_on
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO group_fy (group_id, from_fy, to_fy, n)
    SELECT group_id, from_fy, to_fy, 1 FROM (
      SELECT a.group_id, max(a.assigned_fy, NEW.start_fy) AS from_fy,
        CASE WHEN a.removed_fy = 0 THEN NEW.end_fy WHEN NEW.end_fy = 0 THEN a.removed_fy ELSE min(a.removed_fy, NEW.end_fy) END AS to_fy
      FROM assignments a WHERE a.member_id = NEW.member_id AND (NEW.end_on IS NULL OR NEW.end_on > NEW.start_on))
    WHERE to_fy = 0 OR to_fy > from_fy
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO group_join (fy, group_id, member_id, n)
    SELECT a.assigned_fy, a.group_id, a.member_id, 1 FROM assignments a
    WHERE a.member_id = NEW.member_id AND a.assigned_on >= NEW.start_on AND (NEW.end_on IS NULL OR a.assigned_on < NEW.end_on)
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT es.fy, t.member_id, 1 FROM attendance t JOIN event_stats es ON es.event_id = t.event_id
    WHERE t.member_id = NEW.member_id AND t.attended = 1 AND es.held_on >= NEW.start_on AND (NEW.end_on IS NULL OR es.held_on < NEW.end_on)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER member_spans_ad AFTER DELETE ON member_spans BEGIN
  INSERT INTO member_fy (agency_id, member_type, start_fy, end_fy, starts, ends, n)
    SELECT coalesce(OLD.agency_id, 0), OLD.member_type, OLD.start_fy, OLD.end_fy,
      CASE WHEN OLD.starts = 'change' THEN 'change' WHEN OLD.period = 1 THEN 'join' ELSE 'rejoin' END,
      coalesce(OLD.ends, 'open'), -1
    WHERE OLD.end_on IS NULL OR OLD.end_on > OLD.start_on
    ON CONFLICT DO UPDATE SET n = n - 1;
  DELETE FROM member_fy WHERE n = 0;
  INSERT INTO group_fy (group_id, from_fy, to_fy, n)
    SELECT group_id, from_fy, to_fy, -1 FROM (
      SELECT a.group_id, max(a.assigned_fy, OLD.start_fy) AS from_fy,
        CASE WHEN a.removed_fy = 0 THEN OLD.end_fy WHEN OLD.end_fy = 0 THEN a.removed_fy ELSE min(a.removed_fy, OLD.end_fy) END AS to_fy
      FROM assignments a WHERE a.member_id = OLD.member_id AND (OLD.end_on IS NULL OR OLD.end_on > OLD.start_on))
    WHERE to_fy = 0 OR to_fy > from_fy
    ON CONFLICT DO UPDATE SET n = n - 1;
  DELETE FROM group_fy WHERE n = 0;
  INSERT INTO group_join (fy, group_id, member_id, n)
    SELECT a.assigned_fy, a.group_id, a.member_id, -1 FROM assignments a
    WHERE a.member_id = OLD.member_id AND a.assigned_on >= OLD.start_on AND (OLD.end_on IS NULL OR a.assigned_on < OLD.end_on)
    ON CONFLICT DO UPDATE SET n = n - 1;
  DELETE FROM group_join WHERE n = 0;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT es.fy, t.member_id, -1 FROM attendance t JOIN event_stats es ON es.event_id = t.event_id
    WHERE t.member_id = OLD.member_id AND t.attended = 1 AND es.held_on >= OLD.start_on AND (OLD.end_on IS NULL OR es.held_on < OLD.end_on)
    ON CONFLICT DO UPDATE SET n = n - 1;
  DELETE FROM member_attendee_fy WHERE n = 0;
END;

-- An update takes the old row's share out and puts the new row's in (the two triggers above).
CREATE TRIGGER member_spans_au AFTER UPDATE ON member_spans BEGIN
  INSERT INTO member_fy (agency_id, member_type, start_fy, end_fy, starts, ends, n)
    SELECT coalesce(OLD.agency_id, 0), OLD.member_type, OLD.start_fy, OLD.end_fy,
      CASE WHEN OLD.starts = 'change' THEN 'change' WHEN OLD.period = 1 THEN 'join' ELSE 'rejoin' END,
      coalesce(OLD.ends, 'open'), -1
    WHERE OLD.end_on IS NULL OR OLD.end_on > OLD.start_on
    ON CONFLICT DO UPDATE SET n = n - 1;
  INSERT INTO group_fy (group_id, from_fy, to_fy, n)
    SELECT group_id, from_fy, to_fy, -1 FROM (
      SELECT a.group_id, max(a.assigned_fy, OLD.start_fy) AS from_fy,
        CASE WHEN a.removed_fy = 0 THEN OLD.end_fy WHEN OLD.end_fy = 0 THEN a.removed_fy ELSE min(a.removed_fy, OLD.end_fy) END AS to_fy
      FROM assignments a WHERE a.member_id = OLD.member_id AND (OLD.end_on IS NULL OR OLD.end_on > OLD.start_on))
    WHERE to_fy = 0 OR to_fy > from_fy
    ON CONFLICT DO UPDATE SET n = n - 1;
  INSERT INTO group_join (fy, group_id, member_id, n)
    SELECT a.assigned_fy, a.group_id, a.member_id, -1 FROM assignments a
    WHERE a.member_id = OLD.member_id AND a.assigned_on >= OLD.start_on AND (OLD.end_on IS NULL OR a.assigned_on < OLD.end_on)
    ON CONFLICT DO UPDATE SET n = n - 1;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT es.fy, t.member_id, -1 FROM attendance t JOIN event_stats es ON es.event_id = t.event_id
    WHERE t.member_id = OLD.member_id AND t.attended = 1 AND es.held_on >= OLD.start_on AND (OLD.end_on IS NULL OR es.held_on < OLD.end_on)
    ON CONFLICT DO UPDATE SET n = n - 1;
  INSERT INTO member_fy (agency_id, member_type, start_fy, end_fy, starts, ends, n)
    SELECT coalesce(NEW.agency_id, 0), NEW.member_type, NEW.start_fy, NEW.end_fy,
      CASE WHEN NEW.starts = 'change' THEN 'change' WHEN NEW.period = 1 THEN 'join' ELSE 'rejoin' END,
      coalesce(NEW.ends, 'open'), 1
    WHERE NEW.end_on IS NULL OR NEW.end_on > NEW.start_on
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO group_fy (group_id, from_fy, to_fy, n)
    SELECT group_id, from_fy, to_fy, 1 FROM (
      SELECT a.group_id, max(a.assigned_fy, NEW.start_fy) AS from_fy,
        CASE WHEN a.removed_fy = 0 THEN NEW.end_fy WHEN NEW.end_fy = 0 THEN a.removed_fy ELSE min(a.removed_fy, NEW.end_fy) END AS to_fy
      FROM assignments a WHERE a.member_id = NEW.member_id AND (NEW.end_on IS NULL OR NEW.end_on > NEW.start_on))
    WHERE to_fy = 0 OR to_fy > from_fy
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO group_join (fy, group_id, member_id, n)
    SELECT a.assigned_fy, a.group_id, a.member_id, 1 FROM assignments a
    WHERE a.member_id = NEW.member_id AND a.assigned_on >= NEW.start_on AND (NEW.end_on IS NULL OR a.assigned_on < NEW.end_on)
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT es.fy, t.member_id, 1 FROM attendance t JOIN event_stats es ON es.event_id = t.event_id
    WHERE t.member_id = NEW.member_id AND t.attended = 1 AND es.held_on >= NEW.start_on AND (NEW.end_on IS NULL OR es.held_on < NEW.end_on)
    ON CONFLICT DO UPDATE SET n = n + 1;
  DELETE FROM member_fy WHERE n = 0;
  DELETE FROM group_fy WHERE n = 0;
  DELETE FROM group_join WHERE n = 0;
  DELETE FROM member_attendee_fy WHERE n = 0;
END;

-- Assignments count for their group only over the spans of their member. A roster import adds
-- its new assignments in bulk while 'bulk:assignments' is in meta (src/db/rollups.ts).
CREATE TRIGGER assignments_report_ai AFTER INSERT ON assignments
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:assignments') BEGIN
  INSERT INTO group_fy (group_id, from_fy, to_fy, n)
    SELECT NEW.group_id, from_fy, to_fy, 1 FROM (
      SELECT max(NEW.assigned_fy, s.start_fy) AS from_fy,
        CASE WHEN NEW.removed_fy = 0 THEN s.end_fy WHEN s.end_fy = 0 THEN NEW.removed_fy ELSE min(NEW.removed_fy, s.end_fy) END AS to_fy
      FROM member_spans s WHERE s.member_id = NEW.member_id AND (s.end_on IS NULL OR s.end_on > s.start_on))
    WHERE to_fy = 0 OR to_fy > from_fy
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO group_join (fy, group_id, member_id, n)
    SELECT NEW.assigned_fy, NEW.group_id, NEW.member_id, 1 FROM member_spans s
    WHERE s.member_id = NEW.member_id AND s.start_on <= NEW.assigned_on AND (s.end_on IS NULL OR s.end_on > NEW.assigned_on)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER assignments_report_ad AFTER DELETE ON assignments BEGIN
  INSERT INTO group_fy (group_id, from_fy, to_fy, n)
    SELECT OLD.group_id, from_fy, to_fy, -1 FROM (
      SELECT max(OLD.assigned_fy, s.start_fy) AS from_fy,
        CASE WHEN OLD.removed_fy = 0 THEN s.end_fy WHEN s.end_fy = 0 THEN OLD.removed_fy ELSE min(OLD.removed_fy, s.end_fy) END AS to_fy
      FROM member_spans s WHERE s.member_id = OLD.member_id AND (s.end_on IS NULL OR s.end_on > s.start_on))
    WHERE to_fy = 0 OR to_fy > from_fy
    ON CONFLICT DO UPDATE SET n = n - 1;
  DELETE FROM group_fy WHERE n = 0;
  INSERT INTO group_join (fy, group_id, member_id, n)
    SELECT OLD.assigned_fy, OLD.group_id, OLD.member_id, -1 FROM member_spans s
    WHERE s.member_id = OLD.member_id AND s.start_on <= OLD.assigned_on AND (s.end_on IS NULL OR s.end_on > OLD.assigned_on)
    ON CONFLICT DO UPDATE SET n = n - 1;
  DELETE FROM group_join WHERE n = 0;
END;

CREATE TRIGGER assignments_report_au AFTER UPDATE OF member_id, group_id, assigned_on, removed_on ON assignments
WHEN OLD.member_id IS NOT NEW.member_id OR OLD.group_id IS NOT NEW.group_id
  OR OLD.assigned_on IS NOT NEW.assigned_on OR OLD.removed_on IS NOT NEW.removed_on BEGIN
  INSERT INTO group_fy (group_id, from_fy, to_fy, n)
    SELECT OLD.group_id, from_fy, to_fy, -1 FROM (
      SELECT max(OLD.assigned_fy, s.start_fy) AS from_fy,
        CASE WHEN OLD.removed_fy = 0 THEN s.end_fy WHEN s.end_fy = 0 THEN OLD.removed_fy ELSE min(OLD.removed_fy, s.end_fy) END AS to_fy
      FROM member_spans s WHERE s.member_id = OLD.member_id AND (s.end_on IS NULL OR s.end_on > s.start_on))
    WHERE to_fy = 0 OR to_fy > from_fy
    ON CONFLICT DO UPDATE SET n = n - 1;
  INSERT INTO group_join (fy, group_id, member_id, n)
    SELECT OLD.assigned_fy, OLD.group_id, OLD.member_id, -1 FROM member_spans s
    WHERE s.member_id = OLD.member_id AND s.start_on <= OLD.assigned_on AND (s.end_on IS NULL OR s.end_on > OLD.assigned_on)
    ON CONFLICT DO UPDATE SET n = n - 1;
  INSERT INTO group_fy (group_id, from_fy, to_fy, n)
    SELECT NEW.group_id, from_fy, to_fy, 1 FROM (
      SELECT max(NEW.assigned_fy, s.start_fy) AS from_fy,
        CASE WHEN NEW.removed_fy = 0 THEN s.end_fy WHEN s.end_fy = 0 THEN NEW.removed_fy ELSE min(NEW.removed_fy, s.end_fy) END AS to_fy
      FROM member_spans s WHERE s.member_id = NEW.member_id AND (s.end_on IS NULL OR s.end_on > s.start_on))
    WHERE to_fy = 0 OR to_fy > from_fy
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO group_join (fy, group_id, member_id, n)
    SELECT NEW.assigned_fy, NEW.group_id, NEW.member_id, 1 FROM member_spans s
    WHERE s.member_id = NEW.member_id AND s.start_on <= NEW.assigned_on AND (s.end_on IS NULL OR s.end_on > NEW.assigned_on)
    ON CONFLICT DO UPDATE SET n = n + 1;
  DELETE FROM group_fy WHERE n = 0;
  DELETE FROM group_join WHERE n = 0;
END;

-- Events: event_stats carries the event's FY and date for the attendance triggers.
CREATE TRIGGER events_report_ai AFTER INSERT ON events BEGIN
  INSERT INTO event_stats (event_id, fy, held_on) VALUES (NEW.id, NEW.fiscal_year, NEW.held_on);
END;
-- A new date moves the event's attendees to its FY, and its member attendees to whoever was a
-- member on that date.
CREATE TRIGGER events_report_held_au AFTER UPDATE OF held_on ON events WHEN OLD.held_on IS NOT NEW.held_on BEGIN
  INSERT INTO attendee_fy (fy, email, n)
    SELECT OLD.fiscal_year, email, -1 FROM attendance WHERE event_id = NEW.id AND attended = 1
    ON CONFLICT DO UPDATE SET n = n - 1;
  DELETE FROM attendee_fy WHERE fy = OLD.fiscal_year AND n = 0;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT OLD.fiscal_year, t.member_id, -1 FROM attendance t JOIN member_spans s ON s.member_id = t.member_id
      AND s.start_on <= OLD.held_on AND (s.end_on IS NULL OR s.end_on > OLD.held_on)
    WHERE t.event_id = NEW.id AND t.attended = 1
    ON CONFLICT DO UPDATE SET n = n - 1;
  DELETE FROM member_attendee_fy WHERE n = 0;
  UPDATE event_stats SET fy = NEW.fiscal_year, held_on = NEW.held_on WHERE event_id = NEW.id;
  INSERT INTO attendee_fy (fy, email, n)
    SELECT NEW.fiscal_year, email, 1 FROM attendance WHERE event_id = NEW.id AND attended = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT NEW.fiscal_year, t.member_id, 1 FROM attendance t JOIN member_spans s ON s.member_id = t.member_id
      AND s.start_on <= NEW.held_on AND (s.end_on IS NULL OR s.end_on > NEW.held_on)
    WHERE t.event_id = NEW.id AND t.attended = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Attendance: event counters, attendees by email, and member attendees (members on the date).
CREATE TRIGGER attendance_report_ai AFTER INSERT ON attendance BEGIN
  UPDATE event_stats SET registrations = registrations + NEW.registered, attendances = attendances + NEW.attended,
    s1 = s1 + (NEW.satisfaction IS 1), s2 = s2 + (NEW.satisfaction IS 2), s3 = s3 + (NEW.satisfaction IS 3),
    s4 = s4 + (NEW.satisfaction IS 4), s5 = s5 + (NEW.satisfaction IS 5),
    n0 = n0 + (NEW.nps IS 0), n1 = n1 + (NEW.nps IS 1), n2 = n2 + (NEW.nps IS 2), n3 = n3 + (NEW.nps IS 3),
    n4 = n4 + (NEW.nps IS 4), n5 = n5 + (NEW.nps IS 5), n6 = n6 + (NEW.nps IS 6), n7 = n7 + (NEW.nps IS 7),
    n8 = n8 + (NEW.nps IS 8), n9 = n9 + (NEW.nps IS 9), n10 = n10 + (NEW.nps IS 10)
  WHERE event_id = NEW.event_id;
  INSERT INTO attendee_fy (fy, email, n)
    SELECT fy, NEW.email, 1 FROM event_stats WHERE event_id = NEW.event_id AND NEW.attended = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT es.fy, NEW.member_id, 1 FROM event_stats es JOIN member_spans s ON s.member_id = NEW.member_id
      AND s.start_on <= es.held_on AND (s.end_on IS NULL OR s.end_on > es.held_on)
    WHERE es.event_id = NEW.event_id AND NEW.attended = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER attendance_report_ad AFTER DELETE ON attendance BEGIN
  UPDATE event_stats SET registrations = registrations - OLD.registered, attendances = attendances - OLD.attended,
    s1 = s1 - (OLD.satisfaction IS 1), s2 = s2 - (OLD.satisfaction IS 2), s3 = s3 - (OLD.satisfaction IS 3),
    s4 = s4 - (OLD.satisfaction IS 4), s5 = s5 - (OLD.satisfaction IS 5),
    n0 = n0 - (OLD.nps IS 0), n1 = n1 - (OLD.nps IS 1), n2 = n2 - (OLD.nps IS 2), n3 = n3 - (OLD.nps IS 3),
    n4 = n4 - (OLD.nps IS 4), n5 = n5 - (OLD.nps IS 5), n6 = n6 - (OLD.nps IS 6), n7 = n7 - (OLD.nps IS 7),
    n8 = n8 - (OLD.nps IS 8), n9 = n9 - (OLD.nps IS 9), n10 = n10 - (OLD.nps IS 10)
  WHERE event_id = OLD.event_id;
  INSERT INTO attendee_fy (fy, email, n)
    SELECT fy, OLD.email, -1 FROM event_stats WHERE event_id = OLD.event_id AND OLD.attended = 1
    ON CONFLICT DO UPDATE SET n = n - 1;
  DELETE FROM attendee_fy WHERE OLD.attended = 1 AND fy = (SELECT fy FROM event_stats WHERE event_id = OLD.event_id) AND email = OLD.email AND n = 0;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT es.fy, OLD.member_id, -1 FROM event_stats es JOIN member_spans s ON s.member_id = OLD.member_id
      AND s.start_on <= es.held_on AND (s.end_on IS NULL OR s.end_on > es.held_on)
    WHERE es.event_id = OLD.event_id AND OLD.attended = 1
    ON CONFLICT DO UPDATE SET n = n - 1;
  DELETE FROM member_attendee_fy WHERE n = 0;
END;

CREATE TRIGGER attendance_report_au AFTER UPDATE OF event_id, email, member_id, registered, attended, satisfaction, nps ON attendance
WHEN OLD.event_id IS NOT NEW.event_id OR OLD.email IS NOT NEW.email OR OLD.member_id IS NOT NEW.member_id
  OR OLD.registered IS NOT NEW.registered OR OLD.attended IS NOT NEW.attended
  OR OLD.satisfaction IS NOT NEW.satisfaction OR OLD.nps IS NOT NEW.nps BEGIN
  UPDATE event_stats SET registrations = registrations - OLD.registered, attendances = attendances - OLD.attended,
    s1 = s1 - (OLD.satisfaction IS 1), s2 = s2 - (OLD.satisfaction IS 2), s3 = s3 - (OLD.satisfaction IS 3),
    s4 = s4 - (OLD.satisfaction IS 4), s5 = s5 - (OLD.satisfaction IS 5),
    n0 = n0 - (OLD.nps IS 0), n1 = n1 - (OLD.nps IS 1), n2 = n2 - (OLD.nps IS 2), n3 = n3 - (OLD.nps IS 3),
    n4 = n4 - (OLD.nps IS 4), n5 = n5 - (OLD.nps IS 5), n6 = n6 - (OLD.nps IS 6), n7 = n7 - (OLD.nps IS 7),
    n8 = n8 - (OLD.nps IS 8), n9 = n9 - (OLD.nps IS 9), n10 = n10 - (OLD.nps IS 10)
  WHERE event_id = OLD.event_id;
  INSERT INTO attendee_fy (fy, email, n)
    SELECT fy, OLD.email, -1 FROM event_stats WHERE event_id = OLD.event_id AND OLD.attended = 1
    ON CONFLICT DO UPDATE SET n = n - 1;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT es.fy, OLD.member_id, -1 FROM event_stats es JOIN member_spans s ON s.member_id = OLD.member_id
      AND s.start_on <= es.held_on AND (s.end_on IS NULL OR s.end_on > es.held_on)
    WHERE es.event_id = OLD.event_id AND OLD.attended = 1
    ON CONFLICT DO UPDATE SET n = n - 1;
  UPDATE event_stats SET registrations = registrations + NEW.registered, attendances = attendances + NEW.attended,
    s1 = s1 + (NEW.satisfaction IS 1), s2 = s2 + (NEW.satisfaction IS 2), s3 = s3 + (NEW.satisfaction IS 3),
    s4 = s4 + (NEW.satisfaction IS 4), s5 = s5 + (NEW.satisfaction IS 5),
    n0 = n0 + (NEW.nps IS 0), n1 = n1 + (NEW.nps IS 1), n2 = n2 + (NEW.nps IS 2), n3 = n3 + (NEW.nps IS 3),
    n4 = n4 + (NEW.nps IS 4), n5 = n5 + (NEW.nps IS 5), n6 = n6 + (NEW.nps IS 6), n7 = n7 + (NEW.nps IS 7),
    n8 = n8 + (NEW.nps IS 8), n9 = n9 + (NEW.nps IS 9), n10 = n10 + (NEW.nps IS 10)
  WHERE event_id = NEW.event_id;
  INSERT INTO attendee_fy (fy, email, n)
    SELECT fy, NEW.email, 1 FROM event_stats WHERE event_id = NEW.event_id AND NEW.attended = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT es.fy, NEW.member_id, 1 FROM event_stats es JOIN member_spans s ON s.member_id = NEW.member_id
      AND s.start_on <= es.held_on AND (s.end_on IS NULL OR s.end_on > es.held_on)
    WHERE es.event_id = NEW.event_id AND NEW.attended = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
  DELETE FROM attendee_fy WHERE OLD.attended = 1 AND fy = (SELECT fy FROM event_stats WHERE event_id = OLD.event_id) AND email = OLD.email AND n = 0;
  DELETE FROM member_attendee_fy WHERE n = 0;
END;

-- Closed fiscal years (SPEC §10): the figures as published, and every later change to them.
CREATE TABLE fy_closures (
  id            INTEGER PRIMARY KEY,
  fy            INTEGER NOT NULL,
  closed_at     TEXT NOT NULL,
  closed_by     TEXT NOT NULL,
  figures       TEXT NOT NULL CHECK (json_valid(figures)),
  fingerprint   TEXT NOT NULL,
  reopened_at   TEXT,
  reopened_by   TEXT,
  reopen_reason TEXT CHECK ((reopened_at IS NULL) = (reopen_reason IS NULL))
) STRICT;
CREATE UNIQUE INDEX fy_closures_current ON fy_closures(fy) WHERE reopened_at IS NULL;

CREATE TABLE fy_restatements (
  id       INTEGER PRIMARY KEY,
  fy       INTEGER NOT NULL,
  at       TEXT NOT NULL,
  by_user  TEXT NOT NULL,
  batch_id INTEGER,   -- the import batch, or NULL for an edit by hand
  action   TEXT NOT NULL,
  changes  TEXT NOT NULL CHECK (json_valid(changes))
) STRICT;
CREATE INDEX fy_restatements_fy ON fy_restatements(fy, id);
`,
};
