import { ROLLUP_CONTENTS_013 } from './migrations/013-membership-history.js';
import type { Db } from './open.js';

/** What each report rollup holds, computed from the base tables (the current definitions). */
export const ROLLUP_CONTENTS: Readonly<Record<string, string>> = ROLLUP_CONTENTS_013;

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
export type BulkTable = 'spans' | 'assignments';

const ADD_SPANS = `INSERT INTO member_fy (agency_id, member_type, start_fy, end_fy, starts, ends, n)
  SELECT coalesce(agency_id, 0), member_type, start_fy, end_fy,
    CASE WHEN starts = 'change' THEN 'change' WHEN period = 1 THEN 'join' ELSE 'rejoin' END,
    coalesce(ends, 'open'), count(*)
  FROM member_spans WHERE id >= ? AND (end_on IS NULL OR end_on > start_on)
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT DO UPDATE SET n = n + excluded.n`;
const ADD_GROUP_FY = `INSERT INTO group_fy (group_id, from_fy, to_fy, n)
  SELECT group_id, from_fy, to_fy, count(*) FROM (
    SELECT a.group_id, max(a.assigned_fy, s.start_fy) AS from_fy,
      CASE WHEN a.removed_fy = 0 THEN s.end_fy WHEN s.end_fy = 0 THEN a.removed_fy ELSE min(a.removed_fy, s.end_fy) END AS to_fy
    FROM assignments a JOIN member_spans s ON s.member_id = a.member_id
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

const TABLE: Readonly<Record<BulkTable, string>> = { spans: 'member_spans', assignments: 'assignments' };

/** Makes the table's INSERT trigger stand aside in this transaction; returns the next row id. */
export function suspendRollups(db: Db, table: BulkTable): number {
  db.prepare("INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING").run(`bulk:${table}`);
  return db.prepare(`SELECT coalesce(max(id), 0) + 1 FROM ${TABLE[table]}`).pluck().get() as number;
}

/** Adds the rows of `table` whose id is at least `firstId` to the rollups. */
export function addToRollups(db: Db, table: BulkTable, firstId: number): void {
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
