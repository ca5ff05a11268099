#!/usr/bin/env node
// npm run bench:incremental [-- --members 1000000 --rows 10000 --runs 3]
// The everyday import: `aicop import members` of 10k new rows into a database that already
// holds a million members (issue #20: at most a third of sqlite-utils' time for the same rows).
//
// Set-up, cached under the OS temp dir and keyed by the build's migrations: the bench roster of
// `--members` rows imported by aicop, then one small import so that every member's look-alike
// keys exist (the steady state; the first import after a bulk load computes them once, which is
// measured and shown on its own row). Each timed run copies that database first (untimed).
//
// Baselines in the same run, on copies of one database holding the same roster loaded by
// sqlite-utils (`insert --csv --pk email`): `sqlite-utils upsert --csv --pk email` of the same
// 10k-row file, and the sqlite3 shell's `.import` of it.
//
// Second case (issue #20: ≥ 0.35× of `.import`, "nothing to write should cost little more than a
// parse"): the whole `--members` roster imported again with --force into a copy of the same
// database, where every row is unchanged or rejected, beside the sqlite3 shell's `.import` of that
// file into an empty database; again with the parse thread (AICOP_PARSE_THREAD=1); and once on a
// copy without the stored import prints (migration 023), as the first re-import after the
// upgrade runs. --reimport 0 leaves the case out.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { schemaFingerprint } from './report.mjs';
import { BIN, benchData, ensureGnuTime, ensureTool, fmtMb, fmtSeconds, machine, measure, numberFlags, printResult, requireBuild, scratch } from './lib.mjs';

function run1(args, env = process.env) {
  const r = spawnSync(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 3) throw new Error(`aicop ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
}

/**
 * A fresh copy of a database, flushed to disk before the timed run: otherwise the first fsync of
 * the measured process (at its commit) writes the whole freshly copied file, and every command
 * measures the disk instead of itself (6 s for 0.5 s of CPU).
 */
function copyDb(from, to) {
  for (const f of [to, `${to}-wal`, `${to}-shm`]) fs.rmSync(f, { force: true });
  fs.copyFileSync(from, to);
  const fd = fs.openSync(to, 'r+');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
}

/**
 * The schema floor of the 10k-row case: the sqlite3 shell writing exactly the rows aicop's import
 * wrote (its batch's members, first periods, assignments, look-alike keys, prints and rejects,
 * taken from `result`) into a copy of `base`, in one transaction with the import's cache size,
 * the tables' own triggers keeping the rollups. Nothing is validated or looked up: this is what
 * SQLite needs to store the result in this schema.
 */
function schemaFloor(result, base, work, runs) {
  const rows = path.join(work, 'floor-rows.db');
  fs.rmSync(rows, { force: true });
  const batch = Number(spawnSync('sqlite3', [result, 'SELECT max(id) FROM import_batches'], { encoding: 'utf8' }).stdout.trim());
  const first = Number(spawnSync('sqlite3', [result, `SELECT min(id) FROM members WHERE created_batch = ${batch}`], { encoding: 'utf8' }).stdout.trim());
  const extract = [
    `ATTACH '${result}' AS r;`,
    `CREATE TABLE b AS SELECT * FROM r.import_batches WHERE id = ${batch};`,
    `CREATE TABLE m AS SELECT id, email, domain, agency_id, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, created_at, updated_at, created_batch, updated_batch FROM r.members WHERE created_batch = ${batch};`,
    `CREATE TABLE s AS SELECT member_id, period, start_on, starts, agency_id, member_type, batch_id FROM r.member_spans WHERE batch_id = ${batch};`,
    `CREATE TABLE a AS SELECT member_id, group_id, assigned_on, source, batch_id FROM r.assignments WHERE batch_id = ${batch};`,
    `CREATE TABLE k AS SELECT * FROM r.member_keys WHERE member_id >= ${first};`,
    `CREATE TABLE p AS SELECT * FROM r.member_prints WHERE member_id >= ${first};`,
    `CREATE TABLE j AS SELECT * FROM r.import_rejects WHERE batch_id = ${batch};`,
  ].join('\n');
  if (spawnSync('sqlite3', [rows], { input: extract }).status !== 0) throw new Error('schema floor: could not extract the rows');
  const script = path.join(work, 'floor.sql');
  fs.writeFileSync(script, [
    'PRAGMA cache_size = -16384;',
    'PRAGMA foreign_keys = OFF;',
    `ATTACH '${rows}' AS x;`,
    'BEGIN IMMEDIATE;',
    'INSERT INTO import_batches SELECT * FROM x.b;',
    'INSERT INTO members (id, email, domain, agency_id, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, created_at, updated_at, created_batch, updated_batch) SELECT * FROM x.m ORDER BY id;',
    'INSERT INTO member_spans (member_id, period, start_on, starts, agency_id, member_type, batch_id) SELECT * FROM x.s ORDER BY rowid;',
    'INSERT INTO assignments (member_id, group_id, assigned_on, source, batch_id) SELECT * FROM x.a ORDER BY rowid;',
    'INSERT INTO member_keys SELECT * FROM x.k;',
    'INSERT INTO member_prints SELECT * FROM x.p;',
    'INSERT INTO import_rejects SELECT * FROM x.j;',
    'COMMIT;',
  ].join('\n'));
  const floorDb = path.join(work, 'floor.db');
  return measure('schema floor', 'sqlite3', [floorDb], { runs, stdinFile: script, before: () => copyDb(base, floorDb) });
}

/** `rows` new members: the 100k bench roster's first rows under other addresses (same mix of invalid rows). */
async function newRows(rows, prefix) {
  const src = path.join(await benchData({ members: 100_000 }), 'members.csv');
  const out = path.join(os.tmpdir(), 'aicop-bench-data', `new-${prefix}-${rows}.csv`);
  if (!fs.existsSync(out)) {
    const lines = fs.readFileSync(src, 'utf8').split('\n');
    fs.writeFileSync(out, `${[lines[0], ...lines.slice(1, rows + 1).map((l) => `${prefix}${l}`)].join('\n')}\n`);
  }
  return out;
}

export async function run({ members = 1_000_000, rows = 10_000, runs = 3, reimport = 1 } = {}) {
  ensureGnuTime();
  const roster = path.join(await benchData({ members }), 'members.csv');
  const dir = path.join(os.tmpdir(), 'aicop-bench-data');
  const base = path.join(dir, `incremental-m${members}-${await schemaFingerprint()}.db`);
  const bulk = `${base}.bulk`;
  const file = await newRows(rows, 'n');
  const warm = await newRows(100, 'w');
  const env = { ...process.env, AICOP_NOW: '2026-11-26' };
  if (!fs.existsSync(base)) {
    const tmp = `${base}.building`;
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
    run1(['--db', tmp, '-q', 'init'], env);
    console.error(`bench: importing ${members} members for the incremental bench (once per schema)…`);
    run1(['--db', tmp, '-q', 'import', 'members', roster, '--rejects', path.join(dir, 'incremental-rejects.csv')], env);
    spawnSync('sqlite3', [tmp, 'PRAGMA wal_checkpoint(TRUNCATE);'], { stdio: 'ignore' });
    fs.copyFileSync(tmp, bulk);
    run1(['--db', tmp, '-q', 'import', 'members', warm, '--rejects', path.join(dir, 'incremental-rejects.csv')], env);
    spawnSync('sqlite3', [tmp, 'PRAGMA wal_checkpoint(TRUNCATE);'], { stdio: 'ignore' });
    fs.renameSync(tmp, base);
  }
  const work = scratch('incremental');
  const db = path.join(work, 'aicop.db');
  const rejects = path.join(work, 'rejects.csv');
  const out = [];
  try {
    const aicopArgs = ['--db', db, '-q', 'import', 'members', file, '--rejects', rejects];
    const ours = measure('aicop import members (steady state)', process.execPath, [BIN, ...aicopArgs], { runs, okCodes: [0, 3], env, before: () => copyDb(base, db) });
    const floor = ensureTool('sqlite3') ? schemaFloor(db, base, work, runs) : null;
    const first = fs.existsSync(bulk)
      ? measure('aicop import members (first after the bulk load)', process.execPath, [BIN, ...aicopArgs], { runs: 1, okCodes: [0, 3], env, before: () => copyDb(bulk, db) })
      : null;
    let utils = null;
    let shell = null;
    if (ensureTool('sqlite-utils') && ensureTool('sqlite3')) {
      const utilsBase = path.join(dir, `incremental-sqlite-utils-m${members}.db`);
      if (!fs.existsSync(utilsBase)) {
        const r = spawnSync('sqlite-utils', ['insert', `${utilsBase}.building`, 'members', roster, '--csv', '--pk', 'email', '--ignore'], { stdio: ['ignore', 'ignore', 'inherit'] });
        if (r.status !== 0) throw new Error('sqlite-utils insert failed');
        fs.renameSync(`${utilsBase}.building`, utilsBase);
      }
      const udb = path.join(work, 'utils.db');
      utils = measure('sqlite-utils upsert --csv --pk email', 'sqlite-utils', ['upsert', udb, 'members', file, '--csv', '--pk', 'email'], { runs, before: () => copyDb(utilsBase, udb) });
      shell = measure('sqlite3 .import', 'sqlite3', [udb, `.import --csv --skip 1 ${file} members`], { runs, okCodes: [0, 1], before: () => copyDb(utilsBase, udb) });
    }
    // The unchanged re-import of the whole roster, beside `.import` of the same file.
    let again = null;
    let againThread = null;
    let againFirst = null;
    let raw = null;
    if (reimport) {
      const againArgs = ['--db', db, '-q', 'import', 'members', roster, '--rejects', rejects, '--force'];
      again = measure('aicop import members --force (unchanged)', process.execPath, [BIN, ...againArgs], { runs, okCodes: [3], env, before: () => copyDb(base, db) });
      againThread = measure('the same, parse thread', process.execPath, [BIN, ...againArgs], { runs, okCodes: [3], env: { ...env, AICOP_PARSE_THREAD: '1' }, before: () => copyDb(base, db) });
      againFirst = measure('the same, no stored prints', process.execPath, [BIN, ...againArgs], {
        runs: 1,
        okCodes: [3],
        env,
        before: () => {
          copyDb(base, db);
          const r = spawnSync('sqlite3', [db, 'DELETE FROM member_prints; PRAGMA wal_checkpoint(TRUNCATE);'], { stdio: 'ignore' });
          if (r.status !== 0) throw new Error('sqlite3 could not empty member_prints');
        },
      });
      if (ensureTool('sqlite3')) {
        const rawDb = path.join(work, 'raw.db');
        raw = measure('sqlite3 .import (whole roster)', 'sqlite3', [rawDb, `.import --csv ${roster} members_raw`], {
          runs,
          before: () => {
            for (const f of [rawDb, `${rawDb}-wal`, `${rawDb}-shm`, `${rawDb}-journal`]) fs.rmSync(f, { force: true });
          },
        });
      }
    }
    const cpu = (m) => (m.cpuMedian === null ? 'n/a' : fmtSeconds(m.cpuMedian));
    const vs = (m) => (utils ? `${(m.median / utils.median).toFixed(2)}×` : 'n/a');
    out.push(['`aicop import members`, keys in place (steady state)', ours.runs, fmtSeconds(ours.median), cpu(ours), fmtMb(ours.peakRssMb), vs(ours), `≤ 0.33× ${utils ? (ours.median / utils.median <= 1 / 3 ? '✓' : '✗') : '?'}`]);
    if (first) out.push(['the same, first import after the bulk load (computes every member\'s look-alike keys once)', first.runs, fmtSeconds(first.median), cpu(first), fmtMb(first.peakRssMb), vs(first), '']);
    if (floor) out.push(['schema floor: `sqlite3` writing the rows aicop wrote (members, periods, assignments, keys, prints, rejects) into a copy', floor.runs, fmtSeconds(floor.median), cpu(floor), fmtMb(floor.peakRssMb), vs(floor), '']);
    if (utils) out.push(['`sqlite-utils upsert --csv --pk email`', utils.runs, fmtSeconds(utils.median), cpu(utils), fmtMb(utils.peakRssMb), '1.00×', '']);
    if (shell) out.push(['`sqlite3 .import --csv`', shell.runs, fmtSeconds(shell.median), cpu(shell), fmtMb(shell.peakRssMb), vs(shell), '']);
    const speed = (m) => (raw ? `${(raw.median / m.median).toFixed(2)}× of .import's speed (CPU ${m.cpuMedian && raw.cpuMedian ? (raw.cpuMedian / m.cpuMedian).toFixed(2) : '?'}×)` : '');
    const n = members.toLocaleString('en-US');
    if (again) out.push([`the whole ${n}-row roster again, \`--force\`, nothing changed`, again.runs, fmtSeconds(again.median), cpu(again), fmtMb(again.peakRssMb), speed(again), `≥ 0.35× ${raw ? (raw.median / again.median >= 0.35 ? '✓' : '✗') : '?'}`]);
    if (againThread) out.push(['the same, csv-parse on a worker thread (`AICOP_PARSE_THREAD=1`)', againThread.runs, fmtSeconds(againThread.median), cpu(againThread), fmtMb(againThread.peakRssMb), speed(againThread), '']);
    if (againFirst) out.push(['the same without stored prints (the first re-import after migration 023)', againFirst.runs, fmtSeconds(againFirst.median), cpu(againFirst), fmtMb(againFirst.peakRssMb), speed(againFirst), '']);
    if (raw) out.push([`\`sqlite3 .import --csv\` of the ${n}-row roster into an empty database`, raw.runs, fmtSeconds(raw.median), cpu(raw), fmtMb(raw.peakRssMb), '1.00×', '']);
    return {
      title: `${rows.toLocaleString('en-US')} new rows into ${members.toLocaleString('en-US')} members${again ? ', and the whole roster again unchanged' : ''}`,
      header: ['command', 'runs', 'median', 'CPU (median)', 'peak RSS', 'time vs sqlite-utils (new rows); speed vs .import (re-import)', 'target'],
      rows: out,
      summary: {
        name: 'incremental', aicop: ours.median, baseline: utils?.median ?? null, rssMb: ours.peakRssMb, ok: utils ? ours.median / utils.median <= 1 / 3 : null,
        reimport: again && raw ? { aicop: again.median, baseline: raw.median, ratio: raw.median / again.median, rssMb: again.peakRssMb } : null,
      },
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  requireBuild();
  const opts = numberFlags({ members: 1_000_000, rows: 10_000, runs: 3, reimport: 1 });
  printResult(await run(opts));
  console.log(machine());
}
