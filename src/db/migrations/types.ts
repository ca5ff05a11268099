import type { Database } from 'better-sqlite3';

/** One numbered schema step. Never edit one that has landed on main: add the next number. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Plain SQL run in the migration's transaction. */
  readonly sql?: string;
  /** Extra work (seeding from data/) run after `sql`, in the same transaction. */
  readonly up?: (db: Database) => void;
}
