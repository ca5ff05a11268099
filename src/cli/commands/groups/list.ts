import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../../context.js';
import { withExamples } from '../../help.js';
import { emit, resolveFormat } from '../../output.js';
import { listGroups, type GroupKind, type GroupRow } from '../../../db/groups-repo.js';
import { LIST_FORMATS, parseKind, renderList, today, type ListColumn } from './shared.js';

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
  const rows = listGroups(ctx.db(), today(ctx), { ...(opts.kind ? { kind: opts.kind } : {}), includeArchived: opts.all });
  emit(ctx, renderList(ctx, format, rows, opts.all ? [...COLUMNS, ARCHIVED] : COLUMNS));
  return rows;
}

export function registerGroupsList(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('list')
    .description('list working groups and practice areas with their current members and capacity')
    .addOption(new Option('--kind <kind>', 'only working_group or practice_area').argParser(parseKind))
    .option('--all', 'include removed (archived) groups', false)
    .action((o: { kind?: GroupKind; all: boolean }) => {
      runGroupsList({ ...(o.kind ? { kind: o.kind } : {}), all: o.all }, ctx);
    });
  return withExamples(cmd, 'aicop groups list', 'aicop groups list --kind practice_area --format json');
}
