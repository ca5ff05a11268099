import type { Report, Section } from './model.js';
import { sectionTables, type TableCell } from './tables.js';
import { neutraliseFormula, quoteCsvField } from '../csv/write.js';

/** RFC 4180 quoting; text cells that a spreadsheet would run as a formula get a leading ', as in every aicop CSV. */
function cell(v: TableCell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return quoteCsvField(neutraliseFormula(v));
}

/**
 * The section's main table as CSV (src/report/tables.ts): a first column `row_type` (`detail`,
 * or `total` for the totals rows, which come last), then `fiscal_year`; with --compare each
 * figure is followed by `<figure>_previous` and `<figure>_change`. Annual has several tables:
 * use json or xlsx.
 */
export function renderCsv(r: Report, section: Section): string {
  const t = sectionTables(r, section)[0];
  if (!t) return '';
  return [t.columns.map((c) => c.key), ...t.rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
