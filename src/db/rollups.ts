import { ROLLUP_CONTENTS } from './migrations/009-report-rollups.js';
import type { Db } from './open.js';

/**
 * Bulk upkeep of the report rollups for a roster import (see migration 011): between
 * `suspend()` and `resume()`, inside one transaction, new members' and new assignments' INSERT
 * triggers stand aside and the caller adds those rows to the rollups with `addToRollups(table, id)`:
 * every row whose id is at least `id`, grouped exactly as 009 defines
 * the rollups (the same SELECTs, restricted to the new rows), so the two paths cannot drift.
 * The caller must not update or delete a row it inserted while suspended before adding it: the
 * UPDATE/DELETE triggers would take out a share that was never put in.
 */
export type BulkTable = 'members' | 'assignments';

function restrict(select: string, from: string, where: string): string {
  if (!select.includes(from)) throw new Error(`rollup definition changed: "${from}" not found in ${select}`);
  return select.replace(from, `${from} WHERE ${where}`);
}

const ADD_MEMBERS = `INSERT INTO member_fy SELECT * FROM (${restrict(ROLLUP_CONTENTS.member_fy ?? '', 'FROM members', 'id >= ?')}) WHERE true
  ON CONFLICT DO UPDATE SET n = n + excluded.n`;
const ADD_GROUP_FY = `INSERT INTO group_fy SELECT * FROM (${restrict(ROLLUP_CONTENTS.group_fy ?? '', 'JOIN members m ON m.id = a.member_id', 'a.id >= ?')}) WHERE true
  ON CONFLICT DO UPDATE SET n = n + excluded.n`;
const ADD_GROUP_JOIN = `INSERT INTO group_join SELECT * FROM (${restrict(ROLLUP_CONTENTS.group_join ?? '', 'FROM assignments', 'id >= ?')}) WHERE true
  ON CONFLICT DO UPDATE SET n = n + excluded.n`;

/** Makes the table's INSERT trigger stand aside in this transaction; returns the next row id. */
export function suspendRollups(db: Db, table: BulkTable): number {
  db.prepare("INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING").run(`bulk:${table}`);
  return (db.prepare(`SELECT coalesce(max(id), 0) + 1 FROM ${table}`).pluck().get() as number);
}

/** Adds the rows of `table` whose id is at least `firstId` to the rollups. */
export function addToRollups(db: Db, table: BulkTable, firstId: number): void {
  if (table === 'members') {
    db.prepare(ADD_MEMBERS).run(firstId);
  } else {
    db.prepare(ADD_GROUP_FY).run(firstId);
    db.prepare(ADD_GROUP_JOIN).run(firstId);
  }
}

/** Restores the table's INSERT trigger (every row inserted meanwhile must have been added). */
export function resumeRollups(db: Db, table: BulkTable): void {
  db.prepare('DELETE FROM meta WHERE key = ?').run(`bulk:${table}`);
}
