import { listPeriods, type Period } from './periods-repo.js';
import type { Db } from './open.js';

/** Read-only member queries for `members list|show` and `export members|listserv`. */

export type MemberStatus = 'active' | 'inactive' | 'all';
export const MEMBER_STATUSES: readonly MemberStatus[] = ['active', 'inactive', 'all'];

/** One member with its agency and current groups, as lists and exports show it. */
export interface MemberRecord {
  readonly id: number;
  readonly email: string;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly member_type: 'employee' | 'contractor';
  readonly job_title: string | null;
  readonly role_track: string | null;
  readonly reported_agency: string | null;
  readonly domain: string;
  readonly agency_id: number | null;
  readonly agency: string | null;
  readonly organization: string | null;
  readonly level: string | null;
  /** Current working groups, by name, separated by "; ". */
  readonly working_groups: string;
  /** Current practice areas, by name, separated by "; ". */
  readonly practice_areas: string;
  readonly joined_on: string;
  readonly left_on: string | null;
  readonly status: 'active' | 'inactive';
  readonly created_at: string;
  readonly updated_at: string;
}

export interface MemberQuery {
  readonly status: MemberStatus;
  /** Agency ids to keep (from resolveAgencyFilter); undefined keeps all. */
  readonly agencyIds?: readonly number[];
  /** Group id whose current members to keep. */
  readonly groupId?: number;
  /** Case-insensitive substring of the email, first, last or full name. */
  readonly search?: string;
  /** Today (ISO date): a member is active when left_on is empty or after it (SPEC §8). */
  readonly today: string;
}

const GROUPS_OF = (kind: string) => `coalesce((SELECT group_concat(g.name, '; ' ORDER BY g.name COLLATE NOCASE)
      FROM assignments a JOIN groups g ON g.id = a.group_id
      WHERE a.member_id = m.id AND a.removed_on IS NULL AND g.kind = '${kind}'), '')`;

const SELECT_MEMBER = `
  SELECT m.id, m.email, m.first_name, m.last_name, m.member_type, m.job_title, m.role_track,
         m.reported_agency, m.domain, m.agency_id, ag.name AS agency, ag.organization, ag.level,
         ${GROUPS_OF('working_group')} AS working_groups,
         ${GROUPS_OF('practice_area')} AS practice_areas,
         m.joined_on, m.left_on,
         CASE WHEN m.left_on IS NULL OR m.left_on > @today THEN 'active' ELSE 'inactive' END AS status,
         m.created_at, m.updated_at
  FROM members m LEFT JOIN agencies ag ON ag.id = m.agency_id`;

function whereClause(q: MemberQuery): { sql: string; params: Record<string, string | number> } {
  const conds: string[] = [];
  const params: Record<string, string | number> = { today: q.today };
  if (q.status === 'active') conds.push('(m.left_on IS NULL OR m.left_on > @today)');
  else if (q.status === 'inactive') conds.push('(m.left_on IS NOT NULL AND m.left_on <= @today)');
  if (q.agencyIds !== undefined) {
    // ids are integers from the database, so inlining them is safe and keeps one statement shape.
    conds.push(q.agencyIds.length === 0 ? '0' : `m.agency_id IN (${q.agencyIds.map((n) => Math.trunc(n)).join(',')})`);
  }
  if (q.groupId !== undefined) {
    conds.push('EXISTS (SELECT 1 FROM assignments a WHERE a.member_id = m.id AND a.group_id = @groupId AND a.removed_on IS NULL)');
    params.groupId = q.groupId;
  }
  if (q.search !== undefined && q.search.length > 0) {
    // instr, not LIKE: % and _ in the search text are literal.
    conds.push(`(instr(m.email, @search) > 0 OR instr(lower(coalesce(m.first_name, '') || ' ' || coalesce(m.last_name, '')), @search) > 0)`);
    params.search = q.search.toLowerCase();
  }
  return { sql: conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '', params };
}

/**
 * Members matching the query, ordered by email, streamed one at a time (an export of a million
 * members never builds a million-element array). The connection is busy until iteration ends.
 * `+m.email` makes SQLite read the table in storage order and sort the rows, instead of walking
 * the email index and fetching each row at random: 10 s instead of 16 s for 950,000 members,
 * because each member's groups are then looked up in member-id order too.
 */
export function iterateMembers(db: Db, q: MemberQuery): IterableIterator<MemberRecord> {
  const { sql, params } = whereClause(q);
  return db.prepare<[Record<string, string | number>], MemberRecord>(`${SELECT_MEMBER}${sql} ORDER BY +m.email`).iterate(params);
}

/** Number of members matching the query. */
export function countMembers(db: Db, q: MemberQuery): number {
  const { sql, params } = whereClause(q);
  return (db.prepare<[Record<string, string | number>], { n: number }>(`SELECT count(*) AS n FROM members m${sql}`).get(params) as { n: number }).n;
}

/**
 * Addresses of active members, sorted and distinct, optionally only the current members of one
 * group: the listserv export.
 */
export function iterateListservAddresses(db: Db, today: string, groupId?: number): IterableIterator<string> {
  const q: MemberQuery = { status: 'active', today, ...(groupId !== undefined ? { groupId } : {}) };
  const { sql, params } = whereClause(q);
  return db.prepare<[Record<string, string | number>], string>(`SELECT m.email FROM members m${sql} ORDER BY m.email`).pluck().iterate(params);
}

export interface AgencyMatch {
  readonly id: number;
  readonly name: string;
  readonly organization: string | null;
}

/**
 * Agencies a `--agency` value names: a numeric id, a domain (the directory entry covering it,
 * longest suffix first, or unmapped members' registered domain), or a name (case-insensitive,
 * exact). Empty when nothing matches.
 */
export function resolveAgencyFilter(db: Db, text: string): AgencyMatch[] {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    return db.prepare<[number], AgencyMatch>('SELECT id, name, organization FROM agencies WHERE id = ?').all(Number(t));
  }
  const byName = db.prepare<[string], AgencyMatch>('SELECT id, name, organization FROM agencies WHERE name = ? COLLATE NOCASE ORDER BY id').all(t);
  if (byName.length > 0 || !t.includes('.')) return byName;
  const domain = t.toLowerCase().replace(/^@/, '').replace(/\.$/, '');
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const suffix = labels.slice(i).join('.');
    const hit = db
      .prepare<[string], AgencyMatch>('SELECT a.id, a.name, a.organization FROM agency_domains d JOIN agencies a ON a.id = d.agency_id WHERE d.domain = ?')
      .all(suffix);
    if (hit.length > 0) return hit;
  }
  return db
    .prepare<[string], AgencyMatch>('SELECT DISTINCT a.id, a.name, a.organization FROM members m JOIN agencies a ON a.id = m.agency_id WHERE m.domain = ? ORDER BY a.id')
    .all(domain);
}

/** Up to `limit` agency names containing the text, for "did you mean" hints. */
export function similarAgencyNames(db: Db, text: string, limit = 5): string[] {
  return db
    .prepare<[string, number], string>('SELECT name FROM agencies WHERE instr(lower(name), lower(?)) > 0 ORDER BY length(name), name LIMIT ?')
    .pluck()
    .all(text.trim(), limit);
}

export interface GroupMatch {
  readonly id: number;
  readonly name: string;
  readonly kind: 'working_group' | 'practice_area';
}

/** The group with this name (case-insensitive), archived ones included. */
export function findGroupByName(db: Db, name: string): GroupMatch | undefined {
  return db.prepare<[string], GroupMatch>('SELECT id, name, kind FROM groups WHERE name = ? COLLATE NOCASE').get(name.trim());
}

/** Every group name, for error hints. */
export function groupNames(db: Db): string[] {
  return db.prepare<[], string>('SELECT name FROM groups ORDER BY kind DESC, name COLLATE NOCASE').pluck().all();
}

export interface MemberGroupHistory {
  readonly group: string;
  readonly kind: 'working_group' | 'practice_area';
  readonly assigned_on: string;
  readonly removed_on: string | null;
  readonly source: 'import' | 'manual' | 'auto';
}

export interface MemberImportRef {
  readonly id: number;
  readonly kind: string;
  readonly file_name: string;
  readonly imported_by: string;
  readonly started_at: string;
  readonly status: string;
}

export interface MemberDetail {
  readonly member: MemberRecord;
  readonly agency_source: string | null;
  /** Current and past assignments, current first, then by date. */
  readonly groups: readonly MemberGroupHistory[];
  /** Import batches that created, updated or changed the member or its assignments, oldest first. */
  readonly imports: readonly MemberImportRef[];
  /** Membership periods, oldest first (SPEC §10), with the agency name at each period's end. */
  readonly periods: readonly (Period & { readonly agency: string | null })[];
  /** Former addresses (SPEC §11): renamed from or merged in, oldest first. */
  readonly aliases: readonly { readonly email: string; readonly reason: 'rename' | 'merge'; readonly since: string }[];
}

/** One member by normalised email with agency, group history and the imports that touched it. */
export function getMemberDetail(db: Db, email: string, today: string): MemberDetail | undefined {
  const member = db.prepare<[{ today: string; email: string }], MemberRecord>(`${SELECT_MEMBER} WHERE m.email = @email`).get({ today, email });
  if (!member) return undefined;
  const agencySource =
    member.agency_id === null ? null : (db.prepare<[number], string>('SELECT source FROM agencies WHERE id = ?').pluck().get(member.agency_id) ?? null);
  const groups = db
    .prepare<[number], MemberGroupHistory>(
      `SELECT g.name AS "group", g.kind, a.assigned_on, a.removed_on, a.source
       FROM assignments a JOIN groups g ON g.id = a.group_id
       WHERE a.member_id = ?
       ORDER BY a.removed_on IS NOT NULL, g.kind DESC, a.assigned_on, g.name COLLATE NOCASE, a.id`,
    )
    .all(member.id);
  const imports = db
    .prepare<[{ id: number }], MemberImportRef>(
      `SELECT b.id, b.kind, b.file_name, b.imported_by, b.started_at, b.status FROM import_batches b
       WHERE b.id IN (
         SELECT created_batch FROM members WHERE id = @id
         UNION SELECT updated_batch FROM members WHERE id = @id
         UNION SELECT batch_id FROM assignments WHERE member_id = @id
         UNION SELECT removed_batch FROM assignments WHERE member_id = @id
         UNION SELECT batch_id FROM batch_changes WHERE entity = 'member' AND entity_key = json_array(@id)
       )
       ORDER BY b.id`,
    )
    .all({ id: member.id });
  const agencyName = db.prepare<[number], string>('SELECT name FROM agencies WHERE id = ?').pluck();
  const periods = listPeriods(db, member.id).map((p) => ({ ...p, agency: p.agency_id === null ? null : (agencyName.get(p.agency_id) ?? null) }));
  const aliases = db
    .prepare<[number], { email: string; reason: 'rename' | 'merge'; since: string }>(
      'SELECT email, reason, created_at AS since FROM member_aliases WHERE member_id = ? ORDER BY created_at, email',
    )
    .all(member.id);
  return { member, agency_source: agencySource, groups, imports, periods, aliases };
}
