#!/usr/bin/env node
// npm run bench [-- --members 1000000 --runs 3] — every benchmark in one go (start-up, roster
// import, domain check, bench/report.mjs when present, outputs through a slow reader), each beside its baseline, then one
// summary table and the machine the figures come from. A benchmark whose command is not in this
// build is listed as skipped rather than failing the others.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, fmtMb, fmtSeconds, machine, markdownTable, numberFlags, printResult, requireBuild } from './lib.mjs';

requireBuild();
const opts = numberFlags({ members: 1_000_000, runs: 3 });
const summaries = [];
let failed = false;

async function step(name, fn) {
  try {
    const res = await fn();
    if (res) {
      printResult(res);
      if (res.summary) summaries.push(res.summary);
    }
  } catch (err) {
    failed = true;
    console.log(`### ${name}\n\nfailed: ${String(err.message ?? err).split('\n').join('\n    ')}\n`);
    summaries.push({ name, failed: true });
  }
}

await step('startup', async () => (await import('./startup.mjs')).run({ runs: Math.max(15, opts.runs) }));
await step('import', async () => (await import('./import.mjs')).run({ members: opts.members, runs: opts.runs }));
await step('attendance', async () => (await import('./attendance.mjs')).run({ attendance: opts.members, members: Math.min(200_000, opts.members), events: 200, runs: opts.runs }));
await step('incremental', async () => (await import('./incremental.mjs')).run({ members: opts.members, rows: Math.min(10_000, Math.max(1, Math.floor(opts.members / 100))), runs: opts.runs }));
await step('domains', async () => (await import('./domains.mjs')).run({ addresses: opts.members, runs: opts.runs }));

const report = path.join(ROOT, 'bench', 'report.mjs');
if (fs.existsSync(report)) {
  await step('report', async () => {
    const mod = await import('./report.mjs');
    if (typeof mod.run === 'function') {
      const res = await mod.run({ runs: opts.runs });
      if (res && Array.isArray(res.rows) && Array.isArray(res.header)) return res;
      return null;
    }
    // A script without a run() export: run it and pass its output through.
    const r = spawnSync(process.execPath, [report], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`bench/report.mjs exited ${r.status}`);
    return null;
  });
} else {
  summaries.push({ name: 'report', skipped: true });
}

await step('stream', async () => (await import('./stream.mjs')).run({ members: opts.members, attendance: opts.members, runs: opts.runs }));

const ratioText = (s) => (s.baseline ? `${(s.aicop / s.baseline).toFixed(2)}×` : '');
console.log('### Summary\n');
console.log(
  markdownTable(
    ['benchmark', 'aicop median', 'baseline median', 'aicop time ÷ baseline time', 'aicop peak RSS', 'status'],
    summaries.map((s) =>
      s.failed || s.skipped
        ? [s.name, '', '', '', '', s.failed ? 'failed' : 'skipped']
        : [s.name, fmtSeconds(s.aicop), s.baseline ? fmtSeconds(s.baseline) : 'n/a', ratioText(s), fmtMb(s.rssMb), `${s.ok === false ? 'over target' : 'ok'}${s.floorRatio ? ` (speed ${s.floorRatio.toFixed(2)}× of the schema floor)` : ''}`],
    ),
  ),
);
console.log(`\nMachine: ${machine()}`);
if (failed) process.exitCode = 1;
