import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { createDecoder } from './encoding.js';
import { CsvSyntaxError, RecordReader, type CsvRecord } from './records.js';
import { packRecords, type ParseJob, type WorkerMessage } from './threaded.js';

/**
 * The parse thread of src/csv/threaded.ts: reads the file, decodes it and runs csv-parse
 * (RecordReader), posting each read buffer's records packed (one string and two Int32Arrays,
 * see packRecords). At most `maxInFlight` chunks wait for the reader's acknowledgement: the
 * parse never runs far ahead of the import, so memory stays flat.
 */
const job = workerData as ParseJob;
const port = parentPort;
if (!port) throw new Error('parse-worker runs as a worker thread');

let inFlight = 0;
let wake: (() => void) | undefined;
port.on('message', (m: unknown) => {
  if (m === 'ack') {
    inFlight--;
    const w = wake;
    wake = undefined;
    w?.();
  }
});

async function send(records: CsvRecord[]): Promise<void> {
  if (records.length === 0) return;
  const packed = packRecords(records);
  inFlight++;
  const msg: WorkerMessage = { type: 'records', ...packed };
  port?.postMessage(msg, [packed.meta.buffer, packed.ends.buffer]);
  while (inFlight >= job.maxInFlight) await new Promise<void>((resolve) => (wake = resolve));
}

async function run(): Promise<void> {
  const reader = new RecordReader(job.delimiter);
  const decoder = job.utf8 ? undefined : createDecoder(job.encoding);
  try {
    for await (const chunk of fs.createReadStream(job.file, { highWaterMark: job.readChunk, start: job.skip })) {
      const bytes = decoder ? Buffer.from(decoder.write(chunk as Buffer), 'utf8') : (chunk as Buffer);
      await send(reader.push(bytes));
    }
    const tail = decoder ? reader.push(Buffer.from(decoder.end(), 'utf8')) : [];
    await send([...tail, ...reader.end()]);
    port?.postMessage({ type: 'done' } satisfies WorkerMessage);
  } catch (err) {
    if (err instanceof CsvSyntaxError) {
      port?.postMessage({ type: 'syntax', message: err.message, line: err.line } satisfies WorkerMessage);
    } else {
      const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
      port?.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err), code } satisfies WorkerMessage);
    }
  }
}

void run();
