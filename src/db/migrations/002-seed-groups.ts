import type { Migration } from './types.js';

/** The working groups and practice areas named in SPEC §6. */
export const migration002: Migration = {
  version: 2,
  name: 'seed groups',
  sql: `
INSERT INTO groups (name, kind, builtin, created_at) VALUES
  ('Event Planning',              'working_group', 1, strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  ('Community Outreach',          'working_group', 1, strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  ('External Collaborations',     'working_group', 1, strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  ('Tools and Resources',         'working_group', 1, strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  ('Generative AI',               'practice_area', 1, strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  ('Reinforcement Learning',      'practice_area', 1, strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  ('AI Security',                 'practice_area', 1, strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  ('Natural Language Processing', 'practice_area', 1, strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  ('Computer Vision',             'practice_area', 1, strftime('%Y-%m-%dT%H:%M:%SZ','now'));
`,
};
