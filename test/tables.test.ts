// Tables fit the terminal (issue #18): cells cut with …, --wide for every column in full, the
// same column names in every format, and a terminal table of members that never holds the whole
// roster in memory. The width comes from $COLUMNS here; terminal.test.ts checks it in a real
// terminal through bin/aicop.js.
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { fitWidths, truncate } from '../src/cli/output.js';
import { progressLayout } from '../src/cli/progress.js';
import { tempDb, writeFile } from './helpers.js';
import { seededDb } from './members-fixtures.js';

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

describe('fitting a table to a width', () => {
  it('cuts the widest columns first, down to their header, the first column last', () => {
    expect(fitWidths([10, 5, 30], [5, 5, 5], 100)).toEqual([10, 5, 30]);
    // 4 columns of gaps leave 36: the wide third column gives way, the first keeps its width.
    expect(fitWidths([10, 5, 30], [5, 5, 5], 40)).toEqual([10, 5, 21]);
    // Narrower than the headers: headers are cut too, never below 2.
    expect(fitWidths([10, 10, 10], [10, 10, 10], 20)).toEqual([5, 5, 5]);
    for (const total of [10, 20, 33, 50, 80, 120]) {
      const w = fitWidths([26, 10, 10, 17, 30, 8], [5, 10, 9, 6, 14, 6], total);
      const used = w.reduce((a, b) => a + b, 0) + 2 * (w.length - 1);
      if (total >= 6 * 2 + 10) expect(used, `width ${total}: ${w.join(',')}`).toBeLessThanOrEqual(total);
    }
  });

  it('truncate cuts by terminal columns, wide characters counting two, and marks the cut with …', () => {
    expect(truncate('National Aeronautics', 10)).toBe('National …');
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('日本語のタイトル', 7)).toBe('日本語…');
    expect(stringWidth(truncate('日本語のタイトル', 7))).toBeLessThanOrEqual(7);
    expect(truncate('abc', 1)).toBe('…');
  });

  it('the import progress line fits the width it is given, whatever the row count', () => {
    for (const width of [30, 40, 60, 80, 100, 200]) {
      for (const total of [50_001, 1_000_000, 25_000_000]) {
        const l = progressLayout(total, width);
        const worst = l.format
          .replace('{bar}', '#'.repeat(l.barsize))
          .replace('{percentage}', '100')
          .replace('{value}', String(total * 2))
          .replace('{total}', String(total))
          .replace('{rate}', '9999999');
        expect(worst.length, `${width}: ${worst}`).toBeLessThan(width);
      }
    }
    expect(progressLayout(1_000_000, 80).format).toContain('rows/s');
    expect(progressLayout(1_000_000, 200).barsize).toBe(40);
  });
});

describe('members list and events list on a terminal', () => {
  it('fit $COLUMNS, cutting cells with …; --wide shows every CSV column in full', async () => {
    const t = await seededDb();
    const argv = ['--no-color', 'members', 'list', '--status', 'all', '--agency', 'alpha-test.gov'];
    const narrow = await t.run(argv, { tty: true, env: { COLUMNS: '60' } });
    expect(narrow.stdout).toBe(
      [
        'email  first_name  last_name  agency  working_groups  status',
        'ada@…  Ada         Lovelace   Alpha…  Event Planning  active',
        'bob.…  Bob         Stone      Alpha…                  inact…',
        'dee@…  Dee         100%_Smi…  Alpha…                  active',
        '',
      ].join('\n'),
    );
    for (const l of lines(narrow.stdout)) expect(stringWidth(l)).toBeLessThanOrEqual(60);
    const wide = await t.run(['--wide', ...argv], { tty: true, env: { COLUMNS: '60' } });
    const csv = await t.run(argv.slice(1));
    expect(lines(wide.stdout)[0]!.split(/\s+/)).toEqual(lines(csv.stdout)[0]!.split(','));
    expect(lines(wide.stdout)[1]).toContain('ada@alpha-test.gov          Ada         Lovelace    employee     Data Scientist  Technical   Alpha            alpha-test.gov      Alpha Test Agency  Department of Testing');
  });

  it('name their columns as the CSV and JSON do: the table is a subset, --wide all of them', async () => {
    const t = await seededDb();
    writeFile(t.dir, 'events.csv', 'id,title,type,held_on,host\n2024-01-CM,January meeting,community_meeting,2024-01-10,GSA\n');
    expect((await t.run(['-q', 'import', 'events', 'events.csv'])).code).toBe(0);
    for (const list of [['members', 'list'], ['events', 'list']]) {
      const csv = lines((await t.run(list)).stdout)[0]!.split(',');
      const json = Object.keys((JSON.parse((await t.run(['--format', 'json', ...list])).stdout) as Record<string, unknown>[])[0]!);
      expect(json).toEqual(csv);
      const table = lines((await t.run(['--format', 'table', ...list])).stdout)[0]!.split('\t');
      expect(table.length).toBeLessThan(csv.length);
      expect(csv.filter((c) => table.includes(c))).toEqual(table);
      const wide = lines((await t.run(['--format', 'table', '--wide', ...list])).stdout)[0]!.split('\t');
      expect(wide).toEqual(csv);
    }
  });

  it('--wide is refused where no list table is printed', async () => {
    const t = tempDb();
    const r = await t.run(['--wide', 'report', 'annual', '--fy', '2024']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('aicop: error: --wide is not offered by aicop report annual: it prints no list table\n  the commands that offer --wide list it in their --help\n');
  });
});

describe('members list does not hold a large roster in memory on a terminal', () => {
  async function roster(n: number): Promise<ReturnType<typeof tempDb>> {
    const t = tempDb();
    const rows = Array.from({ length: n }, (_, i) => `m${String(i).padStart(4, '0')}@nasa.gov,Member,Number${i}`);
    writeFile(t.dir, 'r.csv', `email,first name,last name\n${rows.join('\n')}\n`);
    expect((await t.run(['-q', 'import', 'members', 'r.csv'])).code).toBe(0);
    return t;
  }

  it('shows the first 100 and says how many match and how to see them; --limit changes the number', async () => {
    const t = await roster(150);
    const r = await t.run(['--no-color', 'members', 'list'], { tty: true, env: { COLUMNS: '100' } });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toHaveLength(101);
    expect(lines(r.stdout)[100]).toMatch(/^m0099@nasa\.gov /);
    expect(r.stderr).toBe('showing 100 of 150 members; --limit <n> shows more, --format csv or -o members.csv writes them all\n');
    // The note is about rows left out: --quiet does not hide it.
    expect((await t.run(['-q', 'members', 'list'], { tty: true })).stderr).toBe('showing 100 of 150 members; --limit <n> shows more, --format csv or -o members.csv writes them all\n');
    const more = await t.run(['members', 'list', '--limit', '120'], { tty: true });
    expect([lines(more.stdout).length, more.stderr]).toEqual([121, 'showing 120 of 150 members; --limit <n> shows more, --format csv or -o members.csv writes them all\n']);
    const all = await t.run(['members', 'list', '--limit', '150'], { tty: true });
    expect([lines(all.stdout).length, all.stderr]).toEqual([151, '150 members\n']);
  });

  it('piped, every row streams (csv, json and the tab-separated table); --limit caps any format', async () => {
    const t = await roster(150);
    expect(lines((await t.run(['members', 'list'])).stdout)).toHaveLength(151);
    const table = await t.run(['--format', 'table', 'members', 'list']);
    expect([lines(table.stdout).length, table.stderr]).toEqual([151, '150 members\n']);
    expect(lines((await t.run(['members', 'list', '--limit', '2'])).stdout)).toEqual([
      'email,first_name,last_name,member_type,job_title,role_track,reported_agency,domain,agency,organization,level,working_groups,practice_areas,joined_on,left_on,status,created_at,updated_at',
      expect.stringMatching(/^m0000@nasa\.gov,Member,Number0,/) as unknown as string,
      expect.stringMatching(/^m0001@nasa\.gov,Member,Number1,/) as unknown as string,
    ]);
    expect((JSON.parse((await t.run(['--format', 'json', 'members', 'list', '--limit', '3'])).stdout) as unknown[]).length).toBe(3);
    const bad = await t.run(['members', 'list', '--limit', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--limit <n>' argument '0' is invalid. expected a whole number of members, 1 or more, e.g. --limit 500");
  });
});
