import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpTables, openDb, spawnAicop, tempDb, writeFile } from './helpers.js';
import { LINK_NEW_MEMBERS, listEventSummaries } from '../src/db/events-repo.js';
import { ROLLUP_CONTENTS } from '../src/db/rollups.js';
import { summarizeScores } from '../src/core/satisfaction.js';

/** 3 events: two in FY 2023, one in FY 2024 (2023-10-05), with friendly headers and values. */
const EVENTS = [
  'Event ID,Title,Type,Date,Track,Host,Government-wide',
  '2023-01-CM,January Community Meeting,Community Meeting,1/18/2023,,GSA,yes',
  '2023-03-TR,Prompt Engineering 101,Training,2023-03-09,Technical,OPM,no',
  '2023-10-WS,"Red Teaming Workshop, Part 1",workshop,2023-10-05,,CISA,yes',
  '',
].join('\n');

/** 12 attendance rows with known scores. */
const ATTENDANCE = [
  'event_id,email,registered,attended,satisfaction,nps,comment',
  '2023-01-CM,Ann.Lee@GSA.gov,yes,yes,5,10,Loved it',
  '2023-01-CM,bob.ray@nasa.gov,yes,yes,4,9,',
  '2023-01-CM,cy@gmail.com,yes,yes,3,7,guest',
  '2023-01-CM,dee.fox@army.mil,yes,yes,2,3,"Too long, sorry"',
  '2023-01-CM,eve@irs.gov,yes,no,,,',
  '2023-03-TR,ann.lee@gsa.gov,yes,yes,5,,',
  '2023-03-TR,fay@opm.gov,yes,yes,5,,',
  '2023-03-TR,gus@doe.gov,yes,yes,3,,',
  '2023-03-TR,hal@epa.gov,yes,yes,,,',
  '2023-10-WS,ann.lee@gsa.gov,yes,yes,1,,=HYPERLINK("x")',
  '2023-10-WS,bob.ray@nasa.gov,yes,yes,4,,',
  '2023-10-WS,ivy@hhs.gov,no,yes,3,,walk-in',
  '',
].join('\n');

function addMember(dbPath: string, email: string): number {
  const db = openDb(dbPath);
  try {
    const info = db
      .prepare("INSERT INTO members (email, domain, joined_on, created_at, updated_at) VALUES (?, ?, '2022-01-01', '2026-11-23T12:00:00.000Z', '2026-11-23T12:00:00.000Z')")
      .run(email, email.slice(email.indexOf('@') + 1));
    return Number(info.lastInsertRowid);
  } finally {
    db.close();
  }
}

function query<T>(dbPath: string, sql: string): T[] {
  const db = openDb(dbPath);
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

async function loaded() {
  const t = tempDb();
  expect((await t.run(['init'])).code).toBe(0);
  const ann = addMember(t.dbPath, 'ann.lee@gsa.gov');
  const bob = addMember(t.dbPath, 'bob.ray@nasa.gov');
  const ev = await t.run(['import', 'events', writeFile(t.dir, 'events.csv', EVENTS)]);
  expect(ev.stderr).toContain('3 rows read: 3 added, 0 updated, 0 unchanged');
  expect(ev.code).toBe(0);
  const at = await t.run(['import', 'attendance', writeFile(t.dir, 'attendance.csv', ATTENDANCE)]);
  expect(at.stderr).toContain('12 rows read: 12 added, 0 updated, 0 unchanged');
  expect(at.code).toBe(0);
  return { ...t, ann, bob };
}

describe('import events and attendance', () => {
  it('stores normalised events and every attendance row, linking members by email', async () => {
    const t = await loaded();
    expect(query(t.dbPath, 'SELECT id, title, type, held_on, fiscal_year, track, host, government_wide, created_batch FROM events ORDER BY held_on')).toEqual([
      { id: '2023-01-CM', title: 'January Community Meeting', type: 'community_meeting', held_on: '2023-01-18', fiscal_year: 2023, track: null, host: 'GSA', government_wide: 1, created_batch: 1 },
      { id: '2023-03-TR', title: 'Prompt Engineering 101', type: 'training', held_on: '2023-03-09', fiscal_year: 2023, track: 'Technical', host: 'OPM', government_wide: 0, created_batch: 1 },
      { id: '2023-10-WS', title: 'Red Teaming Workshop, Part 1', type: 'workshop', held_on: '2023-10-05', fiscal_year: 2024, track: null, host: 'CISA', government_wide: 1, created_batch: 1 },
    ]);
    const rows = query<{ email: string; member_id: number | null }>(t.dbPath, "SELECT email, member_id FROM attendance WHERE event_id = '2023-01-CM' ORDER BY email");
    expect(rows).toEqual([
      { email: 'ann.lee@gsa.gov', member_id: t.ann },
      { email: 'bob.ray@nasa.gov', member_id: t.bob },
      { email: 'cy@gmail.com', member_id: null },
      { email: 'dee.fox@army.mil', member_id: null },
      { email: 'eve@irs.gov', member_id: null },
    ]);
    expect(query(t.dbPath, 'SELECT kind, rows_read, added, rejected FROM import_batches ORDER BY id')).toEqual([
      { kind: 'events', rows_read: 3, added: 3, rejected: 0 },
      { kind: 'attendance', rows_read: 12, added: 12, rejected: 0 },
    ]);
  });

  it('stores the raw scores, so the FY 2023 per-score counts, mean, CSAT and NPS come out exactly', async () => {
    const t = await loaded();
    const db = openDb(t.dbPath);
    const rows = listEventSummaries(db, { fiscalYear: 2023 });
    db.close();
    const sum = (k: 's1' | 's2' | 's3' | 's4' | 's5') => rows.reduce((n, r) => n + r[k], 0);
    const nps = rows.reduce((acc, r) => ({ n: acc.n + r.nps_responses, p: acc.p + r.nps_promoters, d: acc.d + r.nps_detractors }), { n: 0, p: 0, d: 0 });
    expect(nps).toEqual({ n: 4, p: 2, d: 1 });
    const s = summarizeScores({ satisfaction: { 1: sum('s1'), 2: sum('s2'), 3: sum('s3'), 4: sum('s4'), 5: sum('s5') }, nps: { 10: nps.p, 7: nps.n - nps.p - nps.d, 0: nps.d } });
    expect(s).toEqual({ responses: 7, counts: { 1: 0, 2: 1, 3: 2, 4: 1, 5: 3 }, mean: 3.86, csat_pct: 57.1, nps_responses: 4, nps: 25 });
    expect(rows.map((r) => [r.id, r.registrations, r.attendances, r.member_attendances, r.responses])).toEqual([
      ['2023-01-CM', 5, 4, 2, 4],
      ['2023-03-TR', 4, 4, 1, 3],
    ]);
  });

  it('events list --fy 2023 shows exact registrations, attendances, responses and means', async () => {
    const t = await loaded();
    const r = await t.run(['events', 'list', '--fy', '2023']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'id,held_on,fiscal_year,type,title,series,track,host,government_wide,registrations,attendances,responses,mean_satisfaction',
        '2023-01-CM,2023-01-18,2023,community_meeting,January Community Meeting,,,GSA,yes,5,4,4,3.50',
        '2023-03-TR,2023-03-09,2023,training,Prompt Engineering 101,,Technical,OPM,no,4,4,3,4.33',
        '',
      ].join('\n'),
    );
    const all = await t.run(['--format', 'json', 'events', 'list', '--type', 'workshop']);
    expect(JSON.parse(all.stdout)).toEqual([
      {
        id: '2023-10-WS', held_on: '2023-10-05', fiscal_year: 2024, type: 'workshop', title: 'Red Teaming Workshop, Part 1', series: null, track: null, host: 'CISA',
        government_wide: true, registrations: 2, attendances: 3, responses: 3, mean_satisfaction: 2.67,
      },
    ]);
    // --fy current on 2026-11-23 is FY 2027: nothing
    const none = await t.run(['events', 'list', '--fy', 'current']);
    expect(none.stdout).toBe('id,held_on,fiscal_year,type,title,series,track,host,government_wide,registrations,attendances,responses,mean_satisfaction\n');
    const bad = await t.run(['events', 'list', '--fy', 'next year']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a fiscal year');
  });

  it('events list on a terminal is an aligned table of CSV columns; --wide shows them all', async () => {
    const t = await loaded();
    const r = await t.run(['--no-color', 'events', 'list', '--fy', '2024'], { tty: true, env: { COLUMNS: '120' } });
    expect(r.stdout).toBe(
      [
        'id          held_on     title                         attendances  mean_satisfaction',
        '2023-10-WS  2023-10-05  Red Teaming Workshop, Part 1            3               2.67',
        '',
      ].join('\n'),
    );
    // --wide: every CSV column, in the CSV's order, the cells in full whatever the width.
    const wide = await t.run(['--no-color', '--wide', 'events', 'list', '--fy', '2024'], { tty: true, env: { COLUMNS: '40' } });
    const csv = await t.run(['events', 'list', '--fy', '2024']);
    expect(wide.stdout.split('\n')[0]!.split(/\s+/)).toEqual(csv.stdout.split('\n')[0]!.split(','));
    expect(wide.stdout.split('\n')[1]).toBe(
      '2023-10-WS  2023-10-05         2024  workshop  Red Teaming Workshop, Part 1                 CISA  yes                          2            3          3               2.67',
    );
  });

  it('export attendance --fy 2023 writes the exact CSV, formula-safe, and -o atomically', async () => {
    const t = await loaded();
    const r = await t.run(['export', 'attendance', '--fy', '2023']);
    expect(r.code).toBe(0);
    const header = 'event_id,held_on,fiscal_year,type,title,track,host,government_wide,email,member,registered,attended,satisfaction,nps,comment';
    expect(r.stdout).toBe(
      [
        header,
        '2023-01-CM,2023-01-18,2023,community_meeting,January Community Meeting,,GSA,yes,ann.lee@gsa.gov,yes,yes,yes,5,10,Loved it',
        '2023-01-CM,2023-01-18,2023,community_meeting,January Community Meeting,,GSA,yes,bob.ray@nasa.gov,yes,yes,yes,4,9,',
        '2023-01-CM,2023-01-18,2023,community_meeting,January Community Meeting,,GSA,yes,cy@gmail.com,no,yes,yes,3,7,guest',
        '2023-01-CM,2023-01-18,2023,community_meeting,January Community Meeting,,GSA,yes,dee.fox@army.mil,no,yes,yes,2,3,"Too long, sorry"',
        '2023-01-CM,2023-01-18,2023,community_meeting,January Community Meeting,,GSA,yes,eve@irs.gov,no,yes,no,,,',
        '2023-03-TR,2023-03-09,2023,training,Prompt Engineering 101,Technical,OPM,no,ann.lee@gsa.gov,yes,yes,yes,5,,',
        '2023-03-TR,2023-03-09,2023,training,Prompt Engineering 101,Technical,OPM,no,fay@opm.gov,no,yes,yes,5,,',
        '2023-03-TR,2023-03-09,2023,training,Prompt Engineering 101,Technical,OPM,no,gus@doe.gov,no,yes,yes,3,,',
        '2023-03-TR,2023-03-09,2023,training,Prompt Engineering 101,Technical,OPM,no,hal@epa.gov,no,yes,yes,,,',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('exported 9 attendance rows (FY 2023)\n');

    const ws = await t.run(['export', 'attendance', '--fy', '2024']);
    expect(ws.stdout.split('\n')[1]).toBe(`2023-10-WS,2023-10-05,2024,workshop,"Red Teaming Workshop, Part 1",,CISA,yes,ann.lee@gsa.gov,yes,yes,yes,1,,"'=HYPERLINK(""x"")"`);
    const raw = await t.run(['export', 'attendance', '--fy', '2024', '--raw', '--bom', '-o', 'ws.csv']);
    expect(raw.stdout).toBe('');
    const file = fs.readFileSync(path.join(t.dir, 'ws.csv'), 'utf8');
    expect(file.startsWith(`\uFEFF${header}\n`)).toBe(true);
    expect(file.split('\n')[1]).toBe(`2023-10-WS,2023-10-05,2024,workshop,"Red Teaming Workshop, Part 1",,CISA,yes,ann.lee@gsa.gov,yes,yes,yes,1,,"=HYPERLINK(""x"")"`);

    const json = await t.run(['--format', 'json', 'export', 'attendance', '--fy', '2024']);
    const items = JSON.parse(json.stdout) as { email: string; registered: boolean; attended: boolean; satisfaction: number | null; member: boolean }[];
    expect(items.map((i) => [i.email, i.member, i.registered, i.attended, i.satisfaction])).toEqual([
      ['ann.lee@gsa.gov', true, true, true, 1],
      ['bob.ray@nasa.gov', true, true, true, 4],
      ['ivy@hhs.gov', false, false, true, 3],
    ]);
  });

  it('re-importing an attendance row updates it instead of duplicating it, and links new members', async () => {
    const t = await loaded();
    const fay = addMember(t.dbPath, 'fay@opm.gov');
    const again = ['event_id,email,attended,satisfaction,comment', '2023-03-TR,FAY@opm.gov,yes,4,changed my mind', '2023-03-TR,gus@doe.gov,yes,3,', ''].join('\n');
    const r = await t.run(['import', 'attendance', writeFile(t.dir, 'again.csv', again)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('2 rows read: 0 added, 1 updated, 1 unchanged');
    expect(query(t.dbPath, "SELECT email, member_id, satisfaction, comment, created_batch, updated_batch FROM attendance WHERE event_id = '2023-03-TR' AND email IN ('fay@opm.gov', 'gus@doe.gov') ORDER BY email")).toEqual([
      { email: 'fay@opm.gov', member_id: fay, satisfaction: 4, comment: 'changed my mind', created_batch: 2, updated_batch: 3 },
      { email: 'gus@doe.gov', member_id: null, satisfaction: 3, comment: null, created_batch: 2, updated_batch: 2 },
    ]);
    expect(query(t.dbPath, 'SELECT count(*) AS n FROM attendance')).toEqual([{ n: 12 }]);
    // the before-image is kept so that the batch can be undone exactly
    expect(query(t.dbPath, 'SELECT batch_id, entity, entity_key, op FROM batch_changes')).toEqual([
      { batch_id: 3, entity: 'attendance', entity_key: '["2023-03-TR","fay@opm.gov"]', op: 'update' },
    ]);
  });

  it('the same file again is skipped; --force re-applies it as unchanged', async () => {
    const t = await loaded();
    const file = path.join(t.dir, 'attendance.csv');
    const before = dumpTables(t.dbPath);
    const skip = await t.run(['import', 'attendance', file]);
    expect(skip.code).toBe(0);
    expect(skip.stderr).toContain('already imported as batch 2');
    expect(dumpTables(t.dbPath)).toBe(before);
    const forced = await t.run(['import', 'attendance', '--force', file]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('12 rows read: 0 added, 0 updated, 12 unchanged');
  });

  it('rejects "6", "great" and unknown events with line numbers; --strict changes nothing (exit 4)', async () => {
    const t = await loaded();
    const bad = [
      'event_id,email,attended,satisfaction',
      '2023-01-CM,ann.lee@gsa.gov,yes,6',
      '2023-01-CM,bob.ray@nasa.gov,yes,great',
      'NOPE,cy@gmail.com,yes,4',
      '"2023-01-CM","eve@irs.gov",yes,4',
      '2023-01-CM,eve@irs.gov,yes,1',
      '',
    ].join('\n');
    const file = writeFile(t.dir, 'bad.csv', bad);
    const before = dumpTables(t.dbPath);
    const strict = await t.run(['import', 'attendance', '--strict', file]);
    expect(strict.code).toBe(4);
    expect(strict.stderr).toContain('4 of 5 rows rejected and --strict is set; nothing was changed');
    expect(dumpTables(t.dbPath)).toBe(before);

    const r = await t.run(['import', 'attendance', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('5 rows read: 0 added, 1 updated, 0 unchanged, 0 reactivated, 0 deactivated, 4 rejected');
    expect(r.stderr).toContain('rejected by reason: bad_value 2, duplicate_in_file 1, unknown_event 1');
    expect(fs.readFileSync(path.join(t.dir, 'bad.rejects.csv'), 'utf8')).toBe(
      [
        'event_id,email,attended,satisfaction,line,reason,detail',
        '2023-01-CM,ann.lee@gsa.gov,yes,6,2,bad_value,"ann.lee@gsa.gov: satisfaction ""6"" is not a whole number from 1 to 5 (leave it blank for no response)"',
        '2023-01-CM,bob.ray@nasa.gov,yes,great,3,bad_value,"bob.ray@nasa.gov: satisfaction ""great"" is not a whole number from 1 to 5 (leave it blank for no response)"',
        'NOPE,cy@gmail.com,yes,4,4,unknown_event,"event ""NOPE"" is not in the database (import it first: aicop import events <file>)"',
        '2023-01-CM,eve@irs.gov,yes,1,6,duplicate_in_file,eve@irs.gov at 2023-01-CM appears earlier in the file (the first row wins)',
        '',
      ].join('\n'),
    );
    expect(query(t.dbPath, "SELECT attended, satisfaction FROM attendance WHERE email = 'eve@irs.gov'")).toEqual([{ attended: 1, satisfaction: 4 }]);
    expect(query(t.dbPath, "SELECT line, reason, email FROM import_rejects WHERE batch_id = (SELECT max(id) FROM import_batches) ORDER BY line")).toEqual([
      { line: 2, reason: 'bad_value', email: 'ann.lee@gsa.gov' },
      { line: 3, reason: 'bad_value', email: 'bob.ray@nasa.gov' },
      { line: 4, reason: 'unknown_event', email: 'cy@gmail.com' },
      { line: 6, reason: 'duplicate_in_file', email: 'eve@irs.gov' },
    ]);
  });

  it('a repeated pair is a duplicate whether its first row added a row, updated one or left a stored one unchanged', async () => {
    const t = await loaded();
    const file = [
      'event_id,email,registered,attended,satisfaction,nps,comment',
      '2023-01-CM,bob.ray@nasa.gov,yes,yes,4,9,', // stored, unchanged
      '2023-01-CM,new.one@gsa.gov,yes,yes,2,,', // new
      '2023-03-TR,fay@opm.gov,yes,yes,4,,', // stored, updated (was 5)
      '2023-01-CM,bob.ray@nasa.gov,yes,yes,1,1,',
      '2023-01-CM,new.one@gsa.gov,yes,yes,5,,',
      '2023-03-TR,fay@opm.gov,yes,yes,3,,',
      '',
    ].join('\n');
    const r = await t.run(['import', 'attendance', writeFile(t.dir, 'again.csv', file)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('6 rows read: 1 added, 1 updated, 1 unchanged, 0 reactivated, 0 deactivated, 3 rejected');
    expect(r.stderr).toContain('rejected by reason: duplicate_in_file 3');
    expect(query(t.dbPath, "SELECT email, satisfaction, nps FROM attendance WHERE email IN ('bob.ray@nasa.gov', 'new.one@gsa.gov', 'fay@opm.gov') AND event_id IN ('2023-01-CM', '2023-03-TR') ORDER BY email")).toEqual([
      { email: 'bob.ray@nasa.gov', satisfaction: 4, nps: 9 },
      { email: 'fay@opm.gov', satisfaction: 4, nps: null },
      { email: 'new.one@gsa.gov', satisfaction: 2, nps: null },
    ]);
  });

  it('a file of over 100,000 new rows rebuilds attendance_member once, identical, with exact rollups; a dry run leaves it as it was', async () => {
    const t = await loaded();
    const schema = () => query<{ name: string; sql: string }>(t.dbPath, "SELECT name, sql FROM sqlite_schema WHERE tbl_name = 'attendance' ORDER BY name");
    const before = schema();
    expect(before.map((r) => r.name)).toContain('attendance_member');
    // 100,050 rows: 3 events × 33,350 people, members (ann, bob: their five stored rows updated) among them, one in three absent.
    const people = Array.from({ length: 33_350 }, (_, i) => (i === 1 ? 'ann.lee@gsa.gov' : i === 2 ? 'bob.ray@nasa.gov' : `p${i}@agency${i % 50}.gov`));
    const lines = ['event_id,email,registered,attended,satisfaction'];
    for (const ev of ['2023-01-CM', '2023-03-TR', '2023-10-WS']) for (const [i, p] of people.entries()) lines.push(`${ev},${p},yes,${i % 3 ? 'yes' : 'no'},${i % 3 ? (i % 5) + 1 : ''}`);
    const file = writeFile(t.dir, 'big.csv', `${lines.join('\n')}\n`);
    const dry = await t.run(['import', 'attendance', '--dry-run', file]);
    expect(dry.code).toBe(0);
    expect(schema()).toEqual(before);
    const r = await t.run(['import', 'attendance', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('100050 rows read: 100045 added, 5 updated, 0 unchanged');
    expect(schema()).toEqual(before);
    const db = openDb(t.dbPath);
    try {
      for (const [table, select] of Object.entries(ROLLUP_CONTENTS)) {
        const rows = (sql: string) => (db.prepare(sql).raw().all() as unknown[][]).map((x) => JSON.stringify(x)).sort();
        expect(rows(`SELECT * FROM ${table}`), table).toEqual(rows(select));
      }
      expect(db.prepare("SELECT count(*) FROM attendance WHERE member_id IS NOT NULL").pluck().get()).toBe(6);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  }, 120_000);

  it('--event supplies the event for a file without event_id; an unknown --event is a usage error', async () => {
    const t = await loaded();
    const survey = writeFile(t.dir, 'survey.csv', 'Email Address,Rating,NPS\njo@gsa.gov,4,8\nkim@gsa.gov,,\n');
    const r = await t.run(['import', 'attendance', '--event', '2023-10-WS', survey]);
    expect(r.code).toBe(0);
    expect(query(t.dbPath, "SELECT email, registered, attended, satisfaction, nps FROM attendance WHERE email IN ('jo@gsa.gov', 'kim@gsa.gov') ORDER BY email")).toEqual([
      { email: 'jo@gsa.gov', registered: 1, attended: 1, satisfaction: 4, nps: 8 },
      { email: 'kim@gsa.gov', registered: 1, attended: 0, satisfaction: null, nps: null },
    ]);
    const before = dumpTables(t.dbPath);
    const missing = await t.run(['import', 'attendance', '--force', 'survey.csv']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('survey.csv:1: no event_id column (columns found: "Email Address", "Rating", "NPS"); nothing was changed');
    const unknown = await t.run(['import', 'attendance', '--force', '--event', 'NOPE', survey]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--event NOPE: no such event');
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('re-importing an events file updates changed events; bad rows are rejected with reasons', async () => {
    const t = await loaded();
    const changed = [
      'id,title,type,held_on,track,government_wide',
      '2023-01-CM,January Community Meeting,community_meeting,2023-01-18,,yes',
      '2023-03-TR,Prompt Engineering 102,training,2023-03-09,Technical,no',
      '2023-05-XX,Mystery,party,2023-05-01,,no',
      '2023-06-XX,Bad date,webinar,2023-02-30,,no',
      '2023-03-TR,Again,training,2023-03-10,,no',
      '',
    ].join('\n');
    const r = await t.run(['import', 'events', writeFile(t.dir, 'changed.csv', changed)]);
    expect(r.code).toBe(3);
    // 2023-01-CM is unchanged: the file has no host column, so the stored host stays
    expect(r.stderr).toContain('5 rows read: 0 added, 1 updated, 1 unchanged, 0 reactivated, 0 deactivated, 3 rejected');
    expect(r.stderr).toContain('rejected by reason: bad_date 1, bad_value 1, duplicate_in_file 1');
    expect(query(t.dbPath, "SELECT id, title, host FROM events WHERE id IN ('2023-01-CM', '2023-03-TR') ORDER BY id")).toEqual([
      { id: '2023-01-CM', title: 'January Community Meeting', host: 'GSA' },
      { id: '2023-03-TR', title: 'Prompt Engineering 102', host: 'OPM' },
    ]);
    expect(query(t.dbPath, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 3 }]);
  });

  it('imports undo reverts an attendance batch exactly, and refuses to drop events that later attendance uses', async () => {
    const t = await loaded();
    const tables = ['events', 'attendance', 'batch_changes'];
    const before = dumpTables(t.dbPath, ['events', 'attendance']);
    const again = ['event_id,email,attended,satisfaction', '2023-03-TR,fay@opm.gov,yes,1', '2023-03-TR,new@opm.gov,yes,2', ''].join('\n');
    expect((await t.run(['import', 'attendance', writeFile(t.dir, 'again.csv', again)])).code).toBe(0);
    expect(dumpTables(t.dbPath, tables)).not.toBe(before);
    const undo = await t.run(['--yes', 'imports', 'undo', '3']);
    expect(undo.code).toBe(0);
    expect(dumpTables(t.dbPath, ['events', 'attendance'])).toBe(before);

    const refused = await t.run(['--yes', 'imports', 'undo', '1']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('cannot undo batch 1: later batch 2 changed');
    expect(dumpTables(t.dbPath, ['events', 'attendance'])).toBe(before);
  });

  it('a re-imported survey file updates only the columns it has', async () => {
    const t = await loaded();
    const survey = writeFile(t.dir, 'survey2.csv', 'email,satisfaction\nann.lee@gsa.gov,4\neve@irs.gov,2\n');
    const r = await t.run(['import', 'attendance', '--event', '2023-01-CM', survey]);
    expect(r.stderr).toContain('2 rows read: 0 added, 2 updated, 0 unchanged');
    expect(query(t.dbPath, "SELECT email, registered, attended, satisfaction, nps, comment FROM attendance WHERE event_id = '2023-01-CM' AND email IN ('ann.lee@gsa.gov', 'eve@irs.gov') ORDER BY email")).toEqual([
      { email: 'ann.lee@gsa.gov', registered: 1, attended: 1, satisfaction: 4, nps: 10, comment: 'Loved it' },
      { email: 'eve@irs.gov', registered: 1, attended: 1, satisfaction: 2, nps: null, comment: null },
    ]);
  });

  it('attended=no without score columns cannot leave an earlier score behind', async () => {
    const t = await loaded();
    writeFile(t.dir, 'noshow.csv', 'event_id,email,attended\n2023-01-CM,ann.lee@gsa.gov,no\n2023-01-CM,eve@irs.gov,no\n');
    const r = await t.run(['import', 'attendance', 'noshow.csv']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('2 rows read: 0 added, 0 updated, 1 unchanged, 0 reactivated, 0 deactivated, 1 rejected');
    expect(fs.readFileSync(path.join(t.dir, 'noshow.rejects.csv'), 'utf8')).toBe(
      'event_id,email,attended,line,reason,detail\n2023-01-CM,ann.lee@gsa.gov,no,2,bad_value,ann.lee@gsa.gov: attended is no but a score from an earlier import is stored for 2023-01-CM (add blank satisfaction and nps columns to clear it)\n',
    );
  });

  it('reads attendance from stdin (-) with --event', async () => {
    const t = await loaded();
    const r = await t.run(['import', 'attendance', '--event', '2023-03-TR', '-'], { stdin: 'email,satisfaction\nlee@va.gov,2\nlee@va.gov,6\n' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('stdin: 2 rows read: 1 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 1 rejected');
    expect(query(t.dbPath, "SELECT event_id, attended, satisfaction FROM attendance WHERE email = 'lee@va.gov'")).toEqual([{ event_id: '2023-03-TR', attended: 1, satisfaction: 2 }]);
  });

  it('links attendees who became members after their event was imported at the next attendance import', async () => {
    const t = await loaded();
    const cy = addMember(t.dbPath, 'cy@gmail.com');
    const r = await t.run(['import', 'attendance', '--event', '2023-10-WS', writeFile(t.dir, 'other.csv', 'email,attended\nzed@gsa.gov,yes\n')]);
    expect(r.code).toBe(0);
    expect(query(t.dbPath, "SELECT event_id, member_id FROM attendance WHERE email = 'cy@gmail.com'")).toEqual([{ event_id: '2023-01-CM', member_id: cy }]);
  });

  it('finds the attendance to link through the unlinked rows, also on a database with statistics', async () => {
    const t = await loaded();
    // Statistics as on a big database: many guests' attendance (no member_id) and ANALYZE's
    // samples of it (better-sqlite3's SQLite keeps sqlite_stat4 samples).
    const db = openDb(t.dbPath);
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
      INSERT INTO attendance (event_id, email, registered, attended) SELECT '2023-03-TR', 'guest' || i || '@example.com', 1, 1 FROM n`);
    db.exec('ANALYZE');
    db.close();
    const stats = openDb(t.dbPath);
    const plan = (sql: string) => (stats.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    // Without the unary + the planner takes every member's email and skip-scans the attendance
    // key for it (230 s on the bench database): the fixture does reproduce that.
    expect(plan(LINK_NEW_MEMBERS.replace(/\+email IN/g, 'email IN'))).toContain('MULTI-INDEX OR');
    expect(plan(LINK_NEW_MEMBERS)).toContain('SEARCH attendance USING INDEX attendance_member (member_id=?)');
    stats.close();
    const cy = addMember(t.dbPath, 'cy@gmail.com');
    const r = await t.run(['import', 'attendance', '--event', '2023-10-WS', writeFile(t.dir, 'other.csv', 'email,attended\nzed@gsa.gov,yes\n')]);
    expect(r.code).toBe(0);
    expect(query(t.dbPath, "SELECT event_id, member_id FROM attendance WHERE email = 'cy@gmail.com'")).toEqual([{ event_id: '2023-01-CM', member_id: cy }]);
  });

  it('links attendees when they join through import members or members add; undoing the roster unlinks them', async () => {
    const t = await loaded();
    const linked = () => query<{ email: string; event_id: string; linked: number }>(t.dbPath, "SELECT email, event_id, member_id IS NOT NULL AS linked FROM attendance WHERE email IN ('dee.fox@army.mil', 'fay@opm.gov', 'gus@doe.gov') ORDER BY email");
    expect(linked().map((r) => r.linked)).toEqual([0, 0, 0]);
    const r = await t.run(['import', 'members', writeFile(t.dir, 'joiners.csv', 'email\ndee.fox@army.mil\nfay@opm.gov\n')]);
    expect(r.code, r.stderr).toBe(0);
    expect(linked()).toEqual([
      { email: 'dee.fox@army.mil', event_id: '2023-01-CM', linked: 1 },
      { email: 'fay@opm.gov', event_id: '2023-03-TR', linked: 1 },
      { email: 'gus@doe.gov', event_id: '2023-03-TR', linked: 0 },
    ]);
    expect((await t.run(['members', 'add', '--email', 'gus@doe.gov'])).code).toBe(0);
    expect(linked().map((r) => r.linked)).toEqual([1, 1, 1]);
    const batch = query<{ id: number }>(t.dbPath, "SELECT max(id) AS id FROM import_batches WHERE kind = 'members'")[0]?.id;
    expect((await t.run(['--yes', 'imports', 'undo', String(batch)])).code).toBe(0);
    expect(linked().map((r) => r.linked)).toEqual([0, 0, 1]);
  });

  it('--map names odd headers; two columns for one field is exit 4; --dry-run and --max-reject-rate change nothing', async () => {
    const t = await loaded();
    const before = dumpTables(t.dbPath);
    writeFile(t.dir, 'odd.csv', 'Courriel,Événement,Note\nzoe@gsa.gov,2023-03-TR,5\nyan@gsa.gov,2023-03-TR,9\n');
    const dry = await t.run(['import', 'attendance', '--dry-run', '--map', 'Courriel=email', '--map', 'Événement=event_id', '--map', 'Note=satisfaction', 'odd.csv']);
    expect(dry.code).toBe(3);
    expect(dry.stderr).toContain('odd.csv: 2 rows read: 1 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 1 rejected');
    expect(dry.stderr).toContain('dry run: nothing was changed');
    const capped = await t.run(['import', 'attendance', '--max-reject-rate', '10', '--map', 'Courriel=email', '--map', 'Événement=event_id', '--map', 'Note=satisfaction', 'odd.csv']);
    expect(capped.code).toBe(4);
    expect(capped.stderr).toContain('1 of 2 rows rejected (50.0%), over --max-reject-rate 10; nothing was changed');
    writeFile(t.dir, 'twice.csv', 'email,e-mail,event_id\na@gsa.gov,b@gsa.gov,2023-03-TR\n');
    const twice = await t.run(['import', 'attendance', 'twice.csv']);
    expect(twice.code).toBe(4);
    expect(twice.stderr).toBe(
      'aicop: error: twice.csv:1: columns "email" (column 1) and "e-mail" (column 2) both map to email; nothing was changed\n  keep one: e.g. --map "e-mail=ignore"\n',
    );
    const badMap = await t.run(['import', 'attendance', '--map', 'Note=score', 'odd.csv']);
    expect(badMap.code).toBe(2);
    expect(badMap.stderr).toContain('--map "Note=score" is not "Header=field"');
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('a missing required events column is exit 4 naming the fix', async () => {
    const t = tempDb();
    writeFile(t.dir, 'e.csv', 'id,title,when\nx,y,2023-01-01\n');
    const r = await t.run(['import', 'events', 'e.csv']);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(
      'aicop: error: e.csv:1: no type, held_on columns (columns found: "id", "title", "when"); nothing was changed\n  name the column with --map "when=type", or rename it in the file\n',
    );
  });
});

describe('the real binary', () => {
  it('imports events and attendance files and lists FY 2023 as a child process', async () => {
    const t = tempDb();
    writeFile(t.dir, 'events.csv', EVENTS);
    writeFile(t.dir, 'attendance.csv', ATTENDANCE.replace('2023-01-CM,cy@gmail.com,yes,yes,3,7,guest', '2023-01-CM,cy@gmail.com,yes,yes,great,7,guest'));
    const env = { AICOP_DB: t.dbPath };
    const ev = await spawnAicop(['import', 'events', 'events.csv'], { cwd: t.dir, env });
    expect(ev.code).toBe(0);
    const at = await spawnAicop(['import', 'attendance', 'attendance.csv'], { cwd: t.dir, env });
    expect(at.code).toBe(3);
    expect(at.stderr).toContain('12 rows read: 11 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 1 rejected');
    expect(at.stderr).not.toMatch(/at .*\.js:\d+/);
    const list = await spawnAicop(['events', 'list', '--fy', '2023'], { cwd: t.dir, env });
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(
      [
        'id,held_on,fiscal_year,type,title,series,track,host,government_wide,registrations,attendances,responses,mean_satisfaction',
        '2023-01-CM,2023-01-18,2023,community_meeting,January Community Meeting,,,GSA,yes,4,3,3,3.67',
        '2023-03-TR,2023-03-09,2023,training,Prompt Engineering 101,,Technical,OPM,no,4,4,3,4.33',
        '',
      ].join('\n'),
    );
  });
});
