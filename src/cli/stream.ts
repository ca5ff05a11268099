import v8 from 'node:v8';
import type { CliContext } from './context.js';
import type { ResultSink } from './output.js';

/**
 * Long outputs (exports, member lists) as a sequence of chunks written with backpressure: a
 * batch of rows is encoded, written, and the next batch waits until the sink can take it. Piped
 * into a slow reader, what aicop holds is one batch, whatever the size of the database
 * (issue #20: unbounded, a JSON export of a million members grew to 1.8 GB).
 */

/** How a row format turns rows into text; the concatenated pieces are the whole output. */
export interface RowEncoder<R> {
  /** What comes before the first row (a header, `[`); '' for nothing. */
  readonly head: string;
  /** The text of `batch`, whose first row is row number `index` (from 0) of the output. */
  rows(batch: readonly R[], index: number): string;
  /** What comes after the last of `count` rows. */
  tail(count: number): string;
}

/** Rows encoded and written at a time: about 100–400 KB of CSV or JSON. */
export const BATCH_ROWS = 1000;
/** Rows between two turns of the event loop, so Ctrl-C / SIGTERM can stop an output to a file. */
export const YIELD_EVERY = 5000;

/**
 * Writes `rows` through `enc` to `sink` in batches, awaiting `sink.ready()` after each, and
 * returns the row count. Checks for Ctrl-C between batches; the caller aborts the sink on a
 * throw, so an -o file is never left half-written.
 */
export async function streamRows<R>(ctx: Pick<CliContext, 'throwIfInterrupted'>, sink: ResultSink, rows: Iterable<R>, enc: RowEncoder<R>): Promise<number> {
  if (enc.head.length > 0) sink.write(enc.head);
  let n = 0;
  let batch: R[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    sink.write(enc.rows(batch, n - batch.length));
    batch = [];
    await sink.ready();
    ctx.throwIfInterrupted();
  };
  for (const r of rows) {
    batch.push(r);
    n++;
    if (batch.length >= BATCH_ROWS) {
      await flush();
      if (n % YIELD_EVERY === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        ctx.throwIfInterrupted();
      }
    }
  }
  await flush();
  const tail = enc.tail(n);
  if (tail.length > 0) sink.write(tail);
  await sink.ready();
  return n;
}

/**
 * A JSON array with one object per line: `[`, then `\n  {…}` rows separated by `,`, then `\n]\n`
 * (`]\n` when empty). Valid JSON at the end of the stream, and greppable line by line.
 */
export function jsonArrayEncoder<R>(toJson: (row: R) => unknown, opts: { readonly bom?: boolean } = {}): RowEncoder<R> {
  return {
    head: opts.bom ? '\uFEFF[' : '[',
    rows: (batch, index) => {
      let text = '';
      for (let i = 0; i < batch.length; i++) text += `${index + i === 0 ? '\n' : ',\n'}  ${JSON.stringify(toJson(batch[i] as R))}`;
      return text;
    },
    tail: (count) => (count === 0 ? ']\n' : '\n]\n'),
  };
}

/**
 * The JSON `JSON.stringify(rows, null, 2)` gives, followed by a newline, one row at a time: the
 * pretty-printed arrays of the smaller lists (groups members, members duplicates), byte for byte.
 */
export function prettyJsonArrayEncoder<R>(toJson: (row: R) => unknown): RowEncoder<R> {
  return {
    head: '[',
    rows: (batch, index) => {
      let text = '';
      for (let i = 0; i < batch.length; i++) text += `${index + i === 0 ? '\n' : ',\n'}  ${JSON.stringify(toJson(batch[i] as R), null, 2).replace(/\n/g, '\n  ')}`;
      return text;
    },
    tail: (count) => (count === 0 ? ']\n' : '\n]\n'),
  };
}

/** One text line per row, no header (listserv addresses). */
export function linesEncoder<R>(line: (row: R) => string): RowEncoder<R> {
  return {
    head: '',
    rows: (batch) => {
      let text = '';
      for (const r of batch) text += `${line(r)}\n`;
      return text;
    },
    tail: () => '',
  };
}

/**
 * Keeps V8's young generation at its starting size for the rest of the process. A workbook export
 * makes several short-lived objects per cell (exceljs's rows, cells and XML strings), and V8
 * answers that rate by doubling the young generation up to its 3 × 16 MB ceiling: 30 MB of a
 * 1M-member xlsx export's peak, for garbage that dies young anyway. With no growth the scavenges
 * are more frequent and as cheap (same CPU time measured on 50,000 members). A one-command
 * process is about to end when this matters, so the setting is not undone.
 */
export function keepYoungGenerationSmall(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
