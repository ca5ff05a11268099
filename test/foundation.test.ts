import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/main.js';
import { examplesOf } from '../src/cli/help.js';
import { CliContext } from '../src/cli/context.js';
import { scriptedPrompter } from '../src/cli/prompter.js';
import { LATEST_VERSION } from '../src/db/open.js';
import { resolveDbPath } from '../src/db/path.js';
import { PassThrough, Readable } from 'node:stream';
import { ROOT, dumpTables, openDb, run, spawnAicop, tempDb, tempDir, writeFile } from './helpers.js';

describe('init and the database file', () => {
  it('creates the file with mode 0600, migrates it, seeds the 9 groups and prints the path', async () => {
    const t = tempDb({ init: false });
    const r = await t.run(['init']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${t.dbPath}\n`);
    expect(fs.statSync(t.dbPath).mode & 0o777).toBe(0o600);
    const db = openDb(t.dbPath);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const groups = db.prepare('SELECT kind, name FROM groups ORDER BY kind, id').all();
    db.close();
    expect(groups).toEqual([
      { kind: 'practice_area', name: 'Generative AI' },
      { kind: 'practice_area', name: 'Reinforcement Learning' },
      { kind: 'practice_area', name: 'AI Security' },
      { kind: 'practice_area', name: 'Natural Language Processing' },
      { kind: 'practice_area', name: 'Computer Vision' },
      { kind: 'working_group', name: 'Event Planning' },
      { kind: 'working_group', name: 'Community Outreach' },
      { kind: 'working_group', name: 'External Collaborations' },
      { kind: 'working_group', name: 'Tools and Resources' },
    ]);
  });

  it('is idempotent: a second init changes nothing', async () => {
    const t = tempDb();
    expect((await t.run(['init'])).code).toBe(0);
    const before = dumpTables(t.dbPath);
    const r = await t.run(['init']);
    expect(r.code).toBe(0);
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('creates missing parent folders', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'a', 'b', 'cop.db');
    const r = await run(['--db', dbPath, 'init']);
    expect(r.code).toBe(0);
    expect(fs.existsSync(dbPath)).toBe(true);
  });

  it('refuses a database whose schema is newer than this code, with exit 5 and the file unchanged', async () => {
    const t = tempDb();
    await t.run(['init']);
    const db = openDb(t.dbPath);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const before = fs.readFileSync(t.dbPath);
    const r = await t.run(['init']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`schema is version ${LATEST_VERSION + 1}, newer than this aicop understands (${LATEST_VERSION})`);
    expect(r.stderr).toContain('upgrade aicop');
    expect(fs.readFileSync(t.dbPath).equals(before)).toBe(true);
  });

  it('refuses a file that is not SQLite with exit 5, leaving it byte-identical', async () => {
    const dir = tempDir();
    const garbage = Buffer.from('name,email\nnot,a database at all\n'.repeat(100));
    const p = writeFile(dir, 'notes.db', garbage);
    const r = await run(['--db', p, 'init']);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(`aicop: error: ${p}: not an SQLite database (the file was left untouched)\n  point --db at an aicop database, or move this file away and run: aicop init\n`);
    expect(fs.readFileSync(p).equals(garbage)).toBe(true);
    expect(fs.existsSync(`${p}-wal`)).toBe(false);
  });

  it('refuses a corrupt SQLite file (valid header, damaged pages) with exit 5', async () => {
    const t = tempDb();
    await t.run(['init']);
    const bytes = fs.readFileSync(t.dbPath);
    // keep the 100-byte header, scribble over the schema page
    bytes.fill(0x5a, 100, 4096);
    fs.writeFileSync(t.dbPath, bytes);
    const before = fs.readFileSync(t.dbPath);
    const r = await t.run(['db', 'check']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/corrupt|malformed|integrity/);
    expect(fs.readFileSync(t.dbPath).equals(before)).toBe(true);
  });
});

describe('db commands', () => {
  it('db path follows --db, then AICOP_DB, then XDG_DATA_HOME, then ~/.local/share', async () => {
    const dir = tempDir();
    expect((await run(['--db', 'x.db', 'db', 'path'], { cwd: dir })).stdout).toBe(`${path.join(dir, 'x.db')}\n`);
    expect((await run(['db', 'path'], { cwd: dir, env: { AICOP_DB: '/srv/cop.db' } })).stdout).toBe('/srv/cop.db\n');
    expect((await run(['db', 'path'], { cwd: dir, env: { XDG_DATA_HOME: '/data' } })).stdout).toBe('/data/aicop/aicop.db\n');
    expect(resolveDbPath(undefined, {}, '/home/jo', '/tmp')).toBe('/home/jo/.local/share/aicop/aicop.db');
    expect(fs.readdirSync(dir)).toEqual([]); // db path opens nothing
  });

  it('db check reports integrity and schema version', async () => {
    const t = tempDb();
    await t.run(['init']);
    const r = await t.run(['db', 'check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`database: ${t.dbPath}\nintegrity: ok\nforeign keys: ok\nreport rollups: ok\nschema version: ${LATEST_VERSION}\n`);
  });

  it('db check finds report rollups that drifted from their tables (exit 5), and --repair rebuilds them', async () => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', 'email,working groups,joined\nann@nasa.gov,Event Planning,2023-05-01\nbob@nasa.gov,,2024-01-02\n');
    expect((await t.run(['import', 'members', 'r.csv'])).code).toBe(0);
    const db = openDb(t.dbPath);
    // As a bug in a trigger would leave them: one count off, one row missing.
    db.exec('UPDATE member_fy SET n = n + 1 WHERE start_fy = 2023; DELETE FROM group_join;');
    const drifted = dumpTables(t.dbPath);
    db.close();
    const r = await t.run(['db', 'check']);
    expect(r.code).toBe(5);
    expect(r.stdout).toContain('report rollups: member_fy differs in 2 rows, group_join differs in 1 row\n');
    expect(r.stderr).toBe(
      `aicop: error: ${t.dbPath}: the report rollups differ from the tables they summarise (member_fy differs in 2 rows, group_join differs in 1 row); reports would be wrong\n` +
        '  rebuild them from the tables: aicop db check --repair (and please report this: it is a bug)\n',
    );
    expect(dumpTables(t.dbPath)).toBe(drifted); // a check without --repair writes nothing
    const fixed = await t.run(['db', 'check', '--repair']);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('report rollups: rebuilt (member_fy differs in 2 rows, group_join differs in 1 row); ok now\n');
    expect((await t.run(['db', 'check'])).stdout).toContain('report rollups: ok\n');
  });

  it('db check on a schema missing a rollup table is exit 5 naming it, --repair included, never a stack trace', async () => {
    const t = tempDb();
    await t.run(['init']);
    const db = openDb(t.dbPath);
    db.exec('DROP TABLE member_fy');
    db.close();
    for (const argv of [['db', 'check'], ['db', 'check', '--repair']]) {
      const r = await t.run(argv);
      expect(r.code).toBe(5);
      expect(r.stdout).toContain('report rollups: member_fy is missing\n');
      expect(r.stderr).toBe(
        `aicop: error: ${t.dbPath}: the schema is damaged: report rollup tables are missing (member_fy)\n  restore the latest backup (aicop db backup makes one)\n`,
      );
    }
  });

  it('db check on a missing file is exit 5 and creates nothing', async () => {
    const t = tempDb({ init: false });
    const r = await t.run(['db', 'check']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('no aicop database here');
    expect(fs.existsSync(t.dbPath)).toBe(false);
  });

  it('db backup writes a copy that opens and holds the same rows', async () => {
    const t = tempDb();
    await t.run(['init']);
    const target = path.join(t.dir, 'backup.db');
    const r = await t.run(['db', 'backup', target]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${target}\n`);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(dumpTables(target)).toBe(dumpTables(t.dbPath));
    const again = await t.run(['db', 'backup', target]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
  });
});

describe('usage errors', () => {
  it('an unknown command exits 2 with a suggestion', async () => {
    const r = await run(['db', 'chek']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'chek'");
    expect(r.stderr).toContain('Did you mean check?');
  });

  it('an unknown flag exits 2', async () => {
    const r = await run(['init', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('a bad --wait value exits 2', async () => {
    const r = await run(['--wait', 'soon', 'db', 'path']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected a number of seconds');
  });

  it('no arguments prints help on stderr and exits 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: aicop');
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });
});

function walk(cmd: Command, prefix: string[] = []): { path: string; cmd: Command }[] {
  return cmd.commands.flatMap((c) => {
    const p = [...prefix, c.name()];
    return [{ path: p.join(' '), cmd: c }, ...walk(c, p)];
  });
}

describe('every command is documented', () => {
  const ctx = new CliContext({
    stdin: Readable.from([]), stdout: new PassThrough(), stderr: new PassThrough(),
    stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: '/', home: '/', user: 't',
    now: () => new Date(), prompter: scriptedPrompter([]), signal: new AbortController().signal,
  });
  const all = walk(buildProgram(ctx));
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const leaves = all.filter((c) => c.cmd.commands.length === 0);

  it.each(all.map((c) => [c.path, c.cmd] as const))('%s has a description', (_p, cmd) => {
    expect(cmd.description().length).toBeGreaterThan(10);
  });
  it.each(leaves.map((c) => [c.path, c.cmd] as const))('%s has an example and is in README.md', (p, cmd) => {
    expect(examplesOf(cmd).length).toBeGreaterThan(0);
    expect(examplesOf(cmd).every((e) => e.startsWith('aicop ') || e.includes(' aicop '))).toBe(true);
    expect(readme).toContain(`aicop ${p}`);
  });
});

describe('the real binary', () => {
  it('runs init and db check as a child process', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'cop.db');
    const a = await spawnAicop(['--db', dbPath, 'init'], { cwd: dir });
    expect(a.stderr).toContain('database ready');
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(`${dbPath}\n`);
    const b = await spawnAicop(['db', 'check'], { cwd: dir, env: { AICOP_DB: dbPath } });
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('integrity: ok');
  });

  it('exits 2 on an unknown flag, with no stack trace', async () => {
    const r = await spawnAicop(['--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
