// Benchmark harness: run a command N times, median wall time, peak RSS of the measured process
// (GNU time's %M: the max resident set of the child it runs, i.e. the real aicop or sqlite3
// process, not this script), and a markdown table. Setup work (deleting a database, …) runs
// before each run and is not timed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'aicop.js');
const GNU_TIME = '/usr/bin/time';

/** True when `cmd` is on PATH. */
export function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

let aptUpdated = false;
/**
 * Makes sure a command exists, installing its Debian package with apt-get when missing (as root,
 * or with sudo when available). Returns false, with a note on stderr, when it cannot.
 */
export function ensureTool(cmd, pkg = cmd, probe = () => have(cmd)) {
  if (probe()) return true;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const pre = root ? [] : have('sudo') ? ['sudo', '-n'] : null;
  if (pre && have('apt-get')) {
    const apt = (...args) => {
      const argv = [...pre, 'apt-get', ...args];
      return spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
    };
    console.error(`bench: installing ${pkg} (apt-get) for ${cmd}`);
    if (!aptUpdated) aptUpdated = apt('update', '-qq');
    apt('install', '-y', '-qq', pkg);
    if (probe()) return true;
  }
  console.error(`bench: ${cmd} is missing and could not be installed (apt-get install ${pkg}); skipping what needs it`);
  return false;
}

/** GNU time (not the shell keyword): reports %M, the child's peak RSS in KiB. */
export function ensureGnuTime() {
  return ensureTool('time', 'time', () => fs.existsSync(GNU_TIME));
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs `cmd args` `runs` times and returns { label, runs, seconds (each), median, peakRssMb, codes,
 * cpuMedian } — cpuMedian: median user + system CPU seconds of the child (with GNU time), which a
 * busy machine inflates less than wall time; a parse thread makes CPU exceed wall time.
 * opts: runs (default 3), before() (untimed setup), stdinFile, cwd, env, okCodes (default [0]):
 * a run that exits otherwise throws with the tail of its stderr.
 */
export function measure(label, cmd, args, opts = {}) {
  const runs = opts.runs ?? 3;
  const okCodes = opts.okCodes ?? [0];
  const useTime = fs.existsSync(GNU_TIME);
  const rssFile = path.join(os.tmpdir(), `aicop-bench-rss-${process.pid}.txt`);
  const seconds = [];
  const rss = [];
  const cpu = [];
  const codes = [];
  for (let i = 0; i < runs; i++) {
    opts.before?.(i);
    const stdin = opts.stdinFile ? fs.openSync(opts.stdinFile, 'r') : 'ignore';
    const [c, a] = useTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
    const t0 = process.hrtime.bigint();
    const r = spawnSync(c, a, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: [stdin, 'ignore', 'pipe'], maxBuffer: 64 << 20 });
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (typeof stdin === 'number') fs.closeSync(stdin);
    const code = r.status ?? 128;
    if (!okCodes.includes(code)) {
      const err = (r.stderr?.toString() ?? '').trim().split('\n').slice(-5).join('\n');
      throw new Error(`${label}: \`${cmd} ${args.join(' ')}\` exited ${code}${r.signal ? ` (${r.signal})` : ''}\n${err}`);
    }
    codes.push(code);
    seconds.push(dt);
    if (useTime) {
      const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
      const [kb, user, sys] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
      rss.push(kb / 1024);
      cpu.push(user + sys);
    }
  }
  fs.rmSync(rssFile, { force: true });
  return { label, runs, seconds, median: median(seconds), peakRssMb: rss.length ? Math.max(...rss) : null, codes, cpuMedian: cpu.length ? median(cpu) : null };
}

/** `node bin/aicop.js …` as [cmd, args] for measure(). */
export function aicop(...args) {
  return [process.execPath, [BIN, ...args]];
}

/** Fails early, with the fix, when dist/ is missing. */
export function requireBuild() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'process.js'))) {
    console.error('bench: dist/ is missing; run `npm run build` first (the npm scripts do)');
    process.exit(2);
  }
}

/**
 * True when this aicop build has `aicop <noun> <verb>`: its --help names that exact usage
 * (an unknown command falls back to the program's help, whose usage line is `aicop [options]`).
 */
export function hasCommand(noun, verb) {
  const r = spawnSync(process.execPath, [BIN, noun, verb, '--help'], { encoding: 'utf8' });
  return r.status === 0 && (r.stdout + r.stderr).includes(`Usage: aicop ${noun} ${verb} `);
}

export function fmtSeconds(s) {
  return s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`;
}
export function fmtRate(rows, s) {
  return `${Math.round(rows / s).toLocaleString('en-US')} rows/s`;
}
export function fmtMb(mb) {
  return mb === null || mb === undefined ? 'n/a' : `${mb.toFixed(0)} MB`;
}

/** A markdown table: rows are arrays of cells, header an array of names. */
export function markdownTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const w = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  return [line(all[0]), `| ${w.map((n) => '-'.repeat(n)).join(' | ')} |`, ...all.slice(1).map(line)].join('\n');
}

/** The machine line printed under every table. */
export function machine() {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Every benchmark module exports run(opts) → { title, header, rows, notes }. This prints one. */
export function printResult(res) {
  console.log(`### ${res.title}\n\n${markdownTable(res.header, res.rows)}\n`);
  for (const n of res.notes ?? []) console.log(`${n}  `);
  console.log('');
}

/** A scratch folder under the OS temp dir (benchmarks never write beside the repo's data). */
export function scratch(name) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `aicop-bench-${name}-`));
  return d;
}

/**
 * Generated data for the benches, cached under the OS temp dir by size and seed (gen.mjs is
 * deterministic, so a cached file is the same file).
 */
export async function benchData({ members = 0, events = 0, attendance = 0, seed = 42 }) {
  const dir = path.join(os.tmpdir(), 'aicop-bench-data', `m${members}-e${events}-a${attendance}-s${seed}`);
  const done = path.join(dir, '.complete');
  if (!fs.existsSync(done)) {
    const { generate } = await import('./gen.mjs');
    const t0 = performance.now();
    generate({ members, events, attendance, out: dir, seed });
    fs.writeFileSync(done, '');
    console.error(`bench: generated ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return dir;
}

/** Parses `--name value` flags shared by the bench scripts (numbers only). */
export function numberFlags(defaults, argv = process.argv.slice(2)) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    const key = m?.[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!key || !(key in defaults) || !/^\d+$/.test(argv[i + 1] ?? '')) {
      console.error(`bench: unknown or bad flag ${argv[i]} (accepted: ${Object.keys(defaults).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} <n>`).join(', ')})`);
      process.exit(2);
    }
    out[key] = Number(argv[++i]);
  }
  return out;
}
