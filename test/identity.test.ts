import { describe, expect, it } from 'vitest';
import { canonicalLocalPart, duplicatePairs, uniteIntervals } from '../src/core/identity.js';
import { uniteSpans } from '../src/db/identity-repo.js';
import type { SpanRow } from '../src/db/periods-repo.js';
import { DERIVED_TABLES, dumpTables, openDb, spawnAicop, tempDb, writeFile } from './helpers.js';

// SPEC §11: member identity. A story replayed with the clock per step: two records of Jose
// (mail.nih.gov and nih.gov), Ann who moves from NASA to NOAA; FY 2022 closed. A rename changes
// no closed year; a merge changes only the duplicate person counted once, which report diff
// names; undoing the merge restores every table exactly.

const HEADER = 'email,first_name,last_name,joined_on,working_groups';
const roster = (...rows: string[]) => [HEADER, ...rows, ''].join('\n');
const at = (date: string) => ({ now: `${date}T12:00:00Z` });
type T = ReturnType<typeof tempDb>;

const JOSE = 'jose.garcia@mail.nih.gov';
const JOSE2 = 'jose.garcia@nih.gov';
const ANN = 'ann.lee@nasa.gov';
const ANN2 = 'ann.lee@noaa.gov';

async function annual(t: T, fy: number, date: string, extra: string[] = []): Promise<Record<string, unknown>> {
  const r = await t.run(['report', 'annual', '--fy', String(fy), '--format', 'json', '--recompute', ...extra], at(date));
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

async function story(): Promise<T> {
  const t = tempDb();
  const f1 = writeFile(
    t.dir,
    'r1.csv',
    roster(`${JOSE},Jose,Garcia,2021-01-15,Event Planning`, `${ANN},Ann,Lee,2021-01-15,`, 'bo.chan@nasa.gov,Bo,Chan,2021-01-15,'),
  );
  expect((await t.run(['import', 'members', f1], at('2021-03-01'))).code).toBe(0);
  // Jose joins a second time under the new mail system (FY 2022), in Event Planning again.
  const f2 = writeFile(t.dir, 'r2.csv', roster(`${JOSE2},Jose,Garcia,2022-02-01,Event Planning;Generative AI`));
  const r2 = await t.run(['import', 'members', f2], at('2022-02-01'));
  expect(r2.code, r2.stderr).toBe(0);
  const ev = writeFile(t.dir, 'events.csv', 'id,title,type,held_on\n2021-05-CM,May meeting,community_meeting,2021-05-10\n2022-03-CM,March meeting,community_meeting,2022-03-10\n');
  expect((await t.run(['import', 'events', ev], at('2022-03-11'))).code).toBe(0);
  const att = writeFile(
    t.dir,
    'att.csv',
    `event_id,email,attended,satisfaction\n2021-05-CM,${JOSE},yes,4\n2022-03-CM,${JOSE},yes,5\n2022-03-CM,${JOSE2},yes,4\n2022-03-CM,${ANN},yes,3\n`,
  );
  expect((await t.run(['import', 'attendance', att], at('2022-03-11'))).code).toBe(0);
  expect((await t.run(['report', 'close', '--fy', '2022'], at('2022-10-15'))).code).toBe(0);
  return t;
}

function membership(j: Record<string, unknown>): Record<string, unknown> {
  return j.membership as Record<string, unknown>;
}

/** Every table but the ones that record history (batches, their changes, restatements). */
function state(t: T): string {
  const db = openDb(t.dbPath);
  const names = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]).filter(
    (n) => !['import_batches', 'batch_changes', 'fy_restatements', ...DERIVED_TABLES].includes(n),
  );
  db.close();
  return dumpTables(t.dbPath, names);
}

describe('members rename (SPEC §11)', () => {
  it('moves a member to a new address: history, groups and attendance kept, agency from today, the old address an alias', async () => {
    const t = await story();
    const before2022 = await annual(t, 2022, '2024-02-01');
    const r = await t.run(['members', 'rename', ANN, ANN2], at('2024-02-01'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${ANN2}\n`);
    expect(r.stderr).toContain(`renamed ${ANN} → ${ANN2}; the agency changes from 2024-02-01; ${ANN} is kept as a former address`);
    expect(r.stderr).not.toContain('closed fiscal');
    // The closed year is unchanged; FY 2024 shows the move between agencies.
    expect(await annual(t, 2022, '2024-02-02')).toEqual(before2022);
    const fy2024 = await annual(t, 2024, '2024-10-02');
    expect(membership(fy2024)).toMatchObject({ at_start: 4, joined: 0, left: 0, at_end: 4 });

    const shown = await t.run(['members', 'show', ANN2], at('2024-02-02'));
    expect(shown.stdout).toContain(`former addresses:\n  ${ANN}  (renamed 2024-02-01)`);
    expect(shown.stdout).toMatch(/period 1\s+2021-01-15 – \(open\)\s+employee, National Oceanic and Atmospheric Administration, 1 change of agency or type/);
    // The old address still finds her.
    const byOld = await t.run(['members', 'show', ANN, '--format', 'json'], at('2024-02-02'));
    expect(byOld.code).toBe(0);
    expect(byOld.stderr).toContain(`${ANN} is a former address of ${ANN2}`);
    expect((JSON.parse(byOld.stdout) as { email: string; former_addresses: unknown[] }).former_addresses).toEqual([{ email: ANN, reason: 'rename', since: '2024-02-01T12:00:00.000Z' }]);

    const db = openDb(t.dbPath);
    try {
      expect(db.prepare('SELECT count(*) FROM members').pluck().get()).toBe(4);
      const id = db.prepare('SELECT id FROM members WHERE email = ?').pluck().get(ANN2) as number;
      expect(db.prepare('SELECT event_id, email, member_id FROM attendance WHERE email = ?').raw().all(ANN)).toEqual([['2022-03-CM', ANN, id]]);
      expect(db.prepare('SELECT start_on, end_on, starts, ends FROM member_spans WHERE member_id = ? ORDER BY start_on').raw().all(id)).toEqual([
        ['2021-01-15', '2024-02-01', 'join', 'change'],
        ['2024-02-01', null, 'change', null],
      ]);
    } finally {
      db.close();
    }

    // A later roster with the old address updates her, and an attendance file with it counts for her.
    const f = writeFile(t.dir, 'r3.csv', roster(`${ANN},Ann,Lee-Park,,`));
    const imp = await t.run(['import', 'members', f], at('2024-03-01'));
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stderr).toContain('0 added, 1 updated');
    const ev = writeFile(t.dir, 'ev2.csv', 'id,title,type,held_on\n2024-04-CM,April,community_meeting,2024-04-10\n');
    expect((await t.run(['import', 'events', ev], at('2024-04-11'))).code).toBe(0);
    const att = writeFile(t.dir, 'att2.csv', `event_id,email,attended\n2024-04-CM,${ANN},yes\n`);
    expect((await t.run(['import', 'attendance', att], at('2024-04-11'))).code).toBe(0);
    const db2 = openDb(t.dbPath);
    try {
      expect(db2.prepare('SELECT last_name FROM members WHERE email = ?').pluck().get(ANN2)).toBe('Lee-Park');
      expect(db2.prepare("SELECT m.email FROM attendance a JOIN members m ON m.id = a.member_id WHERE a.event_id = '2024-04-CM'").pluck().all()).toEqual([ANN2]);
    } finally {
      db2.close();
    }
    expect((await annual(t, 2024, '2024-10-02')).events).toMatchObject({ unique_member_attendees: 1 });
    // Renaming back onto her own former address swaps the two.
    const back = await t.run(['members', 'rename', ANN2, ANN], at('2024-11-01'));
    expect(back.code, back.stderr).toBe(0);
    const db3 = openDb(t.dbPath);
    try {
      expect(db3.prepare('SELECT email, reason FROM member_aliases').raw().all()).toEqual([[ANN2, 'rename']]);
      expect(db3.prepare('SELECT count(*) FROM members WHERE email = ?').pluck().get(ANN)).toBe(1);
    } finally {
      db3.close();
    }
  }, 60_000);

  it('refuses bad input with exit 2 and changes nothing', async () => {
    const t = await story();
    const before = dumpTables(t.dbPath);
    const onto = await t.run(['members', 'rename', JOSE2, JOSE], at('2024-02-01'));
    expect(onto.code).toBe(2);
    expect(onto.stderr).toContain(`${JOSE} is already a member; a rename cannot take another member's address`);
    expect(onto.stderr).toContain(`aicop members merge ${JOSE} ${JOSE2}`);
    const unknown = await t.run(['members', 'rename', 'ann.le@nasa.gov', ANN2], at('2024-02-01'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`no member with email 'ann.le@nasa.gov' (did you mean '${ANN}'?)`);
    const ineligible = await t.run(['members', 'rename', ANN, 'ann@gmail.com'], at('2024-02-01'));
    expect(ineligible.code).toBe(2);
    expect(ineligible.stderr).toContain('new address: domain gmail.com is not eligible');
    const same = await t.run(['members', 'rename', ANN, ANN.toUpperCase()], at('2024-02-01'));
    expect(same.code).toBe(2);
    const badDate = await t.run(['members', 'rename', ANN, ANN2, '--effective', '2024-13-01'], at('2024-02-01'));
    expect(badDate.code).toBe(2);
    expect(dumpTables(t.dbPath)).toBe(before);
  }, 60_000);
});

describe('members merge (SPEC §11)', () => {
  it('unites two records of one person; closed FY 2022 changes only by the duplicate counted once, named by report diff; undo restores every table', async () => {
    const t = await story();
    const fy2022 = await annual(t, 2022, '2024-03-01');
    expect(membership(fy2022)).toMatchObject({ at_start: 3, joined: 1, left: 0, at_end: 4 });
    expect(fy2022.events).toMatchObject({ attendances: 3, unique_member_attendees: 3 });
    const fy2021 = await annual(t, 2021, '2024-03-01');
    const dup = await t.run(['members', 'duplicates', '--format', 'json'], at('2024-03-01'));
    expect(dup.code, dup.stderr).toBe(0);
    expect(JSON.parse(dup.stdout)).toEqual([
      {
        confidence: 0.9,
        reason: 'same_local_part',
        keep: JOSE,
        drop: JOSE2,
        keep_name: 'Jose Garcia',
        drop_name: 'Jose Garcia',
        keep_agency: 'National Institutes of Health',
        drop_agency: 'National Institutes of Health',
        detail: 'same local part "jose.garcia" under one registered domain',
        merge: `aicop members merge ${JOSE} ${JOSE2}`,
      },
    ]);
    const before = state(t);

    // Not on a terminal, a merge needs --yes.
    const noYes = await t.run(['members', 'merge', JOSE, JOSE2], at('2024-03-01'));
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('pass --yes');
    // On a terminal it asks; "no" changes nothing and exits 2, as every declined confirmation.
    const no = await t.run(['members', 'merge', JOSE, JOSE2], { ...at('2024-03-01'), tty: true, answers: [false] });
    expect(no.code).toBe(2);
    expect(no.stderr).toBe('aicop: cancelled; nothing was changed\n');
    expect(no.asked).toHaveLength(1);
    expect(state(t)).toBe(before);

    const m = await t.run(['--yes', 'members', 'merge', JOSE, JOSE2], at('2024-03-01'));
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toBe(`${JOSE}\n`);
    expect(m.stderr).toContain(`merged ${JOSE2} into ${JOSE}: 1 period, 1 attendance rows and 2 groups moved`);
    expect(m.stderr).toMatch(/warning: this changes the figures of closed fiscal year FY 2022/);
    const batch = Number(/batch (\d+) \(to revert it: aicop imports undo \d+\)/.exec(m.stderr)?.[1]);
    expect(batch).toBeGreaterThan(0);

    const db = openDb(t.dbPath);
    try {
      expect(db.prepare('SELECT count(*) FROM members').pluck().get()).toBe(3);
      const id = db.prepare('SELECT id FROM members WHERE email = ?').pluck().get(JOSE) as number;
      expect(db.prepare('SELECT period, start_on, end_on, starts, ends FROM member_spans WHERE member_id = ?').raw().all(id)).toEqual([[1, '2021-01-15', null, 'join', null]]);
      expect(db.prepare('SELECT g.name, a.assigned_on, a.removed_on FROM assignments a JOIN groups g ON g.id = a.group_id WHERE member_id = ? ORDER BY g.name').raw().all(id)).toEqual([
        ['Event Planning', '2021-01-15', null],
        ['Generative AI', '2022-02-01', null],
      ]);
      expect(db.prepare('SELECT event_id, email FROM attendance WHERE member_id = ? ORDER BY event_id, email').raw().all(id)).toEqual([
        ['2021-05-CM', JOSE],
        ['2022-03-CM', JOSE],
        ['2022-03-CM', JOSE2],
      ]);
      expect(db.prepare('SELECT email, reason FROM member_aliases WHERE member_id = ?').raw().all(id)).toEqual([[JOSE2, 'merge']]);
      expect(db.prepare('SELECT kind, file_name, updated FROM import_batches WHERE id = ?').raw().get(batch)).toEqual(['members', `members merge ${JOSE} ${JOSE2}`, 1]);
    } finally {
      db.close();
    }

    // FY 2022: the duplicate person is counted once (one join fewer, one member fewer at the
    // end, one member attendee fewer); FY 2021 does not move at all.
    const after = await annual(t, 2022, '2024-03-02');
    expect(membership(after)).toMatchObject({ at_start: 3, joined: 0, left: 0, at_end: 3 });
    expect(after.events).toMatchObject({ attendances: 3, unique_member_attendees: 2 });
    expect(await annual(t, 2021, '2024-03-02')).toEqual(fy2021);
    const diff = await t.run(['report', 'diff', '--fy', '2022', '--format', 'json'], at('2024-03-02'));
    expect(diff.code, diff.stderr).toBe(0);
    const d = JSON.parse(diff.stdout) as { changes: { figure: string; closed: unknown; current: unknown }[]; causes: { batch_id: number | null; action: string }[] };
    expect(d.changes).toContainEqual({ figure: 'membership.at_end', closed: 4, current: 3 });
    expect(d.changes).toContainEqual({ figure: 'membership.joined', closed: 1, current: 0 });
    expect(d.causes).toContainEqual(expect.objectContaining({ batch_id: batch, action: `members merge ${JOSE} ${JOSE2}` }));
    expect((await t.run(['members', 'duplicates', '--format', 'json'], at('2024-03-02'))).stdout).toBe('[]\n');

    // Later rosters and attendance files with the dropped address find the kept member.
    const f = writeFile(t.dir, 'r4.csv', roster(`${JOSE2},Jose,Garcia,,`));
    const imp = await t.run(['import', 'members', f], at('2024-03-03'));
    expect(imp.stderr).toContain('0 added, 0 updated, 1 unchanged');

    // Undo restores every table exactly.
    const undo = await t.run(['--yes', 'imports', 'undo', String(batch)], at('2024-03-04'));
    expect(undo.code, undo.stderr).toBe(0);
    expect(state(t)).toBe(before);
    expect(await annual(t, 2022, '2024-03-04')).toEqual(fy2022);
  }, 60_000);

  it('refuses a merge with itself, unknown addresses, and an undo after the kept member changed', async () => {
    const t = await story();
    const before = dumpTables(t.dbPath);
    const self = await t.run(['--yes', 'members', 'merge', JOSE, JOSE.toUpperCase()], at('2024-03-01'));
    expect(self.code).toBe(2);
    expect(self.stderr).toContain(`cannot merge ${JOSE} with itself`);
    const unknown = await t.run(['--yes', 'members', 'merge', JOSE, 'jose.garcai@nih.gov'], at('2024-03-01'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`(did you mean '${JOSE2}'?)`);
    expect(dumpTables(t.dbPath)).toBe(before);

    const m = await t.run(['--yes', 'members', 'merge', JOSE, JOSE2], at('2024-03-01'));
    expect(m.code, m.stderr).toBe(0);
    const batch = Number(/batch (\d+) \(/.exec(m.stderr)?.[1]);
    const add = await t.run(['members', 'add', '--email', JOSE2], at('2024-03-01'));
    expect(add.code).toBe(2);
    expect(add.stderr).toContain(`${JOSE2} is a former address of ${JOSE}; adding it would make a second record of one person`);
    expect(add.stderr).toContain(`aicop members rename ${JOSE} ${JOSE2}`);
    const again = await t.run(['--yes', 'members', 'merge', JOSE, JOSE2], at('2024-03-01'));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${JOSE2} is already a former address of ${JOSE}; nothing to merge`);
    // A group change by hand after the merge: the undo refuses rather than lose it.
    expect((await t.run(['groups', 'unassign', '--member', JOSE, '--group', 'Generative AI'], at('2024-03-02'))).code).toBe(0);
    const mid = dumpTables(t.dbPath);
    const undo = await t.run(['--yes', 'imports', 'undo', String(batch)], at('2024-03-03'));
    expect(undo.code).toBe(4);
    expect(undo.stderr).toContain(`cannot undo batch ${batch}: ${JOSE}`);
    expect(dumpTables(t.dbPath)).toBe(mid);
  }, 60_000);

  it('members remove --purge deletes the member\'s former addresses too', async () => {
    const t = await story();
    expect((await t.run(['--yes', 'members', 'merge', JOSE, JOSE2], at('2024-03-01'))).code).toBe(0);
    expect((await t.run(['members', 'rename', JOSE, 'jose.garcia@nlm.nih.gov'], at('2024-03-02'))).code).toBe(0);
    const p = await t.run(['--yes', 'members', 'remove', 'jose.garcia@nlm.nih.gov', '--purge'], at('2024-03-03'));
    expect(p.code, p.stderr).toBe(0);
    const db = openDb(t.dbPath);
    try {
      expect(db.prepare('SELECT count(*) FROM member_aliases').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
    // The former addresses no longer name anyone.
    expect((await t.run(['members', 'show', JOSE2], at('2024-03-03'))).code).toBe(2);
  }, 60_000);

  it('an import batch whose member a later merge dropped cannot be undone before the merge', async () => {
    const t = await story();
    const m = await t.run(['--yes', 'members', 'merge', JOSE, JOSE2], at('2024-03-01'));
    expect(m.code, m.stderr).toBe(0);
    const batch = Number(/batch (\d+) \(/.exec(m.stderr)?.[1]);
    const undo = await t.run(['--yes', 'imports', 'undo', '2'], at('2024-03-03'));
    expect(undo.code).toBe(4);
    expect(undo.stderr).toContain(`undo batch ${batch} first`);
  }, 60_000);
});

describe('imports and identity (SPEC §11)', () => {
  it('warns about rows that look like an existing member and counts them in the summary', async () => {
    const t = tempDb();
    expect((await t.run(['import', 'members', writeFile(t.dir, 'a.csv', roster(`${JOSE},Jose,Garcia,2021-01-15,`, 'pat.kim@nasa.gov,Pat,Kim,2021-01-15,'))], at('2022-01-01'))).code).toBe(0);
    const r = await t.run(['import', 'members', writeFile(t.dir, 'b.csv', roster(`${JOSE2},Jose,Garcia,,`, 'p.kim@nasa.gov,Pat,Kim,,', 'new.person@nasa.gov,New,Person,,'))], at('2022-02-01'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: 2 rows look like an existing member under another address (imported as given):\n  ${JOSE2} ~ ${JOSE} (same_local_part)\n  p.kim@nasa.gov ~ pat.kim@nasa.gov (same_name_same_agency)\n`);
    expect(r.stderr).toContain('3 added, 0 updated');
    expect(r.stderr).toContain('possible duplicates: 2, see aicop members duplicates\nbatch 2 ');
    // A file without look-alikes says nothing of the kind.
    const clean = await t.run(['import', 'members', writeFile(t.dir, 'c.csv', roster('zed.zed@nasa.gov,Zed,Zed,,'))], at('2022-02-02'));
    expect(clean.stderr).not.toContain('possible duplicates');
  }, 30_000);

  it('a previous_email column renames on import, and undoing the import restores every table', async () => {
    const t = await story();
    const before = state(t);
    const f = writeFile(t.dir, 'moves.csv', `Email,Former Email,Title\n${ANN2},${ANN},Analyst\n${JOSE2},${JOSE},\n`);
    const r = await t.run(['import', 'members', f], at('2024-02-01'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`renamed (previous_email) 1 member; the old addresses are kept as former addresses:\n  ${ANN} → ${ANN2}`);
    expect(r.stderr).toContain(`warning: ${JOSE2}: previous_email ${JOSE} is another member (${JOSE}); both kept. If they are one person: aicop members merge ${JOSE2} ${JOSE}`);
    expect(r.stderr).toContain('0 added, 1 updated, 1 unchanged');
    expect(r.stderr).not.toContain('closed fiscal');
    const db = openDb(t.dbPath);
    try {
      expect(db.prepare('SELECT email, job_title FROM members WHERE email LIKE ? ').raw().all('ann.lee%')).toEqual([[ANN2, 'Analyst']]);
      expect(db.prepare('SELECT email, reason FROM member_aliases').raw().all()).toEqual([[ANN, 'rename']]);
    } finally {
      db.close();
    }
    const batch = Number(/batch (\d+) in/.exec(r.stderr)?.[1]);
    expect((await t.run(['--yes', 'imports', 'undo', String(batch)], at('2024-02-02'))).code).toBe(0);
    expect(state(t)).toBe(before);
  }, 60_000);
});

describe('members duplicates (SPEC §11)', () => {
  it('lists likely duplicates with the reason, most certain first', async () => {
    const t = tempDb();
    const f = writeFile(
      t.dir,
      'r.csv',
      roster(
        'jose.garcia@mail.nih.gov,Jose,Garcia,2021-01-15,',
        'jose.garcia@nih.gov,José,Garcia,2022-01-15,',
        'josegarcia+cop@nih.gov,J,G,2022-01-15,',
        'mary.smith@nasa.gov,Mary,Smith,2021-01-15,',
        'msmith@nasa.gov,MARY,smith ,2021-02-15,',
        'mary.smith@noaa.gov,Mary,Smith,2021-01-15,',
      ),
    );
    expect((await t.run(['import', 'members', f], at('2022-02-01'))).code).toBe(0);
    const r = await t.run(['members', 'duplicates'], at('2022-02-01'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'confidence,reason,keep,drop,keep_name,drop_name,keep_agency,drop_agency,detail,merge',
        '0.9,same_local_part,jose.garcia@mail.nih.gov,jose.garcia@nih.gov,Jose Garcia,José Garcia,National Institutes of Health,National Institutes of Health,"same local part ""jose.garcia"" under one registered domain",aicop members merge jose.garcia@mail.nih.gov jose.garcia@nih.gov',
        '0.75,local_part_variant,jose.garcia@mail.nih.gov,josegarcia+cop@nih.gov,Jose Garcia,J G,National Institutes of Health,National Institutes of Health,"""jose.garcia"" and ""josegarcia+cop"" differ only in dots or a +tag",aicop members merge jose.garcia@mail.nih.gov josegarcia+cop@nih.gov',
        '0.75,local_part_variant,jose.garcia@nih.gov,josegarcia+cop@nih.gov,José Garcia,J G,National Institutes of Health,National Institutes of Health,"""jose.garcia"" and ""josegarcia+cop"" differ only in dots or a +tag",aicop members merge jose.garcia@nih.gov josegarcia+cop@nih.gov',
        '0.6,same_name_same_agency,mary.smith@nasa.gov,msmith@nasa.gov,Mary Smith,MARY smith,National Aeronautics and Space Administration,National Aeronautics and Space Administration,"same name ""Mary Smith"" at National Aeronautics and Space Administration",aicop members merge mary.smith@nasa.gov msmith@nasa.gov',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toContain('4 likely duplicates; check each, then join them with: aicop members merge <keep> <drop>');
  }, 30_000);

  it('core rules: canonical local parts, united intervals and spans', () => {
    expect(canonicalLocalPart('jose.garcia+cop')).toBe('josegarcia');
    expect(canonicalLocalPart('first.last.ctr')).toBe('firstlastctr');
    expect(canonicalLocalPart('+x')).toBe('+x');
    expect(uniteIntervals([
      { start: '2022-01-01', end: '2022-03-01', value: 1 },
      { start: '2022-03-01', end: '2022-05-01', value: 2 },
      { start: '2022-06-01', end: null, value: 3 },
      { start: '2021-01-01', end: '2021-02-01', value: 4 },
    ]).map((i) => [i.start, i.end, i.values])).toEqual([
      ['2021-01-01', '2021-02-01', [4]],
      ['2022-01-01', '2022-05-01', [1, 2]],
      ['2022-06-01', null, [3]],
    ]);
    const span = (p: Partial<SpanRow>): SpanRow => ({ id: 0, member_id: 0, period: 1, start_on: '2021-01-01', end_on: null, starts: 'join', ends: null, agency_id: 1, member_type: 'employee', batch_id: null, ...p });
    // Keep: 2021-01-01 – 2022-01-01 (agency 1); drop: 2021-06-01 – 2023-01-01 (agency 2), then 2024-01-01 – open.
    expect(
      uniteSpans(
        [span({ end_on: '2022-01-01', ends: 'left' })],
        [span({ start_on: '2021-06-01', end_on: '2023-01-01', ends: 'left', agency_id: 2 }), span({ period: 2, start_on: '2024-01-01', agency_id: 2 })],
      ),
    ).toEqual([
      { period: 1, start_on: '2021-01-01', end_on: '2022-01-01', starts: 'join', ends: 'change', agency_id: 1, member_type: 'employee' },
      { period: 1, start_on: '2022-01-01', end_on: '2023-01-01', starts: 'change', ends: 'left', agency_id: 2, member_type: 'employee' },
      { period: 2, start_on: '2024-01-01', end_on: null, starts: 'join', ends: null, agency_id: 2, member_type: 'employee' },
    ]);
    const people = [
      { id: 1, email: 'a.b@x.gov', first_name: 'A', last_name: 'B', agency: 'X', joined_on: '2021-01-01', left_on: '2022-01-01' },
      { id: 2, email: 'a.b@y.x.gov', first_name: 'A', last_name: 'B', agency: 'X', joined_on: '2023-01-01', left_on: null },
    ];
    // The active record is the one to keep; one pair, its strongest reason.
    expect(duplicatePairs({ byAddress: [people], byName: [people] }, '2024-01-01').pairs.map((p) => [p.keep.id, p.drop.id, p.reason])).toEqual([[2, 1, 'same_local_part']]);
  });
});

describe('through bin/aicop.js', () => {
  it('renames and merges in real processes', async () => {
    const t = tempDb();
    const env = { AICOP_NOW: '2024-03-01' };
    const f = writeFile(t.dir, 'r.csv', roster(`${JOSE},Jose,Garcia,2021-01-15,`, `${JOSE2},Jose,Garcia,2022-01-15,`));
    expect((await spawnAicop(['--db', t.dbPath, 'import', 'members', f], { env })).code).toBe(0);
    const rn = await spawnAicop(['--db', t.dbPath, 'members', 'rename', JOSE, 'jose.garcia@nlm.nih.gov'], { env });
    expect(rn.code, rn.stderr).toBe(0);
    expect(rn.stdout).toBe('jose.garcia@nlm.nih.gov\n');
    const self = await spawnAicop(['--db', t.dbPath, 'members', 'merge', JOSE2, JOSE2, '--yes'], { env });
    expect(self.code).toBe(2);
    const mg = await spawnAicop(['--db', t.dbPath, 'members', 'merge', JOSE2, JOSE, '--yes'], { env });
    expect(mg.code).toBe(2);
    expect(mg.stderr).toContain(`${JOSE} is a former address of jose.garcia@nlm.nih.gov`);
    const ok = await spawnAicop(['--db', t.dbPath, '--yes', 'members', 'merge', JOSE2, 'jose.garcia@nlm.nih.gov'], { env });
    expect(ok.code, ok.stderr).toBe(0);
    const list = await spawnAicop(['--db', t.dbPath, 'members', 'list', '--format', 'csv'], { env });
    expect(list.stdout.split('\n').filter((l) => l.includes('@')).map((l) => l.split(',')[0])).toEqual([JOSE2]);
  }, 60_000);
});
