import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CsvSyntaxError, type CsvRecord } from './records.js';

/**
 * csv-parse on a second thread (opt-in: AICOP_PARSE_THREAD=1, see read.ts). csv-parse reads a
 * byte at a time in JavaScript: on a roster it takes about as long as all of aicop's validation.
 * Parsed in a worker thread it runs while the main thread validates and SQLite writes, on the
 * machine's other core, at the price of 20–37 MB more peak memory.
 *
 * The records cross threads packed: every field of a chunk concatenated into one string, its
 * end offsets in one Int32Array and [line, end line, field count] per record in another (both
 * transferred, not copied). Posting a chunk's arrays of strings instead is a structured clone of
 * every string, which cost the main thread more than the parse it saved.
 */
export interface ParseJob {
  readonly file: string;
  /** Bytes to skip at the start (a BOM). */
  readonly skip: number;
  readonly encoding: string;
  /** The input is UTF-8: bytes go to csv-parse as they are. */
  readonly utf8: boolean;
  readonly delimiter: string;
  readonly readChunk: number;
  /** Chunks posted and not yet taken by the reader before the worker waits. */
  readonly maxInFlight: number;
}

export interface PackedRecords {
  readonly text: string;
  /** Per field: the offset in `text` where it ends. */
  readonly ends: Int32Array<ArrayBuffer>;
  /** Per record: line, end line, number of fields. */
  readonly meta: Int32Array<ArrayBuffer>;
  /** Records with malformed quoting: [index in this chunk, detail]. */
  readonly bad: readonly (readonly [number, string])[];
}

export type WorkerMessage =
  | ({ readonly type: 'records' } & PackedRecords)
  | { readonly type: 'done' }
  | { readonly type: 'syntax'; readonly message: string; readonly line: number }
  | { readonly type: 'failed'; readonly message: string; readonly code: string | undefined };

export function packRecords(records: readonly CsvRecord[]): PackedRecords {
  let fieldCount = 0;
  for (const r of records) fieldCount += r.fields.length;
  const ends = new Int32Array(fieldCount);
  const meta = new Int32Array(records.length * 3);
  const parts: string[] = new Array<string>(fieldCount);
  const bad: [number, string][] = [];
  let offset = 0;
  let f = 0;
  records.forEach((r, i) => {
    meta[3 * i] = r.line;
    meta[3 * i + 1] = r.end ?? r.line;
    meta[3 * i + 2] = r.fields.length;
    for (const field of r.fields) {
      parts[f] = field;
      offset += field.length;
      ends[f++] = offset;
    }
    if (r.badQuoting !== undefined) bad.push([i, r.badQuoting]);
  });
  return { text: parts.join(''), ends, meta, bad };
}

export function unpackRecords(p: PackedRecords): CsvRecord[] {
  const n = p.meta.length / 3;
  const out = new Array<CsvRecord>(n);
  let f = 0;
  let start = 0;
  let b = 0;
  const nextBad = (): number => (b < p.bad.length ? (p.bad[b] as readonly [number, string])[0] : -1);
  for (let i = 0; i < n; i++) {
    const count = p.meta[3 * i + 2] as number;
    const fields = new Array<string>(count);
    for (let k = 0; k < count; k++) {
      const end = p.ends[f++] as number;
      fields[k] = p.text.slice(start, end);
      start = end;
    }
    const line = p.meta[3 * i] as number;
    const end = p.meta[3 * i + 1] as number;
    if (nextBad() === i) {
      out[i] = { line, end, fields, badQuoting: (p.bad[b++] as readonly [number, string])[1] };
    } else {
      out[i] = { line, end, fields };
    }
  }
  return out;
}

/** How many parse threads this process started (the tests check the thread really ran). */
export const parseThreads = { started: 0 };

/** The compiled worker script, when there is one (not when running from TypeScript sources). */
export function workerScript(): URL | undefined {
  const url = new URL('./parse-worker.js', import.meta.url);
  try {
    return fs.existsSync(fileURLToPath(url)) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The read error a worker reported, as the Error the single-thread reader would have thrown. */
class ReadFailure extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * Streams a file's records parsed on a worker thread. Throws CsvSyntaxError as RecordReader does,
 * and read errors with their `code`. Stopping early (return/throw in the consumer) ends the worker.
 */
export async function* threadedRecords(script: URL, job: ParseJob): AsyncGenerator<CsvRecord[]> {
  parseThreads.started++;
  // Heap limits: the thread keeps little alive (a few chunks), and every MB it holds counts
  // against the import's memory. A parse alone of a million rows peaked at 117 MB with these,
  // 125 MB with a 1 MB young generation, more with Node's defaults (96 MB without the thread).
  // The old generation still has room for the largest record csv-parse accepts (16 MB).
  const worker = new Worker(script, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64, stackSizeMb: 1 } });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  let crashed: Error | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (err) => {
    crashed = err;
    notify();
  });
  worker.on('exit', (code) => {
    if (code !== 0) crashed ??= new Error(`the CSV parse thread stopped (exit ${code})`);
    notify();
  });
  try {
    for (;;) {
      const m = queue.shift();
      if (!m) {
        if (crashed) throw crashed;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (m.type === 'records') {
        worker.postMessage('ack');
        yield unpackRecords(m);
      } else if (m.type === 'done') {
        return;
      } else if (m.type === 'syntax') {
        throw new CsvSyntaxError(m.message, m.line);
      } else {
        throw new ReadFailure(m.message, m.code);
      }
    }
  } finally {
    worker.removeAllListeners();
    void worker.terminate();
  }
}
