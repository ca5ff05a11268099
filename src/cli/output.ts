import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { CliContext } from './context.js';
import { AtomicFile, isDatabaseFile } from './atomic.js';
import { visible } from './visible.js';
import { InputError, UsageError } from '../errors.js';
import type { CsvColumn } from '../csv/write.js';

export const FORMATS = ['table', 'csv', 'json', 'md', 'html', 'xlsx'] as const;
export type Format = (typeof FORMATS)[number];

/** The format an -o file's extension names (`.txt` is the plain table). */
const BY_EXTENSION: Readonly<Record<string, Format>> = { '.html': 'html', '.htm': 'html', '.md': 'md', '.json': 'json', '.csv': 'csv', '.txt': 'table', '.xlsx': 'xlsx' };

/**
 * The output format, one rule for every command: --format if the command offers it; else the -o
 * file's extension when it names a format the command offers (`-o members.json`), and a usage
 * error for an extension it cannot write (`-o report.pdf`); else `table` on a terminal and
 * `pipedDefault` (csv for lists) when piped or written to a file without an extension.
 */
export function resolveFormat<F extends Format>(ctx: CliContext, offered: readonly F[], pipedDefault: F): F {
  if (ctx.offeredFormats !== undefined && ctx.offeredFormats.join() !== offered.join()) {
    throw new Error(`the command offers ${offered.join(', ')} but FORMATS_BY_COMMAND in cli/help.ts lists ${ctx.offeredFormats.join(', ') || 'none'}`);
  }
  const asked = ctx.globals.format;
  if (asked !== undefined) {
    if ((offered as readonly string[]).includes(asked)) return asked as F;
    throw new UsageError(`--format ${asked} is not offered by this command`, `choose one of: ${offered.join(', ')}`);
  }
  const out = ctx.globals.output;
  if (out !== undefined && out !== '-') {
    const ext = path.extname(out).toLowerCase();
    const byExt = BY_EXTENSION[ext];
    if (byExt !== undefined && (offered as readonly string[]).includes(byExt)) return byExt as F;
    // An extension this command cannot write (-o report.pdf, -o members.xlsx from a list) would
    // get another format under its name, silently. No extension is fine; the database's own
    // files are refused by openResultSink with their own message.
    if (ext !== '' && !isDatabaseFile(path.resolve(ctx.cwd, out), ctx.dbPath())) {
      const writable = Object.keys(BY_EXTENSION).filter((e) => (offered as readonly string[]).includes(BY_EXTENSION[e]!));
      throw new UsageError(
        `-o ${out}: this command cannot write ${ext} files (it writes ${writable.join(', ')})`,
        `choose one of those extensions, or pass --format ${pipedDefault} to write ${pipedDefault} under this name`,
      );
    }
  }
  const toTerminal = ctx.stdoutIsTTY && ctx.globals.output === undefined;
  if (toTerminal && (offered as readonly string[]).includes('table')) return 'table' as F;
  return pipedDefault;
}

/** A workbook is binary: refused on a terminal, where it would only garble the screen. */
export function checkBinaryTarget(ctx: CliContext, format: Format): void {
  if (format === 'xlsx' && ctx.stdoutIsTTY && (ctx.globals.output === undefined || ctx.globals.output === '-')) {
    throw new UsageError('an Excel workbook is binary and is not printed to a terminal', 'write it to a file with -o report.xlsx (or redirect stdout)');
  }
}

/** A sink for command results: stdout, or the -o file written atomically. */
export interface ResultSink {
  write(chunk: string | Uint8Array): void;
  /**
   * Resolves once the destination can take more: at once for an -o file (written synchronously),
   * after stdout's 'drain' when a slow reader of a pipe has left output queued in memory. Long
   * outputs await it between chunks, so what waits for the reader stays one chunk, not the export.
   */
  ready(): Promise<void>;
  /** Makes the output visible (renames the -o file into place). */
  commit(): void;
  /** Drops what was written to an -o file; stdout cannot be taken back. */
  abort(): void;
}

export function openResultSink(ctx: CliContext, target = ctx.globals.output): ResultSink {
  if (target === undefined || target === '-') {
    return {
      write: (s) => void ctx.stdout.write(s),
      ready: () => (ctx.stdout.writableNeedDrain ? drained(ctx.stdout, ctx.signal) : Promise.resolve()),
      commit: () => undefined,
      abort: () => undefined,
    };
  }
  const dest = path.resolve(ctx.cwd, target);
  // Renaming a result over the database would destroy it (db backup refuses the same way).
  if (isDatabaseFile(dest, ctx.dbPath())) throw new UsageError(`-o ${target} is the database or one of its files; writing there would destroy it`, 'choose another file name');
  const file = new AtomicFile(dest);
  return { write: (s) => file.write(s), ready: () => Promise.resolve(), commit: () => file.commit(), abort: () => file.abort() };
}

/**
 * Resolves on the stream's next 'drain', or when Ctrl-C / SIGTERM aborts the command (the caller
 * then throws InterruptedError); rejects when the stream fails or closes first, since a drain
 * would then never come. A reader that went away (`| head`) is an EPIPE error: process.ts ends
 * the process quietly on it.
 */
function drained(stream: Writable, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onAbort = () => done();
    const onError = (err: Error) => done(err);
    const onClose = () => done(new Error('stdout was closed before the output was written'));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
    signal.addEventListener('abort', onAbort);
    if (signal.aborted) done();
  });
}

/** What an export may do to the -o file it replaces (SPEC §9 cron safety). */
export interface ReplaceGuard {
  /** Rows (addresses, members, attendance records) in the new result. */
  readonly rows: number;
  /** --allow-empty: an empty result may replace a non-empty file. */
  readonly allowEmpty: boolean;
  /** --max-shrink (listserv): the most, in percent, the file's lines may drop by. */
  readonly maxShrinkPct?: number;
}

/**
 * Throws the InputError (exit 4; the caller aborts the sink, so the file stays as it was) when
 * the result would replace an existing non-empty -o file with nothing, or, with maxShrinkPct,
 * a list with one that lost more than that share of its lines: what a wrong database, an
 * emptied roster or a bad filter looks like from cron. stdout is not guarded: the shell's `>`
 * has already truncated the file before aicop runs, which is why cron recipes use -o.
 */
export function guardReplacement(ctx: CliContext, guard: ReplaceGuard): void {
  const target = ctx.globals.output;
  if (target === undefined || target === '-') return;
  const file = path.resolve(ctx.cwd, target);
  let existing: Buffer;
  try {
    existing = fs.readFileSync(file);
  } catch {
    return; // nothing to replace
  }
  if (existing.length === 0) return;
  if (guard.rows === 0 && !guard.allowEmpty) {
    throw new InputError(
      `${target}: the result is empty and would replace a non-empty file (${existing.length} bytes); the file was left as it was`,
      'check --db / AICOP_DB and the filters; if an empty result is right, pass --allow-empty',
    );
  }
  if (guard.rows === 0 || guard.maxShrinkPct === undefined) return;
  const before = countLines(existing);
  const lost = before - guard.rows;
  if (lost > 0 && (lost / before) * 100 > guard.maxShrinkPct) {
    throw new InputError(
      `${target}: the new list has ${guard.rows} ${guard.rows === 1 ? 'line' : 'lines'} against ${before} in the file it would replace (${((lost / before) * 100).toFixed(1)}% fewer, more than --max-shrink ${guard.maxShrinkPct}); the file was left as it was`,
      `check the roster and the last import (aicop imports list); if the shrink is right, pass --max-shrink ${Math.ceil((lost / before) * 100)}`,
    );
  }
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return bytes[bytes.length - 1] === 10 ? n : n + 1;
}

/** Writes a whole result to stdout or the -o file. */
export function emit(ctx: CliContext, content: string | Uint8Array): void {
  const sink = openResultSink(ctx);
  try {
    sink.write(content);
    sink.commit();
  } catch (err) {
    sink.abort();
    throw err;
  }
}

/** How a boolean cell reads in tables and CSV. */
export const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

export interface Column<R> {
  /** The column's name: the same as the CSV header and JSON key of the command's other formats. */
  readonly header: string;
  readonly value: (row: R) => string | number | null | undefined;
  readonly align?: 'left' | 'right';
  /** Shown only with --wide (the terminal table shows the others, fitted to its width). */
  readonly wide?: boolean;
}

/**
 * The table columns of a list whose CSV has `csv`: all of them in the CSV's order, those not
 * named in `shown` only with --wide. Table names are CSV names by construction, so a column is
 * called the same in every format.
 */
export function tableColumns<R>(csv: readonly CsvColumn<R>[], shown: readonly string[]): Column<R>[] {
  for (const name of shown) if (!csv.some((c) => c.header === name)) throw new Error(`table column ${name} is not a CSV column`);
  return csv.map((c) => ({
    header: c.header,
    value: (r: R) => {
      const v = c.value(r);
      return typeof v === 'bigint' ? String(v) : v;
    },
    align: c.numeric === true ? 'right' : 'left',
    ...(shown.includes(c.header) ? {} : { wide: true }),
  }));
}

function cell(v: string | number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/** Whether a table goes to a terminal (aligned, fitted) rather than a pipe or file (tab-separated). */
export function tableOnTerminal(ctx: CliContext): boolean {
  return ctx.stdoutIsTTY && ctx.globals.output === undefined;
}

/** The columns a table shows: all with --wide, else those not marked wide. */
export function shownColumns<R>(ctx: CliContext, columns: readonly Column<R>[]): readonly Column<R>[] {
  return ctx.globals.wide === true ? columns : columns.filter((c) => c.wide !== true);
}

/** One row of a tab-separated table: tabs and line breaks in a cell become spaces. */
export function tsvLine<R>(columns: readonly Column<R>[], row: R): string {
  return columns.map((c) => visible(cell(c.value(row)).replace(/[\t\r\n]+/g, ' '))).join('\t');
}

const require = createRequire(import.meta.url);
let stringWidth: ((s: string) => number) | undefined;
/**
 * The width a terminal gives a string (wide East Asian characters and emoji count two, combining
 * marks none). string-width is loaded only for text that is not plain ASCII: main.ts imports
 * this module at start-up.
 */
const widthOf = (s: string): number => {
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  stringWidth ??= require('string-width') as (s: string) => number;
  return stringWidth(s);
};

/** `s` cut to `width` terminal columns, its last one an ellipsis when anything was cut. */
export function truncate(s: string, width: number): string {
  if (widthOf(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = widthOf(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/**
 * Column widths that fit `total` terminal columns (two spaces between columns): the widest
 * columns are cut first, down to their header's width, the first column (the row's name, up to 40% of the width) last;
 * only when the
 * headers alone do not fit are headers cut too (to 2 columns at least; a terminal narrower than
 * that wraps).
 */
export function fitWidths(natural: readonly number[], headers: readonly number[], total: number): number[] {
  const avail = total - 2 * Math.max(0, natural.length - 1);
  const sum = (ws: readonly number[]) => ws.reduce((a, b) => a + b, 0);
  if (sum(natural) <= avail) return [...natural];
  const floors = natural.map((w, i) => Math.min(w, headers[i] ?? w));
  /** The largest cap c with sum(max(floor, min(natural, c))) within avail, by bisection. */
  const capped = (low: readonly number[]): number[] | undefined => {
    const at = (c: number) => natural.map((w, i) => Math.max(low[i] ?? 0, Math.min(w, c)));
    if (sum(at(0)) > avail) return undefined;
    let lo = 0;
    let hi = Math.max(...natural);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (sum(at(mid)) <= avail) lo = mid;
      else hi = mid - 1;
    }
    return at(lo);
  };
  // The first column (the email, the id) names the row: it is cut only when nothing else will do.
  const others = sum(floors.slice(1));
  const keyFirst = floors.map((f, i) => (i === 0 ? Math.min(natural[0] ?? f, Math.max(f, Math.min(avail - others, Math.floor(avail * 0.4)))) : f));
  return capped(keyFirst) ?? capped(floors) ?? capped(natural.map((w) => Math.min(w, 2))) ?? natural.map((w) => Math.min(w, 2));
}

/**
 * A table for people: on a terminal aligned, with a bold header, fitted to its width (cells cut
 * with …; --wide shows every column in full); tab-separated and never cut when piped or written
 * with -o (like gh). Headers are the column names of the command's CSV and JSON.
 */
export function renderTable<R>(ctx: CliContext, rows: readonly R[], all: readonly Column<R>[]): string {
  const columns = shownColumns(ctx, all);
  if (!tableOnTerminal(ctx)) {
    const lines = [columns.map((c) => c.header).join('\t'), ...rows.map((r) => tsvLine(columns, r))];
    return `${lines.join('\n')}\n`;
  }
  const cells = rows.map((r) => columns.map((c) => visible(cell(c.value(r)).replace(/[\t\r\n]+/g, ' '))));
  const color = ctx.colorFor('stdout');
  const natural = columns.map((c, i) => Math.max(widthOf(c.header), ...cells.map((r) => widthOf(r[i] ?? ''))));
  const widths = ctx.globals.wide === true ? natural : fitWidths(natural, columns.map((c) => widthOf(c.header)), ctx.columns ?? 80);
  const pad = (s: string, i: number) => {
    const w = widths[i] ?? 0;
    const t = truncate(s, w);
    const fill = ' '.repeat(Math.max(0, w - widthOf(t)));
    return columns[i]?.align === 'right' ? fill + t : t + fill;
  };
  const header = columns.map((c, i) => color.bold(pad(c.header, i))).join('  ');
  const body = cells.map((r) => r.map((v, i) => pad(v, i)).join('  ').trimEnd());
  return `${[header.trimEnd(), ...body].join('\n')}\n`;
}
