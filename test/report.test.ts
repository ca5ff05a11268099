import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpTables, spawnAicop, tempDb, BIN } from './helpers.js';
import { seedFixture } from './report-fixture.js';
import { METHODS } from '../src/report/model.js';

/*
 * Fixture (test/report-fixture.ts), FY 2023 = 2022-10-01 … 2023-09-30, day before = 2022-09-30:
 *   m1 joined 2022-09-30            → at_start, at_end            (Agency One, federal, employee)
 *   m2 joined 2022-10-01            → joined, at_end              (Agency One, federal, employee)
 *   m3 2021-05-01 … left 2023-09-30 → at_start, left (last day)   (Agency Two, federal, contractor)
 *   m4 2021-05-01 … left 2023-10-01 → at_start, at_end            (Town of Y, local, employee)
 *   m5 2022-11-15 … left 2023-03-01 → joined and left in the FY   (unmapped.gov, unknown, employee)
 *   m6 joined 2023-10-01            → FY 2024 only
 *   m7 2020-01-01 … left 2022-09-30 → FY 2022 only
 *   m8 2020-01-01 … left 2022-10-01 → at_start, left (first day)  (Town of Y, local, contractor)
 * at_start 4 (m1 m3 m4 m8), joined 2 (m2 m5), left 3 (m3 m5 m8), at_end 3 (m1 m2 m4): -25.0%.
 */
const flow = (at_start: number, joined: number, left: number, at_end: number) => ({ at_start, joined, rejoined: 0, left, at_end });
/** A breakdown row: nobody in the fixture changed type or level, so nothing moved. */
const bflow = (at_start: number, joined: number, left: number, at_end: number) => ({ ...flow(at_start, joined, left, at_end), moved_in: 0, moved_out: 0 });
const zero = flow(0, 0, 0, 0);
const qflow = (key: string, joined = 0, left = 0) => ({ key, joined, rejoined: 0, left });
const bzero = bflow(0, 0, 0, 0);
const grp = (group: string, members_at_end = 0, joined_in_fy = 0) => ({ group, members_at_end, joined_in_fy });
const WG = ['Event Planning', 'Community Outreach', 'External Collaborations', 'Tools and Resources'];
const PA = ['Generative AI', 'Reinforcement Learning', 'AI Security', 'Natural Language Processing', 'Computer Vision'];
const types = (o: Record<string, number>) => ({ community_meeting: 0, training: 0, challenge: 0, workshop: 0, webinar: 0, ...o });
const ALL_METHODS = [...METHODS.membership, ...METHODS.agencies, ...METHODS.groups, ...METHODS.events];

/** One pooled group of events (by type, series, track or quarter). */
const eg = (key: string | null, events = 0, registrations = 0, attendances = 0, responses = 0, mean: number | null = null, csat_pct: number | null = null, response_rate: number | null = null, nps: number | null = null, unique_attendees = 0, unique_member_attendees = 0) => ({
  key, events, registrations, attendances, unique_attendees, unique_member_attendees, responses, mean, csat_pct, response_rate, nps,
});
// FY 2023's two events: 2022-10-CM (a community meeting in October, Q1, no track: 3 registered,
// 3 attended, scores 5 4 2, NPS 10 9 3) and 2023-09-TR (training in September, Q4, Technical:
// 2 and 2, score 3, NPS 7). Pooled, each group's figures are its events' figures. Unique
// attendees: CM m1, m2 and d (m1 and m2 members on 2022-10-01); TR m1 and e (m1 a member).
const CM = [1, 3, 3, 3, 3.67, 66.7, 100, 33.3, 3, 2] as const;
const TR = [1, 2, 2, 1, 3, 0, 50, 0, 2, 1] as const;
const EVENT_TYPE_KEYS = ['community_meeting', 'training', 'challenge', 'workshop', 'webinar'] as const;

const FY2023 = {
  fiscal_year: 2023,
  period: { start: '2022-10-01', end: '2023-09-30' },
  membership: {
    ...flow(4, 2, 3, 3),
    growth_pct: -25,
    by_member_type: { employee: bflow(2, 2, 1, 3), contractor: bflow(2, 0, 2, 0) },
    by_level: { federal: bflow(2, 1, 1, 2), state: bzero, local: bflow(2, 0, 1, 1), tribal: bzero, interstate: bzero, unknown: bflow(0, 1, 1, 0) },
    // m2 and m5 joined in Q1 (October, November), m8 left in Q1, m5 in Q2 (March), m3 in Q4.
    by_quarter: [qflow('Q1', 2, 1), qflow('Q2', 0, 1), qflow('Q3'), qflow('Q4', 0, 1)],
  },
  agencies: {
    by: 'agency',
    count: 2,
    rows: [
      { agency: 'Agency One', organization: 'Dept X', level: 'federal', members_at_end: 2, joined_in_fy: 1 },
      { agency: 'Town of Y', organization: null, level: 'local', members_at_end: 1, joined_in_fy: 0 },
      { agency: 'unmapped.gov', organization: null, level: 'unknown', members_at_end: 0, joined_in_fy: 1 },
    ],
  },
  groups: {
    // Event Planning: m1 (assigned before the FY) and m2 at end; m2 and m5 assigned in the FY.
    working_groups: WG.map((g) => (g === 'Event Planning' ? grp(g, 2, 2) : grp(g))),
    // Generative AI: m3 left on the last day, m4 removed on the last day → 0; AI Security: m4 removed 10-01 → 1.
    practice_areas: PA.map((g) => (g === 'AI Security' ? grp(g, 1, 1) : grp(g))),
  },
  events: {
    count: 2,
    count_by_type: types({ community_meeting: 1, training: 1 }),
    government_wide: 1,
    registrations: 5,
    attendances: 5,
    unique_attendees: 4,
    unique_member_attendees: 2,
    // scores 5, 4, 2, 3: mean 3.5, top-2-box 2/4; 4 responses / 5 attendances; NPS 10, 9, 3, 7 → (2-1)/4.
    satisfaction: { responses: 4, counts: { '1': 0, '2': 1, '3': 1, '4': 1, '5': 1 }, mean: 3.5, csat_pct: 50 },
    response_rate: 80,
    nps_responses: 4,
    nps: 25,
    by_type: EVENT_TYPE_KEYS.map((t) => (t === 'community_meeting' ? eg(t, ...CM) : t === 'training' ? eg(t, ...TR) : eg(t))),
    // Both events without a series: one group, the year's totals (m1 attended both: 4 people).
    by_series: [eg(null, 2, 5, 5, 4, 3.5, 50, 80, 25, 4, 2)],
    by_track: [eg('Acquisition'), eg('Leadership'), eg('Technical', ...TR), eg(null, ...CM)],
    // Q1 + Q2 + Q3 + Q4 = 2 events, 5 registrations, 5 attendances, 4 responses: the year.
    by_quarter: [eg('Q1', ...CM), eg('Q2'), eg('Q3'), eg('Q4', ...TR)],
    rows: [
      { id: '2022-10-CM', title: 'October <community> meeting', type: 'community_meeting', held_on: '2022-10-01', series: null, track: null, government_wide: true, registrations: 3, attendances: 3, responses: 3, mean: 3.67, csat_pct: 66.7, nps: 33.3 },
      { id: '2023-09-TR', title: 'Technical training', type: 'training', held_on: '2023-09-30', series: null, track: 'Technical', government_wide: false, registrations: 2, attendances: 2, responses: 1, mean: 3, csat_pct: 0, nps: 0 },
    ],
  },
  methods: ALL_METHODS,
};

// FY 2022 (2021-10-01 … 2022-09-30): at_start m3 m4 m7 m8, joined m1 (on 09-30), left m7 (on 09-30), at_end m1 m3 m4 m8.
const FY2022 = {
  fiscal_year: 2022,
  period: { start: '2021-10-01', end: '2022-09-30' },
  membership: {
    ...flow(4, 1, 1, 4),
    growth_pct: 0,
    by_member_type: { employee: bflow(2, 1, 1, 2), contractor: bflow(2, 0, 0, 2) },
    by_level: { federal: bflow(2, 1, 1, 2), state: bzero, local: bflow(2, 0, 0, 2), tribal: bzero, interstate: bzero, unknown: bzero },
    // m1 joined and m7 left on 30 September 2022: Q4.
    by_quarter: [qflow('Q1'), qflow('Q2'), qflow('Q3'), qflow('Q4', 1, 1)],
  },
  agencies: {
    by: 'agency',
    count: 3,
    rows: [
      { agency: 'Town of Y', organization: null, level: 'local', members_at_end: 2, joined_in_fy: 0 },
      { agency: 'Agency One', organization: 'Dept X', level: 'federal', members_at_end: 1, joined_in_fy: 1 },
      { agency: 'Agency Two', organization: 'Dept X', level: 'federal', members_at_end: 1, joined_in_fy: 0 },
    ],
  },
  groups: {
    // m1 was put in Event Planning on 2022-09-01, before joining on 09-30: in the group at the
    // year's end, but the assignment did not begin while a member (SPEC §8).
    working_groups: WG.map((g) => (g === 'Event Planning' ? grp(g, 1, 0) : grp(g))),
    practice_areas: PA.map((g) => (g === 'Generative AI' ? grp(g, 2, 2) : grp(g))),
  },
  events: {
    count: 1,
    count_by_type: types({ workshop: 1 }),
    government_wide: 0,
    registrations: 1,
    attendances: 1,
    unique_attendees: 1,
    // m2 attended the 2022-09-30 workshop and joined the next day: not a member on its date.
    unique_member_attendees: 0,
    satisfaction: { responses: 1, counts: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 0 }, mean: 4, csat_pct: 100 },
    response_rate: 100,
    nps_responses: 0,
    nps: null,
    // The workshop of 30 September 2022: Q4, no series, no track; one score 4, no NPS.
    by_type: EVENT_TYPE_KEYS.map((t) => (t === 'workshop' ? eg(t, 1, 1, 1, 1, 4, 100, 100, null, 1, 0) : eg(t))),
    by_series: [eg(null, 1, 1, 1, 1, 4, 100, 100, null, 1, 0)],
    by_track: [eg('Acquisition'), eg('Leadership'), eg('Technical'), eg(null, 1, 1, 1, 1, 4, 100, 100, null, 1, 0)],
    by_quarter: [eg('Q1'), eg('Q2'), eg('Q3'), eg('Q4', 1, 1, 1, 1, 4, 100, 100, null, 1, 0)],
    rows: [
      { id: '2022-09-WS', title: 'Prompting workshop', type: 'workshop', held_on: '2022-09-30', series: null, track: null, government_wide: false, registrations: 1, attendances: 1, responses: 1, mean: 4, csat_pct: 100, nps: null },
    ],
  },
};

async function fixtureDb() {
  const t = tempDb();
  expect((await t.run(['init'])).code).toBe(0);
  seedFixture(t.dbPath);
  return t;
}

describe('report annual', () => {
  it('--format json gives exactly the hand-computed FY 2023 figures', async () => {
    const t = await fixtureDb();
    const r = await t.run(['report', 'annual', '--fy', '2023', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(FY2023);
    // key order as SPEC §8
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['fiscal_year', 'period', 'membership', 'agencies', 'groups', 'events', 'methods']);
  });

  it('--compare adds the previous FY', async () => {
    const t = await fixtureDb();
    const r = await t.run(['report', 'annual', '--fy', 'FY2023', '--compare', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ...FY2023, previous: FY2022 });
  });

  it('reads without writing: the database is unchanged', async () => {
    const t = await fixtureDb();
    const before = dumpTables(t.dbPath);
    expect((await t.run(['report', 'annual', '--fy', '2023', '--compare', '--format', 'md'])).code).toBe(0);
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('an FY before any data is all zeros with null ratios', async () => {
    const t = await fixtureDb();
    const r = await t.run(['report', 'annual', '--fy', '2010', '--compare', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const empty = {
      membership: {
        ...zero,
        growth_pct: null,
        by_member_type: { employee: bzero, contractor: bzero },
        by_level: { federal: bzero, state: bzero, local: bzero, tribal: bzero, interstate: bzero, unknown: bzero },
        by_quarter: [qflow('Q1'), qflow('Q2'), qflow('Q3'), qflow('Q4')],
      },
      agencies: { by: 'agency', count: 0, rows: [] },
      groups: { working_groups: WG.map((g) => grp(g)), practice_areas: PA.map((g) => grp(g)) },
      events: {
        count: 0,
        count_by_type: types({}),
        government_wide: 0,
        registrations: 0,
        attendances: 0,
        unique_attendees: 0,
        unique_member_attendees: 0,
        satisfaction: { responses: 0, counts: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 }, mean: null, csat_pct: null },
        response_rate: null,
        nps_responses: 0,
        nps: null,
        by_type: EVENT_TYPE_KEYS.map((t) => eg(t)),
        by_series: [],
        by_track: [eg('Acquisition'), eg('Leadership'), eg('Technical')],
        by_quarter: [eg('Q1'), eg('Q2'), eg('Q3'), eg('Q4')],
        rows: [],
      },
    };
    expect(j).toEqual({ fiscal_year: 2010, period: { start: '2009-10-01', end: '2010-09-30' }, ...empty, methods: ALL_METHODS, previous: { fiscal_year: 2009, period: { start: '2008-10-01', end: '2009-09-30' }, ...empty } });
    expect(r.stdout).not.toMatch(/NaN|Infinity/);
    for (const f of ['md', 'table', 'html']) {
      const o = await t.run(['report', 'annual', '--fy', '2010', '--format', f]);
      expect(o.code).toBe(0);
      expect(o.stdout).not.toMatch(/NaN|Infinity|undefined/);
    }
  });

  it('an empty database reports zeros, growth_pct null', async () => {
    const t = tempDb();
    const r = await t.run(['report', 'membership', '--fy', '2023', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).membership).toMatchObject({ ...zero, growth_pct: null });
  });
});

describe('--fy', () => {
  it.each([
    ['current', 2027, '2026-10-01', '2027-09-30'],
    ['previous', 2026, '2025-10-01', '2026-09-30'],
  ])('--fy %s with the clock at 2026-11-23', async (arg, fy, start, end) => {
    const t = await fixtureDb();
    const r = await t.run(['report', 'membership', '--fy', arg, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.fiscal_year).toBe(fy);
    expect(j.period).toEqual({ start, end });
    // everyone still active (m1, m2, m6) counts at both ends of FY 2026 and FY 2027
    expect(j.membership).toMatchObject(flow(3, 0, 0, 3));
  });

  it.each([
    [['report', 'annual', '--fy', 'next'], /--fy "next" is not a fiscal year/],
    [['report', 'annual', '--fy', '23'], /--fy "23" is not a fiscal year/],
    [['report', 'events'], /report events needs --fy/],
    [['report', 'groups', '--fy', '2023', '--by', 'agency'], /unknown option '--by'/],
    [['report', 'agencies', '--fy', '2023', '--by', 'state'], /--by/],
    [['report', 'annual', '--fy', '2023', '--format', 'csv'], /--format csv is not offered/],
  ])('%j is a usage error (exit 2) and writes nothing', async (argv, message) => {
    const t = await fixtureDb();
    const before = dumpTables(t.dbPath);
    const r = await t.run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(dumpTables(t.dbPath)).toBe(before);
  });
});

describe('report formats', () => {
  it('membership --format md is exactly this', async () => {
    const t = await fixtureDb();
    const r = await t.run(['report', 'membership', '--fy', '2023', '--compare', '--format', 'md']);
    expect(r.code).toBe(0);
    // Compared figures: this year, the previous year and the change, hand-checked member by member
    // (FY 2022: at start m3, m4, m7, m8; m1 joins on 30 Sep 2022; m7 leaves that day).
    expect(r.stdout).toBe(`# AI Community of Practice: FY 2023 report

**FY 2023: 3 members**

FY 2022: 4 members

Fiscal year 2023: 2022-10-01 to 2023-09-30. Compared with FY 2022 (2021-10-01 to 2022-09-30).

## Membership

**Members**

| Measure | FY 2023 | FY 2022 | Change |
| --- | ---: | ---: | ---: |
| Members at start | 4 | 4 | 0 |
| Joined | 2 | 1 | +1 |
| of whom rejoined | 0 | 0 | 0 |
| Left | 3 | 1 | +2 |
| Members at end | 3 | 4 | -1 |
| Growth | -25.0% | 0.0% | -25.0 pts |

**By member type**

| Member type | Members at start FY 2023 | FY 2022 | Change | Joined FY 2023 | FY 2022 | Change | Rejoined FY 2023 | FY 2022 | Change | Left FY 2023 | FY 2022 | Change | Moved in FY 2023 | FY 2022 | Change | Moved out FY 2023 | FY 2022 | Change | Members at end FY 2023 | FY 2022 | Change |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| Employee | 2 | 2 | 0 | 2 | 1 | +1 | 0 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 3 | 2 | +1 |
| Contractor | 2 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 2 | 0 | +2 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 2 | -2 |

**By level of government**

| Level | Members at start FY 2023 | FY 2022 | Change | Joined FY 2023 | FY 2022 | Change | Rejoined FY 2023 | FY 2022 | Change | Left FY 2023 | FY 2022 | Change | Moved in FY 2023 | FY 2022 | Change | Moved out FY 2023 | FY 2022 | Change | Members at end FY 2023 | FY 2022 | Change |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| Federal | 2 | 2 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 2 | 2 | 0 |
| State | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| Local | 2 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 0 | +1 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 2 | -1 |
| Tribal | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| Interstate | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| Unknown (not in the directory) | 0 | 0 | 0 | 1 | 0 | +1 | 0 | 0 | 0 | 1 | 0 | +1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |

## Methods

- Membership is kept as periods: a member who leaves and later comes back has two periods, and the first one and its departure stay in the history.
- A person counts as a member on a given day when one of their periods covers that day: it began on or before the day and had not ended by it.
- Members at start is the count on the day before the fiscal year begins (30 September); members at end is the count on its last day (the next 30 September).
- Joined and left by quarter split the year’s joins and departures by the quarter they happened in (Q1 is October to December), so the four quarters add up to the year.
- Joined counts the periods that began during the year (rejoined: former members coming back); left counts the periods that ended during it. So members at end = members at start + joined - left.
- Member type and agency can change over time: each figure uses the values in force on the day it counts (the last day for members at end, the join date for joins, the leaving date for departures).
- In the breakdowns by member type and level, moved in and moved out count members whose type or level changed during the year while they stayed members, so each row adds up as at end = at start + joined - left + moved in - moved out.
- Growth is the change in members from the start to the end of the year, as a share of the members at the start, to one decimal place. It is not given when the year started with no members.
- The level of government comes from the agency of the member’s email address; "unknown" covers addresses whose domain is not in the agency directory.
- n/a marks a figure that cannot be computed, for example an average satisfaction with no survey answers.
- Change is this year’s figure minus the previous year’s; for percentages it is in percentage points (pts).
`);
  });

  it('agencies --by organization --compare --format csv: the previous year and the change beside every figure, a totals row', async () => {
    const t = await fixtureDb();
    const r = await t.run(['report', 'agencies', '--fy', '2023', '--by', 'organization', '--compare', '--format', 'csv']);
    expect(r.code).toBe(0);
    // unmapped.gov had no row in FY 2022: its previous figures are 0. Totals: agencies with
    // members at end (2 against 3), members 3 against 4, joins 2 against 1.
    expect(r.stdout).toBe(
      [
        'row_type,fiscal_year,organization,level,agencies,agencies_previous,agencies_change,members_at_end,members_at_end_previous,members_at_end_change,joined_in_fy,joined_in_fy_previous,joined_in_fy_change',
        'detail,2023,Dept X,federal,1,2,-1,2,2,0,1,1,0',
        'detail,2023,Town of Y,local,1,1,0,1,2,-1,0,0,0',
        'detail,2023,unmapped.gov,unknown,0,0,0,0,0,0,1,0,1',
        'total,2023,All organizations,,2,3,-1,3,4,-1,2,1,1',
        '',
      ].join('\r\n'),
    );
  });

  it('events --format csv ends with the year totals (unique attendees, pooled satisfaction, NPS), marked row_type total', async () => {
    const t = await fixtureDb();
    const r = await t.run(['report', 'events', '--fy', '2023', '--format', 'csv']);
    expect(r.code).toBe(0);
    // Scores 5, 4, 2 (2022-10-CM) and 3 (2023-09-TR): mean 3.5, CSAT 2/4, NPS answers 10, 9, 3, 7:
    // (2 - 1) / 4 = 25. Attendees m1, m2, d, e: 4, of whom members m1 and m2.
    expect(r.stdout).toBe(
      [
        'row_type,fiscal_year,id,title,type,held_on,series,track,government_wide,events,registrations,attendances,unique_attendees,unique_member_attendees,responses,response_rate,mean,csat_pct,nps',
        'detail,2023,2022-10-CM,October <community> meeting,community_meeting,2022-10-01,,,yes,1,3,3,3,,3,100,3.67,66.7,33.3',
        'detail,2023,2023-09-TR,Technical training,training,2023-09-30,,Technical,no,1,2,2,2,,1,50,3,0,0',
        'total,2023,,All events,,,,,,2,5,5,4,2,4,80,3.5,50,25',
        '',
      ].join('\r\n'),
    );
    const c = await t.run(['report', 'events', '--fy', '2023', '--compare', '--format', 'csv']);
    const lines = c.stdout.trimEnd().split('\r\n');
    const head = (lines[0] ?? '').split(',');
    const total = (lines.at(-1) ?? '').split(',');
    const at = (k: string) => total[head.indexOf(k)];
    // FY 2022: one workshop, one attendee (a member) scoring 4, no NPS.
    expect([at('unique_attendees'), at('unique_attendees_previous'), at('unique_attendees_change')]).toEqual(['4', '1', '3']);
    expect([at('csat_pct'), at('csat_pct_previous'), at('csat_pct_change')]).toEqual(['50', '100', '-50']);
    expect([at('mean'), at('mean_previous'), at('mean_change')]).toEqual(['3.5', '4', '-0.5']);
    expect([at('nps'), at('nps_previous'), at('nps_change')]).toEqual(['25', '', '']);
  });

  it('piped default is csv for a section and md for annual; -o picks the format from its extension', async () => {
    const t = await fixtureDb();
    expect((await t.run(['report', 'events', '--fy', '2023'])).stdout.split('\r\n')[0]).toBe(
      'row_type,fiscal_year,id,title,type,held_on,series,track,government_wide,events,registrations,attendances,unique_attendees,unique_member_attendees,responses,response_rate,mean,csat_pct,nps',
    );
    expect((await t.run(['report', 'annual', '--fy', '2023'])).stdout.startsWith('# AI Community of Practice: FY 2023 report\n')).toBe(true);
    const r = await t.run(['report', 'groups', '--fy', '2023', '-o', 'groups.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(path.join(t.dir, 'groups.json'), 'utf8')).groups).toEqual(FY2023.groups);
  });

  it('table on a terminal aligns numbers right', async () => {
    const t = await fixtureDb();
    const r = await t.run(['--no-color', 'report', 'groups', '--fy', '2023'], { tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        'Working group                     Members at end  Joined in FY',
        'Event Planning                                 2             2',
        'Community Outreach                             0             0',
        'External Collaborations                        0             0',
        'Tools and Resources                            0             0',
        'All working groups (assignments)               2             2',
      ].join('\n'),
    );
  });

  it('annual --format html is one self-contained, escaped file with six SVG charts', async () => {
    const t = await fixtureDb();
    const r = await t.run(['report', 'annual', '--fy', '2023', '--compare', '-o', 'fy2023.html']);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(path.join(t.dir, 'fy2023.html'), 'utf8');
    expect(html.match(/<figure class="chart"[^>]*><svg /g)?.length).toBe(6);
    expect(html).toContain('October &lt;community&gt; meeting (2022-10-CM)');
    expect(html).not.toContain('<community>');
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import/i);
    expect(html).toContain('@media print');
    expect(html).toContain('Generated by aicop on 2026-11-23.');
  });
});

describe('end to end', () => {
  it.skipIf(!fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'cli', 'commands', 'report', 'index.js')))(
    'bin/aicop.js report annual --format json matches the in-process result',
    async () => {
      const t = await fixtureDb();
      const r = await spawnAicop(['--db', t.dbPath, 'report', 'annual', '--fy', '2023', '--format', 'json'], { cwd: t.dir });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(FY2023);
    },
  );
});
