import type { CliContext } from '../../context.js';
import { emit, resolveFormat } from '../../output.js';
import { listGroups, type GroupKind, type GroupRow } from '../../../db/groups-repo.js';
import { LIST_FORMATS, renderList, today, type ListColumn } from './shared.js';

export interface GroupsListOptions {
  readonly kind?: GroupKind;
  readonly all: boolean;
}

const COLUMNS: readonly ListColumn<GroupRow>[] = [
  { header: 'kind', value: (g) => g.kind },
  { header: 'name', value: (g) => g.name },
  { header: 'members', value: (g) => g.members, numeric: true },
  { header: 'capacity', value: (g) => g.capacity, numeric: true },
  { header: 'description', value: (g) => g.description },
];
const ARCHIVED: ListColumn<GroupRow> = { header: 'archived_on', value: (g) => g.archivedOn };

export function runGroupsList(opts: GroupsListOptions, ctx: CliContext): GroupRow[] {
  const format = resolveFormat(ctx, LIST_FORMATS, 'csv');
  const rows = listGroups(ctx.readDb(), today(ctx), { ...(opts.kind ? { kind: opts.kind } : {}), includeArchived: opts.all });
  emit(ctx, renderList(ctx, format, rows, opts.all ? [...COLUMNS, ARCHIVED] : COLUMNS));
  return rows;
}
