import { describe, expect, it } from 'vitest';
import { dumpTables, openDb, tempDb } from './helpers.js';

type T = ReturnType<typeof tempDb>;

function member(t: T, email: string): unknown {
  const db = openDb(t.dbPath);
  try {
    return db
      .prepare(
        `SELECT email, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, left_on, created_batch, updated_batch
         FROM members WHERE email = ?`,
      )
      .raw()
      .get(email);
  } finally {
    db.close();
  }
}

function groupsOf(t: T, email: string): unknown[] {
  const db = openDb(t.dbPath);
  try {
    return db
      .prepare(
        `SELECT g.name, a.assigned_on, a.removed_on, a.source FROM assignments a JOIN members m ON m.id = a.member_id JOIN groups g ON g.id = a.group_id
         WHERE m.email = ? ORDER BY g.name`,
      )
      .raw()
      .all(email);
  } finally {
    db.close();
  }
}

describe('members add', () => {
  it('adds a member with the import rules and manual group assignments', async () => {
    const t = tempDb();
    const r = await t.run([
      'members', 'add', '--email', ' Jane.Doe@NASA.gov. ', '--first-name', 'Jane', '--last-name', 'Doe', '--track', 'leadership',
      '--groups', 'event planning|Generative AI', '--joined-on', '3/1/2024', '--agency', 'NASA HQ', '--title', 'CDO',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('jane.doe@nasa.gov\n');
    expect(member(t, 'jane.doe@nasa.gov')).toEqual(['jane.doe@nasa.gov', 'Jane', 'Doe', 'NASA HQ', 'employee', 'CDO', 'Leadership', '2024-03-01', null, null, null]);
    expect(groupsOf(t, 'jane.doe@nasa.gov')).toEqual([
      ['Event Planning', '2024-03-01', null, 'manual'],
      ['Generative AI', '2024-03-01', null, 'manual'],
    ]);
    const ctr = await t.run(['members', 'add', '--email', 'sam.lee.ctr@navy.mil']);
    expect(ctr.code).toBe(0);
    expect(member(t, 'sam.lee.ctr@navy.mil')).toEqual(['sam.lee.ctr@navy.mil', null, null, null, 'contractor', null, null, '2026-11-23', null, null, null]);
  });

  it.each([
    [['--email', 'bob@gmail.com'], 'aicop: error: --email: domain gmail.com is not eligible (.gov/.mil only; a typo? for an exception for this one person: aicop domains allow bob@gmail.com --reason "<who they are and why they are eligible>") (ineligible_domain)\n'],
    [['--email', 'bob@nasa.gov', '--track', 'Exec'], 'aicop: error: --track: role track "Exec" is not Acquisition, Leadership or Technical (bad_value)\n'],
    [['--email', 'bob@nasa.gov', '--type', 'intern'], 'aicop: error: --type: member type "intern" is not employee or contractor (bad_value)\n'],
    [['--email', 'bob@nasa.gov', '--joined-on', '2023-02-29'], 'aicop: error: --joined-on: join date "2023-02-29" is not a real date as YYYY-MM-DD, M/D/YYYY or M/D/YY (bad_date)\n'],
    [['--email', 'bob@nasa.gov', '--groups', 'Knitting'], 'aicop: error: --groups: no group named "Knitting" (see: aicop groups list) (unknown_group)\n'],
  ])('refuses %j with exit 2 and no change', async (args, message) => {
    const t = tempDb();
    await t.run(['init']);
    const before = dumpTables(t.dbPath);
    const r = await t.run(['members', 'add', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(message);
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('refuses an active member and reactivates a former one', async () => {
    const t = tempDb();
    await t.run(['members', 'add', '--email', 'a@nasa.gov', '--first-name', 'A', '--joined-on', '2024-01-01']);
    const dup = await t.run(['members', 'add', '--email', 'A@nasa.gov']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('a@nasa.gov is already an active member');
    expect((await t.run(['members', 'remove', 'a@nasa.gov'])).code).toBe(0);
    const back = await t.run(['members', 'add', '--email', 'a@nasa.gov', '--title', 'Back']);
    expect(back.code).toBe(0);
    expect(back.stderr).toBe('reactivated a@nasa.gov (they had left)\n');
    // A new period from today; the first one (2024-01-01 to today) stays in the history.
    expect(member(t, 'a@nasa.gov')).toEqual(['a@nasa.gov', 'A', null, null, 'employee', 'Back', null, '2026-11-23', null, null, null]);
  });
});

describe('members update and remove', () => {
  it('updates fields, sets and clears left_on, clears updated_batch', async () => {
    const t = tempDb();
    await t.run(['import', 'members', '-'], { stdin: 'email,first name,joined\nann@nasa.gov,Ann,2024-01-01\n' });
    const r = await t.run(['members', 'update', 'ANN@nasa.gov', '--last-name', 'Lee', '--type', 'contractor', '--left-on', '2025-06-30']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('ann@nasa.gov: updated last_name, member_type, left_on\n');
    expect(member(t, 'ann@nasa.gov')).toEqual(['ann@nasa.gov', 'Ann', 'Lee', null, 'contractor', null, null, '2024-01-01', '2025-06-30', 1, null]);
    expect((await t.run(['members', 'update', 'ann@nasa.gov', '--left-on', 'none'])).code).toBe(0);
    expect(member(t, 'ann@nasa.gov')).toMatchObject({ 8: null });
    const same = await t.run(['members', 'update', 'ann@nasa.gov', '--last-name', 'Lee']);
    expect(same.stderr).toBe('ann@nasa.gov: nothing to change\n');
    const early = await t.run(['members', 'update', 'ann@nasa.gov', '--left-on', '2023-01-01']);
    expect(early.code).toBe(2);
    // --left-on none opened a new period today: that is the join date a departure may not precede.
    expect(early.stderr).toContain('the leaving date 2023-01-01 would precede the join date 2026-11-23');
    expect((await t.run(['members', 'update', 'zed@nasa.gov', '--title', 'x'])).code).toBe(2);
  });

  it('remove sets left_on today; --purge deletes with --yes or a confirmation', async () => {
    const t = tempDb();
    await t.run(['members', 'add', '--email', 'a@nasa.gov', '--groups', 'Event Planning', '--joined-on', '2024-01-01']);
    await t.run(['members', 'add', '--email', 'b@nasa.gov']);
    const r = await t.run(['members', 'remove', 'a@nasa.gov']);
    expect(r.code).toBe(0);
    expect(member(t, 'a@nasa.gov')).toEqual(['a@nasa.gov', null, null, null, 'employee', null, null, '2024-01-01', '2026-11-23', null, null]);
    const again = await t.run(['members', 'remove', 'a@nasa.gov']);
    expect(again.stderr).toBe('a@nasa.gov already left on 2026-11-23; nothing to change\n');
    expect((await t.run(['members', 'remove', 'zed@nasa.gov'])).code).toBe(2);
    const noYes = await t.run(['members', 'remove', 'a@nasa.gov', '--purge']);
    expect(noYes.code).toBe(2);
    expect(member(t, 'a@nasa.gov')).toBeDefined();
    expect((await t.run(['members', 'remove', 'a@nasa.gov', '--purge'], { tty: true, answers: [true] })).code).toBe(0);
    expect(member(t, 'a@nasa.gov')).toBeUndefined();
    expect(groupsOf(t, 'a@nasa.gov')).toEqual([]);
    expect((await t.run(['--yes', 'members', 'remove', 'b@nasa.gov', '--purge'])).code).toBe(0);
    expect(member(t, 'b@nasa.gov')).toBeUndefined();
  });
});
