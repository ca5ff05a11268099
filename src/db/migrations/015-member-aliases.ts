import type { Migration } from './types.js';

/**
 * Member identity (SPEC §11): the former addresses of a member.
 *
 * - member_aliases: an address that once was a member's (`members rename`, a roster's
 *   previous_email column) or was a second record of the same person (`members merge`). Later
 *   rosters and attendance files that use it resolve to the member; `members show` lists it. An
 *   alias is never also a member's address: the code resolves an alias before adding anyone.
 *   It goes with its member (ON DELETE CASCADE: `members remove --purge` leaves no trace).
 *   batch_id: the batch (an import, or a merge recorded as one) that created it, so `imports
 *   undo` removes it; NULL for a rename by hand.
 * - batch_changes may now hold before-images of aliases ('alias'): a merge moves the dropped
 *   record's own aliases to the kept member, and its undo moves them back. SQLite cannot widen
 *   a CHECK in place, so the table is rebuilt (as migrations 013 and 014 did); nothing references it.
 */
export const migration015: Migration = {
  version: 15,
  name: 'member aliases',
  sql: `
CREATE TABLE member_aliases (
  email      TEXT PRIMARY KEY CHECK (email = lower(email) AND instr(email, '@') > 1),
  member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  reason     TEXT NOT NULL CHECK (reason IN ('rename','merge')),
  created_at TEXT NOT NULL,
  batch_id   INTEGER REFERENCES import_batches(id) ON DELETE SET NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX member_aliases_member ON member_aliases(member_id);

CREATE TABLE batch_changes_014 (
  batch_id   INTEGER NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  entity     TEXT NOT NULL CHECK (entity IN ('member','assignment','event','attendance','span','alias')),
  entity_key TEXT NOT NULL,
  op         TEXT NOT NULL CHECK (op IN ('insert','update','delete')),
  before     TEXT CHECK (before IS NULL OR json_valid(before)),
  PRIMARY KEY (batch_id, seq)
) STRICT, WITHOUT ROWID;
INSERT INTO batch_changes_014 SELECT * FROM batch_changes;
DROP TABLE batch_changes;
ALTER TABLE batch_changes_014 RENAME TO batch_changes;
CREATE INDEX batch_changes_entity ON batch_changes(entity, entity_key, batch_id);
`,
};
