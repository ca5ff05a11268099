import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

export type GroupKind = 'working_group' | 'practice_area';
export type AssignmentSource = 'import' | 'manual' | 'auto';

export interface GroupRef {
  readonly id: number;
  readonly name: string;
  readonly kind: GroupKind;
  readonly capacity: number | null;
}

interface Statements {
  readonly loadGroups: Statement<[], GroupRef>;
  readonly openAssignment: Statement<[number, number, string, AssignmentSource, number | null]>;
  readonly findOpen: Statement<[number, number], { id: number; assigned_on: string }>;
  readonly closeAssignment: Statement<[string, number | null, number]>;
}

// The importer calls these per row: prepare once per connection, not once per call.
const cache = new WeakMap<Db, Statements>();

function stmts(db: Db): Statements {
  let s = cache.get(db);
  if (!s) {
    s = {
      loadGroups: db.prepare<[], GroupRef>(
        'SELECT id, name, kind, capacity FROM groups WHERE archived_on IS NULL ORDER BY kind DESC, name COLLATE NOCASE',
      ),
      openAssignment: db.prepare<[number, number, string, AssignmentSource, number | null]>(
        `INSERT INTO assignments (member_id, group_id, assigned_on, source, batch_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (member_id, group_id) WHERE removed_on IS NULL DO NOTHING`,
      ),
      findOpen: db.prepare<[number, number], { id: number; assigned_on: string }>(
        'SELECT id, assigned_on FROM assignments WHERE member_id = ? AND group_id = ? AND removed_on IS NULL',
      ),
      // removed_on may not precede assigned_on (a CHECK): closing "before" it was opened closes on its opening day.
      closeAssignment: db.prepare<[string, number | null, number]>(
        'UPDATE assignments SET removed_on = max(?, assigned_on), removed_batch = ? WHERE id = ?',
      ),
    };
    cache.set(db, s);
  }
  return s;
}

/** Number of groups (working groups and practice areas), archived ones included. */
export function countGroups(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM groups').get() as { n: number }).n;
}

/** Groups that are not archived: working groups first, then practice areas, each by name. */
export function loadGroups(db: Db): GroupRef[] {
  return stmts(db).loadGroups.all();
}

/**
 * Opens an assignment of a member to a group from date `on`. Returns the new assignment id, or null
 * when the member already has an open assignment to that group (nothing changes then).
 * Capacity is not checked here: callers that enforce it use `groupFill`.
 */
export function openAssignment(
  db: Db,
  a: { memberId: number; groupId: number; on: string; source: AssignmentSource; batchId?: number | null },
): number | null {
  const info = stmts(db).openAssignment.run(a.memberId, a.groupId, a.on, a.source, a.batchId ?? null);
  return info.changes === 1 ? Number(info.lastInsertRowid) : null;
}

/**
 * Closes the member's open assignment to the group on date `on` (kept as history, never deleted).
 * Returns false when there was no open assignment.
 */
export function closeAssignment(db: Db, a: { memberId: number; groupId: number; on: string; batchId?: number | null }): boolean {
  const s = stmts(db);
  const open = s.findOpen.get(a.memberId, a.groupId);
  if (!open) return false;
  s.closeAssignment.run(a.on, a.batchId ?? null, open.id);
  return true;
}

/** A group with what `groups list` shows. `members` counts open assignments of active members. */
export interface GroupRow extends GroupRef {
  readonly description: string | null;
  readonly builtin: boolean;
  readonly archivedOn: string | null;
  readonly members: number;
}

interface RawGroupRow {
  id: number;
  name: string;
  kind: GroupKind;
  capacity: number | null;
  description: string | null;
  builtin: number;
  archived_on: string | null;
  members: number;
}

// Members now = open assignments minus those of members who have left: the first is a count on an
// index, the second touches only the (few) departed members, so counting stays cheap on big rosters
// (CROSS JOIN keeps SQLite from driving the join from assignments instead).
const GROUP_ROW_SQL = `
WITH gone AS MATERIALIZED (
  SELECT a.group_id, count(*) AS n FROM members m CROSS JOIN assignments a ON a.member_id = m.id AND a.removed_on IS NULL
  WHERE m.left_on IS NOT NULL AND m.left_on <= @today GROUP BY a.group_id)
SELECT g.id, g.name, g.kind, g.capacity, g.description, g.builtin, g.archived_on,
       (SELECT count(*) FROM assignments a WHERE a.group_id = g.id AND a.removed_on IS NULL)
         - coalesce((SELECT n FROM gone WHERE gone.group_id = g.id), 0) AS members
FROM groups g`;

function toGroupRow(r: RawGroupRow): GroupRow {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    capacity: r.capacity,
    description: r.description,
    builtin: r.builtin === 1,
    archivedOn: r.archived_on,
    members: r.members,
  };
}

/**
 * Groups with their member counts on `today` (a member is active then when `left_on` is empty or
 * later, as in SPEC §8): working groups first, then practice areas, by name.
 */
export function listGroups(db: Db, today: string, filter: { kind?: GroupKind; includeArchived?: boolean } = {}): GroupRow[] {
  const where: string[] = [];
  if (filter.kind) where.push('g.kind = @kind');
  if (!filter.includeArchived) where.push('g.archived_on IS NULL');
  const sql = `${GROUP_ROW_SQL}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY g.kind DESC, g.name COLLATE NOCASE, g.id`;
  return (db.prepare(sql).all({ today, ...(filter.kind ? { kind: filter.kind } : {}) }) as RawGroupRow[]).map(toGroupRow);
}

/**
 * Groups with a capacity that now hold more active members than it and that batch `batchId`
 * assigned someone to (imports do not refuse a full group; `groups assign` does). Cheap when no
 * group has a capacity, as by default.
 */
export function groupsOverCapacityAfterBatch(db: Db, batchId: number, today: string): GroupRow[] {
  if (db.prepare('SELECT 1 FROM groups WHERE capacity IS NOT NULL AND archived_on IS NULL LIMIT 1').get() === undefined) return [];
  const touched = db.prepare<[number, number]>('SELECT 1 FROM assignments WHERE group_id = ? AND batch_id = ? LIMIT 1');
  return listGroups(db, today).filter((g) => g.capacity !== null && g.members > g.capacity && touched.get(g.id, batchId) !== undefined);
}

/** The group of that name (case-insensitive), archived or not. */
export function findGroup(db: Db, name: string, today: string): GroupRow | undefined {
  const r = db.prepare(`${GROUP_ROW_SQL} WHERE g.name = @name COLLATE NOCASE`).get({ name: name.trim(), today }) as RawGroupRow | undefined;
  return r ? toGroupRow(r) : undefined;
}

/** Creates a group; returns its id. The caller checks the name is free. */
export function insertGroup(
  db: Db,
  g: { name: string; kind: GroupKind; capacity: number | null; description: string | null; createdAt: string },
): number {
  const info = db
    .prepare('INSERT INTO groups (name, kind, capacity, description, builtin, created_at) VALUES (?, ?, ?, ?, 0, ?)')
    .run(g.name, g.kind, g.capacity, g.description, g.createdAt);
  return Number(info.lastInsertRowid);
}

/** Archives a group on date `on` and closes its open assignments then; returns how many it closed. */
export function archiveGroup(db: Db, groupId: number, on: string): number {
  const closed = db
    .prepare('UPDATE assignments SET removed_on = max(?, assigned_on) WHERE group_id = ? AND removed_on IS NULL')
    .run(on, groupId).changes;
  db.prepare('UPDATE groups SET archived_on = ? WHERE id = ?').run(on, groupId);
  return closed;
}

export interface GroupMemberRow {
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly assignedOn: string;
  readonly removedOn: string | null;
  readonly source: AssignmentSource;
}

/**
 * Members of a group: by default the active members with an open assignment; with `history`,
 * every assignment row ever made (closed ones and inactive members included), oldest first per member.
 */
export function groupMembers(db: Db, groupId: number, today: string, history = false): IterableIterator<GroupMemberRow> {
  const sql = `
SELECT m.email, m.first_name AS firstName, m.last_name AS lastName, a.assigned_on AS assignedOn,
       a.removed_on AS removedOn, a.source
FROM assignments a JOIN members m ON m.id = a.member_id
WHERE a.group_id = @groupId${history ? '' : ' AND a.removed_on IS NULL AND (m.left_on IS NULL OR m.left_on > @today)'}
ORDER BY m.email, a.assigned_on, a.id`;
  return db.prepare(sql).iterate(history ? { groupId } : { groupId, today }) as IterableIterator<GroupMemberRow>;
}

export interface MemberRef {
  readonly id: number;
  readonly email: string;
  readonly leftOn: string | null;
}

/** The member with that (already normalised) email, active or not. */
export function findMemberByEmail(db: Db, email: string): MemberRef | undefined {
  return db.prepare('SELECT id, email, left_on AS leftOn FROM members WHERE email = ?').get(email) as MemberRef | undefined;
}

/**
 * Emails that could be what a mistyped address meant: same domain, or same local part. Bounded so
 * that a suggestion stays cheap on millions of members.
 */
export function memberEmailCandidates(db: Db, email: string, limit = 5000): string[] {
  const at = email.lastIndexOf('@');
  const local = at > 0 ? email.slice(0, at) : email;
  const domain = at > 0 ? email.slice(at + 1) : '';
  const sameDomain = db.prepare('SELECT email FROM members WHERE domain = ? LIMIT ?').pluck().all(domain, limit) as string[];
  // A range scan on the unique email index: every address whose local part is exactly `local`.
  const sameLocal = db
    .prepare('SELECT email FROM members WHERE email >= ? AND email < ? LIMIT ?')
    .pluck()
    .all(`${local}@`, `${local}A`, limit) as string[];
  return [...new Set([...sameDomain, ...sameLocal])];
}

/** The groups (not archived) a member is in now. */
export function memberGroups(db: Db, memberId: number): GroupRef[] {
  return db
    .prepare(
      `SELECT g.id, g.name, g.kind, g.capacity FROM assignments a JOIN groups g ON g.id = a.group_id
       WHERE a.member_id = ? AND a.removed_on IS NULL AND g.archived_on IS NULL
       ORDER BY g.kind DESC, g.name COLLATE NOCASE`,
    )
    .all(memberId) as GroupRef[];
}

/** Open assignments of members active on `today` in the group: what its capacity is measured against. */
export function groupFill(db: Db, groupId: number, today: string): number {
  return db
    .prepare(
      `SELECT (SELECT count(*) FROM assignments WHERE group_id = @groupId AND removed_on IS NULL)
            - (SELECT count(*) FROM members m CROSS JOIN assignments a ON a.member_id = m.id
                WHERE a.group_id = @groupId AND a.removed_on IS NULL AND m.left_on IS NOT NULL AND m.left_on <= @today)`,
    )
    .pluck()
    .get({ groupId, today }) as number;
}

/** What the auto-assignment planner needs besides the members: the groups of one kind and their links. */
export interface AutoAssignGroups {
  /** The non-archived groups of the kind with their current fill. */
  readonly groups: { readonly id: number; readonly name: string; readonly capacity: number | null; readonly fill: number }[];
  /** Links from a group of the other kind to a group of this kind. */
  readonly links: { readonly fromId: number; readonly toId: number }[];
  /** Names of the non-archived groups of the other kind, by id (for the reasons in a plan). */
  readonly otherNames: ReadonlyMap<number, string>;
}

export function loadAutoAssignGroups(db: Db, kind: GroupKind, today: string): AutoAssignGroups {
  const other: GroupKind = kind === 'working_group' ? 'practice_area' : 'working_group';
  const groups = listGroups(db, today, { kind }).map((g) => ({ id: g.id, name: g.name, capacity: g.capacity, fill: g.members }));
  const otherNames = new Map(listGroups(db, today, { kind: other }).map((g) => [g.id, g.name] as const));
  const linkSql =
    kind === 'working_group'
      ? 'SELECT practice_area_id AS fromId, working_group_id AS toId FROM group_links'
      : 'SELECT working_group_id AS fromId, practice_area_id AS toId FROM group_links';
  const links = db.prepare(linkSql).all() as { fromId: number; toId: number }[];
  return { groups, links, otherNames };
}

/** Members read per query by autoAssignCandidates. */
export const AUTO_ASSIGN_PAGE = 4096;

/**
 * The members to place, in email order: active on `today` and in none of `groups` (the
 * non-archived groups of the kind), each with its open groups among `otherIds` (the other kind's
 * non-archived groups). Read a page at a time by email (each page's statement is finished before
 * the caller sees its rows), so memory stays flat on any roster and the caller may write between
 * rows: members placed meanwhile sort before the next page.
 */
export function* autoAssignCandidates(
  db: Db,
  today: string,
  groups: { readonly groupIds: readonly number[]; readonly otherIds: readonly number[] },
  pageSize = AUTO_ASSIGN_PAGE,
): Generator<{ id: number; email: string; otherGroupIds: number[] }> {
  const page = db
    .prepare<{ after: string; today: string; kind: string; other: string; n: number }, [number, string, string | null]>(
      `SELECT m.id, m.email,
         (SELECT group_concat(a.group_id) FROM assignments a
          WHERE a.member_id = m.id AND a.removed_on IS NULL AND a.group_id IN (SELECT value FROM json_each(@other))) AS others
       FROM members m
       WHERE m.email > @after AND (m.left_on IS NULL OR m.left_on > @today)
         AND NOT EXISTS (SELECT 1 FROM assignments a
           WHERE a.member_id = m.id AND a.removed_on IS NULL AND a.group_id IN (SELECT value FROM json_each(@kind)))
       ORDER BY m.email LIMIT @n`,
    )
    .raw();
  const kind = JSON.stringify(groups.groupIds);
  const other = JSON.stringify(groups.otherIds);
  let after = '';
  for (;;) {
    const rows = page.all({ after, today, kind, other, n: pageSize });
    for (const [id, email, others] of rows) {
      yield { id, email, otherGroupIds: others === null ? [] : others.split(',').map(Number) };
    }
    if (rows.length < pageSize) return;
    after = (rows[rows.length - 1] as [number, string, string | null])[1];
  }
}

export interface GroupLinkRow {
  readonly practiceArea: string;
  readonly workingGroup: string;
}

/** Practice area → working group links between groups that are not archived, by name. */
export function listLinks(db: Db): GroupLinkRow[] {
  return db
    .prepare(
      `SELECT p.name AS practiceArea, w.name AS workingGroup FROM group_links l
       JOIN groups p ON p.id = l.practice_area_id JOIN groups w ON w.id = l.working_group_id
       WHERE p.archived_on IS NULL AND w.archived_on IS NULL
       ORDER BY p.name COLLATE NOCASE, w.name COLLATE NOCASE`,
    )
    .all() as GroupLinkRow[];
}

/** Adds a link; false when it already existed. */
export function addLink(db: Db, practiceAreaId: number, workingGroupId: number): boolean {
  return db.prepare('INSERT OR IGNORE INTO group_links (practice_area_id, working_group_id) VALUES (?, ?)').run(practiceAreaId, workingGroupId).changes === 1;
}

/** Removes a link; false when there was none. */
export function removeLink(db: Db, practiceAreaId: number, workingGroupId: number): boolean {
  return db.prepare('DELETE FROM group_links WHERE practice_area_id = ? AND working_group_id = ?').run(practiceAreaId, workingGroupId).changes === 1;
}

/** When the member's open assignment to the group began, or undefined when there is none. */
export function openAssignmentSince(db: Db, memberId: number, groupId: number): string | undefined {
  return stmts(db).findOpen.get(memberId, groupId)?.assigned_on;
}
