import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { setEventSeries, similarEventIds } from '../../../db/events-repo.js';

export interface EventsUpdateOptions {
  readonly id: string;
  /** The new series; null clears it. */
  readonly series: string | null;
}

export interface EventsUpdateResult {
  readonly id: string;
  readonly before: string | null;
  readonly series: string | null;
  readonly changed: boolean;
}

/** Maps flags to options: --series is required ("" or none clears it). */
export function parseEventsUpdateOptions(id: string, flags: { series?: string }): EventsUpdateOptions {
  const trimmed = id.trim();
  if (trimmed === '') throw new UsageError('the event id is empty', 'e.g. aicop events update 2023-09-TR --series "AI Training Series"');
  if (flags.series === undefined) throw new UsageError('events update needs --series', 'e.g. --series "AI Training Series", or --series none to clear it');
  const s = flags.series.trim();
  return { id: trimmed, series: s === '' || s.toLowerCase() === 'none' ? null : s };
}

/** `events update <id> --series <name>`: a manual edit of the event's series. */
export function runEventsUpdate(opts: EventsUpdateOptions, ctx: CliContext): EventsUpdateResult {
  const db = ctx.db();
  const r = db.transaction(() => setEventSeries(db, opts.id, opts.series)).immediate();
  if (!r) {
    const similar = similarEventIds(db, opts.id);
    throw new UsageError(`no event has the id ${JSON.stringify(opts.id)}`, similar.length > 0 ? `did you mean: ${similar.join(', ')}?` : 'see the ids with: aicop events list');
  }
  const changed = r.before !== opts.series;
  ctx.info(!changed ? `${opts.id}: nothing to change` : opts.series === null ? `${opts.id}: series cleared (was ${JSON.stringify(r.before)})` : `${opts.id}: series ${JSON.stringify(opts.series)}`);
  return { id: opts.id, before: r.before, series: opts.series, changed };
}
