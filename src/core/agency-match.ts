// The .us names that are public suffixes (as in the Public Suffix List): a state or territory
// (tx.us), k12/cc/lib under a state (k12.tx.us), a few under k12.ma.us, and fed/nsn/dni/isa/kids.
const US_STATES = new Set(
  'ak al ar as az ca co ct dc de fl ga gu hi ia id il in ks ky la ma md me mi mn mo ms mt nc nd ne nh nj nm nv ny oh ok or pa pr ri sc sd tn tx ut va vi vt wa wi wv wy'.split(' '),
);
const US_STATE_SUBS = new Set(['k12', 'cc', 'lib']);
const US_K12_SUBS = new Set(['pvt', 'chtr', 'paroch']);
const US_SECOND_LEVEL = new Set(['fed', 'nsn', 'dni', 'isa', 'kids']);

/** How many trailing labels form the public suffix under `.us` (1 for `.us` itself). */
function usSuffixLabels(labels: readonly string[]): number {
  const n = labels.length;
  const l2 = labels[n - 2] ?? '';
  if (US_SECOND_LEVEL.has(l2)) return 2;
  if (!US_STATES.has(l2)) return 1;
  const l3 = labels[n - 3] ?? '';
  if (!US_STATE_SUBS.has(l3)) return 2;
  return l3 === 'k12' && US_K12_SUBS.has(labels[n - 4] ?? '') ? 4 : 3;
}

/**
 * The registered domain: the public suffix plus one label. `mail.nih.gov` → `nih.gov`; under
 * `.us` the state names are public suffixes, so `dot.state.tx.us` → `state.tx.us` and
 * `ci.austin.tx.us` → `austin.tx.us`, not `tx.us` (which would lump every Texas government,
 * admitted with `domains allow`, into one unmapped agency). Elsewhere the last two labels.
 */
export function registeredDomain(domain: string): string {
  const labels = domain.split('.');
  const suffix = labels[labels.length - 1] === 'us' ? usSuffixLabels(labels) : 1;
  return labels.length <= suffix ? domain : labels.slice(-(suffix + 1)).join('.');
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
