import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { checkBinaryTarget, guardReplacement, openResultSink, resolveFormat } from '../../output.js';
import { iterateMembers, type MemberRecord } from '../../../db/members-read.js';
import type { XlsxColumn, XlsxType } from '../../../xlsx/write.js';
import { MEMBER_CSV_COLUMNS, resolveMemberQuery, streamMembers } from '../members/list.js';
import { keepYoungGenerationSmall, YIELD_EVERY } from '../../stream.js';
import type { MemberFilterFlags } from '../members/flags.js';

export interface ExportMembersOptions extends MemberFilterFlags {
  /** Do not neutralise formula-like cells. */
  readonly raw: boolean;
  /** Start the file with a UTF-8 byte order mark (for Excel). */
  readonly bom: boolean;
  /** An empty result may replace a non-empty -o file. */
  readonly allowEmpty?: boolean;
}

export interface ExportMembersResult {
  readonly format: 'csv' | 'json' | 'xlsx';
  readonly rows: number;
  /** The -o file written, or undefined for stdout. */
  readonly file: string | undefined;
}

/**
 * Every field of every matching member, streamed (a million members never sit in memory) to
 * stdout or atomically to -o: a failure or Ctrl-C leaves the previous file as it was.
 */
export async function runExportMembers(opts: ExportMembersOptions, ctx: CliContext): Promise<ExportMembersResult> {
  const format = resolveFormat(ctx, ['csv', 'json', 'xlsx'] as const, 'csv');
  if (format !== 'csv' && opts.bom) throw new UsageError(`--bom is for CSV files opened in Excel; ${format === 'json' ? 'JSON is always plain UTF-8' : 'a workbook needs none'}`, 'drop --bom, or use --format csv');
  checkBinaryTarget(ctx, format);
  const db = ctx.readDb();
  const q = resolveMemberQuery(db, opts, ctx.now());
  const sink = openResultSink(ctx);
  let rows: number;
  try {
    if (format === 'xlsx') {
      const { XlsxWriter } = await import('../../../xlsx/write.js');
      keepYoungGenerationSmall();
      const xlsx = await XlsxWriter.open((b) => sink.write(b), () => sink.ready());
      rows = await xlsx.sheet('Members', MEMBER_XLSX_COLUMNS, iterateMembers(db, q), async (n) => {
        if (n % YIELD_EVERY === 0) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          ctx.throwIfInterrupted();
        }
      });
      await xlsx.end();
    } else rows = await streamMembers(ctx, sink, iterateMembers(db, q), format, { raw: opts.raw, bom: opts.bom });
    guardReplacement(ctx, { rows, allowEmpty: opts.allowEmpty ?? false });
    sink.commit();
  } catch (err) {
    sink.abort();
    throw err;
  }
  const file = ctx.globals.output === undefined || ctx.globals.output === '-' ? undefined : ctx.globals.output;
  ctx.info(`exported ${rows} member${rows === 1 ? '' : 's'}${file === undefined ? '' : ` to ${file}`}`);
  return { format, rows, file };
}

const MEMBER_XLSX_TYPES: Readonly<Record<string, XlsxType>> = { joined_on: 'date', left_on: 'date', created_at: 'datetime', updated_at: 'datetime' };

/** The CSV export's columns and headers, with dates as date cells (import reads both back). */
const MEMBER_XLSX_COLUMNS: readonly XlsxColumn<MemberRecord>[] = MEMBER_CSV_COLUMNS.map((c) => ({ header: c.header, value: (m: MemberRecord) => {
  const v = c.value(m);
  return typeof v === 'bigint' ? Number(v) : v;
}, type: MEMBER_XLSX_TYPES[c.header] ?? 'text' }));
