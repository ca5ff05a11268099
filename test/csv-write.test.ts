import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { CsvWriter, isFormulaLike, neutraliseFormula, toCsv, type CsvColumn } from '../src/csv/write.js';

interface Row {
  readonly name: string | null;
  readonly n: number | string | null;
}
const COLS: readonly CsvColumn<Row>[] = [
  { header: 'name', value: (r) => r.name },
  { header: 'n', value: (r) => r.n, numeric: true },
];

describe('formula neutralisation', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ['@SUM(1+1)', "'@SUM(1+1)"],
    ['-2+3', "'-2+3"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['＝1+1', "'＝1+1"],
    ['＋1', "'＋1"],
    ['－1', "'－1"],
    ['＠A1', "'＠A1"],
    ['Ada Lovelace', 'Ada Lovelace'],
    ['a=b', 'a=b'],
    [' =1', ' =1'],
    ["'=1", "'=1"],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(neutraliseFormula(input)).toBe(expected);
    expect(isFormulaLike(input)).toBe(input !== expected);
  });
});

describe('toCsv', () => {
  it('writes a header, quotes only when needed, LF endings, neutralises text but not numeric columns', () => {
    const rows: Row[] = [
      { name: '=1+1', n: -3 },
      { name: 'Smith, Jo "JJ"', n: '-4' },
      { name: 'two\nlines', n: null },
      { name: null, n: 0 },
    ];
    expect(toCsv(rows, COLS)).toBe(`name,n\n'=1+1,-3\n"Smith, Jo ""JJ""",-4\n"two\nlines",\n,0\n`);
  });

  it('raw leaves formulas alone; bom prefixes U+FEFF; eol CRLF is honoured', () => {
    const rows: Row[] = [{ name: '@x', n: 1 }];
    expect(toCsv(rows, COLS, { raw: true })).toBe('name,n\n@x,1\n');
    expect(toCsv(rows, COLS, { bom: true })).toBe("\uFEFFname,n\n'@x,1\n");
    expect(toCsv(rows, COLS, { eol: '\r\n' })).toBe("name,n\r\n'@x,1\r\n");
    expect(toCsv(rows, COLS, { header: false })).toBe("'@x,1\n");
  });

  it('a cell holding a lone CR is quoted so it reads back as one record', () => {
    expect(toCsv([{ name: 'a\rb', n: 1 }], COLS)).toBe('name,n\n"a\rb",1\n');
  });

  it('an empty export is the header alone (stable header)', () => {
    expect(toCsv([], COLS)).toBe('name,n\n');
    expect(toCsv([], COLS, { bom: true })).toBe('\uFEFFname,n\n');
  });

  it('streams in batches: 2,500 rows arrive in 4 chunks (header + 3 batches), same text as one string', () => {
    const chunks: string[] = [];
    const w = new CsvWriter(COLS, {}, (s) => chunks.push(s));
    const rows = Array.from({ length: 2500 }, (_, i) => ({ name: `m${i}`, n: i }));
    for (const r of rows) w.row(r);
    expect(w.end()).toBe(2500);
    expect(chunks.length).toBe(4);
    expect(chunks.join('')).toBe(toCsv(rows, COLS));
  });

  it('round-trips any text through csv-parse (raw), and neutralised cells never start with a formula character', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 }), (names) => {
        const rows = names.map((name) => ({ name, n: 1 }));
        const back = parse(toCsv(rows, COLS, { raw: true }), { columns: true, relax_column_count: false }) as { name: string }[];
        expect(back.map((r) => r.name)).toEqual(names);
        const safe = parse(toCsv(rows, COLS), { columns: true }) as { name: string }[];
        for (const r of safe) expect(isFormulaLike(r.name)).toBe(false);
      }),
    );
  });
});
