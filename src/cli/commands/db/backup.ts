import fs from 'node:fs';
import path from 'node:path';
import type { CliContext } from '../../context.js';
import { InputError, UsageError } from '../../errors.js';
import { backupDatabase } from '../../../db/maintenance.js';

export async function runDbBackup(ctx: CliContext, target: string, force: boolean): Promise<string> {
  const dest = path.resolve(ctx.cwd, target);
  if (dest === ctx.dbPath()) throw new UsageError('the backup cannot be the database itself', 'choose another file name');
  if (fs.statSync(dest, { throwIfNoEntry: false })?.isDirectory()) throw new InputError(`${target}: is a folder, not a file`, 'name a file inside it');
  if (fs.existsSync(dest) && !force) throw new UsageError(`${target} already exists`, 'pass --force to overwrite it');
  if (!fs.existsSync(path.dirname(dest))) throw new InputError(`${target}: folder ${path.dirname(dest)} does not exist`, 'create it first');
  const db = ctx.db();
  const { pages } = await backupDatabase(db, dest);
  ctx.stdout.write(`${dest}\n`);
  ctx.info(`backed up ${pages} pages of ${ctx.dbPath()}`);
  return dest;
}
