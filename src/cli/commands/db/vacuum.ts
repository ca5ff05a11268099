import type { CliContext } from '../../context.js';
import { vacuumDatabase } from '../../../db/purge-repo.js';

/**
 * `db vacuum`: rebuilds the file so that deleted rows (a purge) leave no bytes behind, and
 * empties the WAL. Takes the write lock for as long as it runs.
 */
export function runDbVacuum(ctx: CliContext): { pages: number } {
  const db = ctx.db();
  const r = vacuumDatabase(db);
  ctx.info(`vacuumed ${ctx.dbPath()}: ${r.pages} pages; deleted rows are no longer in the file or its WAL`);
  return r;
}
