import type { Db } from '../src/db/open.js';
import { openDb, tempDb } from './helpers.js';
import { spansFromMembers } from './helpers.js';

/** Inserts one agency with its domains; names are fictional so built-in directories never clash. */
export function addAgency(db: Db, a: { name: string; organization?: string | null; level?: string | null; source?: string; domains?: readonly string[] }): number {
  const source = a.source ?? 'manual';
  const id = Number(
    db
      .prepare('INSERT INTO agencies (name, organization, level, source) VALUES (?, ?, ?, ?)')
      .run(a.name, a.organization ?? null, a.level === undefined ? 'federal' : a.level, source).lastInsertRowid,
  );
  for (const d of a.domains ?? []) db.prepare('INSERT INTO agency_domains (domain, agency_id, source) VALUES (?, ?, ?)').run(d, id, source === 'unmapped' ? 'manual' : source);
  return id;
}

export interface MemberFixture {
  readonly email: string;
  readonly agencyId?: number | null;
  readonly first?: string | null;
  readonly last?: string | null;
  readonly type?: 'employee' | 'contractor';
  readonly title?: string | null;
  readonly track?: string | null;
  readonly reported?: string | null;
  readonly joined?: string;
  readonly left?: string | null;
}

export function addMember(db: Db, m: MemberFixture): number {
  const domain = m.email.split('@')[1] ?? '';
  const id = Number(
    db
      .prepare(
        `INSERT INTO members (email, domain, agency_id, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, left_on, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')`,
      )
      .run(m.email, domain, m.agencyId ?? null, m.first ?? null, m.last ?? null, m.reported ?? null, m.type ?? 'employee', m.title ?? null, m.track ?? null, m.joined ?? '2024-01-15', m.left ?? null)
      .lastInsertRowid,
  );
  spansFromMembers(db);
  return id;
}

export function assign(db: Db, memberId: number, group: string, on: string, removed: string | null = null, source = 'manual', batchId: number | null = null): void {
  const gid = (db.prepare('SELECT id FROM groups WHERE name = ?').get(group) as { id: number }).id;
  db.prepare('INSERT INTO assignments (member_id, group_id, assigned_on, removed_on, source, batch_id) VALUES (?, ?, ?, ?, ?, ?)').run(memberId, gid, on, removed, source, batchId);
}

/** A database after `init` with a standard small cast of members (see the tests for who is who). */
export interface SeedIds {
  alpha: number;
  beta: number;
  batch: number;
  ada: number;
  bob: number;
  cy: number;
  dee: number;
}

export async function seededDb(): Promise<ReturnType<typeof tempDb> & { ids: SeedIds }> {
  const t = tempDb();
  const r = await t.run(['init']);
  if (r.code !== 0) throw new Error(`init failed: ${r.stderr}`);
  const db = openDb(t.dbPath);
  try {
    const ids: SeedIds = { alpha: 0, beta: 0, batch: 0, ada: 0, bob: 0, cy: 0, dee: 0 };
    db.transaction(() => {
      const alpha = addAgency(db, { name: 'Alpha Test Agency', organization: 'Department of Testing', level: 'federal', domains: ['alpha-test.gov'] });
      const beta = addAgency(db, { name: 'beta-town.gov', organization: null, level: null, source: 'unmapped' });
      ids.alpha = alpha;
      ids.beta = beta;
      const batch = Number(
        db
          .prepare(
            `INSERT INTO import_batches (kind, file_name, sha256, imported_by, started_at, finished_at, rows_read, added)
             VALUES ('members', 'roster.csv', ?, 'jo', '2024-01-15T09:00:00Z', '2024-01-15T09:00:01Z', 2, 2)`,
          )
          .run('a'.repeat(64)).lastInsertRowid,
      );
      ids.batch = batch;
      ids.ada = addMember(db, { email: 'ada@alpha-test.gov', agencyId: alpha, first: 'Ada', last: 'Lovelace', title: 'Data Scientist', track: 'Technical', reported: 'Alpha', joined: '2024-01-15' });
      db.prepare('UPDATE members SET created_batch = ? WHERE id = ?').run(batch, ids.ada);
      ids.bob = addMember(db, { email: 'bob.ctr@sub.alpha-test.gov', agencyId: alpha, first: 'Bob', last: 'Stone', type: 'contractor', joined: '2023-05-01', left: '2025-01-31' });
      ids.cy = addMember(db, { email: 'cy@beta-town.gov', agencyId: beta, first: 'Cy', last: 'Young', joined: '2025-03-03' });
      ids.dee = addMember(db, { email: 'dee@alpha-test.gov', agencyId: alpha, first: 'Dee', last: '100%_Smith', joined: '2025-10-01' });
      assign(db, ids.ada, 'Event Planning', '2024-01-15', null, 'import', batch);
      assign(db, ids.ada, 'Generative AI', '2024-01-15', null, 'import', batch);
      assign(db, ids.ada, 'Community Outreach', '2024-01-15', '2024-06-01', 'manual');
      assign(db, ids.cy, 'Event Planning', '2025-03-03');
      assign(db, ids.cy, 'AI Security', '2025-03-03');
      assign(db, ids.cy, 'Computer Vision', '2025-03-03');
    })();
    return { ...t, ids };
  } finally {
    db.close();
  }
}
