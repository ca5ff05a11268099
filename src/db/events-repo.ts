import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';
import type { AttendanceRecord, EventRecord, EventType, Track } from '../core/events.js';

/** An events row as stored. */
export type EventRow = {
  readonly id: string;
  readonly title: string;
  readonly type: EventType;
  readonly held_on: string;
  readonly track: Track | null;
  readonly series: string | null;
  readonly host: string | null;
  readonly government_wide: 0 | 1;
  readonly created_batch: number | null;
  readonly updated_batch: number | null;
};

/** An attendance row as stored. */
export type AttendanceRow = {
  readonly event_id: string;
  readonly email: string;
  readonly member_id: number | null;
  readonly registered: 0 | 1;
  readonly attended: 0 | 1;
  readonly satisfaction: number | null;
  readonly nps: number | null;
  readonly comment: string | null;
  readonly created_batch: number | null;
  readonly updated_batch: number | null;
};

export type UpsertOutcome = 'added' | 'updated' | 'unchanged';

/** Optional event fields an update may leave as stored. */
export type EventKeepable = 'track' | 'series' | 'host' | 'government_wide';
/** Optional attendance fields an update may leave as stored. */
export type AttendanceKeepable = 'registered' | 'attended' | 'satisfaction' | 'nps' | 'comment';
const KEEP_NOTHING: ReadonlySet<never> = new Set<never>();

const EVENT_COLUMNS = ['title', 'type', 'held_on', 'track', 'series', 'host', 'government_wide'] as const;
const ATTENDANCE_COLUMNS = ['member_id', 'registered', 'attended', 'satisfaction', 'nps', 'comment'] as const;

/**
 * For a re-imported row: columns in `keep` (absent from the file) take their stored values, then
 * returns true when no compared column differs from the stored row.
 */
function keepAndCompare<P extends Record<C, unknown>, C extends string>(params: P, before: Record<C, unknown>, keep: ReadonlySet<string>, columns: readonly C[]): boolean {
  for (const c of columns) if (keep.has(c)) (params as Record<C, unknown>)[c] = before[c];
  return columns.every((c) => before[c] === params[c]);
}

/** What an upsert did, with the row as it was before (null when added) for undo. */
export interface UpsertResult<R> {
  readonly outcome: UpsertOutcome;
  readonly before: R | null;
}

export interface EventsRepo {
  eventExists(id: string): boolean;
  getEvent(id: string): EventRow | undefined;
  getAttendance(eventId: string, email: string): AttendanceRow | undefined;
  /**
   * Inserts the event or updates it when a field differs; `batchId` marks the change. Fields in
   * `keep` (columns the file does not have) keep their stored values on update.
   */
  upsertEvent(rec: EventRecord, batchId: number | null, keep?: ReadonlySet<EventKeepable>): UpsertResult<EventRow>;
  /**
   * Inserts or updates one (event, email) row, linking member_id when the address is a
   * member's. Re-importing the same row updates it, never duplicates it.
   */
  /** `stored`: the row as getAttendance just read it (undefined: none), to save reading it again. */
  upsertAttendance(
    rec: AttendanceRecord,
    batchId: number | null,
    keep: ReadonlySet<AttendanceKeepable>,
    stored: AttendanceRow | undefined,
  ): UpsertResult<AttendanceRow> & { readonly memberId: number | null };
  /** Links earlier attendance rows whose attendee has become a member since; returns the count. */
  linkNewMembers(): number;
}

/**
 * The (event, email) pairs an attendance import has met among rows stored before it, to tell a
 * repeated pair (duplicate_in_file) whose first row changed nothing; a pair whose row the import
 * added or updated is told by the row's batch ids. A TEMP table rather than a Set, so memory stays flat on a file of
 * millions of rows; `add` returns false for a pair met before. Call `drop` at the import's end.
 */
export function createAttendanceSeen(db: Db): { add(eventId: string, email: string): boolean; drop(): void } {
  db.exec(
    'CREATE TEMP TABLE IF NOT EXISTS aicop_seen_attendance (event_id TEXT NOT NULL, email TEXT NOT NULL, PRIMARY KEY (event_id, email)) WITHOUT ROWID; DELETE FROM temp.aicop_seen_attendance;',
  );
  const insert = db.prepare<[string, string]>('INSERT OR IGNORE INTO temp.aicop_seen_attendance (event_id, email) VALUES (?, ?)');
  return {
    add: (eventId, email) => insert.run(eventId, email).changes === 1,
    drop: () => db.exec('DROP TABLE IF EXISTS temp.aicop_seen_attendance'),
  };
}

/**
 * Links the attendance of people who have become members (or aliases of one) since it was
 * stored. The unlinked rows are found through attendance_member (member_id IS NULL), each checked
 * against members and aliases. The unary `+` keeps the planner off the other way round: with
 * statistics (a database someone ran ANALYZE on), SQLite 3.53 chose to take every member's email
 * and skip-scan the attendance key for it across all events, 230 s instead of 0.3 s on a million
 * members and five million attendance rows.
 */
export const LINK_NEW_MEMBERS = `UPDATE attendance SET member_id = coalesce((SELECT m.id FROM members m WHERE m.email = attendance.email), (SELECT a.member_id FROM member_aliases a WHERE a.email = attendance.email))
     WHERE member_id IS NULL AND (+email IN (SELECT email FROM members) OR +email IN (SELECT email FROM member_aliases))`;

const repos = new WeakMap<Db, EventsRepo>();

/** The events repository of a connection; its statements are prepared once per connection. */
export function eventsRepo(db: Db): EventsRepo {
  let repo = repos.get(db);
  if (repo === undefined) {
    repo = createEventsRepo(db);
    repos.set(db, repo);
  }
  return repo;
}

function createEventsRepo(db: Db): EventsRepo {
  const exists = db.prepare('SELECT 1 FROM events WHERE id = ?').pluck();
  const getEvent = db.prepare('SELECT id, title, type, held_on, track, series, host, government_wide, created_batch, updated_batch FROM events WHERE id = ?') as Statement<[string], EventRow>;
  const insertEvent = db.prepare(
    'INSERT INTO events (id, title, type, held_on, track, series, host, government_wide, created_batch, updated_batch) VALUES (@id, @title, @type, @held_on, @track, @series, @host, @government_wide, @batch, @batch)',
  );
  const updateEvent = db.prepare(
    'UPDATE events SET title = @title, type = @type, held_on = @held_on, track = @track, series = @series, host = @host, government_wide = @government_wide, updated_batch = @batch WHERE id = @id',
  );
  const getAttendance = db.prepare(
    'SELECT event_id, email, member_id, registered, attended, satisfaction, nps, comment, created_batch, updated_batch FROM attendance WHERE event_id = ? AND email = ?',
  ) as Statement<[string, string], AttendanceRow>;
  // A former address (SPEC §11) counts for its member.
  const memberId = db
    .prepare('SELECT coalesce((SELECT id FROM members WHERE email = @e), (SELECT member_id FROM member_aliases WHERE email = @e))')
    .pluck() as Statement<[{ e: string }], number | null>;
  const insertAttendance = db.prepare(
    `INSERT INTO attendance (event_id, email, member_id, registered, attended, satisfaction, nps, comment, created_batch, updated_batch)
     VALUES (@event_id, @email, @member_id, @registered, @attended, @satisfaction, @nps, @comment, @batch, @batch)`,
  );
  const updateAttendance = db.prepare(
    `UPDATE attendance SET member_id = @member_id, registered = @registered, attended = @attended, satisfaction = @satisfaction,
       nps = @nps, comment = @comment, updated_batch = @batch WHERE event_id = @event_id AND email = @email`,
  );

  const link = db.prepare(LINK_NEW_MEMBERS);

  return {
    eventExists: (id) => exists.get(id) !== undefined,
    linkNewMembers: () => link.run().changes,
    getEvent: (id) => getEvent.get(id),
    getAttendance: (eventId, email) => getAttendance.get(eventId, email),
    upsertEvent(rec, batchId, keep = KEEP_NOTHING) {
      const params = {
        id: rec.id,
        title: rec.title,
        type: rec.type,
        held_on: rec.heldOn,
        track: rec.track,
        series: rec.series,
        host: rec.host,
        government_wide: rec.governmentWide ? 1 : 0,
        batch: batchId,
      };
      const before = getEvent.get(rec.id);
      if (before === undefined) {
        insertEvent.run(params);
        return { outcome: 'added', before: null };
      }
      if (keepAndCompare(params, before, keep, EVENT_COLUMNS)) return { outcome: 'unchanged', before };
      updateEvent.run(params);
      return { outcome: 'updated', before };
    },
    upsertAttendance(rec, batchId, keep, before) {
      const params = {
        event_id: rec.eventId,
        email: rec.email,
        member_id: memberId.get({ e: rec.email }) ?? null,
        registered: rec.registered ? 1 : 0,
        attended: rec.attended ? 1 : 0,
        satisfaction: rec.satisfaction,
        nps: rec.nps,
        comment: rec.comment,
        batch: batchId,
      };
      if (before === undefined) {
        insertAttendance.run(params);
        return { outcome: 'added', before: null, memberId: params.member_id };
      }
      if (keepAndCompare(params, before, keep, ATTENDANCE_COLUMNS)) return { outcome: 'unchanged', before, memberId: params.member_id };
      updateAttendance.run(params);
      return { outcome: 'updated', before, memberId: params.member_id };
    },
  };
}

/**
 * Links attendance rows to members by email where not linked yet (attendees who became members
 * after their event was imported). Returns the number of rows linked. `import members` and
 * `members add` call it when someone joins; `import attendance` calls it before each import too,
 * for members written by other means (a restored backup of an older version, direct SQL).
 */
export function linkAttendanceToMembers(db: Db): number {
  return eventsRepo(db).linkNewMembers();
}

/**
 * Sets an event's series (null clears it) as a manual edit: updated_batch becomes NULL, so
 * `imports undo` of the batch that wrote the event refuses instead of overwriting the edit.
 * Returns the series before, or undefined when there is no such event.
 */
export function setEventSeries(db: Db, id: string, series: string | null): { before: string | null } | undefined {
  const row = db.prepare<[string], { series: string | null }>('SELECT series FROM events WHERE id = ?').get(id);
  if (!row) return undefined;
  if (row.series !== series) db.prepare('UPDATE events SET series = ?, updated_batch = NULL WHERE id = ?').run(series, id);
  return { before: row.series };
}

/** Event ids like the given one (case-insensitive substring), for "did you mean" hints. */
export function similarEventIds(db: Db, id: string, limit = 5): string[] {
  return db.prepare<[string, number], string>('SELECT id FROM events WHERE instr(lower(id), lower(?)) > 0 ORDER BY held_on DESC LIMIT ?').pluck().all(id.trim(), limit);
}

/** One line of `events list`: the event and its per-score tallies. */
export interface EventSummaryRow {
  readonly id: string;
  readonly held_on: string;
  readonly fiscal_year: number;
  readonly type: EventType;
  readonly title: string;
  readonly track: Track | null;
  readonly series: string | null;
  readonly host: string | null;
  readonly government_wide: 0 | 1;
  readonly registrations: number;
  readonly attendances: number;
  /** Attendees who are members (linked by email). */
  readonly member_attendances: number;
  readonly responses: number;
  readonly s1: number;
  readonly s2: number;
  readonly s3: number;
  readonly s4: number;
  readonly s5: number;
  readonly nps_responses: number;
  readonly nps_promoters: number;
  readonly nps_detractors: number;
}

export interface EventFilter {
  /** Only events held in this fiscal year. */
  readonly fiscalYear?: number | undefined;
  readonly types?: readonly EventType[] | undefined;
}

function where(filter: EventFilter): { sql: string; params: (string | number)[] } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  if (filter.fiscalYear !== undefined) {
    clauses.push('e.fiscal_year = ?');
    params.push(filter.fiscalYear);
  }
  if (filter.types !== undefined && filter.types.length > 0) {
    clauses.push(`e.type IN (${filter.types.map(() => '?').join(', ')})`);
    params.push(...filter.types);
  }
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

/** Events with registrations, attendances and satisfaction tallies, oldest first. */
export function listEventSummaries(db: Db, filter: EventFilter = {}): EventSummaryRow[] {
  const w = where(filter);
  const sql = `
    SELECT e.id, e.held_on, e.fiscal_year, e.type, e.title, e.track, e.series, e.host, e.government_wide,
      coalesce(sum(a.registered), 0) AS registrations,
      coalesce(sum(a.attended), 0) AS attendances,
      coalesce(sum(a.attended AND a.member_id IS NOT NULL), 0) AS member_attendances,
      count(a.satisfaction) AS responses,
      coalesce(sum(a.satisfaction = 1), 0) AS s1,
      coalesce(sum(a.satisfaction = 2), 0) AS s2,
      coalesce(sum(a.satisfaction = 3), 0) AS s3,
      coalesce(sum(a.satisfaction = 4), 0) AS s4,
      coalesce(sum(a.satisfaction = 5), 0) AS s5,
      count(a.nps) AS nps_responses,
      coalesce(sum(a.nps >= 9), 0) AS nps_promoters,
      coalesce(sum(a.nps <= 6), 0) AS nps_detractors
    FROM events e LEFT JOIN attendance a ON a.event_id = e.id
    ${w.sql}
    GROUP BY e.id
    ORDER BY e.held_on, e.id`;
  return db.prepare(sql).all(...w.params) as EventSummaryRow[];
}

/** One line of `export attendance`: an attendance row with its event's fields. */
export interface AttendanceExportRow {
  readonly event_id: string;
  readonly held_on: string;
  readonly fiscal_year: number;
  readonly type: EventType;
  readonly title: string;
  readonly track: Track | null;
  readonly host: string | null;
  readonly government_wide: 0 | 1;
  readonly email: string;
  readonly member: 0 | 1;
  readonly registered: 0 | 1;
  readonly attended: 0 | 1;
  readonly satisfaction: number | null;
  readonly nps: number | null;
  readonly comment: string | null;
}

/** Attendance rows with event fields, by date, event and email; streamed (iterate). */
export function iterateAttendanceExport(db: Db, filter: EventFilter = {}): IterableIterator<AttendanceExportRow> {
  const w = where(filter);
  const sql = `
    SELECT a.event_id, e.held_on, e.fiscal_year, e.type, e.title, e.track, e.host, e.government_wide,
      a.email, a.member_id IS NOT NULL AS member, a.registered, a.attended, a.satisfaction, a.nps, a.comment
    FROM attendance a JOIN events e ON e.id = a.event_id
    ${w.sql}
    ORDER BY e.held_on, a.event_id, a.email`;
  return db.prepare(sql).iterate(...w.params) as IterableIterator<AttendanceExportRow>;
}
