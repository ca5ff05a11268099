import { CsvError, Parser, type Options } from 'csv-parse';

/**
 * One CSV record: its fields and the physical line (1-based) on which it starts. A record whose
 * quoting is malformed (`"3" "`, `32" x` unquoted) carries `badQuoting`, a sentence saying where,
 * and the fields as csv-parse recovered them: the importer rejects it as `bad_quoting`.
 */
export interface CsvRecord {
  readonly line: number;
  /** The physical line it ends on, when later than `line` can matter (a quoted field with line breaks). */
  readonly end?: number;
  readonly fields: string[];
  readonly badQuoting?: string;
}

/** A file that cannot be read on (a quote never closed, a record over the size limit). */
export class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

// An unclosed quote would otherwise swallow the rest of the file into memory.
const MAX_RECORD_BYTES = 16 * 1048576;

/** csv-parse's Parser with its `push` taken over: records are collected as they are made. */
class CollectingParser extends Parser {
  constructor(
    options: Options,
    private readonly onRecord: (fields: string[], csvParseLine: number) => void,
  ) {
    super(options);
  }

  override push(chunk: unknown): boolean {
    if (chunk !== null) this.onRecord(chunk as string[], this.info.lines);
    return true;
  }
}

/** The part of csv-parse's parser state read on a skipped record (not in its typings). */
interface ParserState {
  readonly record: string[];
  recordHasError: boolean;
}

function countBreaks(fields: readonly string[]): { breaks: number; crlf: number } {
  let breaks = 0;
  let crlf = 0;
  for (const f of fields) {
    if (f.indexOf('\n') === -1 && f.indexOf('\r') === -1) continue;
    for (let i = 0; i < f.length; i++) {
      const c = f.charCodeAt(i);
      if (c === 10) breaks++;
      else if (c === 13) {
        if (f.charCodeAt(i + 1) === 10) crlf++;
        else breaks++;
      }
    }
  }
  // A CRLF is one line break: its LF was counted above.
  return { breaks, crlf };
}

/**
 * Parses CSV with csv-parse (RFC 4180: quoted fields, doubled quotes, embedded line breaks; CR, LF
 * and CRLF, mixed; blank lines skipped; rows of any width, the importer judges them), fed UTF-8
 * bytes one buffer at a time and driven synchronously, so each buffer's records come back at once
 * and memory stays flat. Each record carries the physical line it starts on.
 *
 * Why not csv-parse's `info` option: it copies an info object per record (it doubled the parse
 * time of a million-row roster). The line comes instead from the parser's running `info.lines`,
 * read when a record is pushed (the record's last line), minus the line breaks inside its fields.
 * csv-parse counts a CRLF inside a quoted field as two lines; that is corrected as it goes.
 *
 * Malformed quoting does not stop the parse (`skip_records_with_error`): the record is returned
 * with `badQuoting` and csv-parse goes on with the next record. No `relax_quotes`: it would keep
 * `"3" "` as a changed value instead of refusing it; a quote inside an unquoted value is kept as
 * it is (see skipped()). A quote left open at the end of the input throws CsvSyntaxError.
 */
export class RecordReader {
  private readonly parser: CollectingParser;
  private out: CsvRecord[] = [];
  /** CRLFs inside quoted fields so far: csv-parse counted each twice. */
  private drift = 0;
  /** csv-parse's line count at the last record, to spot records that span lines. */
  private lastRaw = 0;
  /** Physical line on which the last good record ended. */
  private lastEnd = 0;
  private bad: { line: number; fields: string[]; detail: string } | undefined;

  constructor(delimiter: string) {
    const options: Options = {
      delimiter,
      bom: false,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: false,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: MAX_RECORD_BYTES,
      on_skip: (err) => {
        this.skipped(err);
        return undefined;
      },
    };
    this.parser = new CollectingParser(options, (fields, raw) => this.record(fields, raw));
  }

  /** Parses the next buffer of UTF-8 text; returns the records it completed. */
  push(bytes: Buffer): CsvRecord[] {
    this.parser._transform(bytes, 'utf8', (err) => this.fail(err));
    return this.take();
  }

  /** Ends the input; returns the last records. Throws CsvSyntaxError on an unclosed quote. */
  end(): CsvRecord[] {
    this.parser._flush((err) => this.fail(err));
    this.flushBad();
    return this.take();
  }

  private take(): CsvRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private fail(err: Error | null | undefined): void {
    if (err) throw err;
  }

  private record(fields: string[], raw: number): void {
    this.flushBad();
    let end: number;
    let start: number;
    if (raw === this.lastRaw + 1) {
      end = raw - this.drift;
      start = end;
    } else {
      const { breaks, crlf } = countBreaks(fields);
      this.drift += crlf;
      end = raw - this.drift;
      start = end - breaks;
    }
    this.lastRaw = raw;
    this.lastEnd = end;
    this.out.push({ line: start, end, fields });
  }

  private skipped(err: CsvError | undefined): void {
    const code = err?.code;
    const line = (typeof err?.['lines'] === 'number' ? (err['lines'] as number) : this.lastRaw + 1) - this.drift;
    if (code === 'CSV_QUOTE_NOT_CLOSED') {
      const from = this.bad?.line ?? this.lastEnd + 1;
      throw new CsvSyntaxError(`a quoted field in the record on line ${from} is never closed (the rest of the file, to line ${line}, is inside it)`, from);
    }
    if (code === 'CSV_MAX_RECORD_SIZE') {
      const from = this.lastEnd + 1;
      throw new CsvSyntaxError(`the record starting on line ${from} is over ${MAX_RECORD_BYTES / 1048576} MB long (an unclosed quote?)`, from);
    }
    if (code !== 'CSV_INVALID_CLOSING_QUOTE' && code !== 'INVALID_OPENING_QUOTE') throw err ?? new Error('csv-parse skipped a record without saying why');
    // csv-parse keeps filling this record's array until the record ends: a second fault in the
    // same record comes with the same array.
    const state = (this.parser as unknown as { state: ParserState }).state;
    const fields = state.record;
    if (this.bad?.fields === fields) return;
    if (code === 'INVALID_OPENING_QUOTE') {
      // A quote inside an unquoted value (`Jane "JJ" Doe`, `32" monitor`, `=HYPERLINK("x")`)
      // is unambiguous: csv-parse goes on to keep it as a plain character, as relax_quotes
      // would; only the skip mark is taken off. (relax_quotes itself would also accept text
      // after a closing quote, which changes values.)
      state.recordHasError = false;
      return;
    }
    this.flushBad();
    const column = typeof err?.['column'] === 'number' ? (err['column'] as number) + 1 : fields.length + 1;
    const detail = `malformed quotes in column ${column}: text follows the closing quote (a quote inside a quoted value is written twice: "")`;
    this.bad = { line, fields, detail };
  }

  private flushBad(): void {
    if (!this.bad) return;
    const { line, fields, detail } = this.bad;
    this.bad = undefined;
    this.out.push({ line, end: line, fields: [...fields], badQuoting: detail });
  }
}

