import type { Report } from './model.js';
import type { ColumnType, DataTable, TableCell } from './tables.js';
import { reportTitle } from './document.js';
import type { XlsxColumn, XlsxType } from '../xlsx/write.js';

const XLSX_TYPE: Readonly<Record<ColumnType, { type: XlsxType; decimals?: number }>> = {
  text: { type: 'text' },
  year: { type: 'year' },
  boolean: { type: 'text' },
  integer: { type: 'integer' },
  decimal1: { type: 'decimal', decimals: 1 },
  decimal2: { type: 'decimal', decimals: 2 },
  percent: { type: 'percent' },
  date: { type: 'date' },
};

function columnsOf(t: DataTable): XlsxColumn<readonly TableCell[]>[] {
  return t.columns.map((c, i) => ({ header: c.label, value: (row: readonly TableCell[]) => row[i] ?? null, ...XLSX_TYPE[c.type] }));
}

/**
 * The report as an Excel workbook: one sheet per table (numbers, percentages and dates as typed
 * cells, header row frozen), then a Methods sheet. Returns the bytes.
 */
export async function renderXlsx(r: Report, tables: readonly DataTable[], generatedOn: string): Promise<Buffer> {
  const { XlsxWriter } = await import('../xlsx/write.js');
  const chunks: Uint8Array[] = [];
  const xlsx = await XlsxWriter.open((b) => chunks.push(Buffer.from(b)));
  for (const t of tables) await xlsx.sheet(t.title, columnsOf(t), t.rows);
  const about: (readonly [string, string])[] = [
    ['Report', reportTitle(r)],
    ['Fiscal year', `FY ${r.fiscal_year}: ${r.period.start} to ${r.period.end}`],
    ...(r.previous ? [['Compared with', `FY ${r.previous.fiscal_year}: ${r.previous.period.start} to ${r.previous.period.end}`] as const] : []),
    ['Generated', `by aicop on ${generatedOn}`],
    ...(r.methods ?? []).map((m) => ['Method', m] as const),
  ];
  await xlsx.sheet('Methods', [
    { header: 'Item', value: (x: readonly [string, string]) => x[0], type: 'text' },
    { header: 'Text', value: (x: readonly [string, string]) => x[1], type: 'text' },
  ], about);
  await xlsx.end();
  return Buffer.concat(chunks);
}
