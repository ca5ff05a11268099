import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from './helpers.js';
import { addMember, seededDb } from './members-fixtures.js';

/**
 * SPEC §1: prompts never appear without a terminal, with CI set, or with --yes; the command then
 * needs its answers as flags and names the missing one (exit 2). Every command that can prompt is
 * listed here; the scripted prompter has no answers, so a prompt would fail the test (exit 1).
 */
const PROMPTING: readonly (readonly string[])[] = [
  ['groups', 'add', 'Knitting Circle'],
  ['groups', 'assign'],
  ['groups', 'assign', '--interactive'],
  ['groups', 'assign', '--auto'],
  ['groups', 'remove', 'Reading Club'],
  ['members', 'remove', 'dee@alpha-test.gov', '--purge'],
];
/** With --yes: a confirmation proceeds (0); a question only a person can answer still needs its flag (2). */
const WITH_YES = [2, 2, 2, 0, 0, 0];

/** A database where every command above has something to ask about. */
async function setup() {
  const t = await seededDb();
  for (const argv of [
    ['groups', 'add', 'Reading Club', '--kind', 'working_group'],
    ['groups', 'assign', '--member', 'dee@alpha-test.gov', '--group', 'Reading Club'],
  ]) {
    const r = await t.run(argv);
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  }
  const db = openDb(t.dbPath);
  addMember(db, { email: 'eve@alpha-test.gov', first: 'Eve' }); // in no working group: --auto has a plan
  db.close();
  return t;
}

const MODES = [
  { name: 'piped (no terminal)', tty: false, env: {} },
  { name: 'a terminal with CI set', tty: true, env: { CI: 'true' } },
] as const;

describe('no prompt without a terminal or with CI: a usage error that names the flag', () => {
  for (const mode of MODES) {
    it.each(PROMPTING.map((argv) => [argv.join(' '), argv] as const))(`${mode.name}: %s`, async (_label, argv) => {
      const t = await setup();
      const r = await t.run(argv, { tty: mode.tty, env: { ...mode.env } });
      expect(r.asked).toEqual([]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--[a-z]/);
    });
  }
});

describe('--yes never prompts: confirmations are taken as given', () => {
  it.each(PROMPTING.map((argv, i) => [argv.join(' '), argv, WITH_YES[i]] as const))('%s', async (_label, argv, code) => {
    const t = await setup();
    const r = await t.run(['--yes', ...argv], { tty: true });
    expect(r.asked).toEqual([]);
    expect(r.code).toBe(code);
  });
});

/** SPEC §1 / issue 8: with --quiet a successful command prints nothing on stderr, even on a terminal. */
const QUIET_OK: readonly (readonly string[])[] = [
  ['init'],
  ['members', 'list'],
  ['members', 'show', 'ada@alpha-test.gov'],
  ['members', 'add', '--email', 'fay@alpha-test.gov', '--first-name', 'Fay'],
  ['members', 'remove', 'cy@beta-town.gov'],
  ['export', 'members', '-o', 'members.csv'],
  ['export', 'listserv', '-o', 'list.txt'],
  ['import', 'members', 'roster.csv'],
  ['imports', 'list'],
  ['domains', 'allow', 'county.example.us', '--reason', 'test'],
  ['domains', 'check', 'ada@alpha-test.gov'],
  ['agencies', 'list'],
  ['agencies', 'unmapped'],
  ['groups', 'list'],
  ['groups', 'assign', '--member', 'dee@alpha-test.gov', '--group', 'Event Planning'],
  ['events', 'list'],
  ['report', 'membership', '--fy', '2025'],
  ['db', 'check'],
];

describe('--quiet: nothing on stderr when a command succeeds', () => {
  it.each(QUIET_OK.map((argv) => [argv.join(' '), argv] as const))('%s', async (_label, argv) => {
    const t = await setup();
    fs.writeFileSync(path.join(t.dir, 'roster.csv'), 'email,first name\nnew1@import-test.gov,New\nnew2@import-test.gov,Newer\n');
    const r = await t.run(['--quiet', ...argv], { tty: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
