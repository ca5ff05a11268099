import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import { progressLayout, progressWidth } from '../../progress.js';
import type { CliContext } from '../../context.js';
import { AtomicFile, isDatabaseFile, sameFile } from '../../atomic.js';
import { guardHistory } from '../../history-guard.js';
import { InputError, UsageError } from '../../../errors.js';
import { openCsv, type CsvFile } from '../../../csv/read.js';
import { looksLikeXlsx } from '../../../xlsx/read.js';
import { neutraliseFormula, quoteCsvField, removeFormulaMark } from '../../../csv/write.js';
import type { RejectReason } from '../../../core/reasons.js';
import type { Db } from '../../../db/open.js';
import {
  beginImportTransaction,
  createBatch,
  endImportTransaction,
  createRejectStore,
  findAppliedBatchBySha,
  finishBatch,
  type BatchCounts,
  type ImportKind,
} from '../../../db/imports-repo.js';

// Loaded only when a progress bar is shown: start-up time matters for cron and --help.
const requireLazy = createRequire(import.meta.url);
const loadCliProgress = (): typeof CliProgress => requireLazy('cli-progress') as typeof CliProgress;

/**
 * The import driver shared by `import members|events|attendance`:
 *
 *   parse (src/csv/read.ts) → per row: ragged/NUL check, then the kind's `row()` which validates
 *   and applies inside ONE transaction → the kind's `finish()` → counts, rejects, commit.
 *
 * A kind plugs in with an `ImportKindHandler`:
 *   - `prepare(csv)` runs before the transaction with the header: map columns (it may prompt),
 *     throw InputError for a missing required column. It returns a `PreparedImport`.
 *   - `begin(db, batchId)` runs inside the transaction once the batch row exists and returns an
 *     `ImportSession` whose `row(fields, line)` returns an outcome ('added', 'updated',
 *     'unchanged', 'reactivated') or a `RowReject`; `finish()` may add counts (deactivated) and
 *     may prompt (it is async).
 * The driver owns: re-import detection by sha256 (skipped, exit 0, unless --force), the batch
 * record, import_rejects, the rejects file (atomic, only when there are rejects), --dry-run,
 * --strict, --max-reject-rate, interrupts (ROLLBACK, exit 130), the progress bar, the summary and
 * exit codes (0 clean, 3 with rejects, 4 input errors).
 */
export interface RowReject {
  readonly reason: RejectReason;
  readonly detail: string;
  readonly email?: string | null;
}

export type RowOutcome = 'added' | 'updated' | 'unchanged' | 'reactivated';

export interface ImportSession {
  row(fields: readonly string[], line: number): RowOutcome | RowReject;
  finish?(): Promise<Partial<BatchCounts>> | Partial<BatchCounts>;
  /** Extra summary lines (after finish), e.g. `possible duplicates: N, see aicop members duplicates`. */
  notes?(): readonly string[];
}

export interface PreparedImport {
  /** The effective column mapping, field → header (part of the already-imported key). */
  readonly mapping: Readonly<Record<string, string>>;
  begin(db: Db, batchId: number): ImportSession;
}

/** The mapping as canonical JSON (fields sorted), as stored in import_batches.options.mapping. */
export function mappingKey(mapping: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(mapping).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** field → header of every field a layout found a column for. */
export function mappingOf(header: readonly string[], index: Readonly<Record<string, number>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, i] of Object.entries(index)) if (i >= 0) out[field] = header[i] ?? '';
  return out;
}

export interface ImportKindHandler {
  readonly kind: ImportKind;
  /** Says whether a line's cells are a header row (used to find the header of attendee reports). */
  readonly isHeader?: (cells: readonly string[]) => boolean;
  prepare(csv: CsvFile): Promise<PreparedImport>;
}

export interface PipelineOptions {
  readonly file: string;
  /** The worksheet of an .xlsx input (--sheet); refused for CSV. */
  readonly sheet?: string | undefined;
  readonly encoding?: string | undefined;
  readonly delimiter?: string | undefined;
  readonly dryRun: boolean;
  readonly strict: boolean;
  /** Percent of rows read; more rejected than that applies nothing (exit 4). */
  readonly maxRejectRate: number;
  readonly rejects?: string | undefined;
  readonly force: boolean;
  /** Start the rejects file with a UTF-8 BOM (it gets one anyway when the input had one). */
  readonly bom?: boolean | undefined;
  /** `--header-line N`: the column names are on line N; the lines before are skipped. */
  readonly headerLine?: number | undefined;
  /** Kind-specific options recorded with the batch (import_batches.options). */
  readonly recorded: Readonly<Record<string, unknown>>;
}

export type ImportStatus = 'applied' | 'dry-run' | 'skipped';

export interface ImportResult {
  readonly status: ImportStatus;
  readonly file: string;
  readonly sha256: string;
  /** The batch id (for dry runs: the id it would have had; for skips: the earlier batch). */
  readonly batchId: number;
  readonly counts: BatchCounts;
  readonly rejectsByReason: Readonly<Partial<Record<RejectReason, number>>>;
  readonly rejectsFile: string | undefined;
  readonly elapsedMs: number;
  /** Extra summary lines from the kind (see ImportSession.notes). */
  readonly notes?: readonly string[];
}

/** Parses a --max-reject-rate value: a percentage 0-100 (a trailing % is allowed). */
export function parseRejectRate(value: string): number {
  return parsePercentFlag('--max-reject-rate', value);
}

/** A percentage flag's value (`30` or `30%`), 0 to 100; anything else is a usage error. */
export function parsePercentFlag(flag: string, value: string): number {
  const n = Number(value.trim().replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n > 100 || value.trim() === '') {
    throw new UsageError(`${flag} ${value} is not a percentage between 0 and 100`, `e.g. ${flag} 5`);
  }
  return n;
}

/** Parses --header-line: a line number from 1. */
export function parseHeaderLine(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1 || value.trim() === '') throw new UsageError(`--header-line ${value} is not a line number`, 'e.g. --header-line 4 (as a text editor numbers lines, from 1)');
  return n;
}

/**
 * Unknown columns are never dropped quietly: a warning that --quiet does not silence, or with
 * --strict an input error (exit 4) before anything is changed.
 */
export function reportUnknownColumns(ctx: CliContext, fileName: string, unknown: readonly string[], strict: boolean): void {
  if (unknown.length === 0) return;
  const what = `${unknown.length === 1 ? 'column' : 'columns'} ${unknown.map((h) => JSON.stringify(h)).join(', ')}`;
  const hint = `map ${unknown.length === 1 ? 'it' : 'each'} with --map "${unknown[0] ?? ''}=<field>", or leave it out with --map "${unknown[0] ?? ''}=ignore"`;
  if (strict) throw new InputError(`${fileName}: unknown ${what} and --strict is set; nothing was changed`, hint);
  ctx.warnAlways(`${fileName}: ignoring unknown ${what} (${hint})`);
}

/** `<dir>/<name>.rejects.csv` beside the input (roster.csv → roster.rejects.csv). */
export function defaultRejectsPath(inputPath: string): string {
  const ext = path.extname(inputPath).toLowerCase();
  const base = ['.csv', '.txt', '.tsv', '.xlsx', '.xlsm'].includes(ext) ? inputPath.slice(0, -ext.length) : inputPath;
  return `${base}.rejects.csv`;
}


/**
 * A rejects-file cell: people open the file in a spreadsheet to fix the rows, and the rows came
 * from forms anyone can fill in, so formulas are neutralised as in every CSV aicop writes (§9).
 */
function csvCell(text: string): string {
  return quoteCsvField(neutraliseFormula(text));
}

/**
 * The fields with the `'` that aicop's CSV output puts before a formula-like cell taken off
 * again, so that an export or a rejects file imports as the values it was written from.
 */
function withoutFormulaMarks(fields: readonly string[]): readonly string[] {
  let out: string[] | undefined;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as string;
    const plain = removeFormulaMark(f);
    if (plain !== f) (out ??= [...fields])[i] = plain;
  }
  return out ?? fields;
}

/** Collects rejected rows into the rejects file, created on the first reject. */
class RejectsFile {
  private file: AtomicFile | undefined;
  constructor(
    readonly target: string | undefined,
    private readonly header: readonly string[],
    private readonly bom: boolean,
  ) {}

  add(fields: readonly string[], line: number, reason: string, detail: string): void {
    if (this.target === undefined) return;
    if (!this.file) {
      this.file = new AtomicFile(this.target);
      // Excel reads a file without a BOM as the local code page: René would show as RenÃ©.
      if (this.bom) this.file.write('\uFEFF');
      this.file.write(`${[...this.header, 'line', 'reason', 'detail'].map(csvCell).join(',')}\n`);
    }
    this.file.write(`${[...fields, String(line), reason, detail].map(csvCell).join(',')}\n`);
  }

  get written(): boolean {
    return this.file !== undefined;
  }

  commit(): void {
    this.file?.commit();
  }

  abort(): void {
    this.file?.abort();
  }
}

const PROGRESS_MIN_ROWS = 50_000;

/** The columns a rejects file adds after the original ones. */
const REJECTS_COLUMNS = ['line', 'reason', 'detail'] as const;

function isRejectsLayout(header: readonly string[]): boolean {
  if (header.length <= REJECTS_COLUMNS.length) return false;
  const tail = header.slice(-REJECTS_COLUMNS.length).map((h) => h.toLowerCase());
  return REJECTS_COLUMNS.every((c, i) => tail[i] === c);
}

function isBlankRecord(fields: readonly string[]): boolean {
  for (const f of fields) if (f.trim() !== '') return false;
  return true;
}

function emptyCounts(): BatchCounts {
  return { rows_read: 0, added: 0, updated: 0, unchanged: 0, reactivated: 0, deactivated: 0, rejected: 0 };
}

/**
 * The input as header + records with line numbers: a CSV file or stdin, or an Excel workbook
 * (by its .xlsx name or its ZIP signature) read through src/xlsx/read.ts with sheet row numbers.
 */
async function openInput(ctx: CliContext, opts: PipelineOptions, isHeader: ImportKindHandler['isHeader']): Promise<CsvFile> {
  const file = opts.file;
  const xlsx = file !== '-' && file.trim() !== '' && looksLikeXlsx(path.resolve(ctx.cwd, file));
  if (!xlsx) {
    if (opts.sheet !== undefined) throw new UsageError('--sheet applies to Excel workbooks (.xlsx), not to CSV input', 'drop --sheet, or import the .xlsx file');
    return openCsv({ file, cwd: ctx.cwd, stdin: ctx.stdin }, { encoding: opts.encoding, delimiter: opts.delimiter, headerLine: opts.headerLine, isHeader });
  }
  if (opts.encoding !== undefined || opts.delimiter !== undefined || opts.headerLine !== undefined) {
    const flag = opts.encoding !== undefined ? '--encoding' : opts.delimiter !== undefined ? '--delimiter' : '--header-line';
    throw new UsageError(`${flag} applies to CSV input; ${file} is an Excel workbook`, 'drop it (use --sheet NAME to pick the worksheet)');
  }
  const { openXlsx } = await import('../../../xlsx/read.js');
  return openXlsx(file, ctx.cwd, { sheet: opts.sheet });
}

/** Runs one import end to end; see the module comment. */
export async function runImportPipeline(ctx: CliContext, opts: PipelineOptions, handler: ImportKindHandler): Promise<ImportResult> {
  const started = performance.now();
  const opened = await openInput(ctx, opts, handler.isHeader);
  // A rejects file aicop wrote, corrected and imported again: its own three columns are not data.
  const rejectsColumns = isRejectsLayout(opened.header) ? REJECTS_COLUMNS.length : 0;
  const csv: CsvFile = rejectsColumns === 0 ? opened : { ...opened, header: opened.header.slice(0, -rejectsColumns) };
  try {
    if (csv.headerLine > 1) ctx.info(`${csv.name}: the column names are on line ${csv.headerLine}; the lines before it are skipped`);
    const db = ctx.db();
    const rejectsTarget =
      opts.rejects !== undefined ? path.resolve(ctx.cwd, opts.rejects) : csv.path !== undefined ? defaultRejectsPath(csv.path) : undefined;
    if (rejectsTarget !== undefined) {
      const flag = opts.rejects !== undefined ? `--rejects ${opts.rejects}` : `the rejects file ${rejectsTarget}`;
      const how = opts.rejects !== undefined ? 'choose another --rejects file' : 'pass --rejects <file> to write them elsewhere';
      if (csv.path !== undefined && sameFile(rejectsTarget, csv.path)) throw new UsageError(`${flag} is the input file; writing the rejects there would replace it`, how);
      if (isDatabaseFile(rejectsTarget, ctx.dbPath())) throw new UsageError(`${flag} is the database; writing the rejects there would destroy it`, how);
    }
    // The mapping is part of the already-imported key, so the columns are mapped first.
    const prepared = await handler.prepare(csv);
    const mapping = mappingKey(prepared.mapping);
    const rejects = new RejectsFile(rejectsTarget, csv.header, csv.bom || opts.bom === true);
    const counts = emptyCounts();
    const byReason: Partial<Record<RejectReason, number>> = {};
    const startedAt = ctx.now().toISOString();
    let bar: CliProgress.SingleBar | undefined;
    beginImportTransaction(db);
    try {
      // Inside the write lock: of two runs of one file at once, the second sees the first's batch.
      const earlier = findAppliedBatchBySha(db, handler.kind, csv.sha256, mapping);
      if (earlier && !opts.force) {
        db.exec('ROLLBACK');
        ctx.info(
          `${csv.name}: already imported as batch ${earlier.id} on ${earlier.started_at} (same sha256, same column mapping); nothing to do. Pass --force to import it again.`,
        );
        return { status: 'skipped', file: csv.name, sha256: csv.sha256, batchId: earlier.id, counts: emptyCounts(), rejectsByReason: {}, rejectsFile: undefined, elapsedMs: performance.now() - started };
      }
      const batchId = createBatch(db, {
        kind: handler.kind,
        fileName: csv.path ?? csv.name,
        sha256: csv.sha256,
        importedBy: ctx.user,
        startedAt,
        options: {
          ...opts.recorded,
          ...(opts.force ? { force: true } : {}),
          ...(csv.encoding === 'xlsx' ? { format: 'xlsx', sheet: csv.delimiter.replace(/^sheet /, '') } : { encoding: csv.encoding, delimiter: csv.delimiter }),
          ...(csv.headerLine > 1 && csv.encoding !== 'xlsx' ? { header_line: csv.headerLine } : {}),
          mapping: JSON.parse(mapping) as unknown,
        },
      });
      const history = guardHistory(ctx, db, `import ${handler.kind} ${csv.name}`, batchId);
      const storeReject = createRejectStore(db, batchId);
      const session = prepared.begin(db, batchId);
      const width = csv.header.length;
      const reject = (fields: readonly string[], line: number, reason: RejectReason, detail: string, email: string | null): void => {
        counts.rejected++;
        byReason[reason] = (byReason[reason] ?? 0) + 1;
        storeReject(line, reason, detail, email);
        rejects.add(fields, line, reason, detail);
      };
      if (ctx.stderrIsTTY && !ctx.globals.quiet && csv.estimatedRows > PROGRESS_MIN_ROWS) {
        bar = new (loadCliProgress().SingleBar)(
          { stream: ctx.stderr, ...progressLayout(csv.estimatedRows, progressWidth(ctx)), hideCursor: true, clearOnComplete: true },
          loadCliProgress().Presets.shades_classic,
        );
        bar.start(csv.estimatedRows, 0, { rate: 0 });
      }
      for await (const chunk of csv.records()) {
        ctx.throwIfInterrupted();
        for (const r of chunk) {
          const cells = rejectsColumns === 0 ? r.fields : r.fields.slice(0, Math.max(0, r.fields.length - rejectsColumns));
          const fields = withoutFormulaMarks(cells);
          // A record of empty cells (Excel's trailing ",,,," rows) is a blank line, not a row.
          if (isBlankRecord(fields)) continue;
          counts.rows_read++;
          if (r.badQuoting !== undefined) {
            reject(fields, r.line, 'bad_quoting', r.badQuoting, null);
            continue;
          }
          if (fields.length !== width) {
            reject(fields, r.line, 'ragged_row', `the row has ${fields.length} fields, the header has ${width}`, null);
            continue;
          }
          let nul = false;
          for (const f of fields) if (f.includes('\0')) nul = true;
          if (nul) {
            reject(fields, r.line, 'bad_value', 'the row contains a NUL byte (a damaged or binary file?)', null);
            continue;
          }
          const outcome = session.row(fields, r.line);
          if (typeof outcome === 'string') counts[outcome]++;
          else reject(fields, r.line, outcome.reason, outcome.detail, outcome.email ?? null);
        }
        if (bar) bar.update(counts.rows_read, { rate: Math.round(counts.rows_read / Math.max(0.001, (performance.now() - started) / 1000)) });
      }
      ctx.throwIfInterrupted();
      bar?.stop();
      bar = undefined;
      const extra = session.finish ? await session.finish() : {};
      for (const [k, v] of Object.entries(extra) as [keyof BatchCounts, number][]) counts[k] += v;
      finishBatch(db, batchId, counts, ctx.now().toISOString());
      ctx.throwIfInterrupted();
      history.end();

      const result: ImportResult = {
        status: opts.dryRun ? 'dry-run' : 'applied',
        file: csv.name,
        sha256: csv.sha256,
        batchId,
        counts,
        rejectsByReason: byReason,
        rejectsFile: rejects.written ? rejectsTarget : undefined,
        elapsedMs: 0,
        notes: session.notes?.() ?? [],
      };
      const tooMany = counts.rows_read > 0 && (counts.rejected / counts.rows_read) * 100 > opts.maxRejectRate;
      if (opts.strict && counts.rejected > 0) {
        db.exec('ROLLBACK');
        rejects.commit();
        printSummary(ctx, { ...result, elapsedMs: performance.now() - started }, true);
        throw new InputError(
          `${csv.name}: ${counts.rejected} of ${counts.rows_read} rows rejected and --strict is set; nothing was changed`,
          rejects.written ? `see ${rejectsTarget} for each row, fix them and import again` : 'fix the rows and import again',
        );
      }
      if (tooMany) {
        db.exec('ROLLBACK');
        rejects.commit();
        printSummary(ctx, { ...result, elapsedMs: performance.now() - started }, true);
        throw new InputError(
          `${csv.name}: ${counts.rejected} of ${counts.rows_read} rows rejected (${((counts.rejected / counts.rows_read) * 100).toFixed(1)}%), over --max-reject-rate ${opts.maxRejectRate}; nothing was changed`,
          'is this the right file and format? check the column names and delimiter, or raise --max-reject-rate',
        );
      }
      if (opts.dryRun) db.exec('ROLLBACK');
      else db.exec('COMMIT');
      rejects.commit();
      const final = { ...result, elapsedMs: performance.now() - started };
      printSummary(ctx, final);
      if (counts.rejected > 0) ctx.exitCode = 3;
      return final;
    } catch (err) {
      bar?.stop();
      if (db.inTransaction) db.exec('ROLLBACK');
      rejects.abort();
      throw err;
    } finally {
      endImportTransaction(db);
    }
  } finally {
    opened.close();
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The summary on stderr (silenced by --quiet). */
export function printSummary(ctx: CliContext, r: ImportResult, rolledBack = false): void {
  const c = r.counts;
  const lines = [
    `${r.file}: ${plural(c.rows_read, 'row')} read: ${c.added} added, ${c.updated} updated, ${c.unchanged} unchanged, ${c.reactivated} reactivated, ${c.deactivated} deactivated, ${c.rejected} rejected`,
  ];
  const reasons = Object.entries(r.rejectsByReason).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (reasons.length > 0) {
    lines.push(`rejected by reason: ${reasons.map(([k, v]) => `${k} ${v}`).join(', ')}${r.rejectsFile ? ` (rows in ${r.rejectsFile})` : ''}`);
  }
  for (const note of r.notes ?? []) lines.push(note);
  const secs = (r.elapsedMs / 1000).toFixed(1);
  if (rolledBack) lines.push(`nothing was changed; ${secs}s`);
  else if (r.status === 'dry-run') lines.push(`dry run: nothing was changed (this would have been batch ${r.batchId}); ${secs}s`);
  else lines.push(`batch ${r.batchId} in ${secs}s (to revert it: aicop imports undo ${r.batchId})`);
  ctx.info(lines.join('\n'));
}
