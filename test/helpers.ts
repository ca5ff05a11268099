import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach } from 'vitest';
import { CliContext } from '../src/cli/context.js';
import { main } from '../src/cli/main.js';
import { scriptedPrompter, type AskedPrompt } from '../src/cli/prompter.js';
import { openDatabase, type Db } from '../src/db/open.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'aicop.js');
/** CISA's .gov registry copy (never copied into the repo); tests skip when it is absent. */
export const SHARED_DATA = path.resolve(ROOT, '..', 'shared', 'data');

const tempDirs: string[] = [];
afterEach(() => {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'aicop-test-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

export interface RunOptions {
  /** TTY state of stdin/stdout/stderr (default: none are TTYs, like a pipe). */
  readonly tty?: boolean;
  readonly stdin?: string | Buffer;
  readonly env?: Record<string, string | undefined>;
  /** Frozen clock (default 2026-11-23T12:00:00Z). */
  readonly now?: Date | string;
  /** Answers for prompts, in order. */
  readonly answers?: readonly unknown[];
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  /** A stdout of the test's own (a slow or stalled reader); RunResult.stdout is then ''. */
  readonly stdout?: Writable;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly asked: readonly AskedPrompt[];
}

export const DEFAULT_NOW = '2026-11-23T12:00:00Z';

/** Runs main() in-process with captured streams and a reset environment. */
export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const captured = new PassThrough();
  const stdout = opts.stdout ?? captured;
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  captured.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const stdin = opts.stdin === undefined ? Readable.from([]) : Readable.from([typeof opts.stdin === 'string' ? Buffer.from(opts.stdin) : opts.stdin]);
  const prompter = scriptedPrompter(opts.answers ?? []);
  const home = opts.cwd ?? os.tmpdir();
  const now = new Date(opts.now ?? DEFAULT_NOW);
  const ctx = new CliContext({
    stdin,
    stdout,
    stderr,
    stdinIsTTY: opts.tty ?? false,
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: opts.tty ?? false,
    env: { HOME: home, ...(opts.env ?? {}) },
    cwd: opts.cwd ?? process.cwd(),
    home,
    user: 'tester',
    now: () => now,
    prompter,
    signal: opts.signal ?? new AbortController().signal,
  });
  const code = await main(argv, ctx);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), asked: prompter.asked };
}

let templateDb: string | undefined;
afterAll(() => {
  if (templateDb !== undefined) fs.rmSync(path.dirname(templateDb), { recursive: true, force: true });
  templateDb = undefined;
});

/**
 * A database as `aicop init` leaves it, copied from one made once per test file: only init
 * creates a database (SPEC §9), and migrating afresh for every test would be slow.
 */
function copyInitialisedDb(to: string): void {
  if (templateDb === undefined) {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'aicop-template-'));
    const file = path.join(d, 'aicop.db');
    openDatabase(file, { waitSeconds: 5, create: true, migrate: true }).close();
    templateDb = file;
  }
  fs.copyFileSync(templateDb, to);
  fs.chmodSync(to, 0o600);
}

/**
 * A temporary database path plus a runner that passes --db for it. The database exists, as
 * `aicop init` made it, unless `{ init: false }` (then only the folder exists).
 */
export function tempDb(opts: { readonly init?: boolean } = {}): { dir: string; dbPath: string; run: (argv: readonly string[], opts?: RunOptions) => Promise<RunResult> } {
  const dir = tempDir();
  const dbPath = path.join(dir, 'aicop.db');
  if (opts.init ?? true) copyInitialisedDb(dbPath);
  return { dir, dbPath, run: (argv, opts) => run(['--db', dbPath, ...argv], { cwd: dir, ...opts }) };
}

/** Opens the database directly to assert its state. */
/**
 * Gives every member inserted with plain SQL (fixtures) the one membership period their row
 * describes, as migration 013 does for existing members; members that have spans are left alone.
 */
export function spansFromMembers(db: Db): void {
  if (db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'member_spans'").pluck().get() === 0) return; // before migration 013
  db.exec(`INSERT INTO member_spans (member_id, period, start_on, end_on, starts, ends, agency_id, member_type, batch_id)
    SELECT id, 1, joined_on, left_on, 'join', CASE WHEN left_on IS NULL THEN NULL ELSE 'left' END, agency_id, member_type, created_batch
    FROM members WHERE id NOT IN (SELECT member_id FROM member_spans) ORDER BY id`);
}

export function openDb(dbPath: string): Db {
  return openDatabase(dbPath, { waitSeconds: 5, create: false, migrate: false });
}

/**
 * Tables of values derived from others and recomputed on demand, left out of dumps: member_keys
 * (migration 020) holds each member's look-alike keys and member_prints (023) each member's import
 * print, both dropped by triggers when what they derive from changes, so an undo leaves some
 * missing (computed again by the next check or import), never wrong; test/member-keys.test.ts
 * and test/member-prints.test.ts check exactly that.
 */
export const DERIVED_TABLES: readonly string[] = ['member_keys', 'member_prints'];

/** Every row of every table (but DERIVED_TABLES), as text, to compare database states before and after. */
export function dumpTables(dbPath: string, tables?: readonly string[]): string {
  const db = openDb(dbPath);
  try {
    const names =
      tables ??
      (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[])
        .map((r) => r.name)
        .filter((n) => !DERIVED_TABLES.includes(n));
    return names
      .map((t) => {
        const rows = db.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][];
        rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
        return `${t}\n${rows.map((r) => JSON.stringify(r)).join('\n')}`;
      })
      .join('\n');
  } finally {
    db.close();
  }
}

export interface SpawnResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs bin/aicop.js as a real child process (needs `npm run build`). */
export function spawnAicop(argv: readonly string[], opts: { input?: string | Buffer; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: opts.cwd ?? os.tmpdir(), ...(opts.env ?? {}) };
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: opts.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Writes a file in dir and returns its path. */
export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}
