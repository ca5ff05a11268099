import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { archiveGroup, findGroup } from '../../../db/groups-repo.js';
import { inTransaction, kindLabel, resolveGroup, today } from './shared.js';

export interface GroupsRemoveOptions {
  readonly name: string;
}

export interface GroupsRemoveResult {
  readonly name: string;
  /** False when the user declined the confirmation. */
  readonly removed: boolean;
  /** Assignments ended by the removal. */
  readonly closedAssignments: number;
}

/**
 * Archives a group (never deletes it: its assignment history stays for the reports). Built-in
 * groups (SPEC §6) are refused. A group with members needs --yes or a confirmation.
 */
export async function runGroupsRemove(opts: GroupsRemoveOptions, ctx: CliContext): Promise<GroupsRemoveResult> {
  const db = ctx.db();
  const on = today(ctx);
  const g = resolveGroup(db, opts.name, on);
  if (g.builtin) {
    throw new UsageError(`'${g.name}' is a built-in ${kindLabel(g.kind)} of the CoP and cannot be removed`, 'only groups added with aicop groups add can be removed');
  }
  if (g.members > 0 && !ctx.globals.yes) {
    const what = `'${g.name}' has ${g.members} active member${g.members === 1 ? '' : 's'}; removing it ends their assignments`;
    if (!ctx.canPrompt()) ctx.requireFlag('--yes', what);
    await ctx.confirmOrCancel(`${what}. Remove it?`);
  }
  const closed = inTransaction(db, () => withHistoryGuard(ctx, db, 'groups remove', null, () => {
    // Re-read under the write lock: another command may have removed it meanwhile.
    const now = findGroup(db, g.name, on);
    if (!now || now.archivedOn !== null) throw new UsageError(`group '${g.name}' was removed meanwhile`, 'see the current groups with: aicop groups list');
    return archiveGroup(db, g.id, on);
  }));
  ctx.stdout.write(`${g.name}\n`);
  ctx.info(`removed ${kindLabel(g.kind)} '${g.name}' on ${on}; ended ${closed} assignment${closed === 1 ? '' : 's'} (history kept)`);
  return { name: g.name, removed: true, closedAssignments: closed };
}
