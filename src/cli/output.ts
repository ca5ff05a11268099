import fs from 'node:fs';
import path from 'node:path';
import type { CliContext } from './context.js';
import { AtomicFile, isDatabaseFile } from './atomic.js';
import { visible } from './visible.js';
import { InputError, UsageError } from '../errors.js';

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
  /** Makes the output visible (renames the -o file into place). */
  commit(): void;
  /** Drops what was written to an -o file; stdout cannot be taken back. */
  abort(): void;
}

export function openResultSink(ctx: CliContext, target = ctx.globals.output): ResultSink {
  if (target === undefined || target === '-') {
    return { write: (s) => void ctx.stdout.write(s), commit: () => undefined, abort: () => undefined };
  }
  const dest = path.resolve(ctx.cwd, target);
  // Renaming a result over the database would destroy it (db backup refuses the same way).
  if (isDatabaseFile(dest, ctx.dbPath())) throw new UsageError(`-o ${target} is the database or one of its files; writing there would destroy it`, 'choose another file name');
  const file = new AtomicFile(dest);
  return { write: (s) => file.write(s), commit: () => file.commit(), abort: () => file.abort() };
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
  readonly header: string;
  readonly value: (row: R) => string | number | null | undefined;
  readonly align?: 'left' | 'right';
}

function cell(v: string | number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/**
 * A table for people: aligned and with a bold header on a terminal; tab-separated and never
 * truncated when piped (like gh).
 */
export function renderTable<R>(ctx: CliContext, rows: readonly R[], columns: readonly Column<R>[]): string {
  const cells = rows.map((r) => columns.map((c) => visible(cell(c.value(r)).replace(/[\t\r\n]+/g, ' '))));
  if (!(ctx.stdoutIsTTY && ctx.globals.output === undefined)) {
    const lines = [columns.map((c) => c.header).join('\t'), ...cells.map((r) => r.join('\t'))];
    return `${lines.join('\n')}\n`;
  }
  const color = ctx.colorFor('stdout');
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const pad = (s: string, i: number) => {
    const w = widths[i] ?? 0;
    return columns[i]?.align === 'right' ? s.padStart(w) : s.padEnd(w);
  };
  const header = columns.map((c, i) => color.bold(pad(c.header.toUpperCase(), i))).join('  ');
  const body = cells.map((r) => r.map((v, i) => pad(v, i)).join('  ').trimEnd());
  return `${[header.trimEnd(), ...body].join('\n')}\n`;
}
