#!/usr/bin/env node
// npm run bench:stream [-- --members 1000000 --attendance 1000000 --runs 3 --slow-runs 1 --chunk-kib 64 --interval-ms 10]
// Every big output piped into a deliberately slow reader (bench/slow-reader.mjs: 64 KiB every
// 10 ms, about 6.5 MB/s, slower than aicop writes) and, in the same run, into a reader that
// takes everything as fast as it comes: `export members` (csv, json, xlsx), `export attendance`
// (csv, json), `export listserv`, `members list --format csv|json` and `report annual`.
// Target (issue #20): aicop's peak RSS ≤ 150 MB whatever the reader's speed — an output that
// ignores backpressure queues in aicop's memory what the pipe does not take.
//
// The database is bench/report.mjs's (1M members, SQL-built, cached under the OS temp dir by
// size and a fingerprint of the migrations), with 1M attendance rows unless --attendance says
// otherwise. AICOP_BENCH_BIN=/path/to/bin/aicop.js measures another build (a before/after run)
// against the same database; AICOP_BENCH_CASES=xlsx runs only the commands whose label holds it;
// AICOP_BENCH_DB=file.db measures on that database instead of the cached one.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ensureGnuTime, fmtMb, fmtSeconds, machine, median, numberFlags, printResult, requireBuild } from './lib.mjs';
import { build, schemaFingerprint } from './report.mjs';

const TARGET_MB = 150;
const READER = path.join(path.dirname(BIN), '..', 'bench', 'slow-reader.mjs');
const GNU_TIME = '/usr/bin/time';

/** The outputs measured: a label, aicop's arguments after --db, and whether two runs give the same bytes. */
const CASES = [
  ['`export members --format csv`', ['export', 'members', '--format', 'csv'], true],
  ['`export members --format json`', ['export', 'members', '--format', 'json'], true],
  // A workbook's zip entries carry the time they were written: sizes match, bytes need not.
  ['`export members --format xlsx`', ['export', 'members', '--format', 'xlsx'], false],
  ['`export attendance --format csv`', ['export', 'attendance', '--format', 'csv'], true],
  ['`export attendance --format json`', ['export', 'attendance', '--format', 'json'], true],
  ['`export listserv`', ['export', 'listserv'], true],
  ['`members list --format csv`', ['members', 'list', '--format', 'csv'], true],
  ['`members list --format json`', ['members', 'list', '--format', 'json'], true],
  ['`report annual --fy 2023 --format html`', ['report', 'annual', '--fy', '2023', '--format', 'html'], true],
];

/**
 * One pipeline `aicop … | slow-reader`: resolves { seconds (until the reader has read the last
 * byte), rssMb (aicop's peak, GNU time's %M), bytes, crc }.
 */
function pipeline(bin, args, chunk, interval) {
  return new Promise((resolve, reject) => {
    const rssFile = path.join(os.tmpdir(), `aicop-bench-stream-rss-${process.pid}.txt`);
    fs.rmSync(rssFile, { force: true });
    const t0 = process.hrtime.bigint();
    const reader = spawn(process.execPath, [READER, String(chunk), String(interval)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const useTime = fs.existsSync(GNU_TIME);
    const [cmd, argv] = useTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, process.execPath, bin, ...args]] : [process.execPath, [bin, ...args]];
    const writer = spawn(cmd, argv, { stdio: ['ignore', reader.stdin, 'pipe'] });
    // The writer has its own copy of the pipe; the reader sees the end once the writer exits.
    reader.stdin.destroy();
    let err = '';
    writer.stderr.on('data', (c) => (err = (err + c).slice(-4000)));
    let out = '';
    reader.stdout.on('data', (c) => (out += c));
    let code;
    const writerDone = new Promise((r) => writer.on('close', (c) => r((code = c))));
    reader.on('error', reject);
    writer.on('error', reject);
    reader.on('close', async () => {
      await writerDone;
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return reject(new Error(`aicop ${args.join(' ')} exited ${code}\n${err.trim().split('\n').slice(-5).join('\n')}`));
      let rssMb = null;
      if (useTime) {
        const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
        rssMb = Number(lines[lines.length - 1]) / 1024;
        fs.rmSync(rssFile, { force: true });
      }
      const { bytes, crc } = JSON.parse(out);
      resolve({ seconds, rssMb, bytes, crc });
    });
  });
}

async function series(bin, args, runs, chunk, interval) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await pipeline(bin, args, chunk, interval));
  return { median: median(all.map((r) => r.seconds)), rssMb: Math.max(...all.map((r) => r.rssMb ?? 0)), bytes: all[0].bytes, crcs: all.map((r) => r.crc) };
}

export async function run({ members = 1_000_000, attendance = 1_000_000, runs = 3, slowRuns = 1, chunkKib = 64, intervalMs = 10 } = {}) {
  ensureGnuTime();
  const bin = process.env.AICOP_BENCH_BIN ? path.resolve(process.env.AICOP_BENCH_BIN) : BIN;
  const dir = path.join(os.tmpdir(), 'aicop-bench-data');
  fs.mkdirSync(dir, { recursive: true });
  const dbPath = process.env.AICOP_BENCH_DB ? path.resolve(process.env.AICOP_BENCH_DB) : path.join(dir, `report-m${members}-a${attendance}-${await schemaFingerprint()}.db`);
  if (!fs.existsSync(dbPath)) build(dbPath, members, attendance);
  const chunk = chunkKib * 1024;
  const rows = [];
  let worst = 0;
  let same = true;
  let headline = null;
  const only = process.env.AICOP_BENCH_CASES;
  for (const [label, args, deterministic] of CASES.filter(([label]) => only === undefined || label.includes(only))) {
    const argv = ['--db', dbPath, '-q', ...args];
    const fast = await series(bin, argv, runs, chunk, 0);
    const slow = await series(bin, argv, slowRuns, chunk, intervalMs);
    const identical = deterministic ? [...fast.crcs, ...slow.crcs].every((c) => c === fast.crcs[0]) && fast.bytes === slow.bytes : fast.bytes === slow.bytes;
    same &&= identical;
    worst = Math.max(worst, fast.rssMb, slow.rssMb);
    headline ??= { fast, slow };
    rows.push([
      label,
      `${(fast.bytes / 2 ** 20).toFixed(0)} MiB`,
      fmtSeconds(fast.median),
      fmtMb(fast.rssMb),
      fmtSeconds(slow.median),
      fmtMb(slow.rssMb),
      identical ? 'yes' : 'NO',
      Math.max(fast.rssMb, slow.rssMb) <= TARGET_MB ? '✓' : '✗',
    ]);
  }
  const ok = worst <= TARGET_MB && same;
  return {
    title: `Outputs through a slow reader (${members.toLocaleString('en-US')} members, ${attendance.toLocaleString('en-US')} attendance rows)`,
    header: ['command (piped)', 'output', 'fast reader median', 'peak RSS', `slow reader (${chunkKib} KiB / ${intervalMs} ms) median`, 'peak RSS', 'same output', `≤ ${TARGET_MB} MB`],
    rows,
    notes: [
      `fast reader: ${runs} run(s) per command; slow reader: ${slowRuns} run(s) (about ${((chunk / intervalMs) * 1000 / 2 ** 20).toFixed(1)} MiB/s at most); time until the reader has the last byte`,
      `aicop: ${bin}`,
      `database: ${dbPath} (${(fs.statSync(dbPath).size / 2 ** 20).toFixed(0)} MiB)`,
    ],
    summary: { name: 'stream', aicop: headline.slow.median, baseline: headline.fast.median, rssMb: worst, ok },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  requireBuild();
  const opts = numberFlags({ members: 1_000_000, attendance: 1_000_000, runs: 3, slowRuns: 1, chunkKib: 64, intervalMs: 10 });
  const res = await run(opts);
  printResult(res);
  console.log(machine());
}
