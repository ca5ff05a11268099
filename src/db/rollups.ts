import { ROLLUP_CONTENTS_013 } from './migrations/013-membership-history.js';
import { ROLLUP_CONTENTS_018 } from './migrations/018-event-group-attendees.js';
import { ROLLUP_CONTENTS_024 } from './migrations/024-attendee-totals.js';
import type { AttendanceRecord } from '../core/events.js';
import type { Db } from './open.js';

/**
 * What each report rollup holds, computed from the base tables (the current definitions).
 * attendee_group_count and attendee_fy_count come last: they count the rows of tables before them.
 * group_fy reads assignments NOT INDEXED: by itself the planner scans them through
 * assignments_group for the GROUP BY order and looks up every row at random (5.3 s of CPU against
 * 1.9 s on a million assignments). Same rows either way; `aicop db check` compares with these.
 */
export const ROLLUP_CONTENTS: Readonly<Record<string, string>> = {
  ...ROLLUP_CONTENTS_013,
  group_fy: notIndexed(ROLLUP_CONTENTS_013['group_fy'] ?? ''),
  ...ROLLUP_CONTENTS_018,
  ...ROLLUP_CONTENTS_024,
};

function notIndexed(sql: string): string {
  const out = sql.replace('FROM assignments a JOIN', 'FROM assignments a NOT INDEXED JOIN');
  if (out === sql) throw new Error('rollups: group_fy definition changed; update notIndexed()');
  return out;
}

/**
 * Bulk upkeep of the report rollups for a roster import (migrations 011 and 013): between
 * `suspendRollups()` and `resumeRollups()`, inside one transaction, the INSERT trigger of new
 * spans or new assignments stands aside, and the caller adds those rows to the rollups with
 * `addToRollups(table, id)`: every row whose id is at least `id`, grouped exactly as the
 * rollups' definitions (ROLLUP_CONTENTS) count them; the rollup tests compare the two.
 *
 * - spans: only member_fy. The caller writes spans in bulk only for members it has just created,
 *   who have no assignments and no linked attendance yet (both come later, through triggers or
 *   the assignments' own bulk add).
 * - assignments: group_fy and group_join, against every span of their member.
 * The caller must not update or delete a row it inserted while suspended before adding it.
 */
export type BulkTable = 'spans' | 'assignments' | 'attendance';

const ADD_SPANS = `INSERT INTO member_fy (agency_id, member_type, start_fy, end_fy, starts, ends, n)
  SELECT coalesce(agency_id, 0), member_type, start_fy, end_fy,
    CASE WHEN starts = 'change' THEN 'change' WHEN period = 1 THEN 'join' ELSE 'rejoin' END,
    coalesce(ends, 'open'), count(*)
  FROM member_spans WHERE id >= ? AND (end_on IS NULL OR end_on > start_on)
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT DO UPDATE SET n = n + excluded.n`;
// NOT INDEXED: the new rows by their ids. Left to itself the planner scanned every assignment
// through assignments_group (for its GROUP BY order) and filtered the ids: per bulk batch, so a
// million-row roster read the growing table 66 times.
const ADD_GROUP_FY = `INSERT INTO group_fy (group_id, from_fy, to_fy, n)
  SELECT group_id, from_fy, to_fy, count(*) FROM (
    SELECT a.group_id, max(a.assigned_fy, s.start_fy) AS from_fy,
      CASE WHEN a.removed_fy = 0 THEN s.end_fy WHEN s.end_fy = 0 THEN a.removed_fy ELSE min(a.removed_fy, s.end_fy) END AS to_fy
    FROM assignments a NOT INDEXED JOIN member_spans s ON s.member_id = a.member_id
    WHERE a.id >= ? AND (s.end_on IS NULL OR s.end_on > s.start_on))
  WHERE to_fy = 0 OR to_fy > from_fy
  GROUP BY 1, 2, 3
  ON CONFLICT DO UPDATE SET n = n + excluded.n`;
const ADD_GROUP_JOIN = `INSERT INTO group_join (fy, group_id, member_id, n)
  SELECT a.assigned_fy, a.group_id, a.member_id, count(*)
  FROM assignments a JOIN member_spans s ON s.member_id = a.member_id
    AND s.start_on <= a.assigned_on AND (s.end_on IS NULL OR s.end_on > a.assigned_on)
  WHERE a.id >= ?
  GROUP BY 1, 2, 3
  ON CONFLICT DO UPDATE SET n = n + excluded.n`;

const TABLE: Readonly<Record<BulkTable, string>> = { spans: 'member_spans', assignments: 'assignments', attendance: 'attendance' };

/** Makes the table's INSERT trigger stand aside in this transaction; returns the next row id (0 for attendance, which has none). */
export function suspendRollups(db: Db, table: BulkTable): number {
  db.prepare("INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING").run(`bulk:${table}`);
  if (table === 'attendance') return 0;
  return db.prepare(`SELECT coalesce(max(id), 0) + 1 FROM ${TABLE[table]}`).pluck().get() as number;
}

/** An attendance row an import has just inserted, as the rollups need it. */
export type NewAttendance = Pick<AttendanceRecord, 'eventId' | 'email' | 'registered' | 'attended' | 'satisfaction' | 'nps'>;

/**
 * The attended rows of the batch, staged as the import inserts them (TEMP, a rowid table filled
 * in order): the grouped statements read them from here rather than joining the growing
 * attendance table back (six passes over it per import, which a 16 MB page cache re-read from
 * disk at a million rows).
 */
const STAGE = `CREATE TEMP TABLE IF NOT EXISTS aicop_new_attended (fy INTEGER NOT NULL, held_on TEXT NOT NULL, event_id TEXT NOT NULL, email TEXT NOT NULL, member_id INTEGER);
  DELETE FROM temp.aicop_new_attended;`;
const STAGE_ROW = 'INSERT INTO temp.aicop_new_attended (fy, held_on, event_id, email, member_id) VALUES (?, ?, ?, ?, ?)';
const ADD_EVENT_STATS = `UPDATE event_stats SET registrations = registrations + ?, attendances = attendances + ?,
    s1 = s1 + ?, s2 = s2 + ?, s3 = s3 + ?, s4 = s4 + ?, s5 = s5 + ?,
    n0 = n0 + ?, n1 = n1 + ?, n2 = n2 + ?, n3 = n3 + ?, n4 = n4 + ?, n5 = n5 + ?, n6 = n6 + ?, n7 = n7 + ?, n8 = n8 + ?, n9 = n9 + ?, n10 = n10 + ?
  WHERE event_id = ?`;
/** event_stats' tallies in its column order: registrations, attendances, s1..s5, n0..n10. */
const TALLIES = 18;
/**
 * The staged rows sorted once by person (email; for members, member id) within the fiscal year,
 * then added one row at a time by upserts rather than GROUP BY: in that order each target's
 * inserts advance through a few key ranges at once (one per group of the year), so they stay on
 * hot pages, and the sort is of the staged rows rather than of their four group rows each. On
 * a million rows, in the sqlite3 shell, the four tables took 12.3 CPU s instead of 18.2 (docs/design.md).
 */
const BY_EMAIL = `DROP TABLE IF EXISTS temp.aicop_attended_by_email;
  CREATE TEMP TABLE aicop_attended_by_email AS SELECT fy, event_id, email FROM temp.aicop_new_attended ORDER BY fy, email`;
const BY_MEMBER = `DROP TABLE IF EXISTS temp.aicop_attended_by_member;
  CREATE TEMP TABLE aicop_attended_by_member AS
  SELECT t.fy, t.event_id, t.member_id FROM temp.aicop_new_attended t
    JOIN member_spans s ON s.member_id = t.member_id AND s.start_on <= t.held_on AND (s.end_on IS NULL OR s.end_on > t.held_on)
  WHERE t.member_id IS NOT NULL ORDER BY 1, 3`;
// WHERE true: an upsert's SELECT needs one before ON CONFLICT (SQLite's parsing ambiguity).
const ADD_ATTENDEES = `INSERT INTO attendee_fy (fy, email, n)
  SELECT fy, email, 1 FROM temp.aicop_attended_by_email WHERE true
  ON CONFLICT DO UPDATE SET n = n + 1`;
const ADD_ATTENDEE_GROUPS = `INSERT INTO attendee_group_fy (fy, dim, key, email, n)
  SELECT t.fy, k.dim, k.key, t.email, 1 FROM temp.aicop_attended_by_email t JOIN event_group_keys k ON k.event_id = t.event_id WHERE true
  ON CONFLICT DO UPDATE SET n = n + 1`;
const ADD_MEMBER_ATTENDEES = `INSERT INTO member_attendee_fy (fy, member_id, n)
  SELECT fy, member_id, 1 FROM temp.aicop_attended_by_member WHERE true
  ON CONFLICT DO UPDATE SET n = n + 1`;
const ADD_MEMBER_ATTENDEE_GROUPS = `INSERT INTO member_attendee_group_fy (fy, dim, key, member_id, n)
  SELECT t.fy, k.dim, k.key, t.member_id, 1 FROM temp.aicop_attended_by_member t JOIN event_group_keys k ON k.event_id = t.event_id WHERE true
  ON CONFLICT DO UPDATE SET n = n + 1`;
/**
 * A fiscal year's group counts, recounted from the two per-group tables: each read in its own
 * key order, so the counts need no sort (one UNION ALL grouped them through a temporary b-tree).
 */
const RECOUNT_ATTENDEES = `INSERT INTO attendee_group_count (fy, dim, key, attendees, member_attendees)
  SELECT fy, dim, key, count(*), 0 FROM attendee_group_fy WHERE fy = ? GROUP BY 1, 2, 3`;
const RECOUNT_MEMBER_ATTENDEES = `INSERT INTO attendee_group_count (fy, dim, key, attendees, member_attendees)
  SELECT fy, dim, key, 0, count(*) FROM member_attendee_group_fy WHERE fy = ? GROUP BY 1, 2, 3
  ON CONFLICT DO UPDATE SET member_attendees = excluded.member_attendees`;

/** The per-import bulk upkeep of the attendance rollups (see bulkAttendanceRollups). */
export interface AttendanceRollups {
  /** Takes a row the import has just inserted (never one it updated), linked to member `memberId`. */
  add(row: NewAttendance, memberId: number | null): void;
  /** Adds every row taken to the rollups; call once, before the import commits. */
  finish(): void;
}

/**
 * Bulk upkeep of the report rollups for an attendance import, with the attendance INSERT
 * triggers standing aside (suspendRollups(db, 'attendance')): each new row is tallied per event
 * here (a few hundred events, so in memory) and, when attended, staged in a TEMP table; finish()
 * adds the tallies to event_stats, the staged rows to attendee_fy, member_attendee_fy and the
 * per-group attendee sets (migration 018) sorted by person and upserted, their count triggers standing
 * aside, then recounts the group counts of the fiscal years concerned. The rollup tests compare
 * the result with ROLLUP_CONTENTS.
 */
export function bulkAttendanceRollups(db: Db): AttendanceRollups {
  db.exec(STAGE);
  const memberIndex = deferredMemberIndex(db);
  const stage = db.prepare<[number, string, string, string, number | null]>(STAGE_ROW);
  const eventOf = db.prepare<[string], { fy: number; held_on: string }>('SELECT fy, held_on FROM event_stats WHERE event_id = ?');
  const events = new Map<string, { fy: number; heldOn: string; tallies: number[] }>();
  const fys = new Set<number>();
  return {
    add(row, memberId) {
      let ev = events.get(row.eventId);
      if (ev === undefined) {
        const es = eventOf.get(row.eventId);
        if (es === undefined) throw new Error(`rollups: no event_stats row for event ${row.eventId}`);
        ev = { fy: es.fy, heldOn: es.held_on, tallies: new Array<number>(TALLIES).fill(0) };
        events.set(row.eventId, ev);
      }
      memberIndex.added();
      const t = ev.tallies;
      if (row.registered) t[0] = (t[0] ?? 0) + 1;
      if (row.satisfaction !== null) t[1 + row.satisfaction] = (t[1 + row.satisfaction] ?? 0) + 1;
      if (row.nps !== null) t[7 + row.nps] = (t[7 + row.nps] ?? 0) + 1;
      if (row.attended) {
        t[1] = (t[1] ?? 0) + 1;
        stage.run(ev.fy, ev.heldOn, row.eventId, row.email, memberId);
        fys.add(ev.fy);
      }
    },
    finish() {
      memberIndex.restore();
      const addStats = db.prepare(ADD_EVENT_STATS);
      for (const [id, ev] of events) addStats.run(...ev.tallies, id);
      if (fys.size > 0) {
        db.prepare("INSERT INTO meta (key, value) VALUES ('bulk:attendee_groups', '1') ON CONFLICT (key) DO NOTHING").run();
        db.exec(BY_EMAIL);
        db.prepare(ADD_ATTENDEES).run();
        db.prepare(ADD_ATTENDEE_GROUPS).run();
        db.exec('DROP TABLE temp.aicop_attended_by_email');
        db.exec(BY_MEMBER);
        db.prepare(ADD_MEMBER_ATTENDEES).run();
        db.prepare(ADD_MEMBER_ATTENDEE_GROUPS).run();
        db.exec('DROP TABLE temp.aicop_attended_by_member');
        const clear = db.prepare('DELETE FROM attendee_group_count WHERE fy = ?');
        const attendees = db.prepare(RECOUNT_ATTENDEES);
        const members = db.prepare(RECOUNT_MEMBER_ATTENDEES);
        for (const fy of fys) {
          clear.run(fy);
          attendees.run(fy);
          members.run(fy);
        }
        db.prepare("DELETE FROM meta WHERE key = 'bulk:attendee_groups'").run();
      }
      db.exec('DROP TABLE IF EXISTS temp.aicop_new_attended');
    },
  };
}

/** Adds the rows of `table` whose id is at least `firstId` to the rollups (attendance: addAttendanceToRollups). */
export function addToRollups(db: Db, table: Exclude<BulkTable, 'attendance'>, firstId: number): void {
  if (table === 'spans') {
    db.prepare(ADD_SPANS).run(firstId);
  } else {
    db.prepare(ADD_GROUP_FY).run(firstId);
    db.prepare(ADD_GROUP_JOIN).run(firstId);
  }
}

/** Restores the table's INSERT trigger (every row inserted meanwhile must have been added). */
export function resumeRollups(db: Db, table: BulkTable): void {
  db.prepare('DELETE FROM meta WHERE key = ?').run(`bulk:${table}`);
}

/** Rows an import adds before it considers rebuilding attendance_member rather than keeping it up. */
const DEFER_AFTER = 100_000;

/**
 * attendance_member (member_id, then the table's key: event id and email) takes rows in random
 * order: at a million rows it outgrows the page cache and its upkeep cost 5.3 CPU s, spilling and
 * re-reading pages, where building it once after the load costs 1.5 s. So an import that has
 * added DEFER_AFTER rows to a table of at most twice that many drops the index, inside its
 * transaction, and builds it again with its stored definition before its rollups are added (a
 * rollback restores it as it was). Nothing the import runs meanwhile reads it: it never deletes,
 * and it links attendees to members before its first row. Into a bigger table the index is kept
 * up, since rebuilding it would cost as much as the table.
 */
function deferredMemberIndex(db: Db): { added(): void; restore(): void } {
  let added = 0;
  let dropped: string | undefined;
  return {
    added() {
      if (++added !== DEFER_AFTER) return;
      const rows = db.prepare(`SELECT count(*) FROM (SELECT 1 FROM attendance LIMIT ${2 * DEFER_AFTER + 1})`).pluck().get() as number;
      if (rows > 2 * DEFER_AFTER) return;
      const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'attendance_member'").pluck().get() as string | undefined;
      if (sql === undefined) return;
      db.exec('DROP INDEX attendance_member');
      dropped = sql;
    },
    restore() {
      if (dropped !== undefined) db.exec(dropped);
      dropped = undefined;
    },
  };
}
