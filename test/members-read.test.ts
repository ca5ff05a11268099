import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpTables, openDb } from './helpers.js';
import { seededDb } from './members-fixtures.js';
import { countMembers, getMemberDetail, iterateListservAddresses, iterateMembers, resolveAgencyFilter } from '../src/db/members-read.js';

const TODAY = '2026-11-23';
const emails = (it: Iterable<{ email: string }>) => [...it].map((m) => m.email);

describe('members-read queries', () => {
  it('filters by status, agency (name, domain, id, unmapped domain), group and search', async () => {
    const t = await seededDb();
    const db = openDb(t.dbPath);
    try {
      expect(emails(iterateMembers(db, { status: 'all', today: TODAY }))).toEqual(['ada@alpha-test.gov', 'bob.ctr@sub.alpha-test.gov', 'cy@beta-town.gov', 'dee@alpha-test.gov']);
      expect(emails(iterateMembers(db, { status: 'active', today: TODAY }))).toEqual(['ada@alpha-test.gov', 'cy@beta-town.gov', 'dee@alpha-test.gov']);
      expect(emails(iterateMembers(db, { status: 'inactive', today: TODAY }))).toEqual(['bob.ctr@sub.alpha-test.gov']);
      // left_on is the first day a member no longer counts (SPEC §8): active the day before, inactive on it.
      expect(emails(iterateMembers(db, { status: 'active', today: '2025-01-30' }))).toContain('bob.ctr@sub.alpha-test.gov');
      expect(emails(iterateMembers(db, { status: 'inactive', today: '2025-01-31' }))).toEqual(['bob.ctr@sub.alpha-test.gov']);

      expect(resolveAgencyFilter(db, 'alpha test AGENCY').map((a) => a.id)).toEqual([t.ids.alpha]);
      expect(resolveAgencyFilter(db, 'mail.sub.alpha-test.gov').map((a) => a.id)).toEqual([t.ids.alpha]);
      expect(resolveAgencyFilter(db, String(t.ids.beta)).map((a) => a.name)).toEqual(['beta-town.gov']);
      expect(resolveAgencyFilter(db, 'beta-town.gov').map((a) => a.id)).toEqual([t.ids.beta]);
      expect(resolveAgencyFilter(db, 'nowhere.gov')).toEqual([]);
      expect(emails(iterateMembers(db, { status: 'all', today: TODAY, agencyIds: [t.ids.alpha] }))).toEqual(['ada@alpha-test.gov', 'bob.ctr@sub.alpha-test.gov', 'dee@alpha-test.gov']);
      expect(emails(iterateMembers(db, { status: 'all', today: TODAY, agencyIds: [] }))).toEqual([]);

      const ep = (db.prepare("SELECT id FROM groups WHERE name = 'Event Planning'").get() as { id: number }).id;
      const co = (db.prepare("SELECT id FROM groups WHERE name = 'Community Outreach'").get() as { id: number }).id;
      expect(emails(iterateMembers(db, { status: 'all', today: TODAY, groupId: ep }))).toEqual(['ada@alpha-test.gov', 'cy@beta-town.gov']);
      expect(emails(iterateMembers(db, { status: 'all', today: TODAY, groupId: co }))).toEqual([]); // past assignment only

      expect(emails(iterateMembers(db, { status: 'all', today: TODAY, search: 'LOVE' }))).toEqual(['ada@alpha-test.gov']);
      expect(emails(iterateMembers(db, { status: 'all', today: TODAY, search: 'ada love' }))).toEqual(['ada@alpha-test.gov']);
      expect(emails(iterateMembers(db, { status: 'all', today: TODAY, search: '.ctr@' }))).toEqual(['bob.ctr@sub.alpha-test.gov']);
      // % and _ are literal, not LIKE wildcards
      expect(emails(iterateMembers(db, { status: 'all', today: TODAY, search: '100%_' }))).toEqual(['dee@alpha-test.gov']);
      expect(emails(iterateMembers(db, { status: 'all', today: TODAY, search: '%' }))).toEqual(['dee@alpha-test.gov']);
      expect(countMembers(db, { status: 'active', today: TODAY, agencyIds: [t.ids.alpha] })).toBe(2);

      expect([...iterateListservAddresses(db, TODAY)]).toEqual(['ada@alpha-test.gov', 'cy@beta-town.gov', 'dee@alpha-test.gov']);
      expect([...iterateListservAddresses(db, TODAY, ep)]).toEqual(['ada@alpha-test.gov', 'cy@beta-town.gov']);
    } finally {
      db.close();
    }
  });

  it('getMemberDetail returns agency, group history (current first) and touching imports', async () => {
    const t = await seededDb();
    const db = openDb(t.dbPath);
    try {
      const d = getMemberDetail(db, 'ada@alpha-test.gov', TODAY);
      expect(d?.member.working_groups).toBe('Event Planning');
      expect(d?.member.practice_areas).toBe('Generative AI');
      expect(d?.agency_source).toBe('manual');
      expect(d?.groups.map((g) => [g.group, g.removed_on])).toEqual([
        ['Event Planning', null],
        ['Generative AI', null],
        ['Community Outreach', '2024-06-01'],
      ]);
      expect(d?.imports.map((b) => [b.id, b.file_name])).toEqual([[t.ids.batch, 'roster.csv']]);
      expect(getMemberDetail(db, 'nobody@alpha-test.gov', TODAY)).toBeUndefined();
      // An import that updated a member is recorded in batch_changes under json_array(id).
      const b2 = Number(
        db
          .prepare("INSERT INTO import_batches (kind, file_name, sha256, imported_by, started_at) VALUES ('members', 'update.csv', ?, 'kim', '2025-02-01T10:00:00Z')")
          .run('b'.repeat(64)).lastInsertRowid,
      );
      db.prepare("INSERT INTO batch_changes (batch_id, seq, entity, entity_key, op, before) VALUES (?, 1, 'member', json_array(?), 'update', '{}')").run(b2, t.ids.bob);
      expect(getMemberDetail(db, 'bob.ctr@sub.alpha-test.gov', TODAY)?.imports.map((b) => [b.id, b.file_name, b.imported_by])).toEqual([[b2, 'update.csv', 'kim']]);
      expect(getMemberDetail(db, 'cy@beta-town.gov', TODAY)?.imports).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe('aicop members list', () => {
  it('piped: csv of active members with the full stable header', async () => {
    const t = await seededDb();
    const r = await t.run(['members', 'list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'email,first_name,last_name,member_type,job_title,role_track,reported_agency,domain,agency,organization,level,working_groups,practice_areas,joined_on,left_on,status,created_at,updated_at\n' +
        'ada@alpha-test.gov,Ada,Lovelace,employee,Data Scientist,Technical,Alpha,alpha-test.gov,Alpha Test Agency,Department of Testing,federal,Event Planning,Generative AI,2024-01-15,,active,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z\n' +
        'cy@beta-town.gov,Cy,Young,employee,,,,beta-town.gov,beta-town.gov,,,Event Planning,AI Security; Computer Vision,2025-03-03,,active,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z\n' +
        'dee@alpha-test.gov,Dee,100%_Smith,employee,,,,alpha-test.gov,Alpha Test Agency,Department of Testing,federal,,,2025-10-01,,active,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z\n',
    );
  });

  it('on a terminal: an aligned table (columns named as in the CSV) and a count on stderr', async () => {
    const t = await seededDb();
    const r = await t.run(['--no-color', 'members', 'list', '--status', 'all', '--agency', 'alpha-test.gov'], { tty: true, env: { COLUMNS: '100' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'email                       first_name  last_name   agency             working_groups  status',
        'ada@alpha-test.gov          Ada         Lovelace    Alpha Test Agency  Event Planning  active',
        'bob.ctr@sub.alpha-test.gov  Bob         Stone       Alpha Test Agency                  inactive',
        'dee@alpha-test.gov          Dee         100%_Smith  Alpha Test Agency                  active',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('3 members\n');
    const none = await t.run(['members', 'list', '--search', 'zzz'], { tty: true });
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'no members match\n' });
  });

  it('--format json: an array with groups as arrays; an empty result is []', async () => {
    const t = await seededDb();
    const r = await t.run(['members', 'list', '--group', 'event planning', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { email: string; practice_areas: string[]; level: string | null }[];
    expect(rows.map((m) => [m.email, m.practice_areas, m.level])).toEqual([
      ['ada@alpha-test.gov', ['Generative AI'], 'federal'],
      ['cy@beta-town.gov', ['AI Security', 'Computer Vision'], null],
    ]);
    const empty = await t.run(['members', 'list', '--search', 'zzz', '--format', 'json']);
    expect(empty.stdout).toBe('[]\n');
  });

  it('bad filter values are usage errors (exit 2) naming the fix', async () => {
    const t = await seededDb();
    const a = await t.run(['members', 'list', '--agency', 'Alpha']);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe('aicop: error: --agency "Alpha": no agency has this name, domain or id\n  did you mean: Alpha Test Agency?\n');
    const g = await t.run(['members', 'list', '--group', 'Knitting']);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('--group "Knitting": no such group');
    expect(g.stderr).toContain('Event Planning');
    const s = await t.run(['members', 'list', '--status', 'gone']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain("Allowed choices are active, inactive, all");
    const f = await t.run(['members', 'list', '--format', 'html']);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('--format html is not offered');
  });
});

describe('aicop members show', () => {
  it('prints a readable record for any case of the address', async () => {
    const t = await seededDb();
    const r = await t.run(['members', 'show', ' ADA@Alpha-Test.gov. ']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'email:           ada@alpha-test.gov',
        'name:            Ada Lovelace',
        'status:          active (joined 2024-01-15)',
        'type:            employee',
        'job title:       Data Scientist',
        'role track:      Technical',
        'agency:          Alpha Test Agency (Department of Testing; federal)',
        'domain:          alpha-test.gov',
        'reported agency: Alpha',
        'working groups:  Event Planning',
        'practice areas:  Generative AI',
        'created:         2026-11-01T00:00:00Z',
        'updated:         2026-11-02T00:00:00Z',
        '',
        'membership periods:',
        '  period 1  2024-01-15 – (open)  employee, Alpha Test Agency',
        '',
        'group history:',
        '  current  Event Planning (working group), since 2024-01-15, import',
        '  current  Generative AI (practice area), since 2024-01-15, import',
        '  past     Community Outreach (working group), 2024-01-15 to 2024-06-01, manual',
        '',
        'imports that touched this member:',
        `  #${t.ids.batch}  2024-01-15T09:00:00Z  members  roster.csv  by jo`,
        '',
      ].join('\n'),
    );
  });

  it('shows an inactive, unmapped or group-less member without gaps', async () => {
    const t = await seededDb();
    const bob = await t.run(['members', 'show', 'bob.ctr@sub.alpha-test.gov']);
    expect(bob.stdout).toContain('status:          inactive (joined 2023-05-01, left 2025-01-31)\n');
    expect(bob.stdout).toContain('group history:\n  none\n\nimports that touched this member:\n  none\n');
    const cy = await t.run(['members', 'show', 'cy@beta-town.gov']);
    expect(cy.stdout).toContain('agency:          beta-town.gov (unmapped)\n');
  });

  it('--format json has the member fields plus groups and imports', async () => {
    const t = await seededDb();
    const r = await t.run(['members', 'show', 'ada@alpha-test.gov', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual([
      'email', 'first_name', 'last_name', 'member_type', 'job_title', 'role_track', 'reported_agency', 'domain', 'agency', 'organization', 'level',
      'working_groups', 'practice_areas', 'joined_on', 'left_on', 'status', 'created_at', 'updated_at', 'periods', 'groups', 'imports', 'former_addresses',
    ]);
    expect(j.periods).toEqual([{ period: 1, start_on: '2024-01-15', end_on: null, agency_id: t.ids.alpha, member_type: 'employee', changes: 0, agency: 'Alpha Test Agency' }]);
    expect(j.groups).toEqual([
      { group: 'Event Planning', kind: 'working_group', assigned_on: '2024-01-15', removed_on: null, source: 'import' },
      { group: 'Generative AI', kind: 'practice_area', assigned_on: '2024-01-15', removed_on: null, source: 'import' },
      { group: 'Community Outreach', kind: 'working_group', assigned_on: '2024-01-15', removed_on: '2024-06-01', source: 'manual' },
    ]);
    expect(j.imports).toEqual([{ id: t.ids.batch, kind: 'members', file_name: 'roster.csv', imported_by: 'jo', started_at: '2024-01-15T09:00:00Z', status: 'applied' }]);
  });

  it('an unknown address exits 2 (a bad value, as in members update and groups assign) with a hint, and changes nothing', async () => {
    const t = await seededDb();
    const before = dumpTables(t.dbPath);
    const r = await t.run(['members', 'show', 'nobody@alpha-test.gov']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('aicop: error: nobody@alpha-test.gov: no member with this address\n  search for it with: aicop members list --status all --search "nobody"\n');
    expect(dumpTables(t.dbPath)).toBe(before);
  });
});

describe('members show after real imports', () => {
  it('lists the batch that created the member and the one that updated it', async () => {
    const t = await seededDb();
    const f1 = path.join(t.dir, 'first.csv');
    const f2 = path.join(t.dir, 'second.csv');
    fs.writeFileSync(f1, 'email,first name,last name,working groups\nzoe@import-test.gov,Zoe,Quinn,Tools and Resources\n');
    fs.writeFileSync(f2, 'email,first name,last name,job title\nzoe@import-test.gov,Zoe,Quinn-Lee,Analyst\n');
    expect((await t.run(['-q', 'import', 'members', f1])).code).toBe(0);
    expect((await t.run(['-q', 'import', 'members', f2])).code).toBe(0);
    const r = await t.run(['members', 'show', 'zoe@import-test.gov', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { last_name: string; job_title: string; working_groups: string[]; imports: { id: number; file_name: string; imported_by: string }[] };
    expect([j.last_name, j.job_title, j.working_groups]).toEqual(['Quinn-Lee', 'Analyst', ['Tools and Resources']]);
    expect(j.imports.map((b) => [b.id, b.file_name, b.imported_by])).toEqual([
      [t.ids.batch + 1, f1, 'tester'],
      [t.ids.batch + 2, f2, 'tester'],
    ]);
  });
});
