#!/usr/bin/env node
// node bench/slow-reader.mjs <chunkBytes> <intervalMs> — the consumer end of a pipe for
// bench/stream.mjs: reads at most <chunkBytes> from stdin every <intervalMs> ms (0: as fast as it
// can), then prints the byte count and a CRC of what it read, so slow and fast runs can be
// compared for identical output. It reads fd 0 directly with fs.readSync, so nothing is buffered
// on this side beyond one chunk: the pipe stays full and the writer feels it.
import fs from 'node:fs';
import { crc32 } from 'node:zlib';

const chunk = Number(process.argv[2] ?? 65536);
const interval = Number(process.argv[3] ?? 10);
const buf = Buffer.allocUnsafe(chunk);
let bytes = 0;
let crc = 0;

function readOnce() {
  try {
    return fs.readSync(0, buf, 0, chunk, null);
  } catch (err) {
    if (err.code === 'EAGAIN') return -1; // a non-blocking pipe with nothing in it yet
    if (err.code === 'EOF') return 0;
    throw err;
  }
}

function finish() {
  process.stdout.write(`${JSON.stringify({ bytes, crc })}\n`);
}

function tick() {
  for (;;) {
    const n = readOnce();
    if (n === 0) return finish();
    if (n > 0) {
      bytes += n;
      crc = crc32(buf.subarray(0, n), crc);
    }
    if (interval > 0 || n < 0) return void setTimeout(tick, Math.max(interval, n < 0 ? 1 : 0));
  }
}

tick();
