import { roundRatio } from '../core/satisfaction.js';
import { EVENT_TYPES, LEVELS, MEMBER_TYPES, QUARTERS, type AgencyRow, type EventGroup, type EventRow, type Flow, type FyReport, type GroupRow, type OrganizationRow, type Report, type Section } from './model.js';

/**
 * The report as typed tables (pure): what the csv and xlsx renderers write. Each table has a
 * first column `row_type` (`detail`, or `total` for its totals rows) and, with --compare, each
 * figure is followed by `<figure>_previous` (the previous FY's figure for the same row) and
 * `<figure>_change` (this year minus the previous, in points for percentages).
 */
export type ColumnType = 'text' | 'year' | 'integer' | 'decimal1' | 'decimal2' | 'percent' | 'date' | 'boolean';
export type TableCell = string | number | boolean | null;

export interface TableColumn {
  /** The machine name: the CSV header. */
  readonly key: string;
  /** The name people read: the xlsx header. */
  readonly label: string;
  readonly type: ColumnType;
}

export interface DataTable {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly TableColumn[];
  readonly rows: readonly (readonly TableCell[])[];
}

export type RowType = 'detail' | 'total';

interface Keyed<R> {
  readonly type: RowType;
  /** Identifies the row across years (a total row: its type alone). */
  readonly match: string;
  readonly item: R;
}

interface Col<R, V> {
  readonly key: string;
  readonly label: string;
  readonly type: ColumnType;
  readonly value: (r: R) => V;
}

interface TableSpec<R> {
  readonly id: string;
  readonly title: string;
  readonly keys: readonly Col<R, TableCell>[];
  readonly measures: readonly Col<R, number | null>[];
  readonly rows: (y: FyReport) => readonly Keyed<R>[];
  /**
   * 'rows': every row is matched with the previous year's (segments, agencies, groups, types);
   * 'totals': only the totals rows are (this year's events were not held the year before).
   */
  readonly compare: 'rows' | 'totals';
  /** A row missing from one year means 0 there (an agency without members), not "no figure". */
  readonly missingIsZero?: boolean;
}

function change(cur: number | null, prev: number | null, type: ColumnType): number | null {
  if (cur === null || prev === null) return null;
  const d = cur - prev;
  if (type === 'integer') return d;
  // Figures carry at most 2 decimals: scaling to integers first keeps 12.3 - 10.1 = 2.2 exact.
  const decimals = type === 'decimal2' ? 2 : 1;
  return roundRatio(Math.round(cur * 100) - Math.round(prev * 100), 100, decimals);
}

function build<R>(spec: TableSpec<R>, r: Report): DataTable {
  const prev = r.previous;
  // A one-quarter report (--quarter) says which quarter in every row.
  const quarter = r.quarter;
  const columns: TableColumn[] = [
    { key: 'row_type', label: 'Row type', type: 'text' },
    { key: 'fiscal_year', label: 'Fiscal year', type: 'year' },
    ...(quarter ? [{ key: 'fiscal_quarter', label: 'Quarter', type: 'text' as const }] : []),
    ...spec.keys.map(({ key, label, type }) => ({ key, label, type })),
  ];
  for (const m of spec.measures) {
    columns.push({ key: m.key, label: m.label, type: m.type });
    if (prev) {
      columns.push({ key: `${m.key}_previous`, label: `${m.label}, FY ${prev.fiscal_year}${quarter ? ` ${quarter}` : ''}`, type: m.type });
      columns.push({ key: `${m.key}_change`, label: `${m.label}, change`, type: m.type === 'integer' ? 'integer' : m.type });
    }
  }
  const current = spec.rows(r);
  const before = prev ? spec.rows(prev) : [];
  const byMatch = new Map(before.map((k) => [`${k.type}\u0000${k.match}`, k]));
  const line = (k: Keyed<R>, fy: number, p: Keyed<R> | undefined, present: boolean): TableCell[] => {
    const out: TableCell[] = [k.type, fy, ...(quarter ? [quarter] : []), ...spec.keys.map((c) => c.value(k.item))];
    for (const m of spec.measures) {
      const absent = spec.missingIsZero === true ? 0 : null;
      const cur = present ? m.value(k.item) : absent;
      out.push(cur);
      if (prev) {
        const pv = p ? m.value(p.item) : spec.compare === 'rows' || k.type === 'total' ? absent : null;
        out.push(pv, change(cur, pv, m.type));
      }
    }
    return out;
  };
  const rows: TableCell[][] = [];
  const used = new Set<string>();
  for (const k of current) {
    const id = `${k.type}\u0000${k.match}`;
    const comparable = spec.compare === 'rows' || k.type === 'total';
    const p = comparable ? byMatch.get(id) : undefined;
    if (p) used.add(id);
    rows.push(line(k, r.fiscal_year, p, true));
  }
  if (prev && spec.compare === 'rows') {
    // Rows only the previous year had (an agency whose members all left): this year's figures empty.
    for (const k of before) {
      const id = `${k.type}\u0000${k.match}`;
      if (!used.has(id)) rows.push(line(k, r.fiscal_year, k, false));
    }
  }
  // Totals rows last, whatever their position in the spec.
  const ordered = [...rows.filter((x) => x[0] !== 'total'), ...rows.filter((x) => x[0] === 'total')];
  return { id: spec.id, title: spec.title, columns, rows: ordered };
}

type FlowRow = Flow & { growth_pct?: number | null; moved_in?: number; moved_out?: number };

const FLOW: readonly Col<FlowRow, number | null>[] = [
  { key: 'at_start', label: 'Members at start', type: 'integer', value: (f) => f.at_start },
  { key: 'joined', label: 'Joined', type: 'integer', value: (f) => f.joined },
  { key: 'rejoined', label: 'Rejoined', type: 'integer', value: (f) => f.rejoined },
  { key: 'left', label: 'Left', type: 'integer', value: (f) => f.left },
  // Breakdown rows only: type or level changed during the year (0 in the total, where they cancel out).
  { key: 'moved_in', label: 'Moved in', type: 'integer', value: (f) => f.moved_in ?? 0 },
  { key: 'moved_out', label: 'Moved out', type: 'integer', value: (f) => f.moved_out ?? 0 },
  { key: 'at_end', label: 'Members at end', type: 'integer', value: (f) => f.at_end },
  { key: 'growth_pct', label: 'Growth', type: 'percent', value: (f) => f.growth_pct ?? null },
];

interface Segment {
  readonly segment: string;
  readonly value: string;
  readonly flow: FlowRow;
}

const ZERO: FlowRow = { at_start: 0, joined: 0, rejoined: 0, left: 0, moved_in: 0, moved_out: 0, at_end: 0 };

const membershipSpec: TableSpec<Segment> = {
  id: 'membership',
  title: 'Membership',
  keys: [
    { key: 'segment', label: 'Segment', type: 'text', value: (s) => s.segment },
    { key: 'value', label: 'Value', type: 'text', value: (s) => s.value },
  ],
  measures: FLOW.map((c) => ({ ...c, value: (s: Segment) => c.value(s.flow) })),
  rows: (y) => {
    const m = y.membership;
    if (!m) return [];
    return [
      ...MEMBER_TYPES.map((t) => ({ type: 'detail' as const, match: `member_type:${t}`, item: { segment: 'member_type', value: t, flow: m.by_member_type[t] ?? ZERO } })),
      ...LEVELS.map((l) => ({ type: 'detail' as const, match: `level:${l}`, item: { segment: 'level', value: l, flow: m.by_level[l] ?? ZERO } })),
      { type: 'total', match: '', item: { segment: 'all', value: 'all', flow: m } },
    ];
  },
  compare: 'rows',
};

type AgencyItem = AgencyRow | (OrganizationRow & { agency?: undefined });

function agenciesSpec(by: 'agency' | 'organization'): TableSpec<AgencyItem> {
  const keys: Col<AgencyItem, TableCell>[] =
    by === 'agency'
      ? [
          { key: 'agency', label: 'Agency', type: 'text', value: (a) => (a as AgencyRow).agency },
          { key: 'organization', label: 'Organization', type: 'text', value: (a) => a.organization },
          { key: 'level', label: 'Level', type: 'text', value: (a) => a.level },
        ]
      : [
          { key: 'organization', label: 'Organization', type: 'text', value: (a) => a.organization },
          { key: 'level', label: 'Level', type: 'text', value: (a) => a.level },
        ];
  const measures: Col<AgencyItem, number | null>[] = [
    ...(by === 'organization' ? [{ key: 'agencies', label: 'Agencies', type: 'integer' as const, value: (a: AgencyItem) => ('agencies' in a ? a.agencies : null) }] : []),
    { key: 'members_at_end', label: 'Members at end', type: 'integer', value: (a) => a.members_at_end },
    { key: 'joined_in_fy', label: 'Joined in FY', type: 'integer', value: (a) => a.joined_in_fy },
  ];
  return {
    id: 'agencies',
    title: by === 'agency' ? 'Agencies' : 'Organizations',
    keys,
    measures,
    rows: (y) => {
      const a = y.agencies;
      if (!a) return [];
      const rows = a.rows as AgencyItem[];
      const sum = (f: (x: AgencyItem) => number) => rows.reduce((s, x) => s + f(x), 0);
      const total: AgencyItem =
        by === 'agency'
          ? { agency: `All agencies (${a.count} with members at end)`, organization: null, level: '', members_at_end: sum((x) => x.members_at_end), joined_in_fy: sum((x) => x.joined_in_fy) }
          : { organization: 'All organizations', level: '', agencies: a.count, members_at_end: sum((x) => x.members_at_end), joined_in_fy: sum((x) => x.joined_in_fy) };
      return [
        ...rows.map((x) => ({ type: 'detail' as const, match: by === 'agency' ? `${(x as AgencyRow).agency}\u0000${x.organization ?? ''}` : x.organization ?? '', item: x })),
        { type: 'total' as const, match: '', item: total },
      ];
    },
    compare: 'rows',
    missingIsZero: true,
  };
}

interface GroupItem extends GroupRow {
  readonly kind: 'working_group' | 'practice_area';
}

const groupsSpec: TableSpec<GroupItem> = {
  id: 'groups',
  title: 'Groups',
  keys: [
    { key: 'kind', label: 'Kind', type: 'text', value: (g) => g.kind },
    { key: 'group', label: 'Group', type: 'text', value: (g) => g.group },
  ],
  measures: [
    { key: 'members_at_end', label: 'Members at end', type: 'integer', value: (g) => g.members_at_end },
    { key: 'joined_in_fy', label: 'Joined in FY', type: 'integer', value: (g) => g.joined_in_fy },
  ],
  rows: (y) => {
    const g = y.groups;
    if (!g) return [];
    const out: Keyed<GroupItem>[] = [];
    for (const [kind, rows, all] of [
      ['working_group', g.working_groups, 'All working groups (assignments)'],
      ['practice_area', g.practice_areas, 'All practice areas (assignments)'],
    ] as const) {
      out.push(...rows.map((x) => ({ type: 'detail' as const, match: `${kind}:${x.group}`, item: { ...x, kind } })));
      const sum = (f: (x: GroupRow) => number) => rows.reduce((s, x) => s + f(x), 0);
      out.push({ type: 'total', match: kind, item: { kind, group: all, members_at_end: sum((x) => x.members_at_end), joined_in_fy: sum((x) => x.joined_in_fy) } });
    }
    return out;
  },
  compare: 'rows',
  missingIsZero: true,
};

/** One event, or the year's totals in the same columns. */
interface EventItem {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly held_on: string | null;
  readonly series: string | null;
  readonly track: string | null;
  readonly government_wide: boolean | null;
  readonly events: number;
  readonly registrations: number;
  readonly attendances: number;
  readonly unique_attendees: number | null;
  readonly unique_member_attendees: number | null;
  readonly responses: number;
  readonly response_rate: number | null;
  readonly mean: number | null;
  readonly csat_pct: number | null;
  readonly nps: number | null;
}

function eventItem(e: EventRow): EventItem {
  return {
    id: e.id,
    title: e.title,
    type: e.type,
    held_on: e.held_on,
    series: e.series,
    track: e.track,
    government_wide: e.government_wide,
    events: 1,
    registrations: e.registrations,
    attendances: e.attendances,
    // One event: each attendee attends it once.
    unique_attendees: e.attendances,
    unique_member_attendees: null,
    responses: e.responses,
    response_rate: e.attendances > 0 ? roundRatio(e.responses * 100, e.attendances, 1) : null,
    mean: e.mean,
    csat_pct: e.csat_pct,
    nps: e.nps,
  };
}

const eventsSpec: TableSpec<EventItem> = {
  id: 'events',
  title: 'Events',
  keys: [
    { key: 'id', label: 'Event id', type: 'text', value: (e) => e.id },
    { key: 'title', label: 'Title', type: 'text', value: (e) => e.title },
    { key: 'type', label: 'Type', type: 'text', value: (e) => e.type },
    { key: 'held_on', label: 'Held on', type: 'date', value: (e) => e.held_on },
    { key: 'series', label: 'Series', type: 'text', value: (e) => e.series },
    { key: 'track', label: 'Track', type: 'text', value: (e) => e.track },
    { key: 'government_wide', label: 'Government-wide', type: 'boolean', value: (e) => e.government_wide },
  ],
  measures: [
    { key: 'events', label: 'Events', type: 'integer', value: (e) => e.events },
    { key: 'registrations', label: 'Registrations', type: 'integer', value: (e) => e.registrations },
    { key: 'attendances', label: 'Attendances', type: 'integer', value: (e) => e.attendances },
    { key: 'unique_attendees', label: 'Unique attendees', type: 'integer', value: (e) => e.unique_attendees },
    { key: 'unique_member_attendees', label: 'Unique member attendees', type: 'integer', value: (e) => e.unique_member_attendees },
    { key: 'responses', label: 'Satisfaction responses', type: 'integer', value: (e) => e.responses },
    { key: 'response_rate', label: 'Response rate', type: 'percent', value: (e) => e.response_rate },
    { key: 'mean', label: 'Mean satisfaction (1-5)', type: 'decimal2', value: (e) => e.mean },
    { key: 'csat_pct', label: 'CSAT (top-2-box)', type: 'percent', value: (e) => e.csat_pct },
    { key: 'nps', label: 'NPS', type: 'decimal1', value: (e) => e.nps },
  ],
  rows: (y) => {
    const e = y.events;
    if (!e) return [];
    const total: EventItem = {
      id: '',
      title: 'All events',
      type: '',
      held_on: null,
      series: null,
      track: null,
      government_wide: null,
      events: e.count,
      registrations: e.registrations,
      attendances: e.attendances,
      unique_attendees: e.unique_attendees,
      unique_member_attendees: e.unique_member_attendees,
      responses: e.satisfaction.responses,
      response_rate: e.response_rate,
      mean: e.satisfaction.mean,
      csat_pct: e.satisfaction.csat_pct,
      nps: e.nps,
    };
    return [...e.rows.map((x) => ({ type: 'detail' as const, match: x.id, item: eventItem(x) })), { type: 'total' as const, match: '', item: total }];
  },
  compare: 'totals',
};

type GroupKey = 'by_type' | 'by_series' | 'by_track' | 'by_quarter';

/** A group's unique attendees; none in the figures of a year closed before groups had them. */
function uniqueOf(g: EventGroup, key: 'unique_attendees' | 'unique_member_attendees'): number | null {
  const v: unknown = (g as unknown as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : null;
}

/** Events grouped by type, series, track or quarter, with the year's totals as the last row. */
function eventGroupSpec(id: string, title: string, by: GroupKey, keyLabel: string, none: string): TableSpec<EventGroup> {
  return {
    id,
    title,
    keys: [{ key: by === 'by_quarter' ? 'quarter' : by.slice(3), label: keyLabel, type: 'text', value: (g) => g.key ?? none }],
    measures: [
      { key: 'events', label: 'Events', type: 'integer', value: (g) => g.events },
      { key: 'registrations', label: 'Registrations', type: 'integer', value: (g) => g.registrations },
      { key: 'attendances', label: 'Attendances', type: 'integer', value: (g) => g.attendances },
      { key: 'unique_attendees', label: 'Unique attendees', type: 'integer', value: (g) => uniqueOf(g, 'unique_attendees') },
      { key: 'unique_member_attendees', label: 'Unique member attendees', type: 'integer', value: (g) => uniqueOf(g, 'unique_member_attendees') },
      { key: 'responses', label: 'Satisfaction responses', type: 'integer', value: (g) => g.responses },
      { key: 'response_rate', label: 'Response rate', type: 'percent', value: (g) => g.response_rate },
      { key: 'mean', label: 'Mean satisfaction (1-5)', type: 'decimal2', value: (g) => g.mean },
      { key: 'csat_pct', label: 'CSAT (top-2-box)', type: 'percent', value: (g) => g.csat_pct },
      { key: 'nps', label: 'NPS', type: 'decimal1', value: (g) => g.nps },
    ],
    rows: (y) => {
      const e = y.events;
      if (!e) return [];
      const total: EventGroup = {
        key: 'all',
        events: e.count,
        registrations: e.registrations,
        attendances: e.attendances,
        unique_attendees: e.unique_attendees,
        unique_member_attendees: e.unique_member_attendees,
        responses: e.satisfaction.responses,
        mean: e.satisfaction.mean,
        csat_pct: e.satisfaction.csat_pct,
        response_rate: e.response_rate,
        nps: e.nps,
      };
      return [...(e[by] ?? []).map((g) => ({ type: 'detail' as const, match: g.key ?? '\u0000none', item: g })), { type: 'total' as const, match: '', item: total }];
    },
    compare: 'rows',
    missingIsZero: true,
  };
}

const eventTypesSpec = eventGroupSpec('event_types', 'Events by type', 'by_type', 'Type', '(none)');
const eventSeriesSpec = eventGroupSpec('event_series', 'Events by series', 'by_series', 'Series', '(no series)');
const eventTracksSpec = eventGroupSpec('event_tracks', 'Events by track', 'by_track', 'Track', '(no track)');
const eventQuartersSpec = eventGroupSpec('event_quarters', 'Events by quarter', 'by_quarter', 'Quarter', '');

const scoresSpec: TableSpec<{ score: string; responses: number }> = {
  id: 'satisfaction_scores',
  title: 'Satisfaction scores',
  keys: [{ key: 'score', label: 'Score', type: 'text', value: (s) => s.score }],
  measures: [{ key: 'responses', label: 'Responses', type: 'integer', value: (s) => s.responses }],
  rows: (y) => {
    const e = y.events;
    if (!e) return [];
    return [
      ...(['1', '2', '3', '4', '5'] as const).map((s) => ({ type: 'detail' as const, match: s, item: { score: s, responses: e.satisfaction.counts[s] } })),
      { type: 'total' as const, match: '', item: { score: 'all', responses: e.satisfaction.responses } },
    ];
  },
  compare: 'rows',
};

/** The tables of one section; the first is its main table (the one a CSV report holds). */
export function sectionTables(r: Report, section: Section): DataTable[] {
  switch (section) {
    case 'membership':
      return r.membership ? [build(membershipSpec, r)] : [];
    case 'agencies':
      return r.agencies ? [build(agenciesSpec(r.agencies.by), r)] : [];
    case 'groups':
      return r.groups ? [build(groupsSpec, r)] : [];
    case 'events':
      return r.events
        ? [build(eventsSpec, r), build(eventTypesSpec, r), build(eventSeriesSpec, r), build(eventTracksSpec, r), build(eventQuartersSpec, r), build(scoresSpec, r)]
        : [];
  }
}

/** One quarter of the year: its joins and departures, events, attendance and satisfaction. */
interface QuarterItem {
  readonly quarter: string;
  readonly joined: number;
  readonly left: number;
  readonly events: number;
  readonly attendances: number;
  readonly responses: number;
  readonly csat_pct: number | null;
  readonly nps: number | null;
}

/** The annual report's by-quarter table (Q1 = October-December); its totals row is the year. */
const quartersSpec: TableSpec<QuarterItem> = {
  id: 'quarters',
  title: 'By quarter',
  keys: [{ key: 'quarter', label: 'Quarter', type: 'text', value: (q) => q.quarter }],
  measures: [
    { key: 'joined', label: 'Joined', type: 'integer', value: (q) => q.joined },
    { key: 'left', label: 'Left', type: 'integer', value: (q) => q.left },
    { key: 'events', label: 'Events', type: 'integer', value: (q) => q.events },
    { key: 'attendances', label: 'Attendances', type: 'integer', value: (q) => q.attendances },
    { key: 'responses', label: 'Satisfaction responses', type: 'integer', value: (q) => q.responses },
    { key: 'csat_pct', label: 'CSAT (top-2-box)', type: 'percent', value: (q) => q.csat_pct },
    { key: 'nps', label: 'NPS', type: 'decimal1', value: (q) => q.nps },
  ],
  rows: (y) => {
    const m = y.membership;
    const e = y.events;
    // A year closed before quarters were kept has none.
    if (!m || !e || !Array.isArray(m.by_quarter) || !Array.isArray(e.by_quarter)) return [];
    const rows = QUARTERS.map((key) => {
      const mq = m.by_quarter.find((x) => x.key === key);
      const eq = e.by_quarter.find((x) => x.key === key);
      const item: QuarterItem = {
        quarter: key,
        joined: mq?.joined ?? 0,
        left: mq?.left ?? 0,
        events: eq?.events ?? 0,
        attendances: eq?.attendances ?? 0,
        responses: eq?.responses ?? 0,
        csat_pct: eq?.csat_pct ?? null,
        nps: eq?.nps ?? null,
      };
      return { type: 'detail' as const, match: key, item };
    });
    const total: QuarterItem = { quarter: 'all', joined: m.joined, left: m.left, events: e.count, attendances: e.attendances, responses: e.satisfaction.responses, csat_pct: e.satisfaction.csat_pct, nps: e.nps };
    return [...rows, { type: 'total' as const, match: '', item: total }];
  },
  compare: 'rows',
};

/** The by-quarter table: for a report with both membership and events (the annual report). */
export function quarterTable(r: Report): DataTable | undefined {
  return r.membership && r.events ? build(quartersSpec, r) : undefined;
}

/** Every table of the report, section by section, then the annual report's by-quarter table. */
export function reportTables(r: Report): DataTable[] {
  const q = quarterTable(r);
  const tables = (['membership', 'agencies', 'groups', 'events'] as const).flatMap((s) => sectionTables(r, s));
  return q && q.rows.length > 0 ? [...tables, q] : tables;
}
