import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { openDb, spansFromMembers, tempDb, writeFile } from './helpers.js';
import { MEMBER_CSV_COLUMNS, memberJson } from '../src/cli/commands/members/list.js';
import { iterateMembers, type MemberRecord } from '../src/db/members-read.js';
import { neutraliseFormula } from '../src/csv/write.js';
import { streamRows, type RowEncoder } from '../src/cli/stream.js';
import type { ResultSink } from '../src/cli/output.js';

/**
 * Issue #20: every long output waits for its reader. A stdout that takes bytes slowly must never
 * have more than about one batch queued in it; before, the whole export was queued (a JSON export
 * of a million members reached 1.8 GB). The readers here take one chunk per turn of the event
 * loop, or nothing at all; nothing is timed.
 */

const MEMBERS = 12_000;
const GROUPS = ['Community Outreach', 'Tools and Resources'];

/** Awkward values for every column: quotes, commas, line breaks, formulas, non-ASCII, blanks. */
function seed(dbPath: string): void {
  const db = openDb(dbPath);
  try {
    const insert = db.prepare(
      `INSERT INTO members (email, domain, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, left_on, created_at, updated_at)
       VALUES (?, 'big.gov', ?, ?, ?, ?, ?, ?, '2023-01-15', ?, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')`,
    );
    const titles = ['Analyst', '=HYPERLINK("x")', 'Chief, "Data"', 'line\nbreak', '@lead', '-1', null, 'Ingénieure ＝ IA'];
    db.transaction(() => {
      for (let i = 0; i < MEMBERS; i++) {
        insert.run(
          `m${String(i).padStart(5, '0')}@big.gov`,
          i % 11 === 0 ? null : `First${i}`,
          i % 13 === 0 ? 'O\'Neil, "Jr"' : `Last${i}`,
          i % 5 === 0 ? 'GSA "FAS"' : null,
          i % 10 === 0 ? 'contractor' : 'employee',
          titles[i % titles.length],
          i % 3 === 0 ? 'Technical' : null,
          i % 7 === 0 ? '2024-06-30' : null,
        );
      }
    })();
    spansFromMembers(db);
    const assign = db.prepare("INSERT INTO assignments (member_id, group_id, assigned_on, source) VALUES (?, (SELECT id FROM groups WHERE name = ?), '2023-01-15', 'import')");
    db.transaction(() => {
      for (let id = 1; id <= MEMBERS; id += 3) assign.run(id, GROUPS[id % 2]);
    })();
  } finally {
    db.close();
  }
}

/**
 * A stdout that takes one chunk per turn of the event loop (`stalled`: none at all) and records
 * the most bytes ever queued in it, as Node counts them (writableLength), and the largest single
 * write.
 */
class SlowReader extends Writable {
  maxQueued = 0;
  maxChunk = 0;
  private readonly parts: Buffer[] = [];

  constructor(private readonly stalled = false) {
    super({ highWaterMark: 1024 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.maxQueued = Math.max(this.maxQueued, this.writableLength);
    this.maxChunk = Math.max(this.maxChunk, chunk.length);
    this.parts.push(chunk);
    if (!this.stalled) setImmediate(() => done());
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** The member rows as the exports read them, for the reference outputs. */
function allMembers(dbPath: string): MemberRecord[] {
  const db = openDb(dbPath);
  try {
    return [...iterateMembers(db, { status: 'all', today: '2026-11-23' })];
  } finally {
    db.close();
  }
}

/** The members CSV written the simplest way: every record in one csv-stringify call. */
function referenceCsv(rows: readonly MemberRecord[]): string {
  const cell = (v: string | number | bigint | null | undefined) => (v === null || v === undefined ? '' : typeof v === 'string' ? neutraliseFormula(v) : String(v));
  return stringify([MEMBER_CSV_COLUMNS.map((c) => c.header), ...rows.map((r) => MEMBER_CSV_COLUMNS.map((c) => cell(c.value(r))))], { record_delimiter: 'unix', quote_record_delimiter: true });
}

/** The members JSON written the simplest way: one object per line in an array. */
function referenceJson(rows: readonly MemberRecord[]): string {
  return rows.length === 0 ? '[]\n' : `[${rows.map((r, i) => `${i === 0 ? '\n' : ',\n'}  ${JSON.stringify(memberJson(r))}`).join('')}\n]\n`;
}

describe('outputs wait for a slow reader (backpressure)', () => {
  it('export members and members list, csv and json: at most one batch queued, the same bytes as to a file and as the one-piece reference', async () => {
    const t = tempDb();
    seed(t.dbPath);
    const rows = allMembers(t.dbPath);
    expect(rows).toHaveLength(MEMBERS);
    const expected = { csv: referenceCsv(rows), json: referenceJson(rows) };
    for (const argv of [['export', 'members'], ['members', 'list', '--status', 'all']]) {
      for (const format of ['csv', 'json'] as const) {
        const reader = new SlowReader();
        const r = await t.run(['--format', format, ...argv], { stdout: reader });
        expect(r.code, `${argv.join(' ')} ${format}: ${r.stderr}`).toBe(0);
        const out = reader.bytes();
        expect(out.toString('utf8')).toBe(expected[format]);
        // What waited in memory for the reader: one write (a batch of 1,000 rows), not the output.
        expect(reader.maxQueued).toBeLessThanOrEqual(reader.maxChunk + 1024);
        expect(reader.maxQueued).toBeLessThan(512 * 1024);
        expect(out.length).toBeGreaterThan(8 * reader.maxQueued);
        // The same bytes to -o (written synchronously, no reader to wait for).
        const file = `out-${argv[0]}-${format}.${format}`;
        expect((await t.run(['--format', format, ...argv, '-o', file])).code).toBe(0);
        expect(fs.readFileSync(path.join(t.dir, file), 'utf8')).toBe(expected[format]);
      }
    }
    expect((JSON.parse(expected.json) as unknown[]).length).toBe(MEMBERS);
  }, 120_000);

  it('export listserv, export attendance (csv, json) and the xlsx exports queue one chunk at most', async () => {
    const t = tempDb();
    seed(t.dbPath);
    const events = ['id,title,type,date', ...Array.from({ length: 4 }, (_, i) => `E${i},"Event ${i}, part ${i}",training,2023-0${i + 1}-10`)];
    expect((await t.run(['import', 'events', writeFile(t.dir, 'events.csv', `${events.join('\n')}\n`)])).code).toBe(0);
    const attendance = ['event_id,email,registered,attended,satisfaction,comment'];
    for (let i = 0; i < MEMBERS; i++) attendance.push(`E${i % 4},m${String(i).padStart(5, '0')}@big.gov,yes,${i % 3 === 0 ? 'no,' : `yes,${(i % 5) + 1}`},${i % 9 === 0 ? '"=SUM(A1), ""x"""' : ''}`);
    const imported = await t.run(['import', 'attendance', writeFile(t.dir, 'attendance.csv', `${attendance.join('\n')}\n`)]);
    expect(imported.code, imported.stderr).toBe(0);

    for (const argv of [['export', 'listserv'], ['--format', 'csv', 'export', 'attendance'], ['--format', 'json', 'export', 'attendance']]) {
      const reader = new SlowReader();
      expect((await t.run(argv, { stdout: reader })).code).toBe(0);
      const file = `out-${argv.join('-')}.txt`;
      expect((await t.run([...argv, '-o', file])).code).toBe(0);
      expect(reader.bytes().equals(fs.readFileSync(path.join(t.dir, file))), argv.join(' ')).toBe(true);
      expect(reader.maxQueued).toBeLessThanOrEqual(reader.maxChunk + 1024);
      expect(reader.bytes().length).toBeGreaterThan(4 * reader.maxQueued);
    }
    const lines = fs.readFileSync(path.join(t.dir, 'out---format-csv-export-attendance.txt'), 'utf8').split('\n');
    expect(lines).toHaveLength(MEMBERS + 2); // header, rows, and the empty string after the last \n
    expect((JSON.parse(fs.readFileSync(path.join(t.dir, 'out---format-json-export-attendance.txt'), 'utf8')) as unknown[]).length).toBe(MEMBERS);

    for (const argv of [['export', 'members'], ['export', 'attendance']]) {
      const reader = new SlowReader();
      expect((await t.run(['--format', 'xlsx', ...argv], { stdout: reader })).code).toBe(0);
      const out = reader.bytes();
      expect(out.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip
      expect(reader.maxQueued).toBeLessThanOrEqual(reader.maxChunk + 1024);
      expect(out.length).toBeGreaterThan(4 * reader.maxQueued);
    }
  }, 120_000);

  it('a reader that stops reading holds the export, and Ctrl-C then ends it with exit 130', async () => {
    const t = tempDb();
    seed(t.dbPath);
    const reader = new SlowReader(true);
    const controller = new AbortController();
    const running = t.run(['--format', 'json', 'export', 'members'], { stdout: reader, signal: controller.signal });
    // The first batch is written and never taken: the export waits for it, writing nothing more.
    await new Promise<void>((resolve) => {
      const check = () => (reader.writableLength > 0 ? resolve() : setImmediate(check));
      check();
    });
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    const queued = reader.writableLength;
    expect(queued).toBeGreaterThan(0);
    expect(queued).toBeLessThan(512 * 1024);
    controller.abort();
    const r = await running;
    expect(r.code).toBe(130);
    expect(reader.writableLength).toBe(queued);
  }, 60_000);
});

describe('the shorter lists wait for a slow reader too (groups members, members duplicates, db purge)', () => {
  const GROUP = GROUPS[1] as string;
  /**
   * `m<i>@sub.big.gov` beside `m<i>@big.gov` (one same-local-part pair each), left in 2024 (so
   * purge has several batches to list), and every active member in GROUP (a group of thousands).
   */
  const TWINS = 5000;

  function seedTwins(dbPath: string): void {
    const db = openDb(dbPath);
    try {
      db.exec(`INSERT INTO members (email, domain, first_name, last_name, member_type, joined_on, left_on, created_at, updated_at)
        SELECT replace(email, '@big.gov', '@sub.big.gov'), 'sub.big.gov', first_name, last_name, member_type, '2024-01-15', '2024-03-01', created_at, updated_at
        FROM members WHERE id <= ${TWINS} ORDER BY id`);
      spansFromMembers(db);
      db.prepare(`INSERT INTO assignments (member_id, group_id, assigned_on, source)
        SELECT id, (SELECT id FROM groups WHERE name = ?), '2023-02-01', 'manual' FROM members
        WHERE left_on IS NULL AND id NOT IN (SELECT member_id FROM assignments WHERE group_id = (SELECT id FROM groups WHERE name = ?))`).run(GROUP, GROUP);
    } finally {
      db.close();
    }
  }

  /** Output to a slow reader: the bytes, checked to have queued one write at most, and equal to -o's. */
  async function slowly(t: ReturnType<typeof tempDb>, argv: readonly string[], viaFile = true): Promise<string> {
    const reader = new SlowReader();
    const r = await t.run(argv, { stdout: reader });
    expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    const out = reader.bytes();
    expect(reader.maxQueued, argv.join(' ')).toBeLessThanOrEqual(reader.maxChunk + 1024);
    expect(out.length, argv.join(' ')).toBeGreaterThan(3 * reader.maxQueued);
    if (viaFile) {
      const file = `out-${argv.join('-').replace(/[^a-z-]/gi, '')}.txt`;
      expect((await t.run([...argv, '-o', file])).code).toBe(0);
      expect(fs.readFileSync(path.join(t.dir, file), 'utf8'), argv.join(' ')).toBe(out.toString('utf8'));
    }
    return out.toString('utf8');
  }

  it('give the bytes they gave in one piece (csv, pretty-printed json, the piped table), one batch queued at most', async () => {
    const t = tempDb();
    seed(t.dbPath);
    seedTwins(t.dbPath);
    const db = openDb(t.dbPath);
    const members = db
      .prepare<[string], { email: string; first_name: string | null; last_name: string | null; assigned_on: string; source: string }>(
        `SELECT m.email, m.first_name, m.last_name, a.assigned_on, a.source FROM assignments a JOIN members m ON m.id = a.member_id
         WHERE a.group_id = (SELECT id FROM groups WHERE name = ?) AND a.removed_on IS NULL AND (m.left_on IS NULL OR m.left_on > '2026-11-23')
         ORDER BY m.email, a.assigned_on, a.id`,
      )
      .all(GROUP);
    const leavers = db.prepare<[], { email: string; left_on: string }>("SELECT email, left_on FROM members WHERE left_on < '2025-01-01' ORDER BY left_on, email").all();
    db.close();
    expect(members.length).toBeGreaterThan(10_000);
    expect(leavers.length).toBeGreaterThan(6000);

    const cell = (v: string | null) => (v === null ? '' : neutraliseFormula(v));
    const header = ['email', 'first_name', 'last_name', 'assigned_on', 'source'];
    const rows = members.map((m) => [m.email, m.first_name, m.last_name, m.assigned_on, m.source]);
    expect(await slowly(t, ['--format', 'csv', 'groups', 'members', GROUP])).toBe(stringify([header, ...rows.map((r) => r.map(cell))], { record_delimiter: 'unix', quote_record_delimiter: true }));
    expect(await slowly(t, ['--format', 'json', 'groups', 'members', GROUP])).toBe(`${JSON.stringify(members, null, 2)}\n`);
    expect(await slowly(t, ['--format', 'table', 'groups', 'members', GROUP])).toBe(`${[header, ...rows].map((r) => r.map((v) => (v ?? '').replace(/[\t\r\n]+/g, ' ')).join('\t')).join('\n')}\n`);

    const csv = await slowly(t, ['--format', 'csv', 'members', 'duplicates']);
    expect(csv.split('\n')).toHaveLength(TWINS + 2);
    expect(csv.split('\n')[1]).toBe(`0.9,same_local_part,m00000@big.gov,m00000@sub.big.gov,"O'Neil, ""Jr""","O'Neil, ""Jr""",,,"same local part ""m00000"" under one registered domain",aicop members merge m00000@big.gov m00000@sub.big.gov`);
    const json = await slowly(t, ['--format', 'json', 'members', 'duplicates']);
    const pairs = JSON.parse(json) as { keep: string; drop: string }[];
    expect(pairs).toHaveLength(TWINS);
    expect(json).toBe(`${JSON.stringify(pairs, null, 2)}\n`);
    expect(pairs.map((p) => p.keep.replace('@big.gov', '@sub.big.gov') === p.drop).every(Boolean)).toBe(true);
    expect((await slowly(t, ['--format', 'table', 'members', 'duplicates'])).split('\n')).toHaveLength(TWINS + 2);

    expect(await slowly(t, ['db', 'purge', '--left-before', '2025-01-01', '--dry-run'], false)).toBe(leavers.map((l) => `${l.email}\t${l.left_on}\n`).join(''));
  }, 120_000);
});

describe('streamRows', () => {
  /** A sink that records the order of writes and of waits for the reader. */
  function recordingSink(): ResultSink & { readonly log: string[] } {
    const log: string[] = [];
    return {
      log,
      write: (chunk) => void log.push(`write ${String(chunk)}`),
      ready: async () => void log.push('ready'),
      commit: () => void log.push('commit'),
      abort: () => void log.push('abort'),
    };
  }
  const enc: RowEncoder<number> = { head: 'H', rows: (batch, index) => `[${index}:${batch.length}]`, tail: (n) => `T${n}` };
  const ctx = { throwIfInterrupted: () => undefined };

  it('writes the head, batches of 1,000 rows each followed by a wait for the reader, then the tail', async () => {
    const sink = recordingSink();
    const n = await streamRows(ctx, sink, Array.from({ length: 2500 }, (_, i) => i), enc);
    expect(n).toBe(2500);
    expect(sink.log).toEqual(['write H', 'write [0:1000]', 'ready', 'write [1000:1000]', 'ready', 'write [2000:500]', 'ready', 'write T2500', 'ready']);
  });

  it('with no rows writes the head and the tail', async () => {
    const sink = recordingSink();
    expect(await streamRows(ctx, sink, [], enc)).toBe(0);
    expect(sink.log).toEqual(['write H', 'write T0', 'ready']);
  });
});
