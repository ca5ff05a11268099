import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { emit, openResultSink, renderTable, resolveFormat, shownColumns, tableColumns, tableOnTerminal, tsvLine, type ResultSink } from '../../output.js';
import { csvEncoder, type CsvColumn } from '../../../csv/write.js';
import { jsonArrayEncoder, linesEncoder, streamRows } from '../../stream.js';
import { isoDateOf } from '../../../core/dates.js';
import type { Db } from '../../../db/open.js';
import type { MemberFilterFlags } from './flags.js';
import {
  findGroupByName,
  groupNames,
  countMembers,
  iterateMembers,
  resolveAgencyFilter,
  similarAgencyNames,
  type MemberQuery,
  type MemberRecord,
} from '../../../db/members-read.js';

/** Turns filter flags into a query, refusing agencies and groups that do not exist (exit 2). */
export function resolveMemberQuery(db: Db, f: MemberFilterFlags, now: Date): MemberQuery {
  let agencyIds: number[] | undefined;
  if (f.agency !== undefined) {
    const found = resolveAgencyFilter(db, f.agency);
    if (found.length === 0) {
      const similar = similarAgencyNames(db, f.agency);
      throw new UsageError(
        `--agency ${JSON.stringify(f.agency)}: no agency has this name, domain or id`,
        similar.length > 0 ? `did you mean: ${similar.join('; ')}?` : 'see the names with: aicop agencies list',
      );
    }
    agencyIds = found.map((a) => a.id);
  }
  let groupId: number | undefined;
  if (f.group !== undefined) {
    const g = findGroupByName(db, f.group);
    if (!g) throw new UsageError(`--group ${JSON.stringify(f.group)}: no such group`, `groups are: ${groupNames(db).join(', ')}`);
    groupId = g.id;
  }
  return {
    status: f.status,
    today: isoDateOf(now),
    ...(agencyIds !== undefined ? { agencyIds } : {}),
    ...(groupId !== undefined ? { groupId } : {}),
    ...(f.search !== undefined ? { search: f.search.trim() } : {}),
  };
}

const splitGroups = (s: string): string[] => (s.length === 0 ? [] : s.split('; '));

/** Every field of a member, in the stable order of CSV headers and JSON keys. */
export const MEMBER_CSV_COLUMNS: readonly CsvColumn<MemberRecord>[] = [
  { header: 'email', value: (m) => m.email },
  { header: 'first_name', value: (m) => m.first_name },
  { header: 'last_name', value: (m) => m.last_name },
  { header: 'member_type', value: (m) => m.member_type },
  { header: 'job_title', value: (m) => m.job_title },
  { header: 'role_track', value: (m) => m.role_track },
  { header: 'reported_agency', value: (m) => m.reported_agency },
  { header: 'domain', value: (m) => m.domain },
  { header: 'agency', value: (m) => m.agency },
  { header: 'organization', value: (m) => m.organization },
  { header: 'level', value: (m) => m.level },
  { header: 'working_groups', value: (m) => m.working_groups },
  { header: 'practice_areas', value: (m) => m.practice_areas },
  { header: 'joined_on', value: (m) => m.joined_on },
  { header: 'left_on', value: (m) => m.left_on },
  { header: 'status', value: (m) => m.status },
  { header: 'created_at', value: (m) => m.created_at },
  { header: 'updated_at', value: (m) => m.updated_at },
];

/** A member as JSON: the CSV fields, with groups as arrays. */
export function memberJson(m: MemberRecord): Record<string, string | null | string[]> {
  return {
    email: m.email,
    first_name: m.first_name,
    last_name: m.last_name,
    member_type: m.member_type,
    job_title: m.job_title,
    role_track: m.role_track,
    reported_agency: m.reported_agency,
    domain: m.domain,
    agency: m.agency,
    organization: m.organization,
    level: m.level,
    working_groups: splitGroups(m.working_groups),
    practice_areas: splitGroups(m.practice_areas),
    joined_on: m.joined_on,
    left_on: m.left_on,
    status: m.status,
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

export interface StreamOptions {
  readonly raw: boolean;
  readonly bom: boolean;
}

/**
 * Writes members to a sink as CSV or a JSON array, with backpressure (a slow reader of a pipe
 * holds aicop to one batch) and Ctrl-C checks between batches (the caller aborts the sink, so an
 * -o file is never left half-written). Returns the count.
 */
export async function streamMembers(ctx: CliContext, sink: ResultSink, rows: Iterable<MemberRecord>, format: 'csv' | 'json', opts: StreamOptions): Promise<number> {
  const enc = format === 'csv' ? csvEncoder(MEMBER_CSV_COLUMNS, { raw: opts.raw, bom: opts.bom }) : jsonArrayEncoder(memberJson, { bom: opts.bom });
  return streamRows(ctx, sink, rows, enc);
}

export interface MembersListOptions extends MemberFilterFlags {
  /** At most this many members (any format); a terminal table shows TERMINAL_ROWS without it. */
  readonly limit?: number;
}

export interface MembersListResult {
  readonly format: 'table' | 'csv' | 'json';
  /** Members written. */
  readonly count: number;
  /** All the members that match, when a terminal table showed only the first `count`. */
  readonly matching?: number;
}

/** The rows a terminal table shows without --limit: it is built in memory to align it. */
export const TERMINAL_ROWS = 100;

/** The table: the CSV's columns, these on a terminal, the others with --wide. */
export const MEMBER_TABLE_COLUMNS = tableColumns(MEMBER_CSV_COLUMNS, ['email', 'first_name', 'last_name', 'agency', 'working_groups', 'status']);

function* take<T>(rows: Iterable<T>, n: number | undefined): Generator<T> {
  if (n === undefined) {
    yield* rows;
    return;
  }
  if (n <= 0) return;
  let i = 0;
  for (const r of rows) {
    yield r;
    if (++i >= n) return;
  }
}

const members = (n: number) => `${n} member${n === 1 ? '' : 's'}`;

export async function runMembersList(opts: MembersListOptions, ctx: CliContext): Promise<MembersListResult> {
  const format = resolveFormat(ctx, ['table', 'csv', 'json'] as const, 'csv');
  const db = ctx.readDb();
  const q = resolveMemberQuery(db, opts, ctx.now());
  if (format === 'table' && tableOnTerminal(ctx)) {
    // Aligned and fitted, so held in memory: a bounded number of rows, never the whole roster.
    const cap = opts.limit ?? TERMINAL_ROWS;
    const rows = [...take(iterateMembers(db, q), cap + 1)];
    const more = rows.length > cap;
    if (more) rows.pop();
    if (rows.length === 0) {
      ctx.info('no members match');
      return { format, count: 0 };
    }
    emit(ctx, renderTable(ctx, rows, MEMBER_TABLE_COLUMNS));
    if (!more) {
      ctx.info(members(rows.length));
      return { format, count: rows.length };
    }
    const matching = countMembers(db, q);
    // Rows left out are always said, even with --quiet (as unknown columns are).
    ctx.stderr.write(`showing ${rows.length} of ${members(matching)}; --limit <n> shows more, --format csv or -o members.csv writes them all\n`);
    return { format, count: rows.length, matching };
  }
  const sink = openResultSink(ctx);
  try {
    const rows = take(iterateMembers(db, q), opts.limit);
    const count = format === 'table' ? await streamTable(ctx, sink, rows) : await streamMembers(ctx, sink, rows, format, { raw: false, bom: false });
    sink.commit();
    if (format === 'table') ctx.info(members(count));
    return { format, count };
  } catch (err) {
    sink.abort();
    throw err;
  }
}

/** The table piped or written with -o: tab-separated, never cut, streamed with backpressure. */
async function streamTable(ctx: CliContext, sink: ResultSink, rows: Iterable<MemberRecord>): Promise<number> {
  const columns = shownColumns(ctx, MEMBER_TABLE_COLUMNS);
  const lines = linesEncoder((m: MemberRecord) => tsvLine(columns, m));
  return streamRows(ctx, sink, rows, { ...lines, head: `${columns.map((c) => c.header).join('\t')}\n` });
}
