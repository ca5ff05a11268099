import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { DatabaseError, fromSqliteError } from '../errors.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations/index.js';
import { shellQuote } from '../core/shell.js';
import { tellLockWaits, type LockWaitListener } from './lock-wait.js';

export type Db = BetterSqlite3.Database;

export interface OpenOptions {
  /** Seconds to wait for another writer's lock (busy_timeout). */
  readonly waitSeconds: number;
  /** Create the file when it does not exist (else a DatabaseError). */
  readonly create: boolean;
  /** Apply pending migrations (false for `db check`, which only inspects). */
  readonly migrate: boolean;
  /**
   * Never write (lists, reports, exports): query_only where the user can write, else a read-only
   * connection, so readers work in a read-only folder (SPEC §9). Pending migrations still run
   * when `migrate` is set and the user can write.
   */
  readonly readonly?: boolean;
  /** Told once when a write has waited a second for another process's lock (see lock-wait.ts). */
  readonly onLockWait?: LockWaitListener;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

const require = createRequire(import.meta.url);
let DatabaseCtor: typeof BetterSqlite3 | undefined;
function loadDriver(): typeof BetterSqlite3 {
  // Loaded on first use so that --help and --version never pay for the native module.
  DatabaseCtor ??= require('better-sqlite3') as typeof BetterSqlite3;
  return DatabaseCtor;
}

/** Refuses, before SQLite touches it, a file that is not an SQLite database. */
function assertSqliteFile(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new DatabaseError(`${file}: cannot read the database file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check its permissions, or use --db <path>');
  }
  try {
    const header = Buffer.alloc(16);
    const n = fs.readSync(fd, header, 0, 16, 0);
    if (n === 0) return; // an empty file is a valid, empty SQLite database
    if (n < 16 || !header.equals(SQLITE_MAGIC)) {
      throw new DatabaseError(
        `${file}: not an SQLite database (the file was left untouched)`,
        'point --db at an aicop database, or move this file away and run: aicop init',
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}

function createEmptyFile(file: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fd = fs.openSync(file, 'wx', 0o600);
    fs.closeSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    throw new DatabaseError(`${file}: cannot create the database (${code ?? String(err)})`, 'check the folder permissions, or use --db <path>');
  }
}

/** Reads the schema version without writing anything. */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Refuses, before anything opens it, a path that is not a regular file: a FIFO would block the
 * open (and SIGTERM) forever, a device or folder is never a database. Returns false when nothing
 * is there. A symlink to a regular file is followed, as SQLite does.
 */
export function databaseFileExists(file: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'ENOTDIR') throw new DatabaseError(`${file}: a part of this path is a file, not a folder`, 'pass --db <path/to/file.db>');
    throw new DatabaseError(`${file}: cannot read the database file (${code ?? String(err)})`, 'check its permissions, or use --db <path>');
  }
  if (st.isFile()) return true;
  const what = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
  throw new DatabaseError(`${file}: is ${what}, not a database file (nothing was opened)`, 'pass --db <path/to/file.db>');
}

/**
 * Opens the database, sets WAL, foreign keys and the busy timeout, and applies pending
 * migrations, each in its own transaction. Only `create` (aicop init) makes a missing file
 * (mode 0600, parent folders too): any other command on a mistyped --db or AICOP_DB must fail
 * rather than work on a new empty database (SPEC §9 cron safety).
 */
export function openDatabase(file: string, opts: OpenOptions): Db {
  if (!databaseFileExists(file)) {
    if (!opts.create) {
      throw new DatabaseError(
        `${file}: no aicop database here (nothing was created)`,
        `check --db / AICOP_DB for a typo, or create it with: aicop --db ${shellQuote(file)} init`,
      );
    }
    createEmptyFile(file);
  } else {
    assertSqliteFile(file);
  }
  const Driver = loadDriver();
  // A reader in a folder it can write gets an ordinary connection made read-only by query_only:
  // SQLite can then fold the -wal back and remove it and the -shm on close, as a writer does.
  // Only where it cannot write is the connection opened read-only (see openReadOnly).
  const trulyReadOnly = opts.readonly === true && !canWrite(file);
  let db: Db | undefined;
  try {
    db = trulyReadOnly
      ? openReadOnly(Driver, file, opts.waitSeconds)
      : new Driver(file, { fileMustExist: true, readonly: false, timeout: Math.round(opts.waitSeconds * 1000) });
    if (opts.onLockWait !== undefined && !trulyReadOnly) tellLockWaits(db, opts.waitSeconds, opts.onLockWait);
    // A read first: on a damaged file this fails before any write could touch it.
    const version = schemaVersion(db);
    if (version > LATEST_VERSION) {
      throw new DatabaseError(
        `${file}: the database schema is version ${version}, newer than this aicop understands (${LATEST_VERSION}); nothing was changed`,
        'upgrade aicop to the version that last wrote this database',
      );
    }
    if (trulyReadOnly && opts.migrate && version < LATEST_VERSION) {
      throw new DatabaseError(
        `${file}: the database has schema version ${version} and needs upgrading to ${LATEST_VERSION}, but this user cannot write it or its folder; nothing was changed`,
        'run any aicop command once as a user who can write the database and its folder',
      );
    }
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (opts.migrate && !trulyReadOnly) migrate(db);
    if (opts.readonly && !trulyReadOnly) db.pragma('query_only = ON');
    return db;
  } catch (err) {
    db?.close();
    throw fromSqliteError(err, file, opts.waitSeconds) ?? err;
  }
}

/** Whether this process may write the database file and create files beside it (-wal, -shm). */
function canWrite(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
    fs.accessSync(path.dirname(file), fs.constants.W_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A read-only connection. In a folder the user cannot write, SQLite cannot create the -shm file
 * a WAL database is read through (SQLITE_READONLY_DIRECTORY, or CANTOPEN): then, when no -wal
 * holds changes the main file lacks, the file is read into memory and opened from there (the
 * header's WAL flag set back to rollback, which an in-memory database needs). better-sqlite3 is
 * built without URI filenames, so `?immutable=1` is not available. The copy costs memory the
 * size of the file; it is only taken in that case.
 */
function openReadOnly(Driver: typeof BetterSqlite3, file: string, waitSeconds: number): Db {
  const db = new Driver(file, { fileMustExist: true, readonly: true, timeout: Math.round(waitSeconds * 1000) });
  try {
    schemaVersion(db);
    return db;
  } catch (err) {
    db.close();
    const code = (err as { code?: unknown }).code;
    if (code !== 'SQLITE_READONLY_DIRECTORY' && code !== 'SQLITE_CANTOPEN' && code !== 'SQLITE_READONLY_CANTINIT') throw err;
    if ((statSize(`${file}-wal`) ?? 0) > 0) {
      throw new DatabaseError(
        `${file}: the database folder is read-only and ${path.basename(file)}-wal holds changes not yet in the database file; nothing can read them without writing beside it`,
        'run any aicop command once as a user who can write to the folder (it folds the -wal in), or copy the folder somewhere writable',
      );
    }
    const bytes = fs.readFileSync(file);
    if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) {
      bytes[18] = 1;
      bytes[19] = 1;
    }
    return new Driver(bytes, { readonly: true });
  }
}

function statSize(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

/** Applies every migration newer than the file's user_version. Returns the versions applied. */
export function migrate(db: Db): number[] {
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= schemaVersion(db)) continue;
    const step = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (m.version <= schemaVersion(db)) return false;
      if (m.sql) db.exec(m.sql);
      m.up?.(db);
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    if (step.immediate()) applied.push(m.version);
  }
  return applied;
}

export { LATEST_VERSION };
