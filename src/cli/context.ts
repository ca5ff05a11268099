import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { Db } from '../db/open.js';
import { resolveDbPath } from '../db/path.js';
import { CancelledError, InterruptedError, UsageError } from '../errors.js';
import type { Prompter } from './prompter.js';
import { visible } from './visible.js';

/** Options every command accepts (SPEC §1). */
export interface GlobalOptions {
  readonly db?: string;
  readonly format?: string;
  readonly output?: string;
  readonly quiet: boolean;
  readonly color: boolean;
  readonly yes: boolean;
  /** --strict-history: a write that would change a closed fiscal year's figures fails (exit 4). */
  readonly strictHistory?: boolean;
  readonly wait: number;
  readonly verbose: boolean;
  /** --wide: tables show every column, cells in full, whatever the terminal's width. */
  readonly wide?: boolean;
}

/** The styles aicop applies: chalk's when colour is on, the text unchanged when it is off. */
export interface Colors {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

const same = (text: string): string => text;
/** What chalk at level 0 does: every style returns its text as is. */
const PLAIN: Colors = { bold: same, dim: same, red: same, yellow: same, green: same, cyan: same };

type OpenDatabase = typeof import('../db/open.js').openDatabase;

// Start-up time: the database layer and chalk are imported by prepare(), before a command runs,
// so that --help, --version and a mistyped command never load them (SPEC's start-up target).
let openDatabaseFn: OpenDatabase | undefined;
let ChalkClass: typeof import('chalk').Chalk | undefined;

const DEFAULT_GLOBALS: GlobalOptions = { quiet: false, color: true, yes: false, wait: 10, verbose: false };

export interface ContextInit {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly home: string;
  readonly user: string;
  readonly now: () => Date;
  readonly prompter: Prompter;
  readonly signal: AbortSignal;
  /** The terminal's width in columns when stdout is one (process.stdout.columns). */
  readonly columns?: number | undefined;
}

/**
 * Everything a command may touch of the outside world: streams, TTY state, colour, prompts,
 * environment, clock and the (lazily opened) database. Tests build one with buffers.
 */
export class CliContext {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly home: string;
  readonly user: string;
  readonly now: () => Date;
  readonly prompter: Prompter;
  readonly signal: AbortSignal;
  /**
   * The width tables and help fit: $COLUMNS when set (scripts, tests), else the terminal's, else
   * undefined (not a terminal: tables are tab-separated and never truncated).
   */
  readonly columns: number | undefined;
  globals: GlobalOptions = DEFAULT_GLOBALS;
  /** The formats the running command offers (help.ts), set before its action runs. */
  offeredFormats: readonly string[] | undefined;
  /** Set by a command that finished with rejected rows (3) or another non-error outcome. */
  exitCode = 0;
  private database: Db | undefined;
  /** Whether `database` was opened by readDb() (query_only or read-only). */
  private databaseReadOnly = false;

  constructor(init: ContextInit) {
    this.stdin = init.stdin;
    this.stdout = init.stdout;
    this.stderr = init.stderr;
    this.stdinIsTTY = init.stdinIsTTY;
    this.stdoutIsTTY = init.stdoutIsTTY;
    this.stderrIsTTY = init.stderrIsTTY;
    this.env = init.env;
    this.cwd = init.cwd;
    this.home = init.home;
    this.user = init.user;
    this.now = init.now;
    this.prompter = init.prompter;
    this.signal = init.signal;
    const fromEnv = Number(init.env.COLUMNS);
    this.columns = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : init.columns;
  }

  /** The database path in force: --db, $AICOP_DB, then the XDG default. */
  dbPath(): string {
    return resolveDbPath(this.globals.db, this.env, this.home, this.cwd);
  }

  /**
   * Loads what a running command may need synchronously: the database layer (unless the command
   * never opens it), and chalk when a stream will be coloured. main() calls it before every
   * command's action; it is cheap after the first call.
   */
  async prepare(opts: { readonly database: boolean }): Promise<void> {
    if (opts.database) openDatabaseFn ??= (await import('../db/open.js')).openDatabase;
    await this.prepareColor();
  }

  /** Loads chalk only when --no-color, NO_COLOR, FORCE_COLOR and TTY state leave colour on. */
  async prepareColor(): Promise<void> {
    if (ChalkClass === undefined && (this.colorLevel(this.stdoutIsTTY) > 0 || this.colorLevel(this.stderrIsTTY) > 0)) {
      ChalkClass = (await import('chalk')).Chalk;
    }
  }

  /**
   * Opens and migrates the database on first call; later calls reuse it. A missing database is
   * a DatabaseError (exit 5): only `aicop init` creates one, through createDb().
   */
  db(): Db {
    return this.openDb(false);
  }

  /**
   * The database for a command that only reads (lists, shows, reports, exports): opened
   * read-only, so it works in a folder the user cannot write (SPEC §9). A database of an older
   * schema is still migrated on first use, which needs write access. A command that already
   * opened the database for writing gets that connection.
   */
  readDb(): Db {
    if (openDatabaseFn === undefined) throw new Error('ctx.readDb() called before ctx.prepare({ database: true })');
    if (this.database === undefined) {
      this.database = openDatabaseFn(this.dbPath(), { waitSeconds: this.globals.wait, create: false, migrate: true, readonly: true, onLockWait: this.onLockWait });
      this.databaseReadOnly = true;
    }
    return this.database;
  }

  /** db() for `aicop init`: creates the file (mode 0600, parent folders too) when it is missing. */
  createDb(): Db {
    return this.openDb(true);
  }

  private openDb(create: boolean): Db {
    if (openDatabaseFn === undefined) throw new Error('ctx.db() called before ctx.prepare({ database: true })');
    if (this.databaseReadOnly) {
      // A command that read first and now writes gets a writing connection, not a refused write.
      this.close();
      this.databaseReadOnly = false;
    }
    this.database ??= openDatabaseFn(this.dbPath(), { waitSeconds: this.globals.wait, create, migrate: true, onLockWait: this.onLockWait });
    return this.database;
  }

  private lockWaitTold = false;
  /**
   * Says, once per command, that a write is waiting for another process's lock: the wait is
   * silent otherwise, up to --wait seconds. Progress, so --quiet silences it (a cron job that
   * waited and then succeeded has nothing to report).
   */
  private readonly onLockWait = (waitSeconds: number): void => {
    if (this.lockWaitTold) return;
    this.lockWaitTold = true;
    this.info(`waiting for the database lock (held by another aicop process, up to ${waitSeconds} s)…`);
  };

  /** True once db() has opened the database during this command. */
  hasOpenDb(): boolean {
    return this.database !== undefined;
  }

  close(): void {
    if (this.database?.open) this.database.close();
    this.database = undefined;
    this.databaseReadOnly = false;
  }

  /** Colour for a stream, honouring --no-color, NO_COLOR, FORCE_COLOR and TTY state. */
  colorFor(stream: 'stdout' | 'stderr'): Colors {
    const level = this.colorLevel(stream === 'stdout' ? this.stdoutIsTTY : this.stderrIsTTY);
    // Without prepare() (a context used outside main) there is no chalk: plain text, never a crash.
    return level === 0 || ChalkClass === undefined ? PLAIN : new ChalkClass({ level });
  }

  private colorLevel(isTTY: boolean): 0 | 1 | 2 | 3 {
    if (!this.globals.color) return 0;
    const force = this.env.FORCE_COLOR;
    if (force !== undefined) {
      if (force === '0' || force === 'false') return 0;
      const n = Number(force);
      return n === 2 || n === 3 ? n : 1;
    }
    if (this.env.NO_COLOR !== undefined && this.env.NO_COLOR !== '') return 0;
    if (this.env.TERM === 'dumb') return 0;
    return isTTY ? 1 : 0;
  }

  /** Prompts are allowed only on a TTY, without --yes, and outside CI. */
  canPrompt(): boolean {
    return this.stdinIsTTY && this.stdoutIsTTY && !this.globals.yes && !this.env.CI;
  }

  /** Throws the usage error that names the flag a non-interactive run must pass. */
  requireFlag(flag: string, what: string): never {
    throw new UsageError(`${what}: pass ${flag} (no prompt without a terminal, with --yes or when CI is set)`);
  }

  /**
   * Asks a yes/no question that defaults to No; "no" throws CancelledError (exit 2, "aicop:
   * cancelled; nothing was changed"), the one rule for every declined confirmation. The caller
   * checks --yes and canPrompt() first.
   */
  async confirmOrCancel(question: string): Promise<void> {
    if (!(await this.prompter.confirm({ message: question, default: false }))) throw new CancelledError();
  }

  /** Progress and summaries: stderr, silenced by --quiet. */
  info(message: string): void {
    if (!this.globals.quiet) this.stderr.write(visible(message.endsWith('\n') ? message : `${message}\n`, true));
  }

  /** Warnings: stderr, silenced by --quiet. */
  warn(message: string): void {
    if (this.globals.quiet) return;
    const c = this.colorFor('stderr');
    // Warnings quote file names, headers and cells: their control codes are shown, not obeyed.
    this.stderr.write(`${c.yellow('warning:')} ${visible(message, true)}\n`);
  }

  /**
   * Warnings that --quiet does not silence: data the command is about to leave out (unknown
   * columns) must never go unmentioned.
   */
  warnAlways(message: string): void {
    const c = this.colorFor('stderr');
    this.stderr.write(`${c.yellow('warning:')} ${visible(message, true)}\n`);
  }

  /** Throws the InterruptedError (exit 130) the signal handler aborted with, once Ctrl-C / SIGTERM arrived. */
  throwIfInterrupted(): void {
    if (this.signal.aborted) throw this.signal.reason instanceof InterruptedError ? this.signal.reason : new InterruptedError();
  }
}

export function currentUser(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'unknown';
  }
}

/**
 * The clock: the real time, or "as of" AICOP_NOW (YYYY-MM-DD, taken at noon local time, or a
 * full ISO timestamp) so that a history can be replayed on chosen dates (tests, demos). A value
 * that is not a date is ignored.
 */
export function clockFromEnv(value: string | undefined): () => Date {
  if (value === undefined || value.trim() === '') return () => new Date();
  const v = value.trim();
  const fixed = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T12:00:00` : v);
  return Number.isNaN(fixed.getTime()) ? () => new Date() : () => fixed;
}
