import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { dumpTables, openDb, tempDb, writeFile } from './helpers.js';
import { ROLLUP_CONTENTS } from '../src/db/rollups.js';

type T = ReturnType<typeof tempDb>;

function members(t: T): unknown[] {
  const db = openDb(t.dbPath);
  try {
    return db
      .prepare(
        `SELECT email, first_name, last_name, reported_agency, member_type, job_title, role_track, joined_on, left_on, created_batch, updated_batch
         FROM members ORDER BY email`,
      )
      .raw()
      .all();
  } finally {
    db.close();
  }
}

function assignments(t: T): unknown[] {
  const db = openDb(t.dbPath);
  try {
    return db
      .prepare(
        `SELECT m.email, g.name, a.assigned_on, a.removed_on, a.source, a.batch_id, a.removed_batch
         FROM assignments a JOIN members m ON m.id = a.member_id JOIN groups g ON g.id = a.group_id ORDER BY m.email, g.name, a.id`,
      )
      .raw()
      .all();
  } finally {
    db.close();
  }
}

const MEMBER_TABLES = ['members', 'assignments'];

const EVERY_REASON = [
  'Email,First Name,Last Name,Type,Track,Working Groups,Joined',
  'ann@nasa.gov,Ann,Lee,,acquisition,Event Planning;generative ai,1/5/2023',
  ',No,Email,,,,',
  'bad@@nasa.gov,Bad,Syntax,,,,',
  'bob@gmail.com,Bob,Gmail,,,,',
  'eve@nаsa.gov,Eve,Cyrillic,,,,',
  'ANN@nasa.gov,Ann,Again,,,,',
  'cat@nasa.gov,Cat,Group,,,Knitting,',
  'dan@nasa.gov,Dan,Date,,,,2023-02-30',
  'fay@nasa.gov,Fay,Type,intern,,,',
  'gus@nasa.gov,Gus',
  'hal@denied.gov,Hal,Denied,,,,',
  'john.smith.ctr@army.mil,John,Smith,,,,2024-10-01',
  '',
].join('\r\n');

describe('import members: reasons, rejects file, exact DB state', () => {
  it('applies the good rows, rejects each bad one with its reason and exits 3', async () => {
    const t = tempDb();
    expect((await t.run(['domains', 'deny', 'denied.gov'])).code).toBe(0);
    const file = writeFile(t.dir, 'roster.csv', EVERY_REASON);
    const r = await t.run(['import', 'members', 'roster.csv']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('roster.csv: 12 rows read: 2 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 10 rejected\n');
    expect(r.stderr).toContain(
      'rejected by reason: bad_date 1, bad_value 1, denied_domain 1, duplicate_in_file 1, ineligible_domain 1, invalid_syntax 1, missing_email 1, non_ascii_domain 1, ragged_row 1, unknown_group 1',
    );
    expect(members(t)).toEqual([
      ['ann@nasa.gov', 'Ann', 'Lee', null, 'employee', null, 'Acquisition', '2023-01-05', null, 1, 1],
      ['john.smith.ctr@army.mil', 'John', 'Smith', null, 'contractor', null, null, '2024-10-01', null, 1, 1],
    ]);
    expect(assignments(t)).toEqual([
      ['ann@nasa.gov', 'Event Planning', '2023-01-05', null, 'import', 1, null],
      ['ann@nasa.gov', 'Generative AI', '2023-01-05', null, 'import', 1, null],
    ]);
    const rejects = parse(fs.readFileSync(path.join(t.dir, 'roster.rejects.csv'), 'utf8'), { relax_column_count: true }) as string[][];
    expect(rejects[0]).toEqual(['Email', 'First Name', 'Last Name', 'Type', 'Track', 'Working Groups', 'Joined', 'line', 'reason', 'detail']);
    expect(rejects.slice(1).map((row) => `${row.at(-3) ?? ''} ${row.at(-2) ?? ''}`)).toEqual([
      '3 missing_email',
      '4 invalid_syntax',
      '5 ineligible_domain',
      '6 non_ascii_domain',
      '7 duplicate_in_file',
      '8 unknown_group',
      '9 bad_date',
      '10 bad_value',
      '11 ragged_row',
      '12 denied_domain',
    ]);
    expect(rejects[4]).toEqual(['eve@nаsa.gov', 'Eve', 'Cyrillic', '', '', '', '', '6', 'non_ascii_domain', 'domain nаsa.gov contains non-ASCII characters (a look-alike of a real domain?); use the plain ASCII address']);
    expect(rejects[9]).toEqual(['gus@nasa.gov', 'Gus', '11', 'ragged_row', 'the row has 2 fields, the header has 7']);
    const db = openDb(t.dbPath);
    const stored = db.prepare('SELECT line, reason, email FROM import_rejects WHERE batch_id = 1 ORDER BY line').raw().all();
    db.close();
    expect(stored).toEqual([
      [3, 'missing_email', null],
      [4, 'invalid_syntax', 'bad@@nasa.gov'],
      [5, 'ineligible_domain', 'bob@gmail.com'],
      [6, 'non_ascii_domain', 'eve@nаsa.gov'],
      [7, 'duplicate_in_file', 'ann@nasa.gov'],
      [8, 'unknown_group', 'cat@nasa.gov'],
      [9, 'bad_date', 'dan@nasa.gov'],
      [10, 'bad_value', 'fay@nasa.gov'],
      [11, 'ragged_row', null],
      [12, 'denied_domain', 'hal@denied.gov'],
    ]);
    void file;
  });

  it('gives physical line numbers after quoted fields with embedded newlines', async () => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', 'email,title\n"a@nasa.gov","line one\nline two\nline three"\nbad@gmail.com,x\n"b@nasa.gov","x\r\ny"\r\nc@gmail.com,y\n');
    const r = await t.run(['import', 'members', 'r.csv']);
    expect(r.code).toBe(3);
    const db = openDb(t.dbPath);
    expect(db.prepare('SELECT line, reason FROM import_rejects ORDER BY line').raw().all()).toEqual([
      [5, 'ineligible_domain'],
      [8, 'ineligible_domain'],
    ]);
    expect(db.prepare('SELECT job_title FROM members ORDER BY email').pluck().all()).toEqual(['line one\nline two\nline three', 'x\r\ny']);
    db.close();
  });

  it('rejects a row with a NUL byte', async () => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', 'email,title\na@nasa.gov,ok\nb@nasa.gov,x\0y\n');
    const r = await t.run(['import', 'members', 'r.csv']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('rejected by reason: bad_value 1');
    expect(members(t)).toHaveLength(1);
  });
});

describe('import members: quoting, BOM and rejects files', () => {
  it('rejects a row with text after a closing quote as bad_quoting, with its line, and keeps values with inner quotes as written', async () => {
    const t = tempDb();
    const file = writeFile(
      t.dir,
      'q.csv',
      'email,title\r\nann@nasa.gov,"3" "\r\n"bob@epa.gov","Lead\r\nAnalyst"\r\ncy@gsa.gov,"32"" THICK"\r\ndee@gsa.gov,"32" THICK MONITOR"\r\neve@gsa.gov,Jane "JJ" Doe\r\n',
    );
    const r = await t.run(['import', 'members', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('5 rows read: 3 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 2 rejected');
    expect(r.stderr).toContain('rejected by reason: bad_quoting 2');
    expect(members(t).map((m) => [(m as unknown[])[0], (m as unknown[])[5]])).toEqual([
      ['bob@epa.gov', 'Lead\r\nAnalyst'],
      ['cy@gsa.gov', '32" THICK'],
      ['eve@gsa.gov', 'Jane "JJ" Doe'],
    ]);
    const stored = openDb(t.dbPath).prepare('SELECT line, reason, detail FROM import_rejects ORDER BY line').raw().all();
    expect(stored).toEqual([
      [2, 'bad_quoting', 'malformed quotes in column 2: text follows the closing quote (a quote inside a quoted value is written twice: "")'],
      [6, 'bad_quoting', 'malformed quotes in column 2: text follows the closing quote (a quote inside a quoted value is written twice: "")'],
    ]);
    const rejects = parse(fs.readFileSync(path.join(t.dir, 'q.rejects.csv'), 'utf8')) as string[][];
    expect(rejects.map((row) => [row[0], row[2], row[3]])).toEqual([
      ['email', 'line', 'reason'],
      ['ann@nasa.gov', '2', 'bad_quoting'],
      ['dee@gsa.gov', '6', 'bad_quoting'],
    ]);
  });

  it('a quote left open to the end of the file is an input error naming its line, with nothing changed', async () => {
    const t = tempDb();
    expect((await t.run(['init'])).code).toBe(0);
    const before = dumpTables(t.dbPath);
    const r = await t.run(['import', 'members', writeFile(t.dir, 'u.csv', 'email,title\nann@nasa.gov,x\nbob@epa.gov,"Lead\ncy@gsa.gov,y\n')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('u.csv:3: a quoted field in the record on line 3 is never closed');
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('writes the rejects file with a BOM when the input had one (or with --bom), and a corrected rejects file imports without line, reason, detail', async () => {
    const t = tempDb();
    const file = writeFile(t.dir, 'b.csv', '\uFEFFemail,first name\nrené@gmail.com,René\nann@nasa.gov,Ann\n');
    expect((await t.run(['import', 'members', file])).code).toBe(3);
    const bytes = fs.readFileSync(path.join(t.dir, 'b.rejects.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8').split('\n')[0]).toBe('email,first name,line,reason,detail');
    const plain = writeFile(t.dir, 'p.csv', 'email,first name\nx@gmail.com,X\n');
    expect((await t.run(['import', 'members', plain])).code).toBe(3);
    expect(fs.readFileSync(path.join(t.dir, 'p.rejects.csv'))[0]).toBe(0x65);
    expect((await t.run(['import', 'members', plain, '--force', '--bom', '--rejects', 'p2.csv'])).code).toBe(3);
    expect([...fs.readFileSync(path.join(t.dir, 'p2.csv')).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // The user fixes the address in Excel and imports the rejects file itself.
    const fixed = fs.readFileSync(path.join(t.dir, 'b.rejects.csv'), 'utf8').replace('rené@gmail.com', 'rene@nasa.gov');
    const again = await t.run(['import', 'members', writeFile(t.dir, 'fixed.csv', fixed), '-q']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect(members(t).map((m) => (m as unknown[]).slice(0, 2))).toEqual([
      ['ann@nasa.gov', 'Ann'],
      ['rene@nasa.gov', 'René'],
    ]);
  });
});

describe('import members: encodings and delimiters', () => {
  const name = 'José Muñoz – “Lead”';
  const check = async (content: Buffer, encoding: string) => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', content);
    const r = await t.run(['import', 'members', 'r.csv']);
    expect(r.code).toBe(0);
    const db = openDb(t.dbPath);
    const row = db.prepare('SELECT first_name, last_name, job_title FROM members').get();
    const options = JSON.parse(db.prepare('SELECT options FROM import_batches').pluck().get() as string) as { encoding: string };
    db.close();
    expect(row).toEqual({ first_name: 'José', last_name: 'Muñoz', job_title: name });
    expect(options.encoding).toBe(encoding);
  };
  const text = `email;first name;last name;title\r\njose@nasa.gov;José;Muñoz;${name}\r\n`;
  it('Windows-1252 round-trips exactly', () => check(iconv.encode(text, 'win1252'), 'windows-1252'));
  it('UTF-8 with BOM', () => check(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8'));
  it('UTF-16 LE with BOM', () => check(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]), 'utf-16le'));
  it('UTF-16 BE with BOM', () => check(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf16be')]), 'utf-16be'));
  it('tab-separated', () => check(Buffer.from(text.replace(/;/g, '\t')), 'utf-8'));
});

describe('import members: input errors leave the DB unchanged (exit 4)', () => {
  const seed = async (): Promise<T> => {
    const t = tempDb();
    writeFile(t.dir, 'seed.csv', 'email,first name\nold@nasa.gov,Old\n');
    expect((await t.run(['import', 'members', 'seed.csv'])).code).toBe(0);
    return t;
  };
  it('missing email column names the columns and the fix', async () => {
    const t = await seed();
    const before = dumpTables(t.dbPath);
    writeFile(t.dir, 'fr.csv', 'Courriel,Nom\njean@nasa.gov,Dupont\n');
    const r = await t.run(['import', 'members', 'fr.csv']);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('aicop: error: fr.csv: no email column (columns found: "Courriel", "Nom")\n  name the email column with --map "Courriel=email" (or --mapping file.json)\n');
    expect(dumpTables(t.dbPath)).toBe(before);
    const ok = await t.run(['import', 'members', 'fr.csv', '--map', 'Courriel=email', '--map', 'Nom=last_name']);
    expect(ok.code).toBe(0);
    expect(members(t)).toContainEqual(['jean@nasa.gov', null, 'Dupont', null, 'employee', null, null, '2026-11-23', null, 2, 2]);
  });
  it('two columns for one field', async () => {
    const t = await seed();
    const before = dumpTables(t.dbPath);
    writeFile(t.dir, 'two.csv', 'Email,E-mail Address\na@nasa.gov,b@nasa.gov\n');
    const r = await t.run(['import', 'members', 'two.csv']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('two.csv: columns "Email" (column 1) and "E-mail Address" (column 2) both map to email');
    expect(dumpTables(t.dbPath)).toBe(before);
  });
  it('--strict with a rejected row', async () => {
    const t = await seed();
    const before = dumpTables(t.dbPath);
    writeFile(t.dir, 'r.csv', 'email\nnew@nasa.gov\nx@gmail.com\n');
    const r = await t.run(['import', 'members', 'r.csv', '--strict']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('aicop: error: r.csv: 1 of 2 rows rejected and --strict is set; nothing was changed');
    expect(dumpTables(t.dbPath)).toBe(before);
  });
  it('--max-reject-rate', async () => {
    const t = await seed();
    const before = dumpTables(t.dbPath);
    writeFile(t.dir, 'r.csv', 'email\nnew@nasa.gov\nx@gmail.com\ny@gmail.com\n');
    const r = await t.run(['import', 'members', 'r.csv', '--max-reject-rate', '50']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('2 of 3 rows rejected (66.7%), over --max-reject-rate 50; nothing was changed');
    expect(dumpTables(t.dbPath)).toBe(before);
    expect((await t.run(['import', 'members', 'r.csv', '--max-reject-rate', '70'])).code).toBe(3);
  });
  it('--dry-run prints the summary and changes nothing', async () => {
    const t = await seed();
    const before = dumpTables(t.dbPath);
    writeFile(t.dir, 'r.csv', 'email,first name\nnew@nasa.gov,New\nold@nasa.gov,Renamed\n');
    const r = await t.run(['import', 'members', 'r.csv', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('r.csv: 2 rows read: 1 added, 1 updated, 0 unchanged, 0 reactivated, 0 deactivated, 0 rejected\n');
    expect(r.stderr).toContain('dry run: nothing was changed (this would have been batch 2)');
    expect(dumpTables(t.dbPath)).toBe(before);
  });
  it('a missing file and a binary file', async () => {
    const t = await seed();
    const before = dumpTables(t.dbPath);
    expect((await t.run(['import', 'members', 'nope.csv'])).stderr).toBe('aicop: error: nope.csv: no such file\n  check the path (use - to read from standard input)\n');
    const empty = await t.run(['import', 'members', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe('aicop: error: the file name is empty\n  pass the path of a .csv file, or - to read standard input\n');
    writeFile(t.dir, 'book.xlsx', Buffer.from('504b0304140006000800000021000000', 'hex'));
    const r = await t.run(['import', 'members', 'book.xlsx']);
    expect(r.code).toBe(4);
    // A damaged workbook (a ZIP header and nothing more) is read as a workbook and refused.
    expect(r.stderr).toContain('book.xlsx: not a readable Excel workbook');
    expect(dumpTables(t.dbPath)).toBe(before);
  });
  it('--rejects naming the input file or the database is refused before anything is read or written', async () => {
    const t = await seed();
    const roster = 'email\nbad@@nasa.gov\n';
    writeFile(t.dir, 'r.csv', roster);
    const before = dumpTables(t.dbPath);
    const input = await t.run(['import', 'members', 'r.csv', '--rejects', './r.csv']);
    expect(input.code).toBe(2);
    expect(input.stderr).toBe('aicop: error: --rejects ./r.csv is the input file; writing the rejects there would replace it\n  choose another --rejects file\n');
    for (const target of [t.dbPath, `${t.dbPath}-wal`]) {
      const r = await t.run(['import', 'members', 'r.csv', '--rejects', target]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`aicop: error: --rejects ${target} is the database; writing the rejects there would destroy it\n  choose another --rejects file\n`);
    }
    expect(fs.readFileSync(path.join(t.dir, 'r.csv'), 'utf8')).toBe(roster);
    expect(dumpTables(t.dbPath)).toBe(before);
  });
  it('records of empty cells (a spreadsheet\'s trailing ",,,," rows) are blank lines, not rejected rows', async () => {
    const t = await seed();
    writeFile(t.dir, 'r.csv', 'email,first name,last name\r\nnew@nasa.gov,New,One\r\n,,\r\n , ,\r\n,,\r\n');
    const r = await t.run(['import', 'members', 'r.csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('r.csv: 1 row read: 1 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 0 rejected\n');
    expect(fs.existsSync(path.join(t.dir, 'r.rejects.csv'))).toBe(false);
  });
  it('the rejects file neutralises formulas, and an import takes off the mark aicop\'s CSV output puts on them', async () => {
    const t = await seed();
    writeFile(t.dir, 'r.csv', 'email,first name,title\nbad@@nasa.gov,"=HYPERLINK(""http://x"",""y"")",+1\nnew@nasa.gov,New,\'-2+3\n');
    const r = await t.run(['import', 'members', 'r.csv']);
    expect(r.code).toBe(3);
    expect(fs.readFileSync(path.join(t.dir, 'r.rejects.csv'), 'utf8')).toBe(
      'email,first name,title,line,reason,detail\nbad@@nasa.gov,"\'=HYPERLINK(""http://x"",""y"")",\'+1,2,invalid_syntax,bad@@nasa.gov has more than one @ (expected name@agency.gov)\n',
    );
    const db = openDb(t.dbPath);
    try {
      expect(db.prepare("SELECT job_title FROM members WHERE email = 'new@nasa.gov'").pluck().get()).toBe('-2+3');
    } finally {
      db.close();
    }
  });
  it('a header-only file is 0 rows, not an error', async () => {
    const t = await seed();
    writeFile(t.dir, 'h.csv', 'email,first name\n');
    const r = await t.run(['import', 'members', 'h.csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('h.csv: 0 rows read: 0 added');
  });
});

describe('import members: re-import, duplicates, sync', () => {
  const v1 = 'email,first name,last name,title,working groups\nann@nasa.gov,Ann,Lee,,Event Planning\nbob@epa.gov,Bob,,Analyst,\n';
  it('skips a file imported before (same sha256); --force reports unchanged', async () => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', v1);
    expect((await t.run(['import', 'members', 'r.csv'])).code).toBe(0);
    const before = dumpTables(t.dbPath);
    const again = await t.run(['import', 'members', 'r.csv']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('r.csv: already imported as batch 1 on 2026-11-23T12:00:00.000Z (same sha256, same column mapping); nothing to do. Pass --force to import it again.\n');
    expect(dumpTables(t.dbPath)).toBe(before);
    const forced = await t.run(['import', 'members', 'r.csv', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('r.csv: 2 rows read: 0 added, 0 updated, 2 unchanged, 0 reactivated, 0 deactivated, 0 rejected');
    expect(members(t)).toEqual([
      ['ann@nasa.gov', 'Ann', 'Lee', null, 'employee', null, null, '2026-11-23', null, 1, 1],
      ['bob@epa.gov', 'Bob', null, null, 'employee', 'Analyst', null, '2026-11-23', null, 1, 1],
    ]);
  });

  it('imports the same file again when --map changes the effective mapping, and skips it with the same mapping', async () => {
    const t = tempDb();
    writeFile(t.dir, 'r.csv', 'email,first name,nick\nann@nasa.gov,Ann,Annie\n');
    expect((await t.run(['import', 'members', 'r.csv'])).code).toBe(0);
    expect(members(t)).toEqual([['ann@nasa.gov', 'Ann', null, null, 'employee', null, null, '2026-11-23', null, 1, 1]]);
    const corrected = await t.run(['import', 'members', 'r.csv', '--map', 'nick=first_name', '--map', 'first name=ignore']);
    expect(corrected.code).toBe(0);
    expect(corrected.stderr).toContain('r.csv: 1 row read: 0 added, 1 updated');
    expect(members(t)).toEqual([['ann@nasa.gov', 'Annie', null, null, 'employee', null, null, '2026-11-23', null, 1, 2]]);
    const same = await t.run(['import', 'members', 'r.csv', '--map', 'first name=ignore', '--map', 'NICK=first_name']);
    expect(same.stderr).toContain('already imported as batch 2');
    const mapping = openDb(t.dbPath).prepare("SELECT json_extract(options, '$.mapping') AS m FROM import_batches WHERE id = 2").get() as { m: string };
    expect(JSON.parse(mapping.m)).toEqual({ email: 'email', first_name: 'nick' });
  });

  it('--on-duplicate update, fill and skip', async () => {
    const incoming = 'email,first name,last name,title,working groups\nann@nasa.gov,Annie,Lee-Smith,Lead,Tools and Resources\nbob@epa.gov,Robert,Jones,,\n';
    const results: Record<string, unknown[]> = {};
    for (const mode of ['update', 'fill', 'skip']) {
      const t = tempDb();
      writeFile(t.dir, 'v1.csv', v1);
      writeFile(t.dir, 'v2.csv', incoming);
      await t.run(['import', 'members', 'v1.csv']);
      const r = await t.run(['import', 'members', 'v2.csv', '--on-duplicate', mode]);
      expect(r.code).toBe(0);
      results[mode] = [members(t), assignments(t)];
    }
    expect(results.update).toEqual([
      [
        ['ann@nasa.gov', 'Annie', 'Lee-Smith', null, 'employee', 'Lead', null, '2026-11-23', null, 1, 2],
        ['bob@epa.gov', 'Robert', 'Jones', null, 'employee', 'Analyst', null, '2026-11-23', null, 1, 2],
      ],
      [
        ['ann@nasa.gov', 'Event Planning', '2026-11-23', '2026-11-23', 'import', 1, 2],
        ['ann@nasa.gov', 'Tools and Resources', '2026-11-23', null, 'import', 2, null],
      ],
    ]);
    expect(results.fill).toEqual([
      [
        ['ann@nasa.gov', 'Ann', 'Lee', null, 'employee', 'Lead', null, '2026-11-23', null, 1, 2],
        ['bob@epa.gov', 'Bob', 'Jones', null, 'employee', 'Analyst', null, '2026-11-23', null, 1, 2],
      ],
      [['ann@nasa.gov', 'Event Planning', '2026-11-23', null, 'import', 1, null]],
    ]);
    expect(results.skip).toEqual([
      [
        ['ann@nasa.gov', 'Ann', 'Lee', null, 'employee', null, null, '2026-11-23', null, 1, 1],
        ['bob@epa.gov', 'Bob', null, null, 'employee', 'Analyst', null, '2026-11-23', null, 1, 1],
      ],
      [['ann@nasa.gov', 'Event Planning', '2026-11-23', null, 'import', 1, null]],
    ]);
  });

  it('a group written in the other kind\'s column is filed by its own kind, and leaves the other kind alone', async () => {
    const t = tempDb();
    writeFile(t.dir, 'v1.csv', 'email,working groups,practice areas\nann@nasa.gov,Event Planning,Computer Vision\n');
    writeFile(t.dir, 'v2.csv', 'email,working groups\nann@nasa.gov,Generative AI\n');
    writeFile(t.dir, 'v3.csv', 'email,practice areas\nann@nasa.gov,Community Outreach;AI Security\n');
    await t.run(['import', 'members', 'v1.csv']);
    const r2 = await t.run(['import', 'members', 'v2.csv']);
    expect(r2.stderr).toContain('v2.csv: 1 row read: 0 added, 1 updated, 0 unchanged');
    // Generative AI is a practice area: it replaces Computer Vision; Event Planning stays.
    expect(assignments(t)).toEqual([
      ['ann@nasa.gov', 'Computer Vision', '2026-11-23', '2026-11-23', 'import', 1, 2],
      ['ann@nasa.gov', 'Event Planning', '2026-11-23', null, 'import', 1, null],
      ['ann@nasa.gov', 'Generative AI', '2026-11-23', null, 'import', 2, null],
    ]);
    await t.run(['import', 'members', 'v3.csv']);
    expect(assignments(t)).toEqual([
      ['ann@nasa.gov', 'AI Security', '2026-11-23', null, 'import', 3, null],
      ['ann@nasa.gov', 'Community Outreach', '2026-11-23', null, 'import', 3, null],
      ['ann@nasa.gov', 'Computer Vision', '2026-11-23', '2026-11-23', 'import', 1, 2],
      ['ann@nasa.gov', 'Event Planning', '2026-11-23', '2026-11-23', 'import', 1, 3],
      ['ann@nasa.gov', 'Generative AI', '2026-11-23', '2026-11-23', 'import', 2, 3],
    ]);
  });

  it('an import fills a group past its capacity but warns, once per group it assigned to', async () => {
    const t = tempDb();
    expect((await t.run(['groups', 'add', 'Tiny', '--kind', 'working_group', '--capacity', '1'])).code).toBe(0);
    writeFile(t.dir, 'r1.csv', 'email,working groups\nann@nasa.gov,Tiny\nbob@nasa.gov,tiny;Event Planning\n');
    writeFile(t.dir, 'r2.csv', 'email,working groups\ncat@nasa.gov,Event Planning\n');
    const r1 = await t.run(['import', 'members', 'r1.csv']);
    expect(r1.code).toBe(0);
    expect(r1.stderr).toContain(
      'warning: Tiny now has 2 members, over its capacity of 1 (an import does not refuse a full group; see: aicop groups members "Tiny")\n',
    );
    expect(assignments(t).filter((a) => (a as unknown[])[1] === 'Tiny')).toHaveLength(2);
    const r2 = await t.run(['import', 'members', 'r2.csv']);
    expect(r2.code).toBe(0);
    expect(r2.stderr).not.toContain('capacity');
  });

  it('--sync deactivates absent members (over --max-deactivate 20: exit 4, and --yes does not lift it) and a returning member is reactivated', async () => {
    const t = tempDb();
    const emails = Array.from({ length: 10 }, (_, i) => `m${i}@nasa.gov`);
    writeFile(t.dir, 'all.csv', `email\n${emails.join('\n')}\n`);
    expect((await t.run(['import', 'members', 'all.csv'])).code).toBe(0);
    writeFile(t.dir, 'nine.csv', `email\n${emails.slice(0, 8).join('\n')}\n`);
    const before = dumpTables(t.dbPath);
    // 2 of 10 = 20%: allowed without --yes
    writeFile(t.dir, 'seven.csv', `email\n${emails.slice(0, 7).join('\n')}\n`);
    const refused = await t.run(['import', 'members', 'seven.csv', '--sync']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toBe(
      'aicop: error: --sync would deactivate 3 of 10 active members (30.0%, over --max-deactivate 20); nothing was changed\n' +
        '  check that seven.csv is the complete roster; if it is, pass --max-deactivate 30\n',
    );
    expect(dumpTables(t.dbPath)).toBe(before);
    const r = await t.run(['import', 'members', 'nine.csv', '--sync']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('8 rows read: 0 added, 0 updated, 8 unchanged, 0 reactivated, 2 deactivated, 0 rejected');
    expect(members(t).filter((m) => (m as unknown[])[8] !== null)).toEqual([
      ['m8@nasa.gov', null, null, null, 'employee', null, null, '2026-11-23', '2026-11-23', 1, 2],
      ['m9@nasa.gov', null, null, null, 'employee', null, null, '2026-11-23', '2026-11-23', 1, 2],
    ]);
    const seven = dumpTables(t.dbPath);
    // 1 of 8 (12.5%) over --max-deactivate 10: --yes answers prompts, it does not lift the limit.
    const yes = await t.run(['--yes', 'import', 'members', 'seven.csv', '--sync', '--max-deactivate', '10']);
    expect(yes.code).toBe(4);
    expect(dumpTables(t.dbPath)).toBe(seven);
    const raised = await t.run(['--yes', 'import', 'members', 'seven.csv', '--sync', '--max-deactivate', '12.5']);
    expect(raised.code).toBe(0);
    expect(raised.stderr).toContain('1 deactivated');
    writeFile(t.dir, 'back.csv', 'email\nm9@nasa.gov\n');
    const back = await t.run(['import', 'members', 'back.csv']);
    expect(back.stderr).toContain('1 rows read: 0 added, 0 updated, 0 unchanged, 1 reactivated'.replace('1 rows', '1 row'));
    expect(members(t).find((m) => (m as unknown[])[0] === 'm9@nasa.gov')).toEqual(['m9@nasa.gov', null, null, null, 'employee', null, null, '2026-11-23', null, 1, 4]);
  });

  it('the sync guard asks on a terminal', async () => {
    const t = tempDb();
    writeFile(t.dir, 'all.csv', 'email\na@nasa.gov\nb@nasa.gov\n');
    await t.run(['import', 'members', 'all.csv']);
    writeFile(t.dir, 'one.csv', 'email\na@nasa.gov\n');
    const r = await t.run(['import', 'members', 'one.csv', '--sync'], { tty: true, answers: [true] });
    expect(r.code).toBe(0);
    expect(r.asked).toEqual([{ kind: 'confirm', message: '--sync would deactivate 1 of 2 active members (50.0%, over --max-deactivate 20). Continue?' }]);
  });
});

describe('import members: stdin and interactive mapping', () => {
  it('reads stdin (no rejects file unless given)', async () => {
    const t = tempDb();
    const r = await t.run(['import', 'members', '-'], { stdin: 'email;first name\na@nasa.gov;A\nb@gmail.com;B\n' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('stdin: 2 rows read: 1 added');
    expect(fs.readdirSync(t.dir).filter((f) => f.endsWith('.csv'))).toEqual([]);
    const r2 = await t.run(['import', 'members', '-', '--rejects', 'out.csv', '--force'], { stdin: 'email;first name\na@nasa.gov;A\nb@gmail.com;B\n' });
    expect(r2.code).toBe(3);
    expect(fs.readFileSync(path.join(t.dir, 'out.csv'), 'utf8')).toBe(
      'email,first name,line,reason,detail\nb@gmail.com,B,3,ineligible_domain,"domain gmail.com is not eligible (.gov/.mil only; a typo? for an exception for this one person: aicop domains allow b@gmail.com --reason ""<who they are and why they are eligible>"")"\n',
    );
  });

  it('asks what unknown columns hold on a terminal and saves the mapping', async () => {
    const t = tempDb();
    writeFile(t.dir, 'fr.csv', 'Courriel,Nom,Prénom\njean@nasa.gov,Dupont,Jean\n');
    const r = await t.run(['import', 'members', 'fr.csv'], { tty: true, answers: ['email', 'last_name', 'first_name', true] });
    expect(r.code).toBe(0);
    expect(r.asked.map((a) => a.message)).toEqual([
      'column "Courriel" (e.g. "jean@nasa.gov")',
      'column "Nom" (e.g. "Dupont")',
      'column "Prénom" (e.g. "Jean")',
      `save this mapping to ${path.join(t.dir, 'fr.mapping.json')}?`,
    ]);
    expect(JSON.parse(fs.readFileSync(path.join(t.dir, 'fr.mapping.json'), 'utf8'))).toEqual({ Courriel: 'email', Nom: 'last_name', Prénom: 'first_name' });
    expect(members(t)).toEqual([['jean@nasa.gov', 'Jean', 'Dupont', null, 'employee', null, null, '2026-11-23', null, 1, 1]]);
    writeFile(t.dir, 'fr2.csv', 'Courriel,Nom,Prénom\nmarie@nasa.gov,Curie,Marie\n');
    expect((await t.run(['import', 'members', 'fr2.csv', '--mapping', 'fr.mapping.json'])).code).toBe(0);
  });
});

describe('import members: unknown columns', () => {
  const FORM = [
    'E-mail Address,Agency/Organization,Practice Area Interests,Overall satisfaction (1-5),How likely to recommend (0-10)',
    'avery.quinn@nasa.gov,NASA,Generative AI,5,9',
    'blake.ortiz@epa.gov,EPA,Computer Vision,4,7',
    'casey.rowe@army.mil,Army,AI Security,2,3',
    'dana.park@gsa.gov,GSA,Generative AI,5,10',
    '',
  ].join('\n');

  it('warn even with -q (exit 0), and with --strict are exit 4 with nothing changed', async () => {
    const t = tempDb();
    expect((await t.run(['init'])).code).toBe(0);
    const file = writeFile(t.dir, 'form.csv', FORM);
    const before = dumpTables(t.dbPath);
    const strict = await t.run(['-q', 'import', 'members', file, '--strict']);
    expect(strict.code).toBe(4);
    // Agency/Organization and Practice Area Interests are made of aliases of one field each.
    expect(strict.stderr).toContain('form.csv: unknown columns "Overall satisfaction (1-5)", "How likely to recommend (0-10)" and --strict is set; nothing was changed');
    expect(dumpTables(t.dbPath)).toBe(before);
    const quiet = await t.run(['-q', 'import', 'members', file]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe(
      'warning: ' + file + ': ignoring unknown columns "Overall satisfaction (1-5)", "How likely to recommend (0-10)" (map each with --map "Overall satisfaction (1-5)=<field>", or leave it out with --map "Overall satisfaction (1-5)=ignore")\n',
    );
    const mapped = await t.run(['-q', 'import', 'members', file, '--strict', '--force', '--map', 'Overall satisfaction (1-5)=ignore', '--map', 'How likely to recommend (0-10)=ignore']);
    expect(mapped.code).toBe(0);
    expect(mapped.stderr).toBe('');
  });

  it('on a terminal, asks about each with three sample values and a guess preselected, refuses a field taken twice, then saves', async () => {
    const t = tempDb();
    writeFile(t.dir, 'f.csv', 'Email,Organisation Name,Interest Areas,Score,Notes\nann@nasa.gov,NASA,Generative AI,5,a\nbob@epa.gov,EPA,Computer Vision,4,b\ncy@gsa.gov,GSA,AI Security,3,c\ndee@gsa.gov,GSA,Generative AI,2,d\n');
    // Organisation Name: take the guess; Interest Areas: first "email" (taken: refused), then practice_areas;
    // Score and Notes: ignore; save: yes.
    const r = await t.run(['import', 'members', 'f.csv'], { tty: true, answers: [undefined, 'email', 'practice_areas', 'ignore', undefined, true] });
    expect(r.code).toBe(0);
    expect(r.asked.map((a) => [a.message, a.default])).toEqual([
      ['column "Organisation Name" (e.g. "NASA", "EPA", "GSA")', 'agency'],
      ['column "Interest Areas" (e.g. "Generative AI", "Computer Vision", "AI Security")', 'practice_areas'],
      ['column "Interest Areas" (e.g. "Generative AI", "Computer Vision", "AI Security")', 'practice_areas'],
      ['column "Score" (e.g. "5", "4", "3")', 'ignore'],
      ['column "Notes" (e.g. "a", "b", "c")', 'ignore'],
      [`save this mapping to ${path.join(t.dir, 'f.mapping.json')}?`, undefined],
    ]);
    expect(r.stderr).toContain('column "Email" already holds email: choose another field for "Interest Areas", or ignore');
    expect(JSON.parse(fs.readFileSync(path.join(t.dir, 'f.mapping.json'), 'utf8'))).toEqual({ 'Organisation Name': 'agency', 'Interest Areas': 'practice_areas', Score: 'ignore', Notes: 'ignore' });
    expect(members(t).map((m) => (m as unknown[]).slice(0, 4))).toEqual([
      ['ann@nasa.gov', null, null, 'NASA'],
      ['bob@epa.gov', null, null, 'EPA'],
      ['cy@gsa.gov', null, null, 'GSA'],
      ['dee@gsa.gov', null, null, 'GSA'],
    ]);
  });
});

describe('import members: a large roster', () => {
  it('a big file next to existing members: exact counts across the bulk writes (71,015 rows)', async () => {
    const t = tempDb();
    const old = ['email,first name'];
    for (let j = 0; j < 1000; j++) old.push(`old${j}@nasa.gov,Old`);
    writeFile(t.dir, 'old.csv', `${old.join('\n')}\n`);
    expect((await t.run(['import', 'members', 'old.csv'])).code).toBe(0);
    const rows = ['email,first name'];
    for (let i = 0; i < 70_000; i++) rows.push(`u${i}@nasa.gov,New`);
    for (let j = 0; j < 1000; j++) rows.push(`OLD${j}@nasa.gov,Changed`);
    // Repeats, after the new members were written (in batches of 16,384): of new and of existing members.
    for (let i = 0; i < 10; i++) rows.push(`u${i}@nasa.gov,Again`);
    for (let j = 0; j < 5; j++) rows.push(`old${j}@nasa.gov,Again`);
    writeFile(t.dir, 'big.csv', `${rows.join('\n')}\n`);
    const r = await t.run(['import', 'members', 'big.csv']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('big.csv: 71015 rows read: 70000 added, 1000 updated, 0 unchanged, 0 reactivated, 0 deactivated, 15 rejected');
    expect(r.stderr).toContain('rejected by reason: duplicate_in_file 15');
    const db = openDb(t.dbPath);
    try {
      expect(db.prepare('SELECT first_name, count(*) FROM members GROUP BY first_name ORDER BY first_name').raw().all()).toEqual([
        ['Changed', 1000],
        ['New', 70000],
      ]);
      expect(db.prepare("SELECT min(id), max(id) FROM members WHERE first_name = 'New'").raw().get()).toEqual([1001, 71000]);
    } finally {
      db.close();
    }
  }, 60_000);

  it('--sync deactivates absent members past one slice of 4,096 (5,000 of 6,000), the last one included', async () => {
    const t = tempDb();
    const all = ['email,first name'];
    for (let j = 0; j < 6000; j++) all.push(`m${j}@nasa.gov,M`);
    writeFile(t.dir, 'all.csv', `${all.join('\n')}\n`);
    expect((await t.run(['import', 'members', 'all.csv'])).code).toBe(0);
    writeFile(t.dir, 'few.csv', `${all.slice(0, 1001).join('\n')}\n`);
    const r = await t.run(['--yes', 'import', 'members', 'few.csv', '--sync', '--max-deactivate', '100']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('few.csv: 1000 rows read: 0 added, 0 updated, 1000 unchanged, 0 reactivated, 5000 deactivated, 0 rejected');
    const db = openDb(t.dbPath);
    try {
      expect(db.prepare('SELECT left_on IS NULL, count(*), min(id), max(id) FROM members GROUP BY 1 ORDER BY 1').raw().all()).toEqual([
        [0, 5000, 1001, 6000],
        [1, 1000, 1, 1000],
      ]);
      expect(db.prepare("SELECT count(*) FROM member_spans WHERE ends = 'left'").pluck().get()).toBe(5000);
    } finally {
      db.close();
    }
  }, 60_000);

  it('writes every added member’s assignments, across the batched writes (40,000 rows, 70,000 assignments)', async () => {
    const t = tempDb();
    const lines = ['email,working groups,practice areas,joined'];
    for (let i = 0; i < 40_000; i++) {
      const wg = i % 4 === 0 ? '' : 'Event Planning';
      const pa = i % 8 === 0 ? 'Generative AI;AI Security' : i % 8 === 1 ? '' : 'Generative AI';
      lines.push(`u${i}@nasa.gov,${wg},${pa},2024-0${1 + (i % 9)}-15`);
    }
    writeFile(t.dir, 'big.csv', `${lines.join('\n')}\n`);
    // Members already there keep their row-by-row rollup upkeep next to the bulk one.
    writeFile(t.dir, 'first.csv', 'email,working groups,joined\nold1@nasa.gov,Event Planning,2020-10-01\nold2@nasa.gov,,2021-09-30\n');
    expect((await t.run(['import', 'members', 'first.csv'])).code).toBe(0);
    const r = await t.run(['import', 'members', 'big.csv']);
    expect(r.code, r.stderr).toBe(0);
    const db = openDb(t.dbPath);
    try {
      // Event Planning: 3 of 4 rows; practice areas: 2 for i%8=0, none for i%8=1, else 1.
      const byGroup = db
        .prepare('SELECT g.name, count(*) AS n FROM assignments a JOIN groups g ON g.id = a.group_id GROUP BY g.name ORDER BY g.name')
        .raw()
        .all();
      expect(byGroup).toEqual([['AI Security', 5000], ['Event Planning', 30001], ['Generative AI', 35000]]);
      // Each assignment starts on its member's join date, belongs to batch 1 and is open.
      const odd = db
        .prepare("SELECT count(*) FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.assigned_on <> m.joined_on OR a.batch_id IS NOT m.created_batch OR a.removed_on IS NOT NULL OR a.source <> 'import'")
        .pluck()
        .get();
      expect(odd).toBe(0);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      // The import added these rows to the report rollups in bulk (migration 011): the rollups
      // hold exactly what their definition computes, and no marker is left behind.
      for (const [table, select] of Object.entries(ROLLUP_CONTENTS)) {
        const sorted = (sql: string) => (db.prepare(sql).raw().all() as unknown[][]).map((row) => JSON.stringify(row)).sort();
        expect(sorted(`SELECT * FROM ${table}`), table).toEqual(sorted(select));
      }
      expect(db.prepare("SELECT count(*) FROM meta WHERE key LIKE 'bulk:%'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  }, 60_000);
});
