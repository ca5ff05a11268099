import type { Migration } from './types.js';

/**
 * A covering index for the fiscal-year reports: the membership query groups every member by
 * agency and type and reads only the two dates, so it scans this index in order instead of the
 * table (no temp b-tree, no row lookups). Expression indexes were avoided: they helped one
 * query and slowed others.
 */
export const migration007: Migration = {
  version: 7,
  name: 'report indexes',
  sql: `
CREATE INDEX members_report ON members(agency_id, member_type, joined_on, left_on);
`,
};
