import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { closeAssignment } from '../../../db/groups-repo.js';
import { inTransaction, resolveGroup, resolveMember, today } from './shared.js';

export interface GroupsUnassignOptions {
  readonly member: string;
  readonly groups: readonly string[];
}

export interface GroupsUnassignResult {
  readonly email: string;
  /** Groups the member left now. */
  readonly removed: readonly string[];
  /** Groups the member was not in (nothing to do). */
  readonly notIn: readonly string[];
}

/** Ends the member's assignments (removed_on = today); the rows stay as history. */
export function runGroupsUnassign(opts: GroupsUnassignOptions, ctx: CliContext): GroupsUnassignResult {
  const db = ctx.db();
  const on = today(ctx);
  const result = inTransaction(db, () => withHistoryGuard(ctx, db, 'groups unassign', null, () => {
    // Inactive members may still be unassigned: that tidies up after a departure.
    const m = resolveMember(db, opts.member, on, { active: false });
    const removed: string[] = [];
    const notIn: string[] = [];
    for (const name of opts.groups) {
      const g = resolveGroup(db, name, on);
      (closeAssignment(db, { memberId: m.id, groupId: g.id, on }) ? removed : notIn).push(g.name);
    }
    return { email: m.email, removed, notIn };
  }));
  for (const g of result.removed) ctx.info(`unassigned ${result.email} from '${g}' on ${on} (history kept)`);
  for (const g of result.notIn) ctx.info(`${result.email} is not in '${g}'; nothing changed`);
  return result;
}

