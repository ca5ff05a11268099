import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from './errors.js';

/**
 * A file written through a temporary sibling and renamed into place on commit, so readers and
 * crashes never see a partial file; abort() removes the temporary file.
 */
export class AtomicFile {
  readonly target: string;
  private readonly tmp: string;
  private fd: number | undefined;

  constructor(target: string) {
    this.target = path.resolve(target);
    const dir = path.dirname(this.target);
    if (!fs.existsSync(dir)) throw new InputError(`${target}: folder ${dir} does not exist`, 'create it first or choose another -o path');
    this.tmp = path.join(dir, `.${path.basename(this.target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      this.fd = fs.openSync(this.tmp, 'wx', 0o644);
    } catch (err) {
      throw new InputError(`${target}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the folder permissions or choose another -o path');
    }
  }

  write(chunk: string | Uint8Array): void {
    if (this.fd === undefined) throw new Error('AtomicFile already closed');
    if (typeof chunk === 'string') fs.writeSync(this.fd, chunk, null, 'utf8');
    else fs.writeSync(this.fd, chunk);
  }

  commit(): void {
    if (this.fd === undefined) return;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = undefined;
    fs.renameSync(this.tmp, this.target);
  }

  abort(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
    fs.rmSync(this.tmp, { force: true });
  }
}

/** Writes a whole string atomically. */
export function writeFileAtomic(target: string, content: string | Uint8Array): void {
  const f = new AtomicFile(target);
  try {
    f.write(content);
    f.commit();
  } catch (err) {
    f.abort();
    throw err;
  }
}
