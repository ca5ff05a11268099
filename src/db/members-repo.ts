import type { Statement } from 'better-sqlite3';
import type { GroupInfo, MemberType, RoleTrack, RosterRecord } from '../core/roster.js';
import type { AgencyResolver } from './agencies-repo.js';
import { closeAssignment, openAssignment, type AssignmentSource } from './groups-repo.js';
import type { ChangeRecorder } from './imports-repo.js';
import type { Db } from './open.js';
import { resumeRollups, suspendRollups } from './rollups.js';

/** A members row as stored (without the generated fiscal-year columns). */
export interface MemberRow {
  id: number;
  email: string;
  domain: string;
  agency_id: number | null;
  first_name: string | null;
  last_name: string | null;
  reported_agency: string | null;
  member_type: MemberType;
  job_title: string | null;
  role_track: RoleTrack | null;
  joined_on: string;
  left_on: string | null;
  created_at: string;
  updated_at: string;
  created_batch: number | null;
  updated_batch: number | null;
}

const MEMBER_COLUMNS =
  'id, email, domain, agency_id, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, left_on, created_at, updated_at, created_batch, updated_batch';

type Editable = 'first_name' | 'last_name' | 'reported_agency' | 'member_type' | 'job_title' | 'role_track' | 'joined_on';
const EDITABLE: readonly Editable[] = ['first_name', 'last_name', 'reported_agency', 'member_type', 'job_title', 'role_track', 'joined_on'];

export type DuplicateMode = 'update' | 'skip' | 'fill';

interface Stmts {
  readonly byEmail: Statement<[string], MemberRow>;
  readonly insert: Statement<[string, string, number | null, string | null, string | null, string | null, string, string | null, string | null, string, string, string, number | null, number | null]>;
  readonly update: Statement<[string | null, string | null, string | null, string, string | null, string | null, string, string | null, string, number | null, number]>;
  readonly openGroups: Statement<[number], { group_id: number; kind: 'working_group' | 'practice_area' }>;
}

const cache = new WeakMap<Db, Stmts>();

function stmts(db: Db): Stmts {
  let s = cache.get(db);
  if (!s) {
    s = {
      byEmail: db.prepare(`SELECT ${MEMBER_COLUMNS} FROM members WHERE email = ?`),
      insert: db.prepare(
        `INSERT INTO members (email, domain, agency_id, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, created_at, updated_at, created_batch, updated_batch)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`,
      ),
      update: db.prepare(
        `UPDATE members SET first_name = ?, last_name = ?, reported_agency = ?, member_type = ?, job_title = ?, role_track = ?, joined_on = ?, left_on = ?, updated_at = ?, updated_batch = ?
         WHERE id = ?`,
      ),
      openGroups: db.prepare(
        'SELECT a.group_id, g.kind FROM assignments a JOIN groups g ON g.id = a.group_id WHERE a.member_id = ? AND a.removed_on IS NULL',
      ),
    };
    cache.set(db, s);
  }
  return s;
}

/** The member with this normalised email, if any. */
export function findMemberByEmail(db: Db, email: string): MemberRow | undefined {
  return stmts(db).byEmail.get(email);
}

export interface NewMember {
  readonly email: string;
  readonly domain: string;
  readonly agencyId: number | null;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly reported_agency: string | null;
  readonly member_type: MemberType;
  readonly job_title: string | null;
  readonly role_track: RoleTrack | null;
  readonly joined_on: string;
}

/** The row to insert for a validated roster record (import and `members add` alike). */
export function newMemberFrom(r: RosterRecord, agencyId: number | null, joinedOn: string): NewMember {
  return {
    email: r.email,
    domain: r.domain,
    agencyId,
    first_name: r.first_name,
    last_name: r.last_name,
    reported_agency: r.reported_agency,
    member_type: r.member_type ?? r.defaultType,
    job_title: r.job_title,
    role_track: r.role_track,
    joined_on: joinedOn,
  };
}

/** Inserts a member and returns its id, or 0 when the email is already a member. */
export function insertMember(db: Db, m: NewMember, nowIso: string, batchId: number | null): number {
  const info = stmts(db).insert.run(
    m.email,
    m.domain,
    m.agencyId,
    m.first_name,
    m.last_name,
    m.reported_agency,
    m.member_type,
    m.job_title,
    m.role_track,
    m.joined_on,
    nowIso,
    nowIso,
    batchId,
    batchId,
  );
  return info.changes === 1 ? Number(info.lastInsertRowid) : 0;
}

/** Writes the editable fields and left_on of a member (updated_batch: the batch, or null by hand). */
export function writeMember(db: Db, m: MemberRow, nowIso: string, batchId: number | null): void {
  stmts(db).update.run(m.first_name, m.last_name, m.reported_agency, m.member_type, m.job_title, m.role_track, m.joined_on, m.left_on, nowIso, batchId, m.id);
}

/** Deletes a member and (by cascade) their assignments. */
export function deleteMember(db: Db, id: number): void {
  db.prepare('DELETE FROM members WHERE id = ?').run(id);
}

function beforeImage(m: MemberRow): Record<string, unknown> {
  return { ...m };
}

export type ApplyOutcome = 'added' | 'updated' | 'unchanged' | 'reactivated';

export interface RosterApplier {
  /** Applies one valid record; a duplicate of an earlier row of the same file returns 'duplicate'. */
  apply(r: RosterRecord): ApplyOutcome | 'duplicate';
  /**
   * Writes the group assignments of the members this import added and adds the new members to
   * the report rollups. Call once, after the last row and before any other write.
   */
  flush(): void;
  /** Remembers an email of a rejected row: not a member to deactivate with --sync. Returns false if seen before. */
  markSeen(email: string): boolean;
  /** --sync: active members whose email no row of this file carried. */
  countAbsent(): { absent: number; active: number };
  /** --sync: deactivates them (left_on = today) and returns how many. */
  deactivateAbsent(): number;
}

/** Pending assignments written at once (two Int32Arrays of this length: 512 KB). */
const PENDING_MAX = 65536;

/**
 * Group assignments of members added by an import, written in batches of PENDING_MAX and after
 * the last row: two integers per assignment in typed arrays, inserted 256 rows per statement,
 * in member order, with each member's join date as the assignment's start. Written one by one
 * between member inserts, they cost about a fifth of a big import's time. Deferring them is
 * safe: a member this import added is never met again by it (a later row with the same email is
 * a duplicate_in_file reject).
 */
class PendingAssignments {
  private members: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private groups: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private n = 0;
  constructor(
    private readonly db: Db,
    private readonly source: AssignmentSource,
    private readonly batchId: number,
  ) {}

  add(memberId: number, groupId: number): void {
    if (this.n === PENDING_MAX) this.flush();
    if (this.n === this.members.length) {
      const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.members = grow(this.members);
      this.groups = grow(this.groups);
    }
    this.members[this.n] = memberId;
    this.groups[this.n] = groupId;
    this.n++;
  }

  flush(): void {
    if (this.n === 0) return;
    const firstId = suspendRollups(this.db, 'assignments');
    this.insert();
    resumeRollups(this.db, 'assignments', firstId);
    this.n = 0;
  }

  private insert(): void {
    const PER = 256;
    const sql = (k: number): string =>
      `INSERT INTO assignments (member_id, group_id, assigned_on, source, batch_id)
       SELECT v.column1, v.column2, m.joined_on, ?, ? FROM (VALUES ${Array.from({ length: k }, () => '(?, ?)').join(', ')}) v
       JOIN members m ON m.id = v.column1 WHERE true
       ON CONFLICT (member_id, group_id) WHERE removed_on IS NULL DO NOTHING`;
    const full = this.n >= PER ? this.db.prepare(sql(PER)) : undefined;
    const args: (number | string)[] = new Array(2 + 2 * PER);
    args[0] = this.source;
    args[1] = this.batchId;
    let i = 0;
    for (; full && i + PER <= this.n; i += PER) {
      for (let k = 0; k < PER; k++) {
        args[2 + 2 * k] = this.members[i + k] as number;
        args[3 + 2 * k] = this.groups[i + k] as number;
      }
      full.run(args);
    }
    const rest = this.n - i;
    if (rest > 0) {
      const tail: (number | string)[] = [this.source, this.batchId];
      for (let k = i; k < this.n; k++) tail.push(this.members[k] as number, this.groups[k] as number);
      this.db.prepare(sql(rest)).run(tail);
    }
  }
}

/**
 * The roster import's writer (inside the import's transaction): inserts new members (assignments
 * opened from their join date), updates existing ones per `mode` recording before-images,
 * reactivates returning members, and remembers every email seen (a TEMP table, so memory stays
 * flat on million-row files) for duplicate detection and --sync.
 */
export function createRosterApplier(
  db: Db,
  o: { batchId: number; mode: DuplicateMode; today: string; nowIso: string; recorder: ChangeRecorder; resolver: AgencyResolver; source?: AssignmentSource },
): RosterApplier {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS aicop_seen (email TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.aicop_seen;');
  const seen = db.prepare<[string]>('INSERT OR IGNORE INTO temp.aicop_seen (email) VALUES (?)');
  const s = stmts(db);
  const source = o.source ?? 'import';

  const syncGroups = (memberId: number, kind: GroupInfo['kind'], desired: readonly GroupInfo[], open: readonly { group_id: number; kind: string }[], replace: boolean, on: string): boolean => {
    let changed = false;
    const openIds = new Set(open.filter((g) => g.kind === kind).map((g) => g.group_id));
    if (!replace && openIds.size > 0) return false;
    for (const g of desired) {
      if (!openIds.has(g.id) && openAssignment(db, { memberId, groupId: g.id, on, source, batchId: o.batchId }) !== null) changed = true;
    }
    if (replace) {
      const want = new Set(desired.map((g) => g.id));
      for (const id of openIds) {
        if (!want.has(id) && closeAssignment(db, { memberId, groupId: id, on, batchId: o.batchId })) changed = true;
      }
    }
    return changed;
  };

  const pending = new PendingAssignments(db, source, o.batchId);
  // New members reach the report rollups in one statement at flush(), not one trigger each.
  const firstNewMember = suspendRollups(db, 'members');

  // Emails of rejected rows: few, so a Set; accepted ones are told apart through the table
  // (created_batch for rows this batch inserted, the TEMP table for existing members it met).
  const rejected = new Set<string>();
  let syncPrepared = false;
  const prepareSync = (): void => {
    if (syncPrepared) return;
    syncPrepared = true;
    for (const e of rejected) seen.run(e);
    db.prepare<[number]>('INSERT OR IGNORE INTO temp.aicop_seen (email) SELECT email FROM members WHERE created_batch = ?').run(o.batchId);
  };

  return {
    apply(r) {
      if (rejected.size > 0 && rejected.has(r.email)) return 'duplicate';
      const joined = r.joined_on ?? o.today;
      const id = insertMember(db, newMemberFrom(r, o.resolver.resolve(r.domain), joined), o.nowIso, o.batchId);
      if (id !== 0) {
        if (r.working_groups !== null) for (const g of r.working_groups) pending.add(id, g.id);
        if (r.practice_areas !== null) for (const g of r.practice_areas) pending.add(id, g.id);
        return 'added';
      }
      const existing = s.byEmail.get(r.email);
      if (!existing || existing.created_batch === o.batchId || seen.run(r.email).changes === 0) return 'duplicate';
      const next: MemberRow = { ...existing };
      let fieldsChanged = false;
      if (o.mode !== 'skip') {
        for (const f of EDITABLE) {
          const incoming = r[f];
          if (incoming === null) continue;
          // fill: only empty fields (member_type and joined_on are never empty).
          if (o.mode === 'fill' && existing[f] !== null) continue;
          if (existing[f] !== incoming) {
            (next as unknown as Record<string, unknown>)[f] = incoming;
            fieldsChanged = true;
          }
        }
      }
      const reactivated = existing.left_on !== null;
      if (reactivated) next.left_on = null;
      // left_on may not precede joined_on: a later join date on an inactive member waits for reactivation.
      if (next.left_on !== null && next.left_on < next.joined_on) next.joined_on = existing.joined_on;
      let groupsChanged = false;
      if (o.mode !== 'skip' && (r.working_groups !== null || r.practice_areas !== null)) {
        const open = s.openGroups.all(existing.id);
        const replace = o.mode === 'update';
        if (r.working_groups !== null) groupsChanged = syncGroups(existing.id, 'working_group', r.working_groups, open, replace, o.today) || groupsChanged;
        if (r.practice_areas !== null) groupsChanged = syncGroups(existing.id, 'practice_area', r.practice_areas, open, replace, o.today) || groupsChanged;
      }
      if (!fieldsChanged && !reactivated && !groupsChanged) return 'unchanged';
      o.recorder.record('member', [existing.id], 'update', beforeImage(existing));
      writeMember(db, next, o.nowIso, o.batchId);
      return reactivated ? 'reactivated' : 'updated';
    },
    flush() {
      pending.flush();
      resumeRollups(db, 'members', firstNewMember);
    },
    markSeen(email) {
      if (rejected.has(email)) return false;
      // An earlier accepted row with this email makes this one a duplicate.
      const m = s.byEmail.get(email);
      if (m && (m.created_batch === o.batchId || seen.run(email).changes === 0)) return false;
      if (m) return true;
      rejected.add(email);
      return true;
    },
    countAbsent() {
      prepareSync();
      const row = db
        .prepare<[], { absent: number; active: number }>(
          `SELECT count(*) FILTER (WHERE email NOT IN (SELECT email FROM temp.aicop_seen)) AS absent, count(*) AS active FROM members WHERE left_on IS NULL`,
        )
        .get();
      return row ?? { absent: 0, active: 0 };
    },
    deactivateAbsent() {
      prepareSync();
      const rows = db
        .prepare<[], MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM members WHERE left_on IS NULL AND email NOT IN (SELECT email FROM temp.aicop_seen) ORDER BY id`)
        .all();
      for (const m of rows) {
        o.recorder.record('member', [m.id], 'update', beforeImage(m));
        writeMember(db, { ...m, left_on: m.joined_on > o.today ? m.joined_on : o.today }, o.nowIso, o.batchId);
      }
      return rows.length;
    },
  };
}

/** Drops the import's TEMP table (after COMMIT or ROLLBACK). */
export function dropSeenTable(db: Db): void {
  db.exec('DROP TABLE IF EXISTS temp.aicop_seen');
}
