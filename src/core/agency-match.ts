/** The registered domain: the last two labels (`mail.nih.gov` → `nih.gov`). */
export function registeredDomain(domain: string): string {
  const last = domain.lastIndexOf('.');
  if (last <= 0) return domain;
  const prev = domain.lastIndexOf('.', last - 1);
  return prev === -1 ? domain : domain.slice(prev + 1);
}

export interface SuffixMatch<T> {
  /** The directory domain that matched (the domain itself or a parent of it). */
  readonly suffix: string;
  readonly value: T;
}

/** Longest-suffix lookup of a domain among directory domains. */
export interface SuffixMatcher<T> {
  match(domain: string): SuffixMatch<T> | undefined;
  readonly size: number;
}

/**
 * Builds a matcher from `[domain, value]` pairs (later pairs win for the same domain). A lookup
 * walks the labels from the full domain down to its last two, one Map lookup each: never a scan.
 */
export function createSuffixMatcher<T>(pairs: Iterable<readonly [string, T]>): SuffixMatcher<T> {
  const map = new Map<string, T>();
  for (const [d, v] of pairs) map.set(d, v);
  return {
    get size() {
      return map.size;
    },
    match(domain: string): SuffixMatch<T> | undefined {
      let candidate = domain;
      for (;;) {
        const v = map.get(candidate);
        if (v !== undefined) return { suffix: candidate, value: v };
        const dot = candidate.indexOf('.');
        if (dot === -1) return undefined;
        candidate = candidate.slice(dot + 1);
      }
    },
  };
}

export const AGENCY_LEVELS = ['federal', 'state', 'local', 'tribal', 'interstate'] as const;
export type AgencyLevel = (typeof AGENCY_LEVELS)[number];
