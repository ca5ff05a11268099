import { createHash } from 'node:crypto';
import { registeredDomain } from '../core/agency-match.js';
import { addressKey, nameKey, uniteIntervals, type Interval } from '../core/identity.js';
import type { MemberType } from '../core/roster.js';
import type { ChangeRecorder } from './imports-repo.js';
import type { MemberRow } from './members-repo.js';
import type { Db } from './open.js';
import { MEMBER_KEY_INDEXES } from './migrations/020-member-keys.js';
import { changeFacts, currentPeriod, listSpans, type SpanRow } from './periods-repo.js';

/**
 * Member identity (SPEC §11, migration 014): former addresses (aliases), renames, merges of two
 * records of one person, and likely duplicates. Every write records before-images through the
 * caller's ChangeRecorder (when it has one), so `imports undo` restores them exactly.
 */
export interface AliasRow {
  readonly email: string;
  readonly member_id: number;
  readonly reason: 'rename' | 'merge';
  readonly created_at: string;
  readonly batch_id: number | null;
}

const MEMBER_COLUMNS =
  'id, email, domain, agency_id, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, left_on, created_at, updated_at, created_batch, updated_batch';

export function findAlias(db: Db, email: string): AliasRow | undefined {
  return db.prepare<[string], AliasRow>('SELECT email, member_id, reason, created_at, batch_id FROM member_aliases WHERE email = ?').get(email);
}

/** A member's former addresses, oldest first. */
export function listAliases(db: Db, memberId: number): AliasRow[] {
  return db
    .prepare<[number], AliasRow>('SELECT email, member_id, reason, created_at, batch_id FROM member_aliases WHERE member_id = ? ORDER BY created_at, email')
    .all(memberId);
}

export function memberById(db: Db, id: number): MemberRow | undefined {
  return db.prepare<[number], MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM members WHERE id = ?`).get(id);
}

/** The member an address names: their own address, or a former one (an alias). */
export function resolveAddress(db: Db, email: string): { member: MemberRow; via: 'email' | 'alias' } | undefined {
  const m = db.prepare<[string], MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM members WHERE email = ?`).get(email);
  if (m) return { member: m, via: 'email' };
  const a = findAlias(db, email);
  const byAlias = a ? memberById(db, a.member_id) : undefined;
  return byAlias ? { member: byAlias, via: 'alias' } : undefined;
}

/** True when the aliases table has any row (imports skip the alias lookup otherwise). */
export function hasAliases(db: Db): boolean {
  return db.prepare('SELECT 1 FROM member_aliases LIMIT 1').get() !== undefined;
}

/** Where a change comes from: its batch (null for an edit by hand) and its undo recorder. */
export interface IdentitySource {
  readonly batchId: number | null;
  readonly recorder?: ChangeRecorder | undefined;
  readonly nowIso: string;
}

function insertAlias(db: Db, email: string, memberId: number, reason: AliasRow['reason'], src: IdentitySource): void {
  db.prepare('INSERT INTO member_aliases (email, member_id, reason, created_at, batch_id) VALUES (?, ?, ?, ?, ?)').run(email, memberId, reason, src.nowIso, src.batchId);
}

export interface RenameTarget {
  readonly email: string;
  readonly domain: string;
  readonly agencyId: number | null;
}

/**
 * Moves a member to a new address (SPEC §11): the members row takes the address, its domain
 * and agency; the agency changes in the history from `on` (a dated fact, so earlier days keep
 * the old agency); the old address becomes an alias. Renaming back onto one of the member's own
 * aliases turns that alias into the address again. Attendance rows of the new address not yet
 * linked to anyone now count for the member. The caller checks that the new address is free.
 */
export function renameMember(db: Db, m: MemberRow, to: RenameTarget, on: string, src: IdentitySource): void {
  src.recorder?.record('member', [m.id], 'update', { ...m });
  const own = findAlias(db, to.email);
  if (own && own.member_id === m.id) {
    src.recorder?.record('alias', [own.email], 'delete', { ...own });
    db.prepare('DELETE FROM member_aliases WHERE email = ?').run(own.email);
  }
  db.prepare('UPDATE members SET email = ?, domain = ?, agency_id = ?, updated_at = ?, updated_batch = ? WHERE id = ?').run(
    to.email,
    to.domain,
    to.agencyId,
    src.nowIso,
    src.batchId,
    m.id,
  );
  if (to.agencyId !== m.agency_id) changeFacts(db, m.id, on, { agencyId: to.agencyId }, { batchId: src.batchId, recorder: src.recorder });
  insertAlias(db, m.email, m.id, 'rename', src);
  const unlinked = db
    .prepare<[string], Record<string, unknown> & { event_id: string; email: string }>('SELECT * FROM attendance WHERE email = ? AND member_id IS NULL')
    .all(to.email);
  for (const a of unlinked) {
    src.recorder?.record('attendance', [a.event_id, a.email], 'update', a);
    // By hand, updated_batch stays: it names the import the row came from.
    if (src.batchId === null) db.prepare('UPDATE attendance SET member_id = ? WHERE event_id = ? AND email = ?').run(m.id, a.event_id, a.email);
    else db.prepare('UPDATE attendance SET member_id = ?, updated_batch = ? WHERE event_id = ? AND email = ?').run(m.id, src.batchId, a.event_id, a.email);
  }
}

interface AssignmentRow {
  readonly id: number;
  readonly member_id: number;
  readonly group_id: number;
  readonly assigned_on: string;
  readonly removed_on: string | null;
  readonly source: 'import' | 'manual' | 'auto';
  readonly batch_id: number | null;
  readonly removed_batch: number | null;
}

export interface MergeResult {
  readonly periods: number;
  readonly attendanceMoved: number;
  readonly assignmentsMoved: number;
  readonly assignmentsUnited: number;
  readonly aliasesMoved: number;
}

interface Piece {
  readonly start: string;
  readonly end: string | null;
  readonly agency_id: number | null;
  readonly member_type: MemberType;
}

/**
 * The spans of one person from the spans of their two records: periods that overlap or touch
 * become one; on days both records cover, the kept record's agency and type win. Spans that
 * counted no day (end = start) are left out unless nothing else remains.
 */
export function uniteSpans(keep: readonly SpanRow[], drop: readonly SpanRow[]): Omit<SpanRow, 'id' | 'member_id' | 'batch_id'>[] {
  const counted = (s: SpanRow): boolean => s.end_on === null || s.end_on > s.start_on;
  const k = keep.filter(counted);
  const d = drop.filter(counted);
  if (k.length === 0 && d.length === 0) {
    const all = [...keep, ...drop].sort((a, b) => (a.start_on < b.start_on ? -1 : a.start_on > b.start_on ? 1 : 0));
    return all.slice(0, 1).map((s) => ({ period: 1, start_on: s.start_on, end_on: s.end_on, starts: 'join', ends: s.ends === null ? null : 'left', agency_id: s.agency_id, member_type: s.member_type }));
  }
  const bounds = new Set<string>();
  for (const s of [...k, ...d]) {
    bounds.add(s.start_on);
    if (s.end_on !== null) bounds.add(s.end_on);
  }
  const dates = [...bounds].sort();
  const covering = (list: readonly SpanRow[], day: string): SpanRow | undefined => list.find((s) => s.start_on <= day && (s.end_on === null || s.end_on > day));
  // Elementary pieces between consecutive boundaries, and the open-ended one after the last.
  const pieces: Piece[] = [];
  for (let i = 0; i < dates.length; i++) {
    const start = dates[i] as string;
    const end = dates[i + 1] ?? null;
    const s = covering(k, start) ?? covering(d, start);
    if (!s) continue;
    if (end === null && s.end_on !== null) continue;
    const last = pieces[pieces.length - 1];
    if (last && last.end === start && last.agency_id === s.agency_id && last.member_type === s.member_type) {
      pieces[pieces.length - 1] = { ...last, end };
    } else {
      pieces.push({ start, end, agency_id: s.agency_id, member_type: s.member_type });
    }
  }
  const out: Omit<SpanRow, 'id' | 'member_id' | 'batch_id'>[] = [];
  let period = 0;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i] as Piece;
    const prev = pieces[i - 1];
    const next = pieces[i + 1];
    const continues = prev !== undefined && prev.end === p.start;
    const continued = next !== undefined && p.end !== null && next.start === p.end;
    if (!continues) period++;
    out.push({
      period,
      start_on: p.start,
      end_on: p.end,
      starts: continues ? 'change' : 'join',
      ends: p.end === null ? null : continued ? 'change' : 'left',
      agency_id: p.agency_id,
      member_type: p.member_type,
    });
  }
  return out;
}

/**
 * Joins two records of one person (SPEC §11): `drop`'s periods are united with `keep`'s, its
 * groups (assignments in a group both records had are united like periods), attendance and
 * aliases move to `keep`, its empty fields fill `keep`'s, and its address becomes an alias of
 * `keep`; then the `drop` row is deleted. Every change is recorded for `imports undo`; new spans
 * and assignments carry the batch id. Call inside the caller's transaction.
 */
export function mergeMembers(db: Db, keep: MemberRow, drop: MemberRow, src: IdentitySource & { readonly batchId: number; readonly recorder: ChangeRecorder }): MergeResult {
  const rec = src.recorder;
  rec.record('member', [keep.id], 'update', { ...keep });

  // Attendance keeps its address (the key of the row); it now counts for the kept member.
  const att = db.prepare<[number], Record<string, unknown> & { event_id: string; email: string }>('SELECT * FROM attendance WHERE member_id = ? ORDER BY event_id, email').all(drop.id);
  const moveAtt = db.prepare('UPDATE attendance SET member_id = ?, updated_batch = ? WHERE event_id = ? AND email = ?');
  for (const a of att) {
    rec.record('attendance', [a.event_id, a.email], 'update', a);
    moveAtt.run(keep.id, src.batchId, a.event_id, a.email);
  }

  // Periods: both records' spans give way to the united ones.
  const keepSpans = listSpans(db, keep.id);
  const dropSpans = listSpans(db, drop.id);
  const united = uniteSpans(keepSpans, dropSpans);
  const delSpan = db.prepare('DELETE FROM member_spans WHERE id = ?');
  for (const s of [...dropSpans, ...keepSpans]) {
    rec.record('span', [s.id], 'delete', { ...s });
    delSpan.run(s.id);
  }
  const insSpan = db.prepare(
    `INSERT INTO member_spans (member_id, period, start_on, end_on, starts, ends, agency_id, member_type, batch_id)
     VALUES (@member_id, @period, @start_on, @end_on, @starts, @ends, @agency_id, @member_type, @batch_id)`,
  );
  for (const s of united) insSpan.run({ ...s, member_id: keep.id, batch_id: src.batchId });

  // Groups: a group only one record was in moves over; one both were in gets united stretches.
  const all = db.prepare<[number, number], AssignmentRow>('SELECT id, member_id, group_id, assigned_on, removed_on, source, batch_id, removed_batch FROM assignments WHERE member_id IN (?, ?) ORDER BY group_id, assigned_on, id').all(keep.id, drop.id);
  const byGroup = new Map<number, AssignmentRow[]>();
  for (const a of all) byGroup.set(a.group_id, [...(byGroup.get(a.group_id) ?? []), a]);
  let assignmentsMoved = 0;
  let assignmentsUnited = 0;
  const delAssignment = db.prepare('DELETE FROM assignments WHERE id = ?');
  for (const [groupId, rows] of byGroup) {
    const ofDrop = rows.filter((a) => a.member_id === drop.id);
    if (ofDrop.length === 0) continue;
    if (ofDrop.length === rows.length) {
      for (const a of ofDrop) {
        rec.record('assignment', [a.id], 'update', { ...a });
        db.prepare('UPDATE assignments SET member_id = ? WHERE id = ?').run(keep.id, a.id);
        assignmentsMoved++;
      }
      continue;
    }
    const intervals = uniteIntervals(rows.map((a): Interval<AssignmentRow> => ({ start: a.assigned_on, end: a.removed_on, value: a })));
    for (const a of rows) {
      rec.record('assignment', [a.id], 'delete', { ...a });
      delAssignment.run(a.id);
    }
    for (const iv of intervals) {
      const ender = iv.end === null ? undefined : iv.values.find((v) => v.removed_on === iv.end);
      db.prepare('INSERT INTO assignments (member_id, group_id, assigned_on, removed_on, source, batch_id, removed_batch) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        keep.id,
        groupId,
        iv.start,
        iv.end,
        iv.first.source,
        src.batchId,
        ender?.removed_batch ?? null,
      );
    }
    assignmentsUnited++;
  }

  // The dropped record's own former addresses, then its address, name the kept member.
  const aliases = db.prepare<[number], AliasRow>('SELECT email, member_id, reason, created_at, batch_id FROM member_aliases WHERE member_id = ?').all(drop.id);
  for (const a of aliases) {
    rec.record('alias', [a.email], 'update', { ...a });
    db.prepare('UPDATE member_aliases SET member_id = ? WHERE email = ?').run(keep.id, a.email);
  }

  rec.record('member', [drop.id], 'delete', { ...drop });
  db.prepare('DELETE FROM members WHERE id = ?').run(drop.id);
  insertAlias(db, drop.email, keep.id, 'merge', src);

  const period = currentPeriod(db, keep.id);
  const fill = <K extends 'first_name' | 'last_name' | 'reported_agency' | 'job_title' | 'role_track'>(k: K): MemberRow[K] => keep[k] ?? drop[k];
  db.prepare(
    `UPDATE members SET first_name = ?, last_name = ?, reported_agency = ?, job_title = ?, role_track = ?, joined_on = ?, left_on = ?,
       updated_at = ?, updated_batch = ? WHERE id = ?`,
  ).run(
    fill('first_name'),
    fill('last_name'),
    fill('reported_agency'),
    fill('job_title'),
    fill('role_track'),
    period?.joined_on ?? keep.joined_on,
    period ? period.left_on : keep.left_on,
    src.nowIso,
    src.batchId,
    keep.id,
  );
  return { periods: new Set(united.map((s) => s.period)).size, attendanceMoved: att.length, assignmentsMoved, assignmentsUnited, aliasesMoved: aliases.length };
}

/**
 * A fingerprint of everything a merge wrote for the kept member (row, spans, assignments,
 * aliases, attendance): its undo refuses when anything changed them since.
 */
export function memberStateFingerprint(db: Db, memberId: number): string {
  const h = createHash('sha256');
  const dump = (sql: string): void => {
    for (const r of db.prepare(sql).raw().all(memberId)) h.update(`${JSON.stringify(r)}\n`);
  };
  dump(`SELECT ${MEMBER_COLUMNS} FROM members WHERE id = ?`);
  dump('SELECT id, period, start_on, end_on, starts, ends, agency_id, member_type, batch_id FROM member_spans WHERE member_id = ? ORDER BY id');
  dump('SELECT id, group_id, assigned_on, removed_on, source, batch_id, removed_batch FROM assignments WHERE member_id = ? ORDER BY id');
  dump('SELECT email, reason, batch_id FROM member_aliases WHERE member_id = ? ORDER BY email');
  dump('SELECT event_id, email, registered, attended, satisfaction, nps, comment, updated_batch FROM attendance WHERE member_id = ? ORDER BY event_id, email');
  return h.digest('hex');
}

/** What a merge batch stores in import_batches.options to be undone safely. */
export interface MergeRecord {
  readonly command: 'members merge';
  readonly keep: string;
  readonly drop: string;
  readonly keep_id: number;
  readonly drop_id: number;
  readonly state?: string;
}

export function isMergeRecord(options: unknown): options is MergeRecord {
  return typeof options === 'object' && options !== null && (options as { command?: unknown }).command === 'members merge';
}

/**
 * Why a batch cannot be undone on identity grounds, or undefined: a merge whose kept member
 * changed since (anything the merge wrote: fingerprint), or whose dropped address or id is in
 * use again; any batch whose members a later merge dropped (undo that merge first).
 */
export function identityUndoConflict(db: Db, batchId: number, options: unknown): { label: string; laterBatch: number | null } | undefined {
  if (isMergeRecord(options)) {
    if (options.state !== undefined && memberStateFingerprint(db, options.keep_id) !== options.state) {
      return { label: `${options.keep} (merged by this batch)`, laterBatch: null };
    }
    const taken = db.prepare<[number, string], { email: string }>('SELECT email FROM members WHERE id = ? OR email = ?').get(options.drop_id, options.drop);
    if (taken) return { label: `${taken.email} (the dropped record's address or id is in use again)`, laterBatch: null };
  }
  const merged = db
    .prepare<[{ b: number }], { batch_id: number; email: string }>(
      `SELECT c.batch_id, json_extract(c.before, '$.email') AS email FROM batch_changes c JOIN import_batches b ON b.id = c.batch_id
       WHERE c.batch_id > @b AND b.status = 'applied' AND c.entity = 'member' AND c.op = 'delete'
         AND (json_extract(c.before, '$.created_batch') = @b OR json_extract(c.before, '$.updated_batch') = @b
              OR c.entity_key IN (SELECT entity_key FROM batch_changes WHERE batch_id = @b AND entity = 'member'))
       LIMIT 1`,
    )
    .get({ b: batchId });
  if (merged) return { label: `${merged.email} (merged into another member since)`, laterBatch: merged.batch_id };
  return undefined;
}

/**
 * `aicop_regdomain(domain)`: the registered domain (core's rule, public suffixes under .us) as an
 * SQL function, memoised per distinct domain (a few thousand), so the keys below stay SQL and
 * need no TEMP table: read-only connections (query_only) cannot create one.
 */
const withFunctions = new WeakSet<Db>();
function registerFunctions(db: Db): void {
  if (withFunctions.has(db)) return;
  const memo = new Map<string, string>();
  db.function('aicop_regdomain', { deterministic: true }, (domain: unknown) => {
    const d = String(domain);
    let r = memo.get(d);
    if (r === undefined) {
      r = registeredDomain(d);
      memo.set(d, r);
    }
    return r;
  });
  withFunctions.add(db);
}

// The local part with a +tag dropped and dots removed (core/identity.ts canonicalLocalPart, in
// SQL), then @ and the registered domain: one person's key under one mail system.
const LOCAL = "substr(m.email, 1, instr(m.email, '@') - 1)";
const ADDRESS_KEY = `replace(CASE WHEN instr(${LOCAL}, '+') > 1 THEN substr(${LOCAL}, 1, instr(${LOCAL}, '+') - 1) ELSE ${LOCAL} END, '.', '') || '@' || aicop_regdomain(m.domain)`;
const NAME_KEY = 'lower(trim(m.first_name)) || char(31) || lower(trim(m.last_name)) || char(31) || m.agency_id';
const NAME_KNOWN = "m.first_name IS NOT NULL AND m.last_name IS NOT NULL AND m.agency_id IS NOT NULL AND trim(m.first_name) <> '' AND trim(m.last_name) <> ''";
const CANDIDATE_COLUMNS = 'm.id, m.email, m.first_name, m.last_name, m.agency_id, m.joined_on, m.left_on, m.created_batch';

export interface DuplicateMember {
  readonly id: number;
  readonly email: string;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly agency_id: number | null;
  readonly agency: string | null;
  readonly joined_on: string;
  readonly left_on: string | null;
  readonly created_batch: number | null;
}

export interface DuplicateCandidates {
  /** Groups of members sharing a canonical local part under one registered domain. */
  readonly byAddress: DuplicateMember[][];
  /** Groups of members with the same first and last name at one agency. */
  readonly byName: DuplicateMember[][];
}

function agencyNames(db: Db): Map<number, string> {
  return new Map(db.prepare<[], [number, string]>('SELECT id, name FROM agencies').raw().all());
}

/**
 * Members that may be one person, in groups by key (SPEC §11): same local part (dots and a
 * +tag ignored) under one registered domain; same first and last name (case and spaces
 * ignored) at one agency. One sorted pass over members per key, never a pairwise scan.
 */
export function findDuplicateCandidates(db: Db): DuplicateCandidates {
  registerFunctions(db);
  const names = agencyNames(db);
  const groupsOf = (keySql: string, where: string): DuplicateMember[][] => {
    const rows = db
      .prepare<[], DuplicateMember & { k: string; n: number }>(
        `SELECT * FROM (SELECT k, ${CANDIDATE_COLUMNS.replace(/m\./g, '')}, count(*) OVER (PARTITION BY k) AS n FROM (
           SELECT ${keySql} AS k, ${CANDIDATE_COLUMNS} FROM members m ${where}))
         WHERE n > 1 ORDER BY k, id`,
      )
      .iterate();
    const out: DuplicateMember[][] = [];
    let key: string | undefined;
    for (const { k, n, ...m } of rows) {
      void n;
      const member = { ...m, agency: m.agency_id === null ? null : (names.get(m.agency_id) ?? null) };
      if (k !== key) out.push([member]);
      else out[out.length - 1]?.push(member);
      key = k;
    }
    return out;
  };
  return { byAddress: groupsOf(ADDRESS_KEY, ''), byName: groupsOf(NAME_KEY, `WHERE ${NAME_KNOWN}`) };
}

/** A member an import added that looks like a member who was there before (SPEC §11). */
export interface LookAlike {
  readonly added: DuplicateMember;
  readonly existing: DuplicateMember;
  readonly reason: 'address' | 'name';
}

/**
 * Computes the look-alike keys (core/identity.ts addressKey, nameKey) of every member that has
 * none: members added or changed since the last check (migration 020's trigger dropped theirs),
 * or written by other tools. Two counts say whether any is missing, so a check that finds every
 * key in place costs no scan. Returns how many members got keys.
 *
 */
export function ensureMemberKeys(db: Db, newFrom = 0): number {
  const members = db.prepare('SELECT count(*) FROM members').pluck().get() as number;
  const keyed = db.prepare('SELECT count(*) FROM member_keys').pluck().get() as number;
  if (members === keyed) return 0;
  // `newFrom`: the first id an import added. When the members without keys are exactly those,
  // the search starts there instead of probing every earlier member.
  let last = 0;
  if (newFrom > 0 && members - keyed === (db.prepare('SELECT count(*) FROM members WHERE id >= ?').pluck().get(newFrom) as number)) last = newFrom - 1;
  const missing = db.prepare<[number], [number, string, string, string | null, string | null, number | null]>(
    `SELECT m.id, m.email, m.domain, m.first_name, m.last_name, m.agency_id FROM members m
     WHERE m.id > ? AND NOT EXISTS (SELECT 1 FROM member_keys k WHERE k.member_id = m.id) ORDER BY m.id LIMIT 4096`,
  ).raw();
  // A large backfill (after the upgrade, or after a first bulk load) inserts without the two
  // indexes and builds them after, sorted: inserting a million random keys into them took about
  // eight times as long (107 s against 13 s of wall time for 960k members on a busy machine).
  // Only when the missing outnumber the keys in place: the build sorts them all.
  const rebuild = members - keyed >= REBUILD_KEYS_FROM && members - keyed >= keyed;
  if (rebuild) db.exec('DROP INDEX member_keys_address; DROP INDEX member_keys_name;');
  const insert = db.prepare<[number, string, string | null]>('INSERT OR REPLACE INTO member_keys (member_id, address_key, name_key) VALUES (?, ?, ?)');
  const regdomains = new Map<string, string>();
  let done = 0;
  for (;;) {
    const rows = missing.all(last);
    if (rows.length === 0) break;
    for (const [id, email, domain, first, lastName, agencyId] of rows) {
      let reg = regdomains.get(domain);
      if (reg === undefined) {
        reg = registeredDomain(domain);
        regdomains.set(domain, reg);
      }
      insert.run(id, addressKey(email, reg), nameKey(first, lastName, agencyId));
      last = id;
    }
    done += rows.length;
  }
  if (rebuild) for (const sql of MEMBER_KEY_INDEXES) db.exec(sql);
  return done;
}

const REBUILD_KEYS_FROM = 50_000;

/**
 * The members with id >= `firstNew` (those an import added) that share a key with a member
 * who was there before (id < firstNew), found through the stored keys (migration 020): the new
 * members' keys probe the index of everyone's, so the cost grows with the new rows, not with the
 * database. A name shared by more than `maxNameMatches` earlier members is a common name,
 * not a likely duplicate, and is left out. Returns how many new members look like someone, and
 * the first `limit` of them with the member each resembles.
 */
export function findLookAlikes(db: Db, firstNew: number, maxNameMatches: number, limit: number): { rows: number; examples: LookAlike[] } {
  const before = db.prepare<[number], number>('SELECT count(*) FROM (SELECT 1 FROM members WHERE id < ? LIMIT 1)').pluck().get(firstNew) ?? 0;
  const added = db.prepare<[number], number>('SELECT count(*) FROM (SELECT 1 FROM members WHERE id >= ? LIMIT 1)').pluck().get(firstNew) ?? 0;
  if (before === 0 || added === 0) return { rows: 0, examples: [] };
  ensureMemberKeys(db, firstNew);
  const pairs = db
    .prepare<[{ first: number }], { added: number; existing: number; reason: 'address' | 'name' }>(
      `SELECT n.member_id AS added, e.member_id AS existing, 'address' AS reason FROM member_keys n
         JOIN member_keys e INDEXED BY member_keys_address ON e.address_key = n.address_key AND e.member_id < @first
       WHERE n.member_id >= @first
       UNION ALL
       SELECT n.member_id, e.member_id, 'name' FROM member_keys n
         JOIN member_keys e INDEXED BY member_keys_name ON e.name_key = n.name_key AND e.member_id < @first
       WHERE n.member_id >= @first AND n.name_key IS NOT NULL
       ORDER BY 1, 3, 2`,
    )
    .all({ first: firstNew });
  const nameMatches = new Map<number, number>();
  for (const p of pairs) if (p.reason === 'name') nameMatches.set(p.added, (nameMatches.get(p.added) ?? 0) + 1);
  const names = agencyNames(db);
  const get = db.prepare<[number], Omit<DuplicateMember, 'agency'>>(`SELECT ${CANDIDATE_COLUMNS} FROM members m WHERE m.id = ?`);
  const load = (id: number): DuplicateMember => {
    const m = get.get(id) as Omit<DuplicateMember, 'agency'>;
    return { ...m, agency: m.agency_id === null ? null : (names.get(m.agency_id) ?? null) };
  };
  const examples: LookAlike[] = [];
  const rows = new Set<number>();
  let last = '';
  for (const p of pairs) {
    if (p.reason === 'name' && (nameMatches.get(p.added) ?? 0) > maxNameMatches) continue;
    rows.add(p.added);
    // One example per new member (its first match), the first `limit` of them.
    if (examples.length < limit && last !== String(p.added)) examples.push({ added: load(p.added), existing: load(p.existing), reason: p.reason });
    last = String(p.added);
  }
  return { rows: rows.size, examples };
}

/** The merge batch's record of the kept member's state, stored once the merge is written. */
export function storeMergeState(db: Db, batchId: number, keepId: number): void {
  db.prepare("UPDATE import_batches SET options = json_set(options, '$.state', ?) WHERE id = ?").run(memberStateFingerprint(db, keepId), batchId);
}
