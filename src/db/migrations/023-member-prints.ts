import type { Migration } from './types.js';

/**
 * Each active member's import print (src/core/member-print.ts): a 53-bit hash of what a roster
 * row can set (names, agency as reported, member type, title, track, open groups) and the
 * member's join date, so that a re-import recognises an unchanged row by one narrow lookup
 * (members' email index, then this table by id) instead of reading and comparing the whole
 * member and its open groups: on a million-row roster that read and compare were about 15 µs of
 * the ~25 µs each unchanged row cost.
 *
 * A print is right or missing, never stale: a roster import writes the prints of the members it
 * adds and of those it meets (src/db/members-repo.ts); the triggers below drop a member's print
 * when any of those values changes — by any path: `members update|merge|rename`, `groups
 * assign|unassign|remove`, `imports undo`, --sync, other tools — or the member goes. The
 * assignments' INSERT trigger stands aside during a roster import's bulk writes (the 'bulk:assignments'
 * marker of migration 011): the import writes those members' prints itself. A missing print only
 * sends that row down the full comparison, which writes the print back.
 */
export const migration023: Migration = {
  version: 23,
  name: 'member import prints',
  sql: `
CREATE TABLE member_prints (
  member_id INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
  print     INTEGER NOT NULL,
  joined_on TEXT NOT NULL
) STRICT;
CREATE TRIGGER members_prints_au AFTER UPDATE OF first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, left_on ON members
WHEN OLD.first_name IS NOT NEW.first_name OR OLD.last_name IS NOT NEW.last_name OR OLD.reported_agency IS NOT NEW.reported_agency
  OR OLD.member_type IS NOT NEW.member_type OR OLD.job_title IS NOT NEW.job_title OR OLD.role_track IS NOT NEW.role_track
  OR OLD.joined_on IS NOT NEW.joined_on OR OLD.left_on IS NOT NEW.left_on BEGIN
  DELETE FROM member_prints WHERE member_id = NEW.id;
END;
CREATE TRIGGER members_prints_ad AFTER DELETE ON members BEGIN
  DELETE FROM member_prints WHERE member_id = OLD.id;
END;
CREATE TRIGGER assignments_prints_ai AFTER INSERT ON assignments
WHEN NEW.removed_on IS NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:assignments') BEGIN
  DELETE FROM member_prints WHERE member_id = NEW.member_id;
END;
CREATE TRIGGER assignments_prints_au AFTER UPDATE OF member_id, group_id, removed_on ON assignments
WHEN OLD.member_id IS NOT NEW.member_id OR OLD.group_id IS NOT NEW.group_id OR OLD.removed_on IS NOT NEW.removed_on BEGIN
  DELETE FROM member_prints WHERE member_id IN (OLD.member_id, NEW.member_id);
END;
CREATE TRIGGER assignments_prints_ad AFTER DELETE ON assignments WHEN OLD.removed_on IS NULL BEGIN
  DELETE FROM member_prints WHERE member_id = OLD.member_id;
END;
`,
};
