import type { Migration } from './types.js';

/**
 * Adds the reject reason `bad_quoting` (a malformed quote, SPEC §4). SQLite cannot alter a CHECK,
 * so import_rejects is rebuilt with the longer list. The CHECK stays rather than moving the list
 * into code only: the database keeps refusing a reason no version of aicop defines, whoever
 * writes it, and the copy is cheap (the table holds only rejected rows). Nothing references
 * import_rejects, so the rebuild breaks no foreign key.
 */
export const migration014: Migration = {
  version: 14,
  name: 'bad_quoting reject reason',
  sql: `
CREATE TABLE import_rejects_new (
  batch_id INTEGER NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
  line     INTEGER NOT NULL CHECK (line > 0),
  reason   TEXT NOT NULL CHECK (reason IN ('missing_email','invalid_syntax','ineligible_domain','denied_domain',
             'non_ascii_domain','duplicate_in_file','unknown_group','bad_date','bad_value','ragged_row','unknown_event',
             'bad_quoting')),
  detail   TEXT NOT NULL,
  email    TEXT
) STRICT;
INSERT INTO import_rejects_new (batch_id, line, reason, detail, email) SELECT batch_id, line, reason, detail, email FROM import_rejects;
DROP TABLE import_rejects;
ALTER TABLE import_rejects_new RENAME TO import_rejects;
CREATE INDEX import_rejects_batch ON import_rejects(batch_id, line);
`,
};
