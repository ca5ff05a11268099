import { ROLLUP_CONTENTS_013 } from './migrations/013-membership-history.js';
import { ROLLUP_CONTENTS_018 } from './migrations/018-event-group-attendees.js';
import type { Db } from './open.js';

/**
 * What each report rollup holds, computed from the base tables (the current definitions).
 * attendee_group_count comes last: it counts the rows of the two tables before it.
 * group_fy reads assignments NOT INDEXED: by itself the planner scans them through
 * assignments_group for the GROUP BY order and looks up every row at random (5.3 s of CPU against
 * 1.9 s on a million assignments). Same rows either way; `aicop db check` compares with these.
 */
export const ROLLUP_CONTENTS: Readonly<Record<string, string>> = {
  ...ROLLUP_CONTENTS_013,
  group_fy: notIndexed(ROLLUP_CONTENTS_013['group_fy'] ?? ''),
  ...ROLLUP_CONTENTS_018,
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

/**
 * The attendance rows a batch inserted (created_batch), found through the import's TEMP table of
 * the (event, email) pairs it met, so no scan of the whole attendance table is needed.
 */
const NEW_ATTENDANCE = `temp.aicop_seen_attendance t JOIN attendance a ON a.event_id = t.event_id AND a.email = t.email AND a.created_batch = ?`;
const ADD_EVENT_STATS = `UPDATE event_stats SET registrations = event_stats.registrations + x.r, attendances = event_stats.attendances + x.a,
    s1 = event_stats.s1 + x.s1, s2 = event_stats.s2 + x.s2, s3 = event_stats.s3 + x.s3, s4 = event_stats.s4 + x.s4, s5 = event_stats.s5 + x.s5,
    n0 = event_stats.n0 + x.n0, n1 = event_stats.n1 + x.n1, n2 = event_stats.n2 + x.n2, n3 = event_stats.n3 + x.n3, n4 = event_stats.n4 + x.n4, n5 = event_stats.n5 + x.n5,
    n6 = event_stats.n6 + x.n6, n7 = event_stats.n7 + x.n7, n8 = event_stats.n8 + x.n8, n9 = event_stats.n9 + x.n9, n10 = event_stats.n10 + x.n10
  FROM (SELECT a.event_id, sum(a.registered) AS r, sum(a.attended) AS a,
      sum(a.satisfaction IS 1) AS s1, sum(a.satisfaction IS 2) AS s2, sum(a.satisfaction IS 3) AS s3, sum(a.satisfaction IS 4) AS s4, sum(a.satisfaction IS 5) AS s5,
      sum(a.nps IS 0) AS n0, sum(a.nps IS 1) AS n1, sum(a.nps IS 2) AS n2, sum(a.nps IS 3) AS n3, sum(a.nps IS 4) AS n4, sum(a.nps IS 5) AS n5,
      sum(a.nps IS 6) AS n6, sum(a.nps IS 7) AS n7, sum(a.nps IS 8) AS n8, sum(a.nps IS 9) AS n9, sum(a.nps IS 10) AS n10
    FROM ${NEW_ATTENDANCE} GROUP BY a.event_id) AS x
  WHERE event_stats.event_id = x.event_id`;
const ADD_ATTENDEES = `INSERT INTO attendee_fy (fy, email, n)
  SELECT es.fy, a.email, count(*) FROM ${NEW_ATTENDANCE} JOIN event_stats es ON es.event_id = a.event_id
  WHERE a.attended = 1 GROUP BY 1, 2
  ON CONFLICT DO UPDATE SET n = n + excluded.n`;
const ADD_MEMBER_ATTENDEES = `INSERT INTO member_attendee_fy (fy, member_id, n)
  SELECT es.fy, a.member_id, count(*) FROM ${NEW_ATTENDANCE} JOIN event_stats es ON es.event_id = a.event_id
    JOIN member_spans s ON s.member_id = a.member_id AND s.start_on <= es.held_on AND (s.end_on IS NULL OR s.end_on > es.held_on)
  WHERE a.attended = 1 GROUP BY 1, 2
  ON CONFLICT DO UPDATE SET n = n + excluded.n`;

const ADD_ATTENDEE_GROUPS = `INSERT INTO attendee_group_fy (fy, dim, key, email, n)
  SELECT es.fy, k.dim, k.key, a.email, count(*) FROM ${NEW_ATTENDANCE} JOIN event_stats es ON es.event_id = a.event_id
    JOIN event_group_keys k ON k.event_id = a.event_id
  WHERE a.attended = 1 GROUP BY 1, 2, 3, 4
  ON CONFLICT DO UPDATE SET n = n + excluded.n`;
const ADD_MEMBER_ATTENDEE_GROUPS = `INSERT INTO member_attendee_group_fy (fy, dim, key, member_id, n)
  SELECT es.fy, k.dim, k.key, a.member_id, count(*) FROM ${NEW_ATTENDANCE} JOIN event_stats es ON es.event_id = a.event_id
    JOIN event_group_keys k ON k.event_id = a.event_id
    JOIN member_spans s ON s.member_id = a.member_id AND s.start_on <= es.held_on AND (s.end_on IS NULL OR s.end_on > es.held_on)
  WHERE a.attended = 1 GROUP BY 1, 2, 3, 4
  ON CONFLICT DO UPDATE SET n = n + excluded.n`;
/** The FYs of the events a batch added attendance to (their group counts are recounted). */
const NEW_ATTENDANCE_FYS = `SELECT DISTINCT es.fy FROM ${NEW_ATTENDANCE} JOIN event_stats es ON es.event_id = a.event_id WHERE a.attended = 1`;
const RECOUNT_GROUPS = `INSERT INTO attendee_group_count (fy, dim, key, attendees, member_attendees)
  SELECT fy, dim, key, sum(p), sum(m) FROM (
    SELECT fy, dim, key, 1 AS p, 0 AS m FROM attendee_group_fy WHERE fy = :fy
    UNION ALL SELECT fy, dim, key, 0, 1 FROM member_attendee_group_fy WHERE fy = :fy)
  GROUP BY 1, 2, 3`;

/**
 * Adds the attendance rows batch `batchId` inserted while suspended to the rollups (call before
 * the import's TEMP table of seen pairs is dropped, and before any of those rows is updated).
 * The per-group attendee sets (migration 018) are added with their count triggers standing aside,
 * then the counts of the fiscal years concerned are recounted: one grouped count per year rather
 * than a trigger per new (person, group) pair.
 */
export function addAttendanceToRollups(db: Db, batchId: number): void {
  db.prepare(ADD_EVENT_STATS).run(batchId);
  db.prepare(ADD_ATTENDEES).run(batchId);
  db.prepare(ADD_MEMBER_ATTENDEES).run(batchId);
  const fys = db.prepare(NEW_ATTENDANCE_FYS).pluck().all(batchId) as number[];
  if (fys.length === 0) return;
  db.prepare("INSERT INTO meta (key, value) VALUES ('bulk:attendee_groups', '1') ON CONFLICT (key) DO NOTHING").run();
  db.prepare(ADD_ATTENDEE_GROUPS).run(batchId);
  db.prepare(ADD_MEMBER_ATTENDEE_GROUPS).run(batchId);
  const clear = db.prepare('DELETE FROM attendee_group_count WHERE fy = ?');
  const recount = db.prepare(RECOUNT_GROUPS);
  for (const fy of fys) {
    clear.run(fy);
    recount.run({ fy });
  }
  db.prepare("DELETE FROM meta WHERE key = 'bulk:attendee_groups'").run();
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
