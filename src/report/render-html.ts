import type { TopLevelSpec } from 'vega-lite';
import { buildDocument, label, reportTitle, type Block, type DocTable } from './document.js';
import { LEVELS, type AgencyRow, type OrganizationRow, type Report } from './model.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type ChartId = Extract<Block, { kind: 'chart' }>['id'];
type Datum = Record<string, string | number>;

const WIDTH = 560;
const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11 },
  legend: { labelFontSize: 11, titleFontSize: 11 },
  title: { fontSize: 13, anchor: 'start' as const },
};

/**
 * A bar chart: `x` is the category (its axis titled `categoryTitle`), `y` the count (titled
 * `valueTitle`). Category labels are never cut (labelLimit 0): a long agency name widens the
 * chart, which the page scales to fit.
 */
function bar(title: string, values: Datum[], x: string, y: string, opts: { horizontal?: boolean; color?: string; categoryTitle: string; valueTitle: string; sort?: string[] | null }): TopLevelSpec {
  const category = { field: x, type: 'nominal' as const, title: opts.categoryTitle, sort: opts.sort ?? null, axis: { labelLimit: 0, labelAngle: 0, titleFontWeight: 'bold' as const } };
  const value = { field: y, type: 'quantitative' as const, title: opts.valueTitle, axis: { tickMinStep: 1, format: ',d', titleFontWeight: 'bold' as const } };
  // This year first (and in the first colour), the previous year beside it.
  const order = [...new Set(values.map((v) => String(opts.color ? v[opts.color] : '')))].sort().reverse();
  const color = opts.color ? { field: opts.color, type: 'nominal' as const, title: 'Fiscal year', sort: order } : undefined;
  const offset = opts.color ? { field: opts.color, sort: order } : undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: opts.horizontal ? WIDTH - 280 : WIDTH,
    height: opts.horizontal ? { step: opts.color ? 12 : 16 } : 200,
    data: { values },
    mark: { type: 'bar', tooltip: false },
    encoding: opts.horizontal
      ? { y: category, x: value, ...(color ? { color, yOffset: offset } : {}) }
      : { x: category, y: value, ...(color ? { color, xOffset: offset } : {}) },
    config: CONFIG,
  } as TopLevelSpec;
}

/** The vega-lite spec of each chart, from the model (pure). */
export function chartSpecs(r: Report): Partial<Record<ChartId, TopLevelSpec>> {
  const specs: Partial<Record<ChartId, TopLevelSpec>> = {};
  const years = r.previous ? [r, r.previous] : [r];
  const both = r.previous ? `FY ${r.fiscal_year} and FY ${r.previous.fiscal_year}` : `FY ${r.fiscal_year}`;
  if (r.membership) {
    const values = years.flatMap((y) =>
      y.membership ? (['at_start', 'joined', 'left', 'at_end'] as const).map((k) => ({ measure: label(k), year: `FY ${y.fiscal_year}`, members: y.membership?.[k] ?? 0 })) : [],
    );
    specs.membership = bar('Members', values, 'measure', 'members', { color: 'year', sort: ['At start', 'Joined', 'Left', 'At end'], categoryTitle: 'Measure', valueTitle: 'Members' });
    const lv = years.flatMap((y) => LEVELS.map((l) => ({ level: label(l), year: `FY ${y.fiscal_year}`, members: y.membership?.by_level[l]?.at_end ?? 0 })));
    specs.levels = bar(`Members at end of ${both} by level of government`, lv, 'level', 'members', {
      horizontal: true,
      sort: LEVELS.map(label),
      categoryTitle: 'Level of government',
      valueTitle: 'Members at end of year',
      ...(r.previous ? { color: 'year' } : {}),
    });
  }
  if (r.agencies) {
    const rows = r.agencies.rows as (AgencyRow | OrganizationRow)[];
    const top = rows.filter((a) => a.members_at_end > 0).slice(0, 15);
    const name = (a: AgencyRow | OrganizationRow) => ('agency' in a ? a.agency : a.organization);
    const what = r.agencies.by === 'agency' ? 'Agency' : 'Organization';
    // With --compare the same agencies show both years, as the table beside them does.
    const prevRows = (r.previous?.agencies?.rows ?? []) as (AgencyRow | OrganizationRow)[];
    const prevOf = new Map(prevRows.map((a) => [name(a), a.members_at_end]));
    const values = top.flatMap((a) => [
      { name: name(a), year: `FY ${r.fiscal_year}`, members: a.members_at_end },
      ...(r.previous ? [{ name: name(a), year: `FY ${r.previous.fiscal_year}`, members: prevOf.get(name(a)) ?? 0 }] : []),
    ]);
    specs.agencies = bar(`Top ${top.length} ${r.agencies.by === 'agency' ? 'agencies' : 'organizations'} by members at end of FY ${r.fiscal_year}`, values, 'name', 'members', {
      horizontal: true,
      sort: top.map(name),
      categoryTitle: what,
      valueTitle: 'Members at end of year',
      ...(r.previous ? { color: 'year' } : {}),
    });
  }
  if (r.groups) {
    const values = years.flatMap((y) => [
      ...(y.groups?.working_groups ?? []).map((g) => ({ group: g.group, year: `FY ${y.fiscal_year}`, members: g.members_at_end })),
      ...(y.groups?.practice_areas ?? []).map((g) => ({ group: g.group, year: `FY ${y.fiscal_year}`, members: g.members_at_end })),
    ]);
    const order = [...r.groups.working_groups, ...r.groups.practice_areas].map((g) => g.group);
    specs.groups = bar(`Members per group at end of ${both}`, values, 'group', 'members', {
      horizontal: true,
      sort: order,
      categoryTitle: 'Working group or practice area',
      valueTitle: 'Members at end of year',
      ...(r.previous ? { color: 'year' } : {}),
    });
  }
  if (r.events) {
    const values = years.flatMap((y) => Object.entries(y.events?.count_by_type ?? {}).map(([t, n]) => ({ type: label(t), year: `FY ${y.fiscal_year}`, events: n })));
    specs.events = bar('Events by type', values, 'type', 'events', { categoryTitle: 'Event type', valueTitle: 'Events', ...(r.previous ? { color: 'year' } : {}) });
    const scores = years.flatMap((y) => (['1', '2', '3', '4', '5'] as const).map((s) => ({ score: s, year: `FY ${y.fiscal_year}`, responses: y.events?.satisfaction.counts[s] ?? 0 })));
    specs.scores = bar('Satisfaction responses by score (1 = very dissatisfied, 5 = very satisfied)', scores, 'score', 'responses', {
      categoryTitle: 'Satisfaction score',
      valueTitle: 'Responses',
      ...(r.previous ? { color: 'year' } : {}),
    });
  }
  return specs;
}

/** Compiles vega-lite and renders to SVG with vega's headless view (no DOM, no network). */
async function toSvg(spec: TopLevelSpec): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function table(t: DocTable): string {
  const cls = (i: number) => (t.numeric[i] ? ' class="n"' : t.dates?.[i] ? ' class="d"' : '');
  const th = t.columns.map((c, i) => `<th${cls(i)}>${escapeHtml(c)}</th>`).join('');
  const rows = t.rows.map((r, j) => `<tr${t.totals?.[j] ? ' class="total"' : ''}>${r.map((v, i) => `<td${cls(i)}>${escapeHtml(v)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table"><table>${t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : ''}<thead><tr>${th}</tr></thead>\n<tbody>\n${rows}\n</tbody></table></div>`;
}

function headline(b: Extract<Block, { kind: 'headline' }>): string {
  const figures = b.figures.map((f) => `<div class="figure"><span class="value">${escapeHtml(f.value)}</span> <span class="label">${escapeHtml(f.label)}</span></div>`).join('');
  return `<section class="headline" aria-label="Headline figures"><p class="lead">${escapeHtml(b.text)}</p><div class="figures">${figures}</div>${b.previous ? `<p class="previous">${escapeHtml(b.previous)}</p>` : ''}</section>`;
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #1b1b1b; background: #fff; max-width: 1040px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .4rem; } h2 { font-size: 1.25rem; border-bottom: 2px solid #005ea2; padding-bottom: .2rem; margin-top: 2rem; }
.headline { border: 1px solid #dfe1e2; border-left: 6px solid #005ea2; background: #f5f9fc; padding: .6rem 1rem; margin: 1rem 0; }
.headline .lead { font-size: 1.1rem; font-weight: bold; margin: 0 0 .5rem; }
.headline .figures { display: flex; flex-wrap: wrap; gap: .4rem 1.6rem; }
.headline .value { font-size: 1.5rem; font-weight: bold; color: #005ea2; font-variant-numeric: tabular-nums; }
.headline .previous { color: #565c65; margin: .5rem 0 0; }
div.table { overflow-x: auto; }
table { border-collapse: collapse; margin: .8rem 0 1.2rem; min-width: 50%; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border-bottom: 1px solid #dfe1e2; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; } td.n { white-space: nowrap; }
td.d, th.d { white-space: nowrap; } td { overflow-wrap: break-word; }
tr.total td { font-weight: bold; border-top: 2px solid #565c65; }
figure.chart { margin: 1rem 0; } figure.chart svg { max-width: 100%; height: auto; }
ul.methods li { margin: .2rem 0; }
@page { size: letter; margin: .5in; }
@media print {
  body { margin: 0; max-width: none; font-size: 9.5pt; }
  .headline { background: none; }
  div.table { overflow: visible; }
  table { font-size: 8.5pt; width: 100%; } th, td { padding: .15rem .3rem; }
  h2 { break-after: avoid; } figure.chart, tr, .headline { break-inside: avoid; }
  figure.chart svg { max-height: 8in; }
  thead { display: table-header-group; } a { color: inherit; text-decoration: none; }
}`;

/**
 * One self-contained HTML file: inline CSS, charts as inline SVG, no script, no external font
 * or image, so it renders offline and prints cleanly. Every text is escaped.
 */
export async function renderHtml(r: Report, generatedOn: string): Promise<string> {
  const specs = chartSpecs(r);
  const blocks = buildDocument(r, { charts: true });
  const parts: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        parts.push(`<h${b.level}${b.id ? ` id="${escapeHtml(b.id)}"` : ''}>${escapeHtml(b.text)}</h${b.level}>`);
        break;
      case 'paragraph':
        parts.push(`<p>${escapeHtml(b.text)}</p>`);
        break;
      case 'headline':
        parts.push(headline(b));
        break;
      case 'table':
        parts.push(table(b.table));
        break;
      case 'list':
        parts.push(`<ul class="methods">${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`);
        break;
      case 'chart': {
        const spec = specs[b.id];
        if (spec) parts.push(`<figure class="chart" data-chart="${b.id}">${await toSvg(spec)}</figure>`);
        break;
      }
    }
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(reportTitle(r))}</title>
<style>${CSS}</style>
</head>
<body>
${parts.join('\n')}
<footer><p>Generated by aicop on ${escapeHtml(generatedOn)}.</p></footer>
</body>
</html>
`;
}
