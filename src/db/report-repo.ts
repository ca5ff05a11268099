import type { Db } from './open.js';

/**
 * The SQL behind every report figure (SPEC §8, §10). A member counts at date D when one of
 * their membership spans covers D (start_on <= D and (end_on IS NULL or end_on > D)), with the
 * agency and type of that span; dates are ISO text, so text comparison is date comparison. Each query returns small aggregates; the builders in src/report/ do the rest.
 *
 * Two implementations return the same figures: ROLLUP_QUERIES read the fiscal-year rollup
 * tables that migration 009's triggers keep exact (a few thousand rows for the membership and
 * group figures), and REFERENCE_QUERIES scan the base tables. The report runs the first; the
 * tests check it against the second after random writes.
 */

/**
 * Membership figures of one (agency, member type) cell, with the agency and type in force on
 * the day each figure counts (SPEC §10); agency_id null = no agency known. `joined` counts
 * periods that began in the FY (`rejoined` those that were a former member's return), `left`
 * periods that ended in it; `moved_in`/`moved_out` members whose agency or type changed into or
 * out of this cell during the FY, so at_end = at_start + joined - left + moved_in - moved_out
 * holds for every cell (the moves cancel out in any total over all cells).
 */
export interface MemberCell {
  readonly agency_id: number | null;
  readonly member_type: string;
  readonly at_start: number;
  readonly joined: number;
  readonly rejoined: number;
  readonly left: number;
  readonly moved_in: number;
  readonly moved_out: number;
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
  readonly series: string | null;
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

/** Unique attendees of one group of events: dim 'type', 'series', 'track' or 'quarter'; key '' = no series or track. */
export interface GroupAttendees {
  readonly dim: string;
  readonly key: string;
  readonly unique_attendees: number;
  readonly unique_member_attendees: number;
}

/** Membership periods begun and ended in one fiscal quarter. */
export interface QuarterMoves {
  readonly key: string;
  readonly joined: number;
  readonly rejoined: number;
  readonly left: number;
}

/** One fiscal year's parameters: its number, the day before it, its first and last day. */
export interface FyDates {
  readonly fy: number;
  readonly before: string;
  readonly start: string;
  readonly end: string;
}

/** Every query one report section needs, for one FY. */
export interface ReportQueries {
  memberCells(db: Db, d: FyDates): MemberCell[];
  agenciesWithMembers(db: Db): AgencyInfo[];
  groupCells(db: Db, d: FyDates): GroupCell[];
  eventCells(db: Db, d: FyDates): EventCell[];
  attendeeTotals(db: Db, d: FyDates): AttendeeTotals;
  /** Unique attendees per event type, series, track and quarter. */
  groupAttendees(db: Db, d: FyDates): GroupAttendees[];
  /** Joins and departures per fiscal quarter (quarters without any are missing). */
  quarterMoves(db: Db, d: FyDates): QuarterMoves[];
}

interface EventRow {
  id: string;
  title: string;
  type: string;
  held_on: string;
  track: string | null;
  series: string | null;
  government_wide: number;
  registrations: number;
  attendances: number;
  [k: string]: unknown;
}

const S_KEYS = [1, 2, 3, 4, 5];
const N_KEYS = Array.from({ length: 11 }, (_, s) => s);

function toEventCell(r: EventRow): EventCell {
  return {
    id: r.id,
    title: r.title,
    type: r.type,
    held_on: r.held_on,
    track: r.track,
    series: r.series,
    government_wide: r.government_wide,
    registrations: r.registrations,
    attendances: r.attendances,
    s: S_KEYS.map((s) => r[`s${s}`] as number),
    n: N_KEYS.map((s) => r[`n${s}`] as number),
  };
}

// ---------------------------------------------------------------------------------------------
// Rollups (migration 013). member_fy counts membership spans by the FY they began and the FY
// they ended (0 = open). A span counts at the end of FY N when start_fy <= N and (end_fy = 0 or
// end_fy > N): dates compare as text, and a date is after N-09-30 exactly when its FY is after N.
// at_start of N is the count at the end of N - 1.

const ROLLUP_MEMBER_CELLS_SQL = `SELECT nullif(agency_id, 0) AS agency_id, member_type,
         sum(CASE WHEN start_fy < :fy AND (end_fy = 0 OR end_fy >= :fy) THEN n ELSE 0 END) AS at_start,
         sum(CASE WHEN start_fy = :fy AND starts <> 'change' THEN n ELSE 0 END) AS joined,
         sum(CASE WHEN start_fy = :fy AND starts = 'rejoin' THEN n ELSE 0 END) AS rejoined,
         sum(CASE WHEN end_fy = :fy AND ends = 'left' THEN n ELSE 0 END) AS "left",
         sum(CASE WHEN start_fy = :fy AND starts = 'change' THEN n ELSE 0 END) AS moved_in,
         sum(CASE WHEN end_fy = :fy AND ends = 'change' THEN n ELSE 0 END) AS moved_out,
         sum(CASE WHEN start_fy <= :fy AND (end_fy = 0 OR end_fy > :fy) THEN n ELSE 0 END) AS at_end
       FROM member_fy
       WHERE start_fy <= :fy
       GROUP BY agency_id, member_type`;

const ROLLUP_AGENCIES_SQL = `SELECT id, name, organization, level FROM agencies WHERE id IN (SELECT agency_id FROM member_fy)`;

/**
 * group_fy holds, per group, assignments by the FY range [from_fy, to_fy) at whose ends both
 * the assignment and its member are active (to_fy 0 = open); group_join one row per group,
 * FY and member whose assignment began in that FY.
 */
const ROLLUP_GROUP_CELLS_SQL = `SELECT g.id, g.name, g.kind,
         coalesce(x.members_at_end, 0) AS members_at_end,
         coalesce(j.joined_in_fy, 0) AS joined_in_fy
       FROM groups g
       LEFT JOIN (
         SELECT group_id, sum(n) AS members_at_end FROM group_fy
         WHERE from_fy <= :fy AND (to_fy = 0 OR to_fy > :fy)
         GROUP BY group_id
       ) x ON x.group_id = g.id
       LEFT JOIN (
         SELECT group_id, count(*) AS joined_in_fy FROM group_join WHERE fy = :fy GROUP BY group_id
       ) j ON j.group_id = g.id
       WHERE g.archived_on IS NULL OR g.archived_on >= :start
       ORDER BY g.kind DESC, g.id`;

const ROLLUP_EVENT_CELLS_SQL = `SELECT e.id, e.title, e.type, e.held_on, e.track, e.series, e.government_wide,
         ${['registrations', 'attendances', ...S_KEYS.map((s) => `s${s}`), ...N_KEYS.map((s) => `n${s}`)].map((c) => `coalesce(s.${c}, 0) AS ${c}`).join(', ')}
       FROM events e LEFT JOIN event_stats s ON s.event_id = e.id
       WHERE e.fiscal_year = :fy
       ORDER BY e.held_on, e.id`;

/** The year's unique attendees, stored (migration 024): counting attendee_fy's rows read ~21 MB of pages on a million attendees. */
const ROLLUP_ATTENDEES_SQL = `SELECT coalesce((SELECT attendees FROM attendee_fy_count WHERE fy = :fy), 0) AS unique_attendees,
         coalesce((SELECT member_attendees FROM attendee_fy_count WHERE fy = :fy), 0) AS unique_member_attendees`;

const ROLLUP_GROUP_ATTENDEES_SQL = `SELECT dim, key, attendees AS unique_attendees, member_attendees AS unique_member_attendees
       FROM attendee_group_count WHERE fy = :fy ORDER BY dim, key`;

/** The report's queries: the rollup tables (migrations 009, 013 and 018). */
export const ROLLUP_QUERIES: ReportQueries = {
  memberCells: (db, d) => db.prepare(ROLLUP_MEMBER_CELLS_SQL).all({ fy: d.fy }) as MemberCell[],
  agenciesWithMembers: (db) => db.prepare(ROLLUP_AGENCIES_SQL).all() as AgencyInfo[],
  groupCells: (db, d) => db.prepare(ROLLUP_GROUP_CELLS_SQL).all({ fy: d.fy, start: d.start }) as GroupCell[],
  eventCells: (db, d) => (db.prepare(ROLLUP_EVENT_CELLS_SQL).all({ fy: d.fy }) as EventRow[]).map(toEventCell),
  attendeeTotals: (db, d) => db.prepare(ROLLUP_ATTENDEES_SQL).get({ fy: d.fy }) as AttendeeTotals,
  groupAttendees: (db, d) => db.prepare(ROLLUP_GROUP_ATTENDEES_SQL).all({ fy: d.fy }) as GroupAttendees[],
  quarterMoves: quarterMovesOf,
};

// ---------------------------------------------------------------------------------------------
// Reference: the same figures from the base tables (the tests' oracle for the rollups).

/** The fiscal quarter of an ISO date column: Q1 = October-December … Q4 = July-September. */
const QUARTER = (col: string) =>
  `CASE WHEN substr(${col}, 6, 2) >= '10' THEN 'Q1' WHEN substr(${col}, 6, 2) <= '03' THEN 'Q2' WHEN substr(${col}, 6, 2) <= '06' THEN 'Q3' ELSE 'Q4' END`;

/** A span covers day D (spans that counted no day, end = start, never do). */
const COVERS = (s: string, d: string) => `(${s}.start_on <= ${d} AND (${s}.end_on IS NULL OR ${s}.end_on > ${d}))`;
const WITHIN = (col: string) => `(${col} >= :start AND ${col} <= :end)`;

/**
 * One pass over the membership spans (the reference: the report itself reads member_fy),
 * grouped by the agency and member type of each span: at_start (counted the day before the
 * FY), periods begun (joined, rejoined) and ended (left) within it, changes of agency or type
 * (moved_in / moved_out), at_end (counted on the FY's last day).
 */
const MEMBER_CELLS_SQL = `SELECT agency_id, member_type,
         count(CASE WHEN ${COVERS('s', ':before')} THEN 1 END) AS at_start,
         count(CASE WHEN s.starts = 'join' AND ${WITHIN('s.start_on')} THEN 1 END) AS joined,
         count(CASE WHEN s.starts = 'join' AND s.period > 1 AND ${WITHIN('s.start_on')} THEN 1 END) AS rejoined,
         count(CASE WHEN s.ends = 'left' AND ${WITHIN('s.end_on')} THEN 1 END) AS "left",
         count(CASE WHEN s.starts = 'change' AND ${WITHIN('s.start_on')} THEN 1 END) AS moved_in,
         count(CASE WHEN s.ends = 'change' AND ${WITHIN('s.end_on')} THEN 1 END) AS moved_out,
         count(CASE WHEN ${COVERS('s', ':end')} THEN 1 END) AS at_end
       FROM member_spans s
       WHERE s.start_on <= :end AND (s.end_on IS NULL OR s.end_on > s.start_on)
       GROUP BY agency_id, member_type`;

/** Every agency of the directory that members had at some time (small: one row per agency). */
const AGENCIES_SQL = `SELECT id, name, organization, level FROM agencies
       WHERE id IN (SELECT DISTINCT agency_id FROM member_spans WHERE agency_id IS NOT NULL AND (end_on IS NULL OR end_on > start_on))`;

/**
 * Per group: members assigned on the FY's last day who are themselves members then, and
 * distinct members whose assignment to the group began within the FY while they were members.
 * No DISTINCT is needed for the first: assignment periods of one member in one group never
 * overlap (one open row at most; a re-assignment starts when or after the previous one ended).
 * Groups archived before the FY began are left out.
 */
const GROUP_CELLS_SQL = `SELECT g.id, g.name, g.kind,
         coalesce(x.members_at_end, 0) AS members_at_end,
         coalesce(x.joined_in_fy, 0) AS joined_in_fy
       FROM groups g
       LEFT JOIN (
         SELECT a.group_id,
           count(CASE WHEN (a.removed_on IS NULL OR a.removed_on > :end)
                           AND EXISTS (SELECT 1 FROM member_spans s WHERE s.member_id = a.member_id AND ${COVERS('s', ':end')})
                      THEN 1 END) AS members_at_end,
           count(DISTINCT CASE WHEN ${WITHIN('a.assigned_on')}
                           AND EXISTS (SELECT 1 FROM member_spans s WHERE s.member_id = a.member_id AND ${COVERS('s', 'a.assigned_on')})
                      THEN a.member_id END) AS joined_in_fy
         FROM assignments a
         WHERE a.assigned_on <= :end
         GROUP BY a.group_id
       ) x ON x.group_id = g.id
       WHERE g.archived_on IS NULL OR g.archived_on >= :start
       ORDER BY g.kind DESC, g.id`;

const S_COLS = S_KEYS.map((s) => `count(CASE WHEN a.satisfaction = ${s} THEN 1 END) AS s${s}`).join(',\n         ');
const N_COLS = N_KEYS.map((s) => `count(CASE WHEN a.nps = ${s} THEN 1 END) AS n${s}`).join(',\n         ');

/** Events held from :start to :end (a FY or a quarter) with their registration, attendance and score counts. */
const EVENT_CELLS_SQL = `SELECT e.id, e.title, e.type, e.held_on, e.track, e.series, e.government_wide,
         count(CASE WHEN a.registered = 1 THEN 1 END) AS registrations,
         count(CASE WHEN a.attended = 1 THEN 1 END) AS attendances,
         ${S_COLS},
         ${N_COLS}
       FROM events e LEFT JOIN attendance a ON a.event_id = e.id
       WHERE e.held_on >= :start AND e.held_on <= :end
       GROUP BY e.id
       ORDER BY e.held_on, e.id`;

/** Distinct people (by email), and distinct members on the event's date, who attended at least one event held from :start to :end. */
const ATTENDEES_SQL = `SELECT count(DISTINCT a.email) AS unique_attendees,
         count(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM member_spans s WHERE s.member_id = a.member_id AND ${COVERS('s', 'e.held_on')}) THEN a.member_id END) AS unique_member_attendees
       FROM events e JOIN attendance a ON a.event_id = e.id
       WHERE e.held_on >= :start AND e.held_on <= :end AND a.attended = 1`;

/**
 * The attended rows of the events held from :start to :end, read once (MATERIALIZED) as `x`:
 * each with its event's type, series and track (and quarter), the email, and the member id when
 * the person was a member on the event's date.
 */
function attendedRows(withQuarter: boolean): string {
  return `WITH x AS MATERIALIZED (
         SELECT e.type, coalesce(e.series, '') AS series, coalesce(e.track, '') AS track,${withQuarter ? ` ${QUARTER('e.held_on')} AS quarter,` : ''}
           a.email,
           CASE WHEN EXISTS (SELECT 1 FROM member_spans s WHERE s.member_id = a.member_id AND ${COVERS('s', 'e.held_on')}) THEN a.member_id END AS member
         FROM events e JOIN attendance a ON a.event_id = e.id
         WHERE e.held_on >= :start AND e.held_on <= :end AND a.attended = 1)`;
}

/** `x`'s distinct attendees and member attendees per event type, series and track. */
const BY_TYPE_SERIES_TRACK = `SELECT 'type' AS dim, type AS key, count(DISTINCT email) AS unique_attendees, count(DISTINCT member) AS unique_member_attendees FROM x GROUP BY type
         UNION ALL SELECT 'series', series, count(DISTINCT email), count(DISTINCT member) FROM x GROUP BY series
         UNION ALL SELECT 'track', track, count(DISTINCT email), count(DISTINCT member) FROM x GROUP BY track`;

/**
 * Distinct attendees and member attendees (members on the event's date) per event type, series,
 * track and quarter, among the events held from :start to :end (a fiscal year or one quarter);
 * the attended rows are read once (MATERIALIZED), then counted four ways.
 */
export const GROUP_ATTENDEES_SQL = `${attendedRows(true)}
       SELECT * FROM (
         ${BY_TYPE_SERIES_TRACK}
         UNION ALL SELECT 'quarter', quarter, count(DISTINCT email), count(DISTINCT member) FROM x GROUP BY quarter)
       ORDER BY dim, key`;

/**
 * Membership periods begun (joined; rejoined: a second or later period) and ended (left) from
 * :start to :end, per day, as the year's figures count them (spans that counted no day left out).
 * Both halves read the covering indexes of migration 018 in date order, so grouping by the day
 * needs no sort; quarterMovesOf() adds the days up by fiscal quarter.
 */
const QUARTER_MOVES_SQL = `SELECT start_on AS day, count(*) AS joined, sum(period > 1) AS rejoined, 0 AS "left" FROM member_spans
         WHERE start_on >= :start AND start_on <= :end AND starts = 'join' AND (end_on IS NULL OR end_on > start_on)
         GROUP BY start_on
       UNION ALL
       SELECT end_on, 0, 0, count(*) FROM member_spans
         WHERE end_on >= :start AND end_on <= :end AND ends = 'left' AND end_on > start_on
         GROUP BY end_on`;

function quarterMovesOf(db: Db, d: FyDates): QuarterMoves[] {
  const days = db.prepare(QUARTER_MOVES_SQL).all({ start: d.start, end: d.end }) as { day: string; joined: number; rejoined: number; left: number }[];
  const out = new Map<string, { key: string; joined: number; rejoined: number; left: number }>();
  for (const r of days) {
    const m = r.day.slice(5, 7);
    const key = m >= '10' ? 'Q1' : m <= '03' ? 'Q2' : m <= '06' ? 'Q3' : 'Q4';
    const q = out.get(key) ?? { key, joined: 0, rejoined: 0, left: 0 };
    q.joined += r.joined;
    q.rejoined += r.rejoined;
    q.left += r.left;
    out.set(key, q);
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** The base-table queries: slow on large databases, kept as the rollups' reference (and run for a quarter). */
export const REFERENCE_QUERIES: ReportQueries = {
  memberCells: (db, d) => db.prepare(MEMBER_CELLS_SQL).all({ before: d.before, start: d.start, end: d.end }) as MemberCell[],
  agenciesWithMembers: (db) => db.prepare(AGENCIES_SQL).all() as AgencyInfo[],
  groupCells: (db, d) => db.prepare(GROUP_CELLS_SQL).all({ start: d.start, end: d.end }) as GroupCell[],
  eventCells: (db, d) => (db.prepare(EVENT_CELLS_SQL).all({ start: d.start, end: d.end }) as EventRow[]).map(toEventCell),
  attendeeTotals: (db, d) => db.prepare(ATTENDEES_SQL).get({ start: d.start, end: d.end }) as AttendeeTotals,
  groupAttendees: (db, d) => db.prepare(GROUP_ATTENDEES_SQL).all({ start: d.start, end: d.end }) as GroupAttendees[],
  quarterMoves: quarterMovesOf,
};

// ---------------------------------------------------------------------------------------------
// One fiscal quarter (--quarter). The rollups are per fiscal year, so a quarter was computed from
// the base tables alone: about 4.5 s of CPU on the bench database (1M members, 5M attendance
// rows). The same figures, exactly, from the rollups where they hold them, and index range scans
// over the months between the FY's start and the quarter's end for the rest.

/** The FY's first day (ISO): 1 October of the year before. */
const fyStartOf = (fy: number): string => `${fy - 1}-10-01`;

/** The fiscal quarter ('Q1'..'Q4') of an ISO date, as QUARTER() computes it in SQL. */
function quarterKeyOf(iso: string): string {
  const m = iso.slice(5, 7);
  return m >= '10' ? 'Q1' : m <= '03' ? 'Q2' : m <= '06' ? 'Q3' : 'Q4';
}

/**
 * The membership cells of a quarter [:start, :end] of FY :fy. A span covers day D when it began
 * on or before D and ends after it; so the spans covering D (D within the FY) are those covering
 * the day before the FY (member_fy: began in an earlier FY, open or ending in this one or later),
 * plus the spans that began from the FY's first day to D, less those that ended from the FY's
 * first day to D (every such span was counted in one of the first two; spans that counted no day,
 * end = start, are left out as everywhere). The joins, departures and moves are the spans that
 * began or ended within the quarter. Both ranges read member_spans_start / member_spans_end.
 * The cells are the reference's: every (agency, type) with a span begun by the quarter's end.
 */
const QUARTER_MEMBER_CELLS_SQL = `SELECT nullif(agency_id, 0) AS agency_id, member_type,
         sum(at_start) AS at_start, sum(joined) AS joined, sum(rejoined) AS rejoined, sum("left") AS "left",
         sum(moved_in) AS moved_in, sum(moved_out) AS moved_out, sum(at_end) AS at_end
       FROM (
         SELECT agency_id, member_type, CASE WHEN end_fy = 0 OR end_fy >= :fy THEN n ELSE 0 END AS at_start,
           0 AS joined, 0 AS rejoined, 0 AS "left", 0 AS moved_in, 0 AS moved_out,
           CASE WHEN end_fy = 0 OR end_fy >= :fy THEN n ELSE 0 END AS at_end
         FROM member_fy WHERE start_fy < :fy
         UNION ALL
         SELECT coalesce(agency_id, 0), member_type, start_on <= :before,
           starts = 'join' AND start_on >= :start, starts = 'join' AND period > 1 AND start_on >= :start, 0,
           starts = 'change' AND start_on >= :start, 0, 1
         FROM member_spans WHERE start_on >= :fyStart AND start_on <= :end AND (end_on IS NULL OR end_on > start_on)
         UNION ALL
         SELECT coalesce(agency_id, 0), member_type, -(end_on <= :before), 0, 0, ends = 'left' AND end_on >= :start,
           0, ends = 'change' AND end_on >= :start, -1
         FROM member_spans WHERE end_on >= :fyStart AND end_on <= :end AND end_on > start_on)
       GROUP BY agency_id, member_type`;

/** The quarter's events with their registration, attendance and score counts (event_stats). */
const QUARTER_EVENT_CELLS_SQL = `SELECT e.id, e.title, e.type, e.held_on, e.track, e.series, e.government_wide,
         ${['registrations', 'attendances', ...S_KEYS.map((s) => `s${s}`), ...N_KEYS.map((s) => `n${s}`)].map((c) => `coalesce(s.${c}, 0) AS ${c}`).join(', ')}
       FROM events e LEFT JOIN event_stats s ON s.event_id = e.id
       WHERE e.held_on >= :start AND e.held_on <= :end
       ORDER BY e.held_on, e.id`;

/** The quarter's unique attendees: its row in the per-quarter attendee rollup (migration 018). */
const QUARTER_ATTENDEES_SQL = `SELECT coalesce((SELECT attendees FROM attendee_group_count WHERE fy = :fy AND dim = 'quarter' AND key = :quarter), 0) AS unique_attendees,
         coalesce((SELECT member_attendees FROM attendee_group_count WHERE fy = :fy AND dim = 'quarter' AND key = :quarter), 0) AS unique_member_attendees`;

/**
 * Unique attendees per event type, series and track among the quarter's events: the rollups
 * hold them per FY only, so these read the quarter's attended rows (GROUP_ATTENDEES_SQL without
 * its quarter grouping); the quarter's own row comes from the rollup.
 */
const QUARTER_GROUP_ATTENDEES_SQL = `${attendedRows(false)}
       SELECT * FROM (
         ${BY_TYPE_SERIES_TRACK}
         UNION ALL SELECT dim, key, attendees, member_attendees FROM attendee_group_count WHERE fy = :fy AND dim = 'quarter' AND key = :quarter)
       ORDER BY dim, key`;

/**
 * The group cells of a quarter. An assignment counts at day D when it and one of its member's
 * spans both cover D: a pair (assignment, span) whose common interval [lo, hi) — lo the later of
 * the two starts, hi the earlier of the two ends — holds D. group_fy counts the pairs active at
 * the end of FY N − 1 (from_fy <= N − 1 < to_fy); the pairs active at the quarter's end are those
 * plus the pairs whose lo falls from the FY's first day to :end, less those whose hi falls there
 * (only pairs with lo < hi; one that begins and ends in the range adds nothing). lo is the
 * assignment's start (the span began first or that day) or the span's start (the assignment began
 * first); hi the removal (the span ends later or that day) or the span's end. The assignments
 * begun or removed since the FY began are read once (MATERIALIZED), the spans begun or ended then
 * through their date indexes. joined_in_fy: distinct members whose assignment began within the
 * quarter while they were members, as GROUP_CELLS_SQL counts them.
 */
const QUARTER_GROUP_CELLS_SQL = `WITH moved AS MATERIALIZED (
         SELECT group_id, member_id, assigned_on, removed_on FROM assignments
         WHERE (assigned_on >= :fyStart AND assigned_on <= :end) OR (removed_on >= :fyStart AND removed_on <= :end)),
       delta AS (
         SELECT a.group_id, 1 AS d FROM moved a JOIN member_spans s ON s.member_id = a.member_id
           WHERE a.assigned_on >= :fyStart AND a.assigned_on <= :end AND s.start_on <= a.assigned_on
             AND (s.end_on IS NULL OR s.end_on > a.assigned_on) AND (a.removed_on IS NULL OR a.removed_on > a.assigned_on)
         UNION ALL
         SELECT a.group_id, 1 FROM member_spans s JOIN assignments a ON a.member_id = s.member_id
           WHERE s.start_on >= :fyStart AND s.start_on <= :end AND a.assigned_on < s.start_on
             AND (a.removed_on IS NULL OR a.removed_on > s.start_on) AND (s.end_on IS NULL OR s.end_on > s.start_on)
         UNION ALL
         SELECT a.group_id, -1 FROM moved a JOIN member_spans s ON s.member_id = a.member_id
           WHERE a.removed_on >= :fyStart AND a.removed_on <= :end AND (s.end_on IS NULL OR s.end_on >= a.removed_on)
             AND max(a.assigned_on, s.start_on) < a.removed_on
         UNION ALL
         SELECT a.group_id, -1 FROM member_spans s JOIN assignments a ON a.member_id = s.member_id
           WHERE s.end_on >= :fyStart AND s.end_on <= :end AND (a.removed_on IS NULL OR a.removed_on > s.end_on)
             AND max(a.assigned_on, s.start_on) < s.end_on
         UNION ALL
         SELECT group_id, n FROM group_fy WHERE from_fy < :fy AND (to_fy = 0 OR to_fy >= :fy))
       SELECT g.id, g.name, g.kind,
         coalesce(x.members_at_end, 0) AS members_at_end,
         coalesce(j.joined_in_fy, 0) AS joined_in_fy
       FROM groups g
       LEFT JOIN (SELECT group_id, sum(d) AS members_at_end FROM delta GROUP BY group_id) x ON x.group_id = g.id
       LEFT JOIN (
         SELECT a.group_id, count(DISTINCT a.member_id) AS joined_in_fy FROM moved a
         WHERE ${WITHIN('a.assigned_on')}
           AND EXISTS (SELECT 1 FROM member_spans s WHERE s.member_id = a.member_id AND ${COVERS('s', 'a.assigned_on')})
         GROUP BY a.group_id
       ) j ON j.group_id = g.id
       WHERE g.archived_on IS NULL OR g.archived_on >= :start
       ORDER BY g.kind DESC, g.id`;

/** The queries of one fiscal quarter (d: the quarter's dates, d.fy its FY): the same figures as REFERENCE_QUERIES over those dates. */
export const QUARTER_QUERIES: ReportQueries = {
  memberCells: (db, d) => db.prepare(QUARTER_MEMBER_CELLS_SQL).all({ fy: d.fy, fyStart: fyStartOf(d.fy), before: d.before, start: d.start, end: d.end }) as MemberCell[],
  agenciesWithMembers: ROLLUP_QUERIES.agenciesWithMembers,
  groupCells: (db, d) => db.prepare(QUARTER_GROUP_CELLS_SQL).all({ fy: d.fy, fyStart: fyStartOf(d.fy), start: d.start, end: d.end }) as GroupCell[],
  eventCells: (db, d) => (db.prepare(QUARTER_EVENT_CELLS_SQL).all({ start: d.start, end: d.end }) as EventRow[]).map(toEventCell),
  attendeeTotals: (db, d) => db.prepare(QUARTER_ATTENDEES_SQL).get({ fy: d.fy, quarter: quarterKeyOf(d.start) }) as AttendeeTotals,
  groupAttendees: (db, d) => db.prepare(QUARTER_GROUP_ATTENDEES_SQL).all({ fy: d.fy, quarter: quarterKeyOf(d.start), start: d.start, end: d.end }) as GroupAttendees[],
  quarterMoves: quarterMovesOf,
};

/**
 * The statements one FY's annual report runs (the rollup queries, or with `reference` the
 * base-table ones), with the parameters written in as literals, so that the benchmark can time
 * exactly the same SQL in the sqlite3 command-line shell.
 */
export function reportStatements(d: FyDates, reference = false): string[] {
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const bind = (sql: string) =>
    sql.replace(/:(fy|before|start|end)\b/g, (_m, k: keyof FyDates) => (k === 'fy' ? String(d.fy) : lit(d[k])));
  const sqls = reference
    ? [MEMBER_CELLS_SQL, AGENCIES_SQL, GROUP_CELLS_SQL, EVENT_CELLS_SQL, ATTENDEES_SQL, GROUP_ATTENDEES_SQL, QUARTER_MOVES_SQL]
    : [ROLLUP_MEMBER_CELLS_SQL, ROLLUP_AGENCIES_SQL, ROLLUP_GROUP_CELLS_SQL, ROLLUP_EVENT_CELLS_SQL, ROLLUP_ATTENDEES_SQL, ROLLUP_GROUP_ATTENDEES_SQL, QUARTER_MOVES_SQL];
  return sqls.map(bind);
}
