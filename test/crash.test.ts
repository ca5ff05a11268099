// Crash safety (issue 9): SIGKILL a real `aicop import members` of a generated ~200k-row roster
// at 10 points chosen by a seeded PRNG. After each kill `db check` passes and the member data
// equals either the state before the import or the state after a complete one — never a mix.
// The kill points are spread over the duration of one complete import; which point lands where
// varies with the machine, but nothing is asserted about time.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, openDb, run, spawnAicop, tempDir } from './helpers.js';

const available = fs.existsSync(path.join(ROOT, 'dist', 'cli', 'process.js')) && (await run(['import', 'members', '--help'])).stdout.includes('Usage: aicop import members');

// AICOP_CRASH_ROWS shrinks the roster for a quick local run; the suite uses ~200k rows.
const ROWS = Number(process.env.AICOP_CRASH_ROWS ?? 200_000);
const KILLS = 10;

function gen(out: string, members: number, seed: number): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'gen.mjs'), '--members', String(members), '--seed', String(seed), '--out', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gen.mjs failed: ${r.stderr}`);
  return path.join(out, 'members.csv');
}

/** Everything an import writes, minus wall-clock timestamps (a complete run and a killed run differ there). */
function snapshot(dbPath: string): string {
  const db = openDb(dbPath);
  try {
    const q = (sql: string) => (db.prepare(sql).raw().all() as unknown[][]).map((r) => JSON.stringify(r)).join('\n');
    return [
      q(`SELECT email, domain, agency_id, first_name, last_name, reported_agency, member_type, job_title, role_track,
                joined_on, left_on, created_batch, updated_batch FROM members ORDER BY email`),
      q('SELECT member_id, group_id, assigned_on, removed_on, source, batch_id FROM assignments ORDER BY id'),
      q('SELECT id, kind, file_name, sha256, rows_read, added, updated, unchanged, reactivated, deactivated, rejected, status FROM import_batches ORDER BY id'),
      q('SELECT batch_id, line, reason, detail, email FROM import_rejects ORDER BY batch_id, line'),
      q('SELECT batch_id, seq, entity, entity_key, op, before FROM batch_changes ORDER BY batch_id, seq'),
    ].join('\n--\n');
  } finally {
    db.close();
  }
}

/** Copies a closed database (and its WAL, if one was left) to a new path. */
function copyDb(from: string, to: string): void {
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(from + suffix)) fs.copyFileSync(from + suffix, to + suffix);
  }
}

/** mulberry32, as in bench/prng.mjs: the same kill points on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function importAndKill(dbPath: string, csv: string, rejects: string, afterMs: number): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--db', dbPath, '-q', 'import', 'members', csv, '--rejects', rejects], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: path.dirname(dbPath) },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? code);
    });
  });
}

describe.skipIf(!available)('a SIGKILLed roster import leaves the database before or after, never in between', () => {
  it(`holds at ${KILLS} seeded kill points in a ${ROWS.toLocaleString('en-US')}-row import`, async () => {
    const dir = tempDir('aicop-crash-');
    const big = gen(path.join(dir, 'big'), ROWS, 7);
    // The base roster shares its first 2,000 addresses with the big one (gen.mjs derives an
    // address from its row index), so the import both updates and adds.
    const small = gen(path.join(dir, 'small'), 2000, 8);
    const base = path.join(dir, 'base.db');
    expect((await spawnAicop(['--db', base, '-q', 'init'])).code).toBe(0);
    expect((await spawnAicop(['--db', base, '-q', 'import', 'members', small, '--rejects', path.join(dir, 'small.rejects.csv')])).code).toBe(3);
    const before = snapshot(base);

    const full = path.join(dir, 'full.db');
    copyDb(base, full);
    const t0 = performance.now();
    const done = await spawnAicop(['--db', full, '-q', 'import', 'members', big, '--rejects', path.join(dir, 'full.rejects.csv')], { timeoutMs: 300_000 });
    const duration = performance.now() - t0;
    expect(done.code).toBe(3);
    const after = snapshot(full);
    expect(after).not.toBe(before);

    const rnd = prng(20261123);
    const outcomes: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const db = path.join(dir, `kill-${k}.db`);
      copyDb(base, db);
      // Seven points anywhere in the import, three around its end (the commit).
      const at = Math.round(duration * (k < 7 ? 0.05 + 0.9 * rnd() : 0.9 + 0.12 * rnd()));
      const end = await importAndKill(db, big, path.join(dir, `kill-${k}.rejects.csv`), at);
      // As long as the import may take: on a loaded machine db check's rollup comparison takes
      // tens of seconds on 200k members (2.2 s of CPU, 1.6 s before the history schema).
      const check = await spawnAicop(['--db', db, 'db', 'check'], { timeoutMs: 300_000 });
      expect(check.code, check.stderr).toBe(0);
      const state = snapshot(db);
      const which = state === before ? 'before' : state === after ? 'after' : 'MIXED';
      outcomes.push(`${at} ms: ${String(end)} → ${which}`);
      expect(which, outcomes.join('\n')).not.toBe('MIXED');
      for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
    }
    // Shown with --reporter=verbose; useful to see how many kills landed mid-import.
    console.info(`crash test, complete import ${Math.round(duration)} ms:\n${outcomes.join('\n')}`);
  }, 900_000);
});
