import { describe, expect, it } from 'vitest';
import { openDb, spawnAicop, tempDb, writeFile } from './helpers.js';

// SPEC §10: what a closed year said stays said. A multi-year story replayed with the clock set
// to each import's date: rosters, a --sync departure, a rejoin, a type change, a roster with
// other join dates, attendance of someone who joined later; the closed FY 2022 annual report
// stays byte-identical, and the one legitimate restatement (--correct-history) is named by
// report diff and undone exactly.

const HEADER = 'email,first_name,last_name,member_type,joined_on';
const roster = (...rows: string[]) => [HEADER, ...rows, ''].join('\n');
const at = (date: string) => ({ now: `${date}T12:00:00Z` });

type T = ReturnType<typeof tempDb>;

async function annual(t: T, fy: number, date: string, extra: string[] = []): Promise<{ json: Record<string, unknown>; text: string; stderr: string }> {
  const r = await t.run(['report', 'annual', '--fy', String(fy), '--format', 'json', ...extra], at(date));
  expect(r.code, r.stderr).toBe(0);
  return { json: JSON.parse(r.stdout) as Record<string, unknown>, text: r.stdout, stderr: r.stderr };
}

function membership(j: Record<string, unknown>): Record<string, unknown> {
  return j.membership as Record<string, unknown>;
}

async function story(): Promise<T> {
  const t = tempDb();
  expect((await t.run(['init'], at('2021-03-01'))).code).toBe(0);
  const f1 = writeFile(t.dir, 'r2021.csv', roster('a@alpha-test.gov,Ann,A,employee,2021-01-15', 'b@alpha-test.gov,Bo,B,employee,2021-01-15', 'c@alpha-test.gov,Cy,C,employee,2021-01-15'));
  expect((await t.run(['import', 'members', f1], at('2021-03-01'))).code).toBe(0);
  // FY 2022: a leaves with a --sync on 2022-06-15.
  const f2 = writeFile(t.dir, 'r2022.csv', roster('b@alpha-test.gov,Bo,B,,', 'c@alpha-test.gov,Cy,C,,'));
  expect((await t.run(['--yes', 'import', 'members', f2, '--sync', '--max-deactivate', '100'], at('2022-06-15'))).code).toBe(0);
  return t;
}

describe('closed fiscal years stay as published (SPEC §10)', () => {
  it('a rejoin, a type change and other join dates leave closed FY 2022 byte-identical; --correct-history is a named, undoable restatement', async () => {
    const t = await story();
    const fy2022 = await annual(t, 2022, '2022-10-15');
    expect(membership(fy2022.json)).toMatchObject({ at_start: 3, joined: 0, rejoined: 0, left: 1, at_end: 2 });

    // Closing is refused before the year ends, with the date it can be closed.
    const early = await t.run(['report', 'close', '--fy', '2022'], at('2022-09-30'));
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('FY 2022 has not ended: it runs to 2022-09-30, so it can be closed from 2022-10-01');
    const closed = await t.run(['report', 'close', '--fy', '2022'], at('2022-10-15'));
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toMatch(/^closed FY 2022 \(fingerprint [0-9a-f]{16}\)\n$/);
    expect((await t.run(['report', 'close', '--fy', '2022'], at('2022-10-16'))).code).toBe(2);

    // An event in FY 2022 attended by d, who joins only in FY 2024.
    const ev = writeFile(t.dir, 'events.csv', 'id,title,type,held_on\n2022-03-CM,March meeting,community_meeting,2022-03-10\n');
    expect((await t.run(['import', 'events', ev], at('2022-10-20'))).code).toBe(0);
    const att = writeFile(t.dir, 'att.csv', 'event_id,email,attended,satisfaction\n2022-03-CM,d@alpha-test.gov,yes,5\n2022-03-CM,b@alpha-test.gov,yes,4\n');
    const attRun = await t.run(['import', 'attendance', att], at('2022-10-20'));
    expect(attRun.code, attRun.stderr).toBe(0);
    // Late attendance of a closed year moves its figures: the import says so, naming the year.
    expect(attRun.stderr).toMatch(/warning: this changes the figures of closed fiscal year FY 2022 \(\d+ figures\)/);
    const afterAttendance = await annual(t, 2022, '2022-10-21', ['--recompute']);

    // FY 2024: a comes back (a new period), b becomes a contractor, c's roster join date differs,
    // d joins (and so becomes a member after the event they attended).
    const f3 = writeFile(
      t.dir,
      'r2024.csv',
      roster('a@alpha-test.gov,Ann,A,,2021-01-15', 'b@alpha-test.gov,Bo,B,contractor,', 'c@alpha-test.gov,Cy,C,,2020-01-01', 'd@alpha-test.gov,Di,D,,'),
    );
    const r3 = await t.run(['import', 'members', f3], at('2024-02-01'));
    expect(r3.code, r3.stderr).toBe(0);
    expect(r3.stderr).toContain('join dates kept: 1 (');
    expect(r3.stderr).not.toContain('closed fiscal');
    const again = await annual(t, 2022, '2024-02-02', ['--recompute']);
    expect(again.text).toBe(afterAttendance.text);
    expect((again.json.events as Record<string, unknown>).unique_member_attendees).toBe(1);

    // FY 2024: a's return is a join and a rejoin; b moved from employee to contractor.
    const fy2024 = await annual(t, 2024, '2024-10-02');
    expect(membership(fy2024.json)).toMatchObject({ at_start: 2, joined: 2, rejoined: 1, left: 0, at_end: 4 });
    const byType = membership(fy2024.json).by_member_type as Record<string, Record<string, number>>;
    expect(byType.employee).toEqual({ at_start: 2, joined: 2, rejoined: 1, left: 0, moved_in: 0, moved_out: 1, at_end: 3 });
    expect(byType.contractor).toEqual({ at_start: 0, joined: 0, rejoined: 0, left: 0, moved_in: 1, moved_out: 0, at_end: 1 });
    // a's history keeps both periods.
    const shown = await t.run(['members', 'show', 'a@alpha-test.gov'], at('2024-10-02'));
    expect(shown.stdout).toMatch(/period 1\s+2021-01-15 – 2022-06-15/);
    expect(shown.stdout).toMatch(/period 2\s+2024-02-01 – \(open\)/);

    // A correction back into FY 2022: c joined 2021-11-01, not 2021-01-15 (dry run first).
    const f4 = writeFile(t.dir, 'fix.csv', roster('c@alpha-test.gov,Cy,C,,2021-11-01'));
    const dry = await t.run(['import', 'members', f4, '--correct-history', '--dry-run'], at('2024-03-01'));
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('  c@alpha-test.gov: joined 2021-01-15 (FY 2021) → 2021-11-01 (FY 2022)');
    expect((await annual(t, 2022, '2024-03-01', ['--recompute'])).text).toBe(afterAttendance.text);
    const strict = await t.run(['--strict-history', 'import', 'members', f4, '--correct-history'], at('2024-03-01'));
    expect(strict.code).toBe(4);
    expect((await annual(t, 2022, '2024-03-01', ['--recompute'])).text).toBe(afterAttendance.text);
    const fix = await t.run(['import', 'members', f4, '--correct-history'], at('2024-03-01'));
    expect(fix.code, fix.stderr).toBe(0);
    expect(fix.stderr).toMatch(/this changes the figures of closed fiscal year FY 2022/);
    const batch = Number(/batch (\d+)/.exec(fix.stderr)?.[1]);

    const restated = await annual(t, 2022, '2024-03-02');
    expect(restated.json.closed_on).toBe('2022-10-15');
    expect(restated.json.restated).toBe(true);
    // The closed figures are still what the report prints.
    expect(membership(restated.json)).toMatchObject({ at_start: 3, joined: 0, left: 1, at_end: 2 });
    expect(restated.stderr).toContain("FY 2022: today's data differ from the figures closed on 2022-10-15");
    const diff = await t.run(['report', 'diff', '--fy', '2022', '--format', 'json'], at('2024-03-02'));
    expect(diff.code).toBe(0);
    const d = JSON.parse(diff.stdout) as { changes: { figure: string; closed: unknown; current: unknown }[]; causes: { batch_id: number | null; action: string }[] };
    expect(d.changes).toContainEqual({ figure: 'membership.at_start', closed: 3, current: 2 });
    expect(d.changes).toContainEqual({ figure: 'membership.joined', closed: 0, current: 1 });
    expect(d.causes.map((c) => c.batch_id)).toContain(batch);
    expect(d.causes.find((c) => c.batch_id === batch)?.action).toMatch(/^import members .*fix\.csv$/);

    // Undoing the correction restores today's FY 2022 figures exactly.
    expect((await t.run(['--yes', 'imports', 'undo', String(batch)], at('2024-03-03'))).code).toBe(0);
    expect((await annual(t, 2022, '2024-03-03', ['--recompute'])).text).toBe(afterAttendance.text);

    // Reopening needs a reason and is recorded; reports then show today's data.
    expect((await t.run(['report', 'reopen', '--fy', '2022'], at('2024-03-04'))).code).toBe(2);
    expect((await t.run(['report', 'reopen', '--fy', '2022', '--reason', 'late attendance'], at('2024-03-04'))).code).toBe(0);
    const reopened = await annual(t, 2022, '2024-03-04');
    expect(reopened.json.closed_on).toBeUndefined();
    const db = openDb(t.dbPath);
    try {
      expect(db.prepare('SELECT reopen_reason, reopened_by IS NOT NULL FROM fy_closures WHERE fy = 2022').raw().get()).toEqual(['late attendance', 1]);
    } finally {
      db.close();
    }
  }, 60_000);

  it('a year closed before a figure existed (an earlier aicop): report diff does not call the new figure a restatement, and still names real ones', async () => {
    const t = tempDb();
    expect((await t.run(['init'], at('2021-03-01'))).code).toBe(0);
    expect((await t.run(['import', 'members', writeFile(t.dir, 'r.csv', roster('a@alpha-test.gov,Ann,A,employee,2021-01-15', 'b@alpha-test.gov,Bo,B,employee,2021-01-15'))], at('2022-10-15'))).code).toBe(0);
    expect((await t.run(['import', 'events', writeFile(t.dir, 'e1.csv', 'id,title,type,held_on\nE1,Meet,community_meeting,2022-03-10\n')], at('2022-10-15'))).code).toBe(0);
    expect((await t.run(['import', 'attendance', writeFile(t.dir, 'a1.csv', 'event_id,email,attended,satisfaction\nE1,a@alpha-test.gov,yes,5\n')], at('2022-10-15'))).code).toBe(0);
    expect((await t.run(['report', 'close', '--fy', '2022'], at('2022-10-16'))).code).toBe(0);
    // The stored figures as an aicop before the by-quarter table, event series and their unique attendees closed them.
    const db = openDb(t.dbPath);
    try {
      db.prepare("UPDATE fy_closures SET figures = json_remove(figures, '$.annual.membership.by_quarter', '$.annual.events.by_series', '$.annual.events.rows[0].series') WHERE fy = 2022").run();
    } finally {
      db.close();
    }
    const same = await t.run(['report', 'diff', '--fy', '2022', '--format', 'csv'], at('2023-01-10'));
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toBe('figure,closed,current\n');

    // A late event of FY 2022 is a restatement: its figures are named, the never-stored kinds still are not.
    expect((await t.run(['import', 'events', writeFile(t.dir, 'e2.csv', 'id,title,type,held_on\nE2,Late,training,2022-05-01\n')], at('2023-01-11'))).code).toBe(0);
    expect((await t.run(['import', 'attendance', writeFile(t.dir, 'a2.csv', 'event_id,email,attended,satisfaction\nE2,b@alpha-test.gov,yes,4\n')], at('2023-01-11'))).code).toBe(0);
    const diff = await t.run(['report', 'diff', '--fy', '2022', '--format', 'json'], at('2023-01-12'));
    expect(diff.code, diff.stderr).toBe(0);
    const changes = (JSON.parse(diff.stdout) as { changes: { figure: string; closed: unknown; current: unknown }[] }).changes;
    expect(changes).toContainEqual({ figure: 'events.rows[E2].attendances', closed: null, current: 1 });
    expect(changes).toContainEqual({ figure: 'events.attendances', closed: 1, current: 2 });
    expect(changes.filter((c) => /^membership\.by_quarter|^events\.by_series|\.series$/.test(c.figure))).toEqual([]);
    expect(changes).toContainEqual({ figure: 'events.by_quarter[2].attendances', closed: 0, current: 1 });
  }, 60_000);

  it('boundaries: 30 Sep / 1 Oct, a rejoin in the same FY, a future join date under --sync, an attendee who joins after the event', async () => {
    const t = tempDb();
    expect((await t.run(['init'], at('2022-09-01'))).code).toBe(0);
    const f1 = writeFile(t.dir, 'r1.csv', roster('s30@alpha-test.gov,S,T,,2022-09-30', 'o1@alpha-test.gov,O,N,,2022-10-01', 'fut@alpha-test.gov,F,U,,2023-05-01'));
    expect((await t.run(['import', 'members', f1], at('2022-09-30'))).code).toBe(0);
    // On 2022-10-01, --sync without fut: fut's period had not begun, so it counted no day:
    // neither a join nor a departure in FY 2023.
    const f2 = writeFile(t.dir, 'r2.csv', roster('s30@alpha-test.gov,S,T,,', 'o1@alpha-test.gov,O,N,,'));
    expect((await t.run(['--yes', 'import', 'members', f2, '--sync', '--max-deactivate', '100'], at('2022-10-01'))).code).toBe(0);
    // s30 leaves on 2022-11-01 and comes back on 2023-01-10 (same FY 2023).
    expect((await t.run(['members', 'remove', 's30@alpha-test.gov'], at('2022-11-01'))).code).toBe(0);
    expect((await t.run(['members', 'add', '--email', 's30@alpha-test.gov'], at('2023-01-10'))).code).toBe(0);
    const fy2022 = await annual(t, 2022, '2023-10-01');
    expect(membership(fy2022.json)).toMatchObject({ at_start: 0, joined: 1, rejoined: 0, left: 0, at_end: 1 });
    const fy2023 = await annual(t, 2023, '2023-10-01');
    expect(membership(fy2023.json)).toMatchObject({ at_start: 1, joined: 2, rejoined: 1, left: 1, at_end: 2 });
    // A type change planned for later, then a departure before it: the later stretch goes.
    expect((await t.run(['members', 'update', 'o1@alpha-test.gov', '--type', 'contractor', '--effective', '2023-06-01'], at('2023-01-15'))).code).toBe(0);
    expect((await t.run(['members', 'remove', 'o1@alpha-test.gov'], at('2023-02-01'))).code).toBe(0);
    const db = openDb(t.dbPath);
    try {
      expect(db.prepare("SELECT start_on, end_on FROM member_spans s JOIN members m ON m.id = s.member_id WHERE m.email = 'fut@alpha-test.gov'").raw().all()).toEqual([
        ['2023-05-01', '2023-05-01'],
      ]);
      expect(
        db.prepare("SELECT s.start_on, s.end_on, s.starts, s.ends, s.member_type FROM member_spans s JOIN members m ON m.id = s.member_id WHERE m.email = 'o1@alpha-test.gov' ORDER BY start_on").raw().all(),
      ).toEqual([['2022-10-01', '2023-02-01', 'join', 'left', 'employee']]);
    } finally {
      db.close();
    }
  }, 30_000);

  it('AICOP_NOW sets the clock of a real process (as of a date)', async () => {
    const t = tempDb();
    const env = { AICOP_NOW: '2022-10-15' };
    expect((await spawnAicop(['--db', t.dbPath, 'init'], { env })).code).toBe(0);
    const r = await spawnAicop(['--db', t.dbPath, 'report', 'close', '--fy', 'previous'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^closed FY 2022 /);
  }, 30_000);
});
