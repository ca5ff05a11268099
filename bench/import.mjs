#!/usr/bin/env node
// npm run bench:import [-- --members 1000000 --runs 3] — `aicop import members` of a generated
// roster (~3% invalid, ~2% duplicate emails) into a fresh, initialised database, against
// `sqlite3 x.db ".import --csv members.csv members_raw"` of the same file in the same run.
// Targets: ≥ 0.30× sqlite3's speed; aicop peak RSS ≤ 150 MB.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  BIN, aicop, benchData, ensureGnuTime, ensureTool, fmtMb, fmtRate, fmtSeconds, hasCommand, machine, measure, numberFlags, printResult, requireBuild, scratch,
} from './lib.mjs';

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
    let base = null;
    if (haveSqlite) {
      base = measure('sqlite3 .import', 'sqlite3', [raw, '.import --csv members.csv members_raw'], { runs, cwd: data, before: () => freshDb(raw) });
    }
    const ratio = base ? base.median / ours.median : null;
    rows.push([
      '`aicop import members`', ours.runs, fmtSeconds(ours.median), fmtRate(members, ours.median), fmtMb(ours.peakRssMb),
      ratio === null ? 'n/a' : `${ratio.toFixed(2)}×`, `≥ 0.30× ${ratio === null ? '?' : ratio >= 0.3 ? '✓' : '✗'}, ≤ 150 MB ${ours.peakRssMb !== null && ours.peakRssMb <= 150 ? '✓' : '✗'}`,
    ]);
    if (base) rows.push(['`sqlite3 .import --csv`', base.runs, fmtSeconds(base.median), fmtRate(members, base.median), fmtMb(base.peakRssMb), '1.00×', '']);
    return {
      title: `Roster import (${members.toLocaleString('en-US')} rows, exit ${ours.codes[0]})`,
      header: ['command', 'runs', 'median', 'rate', 'peak RSS', 'speed vs sqlite3', 'target'],
      rows,
      summary: { name: 'import', aicop: ours.median, baseline: base?.median ?? null, ratio, rssMb: ours.peakRssMb, rowsPerSecond: members / ours.median, ok: (ratio === null || ratio >= 0.3) && (ours.peakRssMb === null || ours.peakRssMb <= 150) },
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
