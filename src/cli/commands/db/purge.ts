import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { parseDate } from '../../../core/dates.js';
import { membersLeftBefore, purgeMember, vacuumDatabase, type RetentionCandidate } from '../../../db/purge-repo.js';
import { openResultSink } from '../../output.js';
import { linesEncoder, streamRows } from '../../stream.js';

export interface DbPurgeOptions {
  /** YYYY-MM-DD (or another date form imports accept): members who left before it are erased. */
  readonly leftBefore: string;
  readonly dryRun: boolean;
}

export interface DbPurgeResult {
  readonly leftBefore: string;
  readonly purged: readonly string[];
  readonly dryRun: boolean;
}

/**
 * `db purge --left-before <date>`: retention. Erases every former member who left before the
 * date exactly as `members remove --purge` does (one purgeMember each, one transaction), then
 * vacuums, so the file keeps no trace of them. --dry-run lists them and changes nothing.
 */
export async function runDbPurge(opts: DbPurgeOptions, ctx: CliContext): Promise<DbPurgeResult> {
  const date = parseDate(opts.leftBefore);
  if (date === null) throw new UsageError(`--left-before ${opts.leftBefore} is not a date`, 'e.g. --left-before 2019-10-01');
  const db = opts.dryRun ? ctx.readDb() : ctx.db();
  const candidates = membersLeftBefore(db, date);
  if (opts.dryRun || candidates.length === 0) {
    await writeListing(ctx, candidates);
    ctx.info(`${candidates.length} former member${candidates.length === 1 ? '' : 's'} left before ${date}${opts.dryRun ? ' (dry run: nothing was changed)' : '; nothing to purge'}`);
    return { leftBefore: date, purged: candidates.map((c) => c.email), dryRun: opts.dryRun };
  }
  const what = `purging erases ${candidates.length} former member${candidates.length === 1 ? '' : 's'} who left before ${date}, for good`;
  if (!ctx.globals.yes) {
    if (!ctx.canPrompt()) ctx.requireFlag('--yes', what);
    await ctx.confirmOrCancel(`${what}. Continue?`);
  }
  db.pragma('secure_delete = ON');
  db.transaction(() =>
    withHistoryGuard(ctx, db, `db purge --left-before ${date}`, null, () => {
      for (const c of candidates) purgeMember(db, c.id);
    }),
  ).immediate();
  vacuumDatabase(db);
  await writeListing(ctx, candidates);
  ctx.info(`purged ${candidates.length} former member${candidates.length === 1 ? '' : 's'} who left before ${date}; the file was vacuumed`);
  return { leftBefore: date, purged: candidates.map((c) => c.email), dryRun: false };
}

/**
 * The listing (`email<TAB>left_on` a line) on stdout, streamed: a slow reader holds aicop to one
 * batch of lines rather than the whole list. After a purge the database is already committed and
 * vacuumed, so a reader that goes away loses only the listing.
 */
async function writeListing(ctx: CliContext, candidates: readonly RetentionCandidate[]): Promise<void> {
  await streamRows(ctx, openResultSink(ctx, '-'), candidates, linesEncoder((c: RetentionCandidate) => `${c.email}\t${c.left_on}`));
}
