import type { Migration } from './types.js';

/**
 * Events get an optional series (e.g. "AI Training Series 2023"): the CoP reports its headline
 * numbers per series, so it is a column of its own, free text, never an empty string.
 */
export const migration017: Migration = {
  version: 17,
  name: 'event series',
  sql: `
ALTER TABLE events ADD COLUMN series TEXT CHECK (series IS NULL OR length(trim(series)) > 0);
`,
};
