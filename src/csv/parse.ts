/** One CSV record: its fields and the physical line (1-based) on which it starts. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/** A malformed file (an unclosed quote); `line` is where the broken record starts. */
export class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

const QUOTE = 34;
const CR = 13;
const LF = 10;
const MAX_RECORD_CHARS = 16 * 1048576;

/**
 * An incremental RFC 4180 parser tuned for large rosters (csv-parse was most of the import's time):
 * CR, LF and CRLF line ends, quoted fields with doubled quotes and embedded line breaks, a stray
 * quote inside an unquoted field kept literally, text after a closing quote kept literally, blank
 * lines skipped. Each record carries the physical line it starts on. Feed decoded text with
 * push(); an incomplete last record is kept until the next push or end().
 */
export class CsvParser {
  private readonly delim: number;
  private pending = '';
  /** Physical line number of the first character of `pending`. */
  private line = 1;

  constructor(delimiter: string) {
    if (delimiter.length !== 1) throw new Error('the delimiter must be one character');
    this.delim = delimiter.charCodeAt(0);
  }

  /** Parses what it can of the text so far, appending complete records to `out`. */
  push(text: string, out: CsvRecord[]): void {
    this.pending = this.pending.length === 0 ? text : this.pending + text;
    this.run(false, out);
  }

  /** Parses the rest at end of input. Throws CsvSyntaxError on an unclosed quote. */
  end(out: CsvRecord[]): void {
    this.run(true, out);
  }

  private run(final: boolean, out: CsvRecord[]): void {
    const text = this.pending;
    const n = text.length;
    const delim = this.delim;
    let pos = 0;
    let line = this.line;
    outer: while (pos < n) {
      const recordLine = line;
      const fields: string[] = [];
      for (;;) {
        let value: string;
        if (pos < n && text.charCodeAt(pos) === QUOTE) {
          let j = pos + 1;
          let segStart = j;
          value = '';
          for (;;) {
            const q = text.indexOf('"', j);
            if (q === -1) {
              if (!final) break outer;
              throw new CsvSyntaxError(`a quoted field opened on line ${recordLine} is never closed`, recordLine);
            }
            line += countLineBreaks(text, j, q);
            if (q + 1 < n && text.charCodeAt(q + 1) === QUOTE) {
              value += text.slice(segStart, q + 1);
              j = q + 2;
              segStart = j;
              continue;
            }
            if (q + 1 >= n && !final) break outer;
            value += text.slice(segStart, q);
            pos = q + 1;
            break;
          }
          // Text after the closing quote and before the delimiter is kept as it is.
          if (pos < n) {
            const c = text.charCodeAt(pos);
            if (c !== delim && c !== CR && c !== LF) {
              let k = pos;
              while (k < n) {
                const d = text.charCodeAt(k);
                if (d === delim || d === CR || d === LF) break;
                k++;
              }
              value += text.slice(pos, k);
              pos = k;
            }
          }
        } else {
          let k = pos;
          while (k < n) {
            const d = text.charCodeAt(k);
            if (d === delim || d === CR || d === LF) break;
            k++;
          }
          value = text.slice(pos, k);
          pos = k;
        }
        fields.push(value);
        if (pos >= n) {
          if (!final) break outer;
          break;
        }
        const c = text.charCodeAt(pos);
        if (c === delim) {
          pos++;
          if (pos >= n && !final) break outer;
          continue;
        }
        if (c === CR) {
          if (pos + 1 >= n && !final) break outer;
          pos += pos + 1 < n && text.charCodeAt(pos + 1) === LF ? 2 : 1;
        } else {
          pos++;
        }
        line++;
        break;
      }
      // Skip blank lines (a record of one empty field).
      if (!(fields.length === 1 && fields[0] === '')) out.push({ line: recordLine, fields });
      this.line = line;
      this.pendingStart = pos;
    }
    this.pending = this.pendingStart >= n ? '' : text.slice(this.pendingStart);
    this.pendingStart = 0;
    // An unclosed quote would otherwise swallow the rest of the file into memory.
    if (this.pending.length > MAX_RECORD_CHARS) {
      throw new CsvSyntaxError(`the record starting on line ${this.line} is over ${MAX_RECORD_CHARS / 1048576} MB long (an unclosed quote?)`, this.line);
    }
  }

  private pendingStart = 0;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR && text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}
