// One rule for a declined confirmation (issue #18): every command that asks "are you sure?"
// treats "no" the same way — exit 2 (as without --yes off a terminal: the confirmation was not
// given), "aicop: cancelled; nothing was changed" on stderr without "error:", even with --quiet,
// and the database exactly as it was. The real prompt through bin/aicop.js is in terminal.test.ts.
import { describe, expect, it } from 'vitest';
import { dumpTables, tempDb, writeFile } from './helpers.js';

const CANCELLED = 'aicop: cancelled; nothing was changed\n';

/** Ten members (one of them left), a batch to undo, a group of their own with a member. */
async function fixture(): Promise<ReturnType<typeof tempDb>> {
  const t = tempDb();
  const rows = Array.from({ length: 10 }, (_, i) => `m${i}@nasa.gov,Member,Number${i}`);
  writeFile(t.dir, 'roster.csv', `email,first name,last name\n${rows.join('\n')}\n`);
  expect((await t.run(['-q', 'import', 'members', 'roster.csv'], { now: '2026-01-10T12:00:00Z' })).code).toBe(0);
  writeFile(t.dir, 'two.csv', 'email,first name,last name\nm0@nasa.gov,Member,Number0\nm1@nasa.gov,Member,Number1\n');
  expect((await t.run(['-q', 'members', 'remove', 'm9@nasa.gov'], { now: '2026-02-01T12:00:00Z' })).code).toBe(0);
  expect((await t.run(['-q', 'groups', 'add', 'Data Governance', '--kind', 'working_group'])).code).toBe(0);
  expect((await t.run(['-q', 'groups', 'assign', '--member', 'm1@nasa.gov', '--group', 'Data Governance'])).code).toBe(0);
  writeFile(t.dir, 'late.csv', 'email,first name,last name\nlate@nasa.gov,Late,Comer\n');
  expect((await t.run(['-q', 'import', 'members', 'late.csv'])).code).toBe(0);
  return t;
}

const DECLINED: readonly (readonly [string, readonly string[], string])[] = [
  ['imports undo', ['imports', 'undo', 'LATE'], 'late.csv: 1 added, 0 updated, 0 reactivated, 0 deactivated)?'],
  ['members remove --purge', ['members', 'remove', 'm2@nasa.gov', '--purge'], 'delete m2@nasa.gov and their group history for good?'],
  ['members merge', ['members', 'merge', 'm3@nasa.gov', 'm4@nasa.gov'], 'merge m4@nasa.gov into m3@nasa.gov'],
  ['db purge', ['db', 'purge', '--left-before', '2026-06-01'], 'purging erases 1 former member who left before 2026-06-01, for good. Continue?'],
  ['groups remove', ['groups', 'remove', 'Data Governance'], "'Data Governance' has 1 active member; removing it ends their assignments. Remove it?"],
  ['groups assign --auto', ['groups', 'assign', '--auto'], 'Apply this plan:'],
  ['import members --sync over --max-deactivate', ['import', 'members', 'two.csv', '--sync', '--max-deactivate', '20'], '--sync would deactivate 8 of 10 active members (80.0%, over --max-deactivate 20). Continue?'],
];

describe('a declined confirmation: exit 2, "aicop: cancelled; nothing was changed", nothing changed', () => {
  it.each(DECLINED)('%s', async (_name, argv, question) => {
    const t = await fixture();
    const late = (await t.run(['imports', 'list', '--format', 'json'])).stdout;
    const batch = String((JSON.parse(late) as { id: number; file_name: string }[]).find((b) => b.file_name.endsWith('late.csv'))!.id);
    argv = argv.map((a) => (a === 'LATE' ? batch : a));
    const before = dumpTables(t.dbPath);
    for (const quiet of [true, false]) {
      const r = await t.run([...(quiet ? ['-q'] : []), ...argv], { tty: true, answers: [false] });
      expect(r.asked).toHaveLength(1);
      expect(r.asked[0]!.kind).toBe('confirm');
      expect(r.asked[0]!.message).toContain(question);
      expect(r.code).toBe(2);
      // With --quiet the cancellation is all there is on stderr; without, it is the last line.
      if (quiet) expect(r.stderr).toBe(CANCELLED);
      else expect(r.stderr.endsWith(CANCELLED)).toBe(true);
      expect(r.stderr).not.toContain('error');
      expect(dumpTables(t.dbPath)).toBe(before);
    }
    // "yes" goes ahead: the same command is a real change, so the decline above was one.
    const yes = await t.run(['-q', ...argv], { tty: true, answers: [true] });
    expect([yes.code, yes.stderr]).toEqual([0, '']);
    expect(dumpTables(t.dbPath)).not.toBe(before);
  });
});
