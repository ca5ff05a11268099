import type { Db } from './open.js';

/** Number of groups (working groups and practice areas), archived ones included. */
export function countGroups(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM groups').get() as { n: number }).n;
}
