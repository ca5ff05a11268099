import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { InputError, UsageError } from '../errors.js';
import { createDecoder, detectBom, encodingExists, Utf8Validator } from './encoding.js';
import { RecordReader, CsvSyntaxError, type CsvRecord } from './records.js';
import { DELIMITERS, sniffDelimiter } from './sniff.js';
import { threadedRecords, workerScript } from './threaded.js';

export type { CsvRecord } from './records.js';

/**
 * CSV input for every importer (members, events, attendance).
 *
 *   const csv = await openCsv({ file: 'roster.csv', cwd, stdin }, { encoding, delimiter });
 *   csv.header            // the header row's fields, as written
 *   for await (const chunk of csv.records()) for (const r of chunk) r.line, r.fields
 *   csv.close()           // always (removes the stdin spool file)
 *
 * openCsv reads the input once to hash it (sha256 of the raw bytes), check UTF-8 validity and
 * count lines, then records() streams it a second time: memory does not grow with the file.
 * stdin (`-`) is spooled to a temporary file first. Encoding: a BOM (UTF-8, UTF-16 LE/BE) wins,
 * else valid UTF-8, else Windows-1252; `encoding` overrides. Delimiter: sniffed among , ; tab |
 * unless given. Throws InputError (exit 4) for a missing, unreadable, binary or header-less file,
 * naming the file; UsageError for an unknown encoding or a bad delimiter. Records come in chunks
 * (one per read buffer) with the physical line each starts on; ragged rows are the caller's call.
 */
export interface CsvFile {
  /** The name to show in messages: the path as given, or `stdin`. */
  readonly name: string;
  /** Absolute path of the input, undefined for stdin. */
  readonly path: string | undefined;
  readonly sha256: string;
  readonly bytes: number;
  readonly encoding: string;
  readonly delimiter: string;
  readonly header: readonly string[];
  /** The physical line of the header row (after a report's preamble, or --header-line). */
  readonly headerLine: number;
  /** The input started with a byte order mark (the rejects file then gets one too). */
  readonly bom: boolean;
  /** The first data rows (up to 20, from the file's first 64 KB): sample values for prompts. */
  readonly sample: readonly (readonly string[])[];
  /** Number of line feeds in the file: a cheap upper bound of the row count, for progress. */
  readonly estimatedRows: number;
  records(): AsyncGenerator<CsvRecord[]>;
  close(): void;
}

export interface CsvInput {
  /** A path (relative to cwd) or `-` for stdin. */
  readonly file: string;
  readonly cwd: string;
  readonly stdin?: Readable;
}

export interface OpenCsvOptions {
  readonly encoding?: string | undefined;
  readonly delimiter?: string | undefined;
  /** The physical line of the header row (`--header-line N`): lines before it are skipped. */
  readonly headerLine?: number | undefined;
  /**
   * When given, the header is the first line within the first 50 that has a column this
   * predicate accepts (an email column): attendee reports put lines about the meeting first.
   */
  readonly isHeader?: ((cells: readonly string[]) => boolean) | undefined;
}

const HEAD_BYTES = 64 * 1024;
// Each read becomes one chunk of records that stays live until the importer has applied it:
// 64 KB (about 1,500 roster rows) keeps that, and V8's young generation, small (a million-row
// import peaked 19 MB higher with 256 KB reads, at the same speed).
const READ_CHUNK = 64 * 1024;
// With AICOP_PARSE_THREAD=1, files from this size are parsed on a worker thread
// (src/csv/threaded.ts; below it, starting the thread costs more than it saves). Off by default:
// the thread hides csv-parse's time on a second core but adds 20–37 MB to an import's peak
// memory, and a million-row roster then peaks at 155–165 MB, over the 150 MB target (127 MB
// without it). The records are the same either way (test/csv-threaded.test.ts).
const THREAD_MIN_BYTES = 1024 * 1024;
// Chunks the parse thread may run ahead of the import: 8 × 64 KB of records.
const THREAD_IN_FLIGHT = 8;

/** Parses a --delimiter value: one character, or the words tab/comma/semicolon/pipe. */
export function parseDelimiterOption(value: string): string {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const d = named[value.toLowerCase()] ?? value;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
    throw new UsageError(`--delimiter ${JSON.stringify(value)} is not a single character`, 'use one of: , ; | tab');
  }
  return d;
}

async function spoolStdin(stdin: Readable): Promise<{ dir: string; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicop-stdin-'));
  const file = path.join(dir, 'stdin.csv');
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    for await (const chunk of stdin) fs.writeSync(fd, typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  } finally {
    fs.closeSync(fd);
  }
  return { dir, file };
}

const BINARY_MAGIC: ReadonlyArray<readonly [string, string]> = [
  ['504b0304', 'a ZIP archive or Excel workbook (.xlsx): pass a workbook by its file name (standard input takes CSV only)'],
  ['d0cf11e0', 'an old Excel workbook (.xls): save it as "CSV UTF-8" from Excel first'],
  ['25504446', 'a PDF document'],
  ['1f8b', 'a gzip archive: decompress it first'],
  ['53514c69746520666f726d6174', 'an SQLite database'],
];

function binaryKind(head: Buffer): string | undefined {
  const hex = head.subarray(0, 16).toString('hex');
  for (const [magic, what] of BINARY_MAGIC) if (hex.startsWith(magic)) return what;
  const sample = head.subarray(0, 8192);
  let control = 0;
  for (const b of sample) if (b < 0x20 && b !== 9 && b !== 10 && b !== 13) control++;
  return sample.length > 0 && control / sample.length > 0.05 ? 'a binary file' : undefined;
}

/** Opens a CSV input: hashes it, detects encoding and delimiter, reads the header. */
export async function openCsv(input: CsvInput, opts: OpenCsvOptions = {}): Promise<CsvFile> {
  if (opts.encoding !== undefined && !encodingExists(opts.encoding)) {
    throw new UsageError(`--encoding ${opts.encoding} is not an encoding aicop knows`, 'use e.g. utf-8, windows-1252, utf-16le, utf-16be, latin1');
  }
  const delimiterOverride = opts.delimiter === undefined ? undefined : parseDelimiterOption(opts.delimiter);
  let spool: { dir: string; file: string } | undefined;
  let name: string;
  let file: string;
  if (input.file === '-') {
    if (!input.stdin) throw new UsageError('no standard input to read from');
    spool = await spoolStdin(input.stdin);
    name = 'stdin';
    file = spool.file;
  } else {
    if (input.file.trim() === '') throw new UsageError('the file name is empty', 'pass the path of a .csv file, or - to read standard input');
    name = input.file;
    file = path.resolve(input.cwd, input.file);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new InputError(`${name}: no such file`, 'check the path (use - to read from standard input)');
    }
    if (st.isDirectory()) throw new InputError(`${name}: is a folder, not a CSV file`, 'pass the path of a .csv file');
  }
  const cleanup = (): void => {
    if (spool) fs.rmSync(spool.dir, { recursive: true, force: true });
  };
  try {
    const hash = createHash('sha256');
    const utf8 = new Utf8Validator();
    let head = Buffer.alloc(0);
    let bytes = 0;
    let lineFeeds = 0;
    try {
      for await (const chunk of fs.createReadStream(file, { highWaterMark: READ_CHUNK })) {
        const b = chunk as Buffer;
        hash.update(b);
        utf8.push(b);
        bytes += b.length;
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, b.subarray(0, HEAD_BYTES - head.length)]);
        let i = b.indexOf(10);
        while (i !== -1) {
          lineFeeds++;
          i = b.indexOf(10, i + 1);
        }
      }
    } catch (err) {
      throw new InputError(`${name}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check that it exists and that you may read it');
    }
    const validUtf8 = utf8.end();
    const bom = detectBom(head);
    let encoding: string;
    let skip = 0;
    if (opts.encoding !== undefined) {
      encoding = opts.encoding;
      const norm = encoding.toLowerCase().replace(/[^a-z0-9]/g, '');
      if (bom && bom.encoding.replace(/-/g, '') === norm) skip = bom.length;
    } else if (bom) {
      encoding = bom.encoding;
      skip = bom.length;
    } else {
      encoding = validUtf8 ? 'utf-8' : 'windows-1252';
    }
    const utf16 = encoding.toLowerCase().replace(/[^a-z0-9]/g, '').startsWith('utf16');
    const binary = utf16 ? undefined : binaryKind(head.subarray(skip));
    if (binary) throw new InputError(`${name}: not a CSV file (it looks like ${binary})`, 'export the roster as CSV (comma, semicolon or tab separated text) and import that');
    const utf8Input = encoding.toLowerCase().replace(/[^a-z0-9]/g, '') === 'utf8';
    const headText = createDecoder(encoding).write(head.subarray(skip));
    const found = opts.headerLine === undefined && opts.isHeader ? findHeaderLine(headText, opts.isHeader) : undefined;
    const wantLine = opts.headerLine ?? found?.line;
    const delimiter = delimiterOverride ?? found?.delimiter ?? sniffDelimiter(wantLine === undefined ? headText : textFromLine(headText, wantLine));
    const syntaxError = (err: CsvSyntaxError): InputError =>
      new InputError(`${name}:${err.line}: ${err.message}`, 'close the quote, or save the file again from the spreadsheet');
    let headRecords: CsvRecord[];
    try {
      const headReader = new RecordReader(delimiter);
      headRecords = headReader.push(Buffer.from(headText, 'utf8'));
      if (bytes <= HEAD_BYTES) headRecords.push(...headReader.end());
    } catch (err) {
      if (err instanceof CsvSyntaxError) throw syntaxError(err);
      throw err;
    }
    const first =
      wantLine === undefined ? headRecords.find((r) => !r.badQuoting && r.fields.some((f) => f.trim() !== '')) : headRecords.find((r) => r.line >= wantLine && !r.badQuoting);
    if (opts.headerLine !== undefined && first?.line !== opts.headerLine) {
      throw new InputError(`${name}: --header-line ${opts.headerLine}: no record starts on that line${first ? ` (the next one starts on line ${first.line})` : ''}`, 'give the line number of the column names, as a text editor shows it');
    }
    if (!first || first.fields.every((f) => f.trim() === '')) {
      throw new InputError(`${name}: no header row (the file is empty)`, 'the first line must name the columns, e.g. email,first name,last name');
    }
    const header = first.fields.map((f) => f.trim());
    const headerLine = first.line;
    const sample = headRecords.filter((r) => r.line > headerLine && !r.badQuoting).slice(0, SAMPLE_ROWS).map((r) => r.fields);
    // An attendee report's header comes after lines about the meeting; its rows end at the first
    // blank line (Teams puts an "In-Meeting Activities" section after the participants).
    const sectioned = headerLine > 1;
    const readRecords = async function* (): AsyncGenerator<CsvRecord[]> {
      let prevEnd = -1;
      let done = false;
      // Records up to the header line are the header and the lines before it.
      const take = (records: CsvRecord[]): CsvRecord[] => {
        if (done) return [];
        let out = records;
        if (prevEnd === -1 || sectioned) {
          out = [];
          for (const r of records) {
            if (r.line <= headerLine) {
              if (r.line === headerLine) prevEnd = r.end ?? r.line;
              continue;
            }
            if (sectioned && (r.line > prevEnd + 1 || r.fields.every((f) => f.trim() === ''))) {
              done = true;
              break;
            }
            prevEnd = r.end ?? r.line;
            out.push(r);
          }
        }
        return out;
      };
      const script = bytes >= THREAD_MIN_BYTES && process.env['AICOP_PARSE_THREAD'] === '1' ? workerScript() : undefined;
      try {
        if (script) {
          const job = { file, skip, encoding, utf8: utf8Input, delimiter, readChunk: READ_CHUNK, maxInFlight: THREAD_IN_FLIGHT };
          for await (const records of threadedRecords(script, job)) {
            const out = take(records);
            if (out.length > 0) yield out;
            if (done) return;
          }
          return;
        }
        const reader = new RecordReader(delimiter);
        const decoder = utf8Input ? undefined : createDecoder(encoding);
        for await (const chunk of fs.createReadStream(file, { highWaterMark: READ_CHUNK, start: skip })) {
          const bytesIn = decoder ? Buffer.from(decoder.write(chunk as Buffer), 'utf8') : (chunk as Buffer);
          const out = take(reader.push(bytesIn));
          if (out.length > 0) yield out;
          if (done) return;
        }
        const tail = decoder ? reader.push(Buffer.from(decoder.end(), 'utf8')) : [];
        const out = take([...tail, ...reader.end()]);
        if (out.length > 0) yield out;
      } catch (err) {
        if (err instanceof CsvSyntaxError) throw syntaxError(err);
        if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('E')) {
          throw new InputError(`${name}: cannot read the file (${err.code})`, 'check that it exists and that you may read it');
        }
        throw err;
      }
    };
    return {
      name,
      path: spool ? undefined : file,
      sha256: hash.digest('hex'),
      bytes,
      encoding,
      delimiter,
      header,
      headerLine,
      bom: bom !== undefined && skip > 0,
      sample,
      estimatedRows: Math.max(0, lineFeeds - 1),
      records: readRecords,
      close: cleanup,
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** The text of the head from physical line `line` (1-based) on. */
function textFromLine(text: string, line: number): string {
  let pos = 0;
  for (let n = 1; n < line && pos < text.length; n++) {
    const m = /\r\n|\n|\r/g;
    m.lastIndex = pos;
    const hit = m.exec(text);
    if (!hit) return '';
    pos = hit.index + hit[0].length;
  }
  return text.slice(pos);
}

const HEADER_SEARCH_LINES = 50;
const SAMPLE_ROWS = 20;

/** A line's cells split naively on `d` (the header search runs before the delimiter is known). */
function naiveCells(line: string, d: string): string[] {
  return line.split(d).map((c) => c.trim().replace(/^"(.*)"$/, '$1').trim());
}

/**
 * Finds the header row of an attendee report: the lines within the first 50 with a column
 * `isHeader` accepts are candidates. Reports put several such tables one after another, so:
 * a candidate under a title naming attendees or participants wins (Zoom webinars' "Attendee
 * Details", Teams' "2. Participants"); else the first candidate not followed within three lines
 * by another after one row and a blank line (Zoom's one-row meeting summary comes before its
 * participants table). Returns
 * undefined when no line qualifies (the first line is then the header, as in any CSV).
 */
export function findHeaderLine(text: string, isHeader: (cells: readonly string[]) => boolean): { line: number; delimiter: string } | undefined {
  const lines = text.split(/\r\n|\n|\r/, HEADER_SEARCH_LINES);
  const candidates: { line: number; delimiter: string; title: string }[] = [];
  lines.forEach((text, i) => {
    let best: { delimiter: string; cells: number } | undefined;
    for (const d of DELIMITERS) {
      const cells = naiveCells(text, d);
      if (cells.length > 1 && isHeader(cells) && (!best || cells.length > best.cells)) best = { delimiter: d, cells: cells.length };
    }
    if (!best) return;
    let title = '';
    for (let j = i - 1; j >= 0 && j >= i - 2; j--) {
      const above = (lines[j] ?? '').trim();
      if (above === '') continue;
      const cells = naiveCells(above, best.delimiter).filter((c) => c !== '');
      if (cells.length === 1) title = cells[0] ?? '';
      break;
    }
    candidates.push({ line: i + 1, delimiter: best.delimiter, title });
  });
  const titled = candidates.find((c) => /attendee|participant/i.test(c.title));
  if (titled) return titled;
  return candidates.find((c, k) => {
    const next = candidates[k + 1];
    // Zoom's summary: its header, one row, a blank line, then the participants' header.
    return !(next !== undefined && next.line === c.line + 3 && (lines[c.line + 1] ?? '').trim() === '');
  });
}
