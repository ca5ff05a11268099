import type { CliContext } from '../../context.js';
import { emit, renderTable, resolveFormat, type Column } from '../../output.js';
import { toCsv, type CsvColumn } from '../../../csv/write.js';
import type { AgencyLevel } from '../../../core/agency-match.js';
import { listAgencies, listUnmapped, type AgencyListRow, type UnmappedRow } from '../../../db/agencies-repo.js';

export interface AgenciesListOptions {
  readonly level?: AgencyLevel;
  readonly search?: string;
}

const FORMATS = ['table', 'csv', 'json'] as const;

const LIST_COLUMNS: readonly CsvColumn<AgencyListRow>[] = [
  { header: 'id', value: (r) => r.id, numeric: true },
  { header: 'name', value: (r) => r.name },
  { header: 'organization', value: (r) => r.organization },
  { header: 'level', value: (r) => r.level },
  { header: 'source', value: (r) => r.source },
  { header: 'domains', value: (r) => r.domains, numeric: true },
  { header: 'members', value: (r) => r.members, numeric: true },
];

/** The directory's agencies with domain and active-member counts. */
export function runAgenciesList(opts: AgenciesListOptions, ctx: CliContext): AgencyListRow[] {
  const format = resolveFormat(ctx, FORMATS, 'csv');
  const rows = listAgencies(ctx.readDb(), opts);
  if (format === 'csv') emit(ctx, toCsv(rows, LIST_COLUMNS));
  else if (format === 'json') emit(ctx, `${JSON.stringify(rows, null, 2)}\n`);
  else emit(ctx, renderTable(ctx, rows, LIST_COLUMNS as readonly Column<AgencyListRow>[]));
  ctx.info(`${rows.length} agenc${rows.length === 1 ? 'y' : 'ies'}`);
  return rows;
}

const UNMAPPED_COLUMNS: readonly CsvColumn<UnmappedRow>[] = [
  { header: 'domain', value: (r) => r.domain },
  { header: 'level', value: (r) => r.level },
  { header: 'members', value: (r) => r.members, numeric: true },
];

/** Registered domains of members that no directory entry covers, most members first. */
export function runAgenciesUnmapped(ctx: CliContext): UnmappedRow[] {
  const format = resolveFormat(ctx, FORMATS, 'csv');
  const rows = listUnmapped(ctx.readDb());
  if (format === 'csv') emit(ctx, toCsv(rows, UNMAPPED_COLUMNS));
  else if (format === 'json') emit(ctx, `${JSON.stringify(rows, null, 2)}\n`);
  else emit(ctx, renderTable(ctx, rows, UNMAPPED_COLUMNS as readonly Column<UnmappedRow>[]));
  if (rows.length > 0) ctx.info(`${rows.length} unmapped domain${rows.length === 1 ? '' : 's'}; map one with: aicop agencies add --domain <d> --name <n> --level <l>`);
  return rows;
}
