import type { CliContext } from '../context.js';
import { schemaVersion } from '../../db/open.js';
import { countGroups } from '../../db/groups-repo.js';
import { countAgencies } from '../../db/agencies-repo.js';

export interface InitResult {
  readonly path: string;
  readonly schemaVersion: number;
  readonly groups: number;
  readonly agencies: number;
}

/** Creates and migrates the database (idempotent); seeding happens in migrations. */
export function runInit(ctx: CliContext): InitResult {
  const db = ctx.createDb();
  const result: InitResult = { path: ctx.dbPath(), schemaVersion: schemaVersion(db), groups: countGroups(db), agencies: countAgencies(db) };
  ctx.stdout.write(`${result.path}\n`);
  ctx.info(`database ready: schema version ${result.schemaVersion}, ${result.groups} groups, ${result.agencies} agencies`);
  return result;
}
