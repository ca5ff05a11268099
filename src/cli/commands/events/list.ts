import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { emit, renderTable, resolveFormat, tableColumns, yesNo } from '../../output.js';
import { parseFyFlag } from '../report/flags.js';
import { toCsv, type CsvColumn } from '../../../csv/write.js';
import { EVENT_TYPES, parseEventType, type EventType, type Track } from '../../../core/events.js';
import { summarizeScores } from '../../../core/satisfaction.js';
import { listEventSummaries } from '../../../db/events-repo.js';

export interface EventsListOptions {
  /** Fiscal year to list; undefined lists every event. */
  readonly fiscalYear: number | undefined;
  readonly types: readonly EventType[];
}

/** One event as `events list` shows it (JSON keys as named here). */
export interface EventListItem {
  readonly id: string;
  readonly held_on: string;
  readonly fiscal_year: number;
  readonly type: EventType;
  readonly title: string;
  readonly track: Track | null;
  readonly series: string | null;
  readonly host: string | null;
  readonly government_wide: boolean;
  readonly registrations: number;
  readonly attendances: number;
  readonly responses: number;
  readonly mean_satisfaction: number | null;
}

export interface EventsListResult {
  readonly events: readonly EventListItem[];
}

/** Parses --fy and --type values into options (usage errors name the bad value). */
export function parseEventsListOptions(raw: { fy?: string; type?: readonly string[] }, now: Date): EventsListOptions {
  const fiscalYear = raw.fy === undefined ? undefined : parseFyFlag(raw.fy, now);
  const types: EventType[] = [];
  for (const t of (raw.type ?? []).flatMap((v) => v.split(','))) {
    if (t.trim() === '') continue;
    const type = parseEventType(t);
    if (type === null) throw new UsageError(`--type ${JSON.stringify(t.trim())} is not an event type`, `choose among: ${EVENT_TYPES.join(', ')}`);
    if (!types.includes(type)) types.push(type);
  }
  return { fiscalYear, types };
}

export function runEventsList(opts: EventsListOptions, ctx: CliContext): EventsListResult {
  const rows = listEventSummaries(ctx.readDb(), { fiscalYear: opts.fiscalYear, types: opts.types });
  const events = rows.map((r): EventListItem => ({
    id: r.id,
    held_on: r.held_on,
    fiscal_year: r.fiscal_year,
    type: r.type,
    title: r.title,
    series: r.series,
    track: r.track,
    host: r.host,
    government_wide: r.government_wide === 1,
    registrations: r.registrations,
    attendances: r.attendances,
    responses: r.responses,
    mean_satisfaction: summarizeScores({ satisfaction: { 1: r.s1, 2: r.s2, 3: r.s3, 4: r.s4, 5: r.s5 } }).mean,
  }));
  return { events };
}

const mean = (e: EventListItem): string => (e.mean_satisfaction === null ? '' : e.mean_satisfaction.toFixed(2));

const CSV: readonly CsvColumn<EventListItem>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'held_on', value: (e) => e.held_on },
  { header: 'fiscal_year', value: (e) => e.fiscal_year, numeric: true },
  { header: 'type', value: (e) => e.type },
  { header: 'title', value: (e) => e.title },
  { header: 'series', value: (e) => e.series },
  { header: 'track', value: (e) => e.track },
  { header: 'host', value: (e) => e.host },
  { header: 'government_wide', value: (e) => yesNo(e.government_wide) },
  { header: 'registrations', value: (e) => e.registrations, numeric: true },
  { header: 'attendances', value: (e) => e.attendances, numeric: true },
  { header: 'responses', value: (e) => e.responses, numeric: true },
  { header: 'mean_satisfaction', value: mean, numeric: true },
];

/** The table: the CSV's columns, these on a terminal, the others with --wide. */
const TABLE = tableColumns(CSV, ['id', 'held_on', 'title', 'attendances', 'mean_satisfaction']);

export function renderEventsList(result: EventsListResult, ctx: CliContext): void {
  const format = resolveFormat(ctx, ['table', 'csv', 'json'], 'csv');
  if (format === 'json') emit(ctx, `${JSON.stringify(result.events, null, 2)}\n`);
  else if (format === 'csv') emit(ctx, toCsv(result.events, CSV));
  else if (result.events.length === 0) ctx.info('no events match (import some with: aicop import events <file>)');
  else emit(ctx, renderTable(ctx, result.events, TABLE));
}
