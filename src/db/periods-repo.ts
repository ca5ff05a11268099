import type { Statement } from 'better-sqlite3';
import type { MemberType } from '../core/roster.js';
import type { ChangeRecorder } from './imports-repo.js';
import type { Db } from './open.js';

/**
 * Membership history (SPEC §10, migration 013). A member's membership is a list of spans: each
 * a stretch of one period with constant agency and member type. Every change here appends or
 * ends a span instead of overwriting one, so the figures of past days stay what they were; the
 * members row keeps only the current values. Each function records before-images of the spans
 * it changes (entity 'span'), and spans it inserts carry the batch id, so `imports undo`
 * restores them exactly.
 */
export interface SpanRow {
  readonly id: number;
  readonly member_id: number;
  readonly period: number;
  readonly start_on: string;
  readonly end_on: string | null;
  readonly starts: 'join' | 'change';
  readonly ends: 'left' | 'change' | null;
  readonly agency_id: number | null;
  readonly member_type: MemberType;
  readonly batch_id: number | null;
}

export interface Facts {
  readonly agencyId: number | null;
  readonly memberType: MemberType;
}

/** Where a change comes from: its batch (null for an edit by hand) and its undo recorder. */
export interface ChangeSource {
  readonly batchId: number | null;
  readonly recorder?: ChangeRecorder | undefined;
}

const SPAN_COLUMNS = 'id, member_id, period, start_on, end_on, starts, ends, agency_id, member_type, batch_id';

// Imports, --sync, `agencies add` and undo call these once per member: each statement is prepared
// once per connection. Preparing them per call (the UPDATE and INSERT compile the rollup triggers
// of member_spans) was half the CPU of remapping 24,000 members, and its garbage 290 MB of RSS.
const cache = new WeakMap<Db, Map<string, Statement>>();

function prepared<P extends unknown[] | object, R = unknown>(db: Db, sql: string): Statement<P, R> {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st as unknown as Statement<P, R>;
}

/** A membership period as `members show` lists it. */
export interface Period {
  readonly period: number;
  readonly start_on: string;
  readonly end_on: string | null;
  /** The agency and type on the period's last day (or today, when open). */
  readonly agency_id: number | null;
  readonly member_type: MemberType;
  /** Number of fact changes (agency or type) within the period. */
  readonly changes: number;
}

export function listSpans(db: Db, memberId: number): SpanRow[] {
  return prepared<[number], SpanRow>(db, `SELECT ${SPAN_COLUMNS} FROM member_spans WHERE member_id = ? ORDER BY start_on, id`).all(memberId);
}

/** The member's periods, oldest first. */
export function listPeriods(db: Db, memberId: number): Period[] {
  const out: Period[] = [];
  for (const s of listSpans(db, memberId)) {
    const last = out[out.length - 1];
    if (last && last.period === s.period) {
      out[out.length - 1] = { ...last, end_on: s.end_on, agency_id: s.agency_id, member_type: s.member_type, changes: last.changes + 1 };
    } else {
      out.push({ period: s.period, start_on: s.start_on, end_on: s.end_on, agency_id: s.agency_id, member_type: s.member_type, changes: 0 });
    }
  }
  return out;
}

function openSpan(db: Db, memberId: number): SpanRow | undefined {
  return prepared<[number], SpanRow>(db, `SELECT ${SPAN_COLUMNS} FROM member_spans WHERE member_id = ? AND end_on IS NULL`).get(memberId);
}

function lastSpan(db: Db, memberId: number): SpanRow | undefined {
  return prepared<[number], SpanRow>(db, `SELECT ${SPAN_COLUMNS} FROM member_spans WHERE member_id = ? ORDER BY start_on DESC, id DESC LIMIT 1`).get(memberId);
}

function insertSpan(db: Db, s: Omit<SpanRow, 'id'>): number {
  const info = prepared<[Omit<SpanRow, 'id'>]>(
    db,
    `INSERT INTO member_spans (member_id, period, start_on, end_on, starts, ends, agency_id, member_type, batch_id)
     VALUES (@member_id, @period, @start_on, @end_on, @starts, @ends, @agency_id, @member_type, @batch_id)`,
  ).run(s);
  return Number(info.lastInsertRowid);
}

function updateSpan(db: Db, before: SpanRow, next: Partial<Omit<SpanRow, 'id' | 'member_id'>>, src: ChangeSource): void {
  src.recorder?.record('span', [before.id], 'update', { ...before });
  const row = { ...before, ...next };
  prepared<[SpanRow]>(
    db,
    `UPDATE member_spans SET period = @period, start_on = @start_on, end_on = @end_on, starts = @starts, ends = @ends,
       agency_id = @agency_id, member_type = @member_type WHERE id = @id`,
  ).run(row);
}

/** A first period for a new member (the caller inserted the members row). */
export function startFirstPeriod(db: Db, memberId: number, startOn: string, facts: Facts, src: ChangeSource): void {
  insertSpan(db, { member_id: memberId, period: 1, start_on: startOn, end_on: null, starts: 'join', ends: null, agency_id: facts.agencyId, member_type: facts.memberType, batch_id: src.batchId });
}

/**
 * A former member comes back: a new period from `startOn`, after the last one. A departure
 * that has not happened yet (`end_on` after `today`) is called off instead: the period goes on.
 * Returns the start of the period now open.
 */
export function rejoin(db: Db, memberId: number, startOn: string, today: string, facts: Facts, src: ChangeSource): string {
  const last = lastSpan(db, memberId);
  if (last && last.end_on !== null && last.end_on > today && last.ends === 'left') {
    updateSpan(db, last, { end_on: null, ends: null }, src);
    return periodStart(db, memberId, last.period);
  }
  const start = last?.end_on && last.end_on > startOn ? last.end_on : startOn;
  insertSpan(db, {
    member_id: memberId,
    period: (last?.period ?? 0) + 1,
    start_on: start,
    end_on: null,
    starts: 'join',
    ends: null,
    agency_id: facts.agencyId,
    member_type: facts.memberType,
    batch_id: src.batchId,
  });
  return start;
}

function periodStart(db: Db, memberId: number, period: number): string {
  return prepared<[number, number], string>(db, 'SELECT min(start_on) FROM member_spans WHERE member_id = ? AND period = ?').pluck().get(memberId, period) ?? '';
}

/**
 * Ends the open period on `endOn`. Stretches of the period planned to start after `endOn` (a
 * change of type or agency dated later) are dropped: the member is gone by then. A period that
 * would end before it began (a planned join, then a departure first) ends on its own first day:
 * it counted no day, so reports count neither a join nor a departure for it. Returns the end
 * date written, or null if none was open.
 */
export function leave(db: Db, memberId: number, endOn: string, src: ChangeSource): string | null {
  const open = openSpan(db, memberId);
  if (!open) return null;
  const period = listSpans(db, memberId).filter((s) => s.period === open.period);
  const first = period[0] ?? open;
  let last = first;
  for (const s of period.slice(1)) {
    if (s.start_on > endOn) {
      src.recorder?.record('span', [s.id], 'delete', { ...s });
      prepared<[number]>(db, 'DELETE FROM member_spans WHERE id = ?').run(s.id);
    } else {
      last = s;
    }
  }
  const end = endOn < last.start_on ? last.start_on : endOn;
  updateSpan(db, last, { end_on: end, ends: 'left' }, src);
  return end;
}

/**
 * Agency or member type changes from `on`: the span covering `on` ends there ('change') and a
 * new one with the new facts takes over; spans that start on or after `on` take the new facts.
 * A member who is not a member on `on` or later keeps their history (the new facts apply when
 * they come back: the caller keeps them on the members row). Returns true if a span changed.
 */
export function changeFacts(db: Db, memberId: number, on: string, facts: Partial<Facts>, src: ChangeSource): boolean {
  let changed = false;
  const apply = (s: SpanRow): { agency_id: number | null; member_type: MemberType } => ({
    agency_id: facts.agencyId !== undefined ? facts.agencyId : s.agency_id,
    member_type: facts.memberType ?? s.member_type,
  });
  for (const s of listSpans(db, memberId)) {
    const want = apply(s);
    if (want.agency_id === s.agency_id && want.member_type === s.member_type) continue;
    if (s.end_on !== null && s.end_on <= on) continue;
    if (s.start_on >= on) {
      updateSpan(db, s, want, src);
    } else {
      updateSpan(db, s, { end_on: on, ends: 'change' }, src);
      insertSpan(db, { member_id: memberId, period: s.period, start_on: on, end_on: s.end_on, starts: 'change', ends: s.ends, agency_id: want.agency_id, member_type: want.member_type, batch_id: src.batchId });
    }
    changed = true;
  }
  return changed;
}

/**
 * Moves the start of the member's current (latest) period to `startOn` (a correction of the
 * history, `--correct-history`). Refused (returns a reason) when it would reach back into the
 * previous period or past the period's own end or its first change.
 */
export function correctPeriodStart(db: Db, memberId: number, startOn: string, src: ChangeSource): { from: string; to: string } | string {
  const spans = listSpans(db, memberId);
  const last = spans[spans.length - 1];
  if (!last) return 'no membership period';
  const first = spans.find((s) => s.period === last.period);
  if (!first) return 'no membership period';
  const previous = spans.filter((s) => s.period < last.period).pop();
  if (previous?.end_on && startOn < previous.end_on) return `it would overlap the previous period (ended ${previous.end_on})`;
  if (first.end_on !== null && startOn > first.end_on) return `it would come after the period's ${first.ends === 'left' ? 'end' : 'first change'} (${first.end_on})`;
  if (startOn === first.start_on) return { from: first.start_on, to: startOn };
  updateSpan(db, first, { start_on: startOn }, src);
  return { from: first.start_on, to: startOn };
}

/**
 * Moves the end of the member's latest period (a correction by hand: `members update
 * --left-on`). Returns a reason when refused.
 */
export function correctPeriodEnd(db: Db, memberId: number, endOn: string, src: ChangeSource): string | undefined {
  const last = lastSpan(db, memberId);
  if (!last || last.end_on === null) return 'no departure to move';
  if (endOn < last.start_on) return `the leaving date ${endOn} would precede the start of the period's last stretch (${last.start_on})`;
  updateSpan(db, last, { end_on: endOn }, src);
  return undefined;
}

/** The current period's start and end, for the members row (joined_on, left_on). */
export function currentPeriod(db: Db, memberId: number): { joined_on: string; left_on: string | null } | undefined {
  const last = lastSpan(db, memberId);
  if (!last) return undefined;
  return { joined_on: periodStart(db, memberId, last.period), left_on: last.end_on };
}

/**
 * For batches recorded before migration 013 (member rows only): after `imports undo` restored
 * a member row, its one period is re-derived from that row. Exact, because the undo refuses
 * when anything later changed the member.
 */
export function rederiveSinglePeriod(db: Db, memberId: number): void {
  const m = db
    .prepare<[number], { joined_on: string; left_on: string | null; agency_id: number | null; member_type: MemberType; created_batch: number | null }>(
      'SELECT joined_on, left_on, agency_id, member_type, created_batch FROM members WHERE id = ?',
    )
    .get(memberId);
  if (!m) return;
  db.prepare('DELETE FROM member_spans WHERE member_id = ?').run(memberId);
  insertSpan(db, {
    member_id: memberId,
    period: 1,
    start_on: m.joined_on,
    end_on: m.left_on,
    starts: 'join',
    ends: m.left_on === null ? null : 'left',
    agency_id: m.agency_id,
    member_type: m.member_type,
    batch_id: m.created_batch,
  });
}
