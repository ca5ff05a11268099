import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openCsv as openCsvInThread, type CsvFile, type CsvRecord } from '../src/csv/read.js';
import { packRecords, unpackRecords } from '../src/csv/threaded.js';
import { ROOT, tempDir, BIN } from './helpers.js';
import { spawnSync } from 'node:child_process';

// With AICOP_PARSE_THREAD=1, files from 1 MB are parsed on a worker thread, which exists only in
// the compiled build (the sources run in-thread): the build's reader is compared with the
// sources' on the same files.
process.env['AICOP_PARSE_THREAD'] = '1';
type OpenCsv = typeof openCsvInThread;
const built = (await import(pathToFileURL(path.join(ROOT, 'dist', 'csv', 'read.js')).href)) as { openCsv: OpenCsv };
const threadedScript = path.join(ROOT, 'dist', 'csv', 'parse-worker.js');
const { parseThreads } = (await import(pathToFileURL(path.join(ROOT, 'dist', 'csv', 'threaded.js')).href)) as { parseThreads: { started: number } };

async function all(csv: CsvFile): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const chunk of csv.records()) out.push(...chunk);
  csv.close();
  return out;
}

/** A >1 MB roster with every shape the parser must keep: quotes, line breaks in fields, CRLF/CR/LF, bad quoting, accents. */
function trickyCsv(rows: number, eol = '\n'): string {
  const lines = ['email,first_name,last_name,title,notes'];
  for (let i = 0; i < rows; i++) {
    const k = i % 7;
    if (k === 0) lines.push(`p${i}@gsa.gov,"Ann ""AJ""",Doe,"Analyst, Senior","line one${eol}line two"`);
    else if (k === 1) lines.push(`p${i}@nasa.gov,René,Ørsted,Engineer,"crlf\r\ninside"`);
    else if (k === 2) lines.push(`p${i}@ssa.gov,"3" ",Bad,Quote,x`);
    else if (k === 3) lines.push(`p${i}@va.gov,Jane "JJ",Roe,32" monitor,`);
    else if (k === 4) lines.push(`p${i}@dhs.gov,,,,`);
    else if (k === 5) lines.push(`p${i}@doe.gov,Only,Three`);
    else lines.push(`p${i}@epa.gov,Plain,Row,Title,"${'x'.repeat(i % 200)}"`);
  }
  return `${lines.join(eol)}${eol}`;
}

describe('CSV parse on a worker thread', () => {
  it('packs and unpacks records exactly, bad quoting and empty fields included', () => {
    const records: CsvRecord[] = [
      { line: 2, end: 2, fields: ['a', '', 'ünï', ''] },
      { line: 3, end: 5, fields: ['x\ny\r\nz'] },
      { line: 6, end: 6, fields: ['3 ', 'b'], badQuoting: 'malformed quotes in column 1' },
      { line: 7, end: 7, fields: [] },
    ];
    expect(unpackRecords(packRecords(records))).toEqual(records);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('gives the same records, lines and rejects as the single-thread reader (%s, 1.3 MB)', async (_name, eol) => {
    expect(fs.existsSync(threadedScript)).toBe(true);
    const dir = tempDir();
    const file = path.join(dir, 'big.csv');
    fs.writeFileSync(file, trickyCsv(20_000, eol));
    expect(fs.statSync(file).size).toBeGreaterThan(1024 * 1024);
    const a = await all(await openCsvInThread({ file, cwd: dir }));
    const started = parseThreads.started;
    const b = await all(await built.openCsv({ file, cwd: dir }));
    expect(parseThreads.started).toBe(started + 1);
    expect(a.length).toBe(20_000);
    expect(b).toEqual(a);
    expect(b.filter((r) => r.badQuoting !== undefined).length).toBe(Math.ceil((20_000 - 2) / 7));
    expect(b[20_000 - 1]?.line).toBe(a[20_000 - 1]?.line);
  });

  it('decodes Windows-1252 and UTF-16 on the thread as in-thread', async () => {
    const dir = tempDir();
    const text = trickyCsv(12_000);
    const cp = path.join(dir, 'cp1252.csv');
    fs.writeFileSync(cp, Buffer.from(text.replace(/Ø/g, 'O'), 'latin1'));
    const u16 = path.join(dir, 'utf16.csv');
    fs.writeFileSync(u16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    for (const file of [cp, u16]) {
      const a = await all(await openCsvInThread({ file, cwd: dir }));
      const b = await all(await built.openCsv({ file, cwd: dir }));
      expect(b).toEqual(a);
      expect(b[1]?.fields[1]).toBe('René');
    }
  });

  it('reports a quote never closed deep in a big file with its line, as in-thread', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'open.csv');
    fs.writeFileSync(file, `${trickyCsv(15_000)}p@x.gov,"never closed,a,b,c\nmore,1,2,3,4\n`);
    const fail = async (open: OpenCsv): Promise<string> => {
      try {
        await all(await open({ file, cwd: dir }));
        return 'no error';
      } catch (err) {
        return (err as Error).message;
      }
    };
    const inThread = await fail(openCsvInThread);
    expect(inThread).toMatch(/open\.csv:\d+: a quoted field in the record on line \d+ is never closed/);
    expect(await fail(built.openCsv)).toBe(inThread);
  });

  it('imports a big roster through bin/ with the same result as the single-thread parse', () => {
    const dir = tempDir();
    const file = path.join(dir, 'roster.csv');
    const rows = ['email,first_name,last_name,agency,type,working_groups'];
    for (let i = 0; i < 20_000; i++) rows.push(`m${i}@gsa.gov,"First ""${i}""",Last${i},GSA,${i % 3 === 0 ? 'contractor' : 'employee'},${i % 5 === 0 ? 'Event Planning' : ''}`);
    rows.push('bad@gsa.gov,"3" ",x,GSA,employee,');
    fs.writeFileSync(file, `${rows.join('\n')}\n`);
    expect(fs.statSync(file).size).toBeGreaterThan(1024 * 1024);
    const outputs = ['1', '0'].map((thread) => {
      const db = path.join(dir, `t${thread}.db`);
      const env = { ...process.env, AICOP_PARSE_THREAD: thread, AICOP_NOW: '2026-11-23' };
      expect(spawnSync(process.execPath, [BIN, '--db', db, '-q', 'init'], { env }).status).toBe(0);
      const r = spawnSync(process.execPath, [BIN, '--db', db, 'import', 'members', file, '--rejects', path.join(dir, `rej${thread}.csv`)], { env, encoding: 'utf8' });
      expect(r.status).toBe(3);
      return { out: (r.stdout + r.stderr).replace(/ in [\d.]+s/g, '').replace(/rej[01]\.csv/g, 'rej.csv'), rejects: fs.readFileSync(path.join(dir, `rej${thread}.csv`), 'utf8') };
    });
    expect(outputs[0]).toEqual(outputs[1]);
    expect(outputs[0]?.out).toMatch(/20000 added/);
    expect(outputs[0]?.rejects).toContain('20002,bad_quoting');
  });
});
