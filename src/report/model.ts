import { summarizeScores, pct } from '../core/satisfaction.js';
import type { AgencyInfo, AttendeeTotals, EventCell, GroupAttendees, GroupCell, MemberCell, QuarterMoves } from '../db/report-repo.js';
import { QUARTERS, type Quarter } from '../core/fiscal-year.js';

export { QUARTERS, type Quarter };

/** The report kinds; annual holds every section. */
export const REPORT_KINDS = ['membership', 'agencies', 'groups', 'events', 'annual'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export type Section = 'membership' | 'agencies' | 'groups' | 'events';
export const SECTIONS_OF: Readonly<Record<ReportKind, readonly Section[]>> = {
  membership: ['membership'],
  agencies: ['agencies'],
  groups: ['groups'],
  events: ['events'],
  annual: ['membership', 'agencies', 'groups', 'events'],
};

export const LEVELS = ['federal', 'state', 'local', 'tribal', 'interstate', 'unknown'] as const;
export const MEMBER_TYPES = ['employee', 'contractor'] as const;
export const EVENT_TYPES = ['community_meeting', 'training', 'challenge', 'workshop', 'webinar'] as const;

export interface Flow {
  at_start: number;
  /** Membership periods begun in the FY (first joins and returns). */
  joined: number;
  /** Of those, returns of former members (a second or later period). */
  rejoined: number;
  left: number;
  at_end: number;
}

/**
 * A breakdown row also counts members whose type or level changed during the year while they
 * stayed members, so at_end = at_start + joined - left + moved_in - moved_out in every row.
 */
export interface BreakdownFlow extends Flow {
  moved_in: number;
  moved_out: number;
}

export interface MembershipSection extends Flow {
  /** (at_end - at_start) / at_start * 100, one decimal; null when at_start is 0. */
  growth_pct: number | null;
  by_member_type: Record<string, BreakdownFlow>;
  by_level: Record<string, BreakdownFlow>;
  /** Joins and departures per fiscal quarter, Q1 … Q4: they add up to joined, rejoined and left. */
  by_quarter: QuarterFlow[];
}

/** Membership periods begun (joined, of which rejoined) and ended (left) in one fiscal quarter. */
export interface QuarterFlow {
  key: Quarter;
  joined: number;
  rejoined: number;
  left: number;
}

export interface AgencyRow {
  agency: string;
  organization: string | null;
  level: string;
  members_at_end: number;
  joined_in_fy: number;
}

export interface OrganizationRow {
  organization: string;
  /** The level of its agencies, or "mixed". */
  level: string;
  /** Agencies of the organisation with ≥1 member at FY end. */
  agencies: number;
  members_at_end: number;
  joined_in_fy: number;
}

export type AgencyGrouping = 'agency' | 'organization';

export interface AgenciesSection {
  by: AgencyGrouping;
  /** Agencies with at least one member at FY end. */
  count: number;
  rows: AgencyRow[] | OrganizationRow[];
}

export interface GroupRow {
  group: string;
  members_at_end: number;
  joined_in_fy: number;
}

export interface GroupsSection {
  working_groups: GroupRow[];
  practice_areas: GroupRow[];
}

export interface Satisfaction {
  responses: number;
  counts: Record<'1' | '2' | '3' | '4' | '5', number>;
  mean: number | null;
  csat_pct: number | null;
}

export interface EventRow {
  id: string;
  title: string;
  type: string;
  held_on: string;
  series: string | null;
  track: string | null;
  government_wide: boolean;
  registrations: number;
  attendances: number;
  responses: number;
  mean: number | null;
  csat_pct: number | null;
  nps: number | null;
}

export interface EventsSection {
  count: number;
  count_by_type: Record<string, number>;
  government_wide: number;
  registrations: number;
  attendances: number;
  unique_attendees: number;
  unique_member_attendees: number;
  satisfaction: Satisfaction;
  /** responses / attendances * 100, one decimal; null without attendances. */
  response_rate: number | null;
  nps_responses: number;
  nps: number | null;
  /** Pooled figures per event type, series, track and quarter (see EventGroup). */
  by_type: EventGroup[];
  by_series: EventGroup[];
  by_track: EventGroup[];
  by_quarter: EventGroup[];
  rows: EventRow[];
}

/**
 * The events of one type, series, track or quarter, their attendance and satisfaction pooled
 * (every response of every event, not a mean of means). `key` is the type, series or track
 * (null: events without one) or the quarter: Q1 = October-December … Q4 = July-September, so the
 * four quarters add up to the year.
 */
export interface EventGroup {
  key: string | null;
  events: number;
  registrations: number;
  attendances: number;
  /** Each person once however many of the group's events they attended (as for the year). */
  unique_attendees: number;
  /** Attendees who were members on the date of an event of the group they attended. */
  unique_member_attendees: number;
  responses: number;
  mean: number | null;
  csat_pct: number | null;
  response_rate: number | null;
  nps: number | null;
}

/** The fiscal quarter of a date: Q1 = October-December, Q2 = January-March, Q3 = April-June, Q4 = July-September. */
export function fiscalQuarter(isoDate: string): 'Q1' | 'Q2' | 'Q3' | 'Q4' {
  const m = Number(isoDate.slice(5, 7));
  return m >= 10 ? 'Q1' : m <= 3 ? 'Q2' : m <= 6 ? 'Q3' : 'Q4';
}


/** Pools the events' figures by key; `keys` lists groups shown even without events, in order. */
function groupEvents(
  cells: readonly EventCell[],
  keyOf: (e: EventCell) => string | null,
  uniques: ReadonlyMap<string | null, GroupAttendees>,
  keys: readonly (string | null)[] = [],
): EventGroup[] {
  const acc = new Map<string | null, { events: number; registrations: number; attendances: number; s: number[]; n: number[] }>();
  for (const k of keys) acc.set(k, { events: 0, registrations: 0, attendances: 0, s: [0, 0, 0, 0, 0], n: Array.from({ length: 11 }, () => 0) });
  for (const e of cells) {
    const k = keyOf(e);
    let a = acc.get(k);
    if (!a) {
      a = { events: 0, registrations: 0, attendances: 0, s: [0, 0, 0, 0, 0], n: Array.from({ length: 11 }, () => 0) };
      acc.set(k, a);
    }
    a.events += 1;
    a.registrations += e.registrations;
    a.attendances += e.attendances;
    e.s.forEach((v, i) => (a.s[i] = (a.s[i] ?? 0) + v));
    e.n.forEach((v, i) => (a.n[i] = (a.n[i] ?? 0) + v));
  }
  const fixed = new Set(keys);
  // Listed keys first in their order, then the others by name, events without one last.
  const rest = [...acc.keys()].filter((k) => !fixed.has(k)).sort((x, y) => (x === null ? 1 : y === null ? -1 : x < y ? -1 : x > y ? 1 : 0));
  return [...keys, ...rest].map((k) => {
    const a = acc.get(k) ?? { events: 0, registrations: 0, attendances: 0, s: [0, 0, 0, 0, 0], n: [] };
    const sum = summarizeScores(scoreCounts(a.s, a.n));
    const u = uniques.get(k);
    return {
      key: k,
      events: a.events,
      registrations: a.registrations,
      attendances: a.attendances,
      unique_attendees: u?.unique_attendees ?? 0,
      unique_member_attendees: u?.unique_member_attendees ?? 0,
      responses: sum.responses,
      mean: sum.mean,
      csat_pct: sum.csat_pct,
      response_rate: pct(sum.responses, a.attendances),
      nps: sum.nps,
    };
  });
}

export interface FyReport {
  fiscal_year: number;
  /** With --quarter: the quarter the report covers (period is then the quarter's). */
  quarter?: Quarter;
  period: { start: string; end: string };
  membership?: MembershipSection;
  agencies?: AgenciesSection;
  groups?: GroupsSection;
  events?: EventsSection;
  methods?: readonly string[];
  /** A closed year (SPEC §10): the day it was closed, whether today's data differ, and how. */
  closed_on?: string;
  /** How the figures of a closed year were obtained when not the stored ones (a quarter). */
  note?: string;
  restated?: boolean;
  restatements?: readonly { figure: string; closed: unknown; current: unknown }[];
}

export interface Report extends FyReport {
  previous?: FyReport;
}

/** What the repository returns for one FY; only the sections asked for are filled. */
export interface ReportData {
  fiscal_year: number;
  quarter?: Quarter;
  period: { start: string; end: string };
  members?: { cells: readonly MemberCell[]; agencies: readonly AgencyInfo[]; quarters: readonly QuarterMoves[] };
  groups?: readonly GroupCell[];
  events?: { cells: readonly EventCell[]; attendees: AttendeeTotals; groups: readonly GroupAttendees[] };
}

export const METHODS: Readonly<Record<Section, readonly string[]>> = {
  membership: [
    'Membership is kept as periods: a member who leaves and later comes back has two periods, and the first one and its departure stay in the history.',
    'A person counts as a member on a given day when one of their periods covers that day: it began on or before the day and had not ended by it.',
    'Members at start is the count on the day before the fiscal year begins (30 September); members at end is the count on its last day (the next 30 September).',
    'Joined and left by quarter split the year\u2019s joins and departures by the quarter they happened in (Q1 is October to December), so the four quarters add up to the year.',
    'Joined counts the periods that began during the year (rejoined: former members coming back); left counts the periods that ended during it. So members at end = members at start + joined - left.',
    'Member type and agency can change over time: each figure uses the values in force on the day it counts (the last day for members at end, the join date for joins, the leaving date for departures).',
    'In the breakdowns by member type and level, moved in and moved out count members whose type or level changed during the year while they stayed members, so each row adds up as at end = at start + joined - left + moved in - moved out.',
    'Growth is the change in members from the start to the end of the year, as a share of the members at the start, to one decimal place. It is not given when the year started with no members.',
    'The level of government comes from the agency of the member\u2019s email address; "unknown" covers addresses whose domain is not in the agency directory.',
  ],
  agencies: [
    'The number of agencies counts those with at least one member on the last day of the fiscal year.',
    'The table lists each agency (or parent organization) with members at the end of the year or people who joined during it.',
  ],
  groups: [
    'Members at end counts the people in each working group or practice area on the last day of the fiscal year who were still members then.',
    'Joined in the year counts the people added to the group during the fiscal year while they were members. Totals add up group places, so a person in two groups counts twice.',
  ],
  events: [
    'Events are those held during the fiscal year. Registrations and attendances count sign-ups and people present at each event, so a person at three events counts three times.',
    'Unique attendees counts each person once, however many events they attended, whether or not they are members; unique member attendees counts only those who were members on the date of an event they attended.',
    'Satisfaction comes from the post-event survey, on a scale from 1 (very dissatisfied) to 5 (very satisfied). The mean is given to two decimals; CSAT (top-2-box) is the share of answers that were 4 or 5.',
    'The response rate is the number of survey answers divided by the number of attendances. The net promoter score (NPS) is the share of people who would recommend the event (9 or 10 out of 10) minus the share who would not (0 to 6), where that question was asked.',
    'Figures by event type, series, track and quarter pool the survey answers of all the events in each group, and count unique attendees and unique member attendees the same way as for the year: each person once per group, however many of its events they attended (so the groups\u2019 unique attendees can add up to more than the year\u2019s). Quarters follow the fiscal year (Q1 is October to December, Q2 January to March, Q3 April to June, Q4 July to September), so they add up to the year.',
    'Percentages are rounded to one decimal place, halves away from zero.',
  ],
};

const QUARTER_MONTHS: Readonly<Record<Quarter, string>> = { Q1: 'October to December', Q2: 'January to March', Q3: 'April to June', Q4: 'July to September' };

/** What the figures of a one-quarter report (--quarter) mean. */
function quarterMethods(q: Quarter, period: { start: string; end: string }): string[] {
  return [
    `This report covers ${q} of the fiscal year (${QUARTER_MONTHS[q]}: ${period.start} to ${period.end}). Every figure is the quarter\u2019s: members at start are counted on the day before the quarter begins and members at end on its last day, growth is the change over the quarter, and joined, left, groups joined, events, attendance, unique attendees and satisfaction count only what happened within it.`,
    'Where the methods below speak of the fiscal year, read the quarter. Quarter figures are computed from today\u2019s data, also for a closed year (its stored figures are annual).',
  ];
}

function flow(): Flow {
  return { at_start: 0, joined: 0, rejoined: 0, left: 0, at_end: 0 };
}

function breakdownFlow(): BreakdownFlow {
  return { at_start: 0, joined: 0, rejoined: 0, left: 0, moved_in: 0, moved_out: 0, at_end: 0 };
}

function addFlow(into: Flow, c: MemberCell): void {
  into.at_start += c.at_start;
  into.joined += c.joined;
  into.rejoined += c.rejoined;
  into.left += c.left;
  into.at_end += c.at_end;
}

function addBreakdown(into: BreakdownFlow, c: MemberCell): void {
  addFlow(into, c);
  into.moved_in += c.moved_in;
  into.moved_out += c.moved_out;
}

function byKey<T>(keys: readonly string[], make: () => T): Record<string, T> {
  return Object.fromEntries(keys.map((k) => [k, make()]));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function buildMembership(cells: readonly MemberCell[], agencies: readonly AgencyInfo[], quarters: readonly QuarterMoves[] = []): MembershipSection {
  const levelOf = new Map(agencies.map((a) => [a.id, a.level ?? 'unknown']));
  const total = flow();
  const byType = byKey(MEMBER_TYPES, breakdownFlow);
  const byLevel = byKey(LEVELS, breakdownFlow);
  for (const c of cells) {
    addFlow(total, c);
    addBreakdown((byType[c.member_type] ??= breakdownFlow()), c);
    const level = c.agency_id === null ? 'unknown' : (levelOf.get(c.agency_id) ?? 'unknown');
    addBreakdown((byLevel[level] ??= breakdownFlow()), c);
  }
  return {
    ...total,
    growth_pct: pct(total.at_end - total.at_start, total.at_start),
    by_member_type: byType,
    by_level: byLevel,
    by_quarter: QUARTERS.map((key) => {
      const q = quarters.find((x) => x.key === key);
      return { key, joined: q?.joined ?? 0, rejoined: q?.rejoined ?? 0, left: q?.left ?? 0 };
    }),
  };
}

export function buildAgencies(cells: readonly MemberCell[], agencies: readonly AgencyInfo[], by: AgencyGrouping): AgenciesSection {
  const info = new Map(agencies.map((a) => [a.id, a]));
  const perAgency = new Map<number | null, { at_end: number; joined: number }>();
  for (const c of cells) {
    const p = perAgency.get(c.agency_id) ?? { at_end: 0, joined: 0 };
    p.at_end += c.at_end;
    p.joined += c.joined;
    perAgency.set(c.agency_id, p);
  }
  const agencyRows: AgencyRow[] = [];
  for (const [id, p] of perAgency) {
    if (p.at_end === 0 && p.joined === 0) continue;
    const a = id === null ? undefined : info.get(id);
    agencyRows.push({
      agency: a?.name ?? '(no agency)',
      organization: a?.organization ?? null,
      level: a?.level ?? 'unknown',
      members_at_end: p.at_end,
      joined_in_fy: p.joined,
    });
  }
  const count = [...perAgency].filter(([id, p]) => id !== null && p.at_end > 0).length;
  const order = <R extends { members_at_end: number; joined_in_fy: number }>(key: (r: R) => string) => (a: R, b: R) =>
    b.members_at_end - a.members_at_end || b.joined_in_fy - a.joined_in_fy || cmp(key(a), key(b));
  if (by === 'agency') {
    agencyRows.sort(order<AgencyRow>((r) => `${r.agency}\u0000${r.organization ?? ''}`));
    return { by, count, rows: agencyRows };
  }
  const orgs = new Map<string, OrganizationRow>();
  for (const r of agencyRows) {
    const key = r.organization ?? r.agency;
    const o = orgs.get(key);
    if (!o) {
      orgs.set(key, { organization: key, level: r.level, agencies: r.members_at_end > 0 && r.agency !== '(no agency)' ? 1 : 0, members_at_end: r.members_at_end, joined_in_fy: r.joined_in_fy });
      continue;
    }
    if (o.level !== r.level) o.level = 'mixed';
    if (r.members_at_end > 0 && r.agency !== '(no agency)') o.agencies += 1;
    o.members_at_end += r.members_at_end;
    o.joined_in_fy += r.joined_in_fy;
  }
  return { by, count, rows: [...orgs.values()].sort(order<OrganizationRow>((r) => r.organization)) };
}

export function buildGroups(cells: readonly GroupCell[]): GroupsSection {
  const row = (g: GroupCell): GroupRow => ({ group: g.name, members_at_end: g.members_at_end, joined_in_fy: g.joined_in_fy });
  return {
    working_groups: cells.filter((g) => g.kind === 'working_group').map(row),
    practice_areas: cells.filter((g) => g.kind === 'practice_area').map(row),
  };
}

function scoreCounts(s: readonly number[], n: readonly number[]) {
  return {
    satisfaction: { 1: s[0] ?? 0, 2: s[1] ?? 0, 3: s[2] ?? 0, 4: s[3] ?? 0, 5: s[4] ?? 0 },
    nps: Object.fromEntries(n.map((v, i) => [i, v])),
  };
}

/** The unique attendees of one dimension's groups by key ('' in the database = none). */
function uniquesOf(groups: readonly GroupAttendees[], dim: string): Map<string | null, GroupAttendees> {
  return new Map(groups.filter((g) => g.dim === dim).map((g) => [g.key === '' ? null : g.key, g]));
}

export function buildEvents(cells: readonly EventCell[], attendees: AttendeeTotals, groups: readonly GroupAttendees[] = []): EventsSection {
  const byType = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<string, number>;
  const s = [0, 0, 0, 0, 0];
  const n = Array.from({ length: 11 }, () => 0);
  let registrations = 0;
  let attendances = 0;
  let governmentWide = 0;
  const rows: EventRow[] = cells.map((e) => {
    byType[e.type] = (byType[e.type] ?? 0) + 1;
    if (e.government_wide === 1) governmentWide += 1;
    registrations += e.registrations;
    attendances += e.attendances;
    e.s.forEach((v, i) => (s[i] = (s[i] ?? 0) + v));
    e.n.forEach((v, i) => (n[i] = (n[i] ?? 0) + v));
    const sum = summarizeScores(scoreCounts(e.s, e.n));
    return {
      id: e.id,
      title: e.title,
      type: e.type,
      held_on: e.held_on,
      series: e.series,
      track: e.track,
      government_wide: e.government_wide === 1,
      registrations: e.registrations,
      attendances: e.attendances,
      responses: sum.responses,
      mean: sum.mean,
      csat_pct: sum.csat_pct,
      nps: sum.nps,
    };
  });
  const total = summarizeScores(scoreCounts(s, n));
  return {
    count: cells.length,
    count_by_type: byType,
    government_wide: governmentWide,
    registrations,
    attendances,
    unique_attendees: attendees.unique_attendees,
    unique_member_attendees: attendees.unique_member_attendees,
    satisfaction: {
      responses: total.responses,
      counts: { '1': total.counts[1], '2': total.counts[2], '3': total.counts[3], '4': total.counts[4], '5': total.counts[5] },
      mean: total.mean,
      csat_pct: total.csat_pct,
    },
    response_rate: pct(total.responses, attendances),
    nps_responses: total.nps_responses,
    nps: total.nps,
    by_type: groupEvents(cells, (e) => e.type, uniquesOf(groups, 'type'), EVENT_TYPES),
    by_series: groupEvents(cells, (e) => e.series, uniquesOf(groups, 'series')),
    by_track: groupEvents(cells, (e) => e.track, uniquesOf(groups, 'track'), ['Acquisition', 'Leadership', 'Technical']),
    by_quarter: groupEvents(cells, (e) => fiscalQuarter(e.held_on), uniquesOf(groups, 'quarter'), QUARTERS),
    rows,
  };
}

/** The report model of one fiscal year from the repository's figures (pure). */
export function buildFyReport(data: ReportData, sections: readonly Section[], by: AgencyGrouping = 'agency'): FyReport {
  const r: FyReport = { fiscal_year: data.fiscal_year, ...(data.quarter ? { quarter: data.quarter } : {}), period: data.period };
  const members = data.members ?? { cells: [], agencies: [], quarters: [] };
  if (sections.includes('membership')) r.membership = buildMembership(members.cells, members.agencies, members.quarters);
  if (sections.includes('agencies')) r.agencies = buildAgencies(members.cells, members.agencies, by);
  if (sections.includes('groups')) r.groups = buildGroups(data.groups ?? []);
  if (sections.includes('events')) r.events = buildEvents(data.events?.cells ?? [], data.events?.attendees ?? { unique_attendees: 0, unique_member_attendees: 0 }, data.events?.groups ?? []);
  r.methods = [...(data.quarter ? quarterMethods(data.quarter, data.period) : []), ...sections.flatMap((s) => METHODS[s])];
  return r;
}

/** The whole report: this FY, plus the previous FY's figures with --compare. */
export function buildReport(current: FyReport, previous?: FyReport): Report {
  if (!previous) return current;
  const { methods: _sameMethods, ...prev } = previous;
  return { ...current, previous: prev };
}
