import type { Migration } from './types.js';

/** The fiscal year of an ISO date expression (FY N = N-1-10-01 … N-09-30), as in 001. */
const FY = (col: string) => `(CAST(substr(${col}, 1, 4) AS INTEGER) + (substr(${col}, 6, 2) >= '10'))`;

/**
 * The fiscal years at whose end an assignment row counts for its group: from the later of the
 * assignment's and the member's first FY, up to (not including) the earlier of the FYs in which
 * the assignment was removed or the member left; 0 = still open. `a` is the assignment row
 * (NEW/OLD or a table alias); `jf`/`lf` the member's joined_fy and left_fy.
 */
const FROM_FY = (a: string, jf: string) => `max(${FY(`${a}.assigned_on`)}, ${jf})`;
const TO_FY = (a: string, lf: string) =>
  `CASE WHEN ${a}.removed_on IS NULL THEN coalesce(${lf}, 0) WHEN ${lf} IS NULL THEN ${FY(`${a}.removed_on`)} ELSE min(${FY(`${a}.removed_on`)}, ${lf}) END`;

/** Adds `sign` (1 or -1) for one attendance row `r` to its event's counters. */
const EVENT_DELTA = (r: string, sign: '+' | '-') =>
  [
    `registrations = registrations ${sign} ${r}.registered`,
    `attendances = attendances ${sign} ${r}.attended`,
    ...[1, 2, 3, 4, 5].map((s) => `s${s} = s${s} ${sign} (${r}.satisfaction IS ${s})`),
    ...Array.from({ length: 11 }, (_, s) => `n${s} = n${s} ${sign} (${r}.nps IS ${s})`),
  ].join(', ');

/** Statements adding (+) or removing (-) one attendance row's share of the per-FY attendee sets. */
const ATTENDEE_ADD = (r: string) => `
  INSERT INTO attendee_fy (fy, email, n) SELECT fy, ${r}.email, 1 FROM event_stats WHERE event_id = ${r}.event_id AND ${r}.attended = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO member_attendee_fy (fy, member_id, n) SELECT fy, ${r}.member_id, 1 FROM event_stats
    WHERE event_id = ${r}.event_id AND ${r}.attended = 1 AND ${r}.member_id IS NOT NULL
    ON CONFLICT DO UPDATE SET n = n + 1;`;
const ATTENDEE_REMOVE = (r: string) => `
  UPDATE attendee_fy SET n = n - 1 WHERE ${r}.attended = 1 AND fy = (SELECT fy FROM event_stats WHERE event_id = ${r}.event_id) AND email = ${r}.email;
  DELETE FROM attendee_fy WHERE ${r}.attended = 1 AND fy = (SELECT fy FROM event_stats WHERE event_id = ${r}.event_id) AND email = ${r}.email AND n = 0;
  UPDATE member_attendee_fy SET n = n - 1 WHERE ${r}.attended = 1 AND fy = (SELECT fy FROM event_stats WHERE event_id = ${r}.event_id) AND member_id = ${r}.member_id;
  DELETE FROM member_attendee_fy WHERE ${r}.attended = 1 AND fy = (SELECT fy FROM event_stats WHERE event_id = ${r}.event_id) AND member_id = ${r}.member_id AND n = 0;`;

/** One member row `m`'s key in member_fy (0 stands for no agency / not left). */
export const MEMBER_KEY = (m: string) => `coalesce(${m}.agency_id, 0), ${m}.member_type, ${m}.joined_fy, coalesce(${m}.left_fy, 0)`;
const MEMBER_WHERE = (m: string) =>
  `agency_id = coalesce(${m}.agency_id, 0) AND member_type = ${m}.member_type AND joined_fy = ${m}.joined_fy AND left_fy = coalesce(${m}.left_fy, 0)`;

/** One assignment row `a`'s key in group_fy, given its member's FYs; and in group_join. */
const GROUP_KEY = (a: string, jf: string, lf: string) => `${a}.group_id, ${FROM_FY(a, jf)}, ${TO_FY(a, lf)}`;

/**
 * Adds or removes every assignment of member `m` (dates `m.joined_fy`/`m.left_fy`) in group_fy.
 * An UPSERT applies its SELECT's rows one by one, so two rows with one key add up without a
 * GROUP BY; rows left at 0 are found through the partial index group_fy_zero.
 */
const MEMBER_GROUPS_DELTA = (m: string, sign: '+' | '-') => `
  INSERT INTO group_fy (group_id, from_fy, to_fy, n)
    SELECT ${GROUP_KEY('a', `${m}.joined_fy`, `${m}.left_fy`)}, ${sign}1 FROM assignments a WHERE a.member_id = ${m}.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  DELETE FROM group_fy WHERE n = 0;`;

export const ASSIGNMENT_ADD = (a: string) => `
  INSERT INTO group_fy (group_id, from_fy, to_fy, n)
    SELECT ${GROUP_KEY(a, 'm.joined_fy', 'm.left_fy')}, 1 FROM members m WHERE m.id = ${a}.member_id
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO group_join (fy, group_id, member_id, n) VALUES (${FY(`${a}.assigned_on`)}, ${a}.group_id, ${a}.member_id, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;`;
// When the member row is already gone (a cascade from DELETE FROM members), the subquery finds
// nothing and group_fy is left alone: members_bd has removed the member's share already.
const ASSIGNMENT_REMOVE = (a: string) => `
  UPDATE group_fy SET n = n - 1 WHERE (group_id, from_fy, to_fy) = (SELECT ${GROUP_KEY(a, 'm.joined_fy', 'm.left_fy')} FROM members m WHERE m.id = ${a}.member_id);
  DELETE FROM group_fy WHERE n = 0;
  UPDATE group_join SET n = n - 1 WHERE fy = ${FY(`${a}.assigned_on`)} AND group_id = ${a}.group_id AND member_id = ${a}.member_id;
  DELETE FROM group_join WHERE fy = ${FY(`${a}.assigned_on`)} AND group_id = ${a}.group_id AND member_id = ${a}.member_id AND n = 0;`;

const S_COLS = [1, 2, 3, 4, 5].map((s) => `s${s}`);
const N_COLS = Array.from({ length: 11 }, (_, s) => `n${s}`);

/**
 * What each rollup table holds, computed from the base tables: the migration fills the tables
 * with these, and tests compare the trigger-maintained contents against them.
 */
export const ROLLUP_CONTENTS: Readonly<Record<string, string>> = {
  member_fy: `SELECT ${MEMBER_KEY('members')}, count(*) FROM members GROUP BY 1, 2, 3, 4`,
  group_fy: `SELECT ${GROUP_KEY('a', 'm.joined_fy', 'm.left_fy')}, count(*) FROM assignments a JOIN members m ON m.id = a.member_id GROUP BY 1, 2, 3`,
  group_join: `SELECT ${FY('assigned_on')}, group_id, member_id, count(*) FROM assignments GROUP BY 1, 2, 3`,
  event_stats: `SELECT e.id, e.fiscal_year,
    count(CASE WHEN a.registered = 1 THEN 1 END), count(CASE WHEN a.attended = 1 THEN 1 END),
    ${[1, 2, 3, 4, 5].map((s) => `count(CASE WHEN a.satisfaction = ${s} THEN 1 END)`).join(', ')},
    ${Array.from({ length: 11 }, (_, s) => `count(CASE WHEN a.nps = ${s} THEN 1 END)`).join(', ')}
  FROM events e LEFT JOIN attendance a ON a.event_id = e.id GROUP BY e.id`,
  attendee_fy: `SELECT e.fiscal_year, a.email, count(*) FROM attendance a JOIN events e ON e.id = a.event_id WHERE a.attended = 1 GROUP BY 1, 2`,
  member_attendee_fy: `SELECT e.fiscal_year, a.member_id, count(*) FROM attendance a JOIN events e ON e.id = a.event_id
    WHERE a.attended = 1 AND a.member_id IS NOT NULL GROUP BY 1, 2`,
};

/**
 * Fiscal-year rollups for the reports (SPEC §8), kept exact by triggers on every base table
 * they summarise, so that every write path (imports, undo, members add/update/remove, agency
 * re-mapping, ON DELETE CASCADE / SET NULL) updates them without the code having to know.
 * The report reads these small tables instead of scanning members and attendance; the
 * base-table queries stay in report-repo.ts as the reference the tests compare against.
 *
 * - member_fy: members counted by (agency, type, joined FY, left FY); every membership figure
 *   of a FY is a sum over it (a member is counted at FY end when joined_fy <= FY < left_fy).
 * - group_fy: assignments counted by (group, first FY end at which the assignment and its
 *   member are both active, first FY end at which one is not); group_join: distinct members
 *   whose assignment to a group began in a FY, with the number of such assignments.
 * - event_stats: one row per event with its FY and registration, attendance and score counts.
 * - attendee_fy / member_attendee_fy: who attended at least one event of a FY (by email, by
 *   member), with the number of attended rows, so that removing one keeps the set exact.
 * Rows whose count reaches 0 are deleted, so an undone import leaves the tables as they were.
 */
export const migration009: Migration = {
  version: 9,
  name: 'report rollups',
  sql: `
CREATE INDEX assignments_member ON assignments(member_id);

CREATE TABLE member_fy (
  agency_id   INTEGER NOT NULL,
  member_type TEXT NOT NULL,
  joined_fy   INTEGER NOT NULL,
  left_fy     INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (agency_id, member_type, joined_fy, left_fy)
) STRICT, WITHOUT ROWID;

CREATE TABLE group_fy (
  group_id INTEGER NOT NULL,
  from_fy  INTEGER NOT NULL,
  to_fy    INTEGER NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (group_id, from_fy, to_fy)
) STRICT, WITHOUT ROWID;
-- Rows whose count fell to 0, found without a scan (empty nearly always, so nearly free to keep).
CREATE INDEX group_fy_zero ON group_fy(n) WHERE n = 0;

CREATE TABLE group_join (
  fy        INTEGER NOT NULL,
  group_id  INTEGER NOT NULL,
  member_id INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (fy, group_id, member_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE event_stats (
  event_id      TEXT PRIMARY KEY,
  fy            INTEGER NOT NULL,
  registrations INTEGER NOT NULL DEFAULT 0,
  attendances   INTEGER NOT NULL DEFAULT 0,
  ${[...S_COLS, ...N_COLS].map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(',\n  ')}
) STRICT, WITHOUT ROWID;

CREATE TABLE attendee_fy (
  fy    INTEGER NOT NULL,
  email TEXT NOT NULL,
  n     INTEGER NOT NULL,
  PRIMARY KEY (fy, email)
) STRICT, WITHOUT ROWID;

CREATE TABLE member_attendee_fy (
  fy        INTEGER NOT NULL,
  member_id INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (fy, member_id)
) STRICT, WITHOUT ROWID;

-- Existing rows.
${Object.entries(ROLLUP_CONTENTS).map(([table, select]) => `INSERT INTO ${table} ${select};`).join('\n')}

-- Members.
CREATE TRIGGER members_report_ai AFTER INSERT ON members BEGIN
  INSERT INTO member_fy VALUES (${MEMBER_KEY('NEW')}, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER members_report_ad AFTER DELETE ON members BEGIN
  UPDATE member_fy SET n = n - 1 WHERE ${MEMBER_WHERE('OLD')};
  DELETE FROM member_fy WHERE ${MEMBER_WHERE('OLD')} AND n = 0;
END;
CREATE TRIGGER members_report_au AFTER UPDATE OF agency_id, member_type, joined_on, left_on ON members
WHEN OLD.agency_id IS NOT NEW.agency_id OR OLD.member_type IS NOT NEW.member_type
  OR OLD.joined_fy IS NOT NEW.joined_fy OR OLD.left_fy IS NOT NEW.left_fy BEGIN
  UPDATE member_fy SET n = n - 1 WHERE ${MEMBER_WHERE('OLD')};
  DELETE FROM member_fy WHERE ${MEMBER_WHERE('OLD')} AND n = 0;
  INSERT INTO member_fy VALUES (${MEMBER_KEY('NEW')}, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
-- A member's assignments are deleted by cascade after the member row is gone, when their own
-- trigger can no longer read the member's dates: take their share out of group_fy first.
CREATE TRIGGER members_report_bd BEFORE DELETE ON members BEGIN
  ${MEMBER_GROUPS_DELTA('OLD', '-')}
END;
CREATE TRIGGER members_report_groups_au AFTER UPDATE OF joined_on, left_on ON members
WHEN OLD.joined_fy IS NOT NEW.joined_fy OR OLD.left_fy IS NOT NEW.left_fy BEGIN
  ${MEMBER_GROUPS_DELTA('OLD', '-')}
  ${MEMBER_GROUPS_DELTA('NEW', '+')}
END;

-- Assignments.
CREATE TRIGGER assignments_report_ai AFTER INSERT ON assignments BEGIN
  ${ASSIGNMENT_ADD('NEW')}
END;
CREATE TRIGGER assignments_report_ad AFTER DELETE ON assignments BEGIN
  ${ASSIGNMENT_REMOVE('OLD')}
END;
CREATE TRIGGER assignments_report_au AFTER UPDATE OF member_id, group_id, assigned_on, removed_on ON assignments
WHEN OLD.member_id IS NOT NEW.member_id OR OLD.group_id IS NOT NEW.group_id
  OR OLD.assigned_on IS NOT NEW.assigned_on OR OLD.removed_on IS NOT NEW.removed_on BEGIN
  ${ASSIGNMENT_REMOVE('OLD')}
  ${ASSIGNMENT_ADD('NEW')}
END;

-- Events: event_stats lives as long as its event. Attendance rows deleted by cascade run their
-- triggers before events_report_ad (SQLite runs FK actions before AFTER triggers), while the
-- event's FY is still readable here.
CREATE TRIGGER events_report_ai AFTER INSERT ON events BEGIN
  INSERT INTO event_stats (event_id, fy) VALUES (NEW.id, NEW.fiscal_year);
END;
CREATE TRIGGER events_report_ad AFTER DELETE ON events BEGIN
  DELETE FROM event_stats WHERE event_id = OLD.id;
END;
CREATE TRIGGER events_report_id_au AFTER UPDATE OF id ON events WHEN OLD.id IS NOT NEW.id BEGIN
  UPDATE event_stats SET event_id = NEW.id WHERE event_id = OLD.id;
END;
CREATE TRIGGER events_report_fy_au AFTER UPDATE OF held_on ON events WHEN OLD.fiscal_year IS NOT NEW.fiscal_year BEGIN
  UPDATE attendee_fy SET n = n - 1 WHERE fy = OLD.fiscal_year AND email IN (SELECT email FROM attendance WHERE event_id = NEW.id AND attended = 1);
  DELETE FROM attendee_fy WHERE fy = OLD.fiscal_year AND n = 0 AND email IN (SELECT email FROM attendance WHERE event_id = NEW.id AND attended = 1);
  UPDATE member_attendee_fy SET n = n - (SELECT count(*) FROM attendance a WHERE a.event_id = NEW.id AND a.attended = 1 AND a.member_id = member_attendee_fy.member_id)
    WHERE fy = OLD.fiscal_year AND member_id IN (SELECT member_id FROM attendance WHERE event_id = NEW.id AND attended = 1);
  DELETE FROM member_attendee_fy WHERE fy = OLD.fiscal_year AND n = 0
    AND member_id IN (SELECT member_id FROM attendance WHERE event_id = NEW.id AND attended = 1);
  UPDATE event_stats SET fy = NEW.fiscal_year WHERE event_id = NEW.id;
  INSERT INTO attendee_fy (fy, email, n) SELECT NEW.fiscal_year, email, 1 FROM attendance WHERE event_id = NEW.id AND attended = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT NEW.fiscal_year, member_id, count(*) FROM attendance WHERE event_id = NEW.id AND attended = 1 AND member_id IS NOT NULL GROUP BY member_id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- Attendance.
CREATE TRIGGER attendance_report_ai AFTER INSERT ON attendance BEGIN
  UPDATE event_stats SET ${EVENT_DELTA('NEW', '+')} WHERE event_id = NEW.event_id;
  ${ATTENDEE_ADD('NEW')}
END;
CREATE TRIGGER attendance_report_ad AFTER DELETE ON attendance BEGIN
  UPDATE event_stats SET ${EVENT_DELTA('OLD', '-')} WHERE event_id = OLD.event_id;
  ${ATTENDEE_REMOVE('OLD')}
END;
CREATE TRIGGER attendance_report_au AFTER UPDATE OF event_id, email, member_id, registered, attended, satisfaction, nps ON attendance
WHEN OLD.event_id IS NOT NEW.event_id OR OLD.email IS NOT NEW.email OR OLD.member_id IS NOT NEW.member_id
  OR OLD.registered IS NOT NEW.registered OR OLD.attended IS NOT NEW.attended
  OR OLD.satisfaction IS NOT NEW.satisfaction OR OLD.nps IS NOT NEW.nps BEGIN
  UPDATE event_stats SET ${EVENT_DELTA('OLD', '-')} WHERE event_id = OLD.event_id;
  ${ATTENDEE_REMOVE('OLD')}
  UPDATE event_stats SET ${EVENT_DELTA('NEW', '+')} WHERE event_id = NEW.event_id;
  ${ATTENDEE_ADD('NEW')}
END;
`,
};
