#!/usr/bin/env node
// npm run bench:import [-- --members 1000000 --runs 3] — `aicop import members` of a generated
// roster (~3% invalid, ~2% duplicate emails) into a fresh, initialised database, against
// `sqlite3 x.db ".import --csv members.csv members_raw"` of the same file in the same run.
// Targets (issue #20): ≥ 0.20× sqlite3's speed at 1M rows; aicop peak RSS ≤ 150 MB. A second aicop
// row runs csv-parse on a worker thread (AICOP_PARSE_THREAD=1, opt-in: it costs memory) to show what it saves.
//
// A second baseline, the schema floor: the sqlite3 shell writing the rows aicop's import ended
// with (its members and assignments, exported to CSV) into a fresh aicop database by
// INSERT … SELECT (with their first membership periods), then filling the report rollups with their definitions' own SELECTs (ROLLUP_CONTENTS), all in one
// transaction. It validates nothing and looks nothing up: it is what SQLite itself needs to
// store this result in this schema (indexes, CHECKs, rollups, WAL), so the ratio against it
// tells what aicop's own code adds on top.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  BIN, ROOT, aicop, benchData, ensureGnuTime, ensureTool, fmtMb, fmtRate, fmtSeconds, hasCommand, machine, measure, numberFlags, printResult, requireBuild, scratch,
} from './lib.mjs';

const MEMBER_COLUMNS = 'id, email, domain, agency_id, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, created_at, updated_at, created_batch, updated_batch';
const ASSIGNMENT_COLUMNS = 'member_id, group_id, assigned_on, source, batch_id';

/**
 * Exports the rows of aicop's import from `db` and writes the floor script beside them; returns its
 * path. With `indexesAfter`, the variant that drops the secondary (non-unique) indexes of the three
 * tables a roster writes before loading and builds them after, before the rollups (the issue's
 * "build secondary indexes after a bulk load into an empty database").
 */
async function prepareFloor(db, work, { indexesAfter = false } = {}) {
  const dump = (sql, file) => {
    const r = spawnSync('sqlite3', ['-csv', db, sql], { stdio: ['ignore', fs.openSync(path.join(work, file), 'w'), 'pipe'] });
    if (r.status !== 0) throw new Error(`sqlite3 export of ${file} failed: ${r.stderr}`);
  };
  dump(`SELECT ${MEMBER_COLUMNS} FROM members ORDER BY id`, 'floor-members.csv');
  dump(`SELECT ${ASSIGNMENT_COLUMNS} FROM assignments ORDER BY id`, 'floor-assignments.csv');
  const { ROLLUP_CONTENTS } = await import(pathToFileURL(path.join(ROOT, 'dist', 'db', 'rollups.js')).href);
  const anyCols = (cols) => cols.split(', ').map((c) => `${c} ANY`).join(', ');
  const nulls = (cols) => cols.split(', ').map((c) => `nullif(${c}, '')`).join(', ');
  const secondary = indexesAfter
    ? spawnSync('sqlite3', ['-separator', '\t', db, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('members', 'member_spans', 'assignments') AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"], { encoding: 'utf8' })
        .stdout.trim().split('\n').filter(Boolean).map((l) => l.split('\t'))
    : [];
  const script = [
    // The same settings as aicop's import transaction (src/db/imports-repo.ts).
    'PRAGMA cache_size = -16384;',
    'PRAGMA foreign_keys = OFF;',
    `CREATE TEMP TABLE m (${anyCols(MEMBER_COLUMNS)});`,
    `CREATE TEMP TABLE a (${anyCols(ASSIGNMENT_COLUMNS)});`,
    '.import --csv --schema temp floor-members.csv m',
    '.import --csv --schema temp floor-assignments.csv a',
    'BEGIN IMMEDIATE;',
    // As the import does (migrations 011, 013): the INSERT triggers stand aside, the rollups are filled below.
    "INSERT INTO meta (key, value) VALUES ('bulk:spans', '1'), ('bulk:assignments', '1');",
    ...secondary.map(([name]) => `DROP INDEX ${name};`),
    `INSERT INTO members (${MEMBER_COLUMNS}) SELECT ${nulls(MEMBER_COLUMNS)} FROM temp.m ORDER BY rowid;`,
    // Each new member's first membership period (migration 013).
    "INSERT INTO member_spans (member_id, period, start_on, starts, agency_id, member_type, batch_id) SELECT id, 1, joined_on, 'join', agency_id, member_type, created_batch FROM members ORDER BY id;",
    `INSERT INTO assignments (${ASSIGNMENT_COLUMNS}) SELECT ${nulls(ASSIGNMENT_COLUMNS)} FROM temp.a ORDER BY rowid;`,
    ...secondary.map(([, sql]) => `${sql};`),
    ...['member_fy', 'group_fy', 'group_join'].map((t) => `INSERT INTO ${t} ${ROLLUP_CONTENTS[t]};`),
    "DELETE FROM meta WHERE key IN ('bulk:spans', 'bulk:assignments');",
    'COMMIT;',
  ];
  const file = path.join(work, indexesAfter ? 'floor-indexes-after.sql' : 'floor.sql');
  fs.writeFileSync(file, `${script.join('\n')}\n`);
  return file;
}

function freshDb(file) {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
}

export async function run({ members = 1_000_000, runs = 3 } = {}) {
  ensureGnuTime();
  const haveSqlite = ensureTool('sqlite3');
  if (!hasCommand('import', 'members')) {
    return { title: `Roster import (${members.toLocaleString('en-US')} rows)`, header: ['command', 'note'], rows: [['`aicop import members`', 'not in this build yet: skipped']], summary: { name: 'import', skipped: true } };
  }
  const data = await benchData({ members });
  const csv = path.join(data, 'members.csv');
  const work = scratch('import');
  const db = path.join(work, 'aicop.db');
  const raw = path.join(work, 'raw.db');
  const rejects = path.join(work, 'rejects.csv');
  const rows = [];
  try {
    const ours = measure('aicop import members', ...aicop('--db', db, '-q', 'import', 'members', csv, '--rejects', rejects), {
      runs,
      okCodes: [0, 3],
      before: () => {
        freshDb(db);
        // init (schema, groups, agency directory) is set-up, not import time.
        const r = spawnSync(process.execPath, [BIN, '--db', db, '-q', 'init'], { stdio: 'ignore' });
        if (r.status !== 0) throw new Error(`aicop init exited ${r.status}`);
      },
    });
    // The same import with csv-parse on a worker thread (src/csv/threaded.ts, opt-in).
    const threaded = measure('aicop import members, parse on a worker thread', ...aicop('--db', db, '-q', 'import', 'members', csv, '--rejects', rejects), {
      runs,
      okCodes: [0, 3],
      env: { ...process.env, AICOP_PARSE_THREAD: '1' },
      before: () => {
        freshDb(db);
        const r = spawnSync(process.execPath, [BIN, '--db', db, '-q', 'init'], { stdio: 'ignore' });
        if (r.status !== 0) throw new Error(`aicop init exited ${r.status}`);
      },
    });
    let base = null;
    if (haveSqlite) {
      base = measure('sqlite3 .import', 'sqlite3', [raw, '.import --csv members.csv members_raw'], { runs, cwd: data, before: () => freshDb(raw) });
    }
    let floor = null;
    let floorAfter = null;
    if (haveSqlite) {
      const script = await prepareFloor(db, work);
      const floorDb = path.join(work, 'floor.db');
      floor = measure('sqlite3 INSERT … SELECT into the aicop schema', 'sqlite3', [floorDb], {
        runs,
        cwd: work,
        stdinFile: script,
        before: () => {
          freshDb(floorDb);
          const r = spawnSync(process.execPath, [BIN, '--db', floorDb, '-q', 'init'], { stdio: 'ignore' });
          if (r.status !== 0) throw new Error(`aicop init exited ${r.status}`);
        },
      });
      const after = await prepareFloor(db, work, { indexesAfter: true });
      floorAfter = measure('sqlite3 floor, secondary indexes built after the load', 'sqlite3', [floorDb], {
        runs,
        cwd: work,
        stdinFile: after,
        before: () => {
          freshDb(floorDb);
          const r = spawnSync(process.execPath, [BIN, '--db', floorDb, '-q', 'init'], { stdio: 'ignore' });
          if (r.status !== 0) throw new Error(`aicop init exited ${r.status}`);
        },
      });
      const count = (file) => spawnSync('sqlite3', [file, 'SELECT count(*) FROM members; SELECT count(*) FROM assignments;'], { encoding: 'utf8' }).stdout.trim();
      if (count(floorDb) !== count(db)) throw new Error(`schema floor: ${count(floorDb)} rows, aicop: ${count(db)}`);
    }
    const ratio = base ? base.median / ours.median : null;
    const floorRatio = floor ? floor.median / ours.median : null;
    const cpu = (m) => (m.cpuMedian === null ? 'n/a' : fmtSeconds(m.cpuMedian));
    rows.push([
      '`aicop import members`', ours.runs, fmtSeconds(ours.median), cpu(ours), fmtRate(members, ours.median), fmtMb(ours.peakRssMb),
      ratio === null ? 'n/a' : `${ratio.toFixed(2)}×`, `≥ 0.20× ${ratio === null ? '?' : ratio >= 0.2 ? '✓' : '✗'}, ≤ 150 MB ${ours.peakRssMb !== null && ours.peakRssMb <= 150 ? '✓' : '✗'}`,
    ]);
    rows.push([
      'the same, csv-parse on a worker thread (`AICOP_PARSE_THREAD=1`)', threaded.runs, fmtSeconds(threaded.median), cpu(threaded), fmtRate(members, threaded.median), fmtMb(threaded.peakRssMb),
      base ? `${(base.median / threaded.median).toFixed(2)}×` : 'n/a', `${((1 - threaded.median / ours.median) * 100).toFixed(0)}% less time, ${(threaded.peakRssMb - ours.peakRssMb).toFixed(0)} MB more`,
    ]);
    if (base) rows.push(['`sqlite3 .import --csv`', base.runs, fmtSeconds(base.median), cpu(base), fmtRate(members, base.median), fmtMb(base.peakRssMb), '1.00×', '']);
    if (floor) {
      rows.push([
        'schema floor: `sqlite3` INSERT … SELECT of the same result into the aicop schema', floor.runs, fmtSeconds(floor.median), cpu(floor), fmtRate(members, floor.median), fmtMb(floor.peakRssMb),
        base ? `${(base.median / floor.median).toFixed(2)}×` : 'n/a', `aicop at ${floorRatio.toFixed(2)}× of it`,
      ]);
    }
    if (floorAfter) {
      rows.push([
        'the same floor, secondary indexes dropped before the load and built after', floorAfter.runs, fmtSeconds(floorAfter.median), cpu(floorAfter), fmtRate(members, floorAfter.median), fmtMb(floorAfter.peakRssMb),
        base ? `${(base.median / floorAfter.median).toFixed(2)}×` : 'n/a', `${((1 - floorAfter.median / floor.median) * 100).toFixed(0)}% less time than the floor`,
      ]);
    }
    return {
      title: `Roster import (${members.toLocaleString('en-US')} rows, exit ${ours.codes[0]})`,
      header: ['command', 'runs', 'median', 'CPU (median)', 'rate', 'peak RSS', 'speed vs sqlite3', 'target'],
      rows,
      summary: { name: 'import', aicop: ours.median, threaded: threaded.median, baseline: base?.median ?? null, ratio, floor: floor?.median ?? null, floorRatio, rssMb: ours.peakRssMb, rowsPerSecond: members / ours.median, ok: (ratio === null || ratio >= 0.2) && (ours.peakRssMb === null || ours.peakRssMb <= 150) },
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  requireBuild();
  const opts = numberFlags({ members: 1_000_000, runs: 3 });
  printResult(await run(opts));
  console.log(machine());
}
