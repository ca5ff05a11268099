import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDb, tempDb, writeFile } from './helpers.js';
import { seedFixture } from './report-fixture.js';
import { openDatabase, type Db } from '../src/db/open.js';
import { MIGRATIONS } from '../src/db/migrations/index.js';
import { ROLLUP_CONTENTS } from '../src/db/rollups.js';
import { REFERENCE_QUERIES, reportStatements } from '../src/db/report-repo.js';
import { produceReport } from '../src/report/load.js';
import type { Section } from '../src/report/model.js';
import { QUARTERS } from '../src/core/fiscal-year.js';

// The fiscal-year rollups of migration 009 against their definition: after any sequence of
// writes through the real commands (imports, undo, members update/remove, group assignments,
// agency re-mapping) and the FK actions of direct deletes, every rollup table holds exactly what
// ROLLUP_CONTENTS computes from the base tables, and the report read from the rollups equals the
// report computed by the base-table reference queries, for several fiscal years.

const FYS = [2021, 2022, 2023, 2024, 2025];
const SECTIONS: readonly Section[] = ['membership', 'agencies', 'groups', 'events'];

const rowsOf = (db: Db, sql: string) => (db.prepare(sql).raw().all() as unknown[][]).map((r) => JSON.stringify(r)).sort();

/** Every rollup table holds exactly what its definition computes from the base tables. */
function expectTablesExact(db: Db, after: string): void {
  for (const [table, select] of Object.entries(ROLLUP_CONTENTS)) {
    expect(rowsOf(db, `SELECT * FROM ${table}`), `${table} after ${after}`).toEqual(rowsOf(db, select));
  }
}

/** Rollup tables equal their definition, and rollup-based reports equal the reference ones. */
function expectRollupsExact(dbPath: string, after = 'the writes'): void {
  const db = openDb(dbPath);
  try {
    expectTablesExact(db, after);
    for (const fy of FYS) {
      for (const by of ['agency', 'organization'] as const) {
        const req = { fy, sections: SECTIONS, compare: true, by };
        expect(produceReport(db, req), `FY ${fy} by ${by} after ${after}`).toEqual(produceReport(db, { ...req, queries: REFERENCE_QUERIES }));
        // A quarter reads the rollups and index ranges (QUARTER_QUERIES): the base tables' figures exactly.
        for (const quarter of QUARTERS) {
          expect(produceReport(db, { ...req, quarter }), `FY ${fy} ${quarter} by ${by} after ${after}`).toEqual(produceReport(db, { ...req, quarter, queries: REFERENCE_QUERIES }));
        }
      }
    }
  } finally {
    db.close();
  }
}

function sql(dbPath: string, text: string, ...params: unknown[]): void {
  const db = openDb(dbPath);
  try {
    db.prepare(text).run(...params);
  } finally {
    db.close();
  }
}

function count(dbPath: string, text: string): number {
  const db = openDb(dbPath);
  try {
    return db.prepare(text).pluck().get() as number;
  } finally {
    db.close();
  }
}

// Dates on both sides of fiscal-year boundaries.
const DATES = ['2020-10-01', '2021-09-30', '2021-10-01', '2022-06-15', '2022-09-30', '2022-10-01', '2023-03-01', '2023-09-30', '2023-10-01', '2024-09-30', '2024-10-01'];
const EMAILS = ['ann@gsa.gov', 'bob@gsa.gov', 'cy@nasa.gov', 'dee@epa.gov', 'eve@town.gov', 'fay@town.gov'];
const GUESTS = ['guest@other.gov', 'walk.in@gmail.com'];
const GROUPS = ['Event Planning', 'Community Outreach', 'Generative AI', 'AI Security'];
const EVENTS = ['E1', 'E2', 'E3'];
const EVENT_TYPES = ['community_meeting', 'training', 'workshop'];

const date = fc.constantFrom(...DATES);
const now = date.map((d) => `${d}T12:00:00Z`);
const email = fc.constantFrom(...EMAILS);
const group = fc.constantFrom(...GROUPS);
const opt = <T,>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const rosterRow = fc.record({ email, type: opt(fc.constantFrom('employee', 'contractor')), joined: opt(date), wg: opt(fc.constantFrom(...GROUPS.slice(0, 2))), pa: opt(fc.constantFrom(...GROUPS.slice(2))) });
const roster = fc.record({ kind: fc.constant('roster' as const), rows: fc.array(rosterRow, { minLength: 1, maxLength: 5 }), sync: fc.boolean(), now });
const SERIES = ['AI Training Series', 'Leaders Forum'];
const TRACKS = ['Acquisition', 'Technical'];
const eventRow = fc.record({ id: fc.constantFrom(...EVENTS), held: date, type: fc.constantFrom(...EVENT_TYPES), series: opt(fc.constantFrom(...SERIES)), track: opt(fc.constantFrom(...TRACKS)) });
const events = fc.record({
  kind: fc.constant('events' as const),
  rows: fc.array(eventRow, { minLength: 1, maxLength: 3 }),
});
const attendance = fc.record({
  kind: fc.constant('attendance' as const),
  rows: fc.array(
    fc.record({ event: fc.constantFrom(...EVENTS), email: fc.constantFrom(...EMAILS, ...GUESTS), registered: fc.boolean(), attended: fc.boolean(), sat: opt(fc.integer({ min: 1, max: 5 })), nps: opt(fc.integer({ min: 0, max: 10 })) }),
    { minLength: 1, maxLength: 6 },
  ),
});

/** A starting point every run builds on: all six people, three events, some attendance (three undoable batches). */
const start = fc.tuple(
  fc.record({ kind: fc.constant('roster' as const), rows: fc.tuple(...EMAILS.map((e) => rosterRow.map((r) => ({ ...r, email: e })))), sync: fc.constant(false), now }),
  fc.record({ kind: fc.constant('events' as const), rows: fc.tuple(...EVENTS.map((id) => eventRow.map((r) => ({ ...r, id })))) }),
  attendance,
);

const op = fc.oneof(
  { arbitrary: roster, weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('undo' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('update' as const), email, joined: opt(date), left: opt(fc.oneof(date, fc.constant('none'))), type: opt(fc.constantFrom('employee', 'contractor')), now }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), email, purge: fc.boolean(), now }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('assign' as const), email, group, now }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('unassign' as const), email, group, now }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('agency' as const), domain: fc.constantFrom('town.gov', 'gsa.gov'), name: fc.nat(2), level: fc.constantFrom('state', 'local', 'federal') }), weight: 2 },
  { arbitrary: events, weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('series' as const), id: fc.constantFrom(...EVENTS), series: fc.constantFrom(...SERIES, 'none') }), weight: 1 },
  { arbitrary: attendance, weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), what: fc.constantFrom('event', 'agency', 'member'), pick: fc.nat() }), weight: 1 },
);
type Start = typeof start extends fc.Arbitrary<infer T> ? T : never;
type Op = (typeof op extends fc.Arbitrary<infer T> ? T : never) | Start[number];

const yn = (b: boolean) => (b ? 'yes' : 'no');

async function apply(t: ReturnType<typeof tempDb>, o: Op, n: number): Promise<number> {
  switch (o.kind) {
    case 'roster': {
      const csv = ['email,member type,joined on,working groups,practice areas', ...o.rows.map((r) => [r.email, r.type ?? '', r.joined ?? '', r.wg ?? '', r.pa ?? ''].join(','))];
      const file = writeFile(t.dir, `roster${n}.csv`, `${csv.join('\n')}\n`);
      return (await t.run(['--yes', 'import', 'members', file, '--force', ...(o.sync ? ['--sync', '--max-deactivate', '100'] : [])], { now: o.now })).code;
    }
    case 'undo': {
      const db = openDb(t.dbPath);
      const ids = db.prepare("SELECT id FROM import_batches WHERE status = 'applied' ORDER BY id").pluck().all() as number[];
      db.close();
      if (ids.length === 0) return 0;
      return (await t.run(['--yes', 'imports', 'undo', String(ids[o.pick % ids.length])])).code;
    }
    case 'update': {
      const flags = [...(o.joined ? ['--joined-on', o.joined] : []), ...(o.left ? ['--left-on', o.left] : []), ...(o.type ? ['--type', o.type] : [])];
      if (flags.length === 0) flags.push('--type', 'contractor');
      return (await t.run(['members', 'update', o.email, ...flags], { now: o.now })).code;
    }
    case 'remove':
      return (await t.run(['--yes', 'members', 'remove', o.email, ...(o.purge ? ['--purge'] : [])], { now: o.now })).code;
    case 'assign':
      return (await t.run(['groups', 'assign', '--member', o.email, '--group', o.group], { now: o.now })).code;
    case 'unassign':
      return (await t.run(['groups', 'unassign', '--member', o.email, '--group', o.group], { now: o.now })).code;
    case 'agency':
      return (await t.run(['agencies', 'add', '--domain', o.domain, '--name', `Agency ${o.name}`, '--level', o.level])).code;
    case 'events': {
      const csv = ['id,title,type,held_on,series,track', ...o.rows.map((r) => `${r.id},Event ${r.id},${r.type},${r.held},${r.series ?? ''},${r.track ?? ''}`)];
      const file = writeFile(t.dir, `events${n}.csv`, `${csv.join('\n')}\n`);
      return (await t.run(['import', 'events', file, '--force'])).code;
    }
    case 'series':
      return (await t.run(['events', 'update', o.id, '--series', o.series])).code;
    case 'attendance': {
      const csv = [
        'event_id,email,registered,attended,satisfaction,nps',
        // Scores only with attended=yes (an absent attendee's score is a rejected row).
        ...o.rows.map((r) => [r.event, r.email, yn(r.registered), yn(r.attended), r.attended ? (r.sat ?? '') : '', r.attended ? (r.nps ?? '') : ''].join(',')),
      ];
      const file = writeFile(t.dir, `attendance${n}.csv`, `${csv.join('\n')}\n`);
      return (await t.run(['import', 'attendance', file, '--force'])).code;
    }
    case 'delete': {
      // Direct deletes: their ON DELETE CASCADE / SET NULL actions must fire the rollup triggers.
      const table = { event: 'events', agency: 'agencies', member: 'members' }[o.what];
      const db = openDb(t.dbPath);
      try {
        const ids = db.prepare(o.what === 'agency' ? 'SELECT DISTINCT agency_id FROM members WHERE agency_id IS NOT NULL ORDER BY 1' : `SELECT id FROM ${table} ORDER BY id`).pluck().all() as (string | number)[];
        if (ids.length > 0) db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(ids[o.pick % ids.length]);
      } finally {
        db.close();
      }
      return 0;
    }
  }
}

async function initialised() {
  const t = tempDb();
  expect((await t.run(['init'])).code).toBe(0);
  return t;
}

describe('report rollups (migration 009)', () => {
  it('stay exact under random writes through the commands, undo and FK actions', async () => {
    await fc.assert(
      fc.asyncProperty(start, fc.array(op, { minLength: 1, maxLength: 14 }), async (first, ops) => {
        const t = await initialised();
        for (const [i, o] of [...first, ...ops].entries()) {
          const code = await apply(t, o, i);
          // Refusals (2, 3, 4) are fine; a crash (1) or a database error (5) is not.
          expect([0, 2, 3, 4], `${o.kind} exited ${code}`).toContain(code);
          const db = openDb(t.dbPath);
          try {
            expectTablesExact(db, `step ${i} (${o.kind})`);
          } finally {
            db.close();
          }
        }
        expectRollupsExact(t.dbPath);
      }),
      { numRuns: 20, seed: 20261123 },
    );
  }, 120_000);

  it("an attendance import's bulk upkeep is exact: files across fiscal years and groups, added to, updated and undone", async () => {
    const t = await initialised();
    // 30 members joining on staggered dates (some attend before they joined: guests then), one leaving.
    const people = Array.from({ length: 40 }, (_, i) => `p${i}@${i % 3 === 0 ? 'gsa' : 'nasa'}.gov`);
    const roster = ['email,joined on,left on', ...people.slice(0, 30).map((e, i) => `${e},${DATES[i % DATES.length]},${i === 7 ? '2023-01-15' : ''}`)];
    expect((await t.run(['--yes', 'import', 'members', writeFile(t.dir, 'roster.csv', `${roster.join('\n')}\n`)], { now: '2024-10-02T12:00:00Z' })).code).toBe(0);
    // Eight events over three fiscal years, two types, a series on some, a track on others.
    const evs = DATES.slice(0, 8).map((d, i) => ({ id: `EV${i}`, d, type: EVENT_TYPES[i % 3] ?? 'training', series: i % 2 ? SERIES[i % 4 >> 1] : '', track: i % 3 ? (TRACKS[i % 2] ?? '') : '' }));
    const evCsv = ['id,title,type,held_on,series,track', ...evs.map((e) => `${e.id},Event ${e.id},${e.type},${e.d},${e.series ?? ''},${e.track}`)];
    expect((await t.run(['import', 'events', writeFile(t.dir, 'events.csv', `${evCsv.join('\n')}\n`)])).code).toBe(0);
    // File A: everyone at every other event, attended two times in three, scores on some;
    // a repeated pair (rejected) and an unknown event (rejected).
    const rowsA = evs.flatMap((e, i) => people.filter((_, j) => (i + j) % 2 === 0).map((p, j) => `${e.id},${p},yes,${j % 3 ? 'yes' : 'no'},${j % 3 && j % 4 ? (j % 5) + 1 : ''},${j % 3 && j % 5 ? j % 11 : ''}`));
    const a = writeFile(t.dir, 'a.csv', ['event_id,email,registered,attended,satisfaction,nps', ...rowsA, rowsA[0], 'NOPE,x@y.gov,yes,yes,,'].join('\n') + '\n');
    expect((await t.run(['import', 'attendance', a])).code).toBe(3);
    expect(count(t.dbPath, 'SELECT count(*) FROM attendance')).toBe(rowsA.length);
    expectRollupsExact(t.dbPath, 'file A');
    // File B: the other half of the pairs (new rows into groups that already have attendees) and
    // some of A's rows changed (attended flipped, scores changed): updates go through the triggers.
    const rowsB = evs.flatMap((e, i) => people.filter((_, j) => (i + j) % 2 === 1 || j % 7 === 0).map((p, j) => `${e.id},${p},yes,${j % 2 ? 'yes' : 'no'},${j % 2 ? 4 : ''},${j % 2 ? 9 : ''}`));
    const b = writeFile(t.dir, 'b.csv', ['event_id,email,registered,attended,satisfaction,nps', ...rowsB].join('\n') + '\n');
    expect((await t.run(['import', 'attendance', b])).code).toBe(0);
    expectRollupsExact(t.dbPath, 'file B');
    expect(count(t.dbPath, 'SELECT count(*) FROM attendee_group_count WHERE attendees > member_attendees AND member_attendees > 0')).toBeGreaterThan(0);
    const batches = (): number[] => {
      const db = openDb(t.dbPath);
      try {
        return db.prepare("SELECT id FROM import_batches WHERE kind = 'attendance' AND status = 'applied' ORDER BY id").pluck().all() as number[];
      } finally {
        db.close();
      }
    };
    const [batchA, batchB] = batches();
    expect((await t.run(['--yes', 'imports', 'undo', String(batchB)])).code).toBe(0);
    expect(count(t.dbPath, 'SELECT count(*) FROM attendance')).toBe(rowsA.length);
    expectRollupsExact(t.dbPath, 'undo of B');
    expect((await t.run(['--yes', 'imports', 'undo', String(batchA)])).code).toBe(0);
    expectRollupsExact(t.dbPath, 'undo of A');
    expect(count(t.dbPath, 'SELECT (SELECT count(*) FROM attendee_fy) + (SELECT count(*) FROM member_attendee_fy) + (SELECT count(*) FROM attendee_group_fy) + (SELECT count(*) FROM member_attendee_group_fy) + (SELECT count(*) FROM attendee_group_count) + (SELECT sum(registrations) FROM event_stats)')).toBe(0);
    // The same file again into the emptied events: the rollups come back exactly.
    expect((await t.run(['import', 'attendance', a, '--force'])).code).toBe(3);
    expectRollupsExact(t.dbPath, 'file A again');
  }, 60_000);

  it('the migration fills the rollups from rows already in the database', () => {
    const { dir } = tempDb();
    const dbPath = path.join(dir, 'v7.db');
    const db = openDatabase(dbPath, { waitSeconds: 5, create: true, migrate: false });
    for (const m of MIGRATIONS.filter((x) => x.version < 9)) {
      db.transaction(() => {
        if (m.sql) db.exec(m.sql);
        m.up?.(db);
        db.pragma(`user_version = ${m.version}`);
      })();
    }
    db.close();
    seedFixture(dbPath);
    openDatabase(dbPath, { waitSeconds: 5, create: false, migrate: true }).close();
    expect(count(dbPath, 'SELECT sum(n) FROM member_fy')).toBe(8);
    expect(count(dbPath, 'SELECT count(*) FROM event_stats')).toBe(4);
    expectRollupsExact(dbPath);
  });

  it('follow ON DELETE CASCADE and SET NULL from members, agencies and events', async () => {
    const t = await initialised();
    seedFixture(t.dbPath);
    expectRollupsExact(t.dbPath);
    // Member 1: 1 assignment, 3 attended rows in FY 2023/2024 (set to NULL member, kept by email).
    sql(t.dbPath, 'DELETE FROM members WHERE id = 1');
    expect(count(t.dbPath, 'SELECT count(*) FROM group_join WHERE member_id = 1')).toBe(0);
    expect(count(t.dbPath, 'SELECT count(*) FROM member_attendee_fy WHERE member_id = 1')).toBe(0);
    expect(count(t.dbPath, "SELECT count(*) FROM attendee_fy WHERE email = 'm1@one.gov'")).toBe(2);
    expectRollupsExact(t.dbPath);
    // Agency Two (members 3 and 7) → their current agency_id becomes NULL; their membership
    // spans keep the agency they had then (no foreign key: history is not rewritten).
    sql(t.dbPath, 'DELETE FROM agencies WHERE id = 9002');
    expect(count(t.dbPath, 'SELECT count(*) FROM members WHERE agency_id = 9002')).toBe(0);
    expect(count(t.dbPath, 'SELECT sum(n) FROM member_fy WHERE agency_id = 9002')).toBe(2);
    expectRollupsExact(t.dbPath);
    // An event with 4 attendance rows goes, and its stats row with it.
    sql(t.dbPath, "DELETE FROM events WHERE id = '2022-10-CM'");
    expect(count(t.dbPath, "SELECT count(*) FROM event_stats WHERE event_id = '2022-10-CM'")).toBe(0);
    expectRollupsExact(t.dbPath);
    // Moving an event across a FY boundary moves its attendees.
    sql(t.dbPath, "UPDATE events SET held_on = '2023-10-02' WHERE id = '2023-09-TR'");
    expect(count(t.dbPath, "SELECT count(*) FROM attendee_fy WHERE fy = 2024 AND email IN ('m1@one.gov', 'e@other.gov')")).toBe(2);
    expectRollupsExact(t.dbPath);
    // A new type, series or track moves the event's attendees between groups.
    sql(t.dbPath, "UPDATE events SET type = 'workshop', track = 'Technical', series = 'AI Training Series' WHERE id = '2023-09-TR'");
    expect(count(t.dbPath, "SELECT attendees FROM attendee_group_count WHERE fy = 2024 AND dim = 'series' AND key = 'AI Training Series'")).toBe(2);
    expectRollupsExact(t.dbPath);
    // Deleting every member leaves no membership or group rows behind.
    sql(t.dbPath, 'DELETE FROM members');
    expect(count(t.dbPath, 'SELECT (SELECT count(*) FROM member_fy) + (SELECT count(*) FROM group_fy) + (SELECT count(*) FROM group_join) + (SELECT count(*) FROM member_attendee_fy) + (SELECT count(*) FROM member_attendee_group_fy) + (SELECT sum(member_attendees) FROM attendee_group_count)')).toBe(0);
    expectRollupsExact(t.dbPath);
  });

  it('reportStatements gives the rollup SQL the report runs, with literal parameters', () => {
    const stmts = reportStatements({ fy: 2023, before: '2022-09-30', start: '2022-10-01', end: '2023-09-30' });
    expect(stmts).toHaveLength(7);
    expect(stmts.join('\n')).toMatch(/FROM member_fy/);
    expect(stmts.join('\n')).not.toMatch(/:(fy|before|start|end)\b/);
    expect(reportStatements({ fy: 2023, before: '2022-09-30', start: '2022-10-01', end: '2023-09-30' }, true).join('\n')).toMatch(/FROM member_spans\b/);
  });
});
