import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, dumpTables, openDb, spawnAicop, tempDb } from './helpers.js';
import { seededDb } from './members-fixtures.js';
import type { Db } from '../src/db/open.js';

/**
 * Writers wait for another writer's lock up to --wait, then exit 5 with nothing changed; readers
 * never wait (WAL). The lock is held by this test process itself (BEGIN IMMEDIATE on its own
 * connection) so that the overlap is certain rather than a race between two children.
 */

function holdWriteLock(dbPath: string): Db {
  const db = openDb(dbPath);
  db.exec('BEGIN IMMEDIATE');
  return db;
}

const LOCKED = (dbPath: string, wait: number) =>
  `aicop: error: ${dbPath}: database is locked by another process after waiting ${wait}s; nothing was changed\n  wait for the other aicop command to finish, or raise --wait <seconds>\n`;

describe('a writer meets another writer', () => {
  it('needs the build', () => {
    expect(fs.existsSync(path.join(ROOT, 'dist', 'cli', 'commands', 'export', 'members.js')), 'run npm run build first').toBe(true);
  });

  it('with --wait 0 it exits 5 with a clear message and the database is unchanged', async () => {
    const t = await seededDb();
    const before = dumpTables(t.dbPath);
    const holder = holdWriteLock(t.dbPath);
    try {
      const r = await spawnAicop(['--db', t.dbPath, '--wait', '0', 'domains', 'allow', 'county.example.us', '--reason', 'test'], { cwd: t.dir });
      expect(r.code).toBe(5);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(LOCKED(t.dbPath, 0));
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('the in-process CLI reports the same (exit 5, DB unchanged) for groups assign', async () => {
    const t = await seededDb();
    const before = dumpTables(t.dbPath);
    const holder = holdWriteLock(t.dbPath);
    try {
      const r = await t.run(['--wait', '0', 'groups', 'assign', '--member', 'dee@alpha-test.gov', '--group', 'Event Planning']);
      expect(r.code).toBe(5);
      expect(r.stderr).toBe(LOCKED(t.dbPath, 0));
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('with --wait 5 it waits for the lock to be released and then succeeds', async () => {
    const t = await seededDb();
    const holder = holdWriteLock(t.dbPath);
    const child = spawnAicop(['--db', t.dbPath, '--wait', '5', '-q', 'domains', 'allow', 'county.example.us', '--reason', 'test'], { cwd: t.dir });
    // Release after about a second; the child succeeds whether it is already waiting or not.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    holder.exec('COMMIT');
    holder.close();
    const r = await child;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const db = openDb(t.dbPath);
    expect(db.prepare("SELECT action, target_type, target FROM domain_rules").all()).toEqual([{ action: 'allow', target_type: 'suffix', target: 'county.example.us' }]);
    db.close();
  });

  it('two writers started together both succeed with a generous --wait', async () => {
    const t = await seededDb();
    const [a, b] = await Promise.all([
      spawnAicop(['--db', t.dbPath, '--wait', '30', '-q', 'domains', 'allow', 'one.example.us', '--reason', 'test'], { cwd: t.dir }),
      spawnAicop(['--db', t.dbPath, '--wait', '30', '-q', 'domains', 'allow', 'two.example.us', '--reason', 'test'], { cwd: t.dir }),
    ]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    const db = openDb(t.dbPath);
    expect(db.prepare('SELECT target FROM domain_rules ORDER BY target').pluck().all()).toEqual(['one.example.us', 'two.example.us']);
    db.close();
  });
});

describe('readers never block on a writer (WAL)', () => {
  it('members list and export members succeed at once while a write transaction is open, and see only committed rows', async () => {
    const t = await seededDb();
    const holder = holdWriteLock(t.dbPath);
    try {
      holder.prepare("INSERT INTO members (email, domain, joined_on, created_at, updated_at) VALUES ('uncommitted@alpha-test.gov', 'alpha-test.gov', '2025-01-01', 't', 't')").run();
      const list = await spawnAicop(['--db', t.dbPath, '--wait', '0', 'members', 'list', '--status', 'all'], { cwd: t.dir });
      expect(list.code).toBe(0);
      expect(list.stderr).toBe('');
      expect(list.stdout.split('\n').slice(1).map((l) => l.split(',')[0])).toEqual(['ada@alpha-test.gov', 'bob.ctr@sub.alpha-test.gov', 'cy@beta-town.gov', 'dee@alpha-test.gov', '']);
      const exp = await t.run(['--wait', '0', '-q', 'export', 'listserv']);
      expect(exp).toMatchObject({ code: 0, stdout: 'ada@alpha-test.gov\ncy@beta-town.gov\ndee@alpha-test.gov\n', stderr: '' });
      const show = await t.run(['--wait', '0', 'members', 'show', 'ada@alpha-test.gov', '--format', 'json']);
      expect(show.code).toBe(0);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('a reader opening a brand-new database file does not need the lock either once it is initialised', async () => {
    const t = tempDb();
    expect((await t.run(['init'])).code).toBe(0);
    const holder = holdWriteLock(t.dbPath);
    try {
      const r = await t.run(['--wait', '0', 'members', 'list']);
      expect(r).toMatchObject({ code: 0, stderr: '' });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});

describe('two imports at once (aicop import members in child processes)', () => {
  const roster = (prefix: string, n: number) =>
    `email,first name,last name\n${Array.from({ length: n }, (_, i) => `${prefix}${i}@import-test.gov,First${i},${prefix}`).join('\n')}\n`;
  const count = (dbPath: string, prefix: string): number => {
    const db = openDb(dbPath);
    try {
      return db.prepare<[string], number>("SELECT count(*) FROM members WHERE last_name = ?").pluck().get(prefix) ?? 0;
    } finally {
      db.close();
    }
  };

  it('both succeed with a generous --wait, each applied whole', async () => {
    const t = await seededDb();
    fs.writeFileSync(path.join(t.dir, 'a.csv'), roster('a', 3000));
    fs.writeFileSync(path.join(t.dir, 'b.csv'), roster('b', 3000));
    const [a, b] = await Promise.all([
      spawnAicop(['--db', t.dbPath, '--wait', '60', '-q', 'import', 'members', 'a.csv'], { cwd: t.dir }),
      spawnAicop(['--db', t.dbPath, '--wait', '60', '-q', 'import', 'members', 'b.csv'], { cwd: t.dir }),
    ]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    expect([count(t.dbPath, 'a'), count(t.dbPath, 'b')]).toEqual([3000, 3000]);
    const db = openDb(t.dbPath);
    expect(db.prepare("SELECT file_name, added FROM import_batches WHERE file_name <> 'roster.csv' ORDER BY file_name").all()).toEqual([
      { file_name: path.join(t.dir, 'a.csv'), added: 3000 },
      { file_name: path.join(t.dir, 'b.csv'), added: 3000 },
    ]);
    db.close();
  }, 60_000);

  it('with --wait 0 against a held lock the import exits 5 and changes nothing; once released the same import applies', async () => {
    const t = await seededDb();
    fs.writeFileSync(path.join(t.dir, 'a.csv'), roster('a', 500));
    const before = dumpTables(t.dbPath);
    const holder = holdWriteLock(t.dbPath);
    let r;
    try {
      r = await spawnAicop(['--db', t.dbPath, '--wait', '0', 'import', 'members', 'a.csv'], { cwd: t.dir });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(LOCKED(t.dbPath, 0));
    expect(dumpTables(t.dbPath)).toBe(before);
    expect(fs.readdirSync(t.dir).filter((f) => !f.startsWith('aicop.db'))).toEqual(['a.csv']); // no rejects file either

    const again = await spawnAicop(['--db', t.dbPath, '--wait', '0', '-q', 'import', 'members', 'a.csv'], { cwd: t.dir });
    expect([again.code, again.stderr]).toEqual([0, '']);
    expect(count(t.dbPath, 'a')).toBe(500);
  }, 60_000);

  it('with --wait 5 the import waits for a lock released after about a second, then applies', async () => {
    const t = await seededDb();
    fs.writeFileSync(path.join(t.dir, 'a.csv'), roster('a', 500));
    const holder = holdWriteLock(t.dbPath);
    const child = spawnAicop(['--db', t.dbPath, '--wait', '5', '-q', 'import', 'members', 'a.csv'], { cwd: t.dir });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    holder.exec('COMMIT');
    holder.close();
    const r = await child;
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(count(t.dbPath, 'a')).toBe(500);
  }, 60_000);

  it('racing with --wait 0: each import applies whole or exits 5 having changed nothing, never half', async () => {
    const t = await seededDb();
    fs.writeFileSync(path.join(t.dir, 'a.csv'), roster('a', 20_000));
    fs.writeFileSync(path.join(t.dir, 'b.csv'), roster('b', 20_000));
    const [a, b] = await Promise.all([
      spawnAicop(['--db', t.dbPath, '--wait', '0', '-q', 'import', 'members', 'a.csv'], { cwd: t.dir }),
      spawnAicop(['--db', t.dbPath, '--wait', '0', '-q', 'import', 'members', 'b.csv'], { cwd: t.dir }),
    ]);
    expect(a.code === 0 || b.code === 0).toBe(true); // the first to take the lock always finishes
    for (const [r, prefix] of [[a, 'a'], [b, 'b']] as const) {
      expect([0, 5]).toContain(r.code);
      expect(r.stderr).toBe(r.code === 0 ? '' : LOCKED(t.dbPath, 0));
      expect(count(t.dbPath, prefix)).toBe(r.code === 0 ? 20_000 : 0);
    }
    const db = openDb(t.dbPath);
    expect(db.prepare('SELECT count(*) FROM import_batches').pluck().get()).toBe(1 + [a, b].filter((r) => r.code === 0).length);
    db.close();
  }, 60_000);
});

describe('two imports at once, made deterministic', () => {
  it('the first waits (--wait 30), the second (--wait 0) exits 5; the DB then holds exactly the first import', async () => {
    const t = await seededDb();
    const rows = (p: string) => `email,last name\n${Array.from({ length: 200 }, (_, i) => `${p}${i}@import-test.gov,${p}`).join('\n')}\n`;
    fs.writeFileSync(path.join(t.dir, 'first.csv'), rows('first'));
    fs.writeFileSync(path.join(t.dir, 'second.csv'), rows('second'));
    const holder = holdWriteLock(t.dbPath); // stands in for a long import already running
    const first = spawnAicop(['--db', t.dbPath, '--wait', '30', '-q', 'import', 'members', 'first.csv'], { cwd: t.dir });
    const second = await spawnAicop(['--db', t.dbPath, '--wait', '0', '-q', 'import', 'members', 'second.csv'], { cwd: t.dir });
    holder.exec('COMMIT');
    holder.close();
    const a = await first;
    expect([a.code, a.stderr]).toEqual([0, '']);
    expect([second.code, second.stderr]).toEqual([5, LOCKED(t.dbPath, 0)]);
    const db = openDb(t.dbPath);
    expect(db.prepare("SELECT last_name, count(*) AS n FROM members WHERE domain = 'import-test.gov' GROUP BY last_name").all()).toEqual([{ last_name: 'first', n: 200 }]);
    expect(db.prepare("SELECT count(*) FROM import_batches WHERE file_name LIKE '%second.csv'").pluck().get()).toBe(0);
    db.close();
  }, 60_000);
});

describe('first use from several processes at once (two cron jobs on a new machine)', () => {
  it('four inits creating and migrating the same new database all succeed, then four writers', async () => {
    const t = tempDb({ init: false });
    const inits = await Promise.all([1, 2, 3, 4].map(() => spawnAicop(['--db', t.dbPath, '--wait', '30', '-q', 'init'], { cwd: t.dir })));
    expect(inits.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, ''], [0, ''], [0, '']]);
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) => spawnAicop(['--db', t.dbPath, '--wait', '30', '-q', 'domains', 'allow', `s${i}.example.us`, '--reason', 'test'], { cwd: t.dir })),
    );
    expect(results.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, ''], [0, ''], [0, '']]);
    const db = openDb(t.dbPath);
    expect(db.prepare('SELECT target FROM domain_rules ORDER BY target').pluck().all()).toEqual(['s1.example.us', 's2.example.us', 's3.example.us', 's4.example.us']);
    expect(db.prepare("SELECT count(*) FROM groups").pluck().get()).toBe(9);
    db.close();
  }, 60_000);
});
