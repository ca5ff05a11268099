import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pct, roundRatio, summarizeScores, tallyScores } from '../src/core/satisfaction.js';

describe('summarizeScores', () => {
  it('computes responses, per-score counts, mean, top-2-box CSAT and NPS exactly', () => {
    // FY2023 of the events fixture: satisfaction 5,4,3,2 and 5,5,3; NPS 10,9,7,3
    const s = summarizeScores(tallyScores([5, 4, 3, 2, null, 5, 5, 3, null], [10, 9, 7, 3, null]));
    expect(s).toEqual({
      responses: 7,
      counts: { 1: 0, 2: 1, 3: 2, 4: 1, 5: 3 },
      mean: 3.86, // 27 / 7 = 3.857…
      csat_pct: 57.1, // 4 of 7
      nps_responses: 4,
      nps: 25, // (2 promoters − 1 detractor) / 4
    });
  });

  it('is null-safe with no responses: never NaN, never a fake 0', () => {
    expect(summarizeScores({ satisfaction: {} })).toEqual({
      responses: 0,
      counts: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
      mean: null,
      csat_pct: null,
      nps_responses: 0,
      nps: null,
    });
  });

  it('reports NPS only where it was collected, and it can be negative', () => {
    const s = summarizeScores({ satisfaction: { 3: 2 }, nps: { 0: 3, 6: 1, 8: 2, 10: 2 } });
    expect(s.mean).toBe(3);
    expect(s.csat_pct).toBe(0);
    expect(s.nps_responses).toBe(8);
    expect(s.nps).toBe(-25); // 2/8 − 4/8
  });

  it('rounds exact halves away from zero (no binary floating-point drift)', () => {
    // 13 × 2 + 27 × 3 = 107 over 40 responses = 2.675 exactly
    expect(summarizeScores({ satisfaction: { 2: 13, 3: 27 } }).mean).toBe(2.68);
    expect(roundRatio(-1, 400, 3)).toBe(-0.003);
    expect(pct(-1, 400)).toBe(-0.3); // −0.25 %
    expect(pct(1, 8)).toBe(12.5);
    expect(pct(1, 0)).toBeNull();
    expect(pct(0, 3)).toBe(0);
  });

  it('tallyScores ignores blanks and out-of-range values', () => {
    expect(tallyScores([1, 1, 5, null, 0, 6, 2.5], [0, 10, 11, -1, null])).toEqual({ satisfaction: { 1: 2, 5: 1 }, nps: { 0: 1, 10: 1 } });
  });

  it('always yields finite figures within their ranges (property)', () => {
    const count = fc.nat({ max: 1_000_000 });
    fc.assert(
      fc.property(fc.tuple(count, count, count, count, count), fc.array(count, { minLength: 11, maxLength: 11 }), ([a, b, c, d, e], nps) => {
        const s = summarizeScores({ satisfaction: { 1: a, 2: b, 3: c, 4: d, 5: e }, nps: Object.fromEntries(nps.map((n, i) => [i, n])) });
        expect(s.responses).toBe(a + b + c + d + e);
        if (s.responses === 0) expect(s.mean).toBeNull();
        else {
          expect(s.mean).toBeGreaterThanOrEqual(1);
          expect(s.mean).toBeLessThanOrEqual(5);
          expect(s.csat_pct).toBeGreaterThanOrEqual(0);
          expect(s.csat_pct).toBeLessThanOrEqual(100);
        }
        if (s.nps !== null) {
          expect(s.nps).toBeGreaterThanOrEqual(-100);
          expect(s.nps).toBeLessThanOrEqual(100);
        }
      }),
    );
  });
});
