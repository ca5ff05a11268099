import type { CliContext } from '../../context.js';
import { resolveFormat } from '../../output.js';
import { groupMembers, type GroupMemberRow } from '../../../db/groups-repo.js';
import { LIST_FORMATS, resolveGroup, streamList, today, type ListColumn } from './shared.js';

export interface GroupsMembersOptions {
  readonly group: string;
  readonly history: boolean;
}

const COLUMNS: readonly ListColumn<GroupMemberRow>[] = [
  { header: 'email', value: (m) => m.email },
  { header: 'first_name', value: (m) => m.firstName },
  { header: 'last_name', value: (m) => m.lastName },
  { header: 'assigned_on', value: (m) => m.assignedOn },
  { header: 'source', value: (m) => m.source },
];
const REMOVED: ListColumn<GroupMemberRow> = { header: 'removed_on', value: (m) => m.removedOn };

/** Writes the group's members (streamed: a slow reader holds aicop to one batch); returns how many rows. */
export async function runGroupsMembers(opts: GroupsMembersOptions, ctx: CliContext): Promise<number> {
  const format = resolveFormat(ctx, LIST_FORMATS, 'csv');
  const db = ctx.readDb();
  const on = today(ctx);
  // The history of a removed group stays readable.
  const g = resolveGroup(db, opts.group, on, undefined, { allowArchived: opts.history });
  const count = await streamList(ctx, format, groupMembers(db, g.id, on, opts.history), opts.history ? [...COLUMNS, REMOVED] : COLUMNS);
  ctx.info(`${g.name}: ${g.members} active member${g.members === 1 ? '' : 's'}${g.capacity === null ? '' : ` of ${g.capacity}`}`);
  return count;
}
