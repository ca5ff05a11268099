import type { Db } from './open.js';

/** A closed fiscal year (SPEC §10): the figures as they were published. */
export interface ClosureRow {
  readonly id: number;
  readonly fy: number;
  readonly closed_at: string;
  readonly closed_by: string;
  readonly figures: string;
  readonly fingerprint: string;
}

export interface RestatementRow {
  readonly id: number;
  readonly fy: number;
  readonly at: string;
  readonly by_user: string;
  readonly batch_id: number | null;
  readonly action: string;
  readonly changes: string;
}

/** The closure in force for a fiscal year (not reopened), if any. */
export function currentClosure(db: Db, fy: number): ClosureRow | undefined {
  return db
    .prepare<[number], ClosureRow>('SELECT id, fy, closed_at, closed_by, figures, fingerprint FROM fy_closures WHERE fy = ? AND reopened_at IS NULL')
    .get(fy);
}

/** Every fiscal year closed now, oldest first. */
export function closedYears(db: Db): number[] {
  return db.prepare('SELECT fy FROM fy_closures WHERE reopened_at IS NULL ORDER BY fy').pluck().all() as number[];
}

export function insertClosure(db: Db, c: Omit<ClosureRow, 'id'>): number {
  return Number(
    db
      .prepare('INSERT INTO fy_closures (fy, closed_at, closed_by, figures, fingerprint) VALUES (@fy, @closed_at, @closed_by, @figures, @fingerprint)')
      .run(c).lastInsertRowid,
  );
}

export function reopenClosure(db: Db, id: number, at: string, by: string, reason: string): void {
  db.prepare('UPDATE fy_closures SET reopened_at = ?, reopened_by = ?, reopen_reason = ? WHERE id = ?').run(at, by, reason, id);
}

/** Records a write that moved a closed year's figures. */
export function logRestatement(db: Db, r: Omit<RestatementRow, 'id'>): void {
  db.prepare('INSERT INTO fy_restatements (fy, at, by_user, batch_id, action, changes) VALUES (@fy, @at, @by_user, @batch_id, @action, @changes)').run(r);
}

/** The writes that moved a fiscal year's figures since its closure was made, oldest first. */
export function restatementsSince(db: Db, fy: number, closedAt: string): RestatementRow[] {
  return db
    .prepare<[number, string], RestatementRow>('SELECT id, fy, at, by_user, batch_id, action, changes FROM fy_restatements WHERE fy = ? AND at >= ? ORDER BY id')
    .all(fy, closedAt);
}
