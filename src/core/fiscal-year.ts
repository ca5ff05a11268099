/**
 * US federal fiscal years on date-only ISO strings (`YYYY-MM-DD`). FY N runs from
 * N-1-10-01 through N-09-30. No local-time Date math: a date is text, and the only Date
 * arithmetic (dayBefore) is done in UTC.
 */

import { isoDateOf } from './dates.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface FyRange {
  readonly start: string;
  readonly end: string;
}

function parts(iso: string): [number, number, number] {
  const m = ISO_DATE.exec(iso);
  if (!m) throw new Error(`not an ISO date (YYYY-MM-DD): ${JSON.stringify(iso)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new Error(`not a calendar date: ${iso}`);
  return [y, mo, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** The fiscal year a date falls in: 2022-09-30 → 2022, 2022-10-01 → 2023. */
export function fiscalYearOf(iso: string): number {
  const [y, m] = parts(iso);
  return m >= 10 ? y + 1 : y;
}

/** First and last day of FY `fy`: 2023 → { start: '2022-10-01', end: '2023-09-30' }. */
export function fiscalYearRange(fy: number): FyRange {
  if (!Number.isInteger(fy) || fy < 1001 || fy > 9999) throw new Error(`fiscal year out of range: ${fy}`);
  return { start: `${pad(fy - 1, 4)}-10-01`, end: `${pad(fy, 4)}-09-30` };
}

export const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;
export type Quarter = (typeof QUARTERS)[number];

/**
 * First and last day of a quarter of FY `fy`: Q1 = October-December (of fy - 1), Q2 =
 * January-March, Q3 = April-June, Q4 = July-September. 2023 Q2 → 2023-01-01 … 2023-03-31.
 */
export function fiscalQuarterRange(fy: number, q: Quarter): FyRange {
  const { start, end } = fiscalYearRange(fy);
  const y = end.slice(0, 4);
  switch (q) {
    case 'Q1':
      return { start, end: `${start.slice(0, 4)}-12-31` };
    case 'Q2':
      return { start: `${y}-01-01`, end: `${y}-03-31` };
    case 'Q3':
      return { start: `${y}-04-01`, end: `${y}-06-30` };
    case 'Q4':
      return { start: `${y}-07-01`, end };
  }
}

/** Parses a --quarter value: Q1 … Q4 (any case) or 1 … 4; throws a user-facing Error on anything else. */
export function parseQuarterArg(arg: string): Quarter {
  const m = /^q?([1-4])$/i.exec(arg.trim());
  if (!m) throw new Error(`--quarter ${JSON.stringify(arg)} is not a fiscal quarter; use Q1 (October-December), Q2 (January-March), Q3 (April-June) or Q4 (July-September)`);
  return `Q${m[1]}` as Quarter;
}

/** The calendar day before `iso` (2023-03-01 → 2023-02-28). */
export function dayBefore(iso: string): string {
  const [y, m, d] = parts(iso);
  if (d > 1) return `${pad(y, 4)}-${pad(m, 2)}-${pad(d - 1, 2)}`;
  if (m > 1) return `${pad(y, 4)}-${pad(m - 1, 2)}-${pad(daysInMonth(y, m - 1), 2)}`;
  return `${pad(y - 1, 4)}-12-31`;
}


/**
 * Parses a --fy value: `2023`, `FY2023`, `fy 2023`, `current` or `previous` (relative to `now`,
 * taken as the local date: isoDateOf). Throws a plain Error with a user-facing message on anything else.
 */
export function parseFyArg(arg: string, now: Date): number {
  const a = arg.trim().toLowerCase();
  if (a === 'current') return fiscalYearOf(isoDateOf(now));
  if (a === 'previous') return fiscalYearOf(isoDateOf(now)) - 1;
  const m = /^(?:fy\s*)?(\d{4})$/.exec(a);
  const fy = m ? Number(m[1]) : NaN;
  if (!m || fy < 1901) {
    throw new Error(`--fy ${JSON.stringify(arg)} is not a fiscal year; use a year like 2023 or FY2023, or current or previous`);
  }
  return fy;
}
