import type BetterSqlite3 from 'better-sqlite3';

type Db = BetterSqlite3.Database;

/** Told once, after a write has waited this long for another process's lock. */
export const LOCK_NOTICE_AFTER_SECONDS = 1;

/** Called once per connection when a write has waited LOCK_NOTICE_AFTER_SECONDS for the lock. */
export type LockWaitListener = (waitSeconds: number) => void;

interface LockWait {
  readonly waitSeconds: number;
  readonly onWait: LockWaitListener;
  told: boolean;
}

const waits = new WeakMap<Db, LockWait>();

function isBusy(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function setTimeout(db: Db, seconds: number): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(seconds * 1000))}`);
}

/**
 * Takes the write lock with `begin` (BEGIN IMMEDIATE, or a transaction function whose first step
 * it is): SQLite's busy timeout blocks the thread, so nothing can be printed while it waits. The
 * wait is cut in two: LOCK_NOTICE_AFTER_SECONDS first; when the lock is still held, the listener
 * is told (once) and the rest of the wait follows. `begun()` says whether the lock was taken
 * (then a busy error is not the lock's and is not retried).
 */
function takeLock<T>(db: Db, begin: () => T, begun: () => boolean): T {
  const w = waits.get(db);
  if (w === undefined || w.told || db.inTransaction || w.waitSeconds <= LOCK_NOTICE_AFTER_SECONDS) return begin();
  setTimeout(db, LOCK_NOTICE_AFTER_SECONDS);
  try {
    return begin();
  } catch (err) {
    if (!isBusy(err) || begun()) throw err;
    w.told = true;
    w.onWait(w.waitSeconds);
    setTimeout(db, w.waitSeconds - LOCK_NOTICE_AFTER_SECONDS);
    return begin();
  } finally {
    setTimeout(db, w.waitSeconds);
  }
}

/**
 * Makes the connection's write transactions (`db.transaction(fn).immediate()` and `.exclusive()`)
 * and beginImmediate() tell `onWait` when they have waited a second for another process's lock.
 * Deferred transactions take the lock at their first write, inside fn, and wait silently.
 */
export function tellLockWaits(db: Db, waitSeconds: number, onWait: LockWaitListener): void {
  waits.set(db, { waitSeconds, onWait, told: false });
  const original = db.transaction.bind(db);
  db.transaction = <F extends Parameters<Db['transaction']>[0]>(fn: F): BetterSqlite3.Transaction<F> => {
    let began = false;
    const tx = original(function (this: unknown, ...args: Parameters<F>): unknown {
      began = true;
      // The lock is held: statements inside wait (for a checkpoint, say) the full time again.
      setTimeout(db, waitSeconds);
      return fn.apply(this, args);
    });
    const locking = (variant: (...args: Parameters<F>) => unknown) =>
      function (this: unknown, ...args: Parameters<F>): unknown {
        began = false;
        return takeLock(db, () => variant.apply(this, args), () => began);
      };
    // better-sqlite3's variants are frozen functions: ours are new ones with the same properties.
    const deflt = function (this: unknown, ...args: Parameters<F>): unknown {
      return tx.apply(this, args);
    };
    const immediate = locking(tx.immediate);
    const exclusive = locking(tx.exclusive);
    const props = { default: { value: deflt }, deferred: { value: tx.deferred }, immediate: { value: immediate }, exclusive: { value: exclusive }, database: { value: db } };
    for (const f of [deflt, immediate, exclusive]) Object.defineProperties(f, props);
    return deflt as unknown as BetterSqlite3.Transaction<F>;
  };
}

/** BEGIN IMMEDIATE that tells the connection's listener (tellLockWaits) when it waits a second. */
export function beginImmediate(db: Db): void {
  takeLock(db, () => db.exec('BEGIN IMMEDIATE'), () => db.inTransaction);
}
