/**
 * Member identity rules (SPEC §11): when two addresses are likely one person, and how stretches
 * of time of two records of one person unite. Pure.
 */

/**
 * The local part as a mail system reads it for one person: a `+tag` dropped and dots ignored
 * (`jose.garcia+cop` → `josegarcia`). A `.ctr` suffix (DoD contractors) is kept: it marks
 * another role, not a spelling.
 */
export function canonicalLocalPart(local: string): string {
  const plus = local.indexOf('+');
  const base = plus > 0 ? local.slice(0, plus) : local;
  return base.replace(/\./g, '');
}

/**
 * A member's address key for look-alikes (SPEC §11): the canonical local part, `@`, and the
 * registered domain (`Jose.Garcia+cop@hq.nasa.gov` and `josegarcia@nasa.gov` share one). The
 * local part is what precedes the first `@`.
 */
export function addressKey(email: string, registeredDomainOf: string): string {
  const at = email.indexOf('@');
  const local = at === -1 ? '' : email.slice(0, at);
  return `${canonicalLocalPart(local)}@${registeredDomainOf}`;
}

/**
 * A member's name key for look-alikes: first and last name, spaces around them and ASCII case
 * ignored, at one agency; null when a name or the agency is unknown. The folding is SQLite's
 * trim() and lower() (spaces only, A–Z only), which computed these keys before they were
 * stored: the same members still match.
 */
export function nameKey(first: string | null, last: string | null, agencyId: number | null): string | null {
  if (first === null || last === null || agencyId === null) return null;
  const f = sqlTrimLower(first);
  const l = sqlTrimLower(last);
  if (f === '' || l === '') return null;
  return `${f}\u001f${l}\u001f${agencyId}`;
}

function sqlTrimLower(s: string): string {
  return s.replace(/^ +| +$/g, '').replace(/[A-Z]+/g, (c) => c.toLowerCase());
}

export interface Interval<T> {
  readonly start: string;
  /** null: still open. */
  readonly end: string | null;
  readonly value: T;
}

export interface UnitedInterval<T> {
  readonly start: string;
  readonly end: string | null;
  /** The interval that starts it (earliest start). */
  readonly first: T;
  readonly values: readonly T[];
}

/** Unites intervals `[start, end)` that overlap or touch; sorted by start. */
export function uniteIntervals<T>(intervals: readonly Interval<T>[]): UnitedInterval<T>[] {
  const sorted = [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: { start: string; end: string | null; first: T; values: T[] }[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && (last.end === null || iv.start <= last.end)) {
      if (last.end !== null && (iv.end === null || iv.end > last.end)) last.end = iv.end;
      last.values.push(iv.value);
    } else {
      out.push({ start: iv.start, end: iv.end, first: iv.value, values: [iv.value] });
    }
  }
  return out;
}

export type DuplicateReason = 'same_local_part' | 'local_part_variant' | 'same_name_same_agency';

/** How sure each reason is, for sorting (highest first) and display. */
export const DUPLICATE_CONFIDENCE: Readonly<Record<DuplicateReason, number>> = {
  same_local_part: 0.9,
  local_part_variant: 0.75,
  same_name_same_agency: 0.6,
};

export interface DuplicateCandidate {
  readonly id: number;
  readonly email: string;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly agency: string | null;
  readonly joined_on: string;
  readonly left_on: string | null;
}

export interface DuplicatePair<M extends DuplicateCandidate> {
  /** The record to keep when merging: active first, then the earlier join, then the older record. */
  readonly keep: M;
  readonly drop: M;
  readonly reason: DuplicateReason;
  readonly confidence: number;
  /** Why, in words. */
  readonly detail: string;
}

/** Name groups larger than this are common names at a big agency, not likely duplicates. */
export const MAX_NAME_GROUP = 5;

function localOf(email: string): string {
  return email.slice(0, email.lastIndexOf('@'));
}

function keepFirst<M extends DuplicateCandidate>(a: M, b: M, today: string): [M, M] {
  const active = (m: M): boolean => m.left_on === null || m.left_on > today;
  if (active(a) !== active(b)) return active(a) ? [a, b] : [b, a];
  if (a.joined_on !== b.joined_on) return a.joined_on < b.joined_on ? [a, b] : [b, a];
  return a.id < b.id ? [a, b] : [b, a];
}

/**
 * Pairs from the candidate groups, each pair once with its strongest reason, sorted by
 * confidence (highest first), then by the kept address. Name groups over MAX_NAME_GROUP are
 * left out and counted.
 */
export function duplicatePairs<M extends DuplicateCandidate>(
  groups: { readonly byAddress: readonly (readonly M[])[]; readonly byName: readonly (readonly M[])[] },
  today: string,
): { pairs: DuplicatePair<M>[]; skippedNameGroups: number } {
  const seen = new Map<string, DuplicatePair<M>>();
  const add = (a: M, b: M, reason: DuplicateReason, detail: string): void => {
    const key = a.id < b.id ? `${a.id}:${b.id}` : `${b.id}:${a.id}`;
    const prev = seen.get(key);
    if (prev && prev.confidence >= DUPLICATE_CONFIDENCE[reason]) return;
    const [keep, drop] = keepFirst(a, b, today);
    seen.set(key, { keep, drop, reason, confidence: DUPLICATE_CONFIDENCE[reason], detail });
  };
  for (const g of groups.byAddress) {
    for (let i = 0; i < g.length; i++) {
      for (let j = i + 1; j < g.length; j++) {
        const a = g[i] as M;
        const b = g[j] as M;
        if (localOf(a.email) === localOf(b.email)) add(a, b, 'same_local_part', `same local part "${localOf(a.email)}" under one registered domain`);
        else add(a, b, 'local_part_variant', `"${localOf(a.email)}" and "${localOf(b.email)}" differ only in dots or a +tag`);
      }
    }
  }
  let skippedNameGroups = 0;
  for (const g of groups.byName) {
    if (g.length > MAX_NAME_GROUP) {
      skippedNameGroups++;
      continue;
    }
    for (let i = 0; i < g.length; i++) {
      for (let j = i + 1; j < g.length; j++) {
        const a = g[i] as M;
        add(a, g[j] as M, 'same_name_same_agency', `same name "${a.first_name ?? ''} ${a.last_name ?? ''}" at ${a.agency ?? 'one agency'}`);
      }
    }
  }
  const pairs = [...seen.values()].sort((x, y) => y.confidence - x.confidence || (x.keep.email < y.keep.email ? -1 : x.keep.email > y.keep.email ? 1 : x.drop.email < y.drop.email ? -1 : 1));
  return { pairs, skippedNameGroups };
}

/** The reason code of a look-alike an import found (see members duplicates). */
export function lookAlikeReason(p: { readonly added: DuplicateCandidate; readonly existing: DuplicateCandidate; readonly reason: 'address' | 'name' }): DuplicateReason {
  if (p.reason === 'name') return 'same_name_same_agency';
  return localOf(p.added.email) === localOf(p.existing.email) ? 'same_local_part' : 'local_part_variant';
}
