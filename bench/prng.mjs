// A small seeded PRNG shared by the sample-data script and the bench generator: the same seed
// always produces the same files, so figures and tests are reproducible.

/** mulberry32: fast, 32-bit state, good enough for synthetic data (not for anything secret). */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** Integer in [0, n). */
    int: (n) => Math.floor(next() * n),
    /** Integer in [lo, hi]. */
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    /** Picks by weight from [[value, weight], ...]. */
    weighted: (pairs) => {
      let total = 0;
      for (const [, w] of pairs) total += w;
      let r = next() * total;
      for (const [v, w] of pairs) {
        r -= w;
        if (r < 0) return v;
      }
      return pairs[pairs.length - 1][0];
    },
    /** k distinct elements of arr, in arr order. */
    sample: (arr, k) => {
      const idx = arr.map((_, i) => i);
      for (let i = idx.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      return idx.slice(0, k).sort((x, y) => x - y).map((i) => arr[i]);
    },
  };
}

/** Days since 1970-01-01 (UTC) ↔ ISO date, without local-time Date math. */
export function isoFromDay(day) {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}
export function dayFromIso(iso) {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86400000);
}

/** RFC 4180 quoting, only when needed. */
export function csvCell(v) {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export function csvLine(cells) {
  return `${cells.map(csvCell).join(',')}\n`;
}

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Margaret',
  'Donald', 'Ashley', 'Steven', 'Kimberly', 'Andrew', 'Emily', 'Paul', 'Donna', 'Joshua', 'Michelle',
  'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'Timothy', 'Deborah', 'Ronald', 'Stephanie',
  'Jorge', 'Maria', 'Luis', 'Ana', 'Wei', 'Mei', 'Raj', 'Priya', 'Kwame', 'Amara',
  'Hiroshi', 'Yuki', 'Olga', 'Dmitri', 'Fatima', 'Omar', 'Nguyen', 'Linh', 'Aisha', 'Tariq',
];
export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Patel', 'Chen', 'Kim', 'Singh', 'Okafor', 'Tanaka', 'Ivanova', 'Haddad', 'Osei', 'Kowalski',
];
