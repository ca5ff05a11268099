import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { InputError, UsageError } from '../errors.js';
import { createDecoder, detectBom, encodingExists, Utf8Validator } from './encoding.js';
import { CsvParser, CsvSyntaxError, type CsvRecord } from './parse.js';
import { sniffDelimiter } from './sniff.js';

export type { CsvRecord } from './parse.js';

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
  readonly headerLine: number;
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
}

const HEAD_BYTES = 64 * 1024;
// Each read becomes one chunk of records that stays live until the importer has applied it:
// 64 KB (about 1,500 roster rows) keeps that, and V8's young generation, small (a million-row
// import peaked 19 MB higher with 256 KB reads, at the same speed).
const READ_CHUNK = 64 * 1024;

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
    const headDecoder = createDecoder(encoding);
    const headText = headDecoder.write(head.subarray(skip));
    const delimiter = delimiterOverride ?? sniffDelimiter(headText);
    const headerOut: CsvRecord[] = [];
    const headParser = new CsvParser(delimiter);
    try {
      headParser.push(headText, headerOut);
      if (headerOut.length === 0 && bytes <= HEAD_BYTES) headParser.end(headerOut);
    } catch (err) {
      if (err instanceof CsvSyntaxError) throw new InputError(`${name}:${err.line}: ${err.message}`, 'close the quote, or save the file again from the spreadsheet');
      throw err;
    }
    const first = headerOut[0];
    if (!first || first.fields.every((f) => f.trim() === '')) {
      throw new InputError(`${name}: no header row (the file is empty)`, 'the first line must name the columns, e.g. email,first name,last name');
    }
    const header = first.fields.map((f) => f.trim());
    const headerLine = first.line;
    const readRecords = async function* (): AsyncGenerator<CsvRecord[]> {
      const parser = new CsvParser(delimiter);
      const decoder = createDecoder(encoding);
      let headerSeen = false;
      const take = (out: CsvRecord[]): CsvRecord[] => {
        if (!headerSeen && out.length > 0) {
          headerSeen = true;
          out.shift();
        }
        return out;
      };
      try {
        for await (const chunk of fs.createReadStream(file, { highWaterMark: READ_CHUNK, start: skip })) {
          const out: CsvRecord[] = [];
          parser.push(decoder.write(chunk as Buffer), out);
          if (take(out).length > 0) yield out;
        }
        const out: CsvRecord[] = [];
        parser.push(decoder.end(), out);
        parser.end(out);
        if (take(out).length > 0) yield out;
      } catch (err) {
        if (err instanceof CsvSyntaxError) throw new InputError(`${name}:${err.line}: ${err.message}`, 'close the quote, or save the file again from the spreadsheet');
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
      estimatedRows: Math.max(0, lineFeeds - 1),
      records: readRecords,
      close: cleanup,
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}
