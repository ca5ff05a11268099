import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDb, spawnAicop, tempDb, writeFile } from './helpers.js';
import { guessSurveyField, parseDurationSeconds } from '../src/core/events.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

const EVENTS = [
  'id,title,type,held_on',
  '2023-09-CM,Monthly Community Meeting,community_meeting,2023-09-14',
  '2023-09-TR,AI Acquisition Training,training,2023-09-28',
  '2023-10-TT,Evaluating LLMs,training,2023-10-12',
  '2023-11-WS,Red Teaming Workshop,workshop,2023-11-02',
  '',
].join('\n');

type Row = [string, number, number, number | null, number | null];

function attendance(dbPath: string, eventId: string): Row[] {
  const db = openDb(dbPath);
  try {
    return db
      .prepare('SELECT email, registered, attended, satisfaction, nps FROM attendance WHERE event_id = ? ORDER BY email')
      .raw()
      .all(eventId) as Row[];
  } finally {
    db.close();
  }
}

async function withEvents() {
  const t = tempDb();
  for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(t.dir, f));
  writeFile(t.dir, 'events.csv', EVENTS);
  const env = { AICOP_DB: t.dbPath };
  expect((await spawnAicop(['init'], { cwd: t.dir, env })).code).toBe(0);
  expect((await spawnAicop(['import', 'events', 'events.csv'], { cwd: t.dir, env })).code).toBe(0);
  return { ...t, env };
}

describe('attendee reports through bin/aicop.js', () => {
  it('Zoom meeting participants (meeting details first, one row per join): header found on line 4, rejoins merged', async () => {
    const t = await withEvents();
    const r = await spawnAicop(['import', 'attendance', 'zoom-meeting-participants.csv', '--event', '2023-09-CM', '--strict'], { cwd: t.dir, env: t.env });
    expect(r.stderr).toContain('zoom-meeting-participants.csv: the column names are on line 4; the lines before it are skipped');
    expect(r.stderr).toContain('5 rows read: 4 added, 0 updated, 1 unchanged, 0 reactivated, 0 deactivated, 0 rejected');
    expect(r.code).toBe(0);
    expect(attendance(t.dbPath, '2023-09-CM')).toEqual([
      ['avery.quinn@nasa.gov', 1, 1, null, null],
      ['blake.ortiz@epa.gov', 1, 1, null, null],
      ['casey.rowe@army.mil', 1, 1, null, null],
      ['host.person@gsa.gov', 1, 1, null, null],
    ]);
  });

  it('Zoom webinar attendee report: reads the "Attendee Details" section; Attended No is a registration', async () => {
    const t = await withEvents();
    const r = await spawnAicop(['import', 'attendance', 'zoom-webinar-attendee.csv', '--event', '2023-09-TR', '--strict'], { cwd: t.dir, env: t.env });
    expect(r.stderr).toContain('the column names are on line 12');
    expect(r.stderr).toContain('4 rows read: 4 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 0 rejected');
    expect(r.code).toBe(0);
    expect(attendance(t.dbPath, '2023-09-TR')).toEqual([
      ['ellis.grant@hhs.gov', 1, 1, null, null],
      ['frankie.shaw@va.gov', 1, 1, null, null],
      ['gray.lindqvist@doe.gov', 1, 0, null, null],
      ['rene.cote@state.gov', 1, 1, null, null],
    ]);
  });

  it('Microsoft Teams attendance report (UTF-16 LE, tabs): the Participants section only', async () => {
    const t = await withEvents();
    const r = await spawnAicop(['import', 'attendance', 'teams-attendance.csv', '--event', '2023-10-TT', '--strict'], { cwd: t.dir, env: t.env });
    expect(r.stderr).toContain('the column names are on line 10');
    expect(r.stderr).toContain('4 rows read: 4 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 0 rejected');
    expect(r.code).toBe(0);
    expect(attendance(t.dbPath, '2023-10-TT').map((row) => row[0])).toEqual([
      'harper.nguyen@nist.gov',
      'host.person@gsa.gov',
      'indy.moreau@usda.gov',
      'jordan.ali@navy.mil',
    ]);
    const batch = openDb(t.dbPath).prepare("SELECT json_extract(options, '$.encoding') AS e, json_extract(options, '$.delimiter') AS d FROM import_batches WHERE kind = 'attendance'").get();
    expect(batch).toEqual({ e: 'utf-16le', d: '\t' });
  });

  it('Webex attendee report (UTF-16 LE, tabs, header on line 1): Attendee Email and durations', async () => {
    const t = await withEvents();
    const r = await spawnAicop(['import', 'attendance', 'webex-attendees.csv', '--event', '2023-11-WS', '--strict'], { cwd: t.dir, env: t.env });
    expect(r.stderr).toContain('3 rows read: 3 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 0 rejected');
    expect(r.code).toBe(0);
    expect(attendance(t.dbPath, '2023-11-WS')).toEqual([
      ['kai.brennan@dhs.gov', 1, 1, null, null],
      ['lee.okafor@treasury.gov', 1, 1, null, null],
      ['morgan.diaz@af.mil', 1, 1, null, null],
    ]);
  });

  it('a report without --event says to pass it (exit 4, nothing changed); --header-line overrides the search', async () => {
    const t = await withEvents();
    const r = await spawnAicop(['import', 'attendance', 'zoom-meeting-participants.csv'], { cwd: t.dir, env: t.env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('no event_id column');
    expect(r.stderr).toContain('pass --event <id>');
    expect(attendance(t.dbPath, '2023-09-CM')).toEqual([]);
    // --header-line names the line instead of the search; a line inside no record is an input error.
    const h = await spawnAicop(['import', 'attendance', 'zoom-meeting-participants.csv', '--event', '2023-09-CM', '--header-line', '4'], { cwd: t.dir, env: t.env });
    expect(h.stderr).toContain('5 rows read: 4 added, 0 updated, 1 unchanged');
    expect(h.code).toBe(0);
    const past = await spawnAicop(['import', 'attendance', 'zoom-meeting-participants.csv', '--event', '2023-09-CM', '--header-line', '99', '--force'], { cwd: t.dir, env: t.env });
    expect(past.code).toBe(4);
    expect(past.stderr).toContain('--header-line 99: no record starts on that line');
    const bad = await spawnAicop(['import', 'attendance', 'zoom-meeting-participants.csv', '--event', '2023-09-CM', '--header-line', 'x'], { cwd: t.dir, env: t.env });
    expect(bad.code).toBe(2);
  });

  it('a survey form export: satisfaction (1-5) and likely to recommend (0-10) columns by their wording', async () => {
    const t = await withEvents();
    const r = await spawnAicop(['import', 'attendance', 'survey-form.csv', '--event', '2023-09-CM', '--map', 'Agency/Organization=ignore', '--map', 'Practice Area Interests=ignore'], { cwd: t.dir, env: t.env });
    expect(r.stderr).toContain('3 rows read: 3 added');
    expect(r.code).toBe(0);
    expect(attendance(t.dbPath, '2023-09-CM')).toEqual([
      ['avery.quinn@nasa.gov', 1, 1, 5, 9],
      ['blake.ortiz@epa.gov', 1, 1, 4, 7],
      ['casey.rowe@army.mil', 1, 1, 2, 3],
    ]);
  });
});

describe('unknown columns in events and attendance files', () => {
  it('warn even with -q; --strict makes them exit 4 with nothing changed', async () => {
    const t = tempDb();
    writeFile(t.dir, 'events.csv', EVENTS);
    expect((await t.run(['import', 'events', 'events.csv'])).code).toBe(0);
    writeFile(t.dir, 'a.csv', 'email,shoe size\nann@gsa.gov,9\n');
    const strict = await t.run(['-q', 'import', 'attendance', 'a.csv', '--event', '2023-09-CM', '--strict']);
    expect(strict.code).toBe(4);
    expect(strict.stderr).toContain('a.csv: unknown column "shoe size" and --strict is set; nothing was changed');
    expect(attendance(t.dbPath, '2023-09-CM')).toEqual([]);
    const quiet = await t.run(['-q', 'import', 'attendance', 'a.csv', '--event', '2023-09-CM']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('warning: a.csv: ignoring unknown column "shoe size" (map it with --map "shoe size=<field>", or leave it out with --map "shoe size=ignore")\n');
    expect(attendance(t.dbPath, '2023-09-CM')).toEqual([['ann@gsa.gov', 1, 0, null, null]]);
    writeFile(t.dir, 'e2.csv', 'id,title,type,held_on,room\n2023-12-CM,December,community_meeting,2023-12-07,B\n');
    const ev = await t.run(['import', 'events', 'e2.csv', '--strict']);
    expect(ev.code).toBe(4);
    expect(ev.stderr).toContain('unknown column "room" and --strict is set');
  });
});

describe('attendee-report helpers', () => {
  it.each([
    ['Overall satisfaction (1-5)', 'satisfaction'],
    ['How satisfied were you? (1 to 5)', 'satisfaction'],
    ['Satisfaction 1–5', 'satisfaction'],
    ['How likely to recommend (0-10)', 'nps'],
    ['How likely are you to recommend this event?', 'nps'],
    ['Would you recommend it? 0-10', 'nps'],
    ['Overall satisfaction (1-10)', undefined],
    ['Recommend to a colleague', undefined],
  ])('%j → %s', (h, f) => expect(guessSurveyField(h)).toBe(f));

  it.each([
    ['67', 4020],
    ['1h 6m 8s', 3968],
    ['52m 10s', 3130],
    ['30s', 30],
    ['00:45:12', 2712],
    ['45:00', 2700],
    ['--', null],
    ['', null],
    ['soon', null],
  ])('duration %j → %s s', (raw, s) => expect(parseDurationSeconds(raw)).toBe(s));
});
