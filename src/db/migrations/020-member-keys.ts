import type { Migration } from './types.js';

/**
 * Each member's look-alike keys (SPEC §11), stored so that an import compares its new members
 * with the others through an index instead of computing every member's keys again: on a
 * million members that recomputation took about 5 s of every import, however small.
 *
 * aicop computes the keys (src/db/identity-repo.ts ensureMemberKeys; the address key needs the
 * registered domain, which is code, not SQL) when a look-alike check needs them, for every member
 * that has none. A change to what a key derives from drops the member's keys (trigger below), and
 * so does deleting the member: a purge leaves no key behind. Rows written by other tools simply
 * have no keys until the next check computes them. Existing members get theirs on the first
 * check after this migration.
 */
/** The two key indexes (ensureMemberKeys drops and rebuilds them around a large backfill). */
export const MEMBER_KEY_INDEXES: readonly string[] = [
  'CREATE INDEX member_keys_address ON member_keys(address_key)',
  'CREATE INDEX member_keys_name ON member_keys(name_key) WHERE name_key IS NOT NULL',
];

export const migration020: Migration = {
  version: 20,
  name: 'member look-alike keys',
  sql: `
CREATE TABLE member_keys (
  member_id   INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
  address_key TEXT NOT NULL,
  name_key    TEXT
) STRICT;
${MEMBER_KEY_INDEXES.map((sql) => `${sql};`).join('\n')}
CREATE TRIGGER members_keys_au AFTER UPDATE OF email, domain, first_name, last_name, agency_id ON members
WHEN OLD.email IS NOT NEW.email OR OLD.domain IS NOT NEW.domain OR OLD.first_name IS NOT NEW.first_name
  OR OLD.last_name IS NOT NEW.last_name OR OLD.agency_id IS NOT NEW.agency_id BEGIN
  DELETE FROM member_keys WHERE member_id = NEW.id;
END;
CREATE TRIGGER members_keys_ad AFTER DELETE ON members BEGIN
  DELETE FROM member_keys WHERE member_id = OLD.id;
END;
`,
};
