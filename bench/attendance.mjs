#!/usr/bin/env node
// npm run bench:attendance [-- --attendance 1000000 --members 200000 --events 200 --runs 3] —
// `aicop import attendance` of a generated file (distinct event/email pairs, members and
// guests) into a database that already holds the roster and the events, against
// `sqlite3 x.db ".import --csv attendance.csv attendance_raw"` of the same file in the same run.
// Targets (issue #20): ≥ 0.10× sqlite3's speed; aicop peak RSS ≤ 150 MB.
//
// The roster and the events are imported once and copied before every run: set-up, not the
// timed attendance import.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { BIN, aicop, benchData, ensureGnuTime, ensureTool, fmtMb, fmtRate, fmtSeconds, machine, measure, numberFlags, printResult, requireBuild, scratch } from './lib.mjs';

function freshDb(file) {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
}

function must(args, what) {
  const r = spawnSync(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0 && r.status !== 3) throw new Error(`${what} exited ${r.status}: ${r.stderr}`);
}

export async function run({ attendance = 1_000_000, members = 200_000, events = 200, runs = 3 } = {}) {
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
    rows.push([
      '`aicop import attendance`', ours.runs, fmtSeconds(ours.median), fmtRate(attendance, ours.median), fmtMb(ours.peakRssMb),
      ratio === null ? 'n/a' : `${ratio.toFixed(3)}×`, `≥ 0.10× ${ratio === null ? '?' : ratio >= 0.1 ? '✓' : '✗'}, ≤ 150 MB ${ours.peakRssMb !== null && ours.peakRssMb <= 150 ? '✓' : '✗'}`,
    ]);
    if (base) rows.push(['`sqlite3 .import --csv`', base.runs, fmtSeconds(base.median), fmtRate(attendance, base.median), fmtMb(base.peakRssMb), '1.00×', '']);
    return {
      title: `Attendance import (${attendance.toLocaleString('en-US')} rows into ${members.toLocaleString('en-US')} members, ${events} events)`,
      header: ['command', 'runs', 'median', 'rate', 'peak RSS', 'speed vs sqlite3', 'target'],
      rows,
      summary: { name: 'attendance', aicop: ours.median, baseline: base?.median ?? null, ratio, rssMb: ours.peakRssMb, ok: (ratio === null || ratio >= 0.1) && (ours.peakRssMb === null || ours.peakRssMb <= 150) },
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  requireBuild();
  const opts = numberFlags({ attendance: 1_000_000, members: 200_000, events: 200, runs: 3 });
  printResult(await run(opts));
  console.log(machine());
}
