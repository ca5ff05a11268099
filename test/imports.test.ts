import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { BIN, DERIVED_TABLES, dumpTables, openDb, tempDb, writeFile } from './helpers.js';

const MEMBER_TABLES = ['members', 'assignments'];

async function seeded() {
  const t = tempDb();
  writeFile(
    t.dir,
    'v1.csv',
    'email,first name,last name,working groups,practice areas\nann@nasa.gov,Ann,Lee,Event Planning,Generative AI\nbob@epa.gov,Bob,Ray,,\ncat@nih.gov,Cat,Sun,,\ndan@nasa.gov,Dan,Old,,\n',
  );
  expect((await t.run(['import', 'members', 'v1.csv'])).code).toBe(0);
  // dan leaves by hand before batch 2, so batch 2 reactivates him
  expect((await t.run(['members', 'remove', 'dan@nasa.gov'])).code).toBe(0);
  return t;
}

// Adds eve, renames ann and moves her groups, reactivates dan, and with --sync deactivates bob and cat.
const V2 = 'email,first name,working groups\nann@nasa.gov,Annie,Tools and Resources\ndan@nasa.gov,Dan,\neve@nasa.gov,Eve,Community Outreach\n';

describe('imports list, show and undo', () => {
  it('lists and shows batches', async () => {
    const t = await seeded();
    writeFile(t.dir, 'bad.csv', 'email\nx@gmail.com\nfay@nasa.gov\ny@gmail.com\n');
    expect((await t.run(['import', 'members', 'bad.csv'])).code).toBe(3);
    const list = await t.run(['imports', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(
      [
        'id,kind,file_name,started_at,imported_by,rows_read,added,updated,rejected,status',
        `2,members,${path.join(t.dir, 'bad.csv')},2026-11-23T12:00:00.000Z,tester,3,1,0,2,applied`,
        `1,members,${path.join(t.dir, 'v1.csv')},2026-11-23T12:00:00.000Z,tester,4,4,0,0,applied`,
        '',
      ].join('\n'),
    );
    // One set of column names in every format (the batch's own field names, as imports show uses).
    const listed = JSON.parse((await t.run(['--format', 'json', 'imports', 'list'])).stdout) as Record<string, unknown>[];
    expect(listed.map((b) => Object.keys(b).join(','))).toEqual(Array(2).fill('id,kind,file_name,started_at,imported_by,rows_read,added,updated,rejected,status'));
    expect(listed[0]).toMatchObject({ id: 2, file_name: path.join(t.dir, 'bad.csv'), imported_by: 'tester', rows_read: 3, added: 1, rejected: 2, status: 'applied' });
    expect((await t.run(['--format', 'table', 'imports', 'list'])).stdout.split('\n')[0]).toBe('id\tkind\tfile_name\tstarted_at\timported_by\trows_read\tadded\tupdated\trejected\tstatus');
    const show = await t.run(['imports', 'show', '2']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('rows read:   3\nadded:       1\n');
    expect(show.stdout).toContain('rejected:    2\n  ineligible_domain: 2\n');
    expect(show.stdout).toContain('  line 2: ineligible_domain: domain gmail.com is not eligible');
    const json = JSON.parse((await t.run(['--format', 'json', 'imports', 'show', '2'])).stdout) as { rejects_by_reason: unknown };
    expect(json.rejects_by_reason).toEqual([{ reason: 'ineligible_domain', count: 2 }]);
    expect((await t.run(['imports', 'show', '99'])).code).toBe(2);
    expect((await t.run(['imports', 'show', 'abc'])).code).toBe(2);
    // Past 2^53 the id is echoed as typed, not as the float it would round to (1e20).
    const huge = await t.run(['imports', 'show', '99999999999999999999']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toBe('aicop: error: no import batch 99999999999999999999\n  see the ids with: aicop imports list\n');
  });

  it('undo restores members and assignments byte for byte (updates, inserts, reactivation, sync, groups)', async () => {
    const t = await seeded();
    const before = dumpTables(t.dbPath, MEMBER_TABLES);
    writeFile(t.dir, 'v2.csv', V2);
    const r = await t.run(['--yes', 'import', 'members', 'v2.csv', '--sync', '--max-deactivate', '100']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('3 rows read: 1 added, 1 updated, 0 unchanged, 1 reactivated, 2 deactivated, 0 rejected');
    expect(dumpTables(t.dbPath, MEMBER_TABLES)).not.toBe(before);
    const noYes = await t.run(['imports', 'undo', '2']);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('pass --yes');
    const undo = await t.run(['imports', 'undo', '2'], { tty: true, answers: [true] });
    expect(undo.code).toBe(0);
    expect(dumpTables(t.dbPath, MEMBER_TABLES)).toBe(before);
    const db = openDb(t.dbPath);
    expect(db.prepare('SELECT status, undone_by, undone_at FROM import_batches WHERE id = 2').get()).toEqual({
      status: 'undone',
      undone_by: 'tester',
      undone_at: '2026-11-23T12:00:00.000Z',
    });
    db.close();
    expect((await t.run(['--yes', 'imports', 'undo', '2'])).code).toBe(2);
    // once undone, the same file is no longer "already imported"
    expect((await t.run(['--yes', 'import', 'members', 'v2.csv', '--sync', '--max-deactivate', '100'])).stderr).toContain('1 added');
  });

  it('undo leaves every table but the import history as it was: unmapped agencies the batch created go too', async () => {
    const t = await seeded();
    const history = new Set(['import_batches', 'import_rejects', 'batch_changes', ...DERIVED_TABLES]);
    const tables = () => {
      const db = openDb(t.dbPath);
      try {
        return (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]).filter((n) => !history.has(n));
      } finally {
        db.close();
      }
    };
    const before = dumpTables(t.dbPath, tables());
    writeFile(t.dir, 'v3.csv', 'email,working groups\nzed@smalltown-nowhere.gov,Event Planning\nyan@smalltown-nowhere.gov,\nann@nasa.gov,Tools and Resources\n');
    expect((await t.run(['import', 'members', 'v3.csv'])).code).toBe(0);
    const db = openDb(t.dbPath);
    expect(db.prepare("SELECT name, source FROM agencies WHERE name = 'smalltown-nowhere.gov'").all()).toEqual([{ name: 'smalltown-nowhere.gov', source: 'unmapped' }]);
    db.close();
    expect((await t.run(['--yes', 'imports', 'undo', '2'])).code).toBe(0);
    expect(dumpTables(t.dbPath, tables())).toBe(before);
  });

  it('undo refuses when a later batch or a manual edit touched the same members', async () => {
    const t = await seeded();
    writeFile(t.dir, 'v2.csv', V2);
    expect((await t.run(['--yes', 'import', 'members', 'v2.csv'])).code).toBe(0);
    writeFile(t.dir, 'v3.csv', 'email,last name\nann@nasa.gov,Lee-Smith\n');
    expect((await t.run(['import', 'members', 'v3.csv'])).code).toBe(0);
    const before = dumpTables(t.dbPath);
    const refused = await t.run(['--yes', 'imports', 'undo', '2']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toBe(
      'aicop: error: cannot undo batch 2: later batch 3 changed ann@nasa.gov too; nothing was changed\n  undo batch 3 first (aicop imports undo 3)\n',
    );
    expect(dumpTables(t.dbPath)).toBe(before);
    expect((await t.run(['--yes', 'imports', 'undo', '3'])).code).toBe(0);
    expect((await t.run(['members', 'update', 'eve@nasa.gov', '--title', 'Chief'])).code).toBe(0);
    const manual = await t.run(['--yes', 'imports', 'undo', '2']);
    expect(manual.code).toBe(4);
    expect(manual.stderr).toContain('cannot undo batch 2: eve@nasa.gov was changed by hand since; nothing was changed');
  });
});

describe('a killed import', () => {
  it('SIGKILL mid-import leaves the database exactly as before and db check passes', async () => {
    if (!fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'cli', 'main.js'))) {
      console.warn('skipped: run npm run build first');
      return;
    }
    const t = await seeded();
    const before = dumpTables(t.dbPath);
    const rows = ['email,first name,last name,title'];
    for (let i = 0; i < 200_000; i++) rows.push(`user${i}@nasa.gov,First${i},Last${i},Analyst`);
    const file = writeFile(t.dir, 'big.csv', `${rows.join('\n')}\n`);
    const child = spawn(process.execPath, [BIN, '--db', t.dbPath, 'import', 'members', file], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    // Wait until the child holds the write lock (its transaction is open), then kill it.
    const probe = new Database(t.dbPath, { timeout: 0 });
    let locked = false;
    let finished = false;
    void exited.then(() => (finished = true));
    while (!locked && !finished) {
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
        await new Promise((r) => setImmediate(r));
      } catch {
        locked = true;
      }
    }
    probe.close();
    expect(locked).toBe(true);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(dumpTables(t.dbPath)).toBe(before);
    const check = await t.run(['db', 'check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('integrity: ok');
  }, 60_000);
});
