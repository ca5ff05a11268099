import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { dumpTables, openDb, spawnAicop, tempDb, writeFile } from './helpers.js';
import { seedFixture } from './report-fixture.js';
import { cellText } from '../src/xlsx/read.js';

const ROSTER = [
  'email,first name,last name,agency,type,title,track,working groups,practice areas,joined',
  'ann@nasa.gov,Ann,Lee,NASA,employee,=cmd(),Technical,Event Planning,Generative AI;AI Security,2022-11-05',
  'bob.ctr@army.mil,Bob,"Ray, Jr.",Army,,-dev,Acquisition,,,1/2/2023',
  'cy@gsa.gov,Cy,Day,"GSA ""FAS""",contractor,@lead,Leadership,Community Outreach|Tools and Resources,Computer Vision,2021-03-04',
  '',
].join('\n');

async function readWorkbook(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

function rowsOf(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow({ includeEmpty: false }, (r) => out.push((r.values as unknown[]).slice(1)));
  return out;
}

/** The sheet XML parts of an .xlsx, to check what was written (no formula element anywhere). */
async function sheetXml(file: string): Promise<string> {
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(fs.readFileSync(file));
  const parts = Object.keys(zip.files).filter((n) => n.startsWith('xl/worksheets/') && n.endsWith('.xml'));
  return (await Promise.all(parts.map((n) => zip.file(n)?.async('string') ?? ''))).join('\n');
}

/** Member fields as CSV without the import timestamps (which differ between two databases). */
async function membersCsv(t: ReturnType<typeof tempDb>): Promise<Record<string, string>[]> {
  const r = await t.run(['export', 'members', '--raw']);
  expect(r.code).toBe(0);
  return (parse(r.stdout, { columns: true }) as Record<string, string>[]).map(({ created_at: _c, updated_at: _u, ...rest }) => rest);
}

describe('xlsx: export members → import members round trip', () => {
  it('keeps every member field; text starting with = - @ is text, never a formula; dates are date cells', async () => {
    const a = tempDb();
    await a.run(['init']);
    writeFile(a.dir, 'roster.csv', ROSTER);
    expect((await a.run(['import', 'members', 'roster.csv'])).code).toBe(0);
    const out = await a.run(['export', 'members', '-o', 'members.xlsx']);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('exported 3 members to members.xlsx\n');
    const file = path.join(a.dir, 'members.xlsx');

    const xml = await sheetXml(file);
    expect(xml).not.toMatch(/<f[ >]/);
    const wb = await readWorkbook(file);
    const ws = wb.getWorksheet('Members');
    expect(ws).toBeDefined();
    expect(ws?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const rows = rowsOf(ws as ExcelJS.Worksheet);
    expect(rows[0]?.slice(0, 5)).toEqual(['email', 'first_name', 'last_name', 'member_type', 'job_title']);
    expect(rows[1]?.[4]).toBe('=cmd()');
    expect(rows[1]?.[13]).toEqual(new Date('2022-11-05T00:00:00Z'));
    expect(ws?.getCell('N2').numFmt).toBe('yyyy-mm-dd');

    const b = tempDb();
    await b.run(['init']);
    fs.copyFileSync(file, path.join(b.dir, 'members.xlsx'));
    const imp = await b.run(['import', 'members', 'members.xlsx']);
    expect(imp.code).toBe(0);
    expect(imp.stderr).toContain('members.xlsx: 3 rows read: 3 added, 0 updated');
    const before = await membersCsv(a);
    expect(before).toHaveLength(3);
    expect(await membersCsv(b)).toEqual(before);
    expect(before.find((m) => m.email === 'cy@gsa.gov')).toMatchObject({ last_name: 'Day', reported_agency: 'GSA "FAS"', member_type: 'contractor', job_title: '@lead', working_groups: 'Community Outreach; Tools and Resources', joined_on: '2021-03-04' });
  });

  it('streams a large export with flat memory (a 20,000-member sheet, rows in order)', async () => {
    const t = tempDb();
    await t.run(['init']);
    const db = openDb(t.dbPath);
    const ins = db.prepare("INSERT INTO members (email, domain, joined_on, created_at, updated_at) VALUES (?, 'big.gov', '2023-01-01', 'x', 'x')");
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) ins.run(`m${String(i).padStart(5, '0')}@big.gov`);
    })();
    db.close();
    expect((await t.run(['export', 'members', '-o', 'big.xlsx'])).code).toBe(0);
    const ws = (await readWorkbook(path.join(t.dir, 'big.xlsx'))).getWorksheet('Members') as ExcelJS.Worksheet;
    expect(ws.rowCount).toBe(20_001);
    expect(ws.getCell('A20001').value).toBe('m19999@big.gov');
  }, 60_000);
});

/** A workbook as staff get them: a title sheet first, formulas, a merged cell, dates, booleans. */
async function messyWorkbook(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Read me').addRow(['This workbook lists the FY 2023 roster']);
  const ws = wb.addWorksheet('Roster');
  ws.addRow([]); // row 1 blank: the header is the first row with a value
  ws.addRow(['Email', 'First Name', 'Last Name', 'Joined', 'Agency']);
  ws.addRow(['ann@nasa.gov', { formula: 'PROPER("ann")', result: 'Ann' }, 'Lee', new Date(Date.UTC(2022, 10, 5)), 'NASA']);
  ws.addRow(['bob@nasa.gov', 'Bob', { richText: [{ text: 'Ra' }, { text: 'y', font: { bold: true } }] }, '1/2/2023', 'NASA']);
  ws.addRow(['cy@nasa.gov', 'Cy', 'Day', null, 'merged value']);
  ws.addRow(['dee@nasa.gov', 'Dee', 'Fox', 44927, null]); // 44927 as a plain number, not a date cell

  ws.mergeCells('E5:E6');
  ws.addRow([{ formula: 'LOWER("EVE@GMAIL.COM")', result: 'eve@gmail.com' }, 'Eve', 'Ng', null, null]);
  ws.addRow(['fay@nasa.gov', 'Fay', 'Po', null, null, 'extra']);
  ws.addRow([null, null, null, null, null]);
  await wb.xlsx.writeFile(file);
}

describe('xlsx: import members from a workbook', () => {
  it('reads formula results, rich text and date cells, the merged value in its first cell, sheet row numbers in rejects', async () => {
    const t = tempDb();
    await t.run(['init']);
    await messyWorkbook(path.join(t.dir, 'roster.xlsx'));
    const r = await t.run(['import', 'members', 'roster.xlsx', '--sheet', 'roster']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('roster.xlsx: 6 rows read: 3 added, 0 updated, 0 unchanged, 0 reactivated, 0 deactivated, 3 rejected');
    const db = openDb(t.dbPath);
    const members = db.prepare('SELECT email, first_name, last_name, joined_on, reported_agency FROM members ORDER BY email').all();
    db.close();
    expect(members).toEqual([
      { email: 'ann@nasa.gov', first_name: 'Ann', last_name: 'Lee', joined_on: '2022-11-05', reported_agency: 'NASA' },
      { email: 'bob@nasa.gov', first_name: 'Bob', last_name: 'Ray', joined_on: '2023-01-02', reported_agency: 'NASA' },
      // The merged E5:E6 value is in its first cell only: Dee (row 6) reads an empty agency.
      { email: 'cy@nasa.gov', first_name: 'Cy', last_name: 'Day', joined_on: '2026-11-23', reported_agency: 'merged value' },
    ]);
    const rejects = parse(fs.readFileSync(path.join(t.dir, 'roster.rejects.csv'), 'utf8'), { relax_column_count: true }) as string[][];
    expect(rejects[0]).toEqual(['Email', 'First Name', 'Last Name', 'Joined', 'Agency', 'line', 'reason', 'detail']);
    expect(rejects.slice(1).map((x) => `${x.at(-3) ?? ''} ${x.at(-2) ?? ''}`)).toEqual(['6 bad_date', '7 ineligible_domain', '8 ragged_row']);
  });

  it('a missing sheet is an input error naming the sheets (exit 4), nothing changed; --sheet with CSV is a usage error', async () => {
    const t = tempDb();
    await t.run(['init']);
    await messyWorkbook(path.join(t.dir, 'roster.xlsx'));
    const before = dumpTables(t.dbPath);
    const r = await t.run(['import', 'members', 'roster.xlsx', '--sheet', 'Members']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('roster.xlsx: no sheet named "Members"');
    expect(r.stderr).toContain('the sheets are: "Read me", "Roster"');
    expect(dumpTables(t.dbPath)).toBe(before);
    writeFile(t.dir, 'r.csv', 'email\na@nasa.gov\n');
    const c = await t.run(['import', 'members', 'r.csv', '--sheet', 'x']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('--sheet applies to Excel workbooks');
    // The first sheet by default: one column of prose, no email column.
    const d = await t.run(['import', 'members', 'roster.xlsx']);
    expect(d.code).toBe(4);
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('cell values read as documented', () => {
    expect(cellText(null)).toBe('');
    expect(cellText(3)).toBe('3');
    expect(cellText(12.5)).toBe('12.5');
    expect(cellText(true)).toBe('yes');
    expect(cellText(new Date('2023-01-02T00:00:00Z'))).toBe('2023-01-02');
    expect(cellText(new Date('2023-01-02T13:45:00Z'))).toBe('2023-01-02 13:45:00');
    expect(cellText({ formula: 'A1+1', result: 4 } as ExcelJS.CellFormulaValue)).toBe('4');
    expect(cellText({ formula: 'A1+1' } as ExcelJS.CellFormulaValue)).toBe('');
    expect(cellText({ error: '#N/A' } as ExcelJS.CellErrorValue)).toBe('#N/A');
    expect(cellText({ text: 'GSA', hyperlink: 'https://gsa.gov' })).toBe('GSA');
  });
});

describe('xlsx: events and attendance', () => {
  it('imports events and attendance workbooks and exports attendance with typed cells', async () => {
    const t = tempDb();
    await t.run(['init']);
    const ev = new ExcelJS.Workbook();
    const es = ev.addWorksheet('Events');
    es.addRow(['id', 'title', 'type', 'held_on', 'government_wide']);
    es.addRow(['2023-01-CM', 'January meeting', 'community_meeting', new Date(Date.UTC(2023, 0, 18)), true]);
    es.addRow(['2023-03-TR', 'Training', 'training', new Date(Date.UTC(2023, 2, 9)), false]);
    await ev.xlsx.writeFile(path.join(t.dir, 'events.xlsx'));
    expect((await t.run(['import', 'events', 'events.xlsx'])).code).toBe(0);
    const at = new ExcelJS.Workbook();
    const as = at.addWorksheet('Sheet1');
    as.addRow(['event_id', 'email', 'attended', 'satisfaction', 'nps']);
    as.addRow(['2023-01-CM', 'ann@gsa.gov', true, 5, 10]);
    as.addRow(['2023-01-CM', 'bob@gsa.gov', 'yes', { formula: '2+2', result: 4 }, null]);
    as.addRow(['2023-03-TR', 'ann@gsa.gov', 'yes', 6, null]);
    await at.xlsx.writeFile(path.join(t.dir, 'att.xlsx'));
    const r = await t.run(['import', 'attendance', 'att.xlsx']);
    expect(r.code).toBe(3);
    expect(fs.readFileSync(path.join(t.dir, 'att.rejects.csv'), 'utf8')).toContain('2023-03-TR,ann@gsa.gov,yes,6,,4,bad_value,');
    const db = openDb(t.dbPath);
    expect(db.prepare('SELECT event_id, email, attended, satisfaction, nps FROM attendance ORDER BY event_id, email').all()).toEqual([
      { event_id: '2023-01-CM', email: 'ann@gsa.gov', attended: 1, satisfaction: 5, nps: 10 },
      { event_id: '2023-01-CM', email: 'bob@gsa.gov', attended: 1, satisfaction: 4, nps: null },
    ]);
    expect(db.prepare('SELECT id, held_on, government_wide FROM events ORDER BY id').all()).toEqual([
      { id: '2023-01-CM', held_on: '2023-01-18', government_wide: 1 },
      { id: '2023-03-TR', held_on: '2023-03-09', government_wide: 0 },
    ]);
    db.close();

    expect((await t.run(['export', 'attendance', '--fy', '2023', '-o', 'out.xlsx'])).code).toBe(0);
    const ws = (await readWorkbook(path.join(t.dir, 'out.xlsx'))).getWorksheet('Attendance') as ExcelJS.Worksheet;
    const rows = rowsOf(ws);
    expect(rows[0]).toEqual(['event_id', 'held_on', 'fiscal_year', 'type', 'title', 'track', 'host', 'government_wide', 'email', 'member', 'registered', 'attended', 'satisfaction', 'nps', 'comment']);
    expect(rows[1]).toEqual(['2023-01-CM', new Date('2023-01-18T00:00:00Z'), 2023, 'community_meeting', 'January meeting', undefined, undefined, 'yes', 'ann@gsa.gov', 'no', 'yes', 'yes', 5, 10]);
  });
});

describe('xlsx: reports', () => {
  it('report annual --compare -o report.xlsx: one sheet per table, numbers and dates typed, totals rows, header frozen', async () => {
    const t = tempDb();
    await t.run(['init']);
    seedFixture(t.dbPath);
    const r = await t.run(['report', 'annual', '--fy', '2023', '--compare', '-o', 'report.xlsx']);
    expect(r.code).toBe(0);
    const file = path.join(t.dir, 'report.xlsx');
    expect(await sheetXml(file)).not.toMatch(/<f[ >]/);
    const wb = await readWorkbook(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Membership', 'Agencies', 'Groups', 'Events', 'Events by type', 'Events by series', 'Events by track', 'Events by quarter', 'Satisfaction scores', 'By quarter', 'Methods']);
    for (const w of wb.worksheets) expect(w.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const events = rowsOf(wb.getWorksheet('Events') as ExcelJS.Worksheet);
    const head = events[0] as string[];
    const col = (name: string) => head.indexOf(name);
    const tr = events.find((x) => x[col('Event id')] === '2023-09-TR') as unknown[];
    expect(tr[col('Held on')]).toEqual(new Date('2023-09-30T00:00:00Z'));
    expect(tr[col('Attendances')]).toBe(2);
    const total = events.find((x) => x[0] === 'total') as unknown[];
    expect(total[col('Unique attendees')]).toBe(4);
    expect(total[col('Unique attendees, FY 2022')]).toBe(1);
    expect(total[col('Unique attendees, change')]).toBe(3);
    // 4 responses (5, 4, 2, 3): CSAT 50.0% as the fraction 0.5 formatted 0.0%.
    expect(total[col('CSAT (top-2-box)')]).toBe(0.5);
    const membership = rowsOf(wb.getWorksheet('Membership') as ExcelJS.Worksheet);
    expect(membership.at(-1)?.slice(0, 4)).toEqual(['total', 2023, 'all', 'all']);
  });

  it('an xlsx report is not printed to a terminal (exit 2)', async () => {
    const t = tempDb();
    await t.run(['init']);
    const r = await t.run(['report', 'events', '--fy', '2023', '--format', 'xlsx'], { tty: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-o report.xlsx');
  });

  it('end to end through bin/: report events --format xlsx to a pipe is a workbook', async () => {
    const t = tempDb();
    await t.run(['init']);
    const r = await spawnAicop(['--db', t.dbPath, 'report', 'events', '--fy', '2023', '--format', 'xlsx', '-o', path.join(t.dir, 'e.xlsx')]);
    expect(r.code).toBe(0);
    const wb = await readWorkbook(path.join(t.dir, 'e.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Events', 'Events by type', 'Events by series', 'Events by track', 'Events by quarter', 'Satisfaction scores', 'Methods']);
  });
});
