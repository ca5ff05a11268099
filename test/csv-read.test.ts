import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { openCsv, type CsvRecord } from '../src/csv/read.js';
import { RecordReader } from '../src/csv/records.js';
import { sniffDelimiter } from '../src/csv/sniff.js';
import { tempDir, writeFile } from './helpers.js';

async function readAll(content: string | Buffer, opts: { encoding?: string; delimiter?: string } = {}) {
  const dir = tempDir();
  const file = writeFile(dir, 'in.csv', content);
  const csv = await openCsv({ file, cwd: dir }, opts);
  const rows: { line: number; fields: string[] }[] = [];
  for await (const chunk of csv.records()) rows.push(...chunk.map(({ line, fields }) => ({ line, fields })));
  csv.close();
  return { csv, rows };
}

const lines = (records: readonly CsvRecord[]) => records.map((r) => ({ line: r.line, fields: r.fields, ...(r.badQuoting ? { bad: true } : {}) }));

describe('RecordReader (csv-parse)', () => {
  it('handles CR, LF, CRLF, quotes, doubled quotes and embedded newlines with physical line numbers', () => {
    const p = new RecordReader(',');
    const out = [...p.push(Buffer.from('a,b\r\n"x\ny",2\r"q""r",3\n\nlast,\r\n"m\r\nn\r\no",4\nz,5')), ...p.end()];
    expect(lines(out)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x\ny', '2'] },
      { line: 4, fields: ['q"r', '3'] },
      { line: 6, fields: ['last', ''] },
      { line: 7, fields: ['m\r\nn\r\no', '4'] },
      { line: 10, fields: ['z', '5'] },
    ]);
  });

  it('gives the same records whatever the chunking', () => {
    const text = 'h1,h2\r\n"a\r\nb",c\r\n"d""",e\nf,"g"\r\n"3" ",x\nlast,"é"\n';
    const p1 = new RecordReader(',');
    const whole = [...p1.push(Buffer.from(text)), ...p1.end()];
    expect(whole).toHaveLength(6);
    const bytes = Buffer.from(text);
    for (let size = 1; size < 6; size++) {
      const p = new RecordReader(',');
      const out: CsvRecord[] = [];
      for (let i = 0; i < bytes.length; i += size) out.push(...p.push(bytes.subarray(i, i + size)));
      out.push(...p.end());
      expect(out).toEqual(whole);
    }
  });

  it('returns a record with text after a closing quote as bad, with its line, and reads on; keeps a quote inside an unquoted value', () => {
    const p = new RecordReader(',');
    const out = [...p.push(Buffer.from('size,email\n"3" ",a@x.gov\n"32" THICK",b@x.gov\n32" wide,c@x.gov\nok,d@x.gov\n')), ...p.end()];
    expect(lines(out)).toEqual([
      { line: 1, fields: ['size', 'email'] },
      { line: 2, fields: ['3" ', 'a@x.gov'], bad: true },
      { line: 3, fields: ['32" THICK', 'b@x.gov'], bad: true },
      { line: 4, fields: ['32" wide', 'c@x.gov'] },
      { line: 5, fields: ['ok', 'd@x.gov'] },
    ]);
    expect(out[1]?.badQuoting).toMatch(/column 1/);
  });

  it('throws on a quote never closed, naming the line where the record starts', () => {
    const p = new RecordReader(',');
    p.push(Buffer.from('email\na@x.gov\n"b@x.gov\nc@x.gov\n'));
    expect(() => p.end()).toThrow(/line 3 is never closed/);
  });
});

describe('sniffDelimiter', () => {
  it.each([
    ['email,name\na@x.gov,A\n', ','],
    ['email;name\na@x.gov;"A, B"\n', ';'],
    ['email\tname\na@x.gov\tA\n', '\t'],
    ['email|name\na@x.gov|A\n', '|'],
    ['email\na@x.gov\n', ','],
  ])('%j → %j', (text, d) => expect(sniffDelimiter(text)).toBe(d));
});

describe('openCsv', () => {
  const expected = 'José Muñoz – “Lead”';
  it('decodes Windows-1252 exactly', async () => {
    const { csv, rows } = await readAll(iconv.encode(`name,email\n${expected},j@x.gov\n`, 'win1252'));
    expect(csv.encoding).toBe('windows-1252');
    expect(rows).toEqual([{ line: 2, fields: [expected, 'j@x.gov'] }]);
  });
  it.each([
    ['utf-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`name;email\r\n${expected};j@x.gov\r\n`)]), 'utf-8'],
    ['utf-16le BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(`name;email\r\n${expected};j@x.gov\r\n`, 'utf16le')]), 'utf-16le'],
    ['utf-16be BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(`name;email\r\n${expected};j@x.gov\r\n`, 'utf16be')]), 'utf-16be'],
  ])('%s', async (_n, bytes, enc) => {
    const { csv, rows } = await readAll(bytes);
    expect(csv.encoding).toBe(enc);
    expect(csv.delimiter).toBe(';');
    expect(csv.header).toEqual(['name', 'email']);
    expect(rows).toEqual([{ line: 2, fields: [expected, 'j@x.gov'] }]);
  });
  it('honours --encoding and --delimiter', async () => {
    const { csv, rows } = await readAll(Buffer.from('a|b\nc;d|e\n', 'latin1'), { encoding: 'latin1', delimiter: 'pipe' });
    expect(csv.delimiter).toBe('|');
    expect(rows).toEqual([{ line: 2, fields: ['c;d', 'e'] }]);
  });
  it('reads stdin and hashes the raw bytes', async () => {
    const dir = tempDir();
    const csv = await openCsv({ file: '-', cwd: dir, stdin: Readable.from([Buffer.from('email\na@x.gov\n')]) });
    const rows: CsvRecord[] = [];
    for await (const c of csv.records()) rows.push(...c);
    csv.close();
    expect(csv.name).toBe('stdin');
    expect(csv.sha256).toBe(createHash('sha256').update('email\na@x.gov\n').digest('hex'));
    expect(rows).toEqual([{ line: 2, end: 2, fields: ['a@x.gov'] }]);
  });
  it('refuses a missing file, an empty file and a binary file with exit 4 and the name', async () => {
    const dir = tempDir();
    await expect(openCsv({ file: 'nope.csv', cwd: dir })).rejects.toMatchObject({ exitCode: 4, message: 'nope.csv: no such file' });
    writeFile(dir, 'empty.csv', '');
    await expect(openCsv({ file: 'empty.csv', cwd: dir })).rejects.toMatchObject({ exitCode: 4, message: 'empty.csv: no header row (the file is empty)' });
    writeFile(dir, 'book.xlsx', Buffer.from('504b030414000600080000002100', 'hex'));
    await expect(openCsv({ file: 'book.xlsx', cwd: dir })).rejects.toMatchObject({ exitCode: 4 });
  });
});
