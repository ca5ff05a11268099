import type { Statement } from 'better-sqlite3';
import type { RejectReason } from '../core/reasons.js';
import type { Db } from './open.js';
import { dropOrphanUnmappedAgencies } from './agencies-repo.js';
import { identityUndoConflict } from './identity-repo.js';
import { beginImmediate } from './lock-wait.js';
import { rederiveSinglePeriod } from './periods-repo.js';

export type ImportKind = 'members' | 'events' | 'attendance';
export type ChangeEntity = 'member' | 'assignment' | 'event' | 'attendance' | 'span' | 'alias';

export interface BatchCounts {
  rows_read: number;
  added: number;
  updated: number;
  unchanged: number;
  reactivated: number;
  deactivated: number;
  rejected: number;
}

export interface BatchRow extends BatchCounts {
  readonly id: number;
  readonly kind: ImportKind;
  readonly file_name: string;
  readonly sha256: string;
  readonly imported_by: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly options: string;
  readonly status: 'applied' | 'undone';
  readonly undone_at: string | null;
  readonly undone_by: string | null;
}

/**
 * Opens an import's one write transaction (IMMEDIATE, so --wait applies), with the connection set
 * for a bulk load:
 * - a 16 MB page cache, stated rather than left to the driver (plain SQLite's default is 2 MB,
 *   which spilled index pages to the WAL mid-transaction and read them back: about 40% of the
 *   time on 200k rows); 48–64 MB made a million-row import 15–25% faster but peaked at
 *   166–186 MB, over the 150 MB memory target;
 * - a 2 MB cache for the TEMP tables (staged rows, members seen): they fill and empty in order,
 *   so spilling them to their temporary file costs little and keeps memory flat;
 * - foreign-key enforcement off: every key an import writes comes from a row it just read or
 *   wrote in this transaction (agencies from the directory lookup, groups from the group list,
 *   this batch's id, events checked row by row), so the per-row lookups (three per member, three
 *   per assignment) repeat what the code knows; imports never delete, so no ON DELETE action is
 *   skipped. `aicop db check` runs foreign_key_check, and the tests run it after imports.
 * Call endImportTransaction after COMMIT or ROLLBACK.
 */
export function beginImportTransaction(db: Db): void {
  db.pragma('cache_size = -16384');
  db.pragma('temp.cache_size = -2048');
  db.pragma('foreign_keys = OFF');
  beginImmediate(db);
}

/** Restores foreign-key enforcement once the import's transaction has ended. */
export function endImportTransaction(db: Db): void {
  db.pragma('foreign_keys = ON');
}

/** Records a new batch (inside the import's transaction) and returns its id. */
export function createBatch(
  db: Db,
  b: { kind: ImportKind; fileName: string; sha256: string; importedBy: string; startedAt: string; options: Readonly<Record<string, unknown>> },
): number {
  const info = db
    .prepare('INSERT INTO import_batches (kind, file_name, sha256, imported_by, started_at, options) VALUES (?, ?, ?, ?, ?, ?)')
    .run(b.kind, b.fileName, b.sha256, b.importedBy, b.startedAt, JSON.stringify(b.options));
  return Number(info.lastInsertRowid);
}

/** Stores the final counts of a batch. */
export function finishBatch(db: Db, id: number, counts: Readonly<BatchCounts>, finishedAt: string): void {
  db.prepare(
    `UPDATE import_batches SET rows_read = ?, added = ?, updated = ?, unchanged = ?, reactivated = ?, deactivated = ?, rejected = ?, finished_at = ?
     WHERE id = ?`,
  ).run(counts.rows_read, counts.added, counts.updated, counts.unchanged, counts.reactivated, counts.deactivated, counts.rejected, finishedAt, id);
}

/**
 * The latest applied batch of this kind with the same file hash and the same column mapping
 * (re-import detection: a file imported again with a corrected --map is a new import). `mapping`
 * is the canonical JSON that createBatch stored as options.mapping; batches recorded before the
 * mapping was stored match any mapping, as they did before.
 */
export function findAppliedBatchBySha(db: Db, kind: ImportKind, sha256: string, mapping: string): BatchRow | undefined {
  return db
    .prepare<[string, string, string, string], BatchRow>(
      `SELECT * FROM import_batches WHERE kind = ? AND sha256 = ? AND status = 'applied'
         AND coalesce(json_extract(options, '$.mapping'), json(?)) = json(?)
       ORDER BY id DESC LIMIT 1`,
    )
    .get(kind, sha256, mapping, mapping);
}

/** A prepared writer of import_rejects rows for one batch. */
export function createRejectStore(db: Db, batchId: number): (line: number, reason: RejectReason, detail: string, email: string | null) => void {
  const stmt = db.prepare<[number, number, string, string, string | null]>('INSERT INTO import_rejects (batch_id, line, reason, detail, email) VALUES (?, ?, ?, ?, ?)');
  return (line, reason, detail, email) => void stmt.run(batchId, line, reason, detail, email);
}

/**
 * Records before-images for `imports undo`. `key` identifies the row: the JSON array of its
 * primary-key values (`[id]` for members and assignments, `[event_id, email]` for attendance,
 * `[id]` for events). `before` is the whole row before the change (null for op 'insert').
 * Rows a batch inserts into a table with `created_batch` need no record: undo deletes them by
 * that column.
 */
export interface ChangeRecorder {
  record(entity: ChangeEntity, key: readonly (string | number)[], op: 'insert' | 'update' | 'delete', before: Readonly<Record<string, unknown>> | null): void;
}

export function createChangeRecorder(db: Db, batchId: number): ChangeRecorder {
  const stmt = db.prepare<[number, number, string, string, string, string | null]>(
    'INSERT INTO batch_changes (batch_id, seq, entity, entity_key, op, before) VALUES (?, ?, ?, ?, ?, ?)',
  );
  let seq = 0;
  return {
    record(entity, key, op, before) {
      stmt.run(batchId, ++seq, entity, JSON.stringify(key), op, before === null ? null : JSON.stringify(before));
    },
  };
}

export interface BatchListRow {
  readonly id: number;
  readonly kind: ImportKind;
  readonly file_name: string;
  readonly started_at: string;
  readonly imported_by: string;
  readonly rows_read: number;
  readonly added: number;
  readonly updated: number;
  readonly rejected: number;
  readonly status: 'applied' | 'undone';
}

/** Every batch, newest first. */
export function listBatches(db: Db, kind?: ImportKind): BatchListRow[] {
  const sql = `SELECT id, kind, file_name, started_at, imported_by, rows_read, added, updated, rejected, status FROM import_batches
               ${kind ? 'WHERE kind = ?' : ''} ORDER BY id DESC`;
  const stmt = db.prepare<unknown[], BatchListRow>(sql);
  return kind ? stmt.all(kind) : stmt.all();
}

export function getBatch(db: Db, id: number): BatchRow | undefined {
  return db.prepare<[number], BatchRow>('SELECT * FROM import_batches WHERE id = ?').get(id);
}

/** Rejected rows of a batch counted by reason, most frequent first. */
export function rejectCountsByReason(db: Db, id: number): { reason: RejectReason; count: number }[] {
  return db
    .prepare<[number], { reason: RejectReason; count: number }>(
      'SELECT reason, count(*) AS count FROM import_rejects WHERE batch_id = ? GROUP BY reason ORDER BY count DESC, reason',
    )
    .all(id);
}

/** The first rejected rows of a batch, by line. */
export function listRejects(db: Db, id: number, limit: number): { line: number; reason: RejectReason; detail: string; email: string | null }[] {
  return db
    .prepare<[number, number], { line: number; reason: RejectReason; detail: string; email: string | null }>(
      'SELECT line, reason, detail, email FROM import_rejects WHERE batch_id = ? ORDER BY line LIMIT ?',
    )
    .all(id, limit);
}

interface EntityTable {
  readonly table: string;
  readonly keys: readonly string[];
  readonly hasBatchColumns: boolean;
}

const ENTITIES: Readonly<Record<ChangeEntity, EntityTable>> = {
  member: { table: 'members', keys: ['id'], hasBatchColumns: true },
  assignment: { table: 'assignments', keys: ['id'], hasBatchColumns: false },
  event: { table: 'events', keys: ['id'], hasBatchColumns: true },
  attendance: { table: 'attendance', keys: ['event_id', 'email'], hasBatchColumns: true },
  span: { table: 'member_spans', keys: ['id'], hasBatchColumns: false },
  alias: { table: 'member_aliases', keys: ['email'], hasBatchColumns: false },
};

/** Why an undo cannot run: a later change to a row this batch changed. */
export interface UndoConflict {
  readonly entity: ChangeEntity;
  readonly key: string;
  /** The later batch that changed the row, or null when it was changed by hand. */
  readonly laterBatch: number | null;
  readonly label: string;
}

export interface UndoResult {
  readonly deleted: number;
  readonly restored: number;
  readonly assignmentsRemoved: number;
  readonly assignmentsReopened: number;
}

function writableColumns(db: Db, table: string): string[] {
  // hidden = 0: ordinary columns; generated columns (2, 3) cannot be written.
  return (db.prepare(`PRAGMA table_xinfo(${table})`).all() as { name: string; hidden: number }[]).filter((c) => c.hidden === 0).map((c) => c.name);
}

/**
 * Finds the first row this batch changed that something later changed again: a row it inserted
 * or updated whose `updated_batch` is no longer this batch (a later import, or NULL after a
 * manual edit), or an assignment it opened or closed that a later batch closed or changed, or an
 * assignment added later to a member it inserted. Undefined when the undo is safe.
 */
export function findUndoConflict(db: Db, batchId: number): UndoConflict | undefined {
  for (const entity of ['member', 'event', 'attendance'] as const) {
    const { table, keys } = ENTITIES[entity];
    const keyExpr = keys.join(" || '/' || ");
    const labelCol = entity === 'member' ? 'email' : entity === 'attendance' ? "event_id || ' ' || email" : 'id';
    const row = db
      .prepare<[{ b: number; e: string }], { k: string; label: string; later: number | null }>(
        `SELECT (${keyExpr}) AS k, ${labelCol} AS label, updated_batch AS later FROM ${table} t
         WHERE (created_batch = @b OR json_array(${keys.map((k) => `t.${k}`).join(', ')}) IN (SELECT entity_key FROM batch_changes WHERE batch_id = @b AND entity = @e))
           AND updated_batch IS NOT @b LIMIT 1`,
      )
      .get({ b: batchId, e: entity });
    if (row) return { entity, key: String(row.k), laterBatch: row.later, label: row.label };
  }
  // Deleting an event this batch created would cascade to attendance that later batches added.
  const att = db
    .prepare<[{ b: number }], { label: string; later: number | null }>(
      `SELECT a.event_id || ' ' || a.email AS label, a.created_batch AS later FROM attendance a JOIN events e ON e.id = a.event_id
       WHERE e.created_batch = @b AND a.created_batch IS NOT @b LIMIT 1`,
    )
    .get({ b: batchId });
  if (att) return { entity: 'attendance', key: att.label, laterBatch: att.later, label: att.label };
  const a = db
    .prepare<[{ b: number }], { email: string; later: number | null }>(
      `SELECT m.email, coalesce(a.removed_batch, a.batch_id) AS later FROM assignments a JOIN members m ON m.id = a.member_id
       WHERE (a.batch_id = @b AND a.removed_batch IS NOT NULL AND a.removed_batch <> @b)
          OR (m.created_batch = @b AND a.batch_id IS NOT @b)
       LIMIT 1`,
    )
    .get({ b: batchId });
  if (a) return { entity: 'assignment', key: a.email, laterBatch: a.later, label: a.email };
  const batch = getBatch(db, batchId);
  const identity = identityUndoConflict(db, batchId, batch ? (JSON.parse(batch.options) as unknown) : {});
  if (identity) return { entity: 'member', key: identity.label, laterBatch: identity.laterBatch, label: identity.label };
  return undefined;
}

/**
 * Reverts a batch exactly (inside the caller's transaction): removes the assignments it opened,
 * reopens those it closed, restores the before-image of every row it updated (newest first),
 * deletes the rows it inserted, and marks it undone. Call findUndoConflict first.
 */
export function undoBatch(db: Db, batchId: number, who: string, at: string): UndoResult {
  const assignmentsRemoved = db.prepare('DELETE FROM assignments WHERE batch_id = ?').run(batchId).changes;
  const assignmentsReopened = db.prepare('UPDATE assignments SET removed_on = NULL, removed_batch = NULL WHERE removed_batch = ?').run(batchId).changes;
  // Spans this batch opened (new periods, fact changes, a merge's united spans) go first: a
  // span it deleted may come back under an id SQLite handed to one of them (rowid reuse).
  db.prepare('DELETE FROM member_spans WHERE batch_id = ?').run(batchId);
  const changes = db
    .prepare<[number], { entity: ChangeEntity; entity_key: string; op: 'insert' | 'update' | 'delete'; before: string | null }>(
      'SELECT entity, entity_key, op, before FROM batch_changes WHERE batch_id = ? ORDER BY seq DESC',
    )
    .all(batchId);
  const columnCache = new Map<string, string[]>();
  const stmtCache = new Map<string, Statement>();
  const prep = (sql: string): Statement => {
    let s = stmtCache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      stmtCache.set(sql, s);
    }
    return s;
  };
  let restored = 0;
  for (const c of changes) {
    const { table, keys } = ENTITIES[c.entity];
    const keyValues = JSON.parse(c.entity_key) as (string | number)[];
    const where = keys.map((k) => `${k} = ?`).join(' AND ');
    let cols = columnCache.get(table);
    if (!cols) {
      cols = writableColumns(db, table);
      columnCache.set(table, cols);
    }
    if (c.op === 'insert') {
      prep(`DELETE FROM ${table} WHERE ${where}`).run(...keyValues);
    } else if (c.before !== null) {
      const before = JSON.parse(c.before) as Record<string, unknown>;
      const values = cols.map((col) => before[col] ?? null);
      if (c.op === 'update') {
        prep(`UPDATE ${table} SET ${cols.map((col) => `${col} = ?`).join(', ')} WHERE ${where}`).run(...values, ...keyValues);
      } else {
        prep(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...values);
      }
    }
    restored++;
  }
  // Aliases it created (renames, merges); those it moved or removed were restored above.
  db.prepare('DELETE FROM member_aliases WHERE batch_id = ?').run(batchId);
  // A batch recorded before membership history (migration 013) kept member rows only: the one
  // period of each member it changed is re-derived from the restored row.
  const since = Number(db.prepare("SELECT value FROM meta WHERE key = 'history_since_batch'").pluck().get() ?? 0);
  if (batchId < since) {
    for (const c of changes) if (c.entity === 'member' && c.op === 'update') rederiveSinglePeriod(db, (JSON.parse(c.entity_key) as number[])[0] ?? 0);
  }
  let deleted = 0;
  for (const table of ['attendance', 'events', 'members']) deleted += db.prepare(`DELETE FROM ${table} WHERE created_batch = ?`).run(batchId).changes;
  // Unmapped agencies this batch created for its new members' domains go with them.
  dropOrphanUnmappedAgencies(db);
  db.prepare("UPDATE import_batches SET status = 'undone', undone_at = ?, undone_by = ? WHERE id = ?").run(at, who, batchId);
  return { deleted, restored, assignmentsRemoved, assignmentsReopened };
}
