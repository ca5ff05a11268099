import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { emit, renderTable, resolveFormat, type Column } from '../../output.js';
import { toCsv } from '../../../csv/write.js';
import { isoDateOf } from '../../../core/dates.js';
import { fiscalYearRange } from '../../../core/fiscal-year.js';
import { currentClosure, insertClosure, reopenClosure, restatementsSince, type RestatementRow } from '../../../db/closures-repo.js';
import { computeFigures, diffFigures, fingerprintOf, type ClosedFigures, type FigureChange } from '../../../report/closing.js';
import { parseFyFlag } from './flags.js';

function fyOf(ctx: CliContext, verb: string, fy: string | undefined): number {
  if (fy === undefined) throw new UsageError(`report ${verb} needs --fy`, `pass --fy 2023 (or FY2023) or --fy previous`);
  return parseFyFlag(fy, ctx.now());
}

export interface CloseResult {
  readonly fy: number;
  readonly fingerprint: string;
  readonly closed_at: string;
}

/** `report close --fy N`: stores FY N's annual figures once the year has ended (SPEC §10). */
export function runReportClose(ctx: CliContext, flags: { fy?: string }): CloseResult {
  const fy = fyOf(ctx, 'close', flags.fy);
  const today = isoDateOf(ctx.now());
  const { end } = fiscalYearRange(fy);
  if (today <= end) {
    throw new UsageError(`FY ${fy} has not ended: it runs to ${end}, so it can be closed from ${fiscalYearRange(fy + 1).start}`);
  }
  const db = ctx.db();
  const result = db
    .transaction((): CloseResult => {
      const existing = currentClosure(db, fy);
      if (existing) {
        throw new UsageError(`FY ${fy} is already closed (on ${existing.closed_at.slice(0, 10)} by ${existing.closed_by})`, `to close it again with today's data: aicop report reopen --fy ${fy} --reason "…", then aicop report close --fy ${fy}`);
      }
      const figures = computeFigures(db, fy);
      const fingerprint = fingerprintOf(figures);
      const closedAt = ctx.now().toISOString();
      insertClosure(db, { fy, closed_at: closedAt, closed_by: ctx.user, figures: JSON.stringify(figures), fingerprint });
      return { fy, fingerprint, closed_at: closedAt };
    })
    .immediate();
  ctx.stdout.write(`closed FY ${fy} (fingerprint ${result.fingerprint.slice(0, 16)})\n`);
  ctx.info(`reports of FY ${fy} now show these figures and say when they were closed; aicop report diff --fy ${fy} lists any later change`);
  return result;
}

export interface DiffResult {
  readonly fy: number;
  readonly closed_on: string;
  readonly changes: readonly FigureChange[];
  readonly causes: readonly { at: string; by: string; batch_id: number | null; action: string; figures: number }[];
}

const show = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * `report diff --fy N`: each figure of a closed year that today's data give differently, and
 * the imports and edits since the closure that moved the year's figures.
 */
export function runReportDiff(ctx: CliContext, flags: { fy?: string }): DiffResult {
  const fy = fyOf(ctx, 'diff', flags.fy);
  const format = resolveFormat(ctx, ['table', 'csv', 'json'] as const, 'csv');
  const db = ctx.readDb();
  const result = db.transaction((): DiffResult => {
    const c = currentClosure(db, fy);
    if (!c) throw new UsageError(`FY ${fy} is not closed, so there is nothing to compare`, `close it once it has ended: aicop report close --fy ${fy}`);
    const changes = diffFigures(JSON.parse(c.figures) as ClosedFigures, computeFigures(db, fy));
    const causes = restatementsSince(db, fy, c.closed_at).map((r: RestatementRow) => ({
      at: r.at,
      by: r.by_user,
      batch_id: r.batch_id,
      action: r.action,
      figures: (JSON.parse(r.changes) as unknown[]).length,
    }));
    return { fy, closed_on: c.closed_at.slice(0, 10), changes, causes };
  })();
  if (format === 'json') {
    emit(ctx, `${JSON.stringify({ fiscal_year: fy, closed_on: result.closed_on, restated: result.changes.length > 0, changes: result.changes, causes: result.causes }, null, 2)}\n`);
  } else if (format === 'csv') {
    emit(
      ctx,
      toCsv(result.changes, [
        { header: 'figure', value: (c) => c.figure },
        { header: 'closed', value: (c) => show(c.closed) },
        { header: 'current', value: (c) => show(c.current) },
      ]),
    );
  } else {
    const cols: Column<FigureChange>[] = [
      { header: 'figure', value: (c) => c.figure },
      { header: 'closed', value: (c) => show(c.closed), align: 'right' },
      { header: 'current', value: (c) => show(c.current), align: 'right' },
    ];
    emit(ctx, result.changes.length === 0 ? `FY ${fy}: today's data give the figures closed on ${result.closed_on}\n` : renderTable(ctx, result.changes, cols));
  }
  if (format !== 'json') {
    if (result.causes.length === 0 && result.changes.length > 0) {
      ctx.info(`no import or edit recorded since ${result.closed_on} moved FY ${fy}'s figures (changed before history was kept, or by hand in SQL)`);
    }
    for (const c of result.causes) {
      ctx.info(`${c.at.slice(0, 10)} ${c.by}: ${c.action}${c.batch_id !== null ? ` (batch ${c.batch_id})` : ''}: ${c.figures} ${c.figures === 1 ? 'figure' : 'figures'}`);
    }
  }
  return result;
}

/** `report reopen --fy N --reason …`: recorded; reports then show today's data. */
export function runReportReopen(ctx: CliContext, flags: { fy?: string; reason?: string }): { fy: number } {
  const fy = fyOf(ctx, 'reopen', flags.fy);
  const reason = flags.reason?.trim() ?? '';
  if (reason === '') throw new UsageError('report reopen needs --reason', `say why, e.g. --reason "late attendance data"`);
  const db = ctx.db();
  db.transaction(() => {
    const c = currentClosure(db, fy);
    if (!c) throw new UsageError(`FY ${fy} is not closed`, `see which years are closed: aicop report diff --fy <year>`);
    reopenClosure(db, c.id, ctx.now().toISOString(), ctx.user, reason);
  }).immediate();
  ctx.stdout.write(`reopened FY ${fy}\n`);
  ctx.info(`reports of FY ${fy} show today's data until: aicop report close --fy ${fy}`);
  return { fy };
}
