#!/usr/bin/env node
// npm run bench:attendance [-- --attendance 1000000 --members 200000 --events 200 --runs 3 --floor 1] —
// `aicop import attendance` of a generated file (distinct event/email pairs, members and
// guests) into a database that already holds the roster and the events, against
// `sqlite3 x.db ".import --csv attendance.csv attendance_raw"` of the same file in the same run.
// Targets (issue #20): ≥ 0.10× sqlite3's speed; aicop peak RSS ≤ 150 MB.
//
// The roster and the events are imported once and copied before every run: set-up, not the
// timed attendance import. CPU is user + system seconds of the measured process (medians), which
// a busy machine inflates less than wall time.
//
// The schema floor (unless --floor 0): the sqlite3 shell loads aicop's own final attendance rows
// into a copy of the same database, nothing parsed or looked up, one step at a time (user + sys
// CPU from the shell's .timer): the rows alone (no attendance INSERT triggers, no
// attendance_member), with attendance_member kept up row by row, with it built after the load (as
// aicop does for a big file into a small table), then each attendance rollup from its definition
// (ROLLUP_CONTENTS, what `aicop db check` compares with).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT, aicop, benchData, ensureGnuTime, ensureTool, fmtMb, fmtRate, fmtSeconds, machine, measure, numberFlags, printResult, requireBuild, scratch } from './lib.mjs';

function freshDb(file) {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
}

function must(args, what) {
  const r = spawnSync(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0 && r.status !== 3) throw new Error(`${what} exited ${r.status}: ${r.stderr}`);
}

export async function run({ attendance = 1_000_000, members = 200_000, events = 200, runs = 3, floor = 1 } = {}) {
  ensureGnuTime();
  const haveSqlite = ensureTool('sqlite3');
  const data = await benchData({ members, events, attendance });
  const csv = path.join(data, 'attendance.csv');
  const work = scratch('attendance');
  const template = path.join(work, 'template.db');
  const db = path.join(work, 'aicop.db');
  const raw = path.join(work, 'raw.db');
  const rows = [];
  try {
    must(['--db', template, '-q', 'init'], 'aicop init');
    must(['--db', template, '-q', 'import', 'members', path.join(data, 'members.csv'), '--rejects', path.join(work, 'm.rejects.csv')], 'aicop import members');
    must(['--db', template, '-q', 'import', 'events', path.join(data, 'events.csv')], 'aicop import events');
    // One file: the WAL is folded in on close.
    const ours = measure('aicop import attendance', ...aicop('--db', db, '-q', 'import', 'attendance', csv, '--rejects', path.join(work, 'a.rejects.csv')), {
      runs,
      okCodes: [0, 3],
      before: () => {
        freshDb(db);
        fs.copyFileSync(template, db);
      },
    });
    const base = haveSqlite ? measure('sqlite3 .import', 'sqlite3', [raw, '.import --csv attendance.csv attendance_raw'], { runs, cwd: data, before: () => freshDb(raw) }) : null;
    const ratio = base ? base.median / ours.median : null;
    const cpuRatio = base?.cpuMedian && ours.cpuMedian ? base.cpuMedian / ours.cpuMedian : null;
    rows.push([
      '`aicop import attendance`', ours.runs, fmtSeconds(ours.median), fmtCpu(ours.cpuMedian), fmtRate(attendance, ours.median), fmtMb(ours.peakRssMb),
      ratio === null ? 'n/a' : `${ratio.toFixed(3)}× (CPU ${cpuRatio === null ? 'n/a' : `${cpuRatio.toFixed(3)}×`})`,
      `≥ 0.10× ${ratio === null ? '?' : ratio >= 0.1 ? '✓' : '✗'}, ≤ 150 MB ${ours.peakRssMb !== null && ours.peakRssMb <= 150 ? '✓' : '✗'}`,
    ]);
    if (base) rows.push(['`sqlite3 .import --csv`', base.runs, fmtSeconds(base.median), fmtCpu(base.cpuMedian), fmtRate(attendance, base.median), fmtMb(base.peakRssMb), '1.00×', '']);
    if (haveSqlite && floor) {
      // The database of aicop's last run holds the rows to load.
      for (const [step, cpu] of await schemaFloor(template, db, path.join(work, 'floor.db'))) {
        rows.push([`floor: ${step}`, 1, '', fmtCpu(cpu), '', '', base?.cpuMedian ? `CPU ${(base.cpuMedian / cpu).toFixed(3)}× (cumulative)` : '', '']);
      }
    }
    return {
      title: `Attendance import (${attendance.toLocaleString('en-US')} rows into ${members.toLocaleString('en-US')} members, ${events} events)`,
      header: ['command', 'runs', 'median', 'CPU', 'rate', 'peak RSS', 'speed vs sqlite3', 'target'],
      rows,
      summary: { name: 'attendance', aicop: ours.median, baseline: base?.median ?? null, ratio, cpu: ours.cpuMedian, baselineCpu: base?.cpuMedian ?? null, rssMb: ours.peakRssMb, ok: (ratio === null || ratio >= 0.1) && (ours.peakRssMb === null || ours.peakRssMb <= 150) },
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function fmtCpu(s) {
  return s === null || s === undefined ? 'n/a' : `${s.toFixed(2)} s`;
}

/** Runs a sqlite3 shell script with `.timer on` and returns the CPU (user + sys) of each statement line tagged `-- step: name`. */
function timedScript(dbFile, script) {
  const r = spawnSync('sqlite3', [dbFile], { input: script, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0 || /Error|error/.test(r.stderr)) throw new Error(`schema floor: sqlite3 failed: ${r.stderr}`);
  const times = [...r.stdout.matchAll(/Run Time: real [\d.]+ user ([\d.]+) sys ([\d.]+)/g)].map((m) => Number(m[1]) + Number(m[2]));
  return times;
}

/**
 * The schema floor: cumulative CPU of the shell loading the final rows of `done` (aicop's result)
 * into copies of `template` (the database before the import), step by step.
 */
async function schemaFloor(template, done, floorDb) {
  const { ROLLUP_CONTENTS } = await import(pathToFileURL(path.join(ROOT, 'dist', 'db', 'rollups.js')).href);
  const prelude = `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -16384; PRAGMA temp.cache_size = -2048;
ATTACH '${done.replaceAll("'", "''")}' AS r;
INSERT INTO import_batches SELECT * FROM r.import_batches WHERE id NOT IN (SELECT id FROM main.import_batches);
DROP TRIGGER attendance_report_ai; DROP TRIGGER attendance_groups_ai;
.timer on
`;
  const run = (body) => {
    freshDb(floorDb);
    fs.copyFileSync(template, floorDb);
    return timedScript(floorDb, `${prelude}BEGIN;\n${body}\nCOMMIT;\n`);
  };
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const load = 'INSERT INTO attendance SELECT * FROM r.attendance;';
  const out = [];
  out.push(['rows only (no INSERT triggers, no attendance_member)', sum(run(`DROP INDEX attendance_member;\n${load}`))]);
  out.push(['rows, attendance_member kept up', sum(run(load))]);
  const deferred = `DROP INDEX attendance_member;\n${load}\nCREATE INDEX attendance_member ON attendance(member_id);`;
  out.push(['rows, attendance_member built after', sum(run(deferred))]);
  const rollups = ['event_stats', 'attendee_fy', 'member_attendee_fy', 'attendee_group_fy', 'member_attendee_group_fy', 'attendee_group_count'];
  const times = run(
    `${deferred}\nINSERT INTO meta (key, value) VALUES ('bulk:attendee_groups', '1');\n${rollups.map((t) => `DELETE FROM ${t};\nINSERT INTO ${t} ${ROLLUP_CONTENTS[t]};`).join('\n')}`,
  );
  // BEGIN, the load (drop, insert, create), the meta flag, a DELETE and an INSERT per rollup, COMMIT.
  let total = sum(times.slice(0, 5));
  for (const [i, t] of rollups.entries()) {
    total += (times[5 + 2 * i] ?? 0) + (times[6 + 2 * i] ?? 0);
    out.push([`+ ${t} from its definition`, total]);
  }
  out.push(['+ COMMIT (the whole floor)', total + (times[5 + 2 * rollups.length] ?? 0)]);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  requireBuild();
  const opts = numberFlags({ attendance: 1_000_000, members: 200_000, events: 200, runs: 3, floor: 1 });
  printResult(await run(opts));
  console.log(machine());
}
