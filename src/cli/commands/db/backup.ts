import path from 'node:path';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { checkOutputPath, isDatabaseFile, statIfAny } from '../../atomic.js';
import { backupDatabase } from '../../../db/maintenance.js';

export async function runDbBackup(ctx: CliContext, target: string, force: boolean): Promise<string> {
  const dest = path.resolve(ctx.cwd, target);
  if (isDatabaseFile(dest, ctx.dbPath())) throw new UsageError('the backup cannot be the database or one of its files', 'choose another file name');
  checkOutputPath(target, dest);
  if (statIfAny(dest) !== undefined && !force) throw new UsageError(`${target} already exists`, 'pass --force to overwrite it');
  const db = ctx.readDb();
  const { pages } = await backupDatabase(db, dest);
  ctx.stdout.write(`${dest}\n`);
  ctx.info(`backed up ${pages} pages of ${ctx.dbPath()}`);
  return dest;
}
