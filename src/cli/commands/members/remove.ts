import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { isoDateOf } from '../../../core/dates.js';
import { findMemberByEmail, writeMember } from '../../../db/members-repo.js';
import { purgeMember } from '../../../db/purge-repo.js';
import { leave } from '../../../db/periods-repo.js';
import { normaliseEmail } from '../../../core/email.js';

export interface MembersRemoveResult {
  readonly email: string;
  readonly action: 'deactivated' | 'purged' | 'already-inactive';
  readonly leftOn: string | null;
}

/**
 * `members remove <email>`: the member's period ends today (history and reports keep them).
 * `--purge` deletes the member and their group history instead (for data-protection requests);
 * it asks for confirmation on a terminal and needs --yes elsewhere.
 */
export async function runMembersRemove(ctx: CliContext, rawEmail: string, purge: boolean): Promise<MembersRemoveResult> {
  const email = normaliseEmail(rawEmail);
  const db = ctx.db();
  // A purge zeroes what it deletes (SQLite's secure_delete); `db vacuum` then rebuilds the file.
  if (purge) db.pragma('secure_delete = ON');
  const m = findMemberByEmail(db, email);
  if (!m) throw new UsageError(`${email} is not a member`, 'see: aicop members list --status all --search <text>');
  if (purge) {
    if (!ctx.globals.yes) {
      if (!ctx.canPrompt()) ctx.requireFlag('--yes', `purging ${email} deletes the member and their group history for good`);
      await ctx.confirmOrCancel(`delete ${email} and their group history for good?`);
    }
    db.transaction(() => withHistoryGuard(ctx, db, 'members remove --purge', null, () => purgeMember(db, m.id))).immediate();
    ctx.info(`purged ${email}: the member, their group history, their import history and rejected rows; their attendance is kept without name or address`);
    ctx.info('the deleted bytes stay in the file until: aicop db vacuum');
    return { email, action: 'purged', leftOn: null };
  }
  if (m.left_on !== null) {
    ctx.info(`${email} already left on ${m.left_on}; nothing to change`);
    return { email, action: 'already-inactive', leftOn: m.left_on };
  }
  const now = ctx.now();
  const today = isoDateOf(now);
  const leftOn = db
    .transaction(() => withHistoryGuard(ctx, db, 'members remove', null, () => {
      const end = leave(db, m.id, today, { batchId: null }) ?? today;
      writeMember(db, { ...m, left_on: end }, now.toISOString(), null);
      return end;
    }))
    .immediate();
  ctx.info(`${email} left on ${leftOn} (inactive; aicop members add --email ${email} brings them back)`);
  return { email, action: 'deactivated', leftOn };
}
