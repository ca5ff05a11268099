import type { Db } from './open.js';

/** Number of agencies in the directory. */
export function countAgencies(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM agencies').get() as { n: number }).n;
}
