/**
 * The one place that knows aicop's exit codes (SPEC §2). Commands throw these errors or
 * return a result; only cli/main.ts turns them into a process exit code. It sits at the top of
 * src/ and imports nothing of aicop, so db/, csv/ and cli/ can all throw them without a lower
 * layer reaching up into the CLI.
 */
export const ExitCode = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  PARTIAL: 3,
  INPUT: 4,
  DATABASE: 5,
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure with a message for the user and the exit code it maps to. */
export class AicopError extends Error {
  readonly exitCode: ExitCode;
  /** What the user can do next, printed on its own line after the message. */
  readonly hint: string | undefined;
  constructor(exitCode: ExitCode, message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

export class UsageError extends AicopError {
  constructor(message: string, hint?: string) {
    super(ExitCode.USAGE, message, hint);
  }
}

/** Bad input file or data; the database was not changed. */
export class InputError extends AicopError {
  constructor(message: string, hint?: string) {
    super(ExitCode.INPUT, message, hint);
  }
}

/** The database could not be used; it was not changed. */
export class DatabaseError extends AicopError {
  constructor(message: string, hint?: string) {
    super(ExitCode.DATABASE, message, hint);
  }
}

/**
 * The user answered "no" to a confirmation (or took its default, No). Exit 2, as when --yes is
 * missing without a terminal: the confirmation the command needs was not given. cli/main.ts
 * prints it without "error:", the same words for every command: it is the user's choice, not a
 * failure.
 */
export class CancelledError extends AicopError {
  constructor() {
    super(ExitCode.USAGE, 'cancelled; nothing was changed');
  }
}

export class InterruptedError extends AicopError {
  constructor(message = 'interrupted; nothing was changed') {
    super(ExitCode.INTERRUPTED, message);
  }
}

interface SqliteLikeError {
  code?: unknown;
  message?: unknown;
}

/**
 * Turns a better-sqlite3 error into a DatabaseError with a next step, or returns undefined
 * when the error is not a database condition the user can act on (then it is a bug).
 */
export function fromSqliteError(err: unknown, dbPath: string | undefined, waitSeconds?: number): DatabaseError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as SqliteLikeError;
  const code = typeof e.code === 'string' ? e.code : '';
  if (!code.startsWith('SQLITE_')) return undefined;
  const where = dbPath ? `${dbPath}: ` : '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    const waited = waitSeconds === undefined ? '' : ` after waiting ${waitSeconds}s`;
    return new DatabaseError(
      `${where}database is locked by another process${waited}; nothing was changed`,
      'wait for the other aicop command to finish, or raise --wait <seconds>',
    );
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new DatabaseError(
      `${where}the database file is corrupt or not an aicop database (${code})`,
      'restore it from a backup (aicop db backup makes one) or point --db at another file',
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL') {
    return new DatabaseError(
      `${where}the database cannot be written (${code}: ${String(e.message ?? '')})`,
      'check the file and folder permissions and free disk space, or use --db <path>',
    );
  }
  return undefined;
}
