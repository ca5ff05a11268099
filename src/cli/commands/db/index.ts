import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withExamples } from '../../help.js';
import { DatabaseError, InputError, UsageError } from '../../errors.js';
import { openDatabase } from '../../../db/open.js';
import { backupDatabase, checkDatabase, type CheckResult } from '../../../db/maintenance.js';

export function runDbPath(ctx: CliContext): string {
  const p = ctx.dbPath();
  ctx.stdout.write(`${p}\n`);
  return p;
}

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

export async function runDbBackup(ctx: CliContext, target: string, force: boolean): Promise<string> {
  const dest = path.resolve(ctx.cwd, target);
  if (dest === ctx.dbPath()) throw new UsageError('the backup cannot be the database itself', 'choose another file name');
  if (fs.existsSync(dest) && !force) throw new UsageError(`${target} already exists`, 'pass --force to overwrite it');
  if (!fs.existsSync(path.dirname(dest))) throw new InputError(`${target}: folder ${path.dirname(dest)} does not exist`, 'create it first');
  const db = ctx.db();
  const { pages } = await backupDatabase(db, dest);
  ctx.stdout.write(`${dest}\n`);
  ctx.info(`backed up ${pages} pages of ${ctx.dbPath()}`);
  return dest;
}

export function registerDb(program: Command, ctx: CliContext): Command {
  const noun = program.command('db').description('the database file: where it is, its health, backups');
  withExamples(
    noun.command('path').description('print the database path in force (--db, $AICOP_DB, else the XDG default)').action(() => {
      runDbPath(ctx);
    }),
    'aicop db path',
    'AICOP_DB=/srv/cop.db aicop db path',
  );
  withExamples(
    noun.command('check').description('run PRAGMA integrity_check and foreign_key_check and show the schema version; exit 5 if damaged').action(() => {
      runDbCheck(ctx);
    }),
    'aicop db check',
  );
  withExamples(
    noun
      .command('backup')
      .description('copy the live database with the online backup API (safe while others write)')
      .argument('<file>', 'where to write the backup')
      .option('--force', 'overwrite the file if it exists', false)
      .action(async (file: string, opts: { force: boolean }) => {
        await runDbBackup(ctx, file, opts.force);
      }),
    'aicop db backup ~/backups/aicop-$(date +%F).db',
  );
  return noun;
}
