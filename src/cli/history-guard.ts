import type { CliContext } from './context.js';
import { InputError } from '../errors.js';
import type { Db } from '../db/open.js';
import { closedYears, logRestatement } from '../db/closures-repo.js';
import { computeFigures, diffFigures, type ClosedFigures } from '../report/closing.js';

/**
 * Guards closed fiscal years (SPEC §10) around one write, inside the write's transaction:
 * `begin()` takes the figures of every closed year, `end()` compares them with the figures after
 * the write, logs each year that moved (with the batch or edit that moved it, for `report
 * diff`) and warns, naming the years and how many figures moved. With --strict-history a move
 * is an input error (exit 4) thrown inside the transaction, so nothing is changed.
 * Without closed years it costs one small query.
 */
export interface HistoryGuard {
  end(): void;
}

export function guardHistory(ctx: CliContext, db: Db, action: string, batchId: number | null): HistoryGuard {
  const years = closedYears(db);
  const before = new Map<number, ClosedFigures>(years.map((fy) => [fy, computeFigures(db, fy)]));
  return {
    end() {
      const moved: string[] = [];
      for (const [fy, figs] of before) {
        const changes = diffFigures(figs, computeFigures(db, fy));
        if (changes.length === 0) continue;
        moved.push(`FY ${fy} (${changes.length} ${changes.length === 1 ? 'figure' : 'figures'})`);
        logRestatement(db, {
          fy,
          at: ctx.now().toISOString(),
          by_user: ctx.user,
          batch_id: batchId,
          action,
          changes: JSON.stringify(changes.map((c) => ({ figure: c.figure, before: c.closed, after: c.current }))),
        });
      }
      if (moved.length === 0) return;
      const what = `this changes the figures of closed fiscal ${moved.length === 1 ? 'year' : 'years'} ${moved.join(', ')}`;
      if (ctx.globals.strictHistory) throw new InputError(`${what}; nothing was changed (--strict-history)`, 'see what would move: run it again without --strict-history and --dry-run, or aicop report diff --fy <year>');
      ctx.warn(`${what}; reports of ${moved.length === 1 ? 'it' : 'them'} will say so (aicop report diff --fy <year> lists each figure)`);
    },
  };
}

/** Runs `fn` (inside the caller's transaction) under guardHistory. */
export function withHistoryGuard<T>(ctx: CliContext, db: Db, action: string, batchId: number | null, fn: () => T): T {
  const guard = guardHistory(ctx, db, action, batchId);
  const result = fn();
  guard.end();
  return result;
}
