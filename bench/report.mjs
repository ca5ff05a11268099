#!/usr/bin/env node
// npm run bench:report [-- --members 1000000 --attendance 5000000 --runs 5]
// `aicop report annual --fy 2023 --format json` on 1M members and 5M attendance rows, warm and cold (target: median
// ≤ 0.5 s, the whole process), beside the same SQL (report-repo's reportStatements) run by the
// sqlite3 shell, and the in-process query + build time without Node's start-up.
//
// The database is built with direct SQL (recursive CTEs, deterministic arithmetic, no randomness)
// on top of `aicop init`, and cached under the OS temp dir by size: 1M members joined 2015–2025
// (every 5th has left, every 10th a contractor) across 520 agencies (20 unmapped, level unknown),
// one group assignment each, 625 events spread evenly over FY2019–FY2023 and 8,000 attendance
// rows per event (a tenth of them non-members), so FY 2023 has 125 events and 1M attendance rows.
// The cache file's name carries a fingerprint of the build's migrations, so a schema change
// (new tables, triggers, indexes) always builds a fresh database rather than reusing a stale one.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT, ensureGnuTime, ensureTool, fmtMb, fmtSeconds, machine, measure, median, numberFlags, printResult, requireBuild } from './lib.mjs';

const require = createRequire(import.meta.url);
const FY = 2023;
const TARGET = 0.5;

export function build(dbPath, members, attendance) {
  const tmp = `${dbPath}.building`;
  fs.rmSync(tmp, { force: true });
  const init = spawnSync(process.execPath, [BIN, '--db', tmp, '-q', 'init'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (init.status !== 0) throw new Error(`aicop init exited ${init.status}`);
  const Database = require('better-sqlite3');
  const db = new Database(tmp);
  // init leaves the file in WAL mode; a bulk load is faster without a journal (the file is rebuilt on failure).
  db.pragma('journal_mode = DELETE');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const perEvent = 8000;
  const events = Math.ceil(attendance / perEvent);
  const t0 = performance.now();
  db.exec('BEGIN');
  db.exec(`
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 519)
INSERT INTO agencies (id, name, organization, level, source)
SELECT 100000 + i,
  CASE WHEN i >= 500 THEN 'unmapped' || i || '.gov' ELSE 'Bench Agency ' || i END,
  CASE WHEN i >= 500 THEN NULL ELSE 'Bench Organization ' || (i % 60) END,
  CASE WHEN i >= 500 THEN NULL ELSE CASE i % 10 WHEN 0 THEN 'state' WHEN 1 THEN 'local' WHEN 2 THEN 'tribal' WHEN 3 THEN 'interstate' ELSE 'federal' END END,
  CASE WHEN i >= 500 THEN 'unmapped' ELSE 'manual' END
FROM c;`);
  db.exec(`
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${members}),
d AS (SELECT i, date('2015-01-01', '+' || ((i * 7919) % 3900) || ' days') AS j FROM c)
INSERT INTO members (id, email, domain, agency_id, member_type, joined_on, left_on, created_at, updated_at)
SELECT i, 'u' || i || '@a' || (i % 520) || '.gov', 'a' || (i % 520) || '.gov', 100000 + (i % 520),
  CASE WHEN i % 10 = 0 THEN 'contractor' ELSE 'employee' END,
  j, CASE WHEN i % 5 = 0 THEN date(j, '+' || ((i * 31) % 1500) || ' days') END,
  '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM d;`);
  // Each member's one membership period (migration 013), before the assignments and attendance
  // whose rollups are counted over it.
  db.exec(`
INSERT INTO member_spans (member_id, period, start_on, end_on, starts, ends, agency_id, member_type)
SELECT id, 1, joined_on, left_on, 'join', CASE WHEN left_on IS NULL THEN NULL ELSE 'left' END, agency_id, member_type FROM members ORDER BY id;`);
  db.exec(`
INSERT INTO assignments (member_id, group_id, assigned_on, removed_on, source)
SELECT m.id, g.id, m.joined_on, NULL, 'import'
FROM members m JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM groups) g ON g.n = m.id % 9;`);
  db.exec(`
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ${events - 1})
INSERT INTO events (id, title, type, held_on, track, government_wide)
SELECT printf('E%04d', i), 'Bench event ' || i,
  CASE i % 5 WHEN 0 THEN 'community_meeting' WHEN 1 THEN 'training' WHEN 2 THEN 'challenge' WHEN 3 THEN 'workshop' ELSE 'webinar' END,
  date('2018-10-01', '+' || (i * 1826 / ${events}) || ' days'),
  CASE WHEN i % 5 = 1 THEN CASE i % 3 WHEN 0 THEN 'Acquisition' WHEN 1 THEN 'Leadership' ELSE 'Technical' END END,
  i % 3 = 0
FROM c;`);
  db.exec(`
WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < ${perEvent - 1}),
e AS (SELECT rowid AS n, id FROM events WHERE id GLOB 'E[0-9]*'),
x AS (SELECT e.id AS event_id, e.n AS n, k.k AS k, ((e.n * 7919 + k.k * 104729) % ${members}) + 1 AS m FROM e, k)
INSERT INTO attendance (event_id, email, member_id, registered, attended, satisfaction, nps)
SELECT event_id,
  CASE WHEN k % 10 = 0 THEN 'guest' || k || '@other' || (k % 7) || '.gov' ELSE 'u' || m || '@a' || (m % 520) || '.gov' END,
  CASE WHEN k % 10 = 0 THEN NULL ELSE m END,
  k % 7 <> 0, k % 4 <> 0,
  CASE WHEN k % 3 = 0 THEN NULL ELSE 1 + (k * 13 + n) % 5 END,
  CASE WHEN k % 2 = 0 THEN (k * 7 + n) % 11 END
FROM x ORDER BY event_id, k;`);
  db.exec('COMMIT');
  db.exec('ANALYZE');
  const counts = db.prepare('SELECT (SELECT count(*) FROM members) AS m, (SELECT count(*) FROM attendance) AS a').get();
  db.close();
  fs.renameSync(tmp, dbPath);
  console.error(`bench: built ${dbPath} (${counts.m} members, ${counts.a} attendance rows) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** A short hash of every migration of this build (version, name, SQL and seeding code). */
export async function schemaFingerprint() {
  const { MIGRATIONS } = await import(pathToFileURL(path.join(ROOT, 'dist', 'db', 'migrations', 'index.js')).href);
  const text = JSON.stringify(MIGRATIONS.map((m) => [m.version, m.name, m.sql ?? '', m.up ? String(m.up) : '']));
  return `v${MIGRATIONS[MIGRATIONS.length - 1].version}-${createHash('sha256').update(text).digest('hex').slice(0, 10)}`;
}

export async function run({ members = 1_000_000, attendance = 5_000_000, runs = 5 } = {}) {
  ensureGnuTime();
  const runsN = Math.max(3, runs);
  const dir = path.join(os.tmpdir(), 'aicop-bench-data');
  fs.mkdirSync(dir, { recursive: true });
  const dbPath = path.join(dir, `report-m${members}-a${attendance}-${await schemaFingerprint()}.db`);
  if (!fs.existsSync(dbPath)) build(dbPath, members, attendance);

  // Warm and cold on a scratch copy of the cached database, so the imports of the cold case never
  // change the cache. Warm: the file in the OS cache, a report just ran. Cold: the first report
  // after an import (`import events` of one event, the cheapest real import: it opens, migrates,
  // writes through the WAL, checkpoints and closes), as the import left the OS cache, and with
  // the database file dropped from the OS cache first (dd iflag=nocache) — a report run long
  // after the import, or after other work pushed the file out of memory.
  const scratch = path.join(dir, `report-scratch-${process.pid}.db`);
  fs.copyFileSync(dbPath, scratch);
  const cold = { afterImport: null, evicted: null };
  let cli;
  try {
    const args = ['--db', scratch, 'report', 'annual', '--fy', String(FY), '--format', 'json'];
    measure('warm-up', process.execPath, [BIN, ...args], { runs: 1 });
    cli = measure('aicop report annual', process.execPath, [BIN, ...args], { runs: runsN });
    let n = 0;
    const importOne = () => {
      n++;
      const csv = path.join(dir, `report-cold-event-${process.pid}.csv`);
      fs.writeFileSync(csv, `id,title,type,held_on\nCOLD${n},Cold report bench ${n},webinar,${FY}-0${1 + (n % 9)}-1${n % 10}\n`);
      const r = spawnSync(process.execPath, [BIN, '--db', scratch, '-q', 'import', 'events', csv], { stdio: ['ignore', 'ignore', 'inherit'] });
      fs.rmSync(csv, { force: true });
      if (r.status !== 0) throw new Error(`aicop import events exited ${r.status}`);
    };
    const evict = () => {
      for (const f of [scratch, `${scratch}-wal`]) if (fs.existsSync(f)) spawnSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']);
    };
    cold.afterImport = measure('first report after an import', process.execPath, [BIN, ...args], { runs: runsN, before: importOne });
    if (ensureTool('dd', 'coreutils')) cold.evicted = measure('first report after an import, file evicted', process.execPath, [BIN, ...args], { runs: runsN, before: () => (importOne(), evict()) });
  } finally {
    for (const f of [scratch, `${scratch}-wal`, `${scratch}-shm`]) fs.rmSync(f, { force: true });
  }

  // The same SQL in the sqlite3 shell.
  const rows = [];
  let sql = null;
  const repo = await import(pathToFileURL(path.join(ROOT, 'dist', 'db', 'report-repo.js')).href);
  const fyMod = await import(pathToFileURL(path.join(ROOT, 'dist', 'core', 'fiscal-year.js')).href);
  const range = fyMod.fiscalYearRange(FY);
  const fyDates = { fy: FY, before: fyMod.dayBefore(range.start), start: range.start, end: range.end };
  const stmts = repo.reportStatements(fyDates);
  let reference = null;
  if (ensureTool('sqlite3')) {
    const sqlFile = path.join(dir, 'report-bench.sql');
    fs.writeFileSync(sqlFile, `${stmts.map((s) => `${s};`).join('\n')}\n`);
    measure('warm-up', 'sqlite3', [dbPath], { runs: 1, stdinFile: sqlFile });
    sql = measure('sqlite3 (same SQL)', 'sqlite3', [dbPath], { runs: runsN, stdinFile: sqlFile });
    // For scale: the base-table queries the rollups replaced (the tests' reference), 3 runs.
    const refFile = path.join(dir, 'report-bench-reference.sql');
    fs.writeFileSync(refFile, `${repo.reportStatements(fyDates, true).map((s) => `${s};`).join('\n')}\n`);
    reference = measure('sqlite3 (base-table SQL)', 'sqlite3', [dbPath], { runs: 3, stdinFile: refFile });
  }

  // In-process: the queries and the builder, without Node's start-up or module loading.
  const Database = require('better-sqlite3');
  const { produceReport } = await import(pathToFileURL(path.join(ROOT, 'dist', 'report', 'load.js')).href);
  const { renderJson } = await import(pathToFileURL(path.join(ROOT, 'dist', 'report', 'render-json.js')).href);
  const db = new Database(dbPath, { readonly: true });
  const sections = ['membership', 'agencies', 'groups', 'events'];
  const inproc = [];
  for (let i = 0; i <= runsN; i++) {
    const t0 = performance.now();
    renderJson(produceReport(db, { fy: FY, sections, compare: false, by: 'agency' }));
    if (i > 0) inproc.push((performance.now() - t0) / 1000);
  }
  db.close();
  const inMedian = median(inproc);

  const coldWorst = Math.max(cli.median, cold.afterImport?.median ?? 0, cold.evicted?.median ?? 0);
  const ok = coldWorst <= TARGET;
  const cpu = (m) => (m.cpuMedian === null ? 'n/a' : fmtSeconds(m.cpuMedian));
  const ratio = (m) => (sql ? `${(m.median / sql.median).toFixed(2)}×` : 'n/a');
  const target = (m) => `≤ ${TARGET * 1000} ms ${m.median <= TARGET ? '✓' : '✗'}`;
  rows.push(['`aicop report annual --fy 2023 --format json`, warm', cli.runs, fmtSeconds(cli.median), cpu(cli), fmtMb(cli.peakRssMb), ratio(cli), target(cli)]);
  if (cold.afterImport) rows.push(['the same, cold: first report after an import', cold.afterImport.runs, fmtSeconds(cold.afterImport.median), cpu(cold.afterImport), fmtMb(cold.afterImport.peakRssMb), ratio(cold.afterImport), target(cold.afterImport)]);
  if (cold.evicted) rows.push(['the same, cold: first report after an import, the file out of the OS cache', cold.evicted.runs, fmtSeconds(cold.evicted.median), cpu(cold.evicted), fmtMb(cold.evicted.peakRssMb), ratio(cold.evicted), target(cold.evicted)]);
  if (sql) rows.push([`\`sqlite3\` shell, the same ${stmts.length} statements (rollup tables)`, sql.runs, fmtSeconds(sql.median), cpu(sql), fmtMb(sql.peakRssMb), '1.00×', '']);
  if (reference) rows.push([`\`sqlite3\` shell, the ${stmts.length} base-table statements (reference)`, reference.runs, fmtSeconds(reference.median), cpu(reference), fmtMb(reference.peakRssMb), `${(reference.median / sql.median).toFixed(2)}×`, '']);
  rows.push(['in-process queries + model + JSON (no start-up)', inproc.length, fmtSeconds(inMedian), 'n/a', 'n/a', sql ? `${(inMedian / sql.median).toFixed(2)}×` : 'n/a', '']);
  return {
    title: `Annual report (${members.toLocaleString('en-US')} members, ${attendance.toLocaleString('en-US')} attendance rows)`,
    header: ['command', 'runs', 'median', 'CPU (median)', 'peak RSS', 'ratio to sqlite3', 'target'],
    rows,
    notes: [`database: ${dbPath} (${(fs.statSync(dbPath).size / 2 ** 20).toFixed(0)} MiB)`],
    summary: { name: 'report', aicop: coldWorst, baseline: sql?.median ?? null, ratio: sql ? coldWorst / sql.median : null, rssMb: cli.peakRssMb, ok },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  requireBuild();
  const opts = numberFlags({ members: 1_000_000, attendance: 5_000_000, runs: 5 });
  const res = await run(opts);
  printResult(res);
  console.log(machine());
}
