import { describe, expect, it } from 'vitest';
import { memberPrint } from '../src/core/member-print.js';
import { dumpTables, openDb, tempDb, writeFile } from './helpers.js';

type T = ReturnType<typeof tempDb>;
type PrintRow = [number, number, string];

/** The stored prints, and the print every active member should have, computed from its row and open groups. */
function prints(t: T): { stored: PrintRow[]; expected: PrintRow[] } {
  const db = openDb(t.dbPath);
  try {
    const stored = db.prepare('SELECT member_id, print, joined_on FROM member_prints ORDER BY member_id').raw().all() as PrintRow[];
    const members = db
      .prepare(
        `SELECT id, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on,
           (SELECT json_group_array(group_id) FROM assignments a WHERE a.member_id = m.id AND a.removed_on IS NULL) AS groups
         FROM members m WHERE left_on IS NULL ORDER BY id`,
      )
      .all() as { id: number; first_name: string | null; last_name: string | null; reported_agency: string | null; member_type: string; job_title: string | null; role_track: string | null; joined_on: string; groups: string }[];
    const expected = members.map((m): PrintRow => [m.id, memberPrint(m, JSON.parse(m.groups) as number[]), m.joined_on]);
    return { stored, expected };
  } finally {
    db.close();
  }
}

/** Every stored print is the one its member has now (missing ones are written by the next import that meets the member). */
function expectRightOrMissing(t: T): void {
  const { stored, expected } = prints(t);
  const byId = new Map(expected.map((p) => [p[0], p]));
  for (const p of stored) expect(p).toEqual(byId.get(p[0]));
}

/** Every table an import writes about members (the batch's own records left out). */
function memberState(t: T): string {
  const db = openDb(t.dbPath);
  try {
    const history = new Set(['import_batches', 'import_rejects', 'batch_changes']);
    const names = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]).filter((n) => !history.has(n));
    return dumpTables(t.dbPath, names);
  } finally {
    db.close();
  }
}

const ROSTER = [
  'email,first_name,last_name,agency,type,title,track,working_groups,practice_areas,joined',
  'ann@nasa.gov,Ann,Lee,NASA,employee,Analyst,Technical,Event Planning,,2024-01-15',
  'bo@nasa.gov,Bo,Chan,,contractor,,,,Generative AI,2024-02-01',
  'cy@nih.gov,Cy,Diaz,NIH,,Lead,Leadership,Event Planning|Tools and Resources,Generative AI,2024-03-01',
  'di@nih.gov,Di,Eng,NIH,employee,,,,,',
  'not-an-email,X,Y,,,,,,,2024-01-01',
].join('\n');

function summary(stderr: string): string {
  return /\d+ rows? read: [^\n]*/.exec(stderr)?.[0] ?? stderr;
}

describe('member import prints (migration 023)', () => {
  it('ignore the order and repeats of groups, and tell null from empty and one value from another', () => {
    const base = { first_name: 'Ann', last_name: 'Lee', reported_agency: null, member_type: 'employee', job_title: null, role_track: null };
    expect(memberPrint(base, [3, 1, 3])).toBe(memberPrint(base, [1, 3]));
    expect(memberPrint(base, [1, 3])).not.toBe(memberPrint(base, [1]));
    expect(memberPrint(base, [])).not.toBe(memberPrint({ ...base, job_title: '' }, []));
    expect(memberPrint(base, [])).not.toBe(memberPrint({ ...base, first_name: 'An', last_name: 'nLee' }, []));
    expect(memberPrint(base, [12])).not.toBe(memberPrint(base, [1, 2]));
    expect(memberPrint(base, [])).not.toBe(memberPrint({ ...base, member_type: 'contractor' }, []));
  });

  it('are written for the members an import adds, and an unchanged re-import writes nothing', async () => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', `${ROSTER}\n`);
    const first = await t.run(['import', 'members', 'r.csv'], { now: new Date('2026-11-20T12:00:00Z') });
    expect(summary(first.stderr)).toBe('5 rows read: 4 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 1 rejected');
    expect(prints(t).stored).toEqual(prints(t).expected);
    expect(prints(t).stored).toHaveLength(4);
    const before = memberState(t);
    const again = await t.run(['import', 'members', 'r.csv', '--force'], { now: new Date('2026-11-21T12:00:00Z') });
    expect(again.code).toBe(3);
    expect(summary(again.stderr)).toBe('5 rows read: 0 added, 0 updated, 4 unchanged, 0 reactivated, 0 deactivated, 1 rejected');
    // Prints included: nothing about any member was written.
    expect(memberState(t)).toBe(before);
    // A row leaving a value out keeps the member's value: unchanged too, by the full comparison.
    writeFile(t.dir, 'partial.csv', 'email,first_name,title\nann@nasa.gov,,Analyst\nbo@nasa.gov,Bo,\n');
    const partial = await t.run(['import', 'members', 'partial.csv']);
    expect(summary(partial.stderr)).toBe('2 rows read: 0 added, 0 updated, 2 unchanged, 0 reactivated, 0 deactivated, 0 rejected');
    expect(memberState(t)).toBe(before);
  });

  it('still see every change: a field, a group, a member type, a departure, and after undo, merge and rename', async () => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', `${ROSTER}\n`);
    expect((await t.run(['import', 'members', 'r.csv'], { now: new Date('2026-11-20T12:00:00Z') })).code).toBe(3);
    const reimport = async (): Promise<string> => summary((await t.run(['import', 'members', 'r.csv', '--force'], { now: new Date('2026-11-22T12:00:00Z') })).stderr);

    // A changed value in the file.
    writeFile(t.dir, 'v2.csv', `${ROSTER.replace('ann@nasa.gov,Ann,Lee,NASA,employee,Analyst', 'ann@nasa.gov,Ann,Lee,NASA,employee,Chief Analyst').replace('bo@nasa.gov,Bo,Chan,,contractor,,,,Generative AI', 'bo@nasa.gov,Bo,Chan,,employee,,,,AI Security')}\n`);
    const v2 = await t.run(['import', 'members', 'v2.csv'], { now: new Date('2026-11-21T12:00:00Z') });
    expect(summary(v2.stderr)).toBe('5 rows read: 0 added, 2 updated, 2 unchanged, 0 reactivated, 0 deactivated, 1 rejected');
    expect(prints(t).stored).toEqual(prints(t).expected);
    // Undone: the members are as before v2, so the re-import of v2 changes them again.
    const v2batch = Number(/batch (\d+) in/.exec(v2.stderr)?.[1]);
    expect((await t.run(['--yes', 'imports', 'undo', String(v2batch)])).code).toBe(0);
    expectRightOrMissing(t);
    const v2again = await t.run(['import', 'members', 'v2.csv', '--force'], { now: new Date('2026-11-21T12:00:00Z') });
    expect(summary(v2again.stderr)).toBe('5 rows read: 0 added, 2 updated, 2 unchanged, 0 reactivated, 0 deactivated, 1 rejected');
    expect(prints(t).stored).toEqual(prints(t).expected);
    expect(await reimport()).toBe('5 rows read: 0 added, 2 updated, 2 unchanged, 0 reactivated, 0 deactivated, 1 rejected');

    // Edits by hand: a title, a group, a member type.
    expect((await t.run(['members', 'update', 'ann@nasa.gov', '--title', 'Boss'])).code).toBe(0);
    expect((await t.run(['groups', 'unassign', '--member', 'cy@nih.gov', '--group', 'Tools and Resources'])).code).toBe(0);
    expect((await t.run(['groups', 'assign', '--member', 'di@nih.gov', '--group', 'Event Planning'])).code).toBe(0);
    expectRightOrMissing(t);
    expect(await reimport()).toBe('5 rows read: 0 added, 2 updated, 2 unchanged, 0 reactivated, 0 deactivated, 1 rejected');
    expect(prints(t).stored).toEqual(prints(t).expected);
    const db = openDb(t.dbPath);
    try {
      // di's row names no group: the one assigned by hand stays, and the row goes the full way.
      expect(db.prepare("SELECT count(*) FROM assignments a JOIN members m ON m.id = a.member_id WHERE m.email = 'di@nih.gov' AND removed_on IS NULL").pluck().get()).toBe(1);
      expect(db.prepare("SELECT job_title FROM members WHERE email = 'ann@nasa.gov'").pluck().get()).toBe('Analyst');
    } finally {
      db.close();
    }

    // A departure (--sync of a roster without bo), then the full roster again: bo comes back.
    writeFile(t.dir, 'no-bo.csv', `${ROSTER.split('\n').filter((l) => !l.startsWith('bo@')).join('\n')}\n`);
    const sync = await t.run(['import', 'members', 'no-bo.csv', '--sync', '--max-deactivate', '50'], { now: new Date('2026-11-23T12:00:00Z') });
    expect(summary(sync.stderr)).toBe('4 rows read: 0 added, 0 updated, 3 unchanged, 0 reactivated, 1 deactivated, 1 rejected');
    expectRightOrMissing(t);
    expect(summary((await t.run(['import', 'members', 'r.csv', '--force'], { now: new Date('2026-11-24T12:00:00Z') })).stderr)).toBe(
      '5 rows read: 0 added, 0 updated, 3 unchanged, 1 reactivated, 0 deactivated, 1 rejected',
    );
    expect(prints(t).stored).toEqual(prints(t).expected);

    // A rename and a merge move values between members: their prints go, and the roster sees it.
    expect((await t.run(['members', 'rename', 'cy@nih.gov', 'cy.diaz@nih.gov'])).code).toBe(0);
    expect((await t.run(['--yes', 'members', 'merge', 'cy.diaz@nih.gov', 'di@nih.gov'])).code).toBe(0);
    expectRightOrMissing(t);
    const after = await t.run(['import', 'members', 'r.csv', '--force'], { now: new Date('2026-11-25T12:00:00Z') });
    expect(after.code).toBe(3);
    expectRightOrMissing(t);
    expect(prints(t).stored.length).toBeGreaterThan(0);
    const before = memberState(t);
    const last = await t.run(['import', 'members', 'r.csv', '--force'], { now: new Date('2026-11-26T12:00:00Z') });
    expect(summary(last.stderr)).toContain('0 added, 0 updated');
    expect(memberState(t)).toBe(before);
  });

  it('are dropped with the member by a purge, and by any other tool changing a member or its groups', async () => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', `${ROSTER}\n`);
    expect((await t.run(['import', 'members', 'r.csv'])).code).toBe(3);
    const db = openDb(t.dbPath);
    try {
      db.exec("UPDATE members SET last_name = 'Li' WHERE email = 'ann@nasa.gov'");
      db.exec("UPDATE assignments SET removed_on = '2026-12-01' WHERE member_id = (SELECT id FROM members WHERE email = 'cy@nih.gov') AND removed_on IS NULL AND group_id = (SELECT min(group_id) FROM assignments)");
      // Neither a change to a value outside the print nor an equal write drops it.
      db.exec("UPDATE members SET updated_at = 'x', first_name = first_name WHERE email = 'bo@nasa.gov'");
    } finally {
      db.close();
    }
    expectRightOrMissing(t);
    expect(prints(t).stored.map((p) => p[0])).toEqual([2, 4]);
    expect((await t.run(['--yes', 'members', 'remove', 'bo@nasa.gov', '--purge'])).code).toBe(0);
    expect(prints(t).stored.map((p) => p[0])).toEqual([4]);
  });
});
