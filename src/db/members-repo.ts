import type { Statement } from 'better-sqlite3';
import type { GroupInfo, MemberType, RoleTrack, RosterRecord } from '../core/roster.js';
import type { AgencyResolver } from './agencies-repo.js';
import { closeAssignment, openAssignment, type AssignmentSource } from './groups-repo.js';
import type { ChangeRecorder } from './imports-repo.js';
import type { Db } from './open.js';
import { addToRollups, resumeRollups, suspendRollups } from './rollups.js';
import { hasAliases, renameMember } from './identity-repo.js';
import { changeFacts, correctPeriodStart, currentPeriod, leave, rejoin, startFirstPeriod } from './periods-repo.js';
import { memberPrint, printOf } from '../core/member-print.js';

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

/** Fields without history: a later roster overwrites them (member type and join date have history, SPEC §10). */
type PlainField = 'first_name' | 'last_name' | 'reported_agency' | 'job_title' | 'role_track';
const PLAIN_FIELDS: readonly PlainField[] = ['first_name', 'last_name', 'reported_agency', 'job_title', 'role_track'];

export type DuplicateMode = 'update' | 'skip' | 'fill';

interface Stmts {
  readonly byEmail: Statement<[string], MemberRow>;
  readonly insert: Statement<[string, string, number | null, string | null, string | null, string | null, string, string | null, string | null, string, string, string, number | null, number | null]>;
  readonly update: Statement<[string | null, string | null, string | null, string, string | null, string | null, string, string | null, string, number | null, number]>;
  readonly openGroups: Statement<[number], { group_id: number; kind: 'working_group' | 'practice_area' }>;
  /** [id, print, print's join date] of the member with this email (migration 023): two narrow lookups. */
  readonly printByEmail: Statement<[string], [number, number | null, string | null]>;
  readonly storePrint: Statement<[number, number, string]>;
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
      printByEmail: db
        .prepare<[string], [number, number | null, string | null]>('SELECT m.id, p.print, p.joined_on FROM members m LEFT JOIN member_prints p ON p.member_id = m.id WHERE m.email = ?')
        .raw(true),
      // Written only when it differs: a re-import that meets a member with a right print writes nothing.
      storePrint: db.prepare(
        `INSERT INTO member_prints (member_id, print, joined_on) VALUES (?, ?, ?)
         ON CONFLICT (member_id) DO UPDATE SET print = excluded.print, joined_on = excluded.joined_on
         WHERE print IS NOT excluded.print OR joined_on IS NOT excluded.joined_on`,
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
  if (info.changes !== 1) return 0;
  const id = Number(info.lastInsertRowid);
  startFirstPeriod(db, id, m.joined_on, { agencyId: m.agencyId, memberType: m.member_type }, { batchId });
  return id;
}

/** Writes the editable fields and left_on of a member (updated_batch: the batch, or null by hand). */
export function writeMember(db: Db, m: MemberRow, nowIso: string, batchId: number | null): void {
  stmts(db).update.run(m.first_name, m.last_name, m.reported_agency, m.member_type, m.job_title, m.role_track, m.joined_on, m.left_on, nowIso, batchId, m.id);
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
  /** Remembers the email of a rejected row (a member it names is not one to deactivate with --sync). Returns false if seen before. */
  markSeen(email: string): boolean;
  /** --sync: active members whose email no row of this file carried. */
  countAbsent(): { absent: number; active: number };
  /** --sync: deactivates them (left_on = today) and returns how many. */
  deactivateAbsent(): number;
  /** The id of the first member this import adds (every member it adds has this id or a later one). */
  readonly firstNewMember: number;
}

/** New members or assignments held back before a bulk write (two Int32Arrays of this length: 128 KB). */
const BULK_MAX = 16384;

/**
 * The members a roster import adds, and their group assignments, are written in bulk. Each new
 * member goes into a TEMP staging table (no triggers, no index; a Set of the staged emails
 * catches a repeated one) with the id it will have; each assignment into two typed arrays. Every
 * BULK_MAX members or assignments, and after the last row, one INSERT…SELECT moves the staged
 * members into `members`, and one the assignments into `assignments` (starting on the member's
 * join date).
 *
 * Why: inserted one statement per row, each INSERT into a table with triggers (the report
 * rollups of migration 009) opens a statement journal that copies every page it touches; a
 * million-row import spent three quarters of its time there. One statement journals a page once.
 * Deferring is safe: a member this import added is never met again by it (a later row with the
 * same email is a duplicate_in_file reject), and the import holds the write lock, so nobody else
 * takes the ids it hands out.
 */
class BulkAdds {
  private nextId: number;
  private readonly pairMember = new Int32Array(BULK_MAX);
  private readonly pairGroup = new Int32Array(BULK_MAX);
  private pairs = 0;
  private readonly stage: Statement<[number, string, string, number | null, string | null, string | null, string | null, string, string | null, string | null, string, number]>;
  /** Emails staged and not written yet (at most BULK_MAX: a few MB). */
  private readonly stagedEmails = new Set<string>();
  /** The two bulk writes, prepared once: the staged members, then the staged assignments. */
  private readonly writeMembers: Statement<[{ now: string; batch: number }]>;
  private readonly writeSpans: Statement<[{ batch: number }]>;
  private readonly writePrints: Statement<[]>;
  private readonly writeAssignments: Statement<[AssignmentSource, number]>;

  constructor(
    private readonly db: Db,
    private readonly o: { batchId: number; nowIso: string; source: AssignmentSource; firstId: number },
  ) {
    this.nextId = o.firstId;
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS aicop_new_members (
      id INTEGER PRIMARY KEY, email TEXT NOT NULL, domain TEXT, agency_id INTEGER, first_name TEXT, last_name TEXT,
      reported_agency TEXT, member_type TEXT, job_title TEXT, role_track TEXT, joined_on TEXT, print INTEGER);
    DELETE FROM temp.aicop_new_members;
    CREATE TEMP TABLE IF NOT EXISTS aicop_new_assignments (member_id INTEGER, group_id INTEGER);
    DELETE FROM temp.aicop_new_assignments;`);
    this.stage = db.prepare(`INSERT INTO temp.aicop_new_members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.writeMembers = db.prepare(
      `INSERT INTO members (id, email, domain, agency_id, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on,
         created_at, updated_at, created_batch, updated_batch)
       SELECT id, email, domain, agency_id, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, @now, @now, @batch, @batch
       FROM temp.aicop_new_members ORDER BY id`,
    );
    this.writeSpans = db.prepare(
      `INSERT INTO member_spans (member_id, period, start_on, starts, agency_id, member_type, batch_id)
       SELECT id, 1, joined_on, 'join', agency_id, member_type, @batch FROM temp.aicop_new_members ORDER BY id`,
    );
    this.writePrints = db.prepare('INSERT INTO member_prints (member_id, print, joined_on) SELECT id, print, joined_on FROM temp.aicop_new_members ORDER BY id');
    this.writeAssignments = db.prepare(
      `INSERT INTO assignments (member_id, group_id, assigned_on, source, batch_id)
       SELECT p.member_id, p.group_id, m.joined_on, ?, ? FROM temp.aicop_new_assignments p JOIN members m ON m.id = p.member_id
       WHERE true ORDER BY p.rowid
       ON CONFLICT (member_id, group_id) WHERE removed_on IS NULL DO NOTHING`,
    );
  }

  /** Stages a new member (with its print: src/core/member-print.ts) and returns its id; 0 when an earlier row staged the same email. */
  addMember(m: NewMember, print: number): number {
    if (this.stagedEmails.has(m.email)) return 0;
    this.stagedEmails.add(m.email);
    const id = this.nextId++;
    this.stage.run(id, m.email, m.domain, m.agencyId, m.first_name, m.last_name, m.reported_agency, m.member_type, m.job_title, m.role_track, m.joined_on, print);
    if (this.stagedEmails.size === BULK_MAX) this.flush();
    return id;
  }

  /** Whether a row of this file staged this email and it is not written yet. */
  hasMember(email: string): boolean {
    return this.stagedEmails.has(email);
  }

  addAssignment(memberId: number, groupId: number): void {
    this.pairMember[this.pairs] = memberId;
    this.pairGroup[this.pairs] = groupId;
    if (++this.pairs === BULK_MAX) this.flush();
  }

  /** Writes what is staged: the members first (the assignments read their join dates). */
  flush(): void {
    const staged = this.stagedEmails.size;
    if (staged > 0) {
      this.writeMembers.run({ now: this.o.nowIso, batch: this.o.batchId });
      // Each new member's first period; a rollup's GROUP BY sorts its rows: per batch, so that
      // its memory stays small.
      const firstSpan = suspendRollups(this.db, 'spans');
      this.writeSpans.run({ batch: this.o.batchId });
      addToRollups(this.db, 'spans', firstSpan);
      resumeRollups(this.db, 'spans');
      // Their prints, right as written: the assignments below stand their trigger aside (bulk).
      this.writePrints.run();
      this.db.exec('DELETE FROM temp.aicop_new_members');
      this.stagedEmails.clear();
    }
    if (this.pairs > 0) {
      this.stagePairs();
      const firstId = suspendRollups(this.db, 'assignments');
      this.writeAssignments.run(this.o.source, this.o.batchId);
      addToRollups(this.db, 'assignments', firstId);
      resumeRollups(this.db, 'assignments');
      this.db.exec('DELETE FROM temp.aicop_new_assignments');
      this.pairs = 0;
    }
  }

  /** Copies the typed arrays into the TEMP table, 256 pairs per statement. */
  private stagePairs(): void {
    const PER = 256;
    const sql = (k: number): string => `INSERT INTO temp.aicop_new_assignments VALUES ${Array.from({ length: k }, () => '(?, ?)').join(', ')}`;
    const full = this.pairs >= PER ? this.db.prepare(sql(PER)) : undefined;
    const args: number[] = new Array(2 * PER);
    let i = 0;
    for (; full && i + PER <= this.pairs; i += PER) {
      for (let k = 0; k < PER; k++) {
        args[2 * k] = this.pairMember[i + k] as number;
        args[2 * k + 1] = this.pairGroup[i + k] as number;
      }
      full.run(args);
    }
    if (i < this.pairs) {
      const tail: number[] = [];
      for (let k = i; k < this.pairs; k++) tail.push(this.pairMember[k] as number, this.pairGroup[k] as number);
      this.db.prepare(sql(this.pairs - i)).run(tail);
    }
  }
}

/**
 * The existing members a roster import has met, by id: a bitmap (a million members: 125 KB)
 * instead of a TEMP table, whose insert cost about 2 µs per row. Ids beyond the bitmap (a
 * database with very large ids) go to a Set.
 */
class SeenIds {
  private readonly bits: Uint8Array;
  private readonly more = new Set<number>();
  constructor(limit: number) {
    this.bits = new Uint8Array((Math.min(limit, 1 << 28) >> 3) + 1);
  }

  /** Marks the id; false when it was marked before. */
  add(id: number): boolean {
    const byte = id >> 3;
    if (id >= 0 && byte < this.bits.length) {
      const bit = 1 << (id & 7);
      const had = (this.bits[byte] as number) & bit;
      this.bits[byte] = (this.bits[byte] as number) | bit;
      return had === 0;
    }
    if (this.more.has(id)) return false;
    this.more.add(id);
    return true;
  }

  has(id: number): boolean {
    const byte = id >> 3;
    if (id >= 0 && byte < this.bits.length) return ((this.bits[byte] as number) & (1 << (id & 7))) !== 0;
    return this.more.has(id);
  }
}

/** The print a member would have if every value this row names were already its own (src/core/member-print.ts). */
function rowPrint(r: RosterRecord): number {
  const wg = r.working_groups;
  const pa = r.practice_areas;
  let groups: readonly number[] = NO_GROUPS;
  if ((wg !== null && wg.length > 0) || (pa !== null && pa.length > 0)) {
    const ids: number[] = [];
    if (wg !== null) for (const g of wg) ids.push(g.id);
    if (pa !== null) for (const g of pa) ids.push(g.id);
    groups = ids;
  }
  return printOf(r.first_name, r.last_name, r.reported_agency, r.member_type ?? r.defaultType, r.job_title, r.role_track, groups);
}
const NO_GROUPS: readonly number[] = [];

/**
 * The roster import's writer (inside the import's transaction): inserts new members (assignments
 * opened from their join date), updates existing ones per `mode` recording before-images,
 * reactivates returning members, and remembers every member seen (a bitmap of ids) for duplicate
 * detection and --sync. A row whose print equals its member's stored print (migration 023) is
 * unchanged without reading the member; every other row is compared in full and leaves the
 * member's print right.
 */
export function createRosterApplier(
  db: Db,
  o: {
    batchId: number;
    mode: DuplicateMode;
    today: string;
    nowIso: string;
    recorder: ChangeRecorder;
    resolver: AgencyResolver;
    source?: AssignmentSource;
    /** --effective: when member types change for rows without effective_on (default: today). */
    effective?: string | undefined;
    /** --correct-history: a row's different join date moves the start of the current period. */
    correctHistory?: boolean;
    /** A row's join date differs from the member's period start and was kept (reason when a correction was refused). */
    onJoinDateKept?: (email: string, kept: string, given: string, refused: string | null) => void;
    /** --correct-history moved a period start. */
    onHistoryCorrected?: (email: string, from: string, to: string) => void;
    /** A previous_email column renamed a member (SPEC §11). */
    onRenamed?: (from: string, to: string) => void;
    /** A row's previous_email names another member than its email: both are members. */
    onPreviousIsOther?: (email: string, previous: string, previousMember: string) => void;
  },
): RosterApplier {
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

  // Former addresses resolve to their member; the lookup is skipped while there are none.
  let aliases = hasAliases(db);
  const byAlias = db.prepare<[string], MemberRow>(
    `SELECT ${MEMBER_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ')} FROM member_aliases a JOIN members m ON m.id = a.member_id WHERE a.email = ?`,
  );

  // New members (and their first periods) are written in bulk; the first id they get:
  const firstNewMember = db.prepare('SELECT coalesce(max(id), 0) + 1 FROM members').pluck().get() as number;
  const bulk = new BulkAdds(db, { batchId: o.batchId, nowIso: o.nowIso, source, firstId: firstNewMember });
  // Members this batch added are told apart by their ids (firstNewMember on), not marked here.
  const seen = new SeenIds(firstNewMember);
  const isPresent = (id: number): boolean => id >= firstNewMember || seen.has(id);

  // Emails of rejected rows that are not members: few, so a Set (a later row with one of them is
  // a duplicate). Accepted rows are told apart through the tables: ids from firstNewMember on for
  // members this batch added, the TEMP table for existing members it met.
  const rejected = new Set<string>();
  /** The ids of the active members no row of this file named, ascending. */
  const absentIds = (): number[] => {
    const out: number[] = [];
    for (const id of db.prepare<[], number>('SELECT id FROM members WHERE left_on IS NULL ORDER BY id').pluck().iterate()) if (!isPresent(id)) out.push(id);
    return out;
  };
  /** Leaves the member's print right after the full comparison: its values and open groups now. */
  const keepPrint = (m: MemberRow, open: readonly { group_id: number }[] | undefined): void => {
    if (m.left_on !== null) return;
    const groups = (open ?? s.openGroups.all(m.id)).map((g) => g.group_id);
    s.storePrint.run(m.id, memberPrint(m, groups), m.joined_on);
  };

  return {
    apply(r) {
      if (rejected.size > 0 && rejected.has(r.email)) return 'duplicate';
      // A member under this email whose print is this row's: nothing to change (migration 023).
      let marked = false;
      let noMember = false;
      if (r.previous_email === null || r.previous_email === r.email) {
        const hit = s.printByEmail.get(r.email);
        if (hit) {
          const [id, print, joined] = hit;
          if (id >= firstNewMember || !seen.add(id)) return 'duplicate';
          marked = true;
          if (print !== null && (r.joined_on === null || r.joined_on === joined) && print === rowPrint(r)) return 'unchanged';
        } else {
          noMember = true;
        }
      }
      // A former address (an alias) names its member (SPEC §11). A new address is looked up once.
      let existing = (noMember ? undefined : s.byEmail.get(r.email)) ?? (aliases ? byAlias.get(r.email) : undefined);
      let renamed = false;
      if (r.previous_email !== null && r.previous_email !== r.email) {
        // previous_email: the member under that address moves to this row's address.
        const prev = s.byEmail.get(r.previous_email) ?? (aliases ? byAlias.get(r.previous_email) : undefined);
        if (prev && !existing && prev.created_batch !== o.batchId) {
          const on = r.effective_on ?? o.effective ?? o.today;
          renameMember(db, prev, { email: r.email, domain: r.domain, agencyId: o.resolver.resolve(r.domain) }, on, { batchId: o.batchId, recorder: o.recorder, nowIso: o.nowIso });
          aliases = true;
          renamed = true;
          o.onRenamed?.(prev.email, r.email);
          existing = s.byEmail.get(r.email);
        } else if (prev && existing && prev.id !== existing.id) {
          o.onPreviousIsOther?.(r.email, r.previous_email, prev.email);
        }
      }
      if (!existing) {
        const joined = r.joined_on ?? o.today;
        const id = bulk.addMember(newMemberFrom(r, o.resolver.resolve(r.domain), joined), rowPrint(r));
        if (id === 0) return 'duplicate';
        if (r.working_groups !== null) for (const g of r.working_groups) bulk.addAssignment(id, g.id);
        if (r.practice_areas !== null) for (const g of r.practice_areas) bulk.addAssignment(id, g.id);
        return 'added';
      }
      if (!marked && (existing.created_batch === o.batchId || !seen.add(existing.id))) return 'duplicate';
      const next: MemberRow = { ...existing };
      const src = { batchId: o.batchId, recorder: o.recorder };
      let fieldsChanged = false;
      let recorded = false;
      const record = (): void => {
        if (!recorded) o.recorder.record('member', [existing.id], 'update', beforeImage(existing));
        recorded = true;
      };
      if (o.mode !== 'skip') {
        for (const f of PLAIN_FIELDS) {
          const incoming = r[f];
          if (incoming === null) continue;
          if (o.mode === 'fill' && existing[f] !== null) continue;
          if (existing[f] !== incoming) {
            (next as unknown as Record<string, unknown>)[f] = incoming;
            fieldsChanged = true;
          }
        }
      }
      // Coming back: a new period from the later of today and the row's join date (SPEC §10).
      const reactivated = existing.left_on !== null;
      if (reactivated) {
        record();
        const start = r.joined_on !== null && r.joined_on > o.today ? r.joined_on : o.today;
        rejoin(db, existing.id, start, o.today, { agencyId: existing.agency_id, memberType: existing.member_type }, src);
      } else if (r.joined_on !== null && r.joined_on !== existing.joined_on && o.mode === 'update') {
        // A different join date never rewrites history by itself (SPEC §10).
        if (o.correctHistory) {
          record();
          const moved = correctPeriodStart(db, existing.id, r.joined_on, src);
          if (typeof moved === 'string') o.onJoinDateKept?.(existing.email, existing.joined_on, r.joined_on, moved);
          else {
            o.onHistoryCorrected?.(existing.email, moved.from, moved.to);
            fieldsChanged = true;
          }
        } else {
          o.onJoinDateKept?.(existing.email, existing.joined_on, r.joined_on, null);
        }
      }
      // Member type is a dated fact: it changes from the row's effective date (else today).
      const incomingType = o.mode === 'update' ? r.member_type : null;
      if (incomingType !== null && incomingType !== existing.member_type) {
        record();
        changeFacts(db, existing.id, r.effective_on ?? o.effective ?? o.today, { memberType: incomingType }, src);
        next.member_type = incomingType;
        fieldsChanged = true;
      }
      let groupsChanged = false;
      let open: { group_id: number; kind: string }[] | undefined;
      if (o.mode !== 'skip' && (r.working_groups !== null || r.practice_areas !== null)) {
        open = s.openGroups.all(existing.id);
        const replace = o.mode === 'update';
        // By each group's own kind, whichever column named it: a practice area written in the
        // working-groups column joins the practice areas and leaves the working groups alone.
        const named = [...(r.working_groups ?? []), ...(r.practice_areas ?? [])];
        for (const kind of ['working_group', 'practice_area'] as const) {
          const desired = named.filter((g) => g.kind === kind);
          if (desired.length > 0) groupsChanged = syncGroups(existing.id, kind, desired, open, replace, o.today) || groupsChanged;
        }
      }
      if (!fieldsChanged && !reactivated && !groupsChanged && !recorded && !renamed) {
        keepPrint(existing, open);
        return 'unchanged';
      }
      record();
      const period = currentPeriod(db, existing.id);
      if (period) {
        next.joined_on = period.joined_on;
        next.left_on = period.left_on;
      }
      writeMember(db, next, o.nowIso, o.batchId);
      keepPrint(next, groupsChanged ? undefined : open);
      return reactivated ? 'reactivated' : fieldsChanged || groupsChanged || renamed ? 'updated' : 'unchanged';
    },
    flush() {
      bulk.flush();
    },
    firstNewMember,
    markSeen(email) {
      if (rejected.has(email)) return false;
      // An earlier accepted row with this email makes this one a duplicate (ids from
      // firstNewMember on: members this batch added).
      const hit = s.printByEmail.get(email);
      if (hit) return hit[0] < firstNewMember && seen.add(hit[0]);
      if (bulk.hasMember(email)) return false;
      rejected.add(email);
      return true;
    },
    countAbsent() {
      let active = 0;
      let absent = 0;
      for (const id of db.prepare<[], number>('SELECT id FROM members WHERE left_on IS NULL').pluck().iterate()) {
        active++;
        if (!isPresent(id)) absent++;
      }
      return { absent, active };
    },
    deactivateAbsent() {
      // The ids first (the read must finish before the writes), then the rows one at a time:
      // --max-deactivate allows a fifth of a million members, too many full rows to hold.
      const ids = absentIds();
      const row = db.prepare<[number], MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM members WHERE id = ?`);
      let done = 0;
      for (const id of ids) {
        const m = row.get(id);
        if (!m) continue;
        done++;
        o.recorder.record('member', [m.id], 'update', beforeImage(m));
        // A member whose period has not begun yet (a future join date) ends it on its first
        // day: no join and no departure is counted for a period that counted no day.
        const leftOn = leave(db, m.id, o.today, { batchId: o.batchId, recorder: o.recorder }) ?? o.today;
        writeMember(db, { ...m, left_on: leftOn }, o.nowIso, o.batchId);
      }
      return done;
    },
  };
}

/** Drops the import's TEMP tables (at the end of the import, once nothing reads them). */
export function dropImportTables(db: Db): void {
  db.exec('DROP TABLE IF EXISTS temp.aicop_new_members; DROP TABLE IF EXISTS temp.aicop_new_assignments;');
}
