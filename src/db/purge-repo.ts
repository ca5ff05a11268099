import { randomBytes } from 'node:crypto';
import type { Db } from './open.js';

export interface PurgeCounts {
  readonly attendance: number;
  readonly changes: number;
  readonly rejects: number;
  readonly rules: number;
}

/**
 * Erases one member for a data-protection request: after this and `aicop db vacuum`, no byte of
 * the database holds their email or name (test/purge.test.ts scans the file for them). Call it
 * inside a write transaction. Every table that can name a person, and what happens to it:
 *
 * - members: the row is deleted; member_spans (periods), assignments and member_aliases (former
 *   addresses) go with it (ON DELETE CASCADE), and the report rollups follow through their
 *   triggers. Each step below is done for the address and every former one.
 * - attendance (email, comment): kept for the event figures, but the email becomes a random
 *   `purged-…@purged.invalid` (one per address, as attendance counts addresses, so the
 *   unique-attendee counts hold),
 *   the comment is dropped and member_id is cleared; attendee_fy follows through the triggers.
 * - batch_changes (undo before-images, as JSON, and entity keys holding emails): every change
 *   of this member, their periods or their attendance rows is deleted, so undo cannot bring
 *   them back.
 * - import_rejects (email, detail): rows naming the address are deleted.
 * - domain_rules: an exact-address exception for them (its reason may name them) is deleted.
 *
 * A new table that stores an email, a name or a member id must be added here, and the purge
 * test's byte scan fails until it is.
 */
export function purgeMember(db: Db, id: number): PurgeCounts {
  const row = db.prepare<[number], { email: string }>('SELECT email FROM members WHERE id = ?').get(id);
  if (row === undefined) return { attendance: 0, changes: 0, rejects: 0, rules: 0 };
  // Their address and every former one (member_aliases): each may appear in the tables below.
  const addresses = [row.email, ...db.prepare<[number], string>('SELECT email FROM member_aliases WHERE member_id = ?').pluck().all(id)];
  const dropChanges = db.prepare<{ id: number; email: string }>(
    `DELETE FROM batch_changes
      WHERE (entity = 'member' AND entity_key = json_array(@id))
         OR (before IS NOT NULL AND json_extract(before, '$.member_id') = @id)
         OR instr(entity_key, @email) > 0
         OR (before IS NOT NULL AND instr(before, @email) > 0)`,
  );
  const anonymise = db.prepare<{ email: string; pseudonym: string }>('UPDATE attendance SET email = @pseudonym, comment = NULL WHERE email = @email');
  const dropRejects = db.prepare<{ email: string }>('DELETE FROM import_rejects WHERE email = @email OR instr(detail, @email) > 0');
  const dropRules = db.prepare<{ email: string }>("DELETE FROM domain_rules WHERE target_type = 'address' AND target = @email");
  let changes = 0;
  let attendance = 0;
  let rejects = 0;
  let rules = 0;
  for (const email of addresses) {
    changes += dropChanges.run({ id, email }).changes;
    // One pseudonym per address, as attendance counted addresses: unique-attendee counts hold.
    const pseudonym = `purged-${randomBytes(8).toString('hex')}@purged.invalid`;
    attendance += anonymise.run({ email, pseudonym }).changes;
    rejects += dropRejects.run({ email }).changes;
    rules += dropRules.run({ email }).changes;
  }
  db.prepare('DELETE FROM members WHERE id = ?').run(id); // member_aliases, spans, assignments: ON DELETE CASCADE
  return { attendance, changes, rejects, rules };
}

export interface RetentionCandidate {
  readonly id: number;
  readonly email: string;
  readonly left_on: string;
}

/** Former members who left before `date` (YYYY-MM-DD): what `db purge --left-before` erases. */
export function membersLeftBefore(db: Db, date: string): RetentionCandidate[] {
  return db
    .prepare<[string], RetentionCandidate>('SELECT id, email, left_on FROM members WHERE left_on IS NOT NULL AND left_on < ? ORDER BY left_on, email')
    .all(date);
}

/**
 * Rebuilds the file without free pages (VACUUM) and folds and truncates the WAL, so that what
 * was deleted is no longer anywhere in the database's files. Returns the file's pages.
 */
export function vacuumDatabase(db: Db): { pages: number } {
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { pages: db.pragma('page_count', { simple: true }) as number };
}
