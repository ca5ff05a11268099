import { describe, expect, it } from 'vitest';
import { dayBefore, fiscalYearOf, fiscalYearRange, parseFyArg } from '../src/core/fiscal-year.js';

describe('fiscal years', () => {
  it.each([
    ['2022-09-30', 2022],
    ['2022-10-01', 2023],
    ['2023-09-30', 2023],
    ['2023-10-01', 2024],
    ['2024-01-01', 2024],
    ['2026-11-23', 2027],
  ])('fiscalYearOf(%s) = %d', (iso, fy) => expect(fiscalYearOf(iso)).toBe(fy));

  it('ranges', () => {
    expect(fiscalYearRange(2023)).toEqual({ start: '2022-10-01', end: '2023-09-30' });
    expect(() => fiscalYearRange(2023.5)).toThrow();
  });

  it.each([
    ['2022-10-01', '2022-09-30'],
    ['2024-03-01', '2024-02-29'],
    ['2023-03-01', '2023-02-28'],
    ['1900-03-01', '1900-02-28'],
    ['2000-03-01', '2000-02-29'],
    ['2023-01-01', '2022-12-31'],
    ['2023-05-17', '2023-05-16'],
  ])('dayBefore(%s) = %s', (iso, before) => expect(dayBefore(iso)).toBe(before));

  it('rejects bad dates', () => {
    expect(() => fiscalYearOf('2023-13-01')).toThrow();
    expect(() => dayBefore('2023-02-30')).toThrow();
    expect(() => fiscalYearOf('23-1-1')).toThrow();
  });

  const now = new Date('2026-11-23T12:00:00Z');
  it.each([
    ['2023', 2023],
    ['FY2023', 2023],
    ['fy 2023', 2023],
    ['current', 2027],
    ['previous', 2026],
    ['CURRENT', 2027],
  ])('parseFyArg(%s) = %d', (arg, fy) => expect(parseFyArg(arg, now)).toBe(fy));

  it('current flips on 1 October (UTC)', () => {
    expect(parseFyArg('current', new Date('2026-09-30T23:59:59Z'))).toBe(2026);
    expect(parseFyArg('current', new Date('2026-10-01T00:00:00Z'))).toBe(2027);
  });

  it.each(['', '23', 'FY23', 'next', '2023-24', '0999', 'abc'])('parseFyArg(%j) throws', (arg) => {
    expect(() => parseFyArg(arg, now)).toThrow(/is not a fiscal year/);
  });
});
