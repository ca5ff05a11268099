import { checkEmail, type DomainRules } from './email.js';
import { parseDate } from './dates.js';
import type { RejectReason } from './reasons.js';
import { levenshtein } from './suggest.js';

/** The roster fields of SPEC §4. */
export const ROSTER_FIELDS = [
  'email',
  'first_name',
  'last_name',
  'name',
  'agency',
  'member_type',
  'job_title',
  'role_track',
  'working_groups',
  'practice_areas',
  'joined_on',
  'effective_on',
  'previous_email',
] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];
export type MappingTarget = RosterField | 'ignore';

export const MEMBER_TYPES = ['employee', 'contractor'] as const;
export type MemberType = (typeof MEMBER_TYPES)[number];
export const ROLE_TRACKS = ['Acquisition', 'Leadership', 'Technical'] as const;
export type RoleTrack = (typeof ROLE_TRACKS)[number];

/** Header matching ignores case, spaces, `_`, `-` and punctuation: "E-mail Address" → "emailaddress". */
export function normalizeHeader(header: string): string {
  return header.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

const ALIAS_LIST: ReadonlyArray<readonly [RosterField, readonly string[]]> = [
  ['email', ['email', 'e-mail', 'email address', 'work email', 'mail']],
  ['first_name', ['first name', 'given name', 'firstname']],
  ['last_name', ['last name', 'surname', 'family name']],
  ['name', ['full name', 'name']],
  ['agency', ['agency', 'organization', 'organisation', 'department', 'org']],
  ['member_type', ['type', 'member type', 'employment type']],
  ['job_title', ['title', 'job title', 'position']],
  ['role_track', ['track', 'role', 'role track']],
  ['working_groups', ['working groups', 'working group', 'wg']],
  ['practice_areas', ['practice areas', 'practice area', 'interests']],
  ['joined_on', ['joined', 'joined on', 'join date', 'date joined']],
  ['effective_on', ['effective', 'effective on', 'effective date', 'as of']],
  ['previous_email', ['previous email', 'old email', 'former email']],
];

/** Normalised header → field, including each field's own name (first_name, joined_on…). */
export const HEADER_ALIASES: ReadonlyMap<string, RosterField> = new Map(
  ALIAS_LIST.flatMap(([field, aliases]) => [...aliases, field].map((a) => [normalizeHeader(a), field] as const)),
);

/**
 * The field every alias inside a header names, when they all name the same one and cover the
 * whole header: "Agency/Organization" → agency, "Practice Area Interests" → practice_areas,
 * "Job Title / Position" → job_title. Undefined otherwise ("Org Name": agency and name).
 */
export function compositeAlias(header: string): RosterField | undefined {
  const words = header.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  if (words.length < 2) return undefined;
  let field: RosterField | undefined;
  let i = 0;
  while (i < words.length) {
    let match: { field: RosterField; next: number } | undefined;
    // The longest run of words from i that is an alias (practice area before practice).
    for (let j = words.length; j > i; j--) {
      const f = HEADER_ALIASES.get(words.slice(i, j).join(''));
      if (f !== undefined) {
        match = { field: f, next: j };
        break;
      }
    }
    if (!match || (field !== undefined && match.field !== field)) return undefined;
    field = match.field;
    i = match.next;
  }
  return field;
}

/**
 * The likeliest roster field for a header nothing recognised, for the mapping prompt's default:
 * the longest alias the header contains ("Practice Area Interests" → practice_areas), else the
 * alias closest by edit distance ("E-mial" → email), else ignore. Fields already `taken` by
 * another column are never guessed.
 */
export function guessRosterField(header: string, taken: ReadonlySet<string>): MappingTarget {
  const norm = normalizeHeader(header);
  if (norm === '') return 'ignore';
  let best: { field: RosterField; length: number } | undefined;
  for (const [alias, field] of HEADER_ALIASES) {
    if (taken.has(field) || alias.length < 3) continue;
    if (norm.includes(alias) && (!best || alias.length > best.length)) best = { field, length: alias.length };
  }
  if (best) return best.field;
  const limit = Math.max(2, Math.floor(norm.length / 3));
  let closest: { field: RosterField; distance: number } | undefined;
  for (const [alias, field] of HEADER_ALIASES) {
    if (taken.has(field)) continue;
    const d = levenshtein(norm, alias);
    if (d <= limit && (!closest || d < closest.distance)) closest = { field, distance: d };
  }
  return closest?.field ?? 'ignore';
}

/** A header layout that cannot be imported; `hint` says what to pass. */
export class MappingError extends Error {
  readonly hint: string;
  readonly missingEmail: boolean;
  constructor(message: string, hint: string, missingEmail = false) {
    super(message);
    this.hint = hint;
    this.missingEmail = missingEmail;
  }
}

/** Which column holds each field (-1 when absent), and the headers nothing maps. */
export interface RosterLayout {
  readonly header: readonly string[];
  readonly index: Readonly<Record<RosterField, number>>;
  readonly unknown: readonly string[];
}

function isTarget(s: string): s is MappingTarget {
  return s === 'ignore' || (ROSTER_FIELDS as readonly string[]).includes(s);
}

/** Parses one `--map "Header=field"` value. */
export function parseMapOption(value: string): readonly [string, MappingTarget] {
  const eq = value.lastIndexOf('=');
  const header = eq === -1 ? '' : value.slice(0, eq).trim();
  const field = eq === -1 ? '' : value.slice(eq + 1).trim().toLowerCase();
  if (header === '' || !isTarget(field)) {
    throw new MappingError(`--map ${JSON.stringify(value)} is not "Header=field"`, `fields: ${ROSTER_FIELDS.join(', ')}, or ignore`);
  }
  return [header, field];
}

/** Parses a --mapping JSON file: an object {"Header": "field", ...}. */
export function parseMappingJson(text: string, fileName: string): (readonly [string, MappingTarget])[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new MappingError(`${fileName}: not valid JSON (${(err as Error).message})`, 'write it as {"Column header": "email", ...}');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new MappingError(`${fileName}: expected a JSON object of "header": "field"`, 'write it as {"Column header": "email", ...}');
  }
  return Object.entries(data).map(([h, f]) => {
    const field = typeof f === 'string' ? f.trim().toLowerCase() : '';
    if (!isTarget(field)) throw new MappingError(`${fileName}: "${h}" maps to ${JSON.stringify(f)}, not a roster field`, `fields: ${ROSTER_FIELDS.join(', ')}, or ignore`);
    return [h, field] as const;
  });
}

/**
 * Assigns header columns to fields: explicit `--map` entries first (by normalised header), then
 * `lookup` (the aliases). Unknown headers are returned; two columns for one field throw the
 * error `duplicate` makes. Shared by every CSV import so they all map headers the same way.
 */
export function assignColumns<F extends string>(
  header: readonly string[],
  fields: readonly F[],
  lookup: (normalized: string, original: string) => F | 'ignore' | undefined,
  explicit: ReadonlyArray<readonly [string, F | 'ignore']>,
  duplicate: (message: string, hint: string) => Error,
): { index: Record<F, number>; unknown: string[] } {
  const byHeader = new Map(explicit.map(([h, f]) => [normalizeHeader(h), f] as const));
  const index = Object.fromEntries(fields.map((f) => [f, -1])) as Record<F, number>;
  const unknown: string[] = [];
  // Unnamed columns after the last named one are the trailing delimiters some exports write
  // (Zoom ends every line with a comma): nothing to map, nothing to warn about.
  let lastNamed = header.length - 1;
  while (lastNamed >= 0 && (header[lastNamed] ?? '').trim() === '') lastNamed--;
  header.forEach((h, i) => {
    if (i > lastNamed) return;
    const norm = normalizeHeader(h);
    const target = byHeader.get(norm) ?? lookup(norm, h);
    if (target === undefined) {
      unknown.push(h);
      return;
    }
    if (target === 'ignore') return;
    const prev = index[target];
    if (prev !== -1) {
      throw duplicate(
        `columns "${header[prev] ?? ''}" (column ${prev + 1}) and "${h}" (column ${i + 1}) both map to ${target}`,
        `keep one: e.g. --map "${h}=ignore"`,
      );
    }
    index[target] = i;
  });
  return { index, unknown };
}

/**
 * The warning for --map / --mapping entries naming a header the file does not have (matched as
 * assignColumns matches: case, spaces and punctuation ignored), or null when every entry matched.
 * Shared by every CSV import so a typo in a header never passes silently.
 */
export function unmatchedMapWarning(fileName: string, header: readonly string[], explicit: ReadonlyArray<readonly [string, string]>): string | null {
  const present = new Set(header.map(normalizeHeader));
  const seen = new Set<string>();
  const missing: string[] = [];
  for (const [h] of explicit) {
    const norm = normalizeHeader(h);
    if (present.has(norm) || seen.has(norm)) continue;
    seen.add(norm);
    missing.push(h);
  }
  if (missing.length === 0) return null;
  const what = missing.length === 1 ? 'a column' : 'columns';
  return `${fileName}: --map/--mapping names ${what} the file does not have: ${missing.map((h) => JSON.stringify(h)).join(', ')} (columns found: ${header.map((h) => JSON.stringify(h)).join(', ')})`;
}

/**
 * How aicop's own `export members` file maps back: `reported_agency` is the agency field and the
 * columns the export derives (from the email domain, or the database's clock) are skipped, so the
 * export re-imports as it is. `left_on` and `status` are not here: they stay unknown columns, and
 * the warning says they are not imported.
 */
const EXPORT_LAYOUT: ReadonlyArray<readonly [string, MappingTarget]> = [
  ['reported_agency', 'agency'],
  ['domain', 'ignore'],
  ['agency', 'ignore'],
  ['organization', 'ignore'],
  ['level', 'ignore'],
  ['created_at', 'ignore'],
  ['updated_at', 'ignore'],
];

/**
 * Maps the header row to roster fields: explicit mappings first (by normalised header), then,
 * for a file `export members` wrote (it has a `reported_agency` column), that export's layout,
 * then the aliases. Two columns for one field, or no email column, throw MappingError.
 */
export function resolveRosterLayout(header: readonly string[], explicit: ReadonlyArray<readonly [string, MappingTarget]> = []): RosterLayout {
  const isExport = header.some((h) => normalizeHeader(h) === 'reportedagency');
  // Later entries win in assignColumns' map: the user's own --map / --mapping come last.
  const entries = isExport ? [...EXPORT_LAYOUT, ...explicit] : explicit;
  const assigned = assignColumns(header, ROSTER_FIELDS, (norm) => HEADER_ALIASES.get(norm), entries, (m, h) => new MappingError(m, h));
  const { index } = assigned;
  // A header made of aliases of one field ("Agency/Organization", "Practice Area Interests")
  // holds that field, when no other column does.
  const unknown = assigned.unknown.filter((h) => {
    const field = compositeAlias(h);
    if (field === undefined || index[field] !== -1) return true;
    index[field] = header.indexOf(h);
    return false;
  });
  if (index.email === -1) {
    const example = unknown[0] ?? header[0] ?? 'Courriel';
    throw new MappingError(
      `no email column (columns found: ${header.map((h) => JSON.stringify(h)).join(', ')})`,
      `name the email column with --map "${example}=email" (or --mapping file.json)`,
      true,
    );
  }
  return { header, index, unknown };
}

export interface GroupInfo {
  readonly id: number;
  readonly name: string;
  readonly kind: 'working_group' | 'practice_area';
}

/** One valid roster row, normalised. null means "not given" (the column is absent or empty). */
export interface RosterRecord {
  readonly email: string;
  readonly domain: string;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly reported_agency: string | null;
  /** As given; when null, new members get `defaultType`. */
  readonly member_type: MemberType | null;
  readonly defaultType: MemberType;
  readonly job_title: string | null;
  readonly role_track: RoleTrack | null;
  readonly working_groups: readonly GroupInfo[] | null;
  readonly practice_areas: readonly GroupInfo[] | null;
  readonly joined_on: string | null;
  /** When this row's agency and member type take effect (SPEC §10); null: the import's date. */
  readonly effective_on: string | null;
  /** The member's former address (SPEC §11): the member it names is renamed to `email`. */
  readonly previous_email: string | null;
}

export interface RowError {
  readonly reason: RejectReason;
  readonly detail: string;
  readonly email: string | null;
}

export interface RosterEnv {
  readonly rules: DomainRules;
  /** Groups by lower-cased name. */
  readonly groups: ReadonlyMap<string, GroupInfo>;
}

function text(fields: readonly string[], i: number): string | null {
  if (i < 0) return null;
  const v = (fields[i] ?? '').trim();
  return v === '' ? null : v;
}

const ROLE_BY_LOWER = new Map(ROLE_TRACKS.map((t) => [t.toLowerCase(), t] as const));

/** The role track a cell names, case-insensitively (surrounding spaces ignored), or null. */
export function parseRoleTrack(raw: string): RoleTrack | null {
  return ROLE_BY_LOWER.get(raw.trim().toLowerCase()) ?? null;
}

function splitGroups(raw: string, env: RosterEnv, email: string): GroupInfo[] | RowError {
  const out: GroupInfo[] = [];
  for (const part of raw.split(/[;|]/)) {
    const name = part.trim();
    if (name === '') continue;
    const g = env.groups.get(name.toLowerCase());
    if (!g) return { reason: 'unknown_group', detail: `no group named "${name}" (see: aicop groups list)`, email };
    if (!out.includes(g)) out.push(g);
  }
  return out;
}

/** Splits "First Last" (or "Last, First") into first and last name. */
export function splitName(full: string): { first: string | null; last: string | null } {
  const comma = full.indexOf(',');
  if (comma !== -1) {
    const last = full.slice(0, comma).trim();
    const first = full.slice(comma + 1).trim();
    return { first: first || null, last: last || null };
  }
  const s = full.trim().replace(/\s+/g, ' ');
  const sp = s.lastIndexOf(' ');
  if (sp === -1) return { first: s || null, last: null };
  return { first: s.slice(0, sp), last: s.slice(sp + 1) };
}

/** Validates and normalises one roster row (SPEC §4); pure. */
export function validateRosterRow(fields: readonly string[], layout: RosterLayout, env: RosterEnv): RosterRecord | RowError {
  const ix = layout.index;
  const check = checkEmail(fields[ix.email] ?? '', env.rules);
  if (!check.ok) return { reason: check.reason, detail: check.detail, email: check.email === '' ? null : check.email };
  const email = check.email;
  let first = text(fields, ix.first_name);
  let last = text(fields, ix.last_name);
  if (ix.first_name === -1 && ix.last_name === -1) {
    const full = text(fields, ix.name);
    if (full !== null) ({ first, last } = splitName(full));
  }
  let memberType: MemberType | null = null;
  const rawType = text(fields, ix.member_type);
  if (rawType !== null) {
    const t = rawType.toLowerCase();
    if (t !== 'employee' && t !== 'contractor') return { reason: 'bad_value', detail: `member type "${rawType}" is not employee or contractor`, email };
    memberType = t;
  }
  let track: RoleTrack | null = null;
  const rawTrack = text(fields, ix.role_track);
  if (rawTrack !== null) {
    const t = parseRoleTrack(rawTrack);
    if (!t) return { reason: 'bad_value', detail: `role track "${rawTrack}" is not Acquisition, Leadership or Technical`, email };
    track = t;
  }
  let joined: string | null = null;
  const rawJoined = text(fields, ix.joined_on);
  if (rawJoined !== null) {
    joined = parseDate(rawJoined);
    if (joined === null) return { reason: 'bad_date', detail: `join date "${rawJoined}" is not a real date as YYYY-MM-DD, M/D/YYYY or M/D/YY`, email };
  }
  let effective: string | null = null;
  const rawEffective = text(fields, ix.effective_on);
  if (rawEffective !== null) {
    effective = parseDate(rawEffective);
    if (effective === null) return { reason: 'bad_date', detail: `effective date "${rawEffective}" is not a real date as YYYY-MM-DD, M/D/YYYY or M/D/YY`, email };
  }
  let previous: string | null = null;
  const rawPrevious = text(fields, ix.previous_email);
  if (rawPrevious !== null) {
    previous = rawPrevious.toLowerCase().replace(/\.$/, '');
    const at = previous.indexOf('@');
    if (at < 1 || at !== previous.lastIndexOf('@') || at === previous.length - 1 || /\s/.test(previous)) {
      return { reason: 'bad_value', detail: `previous email "${rawPrevious}" is not an email address`, email };
    }
  }
  let wg: GroupInfo[] | null = null;
  const rawWg = text(fields, ix.working_groups);
  if (rawWg !== null) {
    const r = splitGroups(rawWg, env, email);
    if (!Array.isArray(r)) return r;
    wg = r;
  }
  let pa: GroupInfo[] | null = null;
  const rawPa = text(fields, ix.practice_areas);
  if (rawPa !== null) {
    const r = splitGroups(rawPa, env, email);
    if (!Array.isArray(r)) return r;
    pa = r;
  }
  return {
    email,
    domain: check.domain,
    first_name: first,
    last_name: last,
    reported_agency: text(fields, ix.agency),
    member_type: memberType,
    defaultType: check.contractor ? 'contractor' : 'employee',
    job_title: text(fields, ix.job_title),
    role_track: track,
    working_groups: wg,
    practice_areas: pa,
    joined_on: joined,
    effective_on: effective,
    previous_email: previous,
  };
}

/** True when the value is a RowError rather than a record. */
export function isRowError(v: RosterRecord | RowError): v is RowError {
  return 'reason' in v;
}
