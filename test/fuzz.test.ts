// Property-based hardening of `aicop import members` (issue 9): whatever bytes arrive — random
// headers, quoting, delimiters, encodings, NUL bytes, empty files, binary garbage, a 10 MB cell,
// 100k columns — the command never ends in an internal error (exit 1), never prints a stack
// trace, and when it refuses the input (exit 4) or the database (exit 5) nothing was changed.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { beforeEach, describe, expect, it } from 'vitest';
import { ROOT, dumpTables, openDb, run, spawnAicop, tempDb, writeFile, type RunResult } from './helpers.js';

const available = (await run(['import', 'members', '--help'])).stdout.includes('Usage: aicop import members');
// The spawned test needs dist/ (npm test builds first).
const built = fs.existsSync(path.join(ROOT, 'dist', 'cli', 'process.js'));

/** The outcomes allowed for any input; the exit code decides what else must hold. */
const ALLOWED = [0, 3, 4];
/** A V8 stack frame, as printed by an uncaught error. */
const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

const KNOWN_HEADERS = [
  'email', 'E-mail', 'Email Address', 'work_email', 'MAIL', 'first name', 'Given Name', 'last_name', 'Surname', 'Full Name',
  'name', 'Agency', 'organisation', 'Department', 'type', 'Employment Type', 'title', 'Job Title', 'track', 'Role Track',
  'working groups', 'WG', 'practice areas', 'Interests', 'joined', 'Join Date', 'date-joined',
];
const CELLS = [
  'jane.doe@nasa.gov', 'JANE.DOE@NASA.GOV.', ' jane.doe@nasa.gov ', 'jane.doe@mail.nih.gov', 'first.last.ctr@army.mil', 'x@gmail.com',
  'a@xn--nh-ija.gov', 'b@nıh.gov', 'nasa.gov.example.com', 'a@@va.gov', '@va.gov', 'no-at-sign', 'gov', '.gov', 'a@.gov',
  '"', '""', ',', ';', '\t', '|', '\n', '\r\n', '\r', '\0', 'é', 'José Muñoz – “Lead”', '=HYPERLINK("x")', '2023-02-30', '1/2/2023',
  '12/31/99', '13/45/2023', '2024-01-01', 'Generative AI', 'Event Planning;Nope', 'event planning|tools and resources',
  'contractor', 'employee', 'intern', 'Acquisition', 'technical', ' ', '', '\uFEFF', '\u2028', '\uD800',
];

const header = fc.oneof(fc.constantFrom(...KNOWN_HEADERS), fc.string({ maxLength: 12 }), fc.constant(''));
const cell = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CELLS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{1,8}(\.[a-z]{1,8})?@([a-z]{1,6}\.){1,2}(gov|mil|com)$/) },
);
const EMAIL_HEADERS = ['email', 'E-mail', 'Email Address', 'work email', 'MAIL', ' Email '];
/** Usually a header with an email column and rows of its width, so most inputs get past the header. */
const table = fc
  .tuple(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...EMAIL_HEADERS) }, { weight: 1, arbitrary: fc.constant(null) }),
    fc.array(header, { maxLength: 8 }),
    fc.nat(),
  )
  .map(([email, rest, at]) => (email === null ? rest : [...rest.slice(0, at % (rest.length + 1)), email, ...rest.slice(at % (rest.length + 1))]))
  .chain((headers) =>
    fc.record({
      headers: fc.constant(headers),
      rows: fc.array(
        fc.oneof(
          { weight: 4, arbitrary: fc.array(cell, { minLength: headers.length, maxLength: headers.length }) },
          { weight: 1, arbitrary: fc.array(cell, { maxLength: 10 }) },
        ),
        { maxLength: 12 },
      ),
    }),
  );
const csvShape = fc.record({
  table,
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  quoting: fc.constantFrom('needed', 'always', 'never'),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  encoding: fc.constantFrom('utf8', 'utf8bom', 'utf16le', 'utf16be', 'win1252'),
  finalEol: fc.boolean(),
});
type CsvShape = typeof csvShape extends fc.Arbitrary<infer T> ? T : never;

function serialise(s: CsvShape): Buffer {
  const quote = (v: string): string => {
    const needs = v.includes(s.delimiter) || /["\r\n]/.test(v);
    if (s.quoting === 'always' || (s.quoting === 'needed' && needs)) return `"${v.replace(/"/g, '""')}"`;
    return v;
  };
  const lines = [s.table.headers, ...s.table.rows].map((r) => r.map(quote).join(s.delimiter));
  const text = lines.join(s.eol) + (s.finalEol ? s.eol : '');
  switch (s.encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'win1252':
      return iconv.encode(text, 'win1252');
  }
}

/** The invariants of one import (a failed expect makes fast-check shrink and report the input). */
function check(r: RunResult, before: string, after: string): void {
  expect(ALLOWED, `exit ${r.code}; stderr:\n${r.stderr}`).toContain(r.code);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.stderr).not.toMatch(/please report/i);
  if (r.code === 4 || r.code === 5) expect(after).toBe(before);
}

describe.skipIf(!available)('import members never crashes on hostile input', () => {
  let t: ReturnType<typeof tempDb>;
  let counter = 0;
  // helpers.ts removes temp folders after each test, so each test gets its own database, with
  // members in it so that "unchanged" is not trivially an empty database.
  beforeEach(async () => {
    t = tempDb();
    const seed = writeFile(t.dir, 'seed.csv', 'email,first name,working groups\nada@nasa.gov,Ada,Event Planning\nbob@va.gov,Bob,\n');
    const r = await t.run(['import', 'members', seed, '--rejects', path.join(t.dir, 'seed.rejects.csv')]);
    expect(r.code, r.stderr).toBe(0);
  });

  async function importBytes(bytes: Buffer, viaStdin: boolean, extra: readonly string[] = []): Promise<void> {
    const n = ++counter;
    const file = writeFile(t.dir, `in-${n}.csv`, bytes);
    const rejects = path.join(t.dir, `in-${n}.rejects.csv`);
    const before = dumpTables(t.dbPath);
    const r = viaStdin
      ? await t.run(['import', 'members', '-', '--rejects', rejects, ...extra], { stdin: bytes })
      : await t.run(['import', 'members', file, '--rejects', rejects, ...extra]);
    check(r, before, dumpTables(t.dbPath));
    // Imports run with foreign-key enforcement off (every key comes from the import itself):
    // whatever the input, the keys they leave must still all resolve.
    const db = openDb(t.dbPath);
    try {
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
    fs.rmSync(file, { force: true });
  }

  it('random CSV: headers, quoting, delimiters, line endings, encodings', async () => {
    await fc.assert(
      fc.asyncProperty(csvShape, fc.boolean(), async (shape, viaStdin) => importBytes(serialise(shape), viaStdin)),
      { numRuns: 100, seed: 9001 },
    );
  }, 60_000);

  it('random CSV with --strict or a low --max-reject-rate leaves the database unchanged on exit 4', async () => {
    await fc.assert(
      fc.asyncProperty(csvShape, fc.constantFrom(['--strict'], ['--max-reject-rate', '10'], ['--dry-run']), async (shape, extra) =>
        importBytes(serialise(shape), false, extra),
      ),
      { numRuns: 40, seed: 9002 },
    );
  }, 60_000);

  it('binary garbage', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => importBytes(Buffer.from(bytes), false)),
      { numRuns: 60, seed: 9003 },
    );
  }, 60_000);

  it('edge files: empty, header only, NUL bytes, lone quotes, a 10 MB cell, 100k columns', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const wide = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
    const cases: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from('\n'),
      Buffer.from('\uFEFF'),
      Buffer.from('email\n'),
      Buffer.from('email,first name\r\n'),
      Buffer.from('email,first name\nnul@nasa.gov,A\0B\nok@nasa.gov,C\n'),
      Buffer.from('\0\0\0\0'),
      Buffer.from('email\n"unterminated@nasa.gov\n'),
      Buffer.from('email,notes\n"a@nasa.gov"x,"b"\n'),
      Buffer.from(`email,notes\nbig@nasa.gov,${big}\n`),
      Buffer.from(`email,notes\nbigq@nasa.gov,"${big}"\n`),
      Buffer.from(`${['email', ...wide].join(',')}\nwide@nasa.gov,${wide.map(() => '1').join(',')}\n`),
      Buffer.from(`${wide.join(',')}\n`),
      Buffer.from([0xff, 0xfe, 0x00]),
      Buffer.from([0xfe, 0xff, 0x00, 0x65]),
      Buffer.from([0xef, 0xbb, 0xbf, 0xff, 0xfe]),
    ];
    for (const bytes of cases) await importBytes(bytes, false);
  }, 120_000);

  it.skipIf(!built)('the real process (bin/aicop.js) on stdin: empty input, garbage, NUL bytes, 100k columns', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    const wide = `${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',')}\n`;
    for (const input of [Buffer.alloc(0), garbage, Buffer.from('email\n\0@nasa.gov\n'), Buffer.from(wide)]) {
      const before = dumpTables(t.dbPath);
      const r = await spawnAicop(['--db', t.dbPath, 'import', 'members', '-'], { input, cwd: t.dir });
      expect(r.signal).toBeNull();
      check({ code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr, asked: [] }, before, dumpTables(t.dbPath));
    }
  });

  it('a missing file, a folder and an unreadable path are input errors with the database unchanged', async () => {
    const before = dumpTables(t.dbPath);
    for (const target of [path.join(t.dir, 'nope.csv'), t.dir]) {
      const r = await t.run(['import', 'members', target, '--rejects', path.join(t.dir, 'x.rejects.csv')]);
      expect(r.code).toBe(4);
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(dumpTables(t.dbPath)).toBe(before);
    }
  });
});
