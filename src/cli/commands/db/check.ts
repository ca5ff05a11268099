import type { CliContext } from '../../context.js';
import { DatabaseError } from '../../errors.js';
import { openDatabase } from '../../../db/open.js';
import { checkDatabase, type CheckResult } from '../../../db/maintenance.js';

/** Inspects without migrating: a database of an older schema is reported, not upgraded. */
export function runDbCheck(ctx: CliContext): CheckResult {
  const file = ctx.dbPath();
  const db = openDatabase(file, { waitSeconds: ctx.globals.wait, create: false, migrate: false });
  try {
    const r = checkDatabase(db);
    const lines = [
      `database: ${file}`,
      `integrity: ${r.integrity.join('; ')}`,
      `foreign keys: ${r.foreignKeyProblems === 0 ? 'ok' : `${r.foreignKeyProblems} broken references`}`,
      `schema version: ${r.schemaVersion}${r.schemaVersion < r.latestVersion ? ` (this aicop migrates it to ${r.latestVersion} on the next command that uses it)` : ''}`,
    ];
    ctx.stdout.write(`${lines.join('\n')}\n`);
    const damaged = !(r.integrity.length === 1 && r.integrity[0] === 'ok') || r.foreignKeyProblems > 0;
    if (damaged) throw new DatabaseError(`${file}: integrity check failed`, 'restore the latest backup (aicop db backup makes one)');
    return r;
  } finally {
    db.close();
  }
}
