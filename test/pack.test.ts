import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir, writeFile } from './helpers.js';

// `npm pack` + `npm install -g <tarball>` into a temporary prefix, then the installed `aicop`:
// what a user gets from `npm install -g`, not what the work tree happens to hold. The pack runs
// in a copy of the sources, so its `prepare` build never rewrites the dist/ other tests run.

/** The environment without the npm_* variables of the `npm test` that runs us (its prefix, its package). */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^npm_/i.test(k) && !/^npm_config_(cache|userconfig|registry)$/i.test(k)) continue;
    env[k] = v;
  }
  env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}`;
  return { ...env, ...extra };
}

interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program without blocking the test worker (a synchronous npm install starves vitest's RPC). */
function sh(cmd: string, args: readonly string[], cwd: string, env = cleanEnv()): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const npmVersion = spawnSync('npm', ['--version'], { encoding: 'utf8', env: cleanEnv() });
const hasNpm = npmVersion.status === 0 && process.platform !== 'win32';
if (!hasNpm) console.warn('skipping the pack-and-install test: npm is not on the PATH (or this is Windows)');

describe('npm pack and a global install of the tarball', () => {
  it.skipIf(!hasNpm)('installs an aicop that prints its version, creates a database and imports a roster', { timeout: 180_000 }, async () => {
    const work = tempDir('aicop-pack-');
    const src = path.join(work, 'src-copy');
    fs.mkdirSync(src);
    for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'bin', 'src', 'data', 'docs']) {
      fs.cpSync(path.join(ROOT, entry), path.join(src, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules'), 'dir');
    expect(fs.existsSync(path.join(src, 'dist'))).toBe(false);

    const pack = await sh('npm', ['pack', '--json', '--pack-destination', work], src);
    expect(pack.status, pack.stderr).toBe(0);
    const packed = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path);
    // prepare built dist/ in the copy, and only what users run ships.
    expect(files).toContain('dist/cli/process.js');
    expect(files).toContain('bin/aicop.js');
    expect(files).toContain('data/agencies.csv');
    expect(files).toContain('docs/commands.md');
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);

    // Dependencies come from the npm cache that `npm ci` filled (the registry only for what it
    // lacks). Install scripts are skipped: better-sqlite3's would compile its addon for minutes
    // without network access to its prebuilt binaries, so the one built for this checkout is copied.
    const prefix = path.join(work, 'prefix');
    const install = await sh('npm', ['install', '-g', path.join(work, packed[0]!.filename), '--prefix', prefix, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], work);
    expect(install.status, install.stderr).toBe(0);
    const installed = path.join(prefix, 'lib', 'node_modules', 'aicop');
    const addon = path.join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    fs.mkdirSync(path.dirname(path.join(installed, addon)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, addon), path.join(installed, addon));

    const aicop = path.join(prefix, 'bin', 'aicop');
    const home = path.join(work, 'home');
    fs.mkdirSync(home);
    const env = cleanEnv({ HOME: home, XDG_DATA_HOME: path.join(home, 'data'), NO_COLOR: '1' });
    delete env.AICOP_DB;

    const version = await sh(aicop, ['--version'], work, env);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);

    const dbPath = path.join(home, 'data', 'aicop', 'aicop.db');
    const init = await sh(aicop, ['init'], work, env);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout.trim()).toBe(dbPath);
    expect(fs.existsSync(dbPath)).toBe(true);

    const roster = writeFile(work, 'roster.csv', 'Email,First Name,Last Name\njane.doe@nih.gov,Jane,Doe\nj.smith@army.mil,John,Smith\n');
    const imp = await sh(aicop, ['import', 'members', roster], work, env);
    expect(imp.status, imp.stderr).toBe(0);
    expect(imp.stderr).toContain('2 rows read: 2 added');

    const list = await sh(aicop, ['members', 'list', '--format', 'csv'], work, env);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[0])).toEqual(['j.smith@army.mil', 'jane.doe@nih.gov']);
  });
});
