import { openDb, spansFromMembers } from './helpers.js';

/**
 * A hand-computed fixture for FY 2023 (2022-10-01 … 2023-09-30) and FY 2022, inserted with
 * plain SQL. The expected figures are worked out member by member in report.test.ts.
 */
export function seedFixture(dbPath: string): void {
  const db = openDb(dbPath);
  try {
    db.exec(`
INSERT INTO agencies (id, name, organization, level, source) VALUES
  (9001, 'Agency One', 'Dept X', 'federal', 'manual'),
  (9002, 'Agency Two', 'Dept X', 'federal', 'manual'),
  (9003, 'Town of Y', NULL, 'local', 'manual'),
  (9004, 'unmapped.gov', NULL, NULL, 'unmapped');
INSERT INTO members (id, email, domain, agency_id, member_type, joined_on, left_on, created_at, updated_at) VALUES
  (1, 'm1@one.gov', 'one.gov', 9001, 'employee',   '2022-09-30', NULL,         'x', 'x'),
  (2, 'm2@one.gov', 'one.gov', 9001, 'employee',   '2022-10-01', NULL,         'x', 'x'),
  (3, 'm3@two.gov', 'two.gov', 9002, 'contractor', '2021-05-01', '2023-09-30', 'x', 'x'),
  (4, 'm4@y.gov',   'y.gov',   9003, 'employee',   '2021-05-01', '2023-10-01', 'x', 'x'),
  (5, 'm5@unmapped.gov', 'unmapped.gov', 9004, 'employee', '2022-11-15', '2023-03-01', 'x', 'x'),
  (6, 'm6@one.gov', 'one.gov', 9001, 'employee',   '2023-10-01', NULL,         'x', 'x'),
  (7, 'm7@two.gov', 'two.gov', 9002, 'employee',   '2020-01-01', '2022-09-30', 'x', 'x'),
  (8, 'm8@y.gov',   'y.gov',   9003, 'contractor', '2020-01-01', '2022-10-01', 'x', 'x');
INSERT INTO assignments (member_id, group_id, assigned_on, removed_on, source) VALUES
  (1, (SELECT id FROM groups WHERE name = 'Event Planning'), '2022-09-01', NULL, 'manual'),
  (2, (SELECT id FROM groups WHERE name = 'Event Planning'), '2022-10-01', NULL, 'manual'),
  (5, (SELECT id FROM groups WHERE name = 'Event Planning'), '2022-11-15', '2023-03-01', 'manual'),
  (3, (SELECT id FROM groups WHERE name = 'Generative AI'), '2022-01-01', NULL, 'manual'),
  (4, (SELECT id FROM groups WHERE name = 'Generative AI'), '2022-01-01', '2023-09-30', 'manual'),
  (4, (SELECT id FROM groups WHERE name = 'AI Security'), '2023-02-01', '2023-10-01', 'manual');
INSERT INTO events (id, title, type, held_on, track, government_wide) VALUES
  ('2022-09-WS', 'Prompting workshop', 'workshop', '2022-09-30', NULL, 0),
  ('2022-10-CM', 'October <community> meeting', 'community_meeting', '2022-10-01', NULL, 1),
  ('2023-09-TR', 'Technical training', 'training', '2023-09-30', 'Technical', 0),
  ('2023-10-CM', 'October meeting', 'community_meeting', '2023-10-01', NULL, 1);
INSERT INTO attendance (event_id, email, member_id, registered, attended, satisfaction, nps) VALUES
  ('2022-10-CM', 'm1@one.gov', 1, 1, 1, 5, 10),
  ('2022-10-CM', 'm2@one.gov', 2, 1, 1, 4, 9),
  ('2022-10-CM', 'c@other.gov', NULL, 1, 0, NULL, NULL),
  ('2022-10-CM', 'd@other.gov', NULL, 0, 1, 2, 3),
  ('2023-09-TR', 'm1@one.gov', 1, 1, 1, 3, 7),
  ('2023-09-TR', 'e@other.gov', NULL, 1, 1, NULL, NULL),
  ('2023-10-CM', 'm1@one.gov', 1, 1, 1, 1, NULL),
  ('2022-09-WS', 'm2@one.gov', 2, 1, 1, 4, NULL);
`);
    spansFromMembers(db);
  } finally {
    db.close();
  }
}
