import type { CliContext } from '../../context.js';
import { InputError, UsageError } from '../../../errors.js';
import { EVENT_FIELDS, LayoutError, REQUIRED_EVENT_FIELDS, parseFieldMap, pickFields, resolveLayout, validateEventRow, type EventField, type Layout } from '../../../core/events.js';
import { unmatchedMapWarning } from '../../../core/roster.js';
import type { CsvFile } from '../../../csv/read.js';
import { createChangeRecorder } from '../../../db/imports-repo.js';
import { eventsRepo, type EventKeepable } from '../../../db/events-repo.js';
import type { CommonImportFlags } from './index.js';
import { mappingOf, parseHeaderLine, parseRejectRate, reportUnknownColumns, runImportPipeline, type ImportKindHandler, type ImportResult, type PipelineOptions } from './pipeline.js';

/** Maps the shared flags to pipeline options. */
export function toPipelineOptions(file: string, f: CommonImportFlags, recorded: Readonly<Record<string, unknown>>): PipelineOptions {
  return {
    file,
    encoding: f.encoding,
    delimiter: f.delimiter,
    sheet: f.sheet,
    dryRun: f.dryRun,
    strict: f.strict,
    maxRejectRate: parseRejectRate(f.maxRejectRate),
    rejects: f.rejects,
    force: f.force,
    bom: f.bom,
    headerLine: parseHeaderLine(f.headerLine),
    recorded,
  };
}

/** Resolves a file's header to fields; a bad layout is an input error naming the file. */
export function layoutOf<F extends string>(
  csv: CsvFile,
  fields: Readonly<Record<F, readonly string[]>>,
  required: readonly F[],
  maps: readonly string[],
  ctx: CliContext,
  guess?: (header: string) => F | 'ignore' | undefined,
  strict = false,
): Layout<F> {
  let layout: Layout<F>;
  try {
    const explicit = maps.map((m) => parseFieldMap(m, fields));
    const unmatched = unmatchedMapWarning(csv.name, csv.header, explicit);
    if (unmatched !== null) ctx.warn(unmatched);
    layout = resolveLayout(csv.header, fields, required, explicit, guess);
  } catch (err) {
    if (err instanceof LayoutError) {
      if (err.message.startsWith('--map')) throw new UsageError(err.message, err.hint);
      throw new InputError(`${csv.name}:${csv.headerLine}: ${err.message}; nothing was changed`, err.hint);
    }
    throw err;
  }
  reportUnknownColumns(ctx, csv.name, layout.unknown, strict);
  return layout;
}

export interface ImportEventsOptions {
  readonly pipeline: PipelineOptions;
  readonly maps: readonly string[];
}

/** The events kind for the shared import pipeline: validate each row, upsert it by id. */
function eventsImportHandler(ctx: CliContext, maps: readonly string[], strict: boolean): ImportKindHandler {
  return {
    kind: 'events',
    async prepare(csv) {
      const layout = layoutOf<EventField>(csv, EVENT_FIELDS, REQUIRED_EVENT_FIELDS, maps, ctx, undefined, strict);
      // A column the file does not have leaves the stored value alone (like sqlite-utils upsert).
      const keep = new Set<EventKeepable>((['track', 'series', 'host', 'government_wide'] as const).filter((f) => layout.index[f] === -1));
      return {
        mapping: mappingOf(csv.header, layout.index),
        begin(db, batchId) {
          const repo = eventsRepo(db);
          const changes = createChangeRecorder(db, batchId);
          const seen = new Set<string>();
          return {
            row(fields) {
              const v = validateEventRow(pickFields(fields, layout));
              if (!v.ok) return { reason: v.reason, detail: v.detail };
              const id = v.record.id;
              if (seen.has(id)) return { reason: 'duplicate_in_file', detail: `event ${id} appears earlier in the file (the first row wins)` };
              seen.add(id);
              const r = repo.upsertEvent(v.record, batchId, keep);
              if (r.outcome === 'updated' && r.before) changes.record('event', [id], 'update', r.before);
              return r.outcome;
            },
          };
        },
      };
    },
  };
}

export async function runImportEvents(opts: ImportEventsOptions, ctx: CliContext): Promise<ImportResult> {
  return runImportPipeline(ctx, opts.pipeline, eventsImportHandler(ctx, opts.maps, opts.pipeline.strict));
}
