#!/usr/bin/env node
// npm run demo: a fresh database in a temporary folder loaded with data/sample/, then the FY2023
// annual report (markdown) on stdout. Commands echo on stderr as `$ aicop …`.
//
// init and the roster import are required: any exit other than 0 (or 3 for the import, whose
// sample has deliberately bad rows) stops the demo with that code. The later steps are optional:
// a command missing from this build is skipped with a note; one that exists but fails is reported
// and the demo goes on, then exits with its code at the end. Rejects files go to the temporary
// folder, never beside data/sample.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'aicop.js');
const sample = path.join(root, 'data', 'sample');
// AICOP_DEMO_DIR: an empty folder to use instead of a new temporary one (tests clean it up).
const dir = process.env.AICOP_DEMO_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'aicop-demo-'));
const db = path.join(dir, 'demo.db');

if (!fs.existsSync(path.join(root, 'dist', 'cli', 'process.js'))) {
  console.error('demo: dist/ is missing; run `npm run build` first (`npm run demo` does)');
  process.exit(2);
}

/** The --help text of `aicop <words>`, or null when this build has no such command. */
function helpOf(words) {
  const r = spawnSync(process.execPath, [bin, ...words, '--help'], { encoding: 'utf8' });
  const text = `${r.stdout}${r.stderr}`;
  return r.status === 0 && text.includes(`Usage: aicop ${words.join(' ')} `) ? text : null;
}

/** Runs one step; its stdout goes to stderr unless it is the report (the demo's only stdout). */
function aicop(args, stdout = 2) {
  console.error(`\n$ aicop ${args.map((a) => (a.startsWith(root) ? path.relative(root, a) : a)).join(' ')}`);
  const r = spawnSync(process.execPath, [bin, '--db', db, ...args], { stdio: ['ignore', stdout, 'inherit'] });
  return r.status ?? 1;
}

/** Runs an import; `--rejects` points into the temp folder when the command offers it. */
function importArgs(kind, file) {
  const help = helpOf(['import', kind]);
  if (help === null) return null;
  const args = ['import', kind, path.join(sample, file)];
  if (help.includes('--rejects')) args.push('--rejects', path.join(dir, `${kind}.rejects.csv`));
  return args;
}

const notes = [];
let deferred = 0;

function optional(what, args, okCodes = [0, 3], stdout = 2) {
  if (args === null) {
    notes.push(`skipped ${what}: not in this build yet`);
    console.error(`\n(skipping ${what}: not in this build yet)`);
    return;
  }
  const code = aicop(args, stdout);
  if (!okCodes.includes(code)) {
    notes.push(`${what} failed with exit ${code}`);
    console.error(`demo: ${what} failed with exit ${code}; continuing`);
    if (deferred === 0) deferred = code;
  }
}

// Required: a fresh database and the roster.
let code = aicop(['init'], 'ignore');
if (code !== 0) {
  console.error(`demo: aicop init failed with exit ${code}`);
  process.exit(code);
}
// The built-in directory covers federal agencies; the sample's state and local domains come from
// a registry extract in CISA's format.
optional(
  'the state and local agency directory',
  helpOf(['agencies', 'import-dotgov']) === null ? null : ['agencies', 'import-dotgov', path.join(sample, 'dotgov-registry.csv')],
  [0],
);
const members = importArgs('members', 'members.csv');
if (members === null) {
  notes.push('skipped the roster import: `aicop import members` is not in this build yet');
  console.error('\n(skipping the roster import: not in this build yet)');
} else {
  code = aicop(members);
  if (code !== 0 && code !== 3) {
    console.error(`demo: the roster import failed with exit ${code}`);
    process.exit(code);
  }
}

// Optional: events, attendance, auto-assignment, the report.
optional('the events import', importArgs('events', 'events.csv'));
optional('the attendance import', importArgs('attendance', 'attendance.csv'));
// Its plan (one line per member) is left out; the summary on stderr says what it did.
optional('auto-assignment to working groups', helpOf(['groups', 'assign']) === null ? null : ['--yes', 'groups', 'assign', '--auto'], [0], 'ignore');
optional('the FY2023 annual report', helpOf(['report', 'annual']) === null ? null : ['report', 'annual', '--fy', '2023', '--format', 'md'], [0], 'inherit');

console.error(`\ndemo database: ${db}`);
console.error(`rejects files: ${dir}`);
for (const n of notes) console.error(`note: ${n}`);
process.exitCode = deferred;
