import { describe, expect, it } from 'vitest';
import { openDb, tempDb, writeFile } from './helpers.js';
import { seedFixture } from './report-fixture.js';

const EVENTS = [
  'id,title,type,held_on,series,track',
  '2023-01-TR,Acquisition 101,training,2023-01-10,AI Training Series,Acquisition',
  '2023-02-TR,Leading AI teams,training,2023-02-14,AI Training Series,Leadership',
  '2023-03-CM,March meeting,community_meeting,2023-03-15,,',
  '',
].join('\n');

function seriesOf(dbPath: string): Record<string, string | null> {
  const db = openDb(dbPath);
  try {
    const rows = db.prepare('SELECT id, series FROM events ORDER BY id').all() as { id: string; series: string | null }[];
    return Object.fromEntries(rows.map((r) => [r.id, r.series]));
  } finally {
    db.close();
  }
}

describe('event series', () => {
  it('imports a series column, lists it, and report events carries it', async () => {
    const t = tempDb();
    await t.run(['init']);
    writeFile(t.dir, 'events.csv', EVENTS);
    expect((await t.run(['import', 'events', 'events.csv'])).code).toBe(0);
    expect(seriesOf(t.dbPath)).toEqual({ '2023-01-TR': 'AI Training Series', '2023-02-TR': 'AI Training Series', '2023-03-CM': null });
    const list = await t.run(['events', 'list', '--fy', '2023']);
    expect(list.stdout.split('\n').slice(0, 2)).toEqual([
      'id,held_on,fiscal_year,type,title,series,track,host,government_wide,registrations,attendances,responses,mean_satisfaction',
      '2023-01-TR,2023-01-10,2023,training,Acquisition 101,AI Training Series,Acquisition,,no,0,0,0,',
    ]);
    const json = JSON.parse((await t.run(['--format', 'json', 'events', 'list'])).stdout) as { id: string; series: string | null }[];
    expect(json.map((e) => e.series)).toEqual(['AI Training Series', 'AI Training Series', null]);
    const csv = await t.run(['report', 'events', '--fy', '2023', '--format', 'csv']);
    expect(csv.stdout.split('\r\n')[1]).toBe('detail,2023,2023-01-TR,Acquisition 101,training,2023-01-10,AI Training Series,Acquisition,no,1,0,0,0,,0,,,,');
  });

  it('events update --series sets and clears it as a manual edit; a file without the column keeps it', async () => {
    const t = tempDb();
    await t.run(['init']);
    writeFile(t.dir, 'events.csv', EVENTS);
    await t.run(['import', 'events', 'events.csv']);
    const set = await t.run(['events', 'update', '2023-03-CM', '--series', '  Community Meetings ']);
    expect(set.code).toBe(0);
    expect(set.stderr).toBe('2023-03-CM: series "Community Meetings"\n');
    expect(seriesOf(t.dbPath)['2023-03-CM']).toBe('Community Meetings');
    const clear = await t.run(['events', 'update', '2023-01-TR', '--series', 'none']);
    expect(clear.stderr).toBe('2023-01-TR: series cleared (was "AI Training Series")\n');
    expect(seriesOf(t.dbPath)['2023-01-TR']).toBeNull();
    expect((await t.run(['events', 'update', '2023-01-TR', '--series', ''])).stderr).toBe('2023-01-TR: nothing to change\n');

    const missing = await t.run(['events', 'update', '2023-03', '--series', 'x']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no event has the id "2023-03"');
    expect(missing.stderr).toContain('did you mean: 2023-03-CM?');
    const noFlag = await t.run(['events', 'update', '2023-03-CM']);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toContain('events update needs --series');

    // A later file without a series column leaves the stored series alone.
    writeFile(t.dir, 'more.csv', 'id,title,type,held_on\n2023-02-TR,Leading AI teams (2),training,2023-02-14\n');
    expect((await t.run(['import', 'events', 'more.csv'])).code).toBe(0);
    expect(seriesOf(t.dbPath)['2023-02-TR']).toBe('AI Training Series');
  });

  it('imports undo restores the series a batch overwrote', async () => {
    const t = tempDb();
    await t.run(['init']);
    writeFile(t.dir, 'events.csv', EVENTS);
    await t.run(['import', 'events', 'events.csv']);
    writeFile(t.dir, 'renamed.csv', 'id,title,type,held_on,series\n2023-01-TR,Acquisition 101,training,2023-01-10,Acquisition Academy\n');
    await t.run(['import', 'events', 'renamed.csv']);
    expect(seriesOf(t.dbPath)['2023-01-TR']).toBe('Acquisition Academy');
    const undo = await t.run(['imports', 'undo', '2', '--yes']);
    expect(undo.code).toBe(0);
    expect(seriesOf(t.dbPath)['2023-01-TR']).toBe('AI Training Series');
  });

  it('report events pools attendance and satisfaction per series, track and quarter (hand-computed)', async () => {
    const t = tempDb();
    await t.run(['init']);
    seedFixture(t.dbPath);
    const db = openDb(t.dbPath);
    db.prepare("UPDATE events SET series = 'AI Training Series' WHERE id IN ('2022-10-CM', '2023-09-TR')").run();
    db.close();
    const r = await t.run(['report', 'events', '--fy', '2023', '--format', 'json']);
    const e = (JSON.parse(r.stdout) as { events: Record<string, unknown> }).events;
    // Both FY 2023 events in one series: 5 registrations, 5 attendances, scores 5 4 2 3 (mean
    // 3.5, CSAT 2/4), 4 responses of 5 attendances, NPS answers 10 9 3 7: (2 - 1) / 4 = 25.
    // Unique attendees: m1 (at both events), m2, d and e = 4; members on the event's date: m1 and m2 = 2.
    expect(e.by_series).toEqual([{ key: 'AI Training Series', events: 2, registrations: 5, attendances: 5, unique_attendees: 4, unique_member_attendees: 2, responses: 4, mean: 3.5, csat_pct: 50, response_rate: 80, nps: 25 }]);
    // The quarters add up to the year.
    const q = e.by_quarter as { key: string; events: number; attendances: number; responses: number }[];
    expect(q.map((x) => x.key)).toEqual(['Q1', 'Q2', 'Q3', 'Q4']);
    expect([q.reduce((n, x) => n + x.events, 0), q.reduce((n, x) => n + x.attendances, 0), q.reduce((n, x) => n + x.responses, 0)]).toEqual([2, 5, 4]);
    const csv = await t.run(['report', 'annual', '--fy', '2023', '--format', 'md']);
    expect(csv.stdout).toContain('| AI Training Series | 2 | 5 | 4 | 2 | 4 | 3.50 | 50.0% | 25.0 |');
  });
});
