import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Db } from './open.js';
import { LATEST_VERSION, schemaVersion } from './open.js';
import { ROLLUP_CONTENTS } from './rollups.js';

export interface CheckResult {
  readonly integrity: readonly string[];
  readonly foreignKeyProblems: number;
  readonly schemaVersion: number;
  readonly latestVersion: number;
  readonly ok: boolean;
}

/** PRAGMA integrity_check and foreign_key_check plus the schema version; changes nothing. */
export function checkDatabase(db: Db): CheckResult {
  const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  const foreignKeyProblems = (db.pragma('foreign_key_check') as unknown[]).length;
  const version = schemaVersion(db);
  const ok = integrity.length === 1 && integrity[0] === 'ok' && foreignKeyProblems === 0 && version === LATEST_VERSION;
  return { integrity, foreignKeyProblems, schemaVersion: version, latestVersion: LATEST_VERSION, ok };
}

/** A report rollup (migration 009) whose rows differ from what its definition computes. */
export interface RollupDrift {
  readonly table: string;
  /** The table itself is gone (a damaged schema: a rebuild cannot help). */
  readonly missing: boolean;
  /** Rows in the table but not in the definition's result, plus the other way round. */
  readonly rows: number;
}

/** The schema version whose report rollups ROLLUP_CONTENTS defines (migrations 013 and 018; 009 added the first). */
export const ROLLUPS_SINCE = 18;

/** Rollup tables added after ROLLUPS_SINCE, with the schema version that added them (a `db check` of an older file leaves them out). */
const ROLLUP_TABLE_SINCE: Readonly<Record<string, number>> = { attendee_fy_count: 24 };

/** Compares every report rollup with its definition; [] when all match (or before schema 9). */
export function rollupDrift(db: Db): RollupDrift[] {
  if (schemaVersion(db) < ROLLUPS_SINCE) return [];
  const present = new Set(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[]);
  const differing = (table: string, select: string): number =>
    db
      .prepare(`SELECT count(*) FROM (SELECT * FROM (SELECT * FROM ${table} EXCEPT SELECT * FROM (${select})) UNION ALL SELECT * FROM (SELECT * FROM (${select}) EXCEPT SELECT * FROM ${table}))`)
      .pluck()
      .get() as number;
  const version = schemaVersion(db);
  return Object.entries(ROLLUP_CONTENTS)
    .filter(([table]) => version >= (ROLLUP_TABLE_SINCE[table] ?? ROLLUPS_SINCE))
    .map(([table, select]) => (present.has(table) ? { table, missing: false, rows: differing(table, select) } : { table, missing: true, rows: 0 }))
    .filter((d) => d.missing || d.rows > 0);
}

/** Rebuilds the given rollup tables from their definitions, in one write transaction. */
export function rebuildRollups(db: Db, tables: readonly string[]): void {
  db.transaction(() => {
    for (const table of tables) {
      const select = ROLLUP_CONTENTS[table];
      if (select === undefined) throw new Error(`not a rollup table: ${table}`);
      db.exec(`DELETE FROM ${table}`);
      db.exec(`INSERT INTO ${table} ${select}`);
    }
  }).immediate();
}

/**
 * Copies the live database with SQLite's online backup API into a temporary sibling of
 * `target`, then renames it into place, so a failed backup never leaves a partial file.
 */
export async function backupDatabase(db: Db, target: string): Promise<{ pages: number }> {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // Created 0600 before a byte is copied: a backup holds every member's data.
    // A backup replacing an older one keeps that file's mode.
    let mode = 0o600;
    try {
      mode = fs.statSync(target).mode & 0o777;
    } catch {
      // no file to replace
    }
    fs.closeSync(fs.openSync(tmp, 'wx', 0o600));
    const progress = await db.backup(tmp);
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, target);
    return { pages: progress.totalPages };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
