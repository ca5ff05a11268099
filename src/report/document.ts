import type { AgencyRow, BreakdownFlow, FyReport, OrganizationRow, Report } from './model.js';
import { LEVELS, MEMBER_TYPES } from './model.js';

/**
 * A report laid out as a document (headings, paragraphs, tables of text cells), shared by the
 * table, md and html renderers so they always show the same figures in the same order.
 */
export interface DocTable {
  readonly caption?: string;
  readonly columns: readonly string[];
  /** Columns holding numbers (right-aligned). */
  readonly numeric: readonly boolean[];
  readonly rows: readonly (readonly string[])[];
}

export type Block =
  | { readonly kind: 'heading'; readonly text: string; readonly level: 1 | 2 | 3; readonly id?: string }
  | { readonly kind: 'paragraph'; readonly text: string }
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

function mean(n: number | null): string {
  return n === null ? 'n/a' : n.toFixed(2);
}

export function label(key: string): string {
  const s = key.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const fyLabel = (r: FyReport) => `FY ${r.fiscal_year}`;

/** A "measure | this FY [| previous FY]" table. */
function measures(caption: string, r: Report, lines: readonly (readonly [string, (x: FyReport) => string])[]): Block {
  const prev = r.previous;
  return {
    kind: 'table',
    table: {
      caption,
      columns: ['Measure', fyLabel(r), ...(prev ? [fyLabel(prev)] : [])],
      numeric: [false, true, ...(prev ? [true] : [])],
      rows: lines.map(([name, f]) => [name, f(r), ...(prev ? [f(prev)] : [])]),
    },
  };
}

const FLOW_COLUMNS = ['At start', 'Joined', 'Rejoined', 'Left', 'Moved in', 'Moved out', 'At end'];

export function reportTitle(r: Report): string {
  return `AI Community of Practice: FY ${r.fiscal_year} report`;
}

export function buildDocument(r: Report, opts: { charts: boolean }): Block[] {
  const out: Block[] = [];
  const chart = (id: Extract<Block, { kind: 'chart' }>['id']) => {
    if (opts.charts) out.push({ kind: 'chart', id });
  };
  out.push({ kind: 'heading', level: 1, text: reportTitle(r) });
  out.push({
    kind: 'paragraph',
    text: `Fiscal year ${r.fiscal_year}: ${r.period.start} to ${r.period.end}.${r.previous ? ` Compared with FY ${r.previous.fiscal_year} (${r.previous.period.start} to ${r.previous.period.end}).` : ''}`,
  });

  const m = r.membership;
  if (m) {
    out.push({ kind: 'heading', level: 2, text: 'Membership', id: 'membership' });
    out.push(
      measures('Members', r, [
        ['Members at start', (x) => num(x.membership?.at_start)],
        ['Joined', (x) => num(x.membership?.joined)],
        ['of whom rejoined', (x) => num(x.membership?.rejoined)],
        ['Left', (x) => num(x.membership?.left)],
        ['Members at end', (x) => num(x.membership?.at_end)],
        ['Growth', (x) => percent(x.membership?.growth_pct)],
      ]),
    );
    chart('membership');
    const flowTable = (caption: string, first: string, keys: readonly string[], pick: (k: string) => BreakdownFlow | undefined): Block => ({
      kind: 'table',
      table: {
        caption,
        columns: [first, ...FLOW_COLUMNS],
        numeric: [false, true, true, true, true, true, true, true],
        rows: keys.map((k) => {
          const f = pick(k);
          return [label(k), num(f?.at_start ?? 0), num(f?.joined ?? 0), num(f?.rejoined ?? 0), num(f?.left ?? 0), num(f?.moved_in ?? 0), num(f?.moved_out ?? 0), num(f?.at_end ?? 0)];
        }),
      },
    });
    out.push(flowTable('By member type', 'Member type', MEMBER_TYPES, (k) => m.by_member_type[k]));
    out.push(flowTable('By level of government', 'Level', LEVELS, (k) => m.by_level[k]));
    chart('levels');
  }

  const a = r.agencies;
  if (a) {
    out.push({ kind: 'heading', level: 2, text: 'Agencies', id: 'agencies' });
    out.push({ kind: 'paragraph', text: `${num(a.count)} ${a.count === 1 ? 'agency' : 'agencies'} had at least one member on ${r.period.end}.${r.previous?.agencies ? ` FY ${r.previous.fiscal_year}: ${num(r.previous.agencies.count)}.` : ''}` });
    chart('agencies');
    if (a.by === 'agency') {
      const rows = a.rows as AgencyRow[];
      out.push({
        kind: 'table',
        table: {
          caption: 'Agencies',
          columns: ['Agency', 'Organization', 'Level', 'Members at end', 'Joined in FY'],
          numeric: [false, false, false, true, true],
          rows: rows.map((x) => [x.agency, x.organization ?? '', x.level, num(x.members_at_end), num(x.joined_in_fy)]),
        },
      });
    } else {
      const rows = a.rows as OrganizationRow[];
      out.push({
        kind: 'table',
        table: {
          caption: 'Organizations',
          columns: ['Organization', 'Level', 'Agencies', 'Members at end', 'Joined in FY'],
          numeric: [false, false, true, true, true],
          rows: rows.map((x) => [x.organization, x.level, num(x.agencies), num(x.members_at_end), num(x.joined_in_fy)]),
        },
      });
    }
  }

  const g = r.groups;
  if (g) {
    out.push({ kind: 'heading', level: 2, text: 'Working groups and practice areas', id: 'groups' });
    chart('groups');
    for (const [caption, rows] of [['Working groups', g.working_groups], ['Practice areas', g.practice_areas]] as const) {
      out.push({
        kind: 'table',
        table: {
          caption,
          columns: [caption === 'Working groups' ? 'Working group' : 'Practice area', 'Members at end', 'Joined in FY'],
          numeric: [false, true, true],
          rows: rows.map((x) => [x.group, num(x.members_at_end), num(x.joined_in_fy)]),
        },
      });
    }
  }

  const e = r.events;
  if (e) {
    out.push({ kind: 'heading', level: 2, text: 'Events', id: 'events' });
    out.push(
      measures('Events and satisfaction', r, [
        ['Events', (x) => num(x.events?.count)],
        ['Government-wide events', (x) => num(x.events?.government_wide)],
        ['Registrations', (x) => num(x.events?.registrations)],
        ['Attendances', (x) => num(x.events?.attendances)],
        ['Unique attendees', (x) => num(x.events?.unique_attendees)],
        ['Unique attendees who are members', (x) => num(x.events?.unique_member_attendees)],
        ['Satisfaction responses', (x) => num(x.events?.satisfaction.responses)],
        ['Response rate', (x) => percent(x.events?.response_rate)],
        ['Mean satisfaction (1-5)', (x) => mean(x.events?.satisfaction.mean ?? null)],
        ['CSAT (top-2-box)', (x) => percent(x.events?.satisfaction.csat_pct)],
        ['NPS', (x) => (x.events?.nps === null || x.events?.nps === undefined ? 'n/a' : x.events.nps.toFixed(1))],
      ]),
    );
    chart('events');
    out.push({
      kind: 'table',
      table: {
        caption: 'Events by type',
        columns: ['Type', 'Events'],
        numeric: [false, true],
        rows: Object.entries(e.count_by_type).map(([t, n]) => [label(t), num(n)]),
      },
    });
    chart('scores');
    out.push({
      kind: 'table',
      table: {
        caption: 'Satisfaction scores',
        columns: ['Score', 'Responses'],
        numeric: [false, true],
        rows: (['1', '2', '3', '4', '5'] as const).map((s) => [s, num(e.satisfaction.counts[s])]),
      },
    });
    out.push({
      kind: 'table',
      table: {
        caption: 'Events held',
        columns: ['Date', 'Event', 'Type', 'Gov-wide', 'Registered', 'Attended', 'Responses', 'Mean', 'CSAT', 'NPS'],
        numeric: [false, false, false, false, true, true, true, true, true, true],
        rows: e.rows.map((x) => [
          x.held_on,
          `${x.title} (${x.id})`,
          label(x.type),
          x.government_wide ? 'yes' : 'no',
          num(x.registrations),
          num(x.attendances),
          num(x.responses),
          mean(x.mean),
          percent(x.csat_pct),
          x.nps === null ? 'n/a' : x.nps.toFixed(1),
        ]),
      },
    });
  }

  if (r.methods && r.methods.length > 0) {
    out.push({ kind: 'heading', level: 2, text: 'Methods', id: 'methods' });
    out.push({ kind: 'list', items: [...r.methods, 'n/a marks a figure without a denominator (for example no responses).'] });
  }
  return out;
}
