import { Writable } from 'node:stream';

/**
 * Excel workbooks (.xlsx) as output, through exceljs's streaming WorkbookWriter: rows are
 * committed as they come, so an export of a million members keeps memory flat.
 *
 * - Numbers are number cells, dates date cells (`yyyy-mm-dd`, with the time for timestamps),
 *   percentages number cells holding the fraction with a `0.0%` format (12.5% is 0.125).
 * - Every text is a text cell: nothing is ever written as a formula, so a cell starting with `=`
 *   shows as the text it is and no neutralising `'` is needed (unlike CSV).
 * - The header row is bold and frozen; columns get a width from their header and first rows.
 */

export type XlsxType = 'text' | 'year' | 'integer' | 'decimal' | 'percent' | 'date' | 'datetime';
export type XlsxValue = string | number | boolean | null | undefined;

export interface XlsxColumn<R> {
  readonly header: string;
  readonly value: (row: R) => XlsxValue;
  readonly type: XlsxType;
  /** Decimal places of a decimal column (default 2). */
  readonly decimals?: number;
}

const NUM_FMT: Readonly<Record<XlsxType, string | undefined>> = {
  text: '@',
  year: '0',
  integer: '#,##0',
  decimal: undefined,
  percent: '0.0%',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
};

/** Excel's sheet names: at most 31 characters, none of : \ / ? * [ ]. */
export function sheetName(name: string, taken: ReadonlySet<string> = new Set()): string {
  const base = name.replace(/[:\\/?*[\]]/g, ' ').trim().slice(0, 31) || 'Sheet';
  let out = base;
  for (let i = 2; taken.has(out.toLowerCase()); i++) out = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  return out;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The value of one cell as exceljs takes it: a Date for dates, a fraction for percentages. */
function cellValue(v: XlsxValue, type: XlsxType): string | number | Date | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  switch (type) {
    case 'percent':
      return typeof v === 'number' ? v / 100 : v;
    case 'date': {
      const m = typeof v === 'string' ? ISO_DATE.exec(v) : null;
      return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : v;
    }
    case 'datetime': {
      if (typeof v !== 'string') return v;
      const d = new Date(ISO_DATE.test(v) ? `${v}T00:00:00Z` : v);
      return Number.isNaN(d.getTime()) ? v : d;
    }
    case 'text':
      return String(v);
    default:
      return v;
  }
}

function widthOf(v: XlsxValue, type: XlsxType): number {
  if (type === 'date') return 10;
  if (type === 'datetime') return 19;
  return v === null || v === undefined ? 0 : String(v).length;
}

/** What a sheet writer needs from the workbook: exceljs's WorkbookWriter, loaded lazily. */
type WorkbookWriter = import('exceljs').stream.xlsx.WorkbookWriter;
type Worksheet = import('exceljs').Worksheet;

/** Rows between two checks that the zip has caught up (see drain). */
const DRAIN_EVERY = 1000;
/** Bytes of sheet XML allowed to wait for compression before the rows pause. */
const MAX_PENDING = 4 * 1024 * 1024;

/**
 * Waits until the sheet XML waiting for compression is under MAX_PENDING. exceljs writes a
 * sheet into the zip without heeding backpressure, so rows produced faster than deflate takes
 * them would pile up in memory (a 400,000-member export grew to 330 MB); pausing here keeps a
 * million-row export flat. Reads exceljs's internal stream: without it, no pause (as before).
 */
async function drain(ws: Worksheet): Promise<void> {
  // The pipe is archiver's PassThrough from readable-stream 2, which predates writableLength.
  type Pipe = { _writableState?: { length?: number }; _readableState?: { length?: number } };
  const stream = (ws as unknown as { _stream?: { pipes?: Pipe[] } })._stream;
  const pending = () => (stream?.pipes ?? []).reduce((n, p) => n + (p._writableState?.length ?? 0) + (p._readableState?.length ?? 0), 0);
  while (pending() > MAX_PENDING) await new Promise<void>((resolve) => setTimeout(resolve, 2));
}

/** A workbook being streamed to `write` (stdout or an atomic -o file). */
export class XlsxWriter {
  private constructor(
    private readonly wb: WorkbookWriter,
    private readonly names: Set<string>,
  ) {}

  /**
   * `ready` (the output sink's) resolves when the destination can take more: the zip waits for
   * it after each chunk, the sheet XML then piles up behind the zip, and drain() pauses the rows,
   * so a slow reader of stdout holds the export back instead of filling memory.
   */
  static async open(write: (chunk: Uint8Array) => void, ready: () => Promise<void> = () => Promise.resolve()): Promise<XlsxWriter> {
    const { default: ExcelJS } = await import('exceljs');
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        try {
          write(chunk);
        } catch (err) {
          done(err as Error);
          return;
        }
        ready().then(() => done(), (err: unknown) => done(err instanceof Error ? err : new Error(String(err))));
      },
    });
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
    wb.creator = 'aicop';
    // A fixed date keeps two exports of the same data byte-identical apart from the zip times.
    wb.created = new Date(0);
    wb.modified = new Date(0);
    return new XlsxWriter(wb, new Set());
  }

  /**
   * Adds a sheet and streams `rows` into it; `sample` rows (the first ones) size the columns.
   * `onRow` runs after each row (to yield to the event loop on long exports).
   */
  async sheet<R>(name: string, columns: readonly XlsxColumn<R>[], rows: Iterable<R>, onRow?: (n: number) => Promise<void> | void): Promise<number> {
    const title = sheetName(name, this.names);
    this.names.add(title.toLowerCase());
    const ws: Worksheet = this.wb.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 1 }] });
    const widths = columns.map((c) => Math.max(8, c.header.length + 2));
    const pending: R[] = [];
    const SAMPLE = 50;
    let n = 0;
    let started = false;
    const start = () => {
      started = true;
      ws.columns = columns.map((c, i) => {
        const fmt = c.type === 'decimal' ? `0.${'0'.repeat(c.decimals ?? 2)}` : NUM_FMT[c.type];
        return { key: String(i), width: Math.min(60, widths[i] ?? 10), ...(fmt !== undefined && c.type !== 'text' ? { style: { numFmt: fmt } } : {}) };
      });
      const head = ws.addRow(columns.map((c) => c.header));
      head.font = { bold: true };
      head.commit();
      for (const r of pending) put(r);
      pending.length = 0;
    };
    const put = (r: R) => {
      const row = ws.addRow(columns.map((c) => cellValue(c.value(r), c.type)));
      row.commit();
    };
    for (const r of rows) {
      if (!started) {
        pending.push(r);
        columns.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, widthOf(c.value(r), c.type) + 2)));
        if (pending.length >= SAMPLE) start();
      } else put(r);
      n++;
      if (started && n % DRAIN_EVERY === 0) await drain(ws);
      if (onRow) await onRow(n);
    }
    if (!started) start();
    ws.commit();
    return n;
  }

  /** Finishes the workbook; every byte has gone through `write` when this resolves. */
  async end(): Promise<void> {
    await this.wb.commit();
  }
}
