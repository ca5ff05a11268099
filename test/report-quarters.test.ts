import { describe, expect, it } from 'vitest';
import { spawnAicop, tempDb } from './helpers.js';
import { seedFixture } from './report-fixture.js';

/*
 * Fiscal quarters (issue #19) on the hand-computed fixture of test/report-fixture.ts
 * (see report.test.ts for the year): FY 2023 Q1 = 2022-10-01 … 2022-12-31, Q2 = 2023-01-01 …
 * 2023-03-31, Q3 = 2023-04-01 … 2023-06-30, Q4 = 2023-07-01 … 2023-09-30.
 *   joins:      m2 2022-10-01 (Q1), m5 2022-11-15 (Q1)
 *   departures: m8 2022-10-01 (Q1), m5 2023-03-01 (Q2), m3 2023-09-30 (Q4)
 *   members on 2022-09-30: m1 m3 m4 m8 = 4; 2022-12-31: m1 m2 m3 m4 m5 = 5;
 *   2023-03-31: m1 m2 m3 m4 = 4; 2023-06-30: the same 4; 2023-09-30: m1 m2 m4 = 3.
 *   events: 2022-10-CM (Q1: m1, m2, d attended; 3 scores 5 4 2; NPS 10 9 3) and
 *   2023-09-TR (Q4: m1, e attended; 1 score 3; NPS 7).
 */

interface Flow {
  at_start: number;
  joined: number;
  rejoined: number;
  left: number;
  at_end: number;
  growth_pct: number | null;
}
interface Json {
  fiscal_year: number;
  quarter?: string;
  period: { start: string; end: string };
  membership: Flow & { by_member_type: Record<string, Flow>; by_quarter: { key: string; joined: number; rejoined: number; left: number }[] };
  agencies: { count: number };
  events: {
    count: number;
    registrations: number;
    attendances: number;
    unique_attendees: number;
    unique_member_attendees: number;
    satisfaction: { responses: number; csat_pct: number | null };
    nps: number | null;
    by_type: { key: string; unique_attendees: number; unique_member_attendees: number }[];
  };
  closed_on?: string;
  note?: string;
  restated?: boolean;
  methods: string[];
  previous?: Json;
}

async function fixtureDb() {
  const t = tempDb();
  seedFixture(t.dbPath);
  return t;
}

async function annual(t: Awaited<ReturnType<typeof fixtureDb>>, ...flags: string[]): Promise<Json> {
  const r = await t.run(['report', 'annual', '--fy', '2023', '--format', 'json', ...flags]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Json;
}

const pick = (j: Json) => ({
  at_start: j.membership.at_start,
  joined: j.membership.joined,
  left: j.membership.left,
  at_end: j.membership.at_end,
  growth_pct: j.membership.growth_pct,
  events: j.events.count,
  attendances: j.events.attendances,
  unique_attendees: j.events.unique_attendees,
  unique_member_attendees: j.events.unique_member_attendees,
  responses: j.events.satisfaction.responses,
  csat_pct: j.events.satisfaction.csat_pct,
  nps: j.events.nps,
});

describe('report --quarter', () => {
  it('restricts every figure to the quarter (hand-computed), Q1 = October to December', async () => {
    const t = await fixtureDb();
    const q1 = await annual(t, '--quarter', 'Q1');
    expect([q1.fiscal_year, q1.quarter, q1.period]).toEqual([2023, 'Q1', { start: '2022-10-01', end: '2022-12-31' }]);
    // 4 + 2 joined - 1 left = 5: +25.0%. Only the October meeting: 3 attended (m1 m2 members).
    expect(pick(q1)).toEqual({ at_start: 4, joined: 2, left: 1, at_end: 5, growth_pct: 25, events: 1, attendances: 3, unique_attendees: 3, unique_member_attendees: 2, responses: 3, csat_pct: 66.7, nps: 33.3 });
    // Employees m1 m4 at start, m2 m5 joined: 4 at end; contractors m3 m8, m8 left: 1.
    expect(q1.membership.by_member_type.employee).toMatchObject({ at_start: 2, joined: 2, left: 0, at_end: 4 });
    expect(q1.membership.by_member_type.contractor).toMatchObject({ at_start: 2, joined: 0, left: 1, at_end: 1 });
    // Agencies with members on 2022-12-31: One (m1 m2), Two (m3), Town of Y (m4), unmapped.gov (m5).
    expect(q1.agencies.count).toBe(4);
    expect(q1.events.by_type.find((g) => g.key === 'community_meeting')).toMatchObject({ unique_attendees: 3, unique_member_attendees: 2 });
    expect(q1.methods[0]).toContain('This report covers Q1 of the fiscal year (October to December: 2022-10-01 to 2022-12-31)');

    expect(pick(await annual(t, '--quarter', 'q2'))).toEqual({ at_start: 5, joined: 0, left: 1, at_end: 4, growth_pct: -20, events: 0, attendances: 0, unique_attendees: 0, unique_member_attendees: 0, responses: 0, csat_pct: null, nps: null });
    expect(pick(await annual(t, '--quarter', '3'))).toEqual({ at_start: 4, joined: 0, left: 0, at_end: 4, growth_pct: 0, events: 0, attendances: 0, unique_attendees: 0, unique_member_attendees: 0, responses: 0, csat_pct: null, nps: null });
    // The September training: m1 (a member) and e; one score, 3; NPS 7 (a passive): 0.
    expect(pick(await annual(t, '--quarter', 'Q4'))).toEqual({ at_start: 4, joined: 0, left: 1, at_end: 3, growth_pct: -25, events: 1, attendances: 2, unique_attendees: 2, unique_member_attendees: 1, responses: 1, csat_pct: 0, nps: 0 });
  });

  it('the quarters add up to the year: joins, departures, events, attendances, responses; Q1 starts and Q4 ends with the year', async () => {
    const t = await fixtureDb();
    const year = await annual(t);
    const qs: Json[] = [];
    for (const q of ['Q1', 'Q2', 'Q3', 'Q4']) qs.push(await annual(t, '--quarter', q));
    const sum = (f: (j: Json) => number) => qs.reduce((n, j) => n + f(j), 0);
    expect([sum((j) => j.membership.joined), sum((j) => j.membership.left), sum((j) => j.events.count), sum((j) => j.events.attendances), sum((j) => j.events.registrations), sum((j) => j.events.satisfaction.responses)]).toEqual([
      year.membership.joined,
      year.membership.left,
      year.events.count,
      year.events.attendances,
      year.events.registrations,
      year.events.satisfaction.responses,
    ]);
    expect([2, 3, 2, 5, 4]).toEqual([year.membership.joined, year.membership.left, year.events.count, year.events.attendances, year.events.satisfaction.responses]);
    expect([qs[0]?.membership.at_start, qs[3]?.membership.at_end]).toEqual([year.membership.at_start, year.membership.at_end]);
    // Each quarter ends where the next begins.
    for (let i = 1; i < 4; i++) expect(qs[i]?.membership.at_start).toBe(qs[i - 1]?.membership.at_end);
    // The annual report's own split by quarter says the same.
    expect(year.membership.by_quarter).toEqual([
      { key: 'Q1', joined: 2, rejoined: 0, left: 1 },
      { key: 'Q2', joined: 0, rejoined: 0, left: 1 },
      { key: 'Q3', joined: 0, rejoined: 0, left: 0 },
      { key: 'Q4', joined: 0, rejoined: 0, left: 1 },
    ]);
    expect(year.membership.by_quarter.map((q) => q.joined)).toEqual(qs.map((j) => j.membership.joined));
    expect(year.membership.by_quarter.map((q) => q.left)).toEqual(qs.map((j) => j.membership.left));
  });

  it('the annual report has a by-quarter table in every format, totals row = the year, with --compare', async () => {
    const t = await fixtureDb();
    const md = await t.run(['report', 'annual', '--fy', '2023', '--format', 'md']);
    expect(md.stdout).toContain('## By quarter');
    expect(md.stdout).toContain('| Quarter | Joined | Left | Events | Attended | Responses | CSAT | NPS |');
    expect(md.stdout).toContain('| Q1 | 2 | 1 | 1 | 3 | 3 | 66.7% | 33.3 |');
    expect(md.stdout).toContain('| Q2 | 0 | 1 | 0 | 0 | 0 | n/a | n/a |');
    expect(md.stdout).toContain('| Q4 | 0 | 1 | 1 | 2 | 1 | 0.0% | 0.0 |');
    expect(md.stdout).toContain('| Year | 2 | 3 | 2 | 5 | 4 | 50.0% | 25.0 |');
    const html = await t.run(['report', 'annual', '--fy', '2023', '--format', 'html']);
    expect(html.stdout).toContain('>By quarter</h2>');
    expect(html.stdout).toMatch(/<td[^>]*>Year<\/td>/);
    // FY 2022: m1 joined and m7 left on 30 September (Q4); the workshop that day, score 4, no NPS.
    const cmp = await t.run(['report', 'annual', '--fy', '2023', '--compare', '--format', 'table']);
    // The last Q4 line: the by-quarter table comes after the events by quarter.
    const line = cmp.stdout.split('\n').filter((l) => l.startsWith('Q4 ')).at(-1);
    expect(line?.split(/\s{2,}/)).toEqual(['Q4', '0', '1', '-1', '1', '1', '0', '1', '1', '0', '2', '1', '+1', '1', '1', '0', '0.0%', '100.0%', '-100.0 pts', '0.0', 'n/a', 'n/a']);
  });

  it('--compare with --quarter gives the same quarter a year earlier; csv rows name the quarter', async () => {
    const t = await fixtureDb();
    const j = await annual(t, '--quarter', 'Q4', '--compare');
    expect([j.previous?.fiscal_year, j.previous?.quarter, j.previous?.period]).toEqual([2022, 'Q4', { start: '2022-07-01', end: '2022-09-30' }]);
    // FY 2022 Q4: m3 m4 m7 m8 on 2022-06-30; m1 joined and m7 left on 09-30.
    expect(j.previous && pick(j.previous)).toEqual({ at_start: 4, joined: 1, left: 1, at_end: 4, growth_pct: 0, events: 1, attendances: 1, unique_attendees: 1, unique_member_attendees: 0, responses: 1, csat_pct: 100, nps: null });
    const csv = await t.run(['report', 'membership', '--fy', '2023', '--quarter', 'Q4', '--format', 'csv']);
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe('row_type,fiscal_year,fiscal_quarter,segment,value,at_start,joined,rejoined,left,moved_in,moved_out,at_end,growth_pct');
    expect(lines.at(-2)).toBe('total,2023,Q4,all,all,4,0,0,1,0,0,3,-25');
  });

  it('a quarter of a closed year is computed from today\'s data, and says so', async () => {
    const t = await fixtureDb();
    expect((await t.run(['report', 'close', '--fy', '2023'])).code).toBe(0);
    const live = await annual(t, '--quarter', 'Q1');
    const r = await t.run(['report', 'annual', '--fy', '2023', '--quarter', 'Q1', '--format', 'json']);
    expect(r.stderr).toBe("FY 2023 was closed on 2026-11-23; its stored figures are annual, so Q1 is computed from today's data\n");
    const j = JSON.parse(r.stdout) as Json;
    expect([j.closed_on, j.note, j.restated]).toEqual(['2026-11-23', "FY 2023 was closed on 2026-11-23; its stored figures are annual, so Q1 is computed from today's data", undefined]);
    expect(pick(j)).toEqual(pick(live));
    expect(pick(j).at_end).toBe(5);
    const md = await t.run(['report', 'membership', '--fy', '2023', '--quarter', 'Q1', '--format', 'md']);
    expect(md.stdout).toContain("FY 2023 was closed on 2026-11-23; its stored figures are annual, so Q1 is computed from today's data.");
    expect(md.stdout.split('\n')[0]).toBe('# AI Community of Practice: FY 2023 Q1 report');
  });

  it('a bad --quarter is a usage error (exit 2) naming the quarters', async () => {
    const t = await fixtureDb();
    const r = await t.run(['report', 'events', '--fy', '2023', '--quarter', 'Q5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--quarter "Q5" is not a fiscal quarter; use Q1 (October-December), Q2 (January-March), Q3 (April-June) or Q4 (July-September)');
    expect(r.stdout).toBe('');
  });

  it('through bin/aicop.js: report events --quarter Q4 as csv', async () => {
    const t = await fixtureDb();
    const r = await spawnAicop(['--db', t.dbPath, 'report', 'events', '--fy', '2023', '--quarter', 'Q4', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\r\n').slice(0, 3)).toEqual([
      'row_type,fiscal_year,fiscal_quarter,id,title,type,held_on,series,track,government_wide,events,registrations,attendances,unique_attendees,unique_member_attendees,responses,response_rate,mean,csat_pct,nps',
      'detail,2023,Q4,2023-09-TR,Technical training,training,2023-09-30,,Technical,no,1,2,2,2,,1,50,3,0,0',
      'total,2023,Q4,,All events,,,,,,1,2,2,2,1,1,50,3,0,0',
    ]);
  });
});
