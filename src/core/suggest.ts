/** Edit distance (insertions, deletions, substitutions) between two strings, by UTF-16 code unit. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] ?? 0;
}

/**
 * The known name closest to what the user typed, for "did you mean …?" messages, or undefined
 * when nothing is close. Compared lower-case: a name that contains the input (or is contained in
 * it) wins, else the smallest edit distance within about a third of the length (at least 2).
 * Ties go to the alphabetically first name, so the suggestion is stable.
 */
export function closestName(input: string, names: Iterable<string>): string | undefined {
  const needle = input.trim().toLowerCase();
  if (needle.length === 0) return undefined;
  const sorted = [...new Set(names)].sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : x.toLowerCase() > y.toLowerCase() ? 1 : x < y ? -1 : 1));
  const limit = Math.max(2, Math.floor(needle.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of sorted) {
    const hay = name.toLowerCase();
    const d = levenshtein(needle, hay);
    if (d < bestDistance && d <= limit) {
      best = name;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  if (needle.length >= 3) return sorted.find((n) => n.toLowerCase().includes(needle) || needle.includes(n.toLowerCase()));
  return undefined;
}

/** `(did you mean 'X'?)` or the empty string: to append to an "unknown …" message. */
export function didYouMean(input: string, names: Iterable<string>): string {
  const s = closestName(input, names);
  return s === undefined ? '' : ` (did you mean '${s}'?)`;
}
