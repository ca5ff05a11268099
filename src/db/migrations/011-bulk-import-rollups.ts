import { ASSIGNMENT_ADD, MEMBER_KEY } from './009-report-rollups.js';
import type { Migration } from './types.js';

/**
 * Lets a roster import keep the report rollups (009) in bulk instead of row by row. The two
 * INSERT triggers that a big import fires once per new member and once per new assignment now
 * stand aside while the import's own transaction has put a marker row in `meta`
 * ('bulk:members' / 'bulk:assignments'); the import then adds the rows it inserted to the
 * rollups with one grouped statement each (src/db/rollups.ts) and deletes the marker before it
 * commits, so no other connection ever sees it. Row by row, these triggers made a 300k-row import
 * about twice as slow. Every other write path (and every UPDATE and DELETE) is unchanged.
 */
export const migration011: Migration = {
  version: 11,
  name: 'bulk import rollups',
  sql: `
DROP TRIGGER members_report_ai;
CREATE TRIGGER members_report_ai AFTER INSERT ON members
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:members') BEGIN
  INSERT INTO member_fy VALUES (${MEMBER_KEY('NEW')}, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
DROP TRIGGER assignments_report_ai;
CREATE TRIGGER assignments_report_ai AFTER INSERT ON assignments
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:assignments') BEGIN
  ${ASSIGNMENT_ADD('NEW')}
END;
`,
};
