/**
 * Fixes from the SPEC audit (S4): each test pins a behaviour that was wrong before its fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { tempDb, writeFile } from './helpers.js';

describe('"today" is the local date of the process time zone (TZ), not the UTC date', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.TZ;
    // Node re-reads TZ when it is assigned: Date's local getters follow it from here on.
    process.env.TZ = 'America/New_York';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  test('at 10 pm Eastern on 30 September, members add joins on 30 September and --fy current is that fiscal year', async () => {
    const t = tempDb();
    const now = '2026-10-01T02:00:00Z';
    expect((await t.run(['members', 'add', '--email', 'a@gsa.gov'], { now })).code).toBe(0);
    const list = await t.run(['members', 'list', '--format', 'json'], { now });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { joined_on: string }[]).map((m) => m.joined_on)).toEqual(['2026-09-30']);
    const rep = await t.run(['report', 'membership', '--fy', 'current', '--format', 'json'], { now });
    expect(rep.code).toBe(0);
    const json = JSON.parse(rep.stdout) as { fiscal_year: number; membership: { joined: number; at_end: number } };
    expect(json.fiscal_year).toBe(2026);
    expect(json.membership.joined).toBe(1);
    expect(json.membership.at_end).toBe(1);
  });
});

/** Two members with groups, a reported agency, title, track and join date. */
async function twoMembers(t: ReturnType<typeof tempDb>): Promise<void> {
  expect((await t.run(['init'])).code).toBe(0);
  const add1 = ['members', 'add', '--email', 'ada.lovelace@gsa.gov', '--first-name', 'Ada', '--last-name', 'Lovelace', '--agency', 'GSA TTS', '--title', 'Engineer'];
  expect((await t.run([...add1, '--track', 'Technical', '--joined-on', '2024-03-05', '--groups', 'Event Planning;Generative AI'])).code).toBe(0);
  const add2 = ['members', 'add', '--email', 'bob.smith@nasa.gov', '--first-name', 'Bob', '--last-name', 'Smith', '--agency', 'NASA HQ', '--title', 'Buyer, Senior'];
  expect((await t.run([...add2, '--track', 'Acquisition', '--joined-on', '2025-10-20', '--groups', 'Tools and Resources'])).code).toBe(0);
}

describe('without --format, an -o file extension picks the format of every command that offers it', () => {
  test('members list -o x.json writes JSON; export members -o x.json too; an extension not offered is a usage error unless --format is given', async () => {
    const t = tempDb();
    await twoMembers(t);
    const list = await t.run(['members', 'list', '-o', 'x.json']);
    expect(list.code).toBe(0);
    const fromList = JSON.parse(fs.readFileSync(path.join(t.dir, 'x.json'), 'utf8')) as { email: string }[];
    expect(fromList.map((m) => m.email)).toEqual(['ada.lovelace@gsa.gov', 'bob.smith@nasa.gov']);
    const json = await t.run(['members', 'list', '--format', 'json']);
    expect(fs.readFileSync(path.join(t.dir, 'x.json'), 'utf8')).toBe(json.stdout);

    const exp = await t.run(['export', 'members', '-o', 'e.json']);
    expect(exp.code).toBe(0);
    const expJson = await t.run(['export', 'members', '--format', 'json']);
    expect(fs.readFileSync(path.join(t.dir, 'e.json'), 'utf8')).toBe(expJson.stdout);
    expect((JSON.parse(expJson.stdout) as { email: string }[]).map((m) => m.email)).toEqual(['ada.lovelace@gsa.gov', 'bob.smith@nasa.gov']);

    // export members writes csv, json and xlsx: -o e.md is a usage error naming what it can write
    // (nothing is written); with --format the name is the user's choice.
    const md = await t.run(['export', 'members', '-o', 'e.md']);
    expect(md).toMatchObject({ code: 2, stdout: '' });
    expect(md.stderr).toBe('aicop: error: -o e.md: this command cannot write .md files (it writes .json, .csv, .xlsx)\n  choose one of those extensions, or pass --format csv to write csv under this name\n');
    expect(fs.existsSync(path.join(t.dir, 'e.md'))).toBe(false);
    expect((await t.run(['export', 'members', '--format', 'csv', '-o', 'e.md'])).code).toBe(0);
    const csv = await t.run(['export', 'members']);
    expect(fs.readFileSync(path.join(t.dir, 'e.md'), 'utf8')).toBe(csv.stdout);
    // --format still wins over the extension.
    expect((await t.run(['members', 'list', '--format', 'csv', '-o', 'y.json'])).code).toBe(0);
    expect(fs.readFileSync(path.join(t.dir, 'y.json'), 'utf8')).toBe((await t.run(['members', 'list'])).stdout);
  });
});

describe('aicop export members re-imports as it is (round trip)', () => {
  const withoutStamps = (csv: string): string =>
    csv
      .split('\n')
      .map((line) => line.replace(/,[^,]*,[^,]*$/, ''))
      .join('\n');

  test('import members of an export: reported_agency is the agency, derived columns are skipped, left_on and status are named', async () => {
    const a = tempDb();
    await twoMembers(a);
    expect((await a.run(['export', 'members', '-o', 'm.csv'])).code).toBe(0);
    const first = fs.readFileSync(path.join(a.dir, 'm.csv'), 'utf8');
    expect(first.split('\n')[0]).toBe(
      'email,first_name,last_name,member_type,job_title,role_track,reported_agency,domain,agency,organization,level,working_groups,practice_areas,joined_on,left_on,status,created_at,updated_at',
    );

    const b = tempDb();
    expect((await b.run(['init'])).code).toBe(0);
    const later = '2026-11-24T09:30:00Z';
    const imp = await b.run(['import', 'members', path.join(a.dir, 'm.csv')], { now: later });
    expect(imp.code).toBe(0);
    const file = path.join(a.dir, 'm.csv');
    expect(imp.stderr.split('\n').slice(0, 2)).toEqual([
      `warning: ${file}: ignoring unknown columns "left_on", "status" (map each with --map "left_on=<field>", or leave it out with --map "left_on=ignore")`,
      `${file}: 2 rows read: 2 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 0 rejected`,
    ]);
    const second = await b.run(['export', 'members'], { now: later });
    expect(second.code).toBe(0);
    expect(second.stdout).not.toBe(first);
    expect(withoutStamps(second.stdout)).toBe(withoutStamps(first));
  });

  test("the user's own --map still wins over the export layout", async () => {
    const a = tempDb();
    await twoMembers(a);
    expect((await a.run(['export', 'members', '-o', 'm.csv'])).code).toBe(0);
    const b = tempDb();
    expect((await b.run(['init'])).code).toBe(0);
    const imp = await b.run(['import', 'members', path.join(a.dir, 'm.csv'), '--map', 'reported_agency=ignore', '--map', 'agency=agency']);
    expect(imp.code).toBe(0);
    const list = await b.run(['members', 'list', '--format', 'json']);
    const members = JSON.parse(list.stdout) as { email: string; reported_agency: string | null }[];
    expect(members.map((m) => [m.email, m.reported_agency])).toEqual([
      ['ada.lovelace@gsa.gov', 'General Services Administration'],
      ['bob.smith@nasa.gov', 'National Aeronautics and Space Administration'],
    ]);
  });
});

describe('a --map or --mapping entry naming a header the file does not have is warned about, once', () => {
  test('import members: the --map typo and the --mapping file entry are named in one warning; the rest imports', async () => {
    const t = tempDb();
    expect((await t.run(['init'])).code).toBe(0);
    const file = writeFile(t.dir, 'roster.csv', 'Email,Full Name,Dept\nada@gsa.gov,Ada Lovelace,TTS\n');
    writeFile(t.dir, 'map.json', '{"Department": "agency", "Full Name": "name"}\n');
    const r = await t.run(['import', 'members', file, '--mapping', 'map.json', '--map', 'Job Titel=job_title', '--map', 'dept=agency']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      `warning: ${file}: --map/--mapping names columns the file does not have: "Department", "Job Titel" (columns found: "Email", "Full Name", "Dept")`,
    ]);
    const list = await t.run(['members', 'list', '--format', 'json']);
    const members = JSON.parse(list.stdout) as { email: string; first_name: string; reported_agency: string }[];
    expect(members.map((m) => [m.email, m.first_name, m.reported_agency])).toEqual([['ada@gsa.gov', 'Ada', 'TTS']]);
  });

  test('import events and import attendance warn the same way; a file whose maps all match has no warning', async () => {
    const t = tempDb();
    expect((await t.run(['init'])).code).toBe(0);
    const events = writeFile(t.dir, 'events.csv', 'Code,Title,Type,Date\n2023-01-CM,January Community Meeting,Community Meeting,1/18/2023\n');
    const ev = await t.run(['import', 'events', events, '--map', 'Code=id', '--map', 'Organizer Name=host']);
    expect(ev.code).toBe(0);
    expect(ev.stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      `warning: ${events}: --map/--mapping names a column the file does not have: "Organizer Name" (columns found: "Code", "Title", "Type", "Date")`,
    ]);
    const att = writeFile(t.dir, 'att.csv', 'event_id,email,attended\n2023-01-CM,ada@gsa.gov,yes\n');
    const at = await t.run(['import', 'attendance', att, '--map', 'Stars=satisfaction']);
    expect(at.code).toBe(0);
    expect(at.stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      `warning: ${att}: --map/--mapping names a column the file does not have: "Stars" (columns found: "event_id", "email", "attended")`,
    ]);
    const ok = writeFile(t.dir, 'att2.csv', 'event_id,email,attended,Stars\n2023-01-CM,bob@gsa.gov,yes,4\n');
    const clean = await t.run(['import', 'attendance', ok, '--map', 'stars=satisfaction']);
    expect(clean.code).toBe(0);
    expect(clean.stderr).not.toContain('warning:');
  });
});
