import type { Migration } from './types.js';

/**
 * 007's assignments_group(group_id, assigned_on, removed_on) was the costliest index of a roster
 * import: keyed by join date, every new assignment landed at a random place in it (a million-row
 * roster spent about 2.4 s of SQLite's CPU there, of 5.3 s for the assignments). The reports read
 * the rollups now; what still asks by group is "the open assignments of group G" (member counts,
 * capacity, `groups show`). A partial index on group_id of the open rows answers those, counts
 * included (removed_on, always NULL in it, is a column so that counts read the index alone), and
 * takes each new assignment at the end of its group (rows come in id order).
 * Listing a group's whole history (`groups show --history`) reads the table instead: rare.
 */
export const migration019: Migration = {
  version: 19,
  name: 'open assignments by group',
  sql: `
DROP INDEX IF EXISTS assignments_group;
CREATE INDEX assignments_group_open ON assignments(group_id, removed_on) WHERE removed_on IS NULL;
`,
};
