import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

export type GroupKind = 'working_group' | 'practice_area';
export type AssignmentSource = 'import' | 'manual' | 'auto';

export interface GroupRef {
  readonly id: number;
  readonly name: string;
  readonly kind: GroupKind;
  readonly capacity: number | null;
}

interface Statements {
  readonly loadGroups: Statement<[], GroupRef>;
  readonly openAssignment: Statement<[number, number, string, AssignmentSource, number | null]>;
  readonly findOpen: Statement<[number, number], { id: number; assigned_on: string }>;
  readonly closeAssignment: Statement<[string, number | null, number]>;
}

// The importer calls these per row: prepare once per connection, not once per call.
const cache = new WeakMap<Db, Statements>();

function stmts(db: Db): Statements {
  let s = cache.get(db);
  if (!s) {
    s = {
      loadGroups: db.prepare<[], GroupRef>(
        'SELECT id, name, kind, capacity FROM groups WHERE archived_on IS NULL ORDER BY kind DESC, name COLLATE NOCASE',
      ),
      openAssignment: db.prepare<[number, number, string, AssignmentSource, number | null]>(
        `INSERT INTO assignments (member_id, group_id, assigned_on, source, batch_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (member_id, group_id) WHERE removed_on IS NULL DO NOTHING`,
      ),
      findOpen: db.prepare<[number, number], { id: number; assigned_on: string }>(
        'SELECT id, assigned_on FROM assignments WHERE member_id = ? AND group_id = ? AND removed_on IS NULL',
      ),
      // removed_on may not precede assigned_on (a CHECK): closing "before" it was opened closes on its opening day.
      closeAssignment: db.prepare<[string, number | null, number]>(
        'UPDATE assignments SET removed_on = max(?, assigned_on), removed_batch = ? WHERE id = ?',
      ),
    };
    cache.set(db, s);
  }
  return s;
}

/** Number of groups (working groups and practice areas), archived ones included. */
export function countGroups(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM groups').get() as { n: number }).n;
}

/** Groups that are not archived: working groups first, then practice areas, each by name. */
export function loadGroups(db: Db): GroupRef[] {
  return stmts(db).loadGroups.all();
}

/**
 * Opens an assignment of a member to a group from date `on`. Returns the new assignment id, or null
 * when the member already has an open assignment to that group (nothing changes then).
 * Capacity is not checked here: callers that enforce it use `groupFill`.
 */
export function openAssignment(
  db: Db,
  a: { memberId: number; groupId: number; on: string; source: AssignmentSource; batchId?: number | null },
): number | null {
  const info = stmts(db).openAssignment.run(a.memberId, a.groupId, a.on, a.source, a.batchId ?? null);
  return info.changes === 1 ? Number(info.lastInsertRowid) : null;
}

/**
 * Closes the member's open assignment to the group on date `on` (kept as history, never deleted).
 * Returns false when there was no open assignment.
 */
export function closeAssignment(db: Db, a: { memberId: number; groupId: number; on: string; batchId?: number | null }): boolean {
  const s = stmts(db);
  const open = s.findOpen.get(a.memberId, a.groupId);
  if (!open) return false;
  s.closeAssignment.run(a.on, a.batchId ?? null, open.id);
  return true;
}
