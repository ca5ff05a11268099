// SPEC §9 "Cron safety": what a job left in cron must never do quietly.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, dumpTables, openDb, run, spawnAicop, tempDb, tempDir, writeFile } from './helpers.js';

const built = fs.existsSync(path.join(ROOT, 'dist', 'cli', 'process.js'));

/** Every file and folder under dir, relative, sorted: "nothing was created" compares these. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

const noDatabase = (file: string): string =>
  `aicop: error: ${file}: no aicop database here (nothing was created)\n  check --db / AICOP_DB for a typo, or create it with: aicop --db ${file} init\n`;

describe('only init creates a database', () => {
  const commands: readonly (readonly string[])[] = [
    ['members', 'list'],
    ['members', 'show', 'ann@nasa.gov'],
    ['members', 'add', '--email', 'ann@nasa.gov'],
    ['members', 'remove', 'ann@nasa.gov', '--yes'],
    ['import', 'members', 'roster.csv'],
    ['import', 'events', 'roster.csv'],
    ['imports', 'list'],
    ['export', 'listserv', '-o', 'pub.txt'],
    ['export', 'members', '-o', 'members.csv'],
    ['export', 'attendance', '--fy', '2023'],
    ['report', 'annual', '--fy', '2023'],
    ['domains', 'check', 'ann@nasa.gov'],
    ['domains', 'list'],
    ['agencies', 'list'],
    ['groups', 'list'],
    ['events', 'list'],
    ['db', 'check'],
    ['db', 'backup', 'copy.db'],
  ];

  it.each(commands.map((c) => [c.join(' '), c] as const))('%s on a missing path: exit 5 naming the path and init, nothing created', async (_name, argv) => {
    const dir = tempDir();
    writeFile(dir, 'roster.csv', 'email\nann@nasa.gov\n');
    const before = tree(dir);
    const file = path.join(dir, 'nope', 'cop.db');
    const r = await run(['--db', file, ...argv], { cwd: dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(noDatabase(file));
    expect(r.stdout).toBe('');
    expect(tree(dir)).toEqual(before);
  });

  it('AICOP_DB naming a missing file in an existing folder: exit 5, no file, no -wal', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'cpo.db');
    const r = await run(['members', 'list'], { cwd: dir, env: { AICOP_DB: file } });
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(noDatabase(file));
    expect(tree(dir)).toEqual([]);
  });

  it('the hint quotes a path the shell would split', async () => {
    const dir = tempDir();
    const file = path.join(dir, "my cop's.db");
    const r = await run(['--db', file, 'members', 'list'], { cwd: dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`create it with: aicop --db '${path.join(dir, "my cop'\\''s.db")}' init\n`);
  });
});

describe.skipIf(!built)('non-regular --db paths are refused before opening (through bin/aicop.js)', () => {
  for (const ci of [undefined, '1']) {
    const env: Record<string, string> = ci === undefined ? {} : { CI: ci };
    it(`a FIFO, a device and a folder: exit 5 at once, nothing created (CI ${ci ?? 'unset'})`, async () => {
      const dir = tempDir();
      const fifo = path.join(dir, 'cop.db');
      execFileSync('mkfifo', [fifo]);
      for (const argv of [['members', 'list'], ['init'], ['db', 'check']]) {
        // A FIFO opened for reading blocks until a writer comes: the timeout would kill a hang.
        const r = await spawnAicop(['--db', fifo, ...argv], { cwd: dir, env, timeoutMs: 20_000 });
        expect([r.code, r.signal]).toEqual([5, null]);
        expect(r.stderr).toBe(`aicop: error: ${fifo}: is a FIFO (named pipe), not a database file (nothing was opened)\n  pass --db <path/to/file.db>\n`);
      }
      const dev = await spawnAicop(['--db', '/dev/null', 'init'], { cwd: dir, env });
      expect(dev.code).toBe(5);
      expect(dev.stderr).toContain('/dev/null: is a device, not a database file');
      const folder = await spawnAicop(['--db', dir, 'members', 'list'], { cwd: dir, env });
      expect(folder.code).toBe(5);
      expect(folder.stderr).toContain(`${dir}: is a folder, not a database file`);
      expect(tree(dir)).toEqual(['cop.db']);
      expect(fs.statSync(fifo).isFIFO()).toBe(true);
    }, 90_000);
  }
});

/** The ```sh block under "## Running from cron" in README.md: the nightly script users copy. */
function readmeNightlyScript(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Running from cron'));
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  if (!m?.[1]) throw new Error('README.md: no ```sh block under "## Running from cron"');
  return m[1];
}

/** Runs a shell script with `aicop` on PATH as bin/aicop.js, as cron would: no TTY, a bare environment. */
function runScript(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const shim = path.join(cwd, '.bin');
  fs.mkdirSync(shim, { recursive: true });
  fs.writeFileSync(path.join(shim, 'aicop'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, { mode: 0o755 });
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script], { cwd, env: { PATH: `${shim}:${process.env.PATH ?? ''}`, HOME: cwd, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(out).toString('utf8') }));
  });
}

describe.skipIf(!built)("README's nightly recipe", () => {
  for (const ci of [undefined, '1']) {
    it(`with a mistyped AICOP_DB leaves the published files byte-identical and creates no database (CI ${ci ?? 'unset'})`, async () => {
      const t = tempDb();
      const www = path.join(t.dir, 'www');
      fs.mkdirSync(www);
      const roster = Array.from({ length: 20 }, (_, i) => `member${String(i).padStart(2, '0')}@nasa.gov`);
      writeFile(t.dir, 'roster.csv', `email\n${roster.join('\n')}\n`);
      // Yesterday's run, against the real database.
      const script = readmeNightlyScript().replaceAll('/srv/www/cop/', `${www}/`);
      const good = await runScript(script, t.dir, { AICOP_DB: t.dbPath, ...(ci ? { CI: ci } : {}) });
      expect(good.output).toBe('');
      expect(good.code).toBe(0);
      const published = fs.readFileSync(path.join(www, 'listserv.txt'));
      expect(published.toString()).toBe(`${roster.join('\n')}\n`);
      const members = fs.readFileSync(path.join(www, 'members.csv'));
      const before = tree(t.dir);
      // Tonight's, with cop.db mistyped.
      const typo = path.join(t.dir, 'cpo.db');
      const bad = await runScript(script, t.dir, { AICOP_DB: typo, ...(ci ? { CI: ci } : {}) });
      expect(bad.code).not.toBe(0);
      expect(bad.output).toContain(`${typo}: no aicop database here`);
      expect(fs.readFileSync(path.join(www, 'listserv.txt')).equals(published)).toBe(true);
      expect(fs.readFileSync(path.join(www, 'members.csv')).equals(members)).toBe(true);
      expect(fs.existsSync(typo)).toBe(false);
      expect(tree(t.dir)).toEqual(before);
    }, 60_000);
  }
});

/**
 * Runs bin/aicop.js as a user who cannot write `dir`: as root (tests here run as root, which
 * writes anywhere) the child drops to nobody (65534), otherwise the folder's 0555 mode applies.
 */
function spawnAsReader(argv: readonly string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const asRoot = process.getuid?.() === 0;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

describe.skipIf(!built)('read-only commands in a read-only folder (through bin/aicop.js)', () => {
  it('lists, shows, reports, exports and db check work; a write is exit 5; nothing appears in the folder', async () => {
    const t = tempDb();
    writeFile(t.dir, 'roster.csv', 'email,first name,last name,working groups,joined\nann@nasa.gov,Ann,Lee,Event Planning,2023-01-05\nbob@army.mil,Bob,Ray,,2023-02-01\n');
    expect((await t.run(['-q', 'import', 'members', 'roster.csv'])).code).toBe(0);
    fs.rmSync(path.join(t.dir, 'roster.csv'));
    const reads: readonly (readonly string[])[] = [
      ['members', 'list', '--format', 'csv'],
      ['members', 'show', 'ann@nasa.gov'],
      ['imports', 'list', '--format', 'csv'],
      ['imports', 'show', '1'],
      ['report', 'annual', '--fy', '2023', '--format', 'json'],
      ['export', 'listserv'],
      ['export', 'members'],
      ['groups', 'list', '--format', 'csv'],
      ['agencies', 'unmapped', '--format', 'csv'],
      ['domains', 'check', 'jo@gsa.gov'],
      ['db', 'check'],
      ['db', 'path'],
    ];
    // What each prints where the folder is writable: the read-only run must print the same.
    const expected = [];
    for (const argv of reads) expected.push(await spawnAicop(['--db', t.dbPath, ...argv], { cwd: t.dir }));
    expect(expected.map((r) => r.code)).toEqual(reads.map(() => 0));
    expect(fs.readdirSync(t.dir).sort()).toEqual(['aicop.db']); // readers leave no -wal or -shm behind
    if (process.getuid?.() === 0) fs.chownSync(t.dbPath, 65534, 65534);
    fs.chmodSync(t.dir, 0o555);
    const dbBytes = fs.readFileSync(t.dbPath);
    for (const [i, argv] of reads.entries()) {
      const r = await spawnAsReader(['--db', t.dbPath, ...argv], t.dir);
      expect([argv.join(' '), r.code, r.stderr]).toEqual([argv.join(' '), 0, expected[i]?.stderr]);
      expect(r.stdout).toBe(expected[i]?.stdout);
    }
    const write = await spawnAsReader(['--db', t.dbPath, 'members', 'add', '--email', 'cy@gsa.gov'], t.dir);
    expect(write.code).toBe(5);
    expect(write.stderr).toContain(`${t.dbPath}: the database cannot be written`);
    expect(fs.readdirSync(t.dir).sort()).toEqual(['aicop.db']);
    expect(fs.readFileSync(t.dbPath).equals(dbBytes)).toBe(true);
    fs.chmodSync(t.dir, 0o700);
  }, 120_000);
});

/** A database with `n` active members member00@nasa.gov… and the runner for it. */
async function withMembers(n: number): Promise<ReturnType<typeof tempDb> & { emails: string[] }> {
  const t = tempDb();
  const emails = Array.from({ length: n }, (_, i) => `member${String(i).padStart(2, '0')}@nasa.gov`);
  writeFile(t.dir, 'roster.csv', `email\n${emails.join('\n')}\n`);
  expect((await t.run(['-q', 'import', 'members', 'roster.csv'])).code).toBe(0);
  return { ...t, emails };
}

describe('exports never replace a file with an empty or much shorter one', () => {
  for (const ci of [undefined, '1']) {
    it.skipIf(!built)(`export listserv -o through bin/aicop.js: --max-shrink 20 by default, --allow-empty (CI ${ci ?? 'unset'})`, async () => {
      const t = await withMembers(20);
      const env: Record<string, string> = { AICOP_DB: t.dbPath, ...(ci ? { CI: ci } : {}) };
      const pub = path.join(t.dir, 'pub.txt');
      const first = await spawnAicop(['-q', '-o', 'pub.txt', 'export', 'listserv'], { cwd: t.dir, env });
      expect([first.code, first.stderr]).toEqual([0, '']);
      expect(fs.readFileSync(pub, 'utf8')).toBe(`${t.emails.join('\n')}\n`);
      expect(fs.statSync(pub).mode & 0o777).toBe(0o600);
      const published = fs.readFileSync(pub);
      // Five of twenty leave (25%): more than the default 20%.
      for (const e of t.emails.slice(0, 5)) expect((await t.run(['-q', 'members', 'remove', e, '--yes'])).code).toBe(0);
      const shrunk = await spawnAicop(['-q', '-o', 'pub.txt', 'export', 'listserv'], { cwd: t.dir, env });
      expect(shrunk.code).toBe(4);
      expect(shrunk.stderr).toBe(
        'aicop: error: pub.txt: the new list has 15 lines against 20 in the file it would replace (25.0% fewer, more than --max-shrink 20); the file was left as it was\n' +
          '  check the roster and the last import (aicop imports list); if the shrink is right, pass --max-shrink 25\n',
      );
      expect(fs.readFileSync(pub).equals(published)).toBe(true);
      expect(fs.readdirSync(t.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      fs.chmodSync(pub, 0o640);
      const allowed = await spawnAicop(['-q', '-o', 'pub.txt', 'export', 'listserv', '--max-shrink', '25'], { cwd: t.dir, env });
      expect(allowed.code).toBe(0);
      expect(fs.readFileSync(pub, 'utf8')).toBe(`${t.emails.slice(5).join('\n')}\n`);
      expect(fs.statSync(pub).mode & 0o777).toBe(0o640); // the replaced file's mode is kept
      // An empty group: nothing to publish.
      const empty = await spawnAicop(['-q', '-o', 'pub.txt', 'export', 'listserv', '--group', 'Computer Vision'], { cwd: t.dir, env });
      expect(empty.code).toBe(4);
      expect(empty.stderr).toContain('pub.txt: the result is empty and would replace a non-empty file');
      expect(empty.stderr).toContain('pass --allow-empty');
      expect(fs.readFileSync(pub, 'utf8')).toBe(`${t.emails.slice(5).join('\n')}\n`);
      const emptied = await spawnAicop(['-q', '-o', 'pub.txt', 'export', 'listserv', '--group', 'Computer Vision', '--allow-empty'], { cwd: t.dir, env });
      expect(emptied.code).toBe(0);
      expect(fs.readFileSync(pub, 'utf8')).toBe('');
    }, 60_000);
  }

  it('export members and attendance: an empty result over a non-empty file is exit 4; a new file or --allow-empty is fine', async () => {
    const t = await withMembers(3);
    expect((await t.run(['-o', 'm.csv', 'export', 'members'])).code).toBe(0);
    const before = fs.readFileSync(path.join(t.dir, 'm.csv'));
    const r = await t.run(['-o', 'm.csv', 'export', 'members', '--search', 'nobody-matches']);
    expect(r.code).toBe(4);
    expect(fs.readFileSync(path.join(t.dir, 'm.csv')).equals(before)).toBe(true);
    expect((await t.run(['-o', 'm.csv', 'export', 'members', '--search', 'nobody-matches', '--allow-empty'])).code).toBe(0);
    expect(fs.readFileSync(path.join(t.dir, 'm.csv'), 'utf8').split('\n').length).toBe(2); // the header alone
    expect((await t.run(['-o', 'new.json', 'export', 'members', '--search', 'nobody-matches'])).code).toBe(0); // nothing replaced
    writeFile(t.dir, 'a.csv', 'event_id,email\nX,ann@nasa.gov\n');
    const att = await t.run(['-o', 'a.csv', 'export', 'attendance']);
    expect(att.code).toBe(4);
    expect(fs.readFileSync(path.join(t.dir, 'a.csv'), 'utf8')).toBe('event_id,email\nX,ann@nasa.gov\n');
  });

  it('a bad --max-shrink is a usage error', async () => {
    const t = await withMembers(1);
    expect((await t.run(['export', 'listserv', '--max-shrink', '120'])).code).toBe(2);
    expect((await t.run(['export', 'listserv', '--max-shrink', 'lots'])).code).toBe(2);
  });
});

describe('files holding member data are private, and -o never replaces a link, FIFO or device', () => {
  it('exports, reports, rejects files and backups are created 0600 whatever the umask', async () => {
    const t = await withMembers(2);
    const old = process.umask(0o022);
    try {
      writeFile(t.dir, 'bad.csv', 'email\nnot-an-address\nann@nasa.gov\n');
      expect((await t.run(['-q', 'import', 'members', 'bad.csv'])).code).toBe(3);
      expect((await t.run(['-o', 'm.csv', 'export', 'members'])).code).toBe(0);
      expect((await t.run(['-o', 'r.json', 'report', 'annual', '--fy', '2027'])).code).toBe(0);
      expect((await t.run(['db', 'backup', 'b.db'])).code).toBe(0);
      for (const f of ['bad.rejects.csv', 'm.csv', 'r.json', 'b.db']) expect([f, fs.statSync(path.join(t.dir, f)).mode & 0o777]).toEqual([f, 0o600]);
    } finally {
      process.umask(old);
    }
  });

  it('-o onto a symlink, a FIFO or a device is exit 4 and leaves it as it was', async () => {
    const t = await withMembers(2);
    const real = writeFile(t.dir, 'real.txt', 'keep me\n');
    fs.symlinkSync(real, path.join(t.dir, 'link.txt'));
    execFileSync('mkfifo', [path.join(t.dir, 'pipe.csv')]);
    const link = await t.run(['-o', 'link.txt', 'export', 'listserv']);
    expect(link.code).toBe(4);
    expect(link.stderr).toBe(`aicop: error: ${path.join(t.dir, 'link.txt')}: is a symbolic link, not a regular file; nothing was written\n  write to the file it points to (${real}) or choose another path\n`);
    expect(fs.lstatSync(path.join(t.dir, 'link.txt')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe('keep me\n');
    const fifo = await t.run(['-o', 'pipe.csv', 'export', 'members']);
    expect(fifo.code).toBe(4);
    expect(fifo.stderr).toContain('pipe.csv: is a FIFO (named pipe), not a regular file');
    expect(fs.statSync(path.join(t.dir, 'pipe.csv')).isFIFO()).toBe(true);
    const dev = await t.run(['-o', '/dev/null', 'report', 'annual', '--fy', '2023']);
    expect(dev.code).toBe(4);
    expect(dev.stderr).toContain('/dev/null: is a device, not a regular file');
    expect(fs.statSync('/dev/null').isCharacterDevice()).toBe(true);
    writeFile(t.dir, 'r.csv', 'email\nbad\n');
    const rejects = await t.run(['import', 'members', 'r.csv', '--rejects', 'link.txt']);
    expect(rejects.code).toBe(4);
    expect(fs.readFileSync(real, 'utf8')).toBe('keep me\n');
    expect((await t.run(['db', 'backup', 'link.txt', '--force'])).code).toBe(4);
    expect(fs.readFileSync(real, 'utf8')).toBe('keep me\n');
  });
});

describe('control characters from the data are shown, never sent raw to a terminal', () => {
  const ESC = '\u001b';
  it('members list and show, imports show and import warnings', async () => {
    const t = tempDb();
    writeFile(t.dir, 'evil.csv', `email,first name,last name,job title,"x${ESC}]0;pwned\u0007"\nann@nasa.gov,${ESC}[31mAnn,Lee\u202egnp.exe,"two\nlines",1\n${ESC}[2Jbad@gmail.com,Eve,Ray,,2\n`);
    const imp = await t.run(['--no-color', 'import', 'members', 'evil.csv']);
    expect(imp.code).toBe(3);
    expect(imp.stderr).not.toContain(ESC);
    expect(imp.stderr).not.toContain('\u0007');
    expect(imp.stderr).toContain('x\\x1b]0;pwned\\x07');
    for (const argv of [['members', 'list'], ['members', 'show', 'ann@nasa.gov'], ['imports', 'show', '1'], ['imports', 'list']]) {
      const r = await t.run(['--no-color', ...argv], { tty: true });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    }
    const show = await t.run(['--no-color', 'members', 'show', 'ann@nasa.gov'], { tty: true });
    expect(show.stdout).toContain('name:            \\x1b[31mAnn Lee\\u202egnp.exe\n');
    expect(show.stdout).toContain('job title:       two\\nlines\n');
    expect((await t.run(['--no-color', 'members', 'list'], { tty: true })).stdout).toContain('\\x1b[31mAnn');
    expect((await t.run(['--no-color', 'imports', 'show', '1'], { tty: true })).stdout).toContain('\\x1b[2jbad@gmail.com');
    // Data formats keep the data: CSV and JSON are for programs, not terminals.
    expect((await t.run(['members', 'list', '--format', 'csv'])).stdout).toContain(`${ESC}[31mAnn`);
  });
});

describe.skipIf(!built)('--sync from cron is bounded by --max-deactivate, not switched off by --yes', () => {
  for (const ci of [undefined, '1']) {
    it(`an emptied roster with --sync --yes deactivates nobody: exit 4 (CI ${ci ?? 'unset'})`, async () => {
      const t = await withMembers(10);
      const env: Record<string, string> = { AICOP_DB: t.dbPath, ...(ci ? { CI: ci } : {}) };
      writeFile(t.dir, 'empty.csv', 'email\n');
      const before = dumpTables(t.dbPath);
      const r = await spawnAicop(['--yes', 'import', 'members', 'empty.csv', '--sync'], { cwd: t.dir, env });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('--sync would deactivate 10 of 10 active members (100.0%, over --max-deactivate 20); nothing was changed');
      expect(dumpTables(t.dbPath)).toBe(before);
      writeFile(t.dir, 'eight.csv', `email\n${t.emails.slice(0, 8).join('\n')}\n`);
      const ok = await spawnAicop(['-q', 'import', 'members', 'eight.csv', '--sync', '--max-deactivate', '20'], { cwd: t.dir, env });
      expect([ok.code, ok.stderr]).toEqual([0, '']);
      const listed = await spawnAicop(['export', 'listserv'], { cwd: t.dir, env });
      expect(listed.stdout).toBe(`${t.emails.slice(0, 8).join('\n')}\n`);
    }, 60_000);
  }
});

describe.skipIf(!built)('domain exceptions (SPEC §9) through bin/aicop.js', () => {
  it('the ineligible_domain hint is safe to paste: as written it admits nobody; with a reason it admits one person; a provider needs --force', async () => {
    const t = tempDb();
    const env = { AICOP_DB: t.dbPath };
    const check = await spawnAicop(['domains', 'check', 'jane@gmail.com', '--format', 'json'], { cwd: t.dir, env });
    expect(check.code).toBe(3);
    const detail = (JSON.parse(check.stdout) as { detail: string }[])[0]?.detail ?? '';
    const hint = /aicop (domains allow .*)\)$/.exec(detail)?.[1];
    expect(hint).toBe('domains allow jane@gmail.com --reason "<who they are and why they are eligible>"');
    // Pasted into a shell unchanged: refused, nothing recorded.
    const pasted = await runScript(`aicop ${hint ?? ''}`, t.dir, env);
    expect(pasted.code).toBe(2);
    expect(pasted.output).toContain('is the placeholder from a hint');
    expect((await spawnAicop(['domains', 'list'], { cwd: t.dir, env })).stdout).toBe('action,type,target,reason,created_by,created_at\n');
    const one = await runScript(`aicop ${(hint ?? '').replace('<who they are and why they are eligible>', 'county clerk, no .gov mailbox')}`, t.dir, env);
    expect(one.code).toBe(0);
    const after = await spawnAicop(['domains', 'check', 'jane@gmail.com', 'joe@gmail.com'], { cwd: t.dir, env });
    expect(after.stdout.split('\n').map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['email,eligible', 'jane@gmail.com,yes', 'joe@gmail.com,no', '']);
    const provider = await spawnAicop(['domains', 'allow', 'gmail.com', '--reason', 'everyone'], { cwd: t.dir, env });
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain('admit one person instead: aicop domains allow jane@gmail.com --reason "…" (or, if you really mean everyone there, add --force)');
    const forced = await spawnAicop(['domains', 'allow', 'gmail.com', '--reason', 'pilot with a partner', '--force'], { cwd: t.dir, env });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('warning: gmail.com is a public mail provider: anyone with a mailbox there is now eligible');
  }, 60_000);

  it('the shipped provider list holds the SPEC\'s providers', () => {
    const list = fs.readFileSync(path.join(ROOT, 'data', 'public-mail-providers.txt'), 'utf8');
    for (const p of ['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'aol.com', 'proton.me']) expect(list.split('\n')).toContain(p);
  });
});

describe('the already-imported check: inside the write lock, keyed by sha256 and the column mapping', () => {
  it('a re-import of the same file with a corrected --map is applied, not skipped; the same mapping again is skipped', async () => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', 'Courriel,Prenom\nann@nasa.gov,Ann\nbob@nasa.gov,Bob\n');
    const first = await t.run(['import', 'members', 'r.csv', '--map', 'Courriel=email']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('"Prenom"');
    const fixed = await t.run(['import', 'members', 'r.csv', '--map', 'Courriel=email', '--map', 'Prenom=first_name']);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toContain('2 rows read: 0 added, 2 updated');
    const again = await t.run(['import', 'members', 'r.csv', '--map', 'Prenom=first_name', '--map', 'Courriel=email']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('r.csv: already imported as batch 2 on 2026-11-23T12:00:00.000Z (same sha256, same column mapping); nothing to do. Pass --force to import it again.\n');
    const shown = await t.run(['imports', 'show', '2', '--format', 'json']);
    expect((JSON.parse(shown.stdout) as { options: { mapping: unknown } }).options.mapping).toEqual({ email: 'Courriel', first_name: 'Prenom' });
    expect((await t.run(['members', 'list', '--format', 'csv'])).stdout).toContain('ann@nasa.gov,Ann,');
  });

  it.skipIf(!built)('two imports of one file at once through bin/aicop.js: exactly one applies', async () => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', `email\n${Array.from({ length: 50 }, (_, i) => `m${i}@nasa.gov`).join('\n')}\n`);
    // Both children get past reading the file and wait on the lock this test holds, so that
    // neither can see the other's batch before the lock: the check must run inside it.
    const holder = openDb(t.dbPath);
    holder.exec('BEGIN IMMEDIATE');
    const runs = [1, 2].map(() => spawnAicop(['--db', t.dbPath, '--wait', '60', 'import', 'members', 'r.csv'], { cwd: t.dir }));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    holder.exec('ROLLBACK');
    holder.close();
    const results = await Promise.all(runs);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(results.filter((r) => r.stderr.includes('50 rows read: 50 added')).length).toBe(1);
    expect(results.filter((r) => r.stderr.includes('already imported as batch 1')).length).toBe(1);
    const db = openDb(t.dbPath);
    expect(db.prepare('SELECT count(*) FROM import_batches').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM members').pluck().get()).toBe(50);
    db.close();
  }, 60_000);
});
