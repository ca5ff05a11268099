import type { CliContext } from '../../context.js';
import { checkBinaryTarget, guardReplacement, openResultSink, resolveFormat, yesNo } from '../../output.js';
import { parseFyFlag } from '../report/flags.js';
import { csvEncoder, type CsvColumn } from '../../../csv/write.js';
import { jsonArrayEncoder, keepYoungGenerationSmall, streamRows, YIELD_EVERY } from '../../stream.js';
import { iterateAttendanceExport, type AttendanceExportRow } from '../../../db/events-repo.js';
import type { XlsxColumn, XlsxType } from '../../../xlsx/write.js';

export interface ExportAttendanceOptions {
  /** Only attendance at events held in this fiscal year; undefined exports every year. */
  readonly fiscalYear: number | undefined;
  /** Do not neutralise formula-like cells. */
  readonly raw: boolean;
  /** Start the CSV with a UTF-8 byte order mark (for Excel). */
  readonly bom: boolean;
  /** An empty result may replace a non-empty -o file. */
  readonly allowEmpty?: boolean;
}

export interface ExportAttendanceResult {
  readonly rows: number;
  readonly format: 'csv' | 'json' | 'xlsx';
}

/** One exported line; JSON uses the same keys as the CSV header. */
export interface AttendanceExportItem {
  readonly event_id: string;
  readonly held_on: string;
  readonly fiscal_year: number;
  readonly type: string;
  readonly title: string;
  readonly track: string | null;
  readonly host: string | null;
  readonly government_wide: boolean;
  readonly email: string;
  readonly member: boolean;
  readonly registered: boolean;
  readonly attended: boolean;
  readonly satisfaction: number | null;
  readonly nps: number | null;
  readonly comment: string | null;
}

function toItem(r: AttendanceExportRow): AttendanceExportItem {
  return {
    event_id: r.event_id,
    held_on: r.held_on,
    fiscal_year: r.fiscal_year,
    type: r.type,
    title: r.title,
    track: r.track,
    host: r.host,
    government_wide: r.government_wide === 1,
    email: r.email,
    member: r.member === 1,
    registered: r.registered === 1,
    attended: r.attended === 1,
    satisfaction: r.satisfaction,
    nps: r.nps,
    comment: r.comment,
  };
}

/** The stable machine header of the attendance export. */
export const ATTENDANCE_EXPORT_COLUMNS: readonly CsvColumn<AttendanceExportItem>[] = [
  { header: 'event_id', value: (r) => r.event_id },
  { header: 'held_on', value: (r) => r.held_on },
  { header: 'fiscal_year', value: (r) => r.fiscal_year, numeric: true },
  { header: 'type', value: (r) => r.type },
  { header: 'title', value: (r) => r.title },
  { header: 'track', value: (r) => r.track },
  { header: 'host', value: (r) => r.host },
  { header: 'government_wide', value: (r) => yesNo(r.government_wide) },
  { header: 'email', value: (r) => r.email },
  { header: 'member', value: (r) => yesNo(r.member) },
  { header: 'registered', value: (r) => yesNo(r.registered) },
  { header: 'attended', value: (r) => yesNo(r.attended) },
  { header: 'satisfaction', value: (r) => r.satisfaction, numeric: true },
  { header: 'nps', value: (r) => r.nps, numeric: true },
  { header: 'comment', value: (r) => r.comment },
];

export function parseExportAttendanceOptions(raw: { fy?: string; raw?: boolean; bom?: boolean; allowEmpty?: boolean }, now: Date): ExportAttendanceOptions {
  const fiscalYear = raw.fy === undefined ? undefined : parseFyFlag(raw.fy, now);
  return { fiscalYear, raw: raw.raw ?? false, bom: raw.bom ?? false, allowEmpty: raw.allowEmpty ?? false };
}

const ATTENDANCE_XLSX_TYPES: Readonly<Record<string, XlsxType>> = { held_on: 'date', fiscal_year: 'year', satisfaction: 'integer', nps: 'integer' };

/** The CSV columns and headers, with dates and numbers as typed cells. */
const ATTENDANCE_XLSX_COLUMNS: readonly XlsxColumn<AttendanceExportItem>[] = ATTENDANCE_EXPORT_COLUMNS.map((c) => ({
  header: c.header,
  value: (r: AttendanceExportItem) => {
    const v = c.value(r);
    return typeof v === 'bigint' ? Number(v) : v;
  },
  type: ATTENDANCE_XLSX_TYPES[c.header] ?? 'text',
}));

/** Streams one row per attendance record, with its event's fields, to stdout or the -o file. */
export async function runExportAttendance(opts: ExportAttendanceOptions, ctx: CliContext): Promise<ExportAttendanceResult> {
  const format = resolveFormat(ctx, ['csv', 'json', 'xlsx'], 'csv');
  checkBinaryTarget(ctx, format);
  const rows = iterateAttendanceExport(ctx.readDb(), { fiscalYear: opts.fiscalYear });
  const items = (function* () {
    for (const r of rows) yield toItem(r);
  })();
  const sink = openResultSink(ctx);
  let count = 0;
  try {
    if (format === 'xlsx') {
      const { XlsxWriter } = await import('../../../xlsx/write.js');
      keepYoungGenerationSmall();
      const xlsx = await XlsxWriter.open((b) => sink.write(b), () => sink.ready());
      count = await xlsx.sheet('Attendance', ATTENDANCE_XLSX_COLUMNS, items, async (n) => {
        if (n % YIELD_EVERY === 0) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          ctx.throwIfInterrupted();
        }
      });
      await xlsx.end();
    } else {
      const enc = format === 'csv' ? csvEncoder(ATTENDANCE_EXPORT_COLUMNS, { raw: opts.raw, bom: opts.bom }) : jsonArrayEncoder((r: AttendanceExportItem) => r);
      count = await streamRows(ctx, sink, items, enc);
    }
    guardReplacement(ctx, { rows: count, allowEmpty: opts.allowEmpty ?? false });
    sink.commit();
  } catch (err) {
    sink.abort();
    throw err;
  }
  const scope = opts.fiscalYear === undefined ? 'all fiscal years' : `FY ${opts.fiscalYear}`;
  ctx.info(`exported ${count} attendance ${count === 1 ? 'row' : 'rows'} (${scope})`);
  return { rows: count, format };
}
