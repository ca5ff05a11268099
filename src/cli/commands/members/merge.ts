import { createHash } from 'node:crypto';
import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { createBatch, createChangeRecorder, finishBatch } from '../../../db/imports-repo.js';
import { findAlias, mergeMembers, storeMergeState, type MergeRecord, type MergeResult } from '../../../db/identity-repo.js';
import { listPeriods } from '../../../db/periods-repo.js';
import { normaliseEmail } from '../../../core/email.js';
import { requireMember } from './identity.js';

export interface MembersMergeResult extends MergeResult {
  readonly keep: string;
  readonly drop: string;
  readonly batchId: number;
}

/**
 * `members merge <keep> <drop>` (SPEC §11): one person, two records. Recorded as a batch
 * (kind members, file "members merge <keep> <drop>") so `imports undo <id>` reverts it
 * exactly; asks on a terminal, needs --yes elsewhere.
 */
export async function runMembersMerge(ctx: CliContext, rawKeep: string, rawDrop: string): Promise<MembersMergeResult> {
  const db = ctx.db();
  const keepEmail = normaliseEmail(rawKeep);
  const dropEmail = normaliseEmail(rawDrop);
  if (keepEmail === dropEmail) throw new UsageError(`cannot merge ${keepEmail} with itself`, 'name two addresses: aicop members merge <keep> <drop>');
  const alias = findAlias(db, dropEmail);
  const keep = requireMember(ctx, db, keepEmail);
  if (alias && alias.member_id === keep.id) throw new UsageError(`${dropEmail} is already a former address of ${keep.email}; nothing to merge`);
  const drop = requireMember(ctx, db, dropEmail);
  if (keep.id === drop.id) throw new UsageError(`cannot merge ${keep.email} with itself`);
  const periods = listPeriods(db, drop.id).length;
  const what = `merge ${drop.email} into ${keep.email} (${periods} ${periods === 1 ? 'period' : 'periods'}, groups and attendance move; ${drop.email} becomes a former address of ${keep.email})`;
  if (!ctx.globals.yes) {
    if (!ctx.canPrompt()) ctx.requireFlag('--yes', `${what} needs confirmation`);
    await ctx.confirmOrCancel(`${what}?`);
  }
  const now = ctx.now().toISOString();
  const result = db
    .transaction((): MembersMergeResult => {
      // Again under the write lock: another command may have changed either record meanwhile.
      const k = requireMember(ctx, db, keep.email);
      const d = requireMember(ctx, db, drop.email);
      const record: MergeRecord = { command: 'members merge', keep: k.email, drop: d.email, keep_id: k.id, drop_id: d.id };
      const batchId = createBatch(db, {
        kind: 'members',
        fileName: `members merge ${k.email} ${d.email}`,
        sha256: createHash('sha256').update(`members merge ${k.email} ${d.email} ${now}`).digest('hex'),
        importedBy: ctx.user,
        startedAt: now,
        options: { ...record },
      });
      const merged = withHistoryGuard(ctx, db, `members merge ${k.email} ${d.email}`, batchId, () =>
        mergeMembers(db, k, d, { batchId, recorder: createChangeRecorder(db, batchId), nowIso: now }),
      );
      storeMergeState(db, batchId, k.id);
      finishBatch(db, batchId, { rows_read: 0, added: 0, updated: 1, unchanged: 0, reactivated: 0, deactivated: 0, rejected: 0 }, now);
      return { ...merged, keep: k.email, drop: d.email, batchId };
    })
    .immediate();
  ctx.stdout.write(`${result.keep}\n`);
  ctx.info(
    `merged ${result.drop} into ${result.keep}: ${result.periods} ${result.periods === 1 ? 'period' : 'periods'}, ${result.attendanceMoved} attendance rows and ${result.assignmentsMoved + result.assignmentsUnited} groups moved; ${result.drop} is now a former address\nbatch ${result.batchId} (to revert it: aicop imports undo ${result.batchId})`,
  );
  return result;
}
