/**
 * Satisfaction survey arithmetic (SPEC §8 "events"): the raw score of every attendance row is
 * stored, so every figure here is computed from per-score counts and is exact and reproducible.
 */

/** Satisfaction scores 1–5. */
export const SATISFACTION_SCORES = [1, 2, 3, 4, 5] as const;
export type SatisfactionScore = (typeof SATISFACTION_SCORES)[number];

/** Per-score counts: how many responses gave each satisfaction score, and each NPS score 0–10. */
export interface ScoreCounts {
  /** satisfaction[s] = number of responses with score s (1–5); a missing key counts 0. */
  readonly satisfaction: Readonly<Partial<Record<SatisfactionScore, number>>>;
  /** nps[s] = number of "would you recommend" answers with score s (0–10); missing counts 0. */
  readonly nps?: Readonly<Partial<Record<number, number>>>;
}

export interface ScoreSummary {
  /** Number of satisfaction responses (rows with a score 1–5). */
  readonly responses: number;
  /** Responses per score, always all five keys. */
  readonly counts: Readonly<Record<SatisfactionScore, number>>;
  /** Mean score, 2 decimals; null when there is no response. */
  readonly mean: number | null;
  /** Top-2-box: % of responses scoring 4 or 5, 1 decimal; null when there is no response. */
  readonly csat_pct: number | null;
  /** Number of NPS answers (0–10). */
  readonly nps_responses: number;
  /** Net promoter score: % of 9–10 minus % of 0–6, 1 decimal; null when none was collected. */
  readonly nps: number | null;
}

/**
 * numerator / denominator rounded half away from zero to `decimals` places. Scaling the integer
 * numerator before dividing keeps exact halves exact (2.675 would otherwise round to 2.67).
 */
export function roundRatio(numerator: number, denominator: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round((Math.abs(numerator) * f) / Math.abs(denominator)) / f;
  return numerator < 0 !== denominator < 0 && r !== 0 ? -r : r;
}

/** numerator / denominator as a percentage with one decimal; null when the denominator is 0. */
export function pct(numerator: number, denominator: number): number | null {
  if (denominator <= 0) return null;
  return roundRatio(numerator * 100, denominator, 1);
}

/** Counts raw scores (nulls are "no response") into ScoreCounts. Out-of-range values are ignored. */
export function tallyScores(satisfaction: readonly (number | null)[], nps: readonly (number | null)[] = []): ScoreCounts {
  const s: Partial<Record<SatisfactionScore, number>> = {};
  for (const v of satisfaction) {
    if (v !== null && Number.isInteger(v) && v >= 1 && v <= 5) s[v as SatisfactionScore] = (s[v as SatisfactionScore] ?? 0) + 1;
  }
  const n: Record<number, number> = {};
  for (const v of nps) {
    if (v !== null && Number.isInteger(v) && v >= 0 && v <= 10) n[v] = (n[v] ?? 0) + 1;
  }
  return { satisfaction: s, nps: n };
}

/**
 * Responses, counts per score, mean (2 decimals), top-2-box CSAT % and NPS (1 decimal) from
 * per-score counts. Never NaN: figures without a denominator are null.
 */
export function summarizeScores(counts: ScoreCounts): ScoreSummary {
  const c = {} as Record<SatisfactionScore, number>;
  let responses = 0;
  let sum = 0;
  for (const s of SATISFACTION_SCORES) {
    const n = Math.max(0, counts.satisfaction[s] ?? 0);
    c[s] = n;
    responses += n;
    sum += s * n;
  }
  let npsResponses = 0;
  let promoters = 0;
  let detractors = 0;
  for (let s = 0; s <= 10; s++) {
    const n = Math.max(0, counts.nps?.[s] ?? 0);
    npsResponses += n;
    if (s >= 9) promoters += n;
    else if (s <= 6) detractors += n;
  }
  return {
    responses,
    counts: c,
    mean: responses === 0 ? null : roundRatio(sum, responses, 2),
    csat_pct: pct(c[4] + c[5], responses),
    nps_responses: npsResponses,
    nps: pct(promoters - detractors, npsResponses),
  };
}
