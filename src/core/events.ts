/**
 * Validation of event and attendance CSV rows (SPEC §7): raw text in, a normalised record or a
 * reject reason with a detail out. Pure; the database checks (does the event exist, is the
 * attendee a member) are passed in as functions.
 */
import { checkEmail } from './email.js';
import type { RejectReason } from './reasons.js';
import { parseDate } from './dates.js';
import { ROLE_TRACKS, assignColumns, normalizeHeader, parseRoleTrack, type RoleTrack } from './roster.js';
import { EVENT_TYPES, type EventType } from './event-types.js';

export { EVENT_TYPES, type EventType };

/** An event's track: the same three as a member's role track. */
export const TRACKS = ROLE_TRACKS;
export type Track = RoleTrack;

/** A rejected row: the reason code stored in import_rejects and a sentence for the user. */
export interface RowReject {
  readonly ok: false;
  readonly reason: RejectReason;
  readonly detail: string;
}

export type Validated<T> = { readonly ok: true; readonly record: T } | RowReject;

/** The fields of an events file and the header names each may appear under. */
export const EVENT_FIELDS = {
  id: ['id', 'event id', 'event_id', 'event', 'key', 'code'],
  title: ['title', 'event title', 'name', 'event name'],
  type: ['type', 'event type', 'kind', 'format'],
  held_on: ['held on', 'held_on', 'date', 'event date', 'held'],
  series: ['series', 'event series', 'training series', 'program', 'programme'],
  track: ['track', 'role track'],
  host: ['host', 'hosted by', 'organizer', 'organiser'],
  government_wide: ['government wide', 'government_wide', 'gov wide', 'governmentwide'],
} as const satisfies Record<string, readonly string[]>;
export type EventField = keyof typeof EVENT_FIELDS;
export const REQUIRED_EVENT_FIELDS: readonly EventField[] = ['id', 'title', 'type', 'held_on'];

/** The fields of an attendance file and their header names. */
export const ATTENDANCE_FIELDS = {
  event_id: ['event id', 'event_id', 'event', 'event key'],
  email: ['email', 'e-mail', 'email address', 'work email', 'mail', 'user email', 'attendee email', 'participant email'],
  registered: ['registered', 'registration', 'registered?'],
  attended: ['attended', 'attendance', 'present', 'attended?'],
  satisfaction: ['satisfaction', 'score', 'rating', 'csat', 'satisfaction score'],
  nps: ['nps', 'recommend', 'likely to recommend', 'nps score'],
  comment: ['comment', 'comments', 'feedback'],
  // Attendee reports (Zoom, Teams, Webex): a join time or a duration says the person attended.
  join_time: ['join time', 'first join', 'joined at', 'join'],
  duration: ['duration', 'duration (minutes)', 'time in session (minutes)', 'in-meeting duration', 'attendance duration', 'duration (mins)', 'minutes attended'],
} as const satisfies Record<string, readonly string[]>;

/**
 * Columns of Zoom, Teams and Webex attendee reports that say nothing aicop stores: read as
 * `ignore`, so that a report imports without an unknown-column warning (and under --strict).
 */
export const ATTENDEE_REPORT_IGNORED: readonly string[] = [
  'name', 'name (original name)', 'user name (original name)', 'display name', 'attendee name', 'first name', 'last name',
  'leave time', 'last leave', 'left at', 'guest', 'is guest', 'role', 'participant id (upn)', 'recording consent', 'in waiting room',
  'country/region name', 'registration time', 'approval status', 'meeting name', 'meeting number', 'meeting start time', 'client type',
  'connection type', 'attendee type', 'participant type', 'date',
];

/**
 * Survey columns by what their header says rather than a fixed name (form exports put the
 * question in the header): satisfaction on a 1–5 scale → satisfaction; "likely to recommend"
 * or a 0–10 scale with "recommend" → nps.
 */
export function guessSurveyField(header: string): 'satisfaction' | 'nps' | undefined {
  const h = header.toLowerCase();
  const scale = (a: number, b: number): boolean => new RegExp(`(^|[^0-9])${a}\\s*(-|–|—|to|\\.\\.)\\s*${b}([^0-9]|$)`).test(h);
  if (/likely\s+(are\s+you\s+)?to\s+recommend/.test(h) || (/recommend/.test(h) && scale(0, 10))) return 'nps';
  if (/satisf/.test(h) && scale(1, 5)) return 'satisfaction';
  return undefined;
}

/** True for a header cell naming an email column ("Email", "User Email", "E-mail Address"). */
export function isEmailHeaderCell(cell: string): boolean {
  if (cell.includes('@')) return false;
  const norm = normalizeHeader(cell);
  return norm.includes('email') || norm === 'mail';
}

/**
 * An attendee report's duration cell in seconds: minutes as a number (Zoom "67"), Teams'
 * "1h 6m 8s", "45m", "30s", or h:mm:ss / mm:ss; null when blank, "--" or not a duration.
 */
export function parseDurationSeconds(raw: string | undefined): number | null {
  const s = (raw ?? '').trim().toLowerCase();
  if (s === '' || s === '--') return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 60);
  const clock = /^(\d+):(\d{1,2})(?::(\d{1,2}))?$/.exec(s);
  if (clock) {
    const [a, b, c] = [Number(clock[1]), Number(clock[2]), clock[3] === undefined ? undefined : Number(clock[3])];
    return c === undefined ? a * 60 + b : a * 3600 + b * 60 + c;
  }
  const parts = /^(?:(\d+)\s*h\w*)?\s*(?:(\d+)\s*m\w*)?\s*(?:(\d+)\s*s\w*)?$/.exec(s);
  if (parts && (parts[1] ?? parts[2] ?? parts[3]) !== undefined) return Number(parts[1] ?? 0) * 3600 + Number(parts[2] ?? 0) * 60 + Number(parts[3] ?? 0);
  return null;
}
export type AttendanceField = keyof typeof ATTENDANCE_FIELDS;
/** event_id is required unless `--event <id>` gives it for the whole file. */
export const REQUIRED_ATTENDANCE_FIELDS: readonly AttendanceField[] = ['event_id', 'email'];

/** A validated events row, ready to upsert. */
export interface EventRecord {
  readonly id: string;
  readonly title: string;
  readonly type: EventType;
  readonly heldOn: string;
  readonly track: Track | null;
  /** The series the event belongs to (free text, trimmed), or null. */
  readonly series: string | null;
  readonly host: string | null;
  readonly governmentWide: boolean;
}

/** A validated attendance row, ready to upsert. */
export interface AttendanceRecord {
  readonly eventId: string;
  readonly email: string;
  readonly registered: boolean;
  readonly attended: boolean;
  readonly satisfaction: number | null;
  readonly nps: number | null;
  readonly comment: string | null;
}

export type RawRow<F extends string> = Readonly<Partial<Record<F, string | undefined>>>;

const reject = (reason: RejectReason, detail: string): RowReject => ({ ok: false, reason, detail });

/** Lower-case, every run of non-letters/digits becomes one `_`, trimmed of `_`. */
function slug(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Friendly spellings people type in spreadsheets, keyed by slug. */
const TYPE_ALIASES: Readonly<Record<string, EventType>> = {
  community_meeting: 'community_meeting',
  community_meetings: 'community_meeting',
  meeting: 'community_meeting',
  monthly_meeting: 'community_meeting',
  monthly_community_meeting: 'community_meeting',
  cop_meeting: 'community_meeting',
  cm: 'community_meeting',
  training: 'training',
  trainings: 'training',
  training_series: 'training',
  training_session: 'training',
  course: 'training',
  class: 'training',
  challenge: 'challenge',
  challenges: 'challenge',
  applied_ai_challenge: 'challenge',
  ai_challenge: 'challenge',
  hackathon: 'challenge',
  competition: 'challenge',
  workshop: 'workshop',
  workshops: 'workshop',
  webinar: 'webinar',
  webinars: 'webinar',
  web_seminar: 'webinar',
  online_seminar: 'webinar',
};

/** The event type a cell names ("Community Meeting", "community-meeting", "Webinar"), or null. */
export function parseEventType(raw: string): EventType | null {
  return TYPE_ALIASES[slug(raw)] ?? null;
}


const TRUE_WORDS = new Set(['yes', 'y', 'true', '1', 't']);
const FALSE_WORDS = new Set(['no', 'n', 'false', '0', 'f']);

/** yes/no/true/false/1/0/y/n (any case) → boolean; blank → `fallback`; anything else → undefined. */
export function parseYesNo(raw: string | undefined, fallback: boolean): boolean | undefined {
  const s = (raw ?? '').trim().toLowerCase();
  if (s === '') return fallback;
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return undefined;
}

/** An integer in [min, max] written as digits; blank → null; anything else → undefined. */
export function parseScore(raw: string | undefined, min: number, max: number): number | null | undefined {
  const s = (raw ?? '').trim();
  if (s === '') return null;
  if (!/^\d{1,3}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= max ? n : undefined;
}

const text = (raw: string | undefined): string => (raw ?? '').trim();
const optional = (raw: string | undefined): string | null => {
  const s = text(raw);
  return s === '' ? null : s;
};
const show = (raw: string | undefined): string => JSON.stringify(text(raw));

/** Validates one events row. */
export function validateEventRow(row: RawRow<EventField>): Validated<EventRecord> {
  const id = text(row.id);
  if (id === '') return reject('bad_value', 'the event id is empty (every event needs its own key, e.g. 2023-09-CM)');
  const title = text(row.title);
  if (title === '') return reject('bad_value', `event ${id}: the title is empty`);
  const type = parseEventType(row.type ?? '');
  if (type === null) return reject('bad_value', `event ${id}: type ${show(row.type)} is not one of ${EVENT_TYPES.join(', ')}`);
  const rawDate = text(row.held_on);
  if (rawDate === '') return reject('bad_date', `event ${id}: the date (held_on) is empty`);
  const heldOn = parseDate(rawDate);
  if (heldOn === null) return reject('bad_date', `event ${id}: date ${show(rawDate)} is not a date (use YYYY-MM-DD or M/D/YYYY)`);
  let track: Track | null = null;
  if (text(row.track) !== '') {
    track = parseRoleTrack(row.track ?? '');
    if (track === null) return reject('bad_value', `event ${id}: track ${show(row.track)} is not one of ${TRACKS.join(', ')}`);
  }
  const governmentWide = parseYesNo(row.government_wide, false);
  if (governmentWide === undefined) return reject('bad_value', `event ${id}: government_wide ${show(row.government_wide)} is not yes or no`);
  return { ok: true, record: { id, title, type, heldOn, track, series: optional(row.series), host: optional(row.host), governmentWide } };
}

/**
 * Validates one attendance row. `defaultEventId` is the `--event` value (used when the row has
 * no event_id); `eventExists` asks the database. Attendees need not be members nor eligible:
 * only the address's syntax matters.
 */
export function validateAttendanceRow(
  row: RawRow<AttendanceField>,
  opts: { readonly defaultEventId?: string | undefined; readonly eventExists: (id: string) => boolean },
): Validated<AttendanceRecord> {
  const eventId = text(row.event_id) || (opts.defaultEventId ?? '');
  if (eventId === '') return reject('unknown_event', 'the event_id is empty (name the event, or pass --event <id> for the whole file)');
  if (opts.defaultEventId !== undefined && text(row.event_id) !== '' && text(row.event_id) !== opts.defaultEventId) {
    return reject('bad_value', `event_id ${show(row.event_id)} differs from --event ${opts.defaultEventId}`);
  }
  const mail = checkEmail(row.email ?? '');
  if (!mail.ok && (mail.reason === 'missing_email' || mail.reason === 'invalid_syntax' || mail.reason === 'non_ascii_domain')) {
    return reject(mail.reason, mail.detail);
  }
  const email = mail.email;
  if (!opts.eventExists(eventId)) {
    return reject('unknown_event', `event ${show(eventId)} is not in the database (import it first: aicop import events <file>)`);
  }
  const registered = parseYesNo(row.registered, true);
  if (registered === undefined) return reject('bad_value', `${email}: registered ${show(row.registered)} is not yes or no`);
  const satisfaction = parseScore(row.satisfaction, 1, 5);
  if (satisfaction === undefined) return reject('bad_value', `${email}: satisfaction ${show(row.satisfaction)} is not a whole number from 1 to 5 (leave it blank for no response)`);
  const nps = parseScore(row.nps, 0, 10);
  if (nps === undefined) return reject('bad_value', `${email}: nps ${show(row.nps)} is not a whole number from 0 to 10 (leave it blank for no response)`);
  // A survey answer, a join time or a duration over zero implies attendance when the attended cell is blank.
  const joined = text(row.join_time);
  const present = (joined !== '' && joined !== '--') || (parseDurationSeconds(row.duration) ?? 0) > 0;
  const attended = parseYesNo(row.attended, satisfaction !== null || nps !== null || present);
  if (attended === undefined) return reject('bad_value', `${email}: attended ${show(row.attended)} is not yes or no`);
  if (!attended && (satisfaction !== null || nps !== null)) {
    return reject('bad_value', `${email}: a satisfaction or nps score is given but attended is no`);
  }
  return { ok: true, record: { eventId, email, registered, attended, satisfaction, nps, comment: optional(row.comment) } };
}

/** A header row that cannot be imported (missing or doubled column); `hint` names the fix. */
export class LayoutError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

/** Which column holds each field (-1 when absent) and the headers nothing maps. */
export interface Layout<F extends string> {
  readonly index: Readonly<Record<F, number>>;
  readonly unknown: readonly string[];
}

/** Parses one `--map "Header=field"` value for a file of these fields. */
export function parseFieldMap<F extends string>(value: string, fields: Readonly<Record<F, readonly string[]>>): readonly [string, F | 'ignore'] {
  const eq = value.lastIndexOf('=');
  const header = eq === -1 ? '' : value.slice(0, eq).trim();
  const field = eq === -1 ? '' : value.slice(eq + 1).trim().toLowerCase();
  const names = Object.keys(fields);
  if (header === '' || (field !== 'ignore' && !names.includes(field))) {
    throw new LayoutError(`--map ${JSON.stringify(value)} is not "Header=field"`, `fields: ${names.join(', ')}, or ignore`);
  }
  return [header, field as F | 'ignore'];
}

/**
 * Maps a header row to fields like the roster import does (case, spaces, `_`, `-` and
 * punctuation ignored; explicit --map first, then the aliases and the field names). Two columns
 * for one field, or a required field without a column, throw LayoutError.
 */
export function resolveLayout<F extends string>(
  header: readonly string[],
  fields: Readonly<Record<F, readonly string[]>>,
  required: readonly F[],
  explicit: ReadonlyArray<readonly [string, F | 'ignore']> = [],
  guess: (header: string) => F | 'ignore' | undefined = () => undefined,
): Layout<F> {
  const names = Object.keys(fields) as F[];
  const aliases = new Map<string, F>();
  for (const f of names) for (const a of [f, ...fields[f]]) aliases.set(normalizeHeader(a), f);
  const { index, unknown } = assignColumns(header, names, (norm, original) => aliases.get(norm) ?? guess(original), explicit, (m, h) => new LayoutError(m, h));
  const missing = required.filter((f) => index[f] === -1);
  if (missing.length > 0) {
    const example = unknown[0] ?? header[0] ?? 'Column';
    if (missing[0] === 'event_id' && (index as Record<string, number>)['email'] !== -1) {
      throw new LayoutError(
        `no event_id column (columns found: ${header.map((h) => JSON.stringify(h)).join(', ')})`,
        'a file about one meeting (an attendee report) needs its event: pass --event <id> (see: aicop events list)',
      );
    }
    throw new LayoutError(
      `no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''} (columns found: ${header.map((h) => JSON.stringify(h)).join(', ')})`,
      `name the column with --map "${example}=${missing[0] ?? ''}", or rename it in the file`,
    );
  }
  return { index, unknown };
}

/** The raw cells of one record by field (absent columns are undefined). */
export function pickFields<F extends string>(cells: readonly string[], layout: Layout<F>): RawRow<F> {
  const out: Partial<Record<F, string>> = {};
  for (const f of Object.keys(layout.index) as F[]) {
    const i = layout.index[f];
    if (i >= 0) out[f] = cells[i];
  }
  return out;
}
