import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { emit, openResultSink, renderTable, shownColumns, tableOnTerminal, tsvLine, type Column } from '../../output.js';
import { csvEncoder, toCsv } from '../../../csv/write.js';
import { linesEncoder, prettyJsonArrayEncoder, streamRows, type RowEncoder } from '../../stream.js';
import { isoDateOf } from '../../../core/dates.js';
import { normaliseEmail } from '../../../core/email.js';
import { didYouMean } from '../../../core/suggest.js';
import type { Db } from '../../../db/open.js';
import {
  findGroup,
  findMemberByEmail,
  listGroups,
  memberEmailCandidates,
  type GroupKind,
  type GroupRow,
  type MemberRef,
} from '../../../db/groups-repo.js';

export const KINDS: readonly GroupKind[] = ['working_group', 'practice_area'];

export function kindLabel(kind: GroupKind): string {
  return kind === 'working_group' ? 'working group' : 'practice area';
}

/** Today's date (UTC) from the context clock. */
export function today(ctx: CliContext): string {
  return isoDateOf(ctx.now());
}

/**
 * The group the user named (not archived, unless allowed); otherwise a usage error that suggests
 * the closest existing name.
 */
export function resolveGroup(db: Db, name: string, today: string, kind?: GroupKind, opts: { allowArchived?: boolean } = {}): GroupRow {
  const g = findGroup(db, name, today);
  if (g && g.archivedOn !== null && !opts.allowArchived) {
    throw new UsageError(`group '${g.name}' was removed (archived) on ${g.archivedOn}`, 'see the current groups with: aicop groups list');
  }
  if (g && (kind === undefined || g.kind === kind)) return g;
  const candidates = listGroups(db, today, kind ? { kind } : {}).map((x) => x.name);
  if (g) {
    throw new UsageError(`'${g.name}' is a ${kindLabel(g.kind)}, not a ${kindLabel(kind ?? g.kind)}${didYouMean(name, candidates)}`, `see them with: aicop groups list --kind ${kind ?? g.kind}`);
  }
  throw new UsageError(`no group named '${name.trim()}'${didYouMean(name, candidates)}`, 'see them all with: aicop groups list');
}

/** The member with that email; otherwise a usage error that suggests the closest address. */
export function resolveMember(db: Db, email: string, today: string, opts: { active: boolean }): MemberRef {
  const wanted = normaliseEmail(email);
  const m = findMemberByEmail(db, wanted);
  if (!m) {
    throw new UsageError(`no member with email '${wanted}'${didYouMean(wanted, memberEmailCandidates(db, wanted))}`, 'see them with: aicop members list --search <text>');
  }
  if (opts.active && m.leftOn !== null && m.leftOn <= today) {
    throw new UsageError(`member ${m.email} left on ${m.leftOn}; only active members join groups`, `reactivate them first, e.g. re-import them or run: aicop members update ${m.email}`);
  }
  return m;
}

/** Runs fn in one IMMEDIATE transaction: the write lock is taken before anything is read. */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

export interface ListColumn<R> {
  readonly header: string;
  readonly value: (row: R) => string | number | null;
  readonly numeric?: boolean;
}

export type ListFormat = 'table' | 'csv' | 'json';
export const LIST_FORMATS: readonly ListFormat[] = ['table', 'csv', 'json'];

/** A list as a table, CSV (formula-safe) or JSON (an array of objects keyed by the CSV headers). */
export function renderList<R>(ctx: CliContext, format: ListFormat, rows: readonly R[], columns: readonly ListColumn<R>[]): string {
  if (format === 'json') {
    const objects = rows.map((r) => Object.fromEntries(columns.map((c) => [c.header, c.value(r)])));
    return `${JSON.stringify(objects, null, 2)}\n`;
  }
  if (format === 'csv') return toCsv(rows, columns.map((c) => ({ header: c.header, value: c.value, numeric: c.numeric ?? false })));
  return renderTable(ctx, rows, columns.map((c) => ({ header: c.header, value: c.value, align: c.numeric ? 'right' : 'left' })));
}

/**
 * A list that can be long (a group's members, the duplicate pairs), written as renderList writes
 * it, byte for byte, but with backpressure: CSV, JSON and the piped table go through streamRows,
 * which waits for a slow reader between batches of rows. Only a table on a terminal, aligned to
 * its widest cells, is built whole. Returns the row count.
 */
export async function streamList<R>(ctx: CliContext, format: ListFormat, rows: Iterable<R>, columns: readonly ListColumn<R>[]): Promise<number> {
  const table: readonly Column<R>[] = columns.map((c) => ({ header: c.header, value: c.value, align: c.numeric ? 'right' : 'left' }));
  if (format === 'table' && tableOnTerminal(ctx)) {
    const all = [...rows];
    emit(ctx, renderTable(ctx, all, table));
    return all.length;
  }
  let enc: RowEncoder<R>;
  if (format === 'json') enc = prettyJsonArrayEncoder((r: R) => Object.fromEntries(columns.map((c) => [c.header, c.value(r)])));
  else if (format === 'csv') {
    enc = csvEncoder(columns.map((c) => ({ header: c.header, value: c.value, numeric: c.numeric ?? false })));
  } else {
    const shown = shownColumns(ctx, table);
    enc = { ...linesEncoder((r: R) => tsvLine(shown, r)), head: `${shown.map((c) => c.header).join('\t')}\n` };
  }
  const sink = openResultSink(ctx);
  try {
    const n = await streamRows(ctx, sink, rows, enc);
    sink.commit();
    return n;
  } catch (err) {
    sink.abort();
    throw err;
  }
}
