import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withExamples, withoutDatabase } from '../../help.js';

// Registration only: each verb's run code is imported when it runs, to keep start-up quick.

function runDbPath(ctx: CliContext): string {
  const p = ctx.dbPath();
  ctx.stdout.write(`${p}\n`);
  return p;
}

export function registerDb(program: Command, ctx: CliContext): Command {
  const noun = program.command('db').description('the database file: where it is, its health, backups');
  withExamples(
    withoutDatabase(noun.command('path')).description('print the database path in force (--db, $AICOP_DB, else the XDG default)').action(() => {
      runDbPath(ctx);
    }),
    'aicop db path',
    'AICOP_DB=/srv/cop.db aicop db path',
  );
  withExamples(
    noun
      .command('check')
      .description('run PRAGMA integrity_check and foreign_key_check, compare the report rollups with the tables they summarise, show the schema version; exit 5 if damaged')
      .option('--repair', 'rebuild report rollups that differ from their tables (the only repair made; nothing else is written)', false)
      .action(async (opts: { repair: boolean }) => {
        const { runDbCheck } = await import('./check.js');
        runDbCheck(ctx, opts.repair);
      }),
    'aicop db check',
    'aicop db check --repair',
  );
  withExamples(
    noun
      .command('backup')
      .description('copy the live database with the online backup API (safe while others write)')
      .argument('<file>', 'where to write the backup')
      .option('--force', 'overwrite the file if it exists', false)
      .action(async (file: string, opts: { force: boolean }) => {
        const { runDbBackup } = await import('./backup.js');
        await runDbBackup(ctx, file, opts.force);
      }),
    'aicop db backup ~/backups/aicop-$(date +%F).db',
  );
  withExamples(
    noun
      .command('vacuum')
      .description('rebuild the file and empty its WAL, so deleted (purged) rows leave no bytes behind')
      .action(async () => {
        const { runDbVacuum } = await import('./vacuum.js');
        runDbVacuum(ctx);
      }),
    'aicop db vacuum',
  );
  withExamples(
    noun
      .command('purge')
      .description('retention: erase every former member who left before a date (as members remove --purge), then vacuum')
      .requiredOption('--left-before <date>', 'erase members whose left_on is before this date (YYYY-MM-DD)')
      .option('--dry-run', 'list who would be erased; change nothing', false)
      .action(async (opts: { leftBefore: string; dryRun: boolean }) => {
        const { runDbPurge } = await import('./purge.js');
        await runDbPurge(opts, ctx);
      }),
    'aicop db purge --left-before 2019-10-01 --dry-run',
    'aicop --yes db purge --left-before "$(date -d \'7 years ago\' +%F)"',
  );
  return noun;
}
