import type { Db } from './open.js';

/**
 * The SQL behind every report figure (SPEC §8). A member counts at date D when
 * joined_on <= D and (left_on IS NULL OR left_on > D); dates are ISO text, so text comparison
 * is date comparison. Each query is a single pass that returns small aggregates; the builders
 * in src/report/ do the rest.
 */

/** Membership figures of one (agency, member type) cell; agency_id null = no agency known. */
export interface MemberCell {
  readonly agency_id: number | null;
  readonly member_type: string;
  readonly at_start: number;
  readonly joined: number;
  readonly left: number;
  readonly at_end: number;
}

export interface AgencyInfo {
  readonly id: number;
  readonly name: string;
  readonly organization: string | null;
  /** null for source='unmapped' agencies (reported as level "unknown"). */
  readonly level: string | null;
}

export interface GroupCell {
  readonly id: number;
  readonly name: string;
  readonly kind: 'working_group' | 'practice_area';
  readonly members_at_end: number;
  readonly joined_in_fy: number;
}

export interface EventCell {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly held_on: string;
  readonly track: string | null;
  readonly government_wide: number;
  readonly registrations: number;
  readonly attendances: number;
  /** Satisfaction counts s1..s5 and NPS counts n0..n10. */
  readonly s: readonly number[];
  readonly n: readonly number[];
}

export interface AttendeeTotals {
  readonly unique_attendees: number;
  readonly unique_member_attendees: number;
}

/**
 * Connection settings for the report's large read-only scans: memory-mapped reads (no read
 * syscall per page) and a bigger page cache. They only affect this connection.
 */
export function tuneForReports(db: Db): void {
  db.pragma('mmap_size = 1073741824');
  db.pragma('cache_size = -65536');
}

/** The dates one membership query needs: the day before the FY, its first and last day. */
export interface FyDates {
  readonly before: string;
  readonly start: string;
  readonly end: string;
}

const COUNTED = (d: string) => `(joined_on <= ${d} AND (left_on IS NULL OR left_on > ${d}))`;

/**
 * One pass over members (covered by index members_report from migration 007), grouped by
 * agency and member type: at_start (counted the day before the FY), joined and left within
 * the FY, at_end (counted on the FY's last day).
 */
const MEMBER_CELLS_SQL = `SELECT agency_id, member_type,
         count(CASE WHEN ${COUNTED(':before')} THEN 1 END) AS at_start,
         count(CASE WHEN joined_on >= :start AND joined_on <= :end THEN 1 END) AS joined,
         count(CASE WHEN left_on >= :start AND left_on <= :end THEN 1 END) AS "left",
         count(CASE WHEN ${COUNTED(':end')} THEN 1 END) AS at_end
       FROM members
       WHERE joined_on <= :end
       GROUP BY agency_id, member_type`;

export function memberCells(db: Db, d: FyDates): MemberCell[] {
  return db.prepare(MEMBER_CELLS_SQL).all(d) as MemberCell[];
}

/** Every agency of the directory that has members (small: one row per agency). */
const AGENCIES_SQL = `SELECT id, name, organization, level FROM agencies
       WHERE id IN (SELECT DISTINCT agency_id FROM members WHERE agency_id IS NOT NULL)`;

export function agenciesWithMembers(db: Db): AgencyInfo[] {
  return db.prepare(AGENCIES_SQL).all() as AgencyInfo[];
}

/**
 * Per group: members assigned on the FY's last day who are themselves counted then, and
 * distinct members whose assignment to the group started within the FY. No DISTINCT is needed
 * for the first: assignment periods [assigned_on, removed_on) of one member in one group never
 * overlap (one open row at most, enforced by assignments_open; a re-assignment starts when or
 * after the previous one ended), so on one day at most one row is active. Groups archived
 * before the FY began are left out.
 */
const GROUP_CELLS_SQL = `SELECT g.id, g.name, g.kind,
         coalesce(x.members_at_end, 0) AS members_at_end,
         coalesce(x.joined_in_fy, 0) AS joined_in_fy
       FROM groups g
       LEFT JOIN (
         SELECT a.group_id,
           count(CASE WHEN (a.removed_on IS NULL OR a.removed_on > :end)
                           AND m.joined_on <= :end AND (m.left_on IS NULL OR m.left_on > :end)
                      THEN 1 END) AS members_at_end,
           count(DISTINCT CASE WHEN a.assigned_on >= :start AND a.assigned_on <= :end THEN a.member_id END) AS joined_in_fy
         FROM assignments a JOIN members m ON m.id = a.member_id
         WHERE a.assigned_on <= :end
         GROUP BY a.group_id
       ) x ON x.group_id = g.id
       WHERE g.archived_on IS NULL OR g.archived_on >= :start
       ORDER BY g.kind DESC, g.id`;

export function groupCells(db: Db, d: FyDates): GroupCell[] {
  return db.prepare(GROUP_CELLS_SQL).all(d) as GroupCell[];
}

interface EventRow {
  id: string;
  title: string;
  type: string;
  held_on: string;
  track: string | null;
  government_wide: number;
  registrations: number;
  attendances: number;
  [k: string]: unknown;
}

const S_COLS = [1, 2, 3, 4, 5].map((s) => `count(CASE WHEN a.satisfaction = ${s} THEN 1 END) AS s${s}`).join(',\n         ');
const N_COLS = Array.from({ length: 11 }, (_, s) => `count(CASE WHEN a.nps = ${s} THEN 1 END) AS n${s}`).join(',\n         ');

/** Events held in the FY with their registration, attendance and score counts. */
const EVENT_CELLS_SQL = `SELECT e.id, e.title, e.type, e.held_on, e.track, e.government_wide,
         count(CASE WHEN a.registered = 1 THEN 1 END) AS registrations,
         count(CASE WHEN a.attended = 1 THEN 1 END) AS attendances,
         ${S_COLS},
         ${N_COLS}
       FROM events e LEFT JOIN attendance a ON a.event_id = e.id
       WHERE e.fiscal_year = ?
       GROUP BY e.id
       ORDER BY e.held_on, e.id`;

export function eventCells(db: Db, fy: number): EventCell[] {
  const rows = db.prepare(EVENT_CELLS_SQL).all(fy) as EventRow[];
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    type: r.type,
    held_on: r.held_on,
    track: r.track,
    government_wide: r.government_wide,
    registrations: r.registrations,
    attendances: r.attendances,
    s: [1, 2, 3, 4, 5].map((s) => r[`s${s}`] as number),
    n: Array.from({ length: 11 }, (_, s) => r[`n${s}`] as number),
  }));
}

/** Distinct people (by email) and distinct members who attended at least one FY event. */
const ATTENDEES_SQL = `SELECT count(DISTINCT a.email) AS unique_attendees, count(DISTINCT a.member_id) AS unique_member_attendees
       FROM events e JOIN attendance a ON a.event_id = e.id
       WHERE e.fiscal_year = ? AND a.attended = 1`;

export function attendeeTotals(db: Db, fy: number): AttendeeTotals {
  return db.prepare(ATTENDEES_SQL).get(fy) as AttendeeTotals;
}

/**
 * The statements one FY's annual report runs, with the parameters written in as literals, so
 * that the benchmark can time exactly the same SQL in the sqlite3 command-line shell.
 */
export function reportStatements(d: FyDates, fy: number): string[] {
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const named = (sql: string) => sql.replace(/:(before|start|end)\b/g, (_m, k: keyof FyDates) => lit(d[k]));
  return [named(MEMBER_CELLS_SQL), AGENCIES_SQL, named(GROUP_CELLS_SQL), EVENT_CELLS_SQL.replace('?', String(fy)), ATTENDEES_SQL.replace('?', String(fy))];
}
