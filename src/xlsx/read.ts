import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { CellValue, Row, stream } from 'exceljs';
import { InputError } from '../errors.js';
import type { CsvFile, CsvRecord } from '../csv/read.js';

/**
 * Excel workbooks (.xlsx) as import input, handed to the importers in the shape of a CSV file:
 * a header and then records with their line numbers, here the sheet's row numbers as Excel shows
 * them. exceljs (the project's xlsx library) streams the sheet, so memory does not grow with it.
 *
 * Cell rules (README "Excel workbooks"):
 * - a formula cell reads as the value Excel saved with it (its result); a formula with no saved
 *   result reads as empty;
 * - a date cell reads as `YYYY-MM-DD` (with ` HH:MM:SS` when it has a time of day);
 * - numbers read as written in the cell without formatting (`3`, `12.5`), TRUE/FALSE as yes/no,
 *   rich text as its plain text, a hyperlink as its text, an error cell as its code (`#N/A`);
 * - a merged range's value belongs to its top-left cell and the other cells are empty, which is
 *   what Excel itself writes when it saves the sheet as CSV;
 * - the header is the first row with a non-empty cell; cells right of the header's last column
 *   that hold a value make the row ragged (`ragged_row`), as an extra field does in CSV.
 */

export interface OpenXlsxOptions {
  /** The worksheet to read (its tab name, case-insensitive); default: the first one. */
  readonly sheet?: string | undefined;
}

/** `.xlsx` / `.xlsm` names, or a file starting with the ZIP signature that every .xlsx has. */
export function looksLikeXlsx(file: string): boolean {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return true;
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return false;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(4);
      const n = fs.readSync(fd, head, 0, 4, 0);
      return n === 4 && head.toString('hex') === '504b0304';
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A date cell as text: exceljs gives Excel's zone-less date-time as a UTC Date. */
function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const day = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  // Excel stores times as fractions of a day: a second may come back as 59.999 s.
  const s = Math.round(d.getUTCSeconds() + d.getUTCMilliseconds() / 1000);
  return h === 0 && m === 0 && s === 0 ? day : `${day} ${pad2(h)}:${pad2(m)}:${pad2(Math.min(s, 59))}`;
}

/** The text of one cell, by the rules in the module comment. */
export function cellText(v: CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v instanceof Date) return dateText(v);
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('error' in v) return v.error;
  if ('formula' in v || 'sharedFormula' in v) {
    const result = (v as { result?: unknown }).result;
    if (result === undefined || result === null) return '';
    if (typeof result === 'object' && !(result instanceof Date) && 'error' in result) return String((result as { error: unknown }).error);
    return cellText(result as CellValue);
  }
  if ('text' in v) return typeof v.text === 'string' ? v.text : cellText(v.text as CellValue);
  return '';
}

/** The row's cells as texts, from column A to its last cell. */
function rowFields(row: Row): string[] {
  const values = row.values as readonly (CellValue | undefined)[];
  const out: string[] = [];
  for (let i = 1; i < values.length; i++) out.push(cellText(values[i]));
  return out;
}

const isBlank = (fields: readonly string[]) => fields.every((f) => f.trim() === '');
const CHUNK = 1000;

type SheetReader = stream.xlsx.WorksheetReader & { name?: string };

/**
 * Opens an .xlsx input: hashes the file, finds the sheet and its header row. The same streaming
 * pass then continues in records(), so the workbook is read once after the hash.
 */
export async function openXlsx(file: string, cwd: string, opts: OpenXlsxOptions = {}): Promise<CsvFile> {
  const abs = path.resolve(cwd, file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new InputError(`${file}: no such file`, 'check the path');
  }
  if (st.isDirectory()) throw new InputError(`${file}: is a folder, not a workbook`, 'pass the path of a .xlsx file');
  const hash = createHash('sha256');
  try {
    for await (const chunk of fs.createReadStream(abs)) hash.update(chunk as Buffer);
  } catch (err) {
    throw new InputError(`${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check that it exists and that you may read it');
  }
  const { default: ExcelJS } = await import('exceljs');
  const bad = (err: unknown) =>
    new InputError(`${file}: not a readable Excel workbook (${err instanceof Error ? err.message : String(err)})`, 'open it in Excel and save it again as .xlsx, or save it as CSV UTF-8');
  let sheets: AsyncIterator<SheetReader>;
  let names: string[];
  let sheet: SheetReader | undefined;
  // exceljs's streaming reader sometimes meets a worksheet before it has stored the workbook
  // part it just parsed, and fails with "Cannot read properties of undefined (reading 'sheets')"
  // on a sound workbook (a race inside exceljs, seen in about one run in three on a busy
  // machine): that failure, and only it, reads the file again, up to three times.
  for (let attempt = 1; ; attempt++) {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(abs, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
    sheets = reader[Symbol.asyncIterator]() as AsyncIterator<SheetReader>;
    names = [];
    sheet = undefined;
    try {
      for (;;) {
        const next = await sheets.next();
        if (next.done) break;
        const name = next.value.name ?? `Sheet${names.length + 1}`;
        names.push(name);
        if (opts.sheet === undefined || name.toLowerCase() === opts.sheet.trim().toLowerCase()) {
          sheet = next.value;
          break;
        }
      }
      break;
    } catch (err) {
      const race = err instanceof TypeError && err.message.includes("reading 'sheets'");
      if (!race || attempt >= 3) throw bad(err);
      void sheets.return?.();
    }
  }
  if (!sheet) {
    if (opts.sheet === undefined) throw new InputError(`${file}: the workbook has no worksheet`, 'add the rows to a sheet, or import a CSV file');
    throw new InputError(`${file}: no sheet named ${JSON.stringify(opts.sheet)}`, `the sheets are: ${names.map((n) => JSON.stringify(n)).join(', ')}; pass one with --sheet`);
  }
  const sheetName = names[names.length - 1] ?? '';
  const rows = sheet[Symbol.asyncIterator]() as AsyncIterator<Row>;
  let header: string[] | undefined;
  let headerLine = 0;
  try {
    for (;;) {
      const next = await rows.next();
      if (next.done) break;
      const fields = rowFields(next.value);
      if (isBlank(fields)) continue;
      while (fields.length > 0 && (fields[fields.length - 1] ?? '').trim() === '') fields.pop();
      header = fields.map((f) => f.trim());
      headerLine = next.value.number;
      break;
    }
  } catch (err) {
    throw bad(err);
  }
  // Closing must not leave exceljs half way: returning its generators early abandons the
  // temporary files it keeps for later worksheets, and their reads then fail as uncaught ENOENT
  // errors after the import has ended. The rest of the workbook is read through instead, quietly.
  const drain = async (): Promise<void> => {
    try {
      for (let r = await rows.next(); !r.done; r = await rows.next());
      for (let s = await sheets.next(); !s.done; s = await sheets.next()) {
        const it = (s.value as unknown as AsyncIterable<Row>)[Symbol.asyncIterator]();
        for (let r = await it.next(); !r.done; r = await it.next());
      }
    } catch {
      // The rest of the file is not needed.
    }
  };
  const close = (): void => {
    void drain();
  };
  if (!header) {
    close();
    throw new InputError(`${file}: sheet ${JSON.stringify(sheetName)} has no header row (it is empty)`, 'the first row must name the columns, e.g. email, first name, last name');
  }
  const width = header.length;
  const records = async function* (): AsyncGenerator<CsvRecord[]> {
    let out: CsvRecord[] = [];
    try {
      for (;;) {
        const next = await rows.next();
        if (next.done) break;
        const fields = rowFields(next.value);
        // Trailing empty cells are no field (a CSV row would not have them either); a value
        // beyond the header's width stays, making the row ragged.
        while (fields.length > width && (fields[fields.length - 1] ?? '').trim() === '') fields.pop();
        while (fields.length < width) fields.push('');
        out.push({ line: next.value.number, fields });
        if (out.length >= CHUNK) {
          yield out;
          out = [];
        }
      }
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw bad(err);
    }
    if (out.length > 0) yield out;
  };
  return {
    name: file,
    path: abs,
    sha256: hash.digest('hex'),
    bytes: st.size,
    encoding: 'xlsx',
    delimiter: `sheet ${sheetName}`,
    header,
    headerLine,
    bom: false,
    sample: [],
    // Unknown without reading the sheet twice: no progress bar for workbooks.
    estimatedRows: 0,
    records,
    close,
  };
}
