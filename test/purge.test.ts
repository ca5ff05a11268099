// SPEC §9 / data protection: a purge leaves no trace of the person in the database's files.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpTables, openDb, spawnAicop, tempDb, writeFile } from './helpers.js';

/** Which of the needles occur (any case) in the bytes of the database file and its -wal. */
function foundInFiles(dbPath: string, needles: readonly string[]): string[] {
  const files = [dbPath, `${dbPath}-wal`].filter((f) => fs.existsSync(f));
  const haystacks = files.map((f) => fs.readFileSync(f).toString('latin1').toLowerCase());
  return needles.filter((n) => haystacks.some((h) => h.includes(n.toLowerCase())));
}

const GONE = { email: 'zq7purge.me@nasa.gov', first: 'Xylophonia', last: 'Quuxworthy' };
const KEPT = { email: 'kept.person@nasa.gov', first: 'Keepington', last: 'Stayfield' };

/** A database where the person to purge is everywhere a person can be: see purgeMember. */
async function everywhere(): Promise<ReturnType<typeof tempDb>> {
  const t = tempDb();
  const roster = (title: string) =>
    `email,first name,last name,job title,working groups,joined\n${GONE.email},${GONE.first},${GONE.last},${title},Event Planning,2022-11-01\n${KEPT.email},${KEPT.first},${KEPT.last},Analyst,Event Planning,2022-11-01\n`;
  writeFile(t.dir, 'r1.csv', roster('Analyst'));
  expect((await t.run(['-q', 'import', 'members', 'r1.csv'])).code).toBe(0);
  // An update: the undo before-image (JSON) holds the names; a duplicate row is a stored reject.
  writeFile(t.dir, 'r2.csv', `${roster('Chief Analyst')}${GONE.email},${GONE.first},${GONE.last},Twice,,\n`);
  expect((await t.run(['-q', 'import', 'members', 'r2.csv'])).code).toBe(3);
  writeFile(t.dir, 'events.csv', 'id,title,type,held_on\n2023-01-CM,January meeting,community_meeting,2023-01-12\n');
  expect((await t.run(['-q', 'import', 'events', 'events.csv'])).code).toBe(0);
  const attendance = (comment: string) =>
    `event_id,email,attended,satisfaction,comment\n2023-01-CM,${GONE.email},yes,5,${comment}\n2023-01-CM,${KEPT.email},yes,4,fine\n`;
  writeFile(t.dir, 'a1.csv', attendance(`${GONE.first} liked it`));
  expect((await t.run(['-q', 'import', 'attendance', 'a1.csv'])).code).toBe(0);
  writeFile(t.dir, 'a2.csv', attendance(`${GONE.last} loved it`)); // an update: before-image with the comment
  expect((await t.run(['-q', 'import', 'attendance', 'a2.csv'])).code).toBe(0);
  expect((await t.run(['-q', 'domains', 'allow', GONE.email, '--reason', `${GONE.first} ${GONE.last}, detailee`])).code).toBe(0);
  expect((await t.run(['-q', 'domains', 'allow', KEPT.email, '--reason', `${KEPT.first} ${KEPT.last}, detailee`])).code).toBe(0);
  return t;
}

describe('purge leaves no trace', () => {
  it('members remove --purge, then db vacuum: neither the file nor its WAL holds the email or the names; the event figures stand', async () => {
    const t = await everywhere();
    // A new address: the old one stays as a former address (member_aliases) and in attendance.
    const renamed = 'zq7renamed@nasa.gov';
    expect((await t.run(['-q', 'members', 'rename', GONE.email, renamed])).code).toBe(0);
    const needles = [GONE.email, renamed, GONE.first, GONE.last];
    expect(foundInFiles(t.dbPath, needles)).toEqual(needles); // the scan sees them before
    const eventsBefore = (await t.run(['report', 'events', '--fy', '2023', '--format', 'json'])).stdout;
    const purge = await t.run(['--yes', 'members', 'remove', renamed, '--purge']);
    expect(purge.code).toBe(0);
    expect(purge.stderr).toContain('aicop db vacuum');
    const vacuum = await t.run(['db', 'vacuum']);
    expect(vacuum.code).toBe(0);
    expect(foundInFiles(t.dbPath, needles)).toEqual([]);
    // The other member is untouched, and found by the same scan (it can see what is there).
    expect(foundInFiles(t.dbPath, [KEPT.email, KEPT.first, KEPT.last])).toEqual([KEPT.email, KEPT.first, KEPT.last]);
    // Attendances, satisfaction and unique attendees stand; the erased person is no member now,
    // in the year's figure and in those of the event's type, series, track and quarter.
    expect(eventsBefore.split('"unique_member_attendees": 2').length - 1).toBe(5);
    expect((await t.run(['report', 'events', '--fy', '2023', '--format', 'json'])).stdout).toBe(eventsBefore.split('"unique_member_attendees": 2').join('"unique_member_attendees": 1'));
    expect((await t.run(['db', 'check'])).code).toBe(0);
    const db = openDb(t.dbPath);
    expect(db.prepare("SELECT count(*) FROM attendance WHERE email LIKE 'purged-%@purged.invalid' AND comment IS NULL AND member_id IS NULL").pluck().get()).toBe(1);
    db.close();
  });

  it('db purge --left-before: --dry-run lists and changes nothing; the run erases exactly those who left before, through bin/aicop.js', async () => {
    const t = await everywhere();
    expect((await t.run(['-q', 'members', 'remove', GONE.email])).code).toBe(0); // leaves on 2026-11-23
    const env = { AICOP_DB: t.dbPath, CI: '1' };
    const before = dumpTables(t.dbPath);
    const dry = await spawnAicop(['db', 'purge', '--left-before', '2026-11-24', '--dry-run'], { cwd: t.dir, env });
    expect([dry.code, dry.stdout]).toEqual([0, `${GONE.email}\t2026-11-23\n`]);
    expect(dumpTables(t.dbPath)).toBe(before);
    const none = await spawnAicop(['db', 'purge', '--left-before', '2026-11-23'], { cwd: t.dir, env });
    expect([none.code, none.stdout]).toEqual([0, '']);
    const noYes = await spawnAicop(['db', 'purge', '--left-before', '2026-11-24'], { cwd: t.dir, env });
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('pass --yes');
    expect(dumpTables(t.dbPath)).toBe(before);
    const run = await spawnAicop(['--yes', 'db', 'purge', '--left-before', '2026-11-24'], { cwd: t.dir, env });
    expect([run.code, run.stdout]).toEqual([0, `${GONE.email}\t2026-11-23\n`]);
    expect(foundInFiles(t.dbPath, [GONE.email, GONE.first, GONE.last])).toEqual([]);
    expect(foundInFiles(t.dbPath, [KEPT.email])).toEqual([KEPT.email]);
    expect(fs.readdirSync(t.dir).filter((f) => f.startsWith(path.basename(t.dbPath)))).toEqual(['aicop.db']);
    expect((await spawnAicop(['db', 'purge', '--left-before', 'last year'], { cwd: t.dir, env })).code).toBe(2);
  }, 60_000);
});
