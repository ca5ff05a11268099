import type { CliContext } from '../../context.js';
import { DatabaseError } from '../../../errors.js';
import { openDatabase } from '../../../db/open.js';
import { ROLLUPS_SINCE, checkDatabase, rebuildRollups, rollupDrift, type CheckResult, type RollupDrift } from '../../../db/maintenance.js';

const describeDrift = (drift: readonly RollupDrift[]): string =>
  drift.map((d) => (d.missing ? `${d.table} is missing` : `${d.table} differs in ${d.rows} ${d.rows === 1 ? 'row' : 'rows'}`)).join(', ');

/**
 * Inspects without migrating: a database of an older schema is reported, not upgraded. The only
 * write it may make is `--repair`: report rollups that drifted from their tables are rebuilt.
 */
export function runDbCheck(ctx: CliContext, repair = false): CheckResult {
  const file = ctx.dbPath();
  const db = openDatabase(file, { waitSeconds: ctx.globals.wait, create: false, migrate: false, readonly: !repair });
  try {
    const r = checkDatabase(db);
    const intact = r.integrity.length === 1 && r.integrity[0] === 'ok';
    // Rollups are compared only on a sound file: on a damaged one the comparison means nothing.
    let drift = intact ? rollupDrift(db) : [];
    let rollups = drift.length === 0 ? 'ok' : describeDrift(drift);
    const missing = drift.filter((d) => d.missing);
    if (repair && drift.length > 0 && missing.length === 0) {
      const rebuilt = describeDrift(drift);
      rebuildRollups(db, drift.map((d) => d.table));
      // Compared once more (a full pass over the tables on a big database, so only once).
      drift = rollupDrift(db);
      rollups = `rebuilt (${rebuilt}); ${drift.length === 0 ? 'ok now' : 'still different'}`;
    }
    const lines = [
      `database: ${file}`,
      `integrity: ${r.integrity.join('; ')}`,
      `foreign keys: ${r.foreignKeyProblems === 0 ? 'ok' : `${r.foreignKeyProblems} broken references`}`,
      ...(intact && r.schemaVersion >= ROLLUPS_SINCE ? [`report rollups: ${rollups}`] : []),
      `schema version: ${r.schemaVersion}${r.schemaVersion < r.latestVersion ? ` (this aicop migrates it to ${r.latestVersion} on the next command that uses it)` : ''}`,
    ];
    ctx.stdout.write(`${lines.join('\n')}\n`);
    const damaged = !intact || r.foreignKeyProblems > 0;
    if (damaged) throw new DatabaseError(`${file}: integrity check failed`, 'restore the latest backup (aicop db backup makes one)');
    if (missing.length > 0) {
      throw new DatabaseError(`${file}: the schema is damaged: report rollup tables are missing (${missing.map((d) => d.table).join(', ')})`, 'restore the latest backup (aicop db backup makes one)');
    }
    if (drift.length > 0) {
      throw new DatabaseError(
        `${file}: the report rollups differ from the tables they summarise (${describeDrift(drift)}); reports would be wrong`,
        'rebuild them from the tables: aicop db check --repair (and please report this: it is a bug)',
      );
    }
    return r;
  } finally {
    db.close();
  }
}
