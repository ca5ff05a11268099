import type { CliContext } from '../../context.js';
import { UsageError } from '../../errors.js';
import { openResultSink, resolveFormat } from '../../output.js';
import { iterateMembers } from '../../../db/members-read.js';
import { resolveMemberQuery, streamMembers } from '../members/list.js';
import type { MemberFilterFlags } from '../members/flags.js';

export interface ExportMembersOptions extends MemberFilterFlags {
  /** Do not neutralise formula-like cells. */
  readonly raw: boolean;
  /** Start the file with a UTF-8 byte order mark (for Excel). */
  readonly bom: boolean;
}

export interface ExportMembersResult {
  readonly format: 'csv' | 'json';
  readonly rows: number;
  /** The -o file written, or undefined for stdout. */
  readonly file: string | undefined;
}

/**
 * Every field of every matching member, streamed (a million members never sit in memory) to
 * stdout or atomically to -o: a failure or Ctrl-C leaves the previous file as it was.
 */
export async function runExportMembers(opts: ExportMembersOptions, ctx: CliContext): Promise<ExportMembersResult> {
  const format = resolveFormat(ctx, ['csv', 'json'] as const, 'csv');
  if (format === 'json' && opts.bom) throw new UsageError('--bom is for CSV files opened in Excel; JSON is always plain UTF-8', 'drop --bom, or use --format csv');
  const db = ctx.db();
  const q = resolveMemberQuery(db, opts, ctx.now());
  const sink = openResultSink(ctx);
  let rows: number;
  try {
    rows = await streamMembers(ctx, sink, iterateMembers(db, q), format, { raw: opts.raw, bom: opts.bom });
    sink.commit();
  } catch (err) {
    sink.abort();
    throw err;
  }
  const file = ctx.globals.output === undefined || ctx.globals.output === '-' ? undefined : ctx.globals.output;
  ctx.info(`exported ${rows} member${rows === 1 ? '' : 's'}${file === undefined ? '' : ` to ${file}`}`);
  return { format, rows, file };
}
