import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';

// iconv-lite is loaded on first use (most files are UTF-8 and --help needs none of it).
const requireLazy = createRequire(import.meta.url);
const loadIconv = (): typeof import('iconv-lite') => requireLazy('iconv-lite') as typeof import('iconv-lite');

/** The encodings aicop detects by itself; `--encoding` may name any iconv-lite encoding. */
export type DetectedEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** A streaming decoder: bytes in, text out, multi-byte sequences split across chunks handled. */
export interface TextChunkDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

/** Byte order mark at the start of a file, if any (EF BB BF, FF FE, FE FF). */
export function detectBom(head: Buffer): { encoding: DetectedEncoding; length: number } | undefined {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/**
 * Checks UTF-8 validity chunk by chunk: a multi-byte sequence cut at a chunk boundary is carried
 * over to the next chunk instead of being judged invalid.
 */
export class Utf8Validator {
  private carry: Buffer = Buffer.alloc(0);
  valid = true;

  push(chunk: Buffer): void {
    if (!this.valid) return;
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = incompleteTail(buf);
    const body = cut === 0 ? buf : buf.subarray(0, buf.length - cut);
    if (!isUtf8(body)) this.valid = false;
    this.carry = cut === 0 ? Buffer.alloc(0) : Buffer.from(buf.subarray(buf.length - cut));
  }

  end(): boolean {
    if (this.carry.length > 0) this.valid = false;
    return this.valid;
  }
}

/** Number of bytes at the end of buf that start a UTF-8 sequence not yet complete. */
function incompleteTail(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = buf[n - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** True when iconv-lite can decode this encoding name (for validating --encoding). */
export function encodingExists(name: string): boolean {
  return loadIconv().encodingExists(name);
}

/** A streaming decoder for an encoding (BOM bytes must already be stripped by the caller). */
export function createDecoder(encoding: string): TextChunkDecoder {
  const norm = encoding.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (norm === 'utf8') {
    const td = new TextDecoder('utf-8', { ignoreBOM: true });
    return { write: (b) => td.decode(b, { stream: true }), end: () => td.decode() };
  }
  const iconvName = norm === 'windows1252' || norm === 'cp1252' ? 'win1252' : norm === 'utf16le' ? 'utf16le' : norm === 'utf16be' ? 'utf16be' : encoding;
  const dec = loadIconv().getDecoder(iconvName, { stripBOM: false });
  return { write: (b) => dec.write(b), end: () => dec.end() ?? '' };
}
