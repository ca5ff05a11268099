/** The delimiters aicop recognises in CSV files, in order of preference on a tie. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * Guesses the delimiter from the first lines of decoded text: for each candidate, counts its
 * occurrences outside double quotes on each of the first (up to 20) records; the winner appears on
 * the header line and the same number of times on the most following lines. A file without any
 * candidate (one column) is comma-separated.
 */
export function sniffDelimiter(text: string): string {
  const counts = DELIMITERS.map(() => [] as number[]);
  let current = DELIMITERS.map(() => 0);
  let inQuotes = false;
  let records = 0;
  for (let i = 0; i < text.length && records < 20; i++) {
    const c = text[i];
    if (c === '"') {
      inQuotes = !inQuotes;
      continue;
    }
    if (inQuotes) continue;
    if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      DELIMITERS.forEach((_, k) => counts[k]?.push(current[k] ?? 0));
      current = DELIMITERS.map(() => 0);
      records++;
      continue;
    }
    const k = DELIMITERS.indexOf(c as (typeof DELIMITERS)[number]);
    if (k >= 0) current[k] = (current[k] ?? 0) + 1;
  }
  if (records < 20 && current.some((n) => n > 0)) DELIMITERS.forEach((_, k) => counts[k]?.push(current[k] ?? 0));
  let best: string = ',';
  let bestScore = 0;
  DELIMITERS.forEach((d, k) => {
    const perLine = counts[k] ?? [];
    const head = perLine[0] ?? 0;
    if (head === 0) return;
    const consistent = perLine.filter((n) => n === head).length;
    // Consistency first, then how many columns the header gets.
    const score = consistent * 1000 + Math.min(head, 999);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  });
  return best;
}
