import type { Migration } from './types.js';

/** The fiscal quarter of an ISO date column: Q1 = October-December … Q4 = July-September. */
const QUARTER = (col: string) =>
  `CASE WHEN substr(${col}, 6, 2) >= '10' THEN 'Q1' WHEN substr(${col}, 6, 2) <= '03' THEN 'Q2' WHEN substr(${col}, 6, 2) <= '06' THEN 'Q3' ELSE 'Q4' END`;

/** One row per event and grouping dimension ('' = the event has no series or track). */
const EVENT_KEYS = (e: string) => `SELECT ${e}.id AS event_id, 'type' AS dim, ${e}.type AS key
    UNION ALL SELECT ${e}.id, 'series', coalesce(${e}.series, '')
    UNION ALL SELECT ${e}.id, 'track', coalesce(${e}.track, '')
    UNION ALL SELECT ${e}.id, 'quarter', ${QUARTER(`${e}.held_on`)}`;

/** What the unique-attendee rollups of event groups hold, computed from the base tables. */
export const ROLLUP_CONTENTS_018: Readonly<Record<string, string>> = {
  event_group_keys: `SELECT id, 'type', type FROM events
    UNION ALL SELECT id, 'series', coalesce(series, '') FROM events
    UNION ALL SELECT id, 'track', coalesce(track, '') FROM events
    UNION ALL SELECT id, 'quarter', ${QUARTER('held_on')} FROM events`,
  attendee_group_fy: `SELECT e.fiscal_year, k.dim, k.key, a.email, count(*)
    FROM attendance a JOIN events e ON e.id = a.event_id JOIN event_group_keys k ON k.event_id = e.id
    WHERE a.attended = 1
    GROUP BY 1, 2, 3, 4`,
  member_attendee_group_fy: `SELECT e.fiscal_year, k.dim, k.key, a.member_id, count(*)
    FROM attendance a JOIN events e ON e.id = a.event_id JOIN event_group_keys k ON k.event_id = e.id
      JOIN member_spans s ON s.member_id = a.member_id AND s.start_on <= e.held_on AND (s.end_on IS NULL OR s.end_on > e.held_on)
    WHERE a.attended = 1
    GROUP BY 1, 2, 3, 4`,
  attendee_group_count: `SELECT fy, dim, key, sum(p), sum(m) FROM (
      SELECT fy, dim, key, 1 AS p, 0 AS m FROM attendee_group_fy
      UNION ALL SELECT fy, dim, key, 0, 1 FROM member_attendee_group_fy)
    GROUP BY 1, 2, 3`,
};

/** Adds (sign '+') or removes ('-') the attended row `r` of event `ev` (an event_stats row) from both group rollups. */
const ATTENDANCE_DELTA = (r: 'NEW' | 'OLD', sign: '+' | '-') => `
  INSERT INTO attendee_group_fy (fy, dim, key, email, n)
    SELECT es.fy, k.dim, k.key, ${r}.email, ${sign}1 FROM event_stats es JOIN event_group_keys k ON k.event_id = es.event_id
    WHERE es.event_id = ${r}.event_id AND ${r}.attended = 1
    ON CONFLICT DO UPDATE SET n = n ${sign} 1;
  INSERT INTO member_attendee_group_fy (fy, dim, key, member_id, n)
    SELECT es.fy, k.dim, k.key, ${r}.member_id, ${sign}1 FROM event_stats es JOIN event_group_keys k ON k.event_id = es.event_id
      JOIN member_spans s ON s.member_id = ${r}.member_id AND s.start_on <= es.held_on AND (s.end_on IS NULL OR s.end_on > es.held_on)
    WHERE es.event_id = ${r}.event_id AND ${r}.attended = 1
    ON CONFLICT DO UPDATE SET n = n ${sign} 1;`;

/** Adds or removes the attended rows of one member during span `sp` from the member rollup. */
const SPAN_DELTA = (sp: 'NEW' | 'OLD', sign: '+' | '-') => `
  INSERT INTO member_attendee_group_fy (fy, dim, key, member_id, n)
    SELECT es.fy, k.dim, k.key, t.member_id, ${sign}1 FROM attendance t JOIN event_stats es ON es.event_id = t.event_id
      JOIN event_group_keys k ON k.event_id = t.event_id
    WHERE t.member_id = ${sp}.member_id AND t.attended = 1 AND es.held_on >= ${sp}.start_on AND (${sp}.end_on IS NULL OR es.held_on < ${sp}.end_on)
    ON CONFLICT DO UPDATE SET n = n ${sign} 1;`;

/** Adds or removes every attended row of event NEW.id, with the event's OLD or NEW date, FY and keys. */
const EVENT_DELTA = (ev: 'NEW' | 'OLD', sign: '+' | '-') => `
  INSERT INTO attendee_group_fy (fy, dim, key, email, n)
    SELECT ${ev}.fiscal_year, k.dim, k.key, t.email, ${sign}1 FROM attendance t JOIN (${EVENT_KEYS(ev)}) k
    WHERE t.event_id = NEW.id AND t.attended = 1
    ON CONFLICT DO UPDATE SET n = n ${sign} 1;
  INSERT INTO member_attendee_group_fy (fy, dim, key, member_id, n)
    SELECT ${ev}.fiscal_year, k.dim, k.key, t.member_id, ${sign}1 FROM attendance t JOIN (${EVENT_KEYS(ev)}) k
      JOIN member_spans s ON s.member_id = t.member_id AND s.start_on <= ${ev}.held_on AND (s.end_on IS NULL OR s.end_on > ${ev}.held_on)
    WHERE t.event_id = NEW.id AND t.attended = 1
    ON CONFLICT DO UPDATE SET n = n ${sign} 1;`;

const DROP_ZEROS = `
  DELETE FROM attendee_group_fy WHERE n = 0;
  DELETE FROM member_attendee_group_fy WHERE n = 0;`;

/**
 * Unique attendees and unique member attendees per event type, series, track and quarter (SPEC
 * §8, issue #19), with the year's definitions applied to each group of events: a person counts
 * once in a group however many of its events they attended; a member attendee was a member on
 * the date of an event of the group they attended.
 *
 * - event_group_keys: each event's type, series, track and quarter as (dimension, key) rows. Like
 *   event_stats it has no foreign key and goes in the events' AFTER DELETE trigger, so the
 *   attendance rows deleted by cascade still find their keys.
 * - attendee_group_fy / member_attendee_group_fy: per FY, dimension and key, each attendee (by
 *   email) or member attendee with the number of attended rows behind them, as attendee_fy and
 *   member_attendee_fy do for the whole year.
 * - attendee_group_count: the number of rows of those two per (FY, dimension, key), kept by
 *   their INSERT and DELETE triggers, so a report reads a few dozen rows instead of counting a
 *   million. An attendance import's bulk path (src/db/rollups.ts) sets 'bulk:attendee_groups'
 *   around its grouped inserts and recounts the FYs it touched instead.
 * - member_spans_start / member_spans_end: joins and departures per fiscal quarter.
 */
export const migration018: Migration = {
  version: 18,
  name: 'event group attendees',
  sql: `
CREATE TABLE event_group_keys (
  event_id TEXT NOT NULL,
  dim      TEXT NOT NULL CHECK (dim IN ('type', 'series', 'track', 'quarter')),
  key      TEXT NOT NULL,
  PRIMARY KEY (event_id, dim)
) STRICT, WITHOUT ROWID;

CREATE TABLE attendee_group_fy (
  fy    INTEGER NOT NULL,
  dim   TEXT NOT NULL,
  key   TEXT NOT NULL,
  email TEXT NOT NULL,
  n     INTEGER NOT NULL,
  PRIMARY KEY (fy, dim, key, email)
) STRICT, WITHOUT ROWID;
CREATE INDEX attendee_group_fy_zero ON attendee_group_fy(n) WHERE n = 0;

CREATE TABLE member_attendee_group_fy (
  fy        INTEGER NOT NULL,
  dim       TEXT NOT NULL,
  key       TEXT NOT NULL,
  member_id INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (fy, dim, key, member_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX member_attendee_group_fy_zero ON member_attendee_group_fy(n) WHERE n = 0;

CREATE TABLE attendee_group_count (
  fy               INTEGER NOT NULL,
  dim              TEXT NOT NULL,
  key              TEXT NOT NULL,
  attendees        INTEGER NOT NULL,
  member_attendees INTEGER NOT NULL,
  PRIMARY KEY (fy, dim, key)
) STRICT, WITHOUT ROWID;

-- Joins and departures per quarter (the by-quarter table, --quarter) read a few thousand index
-- entries rather than every span.
CREATE INDEX member_spans_start ON member_spans(start_on, starts, period, end_on);
CREATE INDEX member_spans_end ON member_spans(end_on, ends, start_on) WHERE end_on IS NOT NULL;

INSERT INTO event_group_keys ${ROLLUP_CONTENTS_018.event_group_keys};
INSERT INTO attendee_group_fy ${ROLLUP_CONTENTS_018.attendee_group_fy};
INSERT INTO member_attendee_group_fy ${ROLLUP_CONTENTS_018.member_attendee_group_fy};
INSERT INTO attendee_group_count ${ROLLUP_CONTENTS_018.attendee_group_count};

CREATE TRIGGER attendee_group_fy_ai AFTER INSERT ON attendee_group_fy
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:attendee_groups') BEGIN
  INSERT INTO attendee_group_count (fy, dim, key, attendees, member_attendees) VALUES (NEW.fy, NEW.dim, NEW.key, 1, 0)
    ON CONFLICT DO UPDATE SET attendees = attendees + 1;
END;
CREATE TRIGGER attendee_group_fy_ad AFTER DELETE ON attendee_group_fy
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:attendee_groups') BEGIN
  UPDATE attendee_group_count SET attendees = attendees - 1 WHERE fy = OLD.fy AND dim = OLD.dim AND key = OLD.key;
  DELETE FROM attendee_group_count WHERE fy = OLD.fy AND dim = OLD.dim AND key = OLD.key AND attendees = 0 AND member_attendees = 0;
END;
CREATE TRIGGER member_attendee_group_fy_ai AFTER INSERT ON member_attendee_group_fy
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:attendee_groups') BEGIN
  INSERT INTO attendee_group_count (fy, dim, key, attendees, member_attendees) VALUES (NEW.fy, NEW.dim, NEW.key, 0, 1)
    ON CONFLICT DO UPDATE SET member_attendees = member_attendees + 1;
END;
CREATE TRIGGER member_attendee_group_fy_ad AFTER DELETE ON member_attendee_group_fy
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:attendee_groups') BEGIN
  UPDATE attendee_group_count SET member_attendees = member_attendees - 1 WHERE fy = OLD.fy AND dim = OLD.dim AND key = OLD.key;
  DELETE FROM attendee_group_count WHERE fy = OLD.fy AND dim = OLD.dim AND key = OLD.key AND attendees = 0 AND member_attendees = 0;
END;

-- Events: their keys live as long as they do; a new type, series, track or date moves their
-- attendees from the old groups (and FY) to the new ones.
CREATE TRIGGER events_groups_ai AFTER INSERT ON events BEGIN
  INSERT INTO event_group_keys (event_id, dim, key) ${EVENT_KEYS('NEW')};
END;
CREATE TRIGGER events_groups_ad AFTER DELETE ON events BEGIN
  DELETE FROM event_group_keys WHERE event_id = OLD.id;
END;
CREATE TRIGGER events_groups_id_au AFTER UPDATE OF id ON events WHEN OLD.id IS NOT NEW.id BEGIN
  UPDATE event_group_keys SET event_id = NEW.id WHERE event_id = OLD.id;
END;
CREATE TRIGGER events_groups_au AFTER UPDATE OF type, series, track, held_on ON events
WHEN OLD.type IS NOT NEW.type OR OLD.series IS NOT NEW.series OR OLD.track IS NOT NEW.track OR OLD.held_on IS NOT NEW.held_on BEGIN
  ${EVENT_DELTA('OLD', '-')}
  ${EVENT_DELTA('NEW', '+')}
  ${DROP_ZEROS}
  DELETE FROM event_group_keys WHERE event_id = NEW.id;
  INSERT INTO event_group_keys (event_id, dim, key) ${EVENT_KEYS('NEW')};
END;

-- Attendance rows, one at a time (an import's new rows go in bulk: src/db/rollups.ts).
CREATE TRIGGER attendance_groups_ai AFTER INSERT ON attendance
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:attendance') BEGIN
  ${ATTENDANCE_DELTA('NEW', '+')}
END;
CREATE TRIGGER attendance_groups_ad AFTER DELETE ON attendance BEGIN
  ${ATTENDANCE_DELTA('OLD', '-')}
  ${DROP_ZEROS}
END;
CREATE TRIGGER attendance_groups_au AFTER UPDATE OF event_id, email, member_id, attended ON attendance
WHEN OLD.event_id IS NOT NEW.event_id OR OLD.email IS NOT NEW.email OR OLD.member_id IS NOT NEW.member_id OR OLD.attended IS NOT NEW.attended BEGIN
  ${ATTENDANCE_DELTA('OLD', '-')}
  ${ATTENDANCE_DELTA('NEW', '+')}
  ${DROP_ZEROS}
END;

-- Membership spans decide who was a member on an event's date.
CREATE TRIGGER member_spans_groups_ai AFTER INSERT ON member_spans
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:spans') BEGIN
  ${SPAN_DELTA('NEW', '+')}
END;
CREATE TRIGGER member_spans_groups_ad AFTER DELETE ON member_spans BEGIN
  ${SPAN_DELTA('OLD', '-')}
  ${DROP_ZEROS}
END;
CREATE TRIGGER member_spans_groups_au AFTER UPDATE ON member_spans BEGIN
  ${SPAN_DELTA('OLD', '-')}
  ${SPAN_DELTA('NEW', '+')}
  ${DROP_ZEROS}
END;
`,
};
