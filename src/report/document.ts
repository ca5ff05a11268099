import type { FyReport, Report } from './model.js';
import { quarterTable, sectionTables, type ColumnType, type DataTable, type TableCell } from './tables.js';

/**
 * A report laid out as a document (headings, paragraphs, tables of text cells), shared by the
 * table, md and html renderers so they always show the same figures in the same order. The
 * tables are drawn from src/report/tables.ts, the same tables the csv and xlsx renderers write,
 * so every format shows the same figures, the previous year and the change beside each with
 * --compare, and the same totals rows.
 */
export interface DocTable {
  readonly caption?: string;
  readonly columns: readonly string[];
  /** Columns holding numbers (right-aligned). */
  readonly numeric: readonly boolean[];
  /** Columns holding dates (never wrapped in html). */
  readonly dates?: readonly boolean[];
  readonly rows: readonly (readonly string[])[];
  /** Rows that are totals (bold in html). */
  readonly totals?: readonly boolean[];
}

/** One figure of the headline: "1,234 members". */
export interface HeadlineFigure {
  readonly value: string;
  readonly label: string;
}

export type Block =
  | { readonly kind: 'heading'; readonly text: string; readonly level: 1 | 2 | 3; readonly id?: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'headline'; readonly text: string; readonly figures: readonly HeadlineFigure[]; readonly previous?: string }
  | { readonly kind: 'table'; readonly table: DocTable }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'chart'; readonly id: 'membership' | 'levels' | 'agencies' | 'groups' | 'events' | 'scores' };

/** 12345 → "12,345"; null → "n/a". */
export function num(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'n/a';
  const [int, frac] = String(Math.abs(n)).split('.');
  const grouped = (int ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

/** 12.5 → "12.5%", always one decimal; null → "n/a". */
export function percent(n: number | null | undefined): string {
  return n === null || n === undefined ? 'n/a' : `${n.toFixed(1)}%`;
}

function fixed(n: number | null | undefined, decimals: number): string {
  return n === null || n === undefined ? 'n/a' : n.toFixed(decimals);
}

/** A change: signed ("+3", "-1.5 pts"); n/a without both figures. */
function signed(n: number | null, type: ColumnType): string {
  if (n === null) return 'n/a';
  const sign = n > 0 ? '+' : '';
  switch (type) {
    case 'percent':
      return `${sign}${n.toFixed(1)} pts`;
    case 'decimal2':
      return `${sign}${n.toFixed(2)}`;
    case 'decimal1':
      return `${sign}${n.toFixed(1)}`;
    default:
      return `${sign}${num(n)}`;
  }
}

export function label(key: string): string {
  const s = key.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const LEVEL_WORDS: Readonly<Record<string, string>> = { unknown: 'Unknown (not in the directory)' };

function cellText(v: TableCell, type: ColumnType): string {
  if (v === null) return type === 'text' || type === 'date' || type === 'boolean' ? '' : 'n/a';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  switch (type) {
    case 'percent':
      return percent(v);
    case 'decimal2':
      return fixed(v, 2);
    case 'decimal1':
      return fixed(v, 1);
    case 'year':
      return String(v);
    default:
      return num(v);
  }
}

interface DocOptions {
  readonly caption: string;
  /** Keys of the columns to show, in order; a measure brings its previous and change columns. */
  readonly columns: readonly string[];
  /** Headers instead of the table's labels. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Cell text instead of the plain value. */
  readonly format?: Readonly<Record<string, (v: TableCell, row: (k: string) => TableCell) => string>>;
  readonly rows?: (row: (k: string) => TableCell) => boolean;
  /** Leave out the previous-year columns (the events held: last year had other events). */
  readonly noCompare?: boolean;
  /** This year (and quarter), named in the headers of compared figures. */
  readonly fiscalYear?: number;
  readonly quarter?: string;
}

/** A DocTable drawn from a DataTable: the same figures as csv and xlsx, as text. */
function docTable(t: DataTable | undefined, options: DocOptions): Block[] {
  if (!t) return [];
  const fy = t.rows[0]?.[t.columns.findIndex((c) => c.key === 'fiscal_year')];
  const qi = t.columns.findIndex((c) => c.key === 'fiscal_quarter');
  const quarter = qi >= 0 ? t.rows[0]?.[qi] : undefined;
  const o: DocOptions = typeof fy === 'number' ? { fiscalYear: fy, ...(typeof quarter === 'string' ? { quarter } : {}), ...options } : options;
  const index = new Map(t.columns.map((c, i) => [c.key, i]));
  const picked: { i: number; header: string; type: ColumnType; change: boolean; key: string }[] = [];
  for (const key of o.columns) {
    const i = index.get(key);
    if (i === undefined) continue;
    const c = t.columns[i];
    if (!c) continue;
    const p = o.noCompare ? undefined : index.get(`${key}_previous`);
    const d = o.noCompare ? undefined : index.get(`${key}_change`);
    const pc = p === undefined ? undefined : t.columns[p];
    const year = pc ? /FY \d+(?: Q[1-4])?$/.exec(pc.label)?.[0] : undefined;
    // Compared: "Joined FY 2023 | FY 2022 | Change", short enough for a printed page.
    const fyNow = o.fiscalYear !== undefined ? ` FY ${o.fiscalYear}${o.quarter ? ` ${o.quarter}` : ''}` : '';
    picked.push({ i, header: `${o.headers?.[key] ?? c.label}${pc ? fyNow : ''}`, type: c.type, change: false, key });
    if (p !== undefined && pc) picked.push({ i: p, header: year ?? pc.label, type: c.type, change: false, key: `${key}_previous` });
    if (d !== undefined) picked.push({ i: d, header: 'Change', type: c.type, change: true, key: `${key}_change` });
  }
  const typeIdx = index.get('row_type') ?? 0;
  const rows: string[][] = [];
  const totals: boolean[] = [];
  for (const r of t.rows) {
    const get = (k: string): TableCell => {
      const i = index.get(k);
      return i === undefined ? null : (r[i] ?? null);
    };
    if (o.rows && !o.rows(get)) continue;
    rows.push(
      picked.map((p) => {
        const v = r[p.i] ?? null;
        if (p.change) return signed(typeof v === 'number' ? v : null, p.type);
        const f = o.format?.[p.key];
        return f ? f(v, get) : cellText(v, p.type);
      }),
    );
    totals.push(r[typeIdx] === 'total');
  }
  const numeric = picked.map((p) => p.type !== 'text' && p.type !== 'date' && p.type !== 'boolean');
  return [{ kind: 'table', table: { caption: o.caption, columns: picked.map((p) => p.header), numeric, dates: picked.map((p) => p.type === 'date'), rows, totals } }];
}

const fyLabel = (r: FyReport) => `FY ${r.fiscal_year}${r.quarter ? ` ${r.quarter}` : ''}`;

const QUARTER_WORDS: Readonly<Record<string, string>> = { Q1: 'October to December', Q2: 'January to March', Q3: 'April to June', Q4: 'July to September' };

/** "Fiscal year 2023" or "Fiscal year 2023, Q2 (January to March)". */
function periodName(y: FyReport): string {
  return `Fiscal year ${y.fiscal_year}${y.quarter ? `, ${y.quarter} (${QUARTER_WORDS[y.quarter] ?? ''})` : ''}`;
}

/** A "measure | this FY [| previous FY | change]" table. */
function measures(caption: string, r: Report, lines: readonly (readonly [string, (x: FyReport) => number | null | undefined, ColumnType])[]): Block {
  const prev = r.previous;
  const text = (v: number | null | undefined, type: ColumnType) => (v === undefined ? 'n/a' : cellText(v, type));
  return {
    kind: 'table',
    table: {
      caption,
      columns: ['Measure', fyLabel(r), ...(prev ? [fyLabel(prev), 'Change'] : [])],
      numeric: [false, true, ...(prev ? [true, true] : [])],
      rows: lines.map(([name, f, type]) => {
        if (!prev) return [name, text(f(r), type)];
        const a = f(r);
        const b = f(prev);
        const d = a === null || a === undefined || b === null || b === undefined ? null : type === 'integer' ? a - b : Math.round((a - b) * 100) / 100;
        return [name, text(a, type), text(b, type), signed(d, type)];
      }),
    },
  };
}

export function reportTitle(r: Report): string {
  return `AI Community of Practice: ${fyLabel(r)} report`;
}

/** The headline figures of one year from the sections it has: members, agencies, events, attendees, CSAT. */
export function headlineFigures(y: FyReport): HeadlineFigure[] {
  const out: HeadlineFigure[] = [];
  const plural = (n: number, one: string, many: string) => ({ value: num(n), label: n === 1 ? one : many });
  if (y.membership) out.push(plural(y.membership.at_end, 'member', 'members'));
  if (y.agencies) out.push(plural(y.agencies.count, 'agency', 'agencies'));
  if (y.events) {
    out.push(plural(y.events.count, 'event', 'events'));
    out.push(plural(y.events.unique_attendees, 'attendee', 'attendees'));
    out.push({ value: percent(y.events.satisfaction.csat_pct), label: 'CSAT' });
  }
  return out;
}

/** "FY 2023: 1,234 members from 56 agencies, 27 events, 4,980 attendees, CSAT 91.2%". */
export function headlineText(y: FyReport): string {
  const f = headlineFigures(y);
  const parts: string[] = [];
  let i = 0;
  while (i < f.length) {
    const x = f[i] as HeadlineFigure;
    const next = f[i + 1];
    if (x.label.startsWith('member') && next && next.label.startsWith('agenc')) {
      parts.push(`${x.value} ${x.label} from ${next.value} ${next.label}`);
      i += 2;
    } else {
      parts.push(x.label === 'CSAT' ? `CSAT ${x.value}` : `${x.value} ${x.label}`);
      i += 1;
    }
  }
  return `${fyLabel(y)}: ${parts.join(', ')}`;
}

const LEVELS_ORDER = ['federal', 'state', 'local', 'tribal', 'interstate', 'unknown'];

export function buildDocument(r: Report, opts: { charts: boolean }): Block[] {
  const out: Block[] = [];
  const chart = (id: Extract<Block, { kind: 'chart' }>['id']) => {
    if (opts.charts) out.push({ kind: 'chart', id });
  };
  out.push({ kind: 'heading', level: 1, text: reportTitle(r) });
  const figures = headlineFigures(r);
  if (figures.length > 0) out.push({ kind: 'headline', text: headlineText(r), figures, ...(r.previous ? { previous: headlineText(r.previous) } : {}) });
  out.push({
    kind: 'paragraph',
    text: `${periodName(r)}: ${r.period.start} to ${r.period.end}.${r.previous ? ` Compared with ${fyLabel(r.previous)} (${r.previous.period.start} to ${r.previous.period.end}).` : ''}`,
  });
  for (const y of [r, ...(r.previous ? [r.previous] : [])]) if (y.note) out.push({ kind: 'paragraph', text: `${y.note}.` });

  const m = r.membership;
  if (m) {
    const [t] = sectionTables(r, 'membership');
    out.push({ kind: 'heading', level: 2, text: 'Membership', id: 'membership' });
    out.push(
      measures('Members', r, [
        ['Members at start', (x) => x.membership?.at_start, 'integer'],
        ['Joined', (x) => x.membership?.joined, 'integer'],
        ['of whom rejoined', (x) => x.membership?.rejoined, 'integer'],
        ['Left', (x) => x.membership?.left, 'integer'],
        ['Members at end', (x) => x.membership?.at_end, 'integer'],
        ['Growth', (x) => x.membership?.growth_pct ?? null, 'percent'],
      ]),
    );
    chart('membership');
    const flow = ['value', 'at_start', 'joined', 'rejoined', 'left', 'moved_in', 'moved_out', 'at_end'];
    out.push(
      ...docTable(t, {
        caption: 'By member type',
        columns: flow,
        headers: { value: 'Member type' },
        format: { value: (v) => label(String(v)) },
        rows: (g) => g('segment') === 'member_type',
      }),
    );
    out.push(
      ...docTable(t, {
        caption: 'By level of government',
        columns: flow,
        headers: { value: 'Level' },
        format: { value: (v) => LEVEL_WORDS[String(v)] ?? label(String(v)) },
        rows: (g) => g('segment') === 'level' && LEVELS_ORDER.includes(String(g('value'))),
      }),
    );
    chart('levels');
  }

  const a = r.agencies;
  if (a) {
    const [t] = sectionTables(r, 'agencies');
    out.push({ kind: 'heading', level: 2, text: 'Agencies', id: 'agencies' });
    out.push({ kind: 'paragraph', text: `${num(a.count)} ${a.count === 1 ? 'agency' : 'agencies'} had at least one member on ${r.period.end}.${r.previous?.agencies ? ` FY ${r.previous.fiscal_year}: ${num(r.previous.agencies.count)}.` : ''}` });
    chart('agencies');
    out.push(
      ...docTable(t, {
        caption: a.by === 'agency' ? 'Agencies' : 'Organizations',
        columns: a.by === 'agency' ? ['agency', 'organization', 'level', 'members_at_end', 'joined_in_fy'] : ['organization', 'level', 'agencies', 'members_at_end', 'joined_in_fy'],
      }),
    );
  }

  const g = r.groups;
  if (g) {
    const [t] = sectionTables(r, 'groups');
    out.push({ kind: 'heading', level: 2, text: 'Working groups and practice areas', id: 'groups' });
    chart('groups');
    for (const [caption, kind, first] of [
      ['Working groups', 'working_group', 'Working group'],
      ['Practice areas', 'practice_area', 'Practice area'],
    ] as const) {
      out.push(...docTable(t, { caption, columns: ['group', 'members_at_end', 'joined_in_fy'], headers: { group: first }, rows: (x) => x('kind') === kind }));
    }
  }

  const e = r.events;
  if (e) {
    const [events, types, series, tracks, quarters, scores] = sectionTables(r, 'events');
    out.push({ kind: 'heading', level: 2, text: 'Events', id: 'events' });
    out.push(
      measures('Events and satisfaction', r, [
        ['Events', (x) => x.events?.count, 'integer'],
        ['Government-wide events', (x) => x.events?.government_wide, 'integer'],
        ['Registrations', (x) => x.events?.registrations, 'integer'],
        ['Attendances', (x) => x.events?.attendances, 'integer'],
        ['Unique attendees', (x) => x.events?.unique_attendees, 'integer'],
        ['Unique attendees who are members', (x) => x.events?.unique_member_attendees, 'integer'],
        ['Satisfaction responses', (x) => x.events?.satisfaction.responses, 'integer'],
        ['Response rate', (x) => x.events?.response_rate ?? null, 'percent'],
        ['Mean satisfaction (1-5)', (x) => x.events?.satisfaction.mean ?? null, 'decimal2'],
        ['CSAT (top-2-box)', (x) => x.events?.satisfaction.csat_pct ?? null, 'percent'],
        ['NPS', (x) => x.events?.nps ?? null, 'decimal1'],
      ]),
    );
    chart('events');
    const groupColumns = ['events', 'attendances', 'unique_attendees', 'unique_member_attendees', 'responses', 'mean', 'csat_pct', 'nps'];
    const groupHeaders = { events: 'Events', attendances: 'Attended', unique_attendees: 'People', unique_member_attendees: 'Members', responses: 'Responses', mean: 'Mean', csat_pct: 'CSAT' };
    const all = (v: TableCell) => (v === 'all' ? 'All events' : String(v));
    out.push(...docTable(types, { caption: 'Events by type', columns: ['type', ...groupColumns], headers: groupHeaders, format: { type: (v) => (v === 'all' ? 'All events' : label(String(v))) } }));
    out.push(...docTable(quarters, { caption: 'Events by quarter (Q1 = October to December)', columns: ['quarter', ...groupColumns], headers: groupHeaders, format: { quarter: all } }));
    out.push(...docTable(series, { caption: 'Events by series', columns: ['series', ...groupColumns], headers: groupHeaders, format: { series: all } }));
    out.push(...docTable(tracks, { caption: 'Events by track', columns: ['track', ...groupColumns], headers: groupHeaders, format: { track: all } }));
    chart('scores');
    out.push(...docTable(scores, { caption: 'Satisfaction scores', columns: ['score', 'responses'], format: { score: (v) => (v === 'all' ? 'All responses' : String(v)) } }));
    out.push(
      ...docTable(events, {
        caption: 'Events held',
        columns: ['held_on', 'title', 'series', 'type', 'government_wide', 'registrations', 'attendances', 'responses', 'mean', 'csat_pct', 'nps'],
        headers: { held_on: 'Date', title: 'Event', government_wide: 'Gov-wide', registrations: 'Registered', attendances: 'Attended', responses: 'Responses', mean: 'Mean', csat_pct: 'CSAT' },
        format: {
          title: (v, row) => (row('row_type') === 'total' ? String(v) : `${String(v)} (${String(row('id'))})`),
          type: (v) => (v === '' || v === null ? '' : label(String(v))),
        },
        noCompare: true,
      }),
    );
  }

  const quarters = quarterTable(r);
  if (quarters && quarters.rows.length > 0) {
    out.push({ kind: 'heading', level: 2, text: 'By quarter', id: 'quarters' });
    out.push(
      ...docTable(quarters, {
        caption: 'Joins, departures, events and satisfaction by quarter (Q1 = October to December)',
        columns: ['quarter', 'joined', 'left', 'events', 'attendances', 'responses', 'csat_pct', 'nps'],
        headers: { attendances: 'Attended', responses: 'Responses', csat_pct: 'CSAT' },
        format: { quarter: (v) => (v === 'all' ? 'Year' : String(v)) },
      }),
    );
  }

  if (r.methods && r.methods.length > 0) {
    out.push({ kind: 'heading', level: 2, text: 'Methods', id: 'methods' });
    out.push({
      kind: 'list',
      items: [
        ...r.methods,
        'n/a marks a figure that cannot be computed, for example an average satisfaction with no survey answers.',
        ...(r.previous ? ['Change is this year\u2019s figure minus the previous year\u2019s; for percentages it is in percentage points (pts).'] : []),
      ],
    });
  }
  return out;
}
