import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { guardReplacement, openResultSink } from '../../output.js';
import { linesEncoder, streamRows } from '../../stream.js';
import { isoDateOf } from '../../../core/dates.js';
import { findGroupByName, groupNames, iterateListservAddresses } from '../../../db/members-read.js';

export interface ExportListservOptions {
  /** Only current members of this group. */
  readonly group?: string;
  /** An empty list may replace a non-empty -o file. */
  readonly allowEmpty?: boolean;
  /** The most the -o file's list may shrink by, in percent (default 20). */
  readonly maxShrink?: number;
}

export interface ExportListservResult {
  readonly addresses: number;
  readonly file: string | undefined;
}

export const DEFAULT_MAX_SHRINK = 20;

/**
 * Active members' addresses, one per line, sorted, no header: what a mailing-list server
 * imports. Plain text, not CSV, so addresses are never prefixed or quoted. It offers no --format:
 * main.ts refuses one before this runs.
 */
export async function runExportListserv(opts: ExportListservOptions, ctx: CliContext): Promise<ExportListservResult> {
  const db = ctx.readDb();
  let groupId: number | undefined;
  if (opts.group !== undefined) {
    const g = findGroupByName(db, opts.group);
    if (!g) throw new UsageError(`--group ${JSON.stringify(opts.group)}: no such group`, `groups are: ${groupNames(db).join(', ')}`);
    groupId = g.id;
  }
  const sink = openResultSink(ctx);
  let n = 0;
  try {
    n = await streamRows(ctx, sink, iterateListservAddresses(db, isoDateOf(ctx.now()), groupId), linesEncoder((email: string) => email));
    guardReplacement(ctx, { rows: n, allowEmpty: opts.allowEmpty ?? false, maxShrinkPct: opts.maxShrink ?? DEFAULT_MAX_SHRINK });
    sink.commit();
  } catch (err) {
    sink.abort();
    throw err;
  }
  const file = ctx.globals.output === undefined || ctx.globals.output === '-' ? undefined : ctx.globals.output;
  ctx.info(`exported ${n} address${n === 1 ? '' : 'es'}${file === undefined ? '' : ` to ${file}`}`);
  return { addresses: n, file };
}
