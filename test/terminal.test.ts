// The real prompts (inquirer, through src/cli/prompter.ts's inquirerPrompter) in a real
// pseudo-terminal: bin/aicop.js runs inside tmux, keys are sent with `tmux send-keys` and the
// screen is read with `tmux capture-pane`. The other tests answer prompts with the scripted
// prompter; these check that the prompts a user sees work with the keys a user presses.
// Needs tmux (.ci/run installs it); skips with a message when it is absent.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers.js';

const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
if (!hasTmux) console.warn('terminal.test.ts: tmux is not installed; the pseudo-terminal tests are skipped (apt-get install tmux)');

/** One tmux server of our own (its own socket), one window running one shell command. */
class Terminal {
  private static count = 0;
  private readonly socket = `aicop-test-${process.pid}-${Terminal.count++}`;

  constructor(cwd: string, command: string) {
    // CI=true (set by CI) turns prompts off by design: the command under test runs without it.
    // The pane stays open after the command ends, so its last screen and exit code can be read.
    const shell = `env -u CI NO_COLOR=1 ${command}; echo "EXIT=$?"; sleep 600`;
    this.tmux('new-session', '-d', '-s', 'main', '-x', '100', '-y', '40', '-c', cwd, shell);
  }

  private tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** The visible screen, without trailing blank lines; `joined` joins lines the pane wrapped. */
  screen(joined = false): string {
    return this.tmux('capture-pane', '-p', ...(joined ? ['-J'] : []), '-t', 'main').replace(/\n+$/, '\n');
  }

  /** Waits until the screen shows `text` (a deadline for a hung prompt, not a timing assertion). */
  async waitFor(text: string, deadlineMs = 30_000): Promise<string> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const s = this.screen();
      if (s.includes(text)) return s;
      if (Date.now() > until) throw new Error(`the terminal never showed ${JSON.stringify(text)}; it shows:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the command to end and returns its exit code and final screen. */
  async exit(): Promise<{ code: number; screen: string }> {
    const s = await this.waitFor('EXIT=');
    const m = /EXIT=(\d+)/.exec(s);
    return { code: Number(m?.[1]), screen: s };
  }

  /** tmux key names: Enter, Down, Up, Space, C-c, or literal text. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}

const open: Terminal[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

function aicopIn(dir: string, args: string): Terminal {
  const t = new Terminal(dir, `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --db x.db ${args}`);
  open.push(t);
  return t;
}

function setup(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicop-tty-'));
  const r = spawnSync(process.execPath, [BIN, '--db', path.join(dir, 'x.db'), '-q', 'init'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  fs.writeFileSync(path.join(dir, 'r.csv'), 'E-mail Addr,Given Name,Dept\nann@gsa.gov,Ann,GSA\n');
  return dir;
}

function query<T>(dir: string, sql: string): T[] {
  const db = new Database(path.join(dir, 'x.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe.skipIf(!hasTmux)('prompts in a real terminal (tmux)', () => {
  beforeAll(() => {
    expect(fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'cli', 'process.js')), 'run npm run build first').toBe(true);
  });

  it('import members asks which field each column holds, the best guess preselected, and saves the mapping', async () => {
    const dir = setup();
    const t = aicopIn(dir, 'import members r.csv');
    await t.waitFor('? column "E-mail Addr" (e.g. "ann@gsa.gov")');
    expect(t.screen()).toContain('❯ email\n  first_name\n');
    t.keys('Enter');
    await t.waitFor('? column "Given Name" (e.g. "Ann")');
    expect(t.screen()).toContain('❯ first_name\n');
    t.keys('Enter');
    // Dept: nothing close, so ignore is preselected; the arrow keys pick agency instead.
    await t.waitFor('? column "Dept" (e.g. "GSA")');
    expect(t.screen()).toContain('❯ ignore');
    t.keys('Down', 'Down', 'Down', 'Down', 'Down', 'Enter');
    await t.waitFor(`save this mapping to ${path.join(dir, 'r.mapping.json')}? (Y/n)`);
    t.keys('Enter');
    const { code, screen } = await t.exit();
    expect(code).toBe(0);
    expect(screen).toContain('✔ column "E-mail Addr" (e.g. "ann@gsa.gov") email\n✔ column "Given Name" (e.g. "Ann") first_name\n✔ column "Dept" (e.g. "GSA") agency\n');
    expect(screen).toContain('r.csv: 1 row read: 1 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 0 rejected\n');
    expect(fs.readFileSync(path.join(dir, 'r.mapping.json'), 'utf8')).toBe('{\n  "E-mail Addr": "email",\n  "Given Name": "first_name",\n  "Dept": "agency"\n}\n');
    expect(query(dir, 'SELECT email, first_name, reported_agency FROM members')).toEqual([{ email: 'ann@gsa.gov', first_name: 'Ann', reported_agency: 'GSA' }]);
  });

  it('Ctrl-C at a prompt exits 130 and changes nothing', async () => {
    const dir = setup();
    const t = aicopIn(dir, 'import members r.csv');
    await t.waitFor('? column "E-mail Addr"');
    t.keys('C-c');
    const { code, screen } = await t.exit();
    expect(code).toBe(130);
    expect(screen).toContain('aicop: interrupted; nothing was changed\n');
    expect(query(dir, 'SELECT count(*) AS n FROM members')).toEqual([{ n: 0 }]);
    expect(query(dir, 'SELECT count(*) AS n FROM import_batches')).toEqual([{ n: 0 }]);
    expect(fs.existsSync(path.join(dir, 'r.mapping.json'))).toBe(false);
  });

  it('groups assign --interactive toggles a group with the space bar', async () => {
    const dir = setup();
    const add = spawnSync(process.execPath, [BIN, '--db', path.join(dir, 'x.db'), '-q', 'members', 'add', '--email', 'ann@gsa.gov'], { encoding: 'utf8' });
    expect(add.status).toBe(0);
    const t = aicopIn(dir, 'groups assign --interactive --member ann@gsa.gov');
    const before = await t.waitFor('Groups of ann@gsa.gov');
    // The cursor starts on the first group; Down moves to the second, which Space ticks.
    const names = before.split('\n').filter((l) => /^[❯ ]\s*◯ /.test(l)).map((l) => l.replace(/^[❯ ]\s*◯ /, '').trim());
    expect(names.length).toBeGreaterThan(2);
    t.keys('Down', 'Space');
    await t.waitFor(`◉ ${names[1]}`);
    t.keys('Enter');
    const { code } = await t.exit();
    expect(code).toBe(0);
    expect(
      query(dir, "SELECT g.name FROM assignments a JOIN groups g ON g.id = a.group_id JOIN members m ON m.id = a.member_id WHERE m.email = 'ann@gsa.gov' AND a.removed_on IS NULL"),
    ).toEqual([{ name: names[1] }]);
  });

  it('a confirmation defaults to No: Enter on members remove --purge keeps the member', async () => {
    const dir = setup();
    const add = spawnSync(process.execPath, [BIN, '--db', path.join(dir, 'x.db'), '-q', 'members', 'add', '--email', 'ann@gsa.gov'], { encoding: 'utf8' });
    expect(add.status).toBe(0);
    const t = aicopIn(dir, 'members remove ann@gsa.gov --purge');
    await t.waitFor('delete ann@gsa.gov and their group history for good? (y/N)');
    t.keys('Enter');
    const { code, screen } = await t.exit();
    expect(code).toBe(2);
    expect(screen).toContain('aicop: cancelled; nothing was changed\n');
    expect(screen).not.toContain('error');
    expect(query(dir, 'SELECT email FROM members')).toEqual([{ email: 'ann@gsa.gov' }]);
  });

  it('answering n to imports undo exits 2 with the same words as every declined confirmation', async () => {
    const dir = setup();
    const imp = spawnSync(process.execPath, [BIN, '--db', path.join(dir, 'x.db'), '-q', 'import', 'members', 'r.csv', '--map', 'E-mail Addr=email', '--map', 'Given Name=first_name', '--map', 'Dept=ignore'], { encoding: 'utf8', cwd: dir });
    expect(imp.status, imp.stderr).toBe(0);
    const t = aicopIn(dir, 'imports undo 1');
    await t.waitFor('? (y/N)');
    t.keys('n', 'Enter');
    const { code, screen } = await t.exit();
    expect(code).toBe(2);
    expect(screen).toContain('aicop: cancelled; nothing was changed\n');
    expect(screen).not.toContain('error');
    expect(query(dir, 'SELECT email FROM members')).toEqual([{ email: 'ann@gsa.gov' }]);
  });

  it('members list fits $COLUMNS (cells cut with …) and --wide prints every column in full', async () => {
    const dir = setup();
    fs.writeFileSync(path.join(dir, 'm.csv'), 'email,first name,last name,working groups\nalexandra.konstantinopoulos@nasa.gov,Alexandra,Konstantinopoulos,Event Planning; Tools and Resources\n');
    const imp = spawnSync(process.execPath, [BIN, '--db', path.join(dir, 'x.db'), '-q', 'import', 'members', 'm.csv'], { encoding: 'utf8', cwd: dir });
    expect(imp.status, imp.stderr).toBe(0);
    const t = new Terminal(dir, `COLUMNS=60 ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --db x.db members list`);
    open.push(t);
    const { code, screen } = await t.exit();
    expect(code).toBe(0);
    const table = screen.split('\n').slice(0, 2);
    expect(table[0]).toMatch(/^email +first_name +last_name +agency +working_groups +status$/);
    expect(table[1]).toContain('…');
    for (const line of table) expect(line.length).toBeLessThanOrEqual(60);
    const w = new Terminal(dir, `COLUMNS=60 ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --db x.db members list --wide`);
    open.push(w);
    const wide = await w.exit();
    expect(wide.code).toBe(0);
    // The 100-column pane wraps the long lines; -J in capture joins them back.
    expect(w.screen(true)).toContain('alexandra.konstantinopoulos@nasa.gov  Alexandra   Konstantinopoulos  employee');
    expect(w.screen(true)).toContain('Event Planning; Tools and Resources');
  });
});
