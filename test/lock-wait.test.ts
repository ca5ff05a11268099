// "waiting for the database lock …" (issue #18): a writer that meets another process's lock says
// so on stderr after a second, once, and not at all when the lock is free or with --quiet. The
// lock is held by this test process (BEGIN IMMEDIATE on its own connection) while bin/aicop.js
// runs as a child, so the overlap is certain; the holder lets go when the notice has appeared,
// never after a fixed time.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, dumpTables, openDb, spawnAicop, tempDb, writeFile } from './helpers.js';
import type { Db } from '../src/db/open.js';

const NOTICE = (wait: number) => `waiting for the database lock (held by another aicop process, up to ${wait} s)…\n`;
const LOCKED = (dbPath: string, wait: number) =>
  `aicop: error: ${dbPath}: database is locked by another process after waiting ${wait}s; nothing was changed\n  wait for the other aicop command to finish, or raise --wait <seconds>\n`;

function holdWriteLock(dbPath: string): Db {
  const db = openDb(dbPath);
  db.exec('BEGIN IMMEDIATE');
  return db;
}

/** Runs bin/aicop.js; `onStderr` sees its stderr so far each time more arrives. */
function aicop(argv: readonly string[], cwd: string, onStderr: (soFar: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      onStderr(stderr);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000); // a hang, not a timing assertion
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a writer waiting for another process\'s lock says so (through bin/aicop.js)', () => {
  it('needs the build', () => {
    expect(fs.existsSync(path.join(ROOT, 'dist', 'db', 'lock-wait.js')), 'run npm run build first').toBe(true);
  });

  it('members add: the notice once, then the write goes through when the lock is let go', async () => {
    const t = tempDb();
    const holder = holdWriteLock(t.dbPath);
    let released = false;
    const r = await aicop(['--db', t.dbPath, 'members', 'add', '--email', 'ann@nasa.gov'], t.dir, (soFar) => {
      if (!released && soFar.includes('waiting for the database lock')) {
        released = true;
        holder.exec('COMMIT');
        holder.close();
      }
    });
    expect(released).toBe(true);
    expect(r).toEqual({ code: 0, stdout: 'ann@nasa.gov\n', stderr: `${NOTICE(10)}added ann@nasa.gov\n` });
  });

  it('import members takes its lock the same way', async () => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', 'email\nann@nasa.gov\nbob@nasa.gov\n');
    const holder = holdWriteLock(t.dbPath);
    let released = false;
    const r = await aicop(['--db', t.dbPath, '--wait', '30', 'import', 'members', 'r.csv'], t.dir, (soFar) => {
      if (!released && soFar.includes('waiting for the database lock')) {
        released = true;
        holder.exec('COMMIT');
        holder.close();
      }
    });
    expect(r.code).toBe(0);
    expect(r.stderr.startsWith(NOTICE(30))).toBe(true);
    expect(r.stderr.split('waiting for the database lock')).toHaveLength(2);
    expect(r.stderr).toContain('r.csv: 2 rows read: 2 added');
  });

  it('a lock held past --wait: the notice once, then exit 5 with nothing changed; with --quiet only the error', async () => {
    const t = tempDb();
    const before = dumpTables(t.dbPath);
    const holder = holdWriteLock(t.dbPath);
    try {
      const loud = await spawnAicop(['--db', t.dbPath, '--wait', '2', 'members', 'add', '--email', 'ann@nasa.gov'], { cwd: t.dir });
      expect([loud.code, loud.stdout, loud.stderr]).toEqual([5, '', `${NOTICE(2)}${LOCKED(t.dbPath, 2)}`]);
      const quiet = await spawnAicop(['--db', t.dbPath, '--wait', '2', '-q', 'members', 'add', '--email', 'ann@nasa.gov'], { cwd: t.dir });
      expect([quiet.code, quiet.stdout, quiet.stderr]).toEqual([5, '', LOCKED(t.dbPath, 2)]);
      // --wait of a second or less: no notice, only the error.
      const short = await spawnAicop(['--db', t.dbPath, '--wait', '1', 'members', 'add', '--email', 'ann@nasa.gov'], { cwd: t.dir });
      expect([short.code, short.stderr]).toEqual([5, LOCKED(t.dbPath, 1)]);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('no notice when the lock is free', async () => {
    const t = tempDb();
    const r = await spawnAicop(['--db', t.dbPath, 'members', 'add', '--email', 'ann@nasa.gov'], { cwd: t.dir });
    expect([r.code, r.stderr]).toEqual([0, 'added ann@nasa.gov\n']);
  });
});
