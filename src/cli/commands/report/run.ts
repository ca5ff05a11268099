import type { CliContext } from '../../context.js';
import { checkBinaryTarget, emit, resolveFormat, type Format } from '../../output.js';
import { isoDateOf } from '../../../core/dates.js';
import { produceReport } from '../../../report/load.js';
import { applyClosures } from '../../../report/closing.js';
import { SECTIONS_OF, type AgencyGrouping, type Quarter, type Report, type ReportKind } from '../../../report/model.js';
import { renderCsv } from '../../../report/render-csv.js';
import { renderJson } from '../../../report/render-json.js';
import { renderMarkdown } from '../../../report/render-md.js';
import { renderText } from '../../../report/render-table.js';
import { formatsOf, pipedDefaultOf } from './formats.js';

export interface ReportOptions {
  readonly kind: ReportKind;
  readonly fy: number;
  readonly compare: boolean;
  readonly by: AgencyGrouping;
  /** A closed year: today's data instead of the closed figures. */
  readonly recompute?: boolean;
  /** One fiscal quarter (Q1 = October-December) instead of the whole year. */
  readonly quarter?: Quarter;
}

export interface ReportResult {
  readonly report: Report;
  readonly format: Format;
  /** The rendered report; for xlsx, a note of the sheets (the workbook itself is binary). */
  readonly text: string;
}

/** Builds the report from the database, renders it and writes it to stdout or -o. */
export async function runReport(opts: ReportOptions, ctx: CliContext): Promise<ReportResult> {
  const format = resolveFormat(ctx, formatsOf(opts.kind), pipedDefaultOf(opts.kind));
  checkBinaryTarget(ctx, format);
  // formatsOf() offers csv only for the one-section reports.
  const sections = SECTIONS_OF[opts.kind];
  const db = ctx.readDb();
  const report = db.transaction(() =>
    applyClosures(db, produceReport(db, { fy: opts.fy, sections, compare: opts.compare, by: opts.by, ...(opts.quarter ? { quarter: opts.quarter } : {}) }), sections, opts.by, opts.recompute === true),
  )();
  for (const y of [report, ...(report.previous ? [report.previous] : [])]) {
    if (y.closed_on === undefined) continue;
    if (y.note !== undefined) {
      ctx.info(y.note);
      continue;
    }
    const shown = opts.recompute === true ? "today's data" : 'the figures as closed';
    ctx.info(`FY ${y.fiscal_year} was closed on ${y.closed_on}: showing ${shown}`);
    if (y.restated) {
      const n = y.restatements?.length ?? 0;
      ctx.warn(
        `FY ${y.fiscal_year}: today's data differ from the figures closed on ${y.closed_on} in ${n} ${n === 1 ? 'figure' : 'figures'} (see: aicop report diff --fy ${y.fiscal_year}${opts.recompute === true ? '' : '; --recompute shows today\'s data'})`,
      );
    }
  }
  let text: string;
  switch (format) {
    case 'json':
      text = renderJson(report);
      break;
    case 'md':
      text = renderMarkdown(report);
      break;
    case 'csv':
      text = renderCsv(report, sections[0] ?? 'membership');
      break;
    case 'html': {
      // vega is loaded only for html: the other formats stay quick to start.
      const { renderHtml } = await import('../../../report/render-html.js');
      text = await renderHtml(report, isoDateOf(ctx.now()));
      break;
    }
    case 'xlsx': {
      const [{ renderXlsx }, { reportTables }] = await Promise.all([import('../../../report/render-xlsx.js'), import('../../../report/tables.js')]);
      const tables = reportTables(report);
      emit(ctx, await renderXlsx(report, tables, isoDateOf(ctx.now())));
      text = `sheets: ${[...tables.map((t) => t.title), 'Methods'].join(', ')}`;
      if (ctx.globals.output !== undefined && ctx.globals.output !== '-') ctx.info(`wrote FY ${opts.fy}${opts.quarter ? ` ${opts.quarter}` : ''} ${opts.kind} report (xlsx) to ${ctx.globals.output}`);
      return { report, format, text };
    }
    case 'table': {
      const color = ctx.colorFor('stdout');
      text = renderText(report, { bold: (s) => color.bold(s) });
      break;
    }
  }
  emit(ctx, text);
  if (ctx.globals.output !== undefined && ctx.globals.output !== '-') ctx.info(`wrote FY ${opts.fy}${opts.quarter ? ` ${opts.quarter}` : ''} ${opts.kind} report (${format}) to ${ctx.globals.output}`);
  return { report, format, text };
}
