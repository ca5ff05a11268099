import fs from 'node:fs';
import { createRequire } from 'node:module';
import { AGENCY_LEVELS, upsertDirectory, type AgencyLevel, type DirectoryEntry } from '../agencies-repo.js';
import type { Migration } from './types.js';

// ../../../ is the package root both from dist/db/migrations/ and (under vitest) src/db/migrations/.
const DIRECTORY = new URL('../../../data/agencies.csv', import.meta.url);

/** Reads data/agencies.csv (domain,name,organization,level), the directory shipped with aicop. */
export function readBuiltinDirectory(file: URL | string = DIRECTORY): DirectoryEntry[] {
  // csv-parse is loaded only when this migration runs, not at every start-up.
  const { parse } = createRequire(import.meta.url)('csv-parse/sync') as typeof import('csv-parse/sync');
  const rows = parse(fs.readFileSync(file, 'utf8'), { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  return rows.map((r, i) => {
    const level = r['level'] as AgencyLevel;
    if (!r['domain'] || !r['name'] || !AGENCY_LEVELS.includes(level)) throw new Error(`data/agencies.csv:${i + 2}: bad directory row`);
    return { domain: r['domain'].toLowerCase(), name: r['name'], organization: r['organization'] || null, level };
  });
}

/** Seeds the built-in agency directory (federal departments, bureaus, independent agencies, military services). */
export const migration003: Migration = {
  version: 3,
  name: 'builtin agency directory',
  up: (db) => {
    upsertDirectory(db, readBuiltinDirectory(), 'builtin');
  },
};
