/**
 * Parses a date as people type it in rosters and event sheets: `YYYY-MM-DD`, `M/D/YYYY` or
 * `M/D/YY` (US order, as Excel writes it; two-digit years 00-69 are 2000-2069 and 70-99 are
 * 1970-1999, Excel's rule). Returns the ISO date,
 * or null when the text is not one of these forms or not a real calendar date (2023-02-30).
 */
export function parseDate(raw: string): string | null {
  const s = raw.trim();
  let y: number;
  let m: number;
  let d: number;
  let match = ISO.exec(s);
  if (match) {
    y = Number(match[1]);
    m = Number(match[2]);
    d = Number(match[3]);
  } else {
    match = US.exec(s);
    if (!match) return null;
    m = Number(match[1]);
    d = Number(match[2]);
    const yy = match[3] ?? '';
    y = yy.length === 2 ? (Number(yy) < 70 ? 2000 + Number(yy) : 1900 + Number(yy)) : Number(yy);
  }
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || y < 1000) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})$/;

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * The local calendar date of an instant in the process's time zone (`TZ` applies), as
 * `YYYY-MM-DD`: aicop's "today" (default join dates, `--fy current`, "as of" dates). The one place
 * an instant becomes a date; at 10 pm Eastern on 30 September it is still 30 September.
 */
export function isoDateOf(instant: Date): string {
  const y = String(instant.getFullYear()).padStart(4, '0');
  const m = String(instant.getMonth() + 1).padStart(2, '0');
  const d = String(instant.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}
