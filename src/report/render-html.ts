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

function bar(title: string, values: Datum[], x: string, y: string, opts: { horizontal?: boolean; color?: string; xTitle?: string; yTitle?: string; sort?: string[] | null } = {}): TopLevelSpec {
  const category = { field: x, type: 'nominal' as const, title: opts.xTitle ?? null, sort: opts.sort ?? null, axis: { labelLimit: 260, labelAngle: 0 } };
  const value = { field: y, type: 'quantitative' as const, title: opts.yTitle ?? null, axis: { tickMinStep: 1, format: ',d' } };
  const color = opts.color ? { field: opts.color, type: 'nominal' as const, title: null } : undefined;
  const offset = opts.color ? { field: opts.color } : undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: opts.horizontal ? WIDTH - 280 : WIDTH,
    height: opts.horizontal ? { step: 16 } : 200,
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
  if (r.membership) {
    const values = years.flatMap((y) =>
      y.membership ? (['at_start', 'joined', 'left', 'at_end'] as const).map((k) => ({ measure: label(k), year: `FY ${y.fiscal_year}`, members: y.membership?.[k] ?? 0 })) : [],
    );
    specs.membership = bar('Members', values, 'measure', 'members', { color: 'year', sort: ['At start', 'Joined', 'Left', 'At end'] });
    const lv = LEVELS.map((l) => ({ level: label(l), members: r.membership?.by_level[l]?.at_end ?? 0 }));
    specs.levels = bar(`Members at end of FY ${r.fiscal_year} by level of government`, lv, 'level', 'members', { horizontal: true, sort: LEVELS.map(label) });
  }
  if (r.agencies) {
    const rows = r.agencies.rows as (AgencyRow | OrganizationRow)[];
    const top = rows.filter((a) => a.members_at_end > 0).slice(0, 15);
    const name = (a: AgencyRow | OrganizationRow) => ('agency' in a ? a.agency : a.organization);
    specs.agencies = bar(
      `Top ${top.length} ${r.agencies.by === 'agency' ? 'agencies' : 'organizations'} by members at end of FY ${r.fiscal_year}`,
      top.map((a) => ({ name: name(a), members: a.members_at_end })),
      'name',
      'members',
      { horizontal: true, sort: top.map(name) },
    );
  }
  if (r.groups) {
    const values = [
      ...r.groups.working_groups.map((g) => ({ group: g.group, kind: 'Working group', members: g.members_at_end })),
      ...r.groups.practice_areas.map((g) => ({ group: g.group, kind: 'Practice area', members: g.members_at_end })),
    ];
    specs.groups = bar(`Members per group at end of FY ${r.fiscal_year}`, values, 'group', 'members', { horizontal: true, sort: values.map((v) => v.group) });
  }
  if (r.events) {
    const values = years.flatMap((y) => Object.entries(y.events?.count_by_type ?? {}).map(([t, n]) => ({ type: label(t), year: `FY ${y.fiscal_year}`, events: n })));
    specs.events = bar('Events by type', values, 'type', 'events', r.previous ? { color: 'year' } : {});
    const scores = years.flatMap((y) => (['1', '2', '3', '4', '5'] as const).map((s) => ({ score: s, year: `FY ${y.fiscal_year}`, responses: y.events?.satisfaction.counts[s] ?? 0 })));
    specs.scores = bar('Satisfaction responses by score (1 = very dissatisfied, 5 = very satisfied)', scores, 'score', 'responses', r.previous ? { color: 'year' } : {});
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
  const th = t.columns.map((c, i) => `<th${t.numeric[i] ? ' class="n"' : ''}>${escapeHtml(c)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((v, i) => `<td${t.numeric[i] ? ' class="n"' : ''}>${escapeHtml(v)}</td>`).join('')}</tr>`).join('\n');
  return `<table>${t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : ''}<thead><tr>${th}</tr></thead>\n<tbody>\n${rows}\n</tbody></table>`;
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #1b1b1b; background: #fff; max-width: 980px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; border-bottom: 2px solid #005ea2; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .8rem 0 1.2rem; min-width: 50%; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border-bottom: 1px solid #dfe1e2; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure.chart { margin: 1rem 0; } figure.chart svg { max-width: 100%; height: auto; }
ul.methods li { margin: .2rem 0; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; } figure.chart, table { break-inside: avoid; }
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
