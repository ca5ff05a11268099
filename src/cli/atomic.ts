import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';

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
    checkOutputPath(target, this.target);
    removeStaleTemps(this.target);
    this.tmp = path.join(dir, `.${path.basename(this.target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    // Member data is private by default (like the database, 0600); a file being replaced keeps
    // the mode its owner gave it, so a shared export stays shared and a private one private.
    const mode = (statIfAny(this.target)?.mode ?? 0o600) & 0o777;
    try {
      this.fd = fs.openSync(this.tmp, 'wx', 0o600);
      fs.fchmodSync(this.fd, mode); // the umask does not apply to fchmod
    } catch (err) {
      if (this.fd !== undefined) {
        fs.closeSync(this.fd);
        fs.rmSync(this.tmp, { force: true });
      }
      throw new InputError(`${target}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the folder permissions or choose another path');
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

/**
 * The stats of what is at `p`, or undefined when nothing is: a missing file, or a path that
 * runs through a file (`roster.csv/out.csv`, ENOTDIR), which is bad input and not a crash.
 */
export function statIfAny(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * Throws the InputError for a file to be written (`shown` as the user typed it, `file` resolved)
 * whose folder does not exist or that names a folder.
 */
export function checkOutputPath(shown: string, file: string): void {
  const dir = path.dirname(file);
  if (!statIfAny(dir)?.isDirectory()) throw new InputError(`${shown}: folder ${dir} does not exist`, 'create it first or choose another path');
  const st = lstatIfAny(file);
  if (st === undefined || st.isFile()) return;
  if (st.isDirectory()) throw new InputError(`${shown}: is a folder, not a file`, 'name a file inside it');
  // The rename would replace the link, pipe or device itself with a regular file: a FIFO a
  // reader waits on, a link someone set up to point elsewhere. Refused rather than guessed at.
  const what = st.isSymbolicLink() ? 'a symbolic link' : st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'a device';
  throw new InputError(`${shown}: is ${what}, not a regular file; nothing was written`, st.isSymbolicLink() ? `write to the file it points to (${safeReadlink(file)}) or choose another path` : 'choose a regular file, or write to stdout and redirect it');
}

function lstatIfAny(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

function safeReadlink(p: string): string {
  try {
    return path.resolve(path.dirname(p), fs.readlinkSync(p));
  } catch {
    return '?';
  }
}

/** Whether two paths name one file: the same absolute path or, both existing, the same inode. */
export function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  const sa = statIfAny(a);
  const sb = statIfAny(b);
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** Whether `target` is the SQLite database `dbPath` or one of its -wal, -shm or -journal files. */
export function isDatabaseFile(target: string, dbPath: string): boolean {
  return ['', '-wal', '-shm', '-journal'].some((suffix) => sameFile(target, `${dbPath}${suffix}`));
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary siblings of `target` left by a writer that was killed (SIGKILL, power loss)
 * before it could commit or abort: only files named like ours whose process is gone.
 */
function removeStaleTemps(target: string): string[] {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (!m || processIsAlive(Number(m[1]))) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // not ours to fight over: leave it
    }
  }
  return removed;
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
