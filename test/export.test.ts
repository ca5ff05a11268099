import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { BIN, ROOT, openDb, tempDb } from './helpers.js';
import { addMember, seededDb } from './members-fixtures.js';

const HEADER = 'email,first_name,last_name,member_type,job_title,role_track,reported_agency,domain,agency,organization,level,working_groups,practice_areas,joined_on,left_on,status,created_at,updated_at';

const PAYLOADS = [
  ['a1@alpha-test.gov', '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0"],
  ['a2@alpha-test.gov', '@SUM(1+1)', '-2+3'],
  ['a3@alpha-test.gov', '＝1+1', '\tTabbed'],
  ['a4@alpha-test.gov', '\rCR', 'Plain-Name'],
] as const;

async function payloadDb() {
  const t = tempDb();
  await t.run(['init']);
  const db = openDb(t.dbPath);
  for (const [email, first, last] of PAYLOADS) addMember(db, { email, first, last, title: '-lead', reported: '＠agency' });
  db.close();
  return t;
}

/** Files in a folder other than the ones named (temporary files left behind would show here). */
const others = (dir: string, keep: readonly string[]) => fs.readdirSync(dir).filter((f) => !keep.includes(f));

describe('export members', () => {
  it('neutralises formula payloads in text cells (ASCII and full-width, tab, CR)', async () => {
    const t = await payloadDb();
    const r = await t.run(['export', 'members']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('exported 4 members\n');
    expect(r.stdout).toBe(
      `${HEADER}\n` +
        `a1@alpha-test.gov,"'=HYPERLINK(""http://x"",""y"")",'+cmd|' /C calc'!A0,employee,'-lead,,'＠agency,alpha-test.gov,,,,,,2024-01-15,,active,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z\n` +
        `a2@alpha-test.gov,'@SUM(1+1),'-2+3,employee,'-lead,,'＠agency,alpha-test.gov,,,,,,2024-01-15,,active,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z\n` +
        `a3@alpha-test.gov,'＝1+1,'\tTabbed,employee,'-lead,,'＠agency,alpha-test.gov,,,,,,2024-01-15,,active,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z\n` +
        `a4@alpha-test.gov,"'\rCR",Plain-Name,employee,'-lead,,'＠agency,alpha-test.gov,,,,,,2024-01-15,,active,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z\n`,
    );
    // Every cell a spreadsheet would read starts with a safe character.
    const cells = (parse(r.stdout, { from_line: 2 }) as string[][]).flat();
    expect(cells.filter((c) => /^[=+\-@\t\r＝＋－＠]/.test(c))).toEqual([]);
  });

  it('--raw writes the values untouched (they read back exactly)', async () => {
    const t = await payloadDb();
    const r = await t.run(['--quiet', 'export', 'members', '--raw']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((m) => [m.email, m.first_name, m.last_name])).toEqual(PAYLOADS.map((p) => [...p]));
    expect(rows.map((m) => m.job_title)).toEqual(['-lead', '-lead', '-lead', '-lead']);
  });

  it('--bom starts the file with a UTF-8 BOM; json is not neutralised and has the same keys', async () => {
    const t = await payloadDb();
    const bom = await t.run(['export', 'members', '--bom']);
    expect(bom.stdout.startsWith(`\uFEFF${HEADER}\n`)).toBe(true);
    const j = await t.run(['export', 'members', '--format', 'json']);
    expect(j.code).toBe(0);
    const rows = JSON.parse(j.stdout) as Record<string, unknown>[];
    expect(rows.map((m) => m.first_name)).toEqual(PAYLOADS.map((p) => p[1]));
    expect(Object.keys(rows[0] ?? {}).join(',')).toBe(HEADER);
    const jsonBom = await t.run(['export', 'members', '--format', 'json', '--bom']);
    expect(jsonBom).toMatchObject({ code: 2, stdout: '', stderr: 'aicop: error: --bom is for CSV files opened in Excel; JSON is always plain UTF-8\n  drop --bom, or use --format csv\n' });
    const table = await t.run(['export', 'members', '--format', 'table']);
    expect(table.code).toBe(2);
    expect(table.stderr).toContain('--format table is not offered by aicop export members');
  });

  it('exports all statuses by default, or one with --status; an empty export is the header alone', async () => {
    const t = await seededDb();
    const all = await t.run(['export', 'members']);
    expect(all.stdout.split('\n').map((l) => l.split(',')[0])).toEqual(['email', 'ada@alpha-test.gov', 'bob.ctr@sub.alpha-test.gov', 'cy@beta-town.gov', 'dee@alpha-test.gov', '']);
    const inactive = await t.run(['export', 'members', '--status', 'inactive']);
    expect(inactive.stdout.split('\n').map((l) => l.split(',')[0])).toEqual(['email', 'bob.ctr@sub.alpha-test.gov', '']);
    const none = await t.run(['export', 'members', '--search', 'nobody']);
    expect(none).toMatchObject({ code: 0, stdout: `${HEADER}\n`, stderr: 'exported 0 members\n' });
  });

  it('-o writes the file atomically: nothing on stdout, no temporary file left, old content replaced', async () => {
    const t = await seededDb();
    const out = path.join(t.dir, 'members.csv');
    fs.writeFileSync(out, 'old content\n');
    const r = await t.run(['-o', 'members.csv', 'export', 'members', '--status', 'active']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('exported 3 members to members.csv\n');
    expect(fs.readFileSync(out, 'utf8').split('\n')[0]).toBe(HEADER);
    expect(fs.readFileSync(out, 'utf8').split('\n').length).toBe(5);
    expect(others(t.dir, ['aicop.db', 'aicop.db-wal', 'aicop.db-shm', 'members.csv'])).toEqual([]);
    const q = await t.run(['-q', '-o', 'members.csv', 'export', 'members']);
    expect(q).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('-o into a missing folder exits 4 and writes nothing', async () => {
    const t = await seededDb();
    const r = await t.run(['-o', 'nope/members.csv', 'export', 'members']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('nope/members.csv: folder');
    expect(r.stderr).toContain('does not exist');
    expect(fs.existsSync(path.join(t.dir, 'nope'))).toBe(false);
  });

  it('an interrupted export (Ctrl-C) exits 130 and leaves the previous -o file and no temporary file', async () => {
    const t = tempDb();
    await t.run(['init']);
    const db = openDb(t.dbPath);
    const ins = db.prepare("INSERT INTO members (email, domain, joined_on, created_at, updated_at) VALUES (?, 'x.gov', '2024-01-01', 't', 't')");
    db.transaction(() => {
      for (let i = 0; i < 6000; i++) ins.run(`m${i}@x.gov`);
    })();
    db.close();
    const out = path.join(t.dir, 'out.csv');
    fs.writeFileSync(out, 'previous\n');
    const controller = new AbortController();
    controller.abort(new (await import('../src/errors.js')).InterruptedError());
    const r = await t.run(['-o', 'out.csv', 'export', 'members'], { signal: controller.signal });
    expect(r.code).toBe(130);
    expect(fs.readFileSync(out, 'utf8')).toBe('previous\n');
    expect(others(t.dir, ['aicop.db', 'aicop.db-wal', 'aicop.db-shm', 'out.csv'])).toEqual([]);
  });
});

describe('export listserv', () => {
  it('writes active addresses, sorted, one per line, no header; --group filters', async () => {
    const t = await seededDb();
    const db = openDb(t.dbPath);
    addMember(db, { email: '-dash@alpha-test.gov', first: '=x' });
    db.close();
    const r = await t.run(['export', 'listserv']);
    expect(r).toMatchObject({ code: 0, stdout: '-dash@alpha-test.gov\nada@alpha-test.gov\ncy@beta-town.gov\ndee@alpha-test.gov\n', stderr: 'exported 4 addresses\n' });
    const g = await t.run(['-q', 'export', 'listserv', '--group', 'EVENT PLANNING']);
    expect(g).toMatchObject({ code: 0, stdout: 'ada@alpha-test.gov\ncy@beta-town.gov\n', stderr: '' });
    const o = await t.run(['-o', 'list.txt', 'export', 'listserv', '--group', 'Computer Vision']);
    expect(o).toMatchObject({ code: 0, stdout: '', stderr: 'exported 1 address to list.txt\n' });
    expect(fs.readFileSync(path.join(t.dir, 'list.txt'), 'utf8')).toBe('cy@beta-town.gov\n');
  });

  it('refuses --format and unknown groups with exit 2', async () => {
    const t = await seededDb();
    const f = await t.run(['--format', 'csv', 'export', 'listserv']);
    expect(f.code).toBe(2);
    expect(f.stderr).toBe('aicop: error: --format csv is not offered by aicop export listserv: it has no output formats\n  the commands that offer --format list it in their --help\n');
    const g = await t.run(['export', 'listserv', '--group', 'Knitting']);
    expect(g.code).toBe(2);
    expect(g.stdout).toBe('');
  });
});

describe('a killed export (real process)', () => {
  it('SIGKILL mid-way leaves the previous file byte-identical; the next export sweeps the stale temporary file', async () => {
    expect(fs.existsSync(path.join(ROOT, 'dist', 'cli', 'commands', 'export', 'members.js')), 'run npm run build first').toBe(true);
    const t = tempDb();
    await t.run(['init']);
    const db = openDb(t.dbPath);
    const ins = db.prepare("INSERT INTO members (email, domain, first_name, joined_on, created_at, updated_at) VALUES (?, 'x.gov', '=1+1', '2024-01-01', 't', 't')");
    db.transaction(() => {
      for (let i = 0; i < 100_000; i++) ins.run(`m${String(i).padStart(6, '0')}@x.gov`);
    })();
    db.close();
    const out = path.join(t.dir, 'members.csv');
    const previous = Buffer.from('email\nprevious@x.gov\n\u00e9\r\n');
    fs.writeFileSync(out, previous);

    const child = spawn(process.execPath, [BIN, '--db', t.dbPath, '-o', out, 'export', 'members'], { cwd: t.dir, env: { PATH: process.env.PATH ?? '', HOME: t.dir }, stdio: 'ignore' });
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    // Wait (without a time limit of our own) until the export has written part of its temporary file.
    const tempOf = () => fs.readdirSync(t.dir).filter((f) => f.startsWith('.members.csv.') && f.endsWith('.tmp'));
    for (;;) {
      const tmp = tempOf()[0];
      if (tmp !== undefined && fs.statSync(path.join(t.dir, tmp)).size > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGKILL');
    const end = await closed;
    expect(end.signal).toBe('SIGKILL');
    expect(fs.readFileSync(out).equals(previous)).toBe(true);
    expect(tempOf().length).toBe(1); // nobody can clean up after SIGKILL ...

    const again = await t.run(['-q', '-o', out, 'export', 'listserv']);
    expect(again.code).toBe(0);
    expect(tempOf()).toEqual([]); // ... so the next write to the same file removes it
    expect(fs.readFileSync(out, 'utf8').split('\n').length).toBe(100_001);
  }, 60_000);

  it('SIGTERM mid-way exits 130, keeps the previous file and removes the temporary file', async () => {
    const t = tempDb();
    await t.run(['init']);
    const db = openDb(t.dbPath);
    const ins = db.prepare("INSERT INTO members (email, domain, joined_on, created_at, updated_at) VALUES (?, 'x.gov', '2024-01-01', 't', 't')");
    db.transaction(() => {
      for (let i = 0; i < 100_000; i++) ins.run(`m${String(i).padStart(6, '0')}@x.gov`);
    })();
    db.close();
    const out = path.join(t.dir, 'members.csv');
    fs.writeFileSync(out, 'previous\n');
    const child = spawn(process.execPath, [BIN, '--db', t.dbPath, '-o', out, 'export', 'members'], { cwd: t.dir, env: { PATH: process.env.PATH ?? '', HOME: t.dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const closed = new Promise<{ code: number | null }>((resolve) => child.on('close', (code) => resolve({ code })));
    const tempOf = () => fs.readdirSync(t.dir).filter((f) => f.startsWith('.members.csv.') && f.endsWith('.tmp'));
    for (;;) {
      const tmp = tempOf()[0];
      if (tmp !== undefined && fs.statSync(path.join(t.dir, tmp)).size > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGTERM');
    const end = await closed;
    expect(end.code).toBe(130);
    expect(stderr).toContain('interrupted by SIGTERM');
    expect(fs.readFileSync(out, 'utf8')).toBe('previous\n');
    expect(tempOf()).toEqual([]);
  }, 60_000);
});
