import { createRequire } from 'node:module';

// csv-stringify is loaded on first use so that commands which write no CSV start faster.
const requireLazy = createRequire(import.meta.url);
const loadStringify = (): typeof import('csv-stringify/sync').stringify =>
  (requireLazy('csv-stringify/sync') as typeof import('csv-stringify/sync')).stringify;

/**
 * CSV writing for every export (members, listserv-style lists, attendance).
 *
 * - Fields are quoted only when needed (delimiter, quote, CR or LF inside); quotes are doubled.
 * - Records end with `\n` (the Unix convention: grep, wc, cut and cron mail work on it; Excel,
 *   LibreOffice, Python's csv and csv-parse all read it). Pass `eol: '\r\n'` for strict RFC 4180.
 * - Formula neutralisation (OWASP "CSV injection"): a text cell that starts with `=`, `+`, `-`,
 *   `@`, tab or CR, or with the full-width forms `＝ ＋ － ＠` (which Excel and LibreOffice also
 *   evaluate), gets a leading `'`. Columns declared `numeric` and number values are never touched,
 *   so `-3` stays a number. `raw: true` turns neutralisation off for machine consumers.
 * - `bom: true` writes a UTF-8 byte order mark first so that Excel opens the file as UTF-8.
 */

export type CsvValue = string | number | bigint | null | undefined;

export interface CsvColumn<R> {
  /** The header text; headers are part of the format and never neutralised. */
  readonly header: string;
  readonly value: (row: R) => CsvValue;
  /** A numeric column: its cells are written as they are, never prefixed with `'`. */
  readonly numeric?: boolean;
}

export interface CsvWriteOptions {
  /** Do not neutralise formula-like cells. */
  readonly raw?: boolean;
  /** Start with a UTF-8 byte order mark (for files people open in Excel). */
  readonly bom?: boolean;
  /** Record terminator; default `\n`. */
  readonly eol?: '\n' | '\r\n';
  /** Write the header row (default true). */
  readonly header?: boolean;
}

export const UTF8_BOM = '\uFEFF';

/** First characters a spreadsheet may treat as the start of a formula (ASCII and full-width). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** True when a spreadsheet could evaluate this text cell as a formula. */
export function isFormulaLike(text: string): boolean {
  return FORMULA_START.test(text);
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One comma-separated field: quoted, with its quotes doubled, only when it holds `,` `"` CR or LF. */
export function quoteCsvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Prefixes a formula-like text with `'` so spreadsheets show it as text. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of neutraliseFormula, for reading aicop's own CSV back: `'=x` → `=x`; other text as is. */
export function removeFormulaMark(text: string): string {
  return text.charCodeAt(0) === 39 && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

function cellText(v: CsvValue, numeric: boolean, raw: boolean): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') return String(v);
  return raw || numeric ? v : neutraliseFormula(v);
}

/** How many records are stringified per csv-stringify call when streaming. */
const BATCH = 1000;

/**
 * CSV as pieces: `head` (the byte order mark and header row, as asked) and the text of each batch
 * of rows; their concatenation is the file. What streaming writers (CsvWriter, the exports'
 * backpressured streams) are built on.
 */
export interface CsvEncoder<R> {
  readonly head: string;
  rows(batch: readonly R[]): string;
  tail(): string;
}

export function csvEncoder<R>(columns: readonly CsvColumn<R>[], opts: CsvWriteOptions = {}): CsvEncoder<R> {
  const raw = opts.raw ?? false;
  const stringifyOpts = { record_delimiter: (opts.eol ?? '\n') === '\r\n' ? 'windows' : 'unix', quote_record_delimiter: true } as const;
  const encode = (records: string[][]) => loadStringify()(records, stringifyOpts);
  let head = opts.bom ? UTF8_BOM : '';
  if (opts.header ?? true) head += encode([columns.map((c) => c.header)]);
  return {
    head,
    rows: (batch) => (batch.length === 0 ? '' : encode(batch.map((r) => columns.map((c) => cellText(c.value(r), c.numeric ?? false, raw))))),
    tail: () => '',
  };
}

/**
 * Streams rows as CSV through `write` in batches, so an export of a million rows never holds
 * more than one batch in memory. Call row() per row, then end().
 */
export class CsvWriter<R> {
  private readonly enc: CsvEncoder<R>;
  private readonly out: (chunk: string) => void;
  private pending: R[] = [];
  private started = false;
  private count = 0;

  constructor(columns: readonly CsvColumn<R>[], opts: CsvWriteOptions, write: (chunk: string) => void) {
    this.enc = csvEncoder(columns, opts);
    this.out = write;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    if (this.enc.head.length > 0) this.out(this.enc.head);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const chunk = this.enc.rows(this.pending);
    this.pending = [];
    this.out(chunk);
  }

  row(r: R): void {
    this.start();
    this.pending.push(r);
    this.count++;
    if (this.pending.length >= BATCH) this.flush();
  }

  /** Writes what is pending (and the header for an empty export); returns the row count. */
  end(): number {
    this.start();
    this.flush();
    return this.count;
  }
}

/** Writes all rows through `write`, streaming; returns the number of rows. */
export function writeCsv<R>(rows: Iterable<R>, columns: readonly CsvColumn<R>[], opts: CsvWriteOptions, write: (chunk: string) => void): number {
  const w = new CsvWriter(columns, opts, write);
  for (const r of rows) w.row(r);
  return w.end();
}

/** The whole CSV as one string (for small results). */
export function toCsv<R>(rows: Iterable<R>, columns: readonly CsvColumn<R>[], opts: CsvWriteOptions = {}): string {
  const parts: string[] = [];
  writeCsv(rows, columns, opts, (s) => parts.push(s));
  return parts.join('');
}
