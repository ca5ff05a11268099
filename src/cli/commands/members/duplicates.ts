import type { CliContext } from '../../context.js';
import { resolveFormat } from '../../output.js';
import { isoDateOf } from '../../../core/dates.js';
import { duplicatePairs, MAX_NAME_GROUP, type DuplicatePair } from '../../../core/identity.js';
import { findDuplicateCandidates, type DuplicateMember } from '../../../db/identity-repo.js';
import { LIST_FORMATS, streamList, type ListColumn } from '../groups/shared.js';

export type DuplicateRow = DuplicatePair<DuplicateMember>;

const nameOf = (m: DuplicateMember): string => [m.first_name, m.last_name].filter((s) => s !== null && s !== '').join(' ');

export const DUPLICATE_COLUMNS: readonly ListColumn<DuplicateRow>[] = [
  { header: 'confidence', value: (p) => p.confidence, numeric: true },
  { header: 'reason', value: (p) => p.reason },
  { header: 'keep', value: (p) => p.keep.email },
  { header: 'drop', value: (p) => p.drop.email },
  { header: 'keep_name', value: (p) => nameOf(p.keep) },
  { header: 'drop_name', value: (p) => nameOf(p.drop) },
  { header: 'keep_agency', value: (p) => p.keep.agency },
  { header: 'drop_agency', value: (p) => p.drop.agency },
  { header: 'detail', value: (p) => p.detail },
  { header: 'merge', value: (p) => `aicop members merge ${p.keep.email} ${p.drop.email}` },
];

/**
 * `members duplicates`: pairs of members that are likely one person (SPEC §11), with the reason,
 * most certain first, and the merge command that would join them (keep: the active record, then
 * the earlier join).
 */
export async function runMembersDuplicates(ctx: CliContext): Promise<DuplicateRow[]> {
  const format = resolveFormat(ctx, LIST_FORMATS, 'csv');
  const db = ctx.readDb();
  const { pairs, skippedNameGroups } = duplicatePairs(findDuplicateCandidates(db), isoDateOf(ctx.now()));
  await streamList(ctx, format, pairs, DUPLICATE_COLUMNS);
  ctx.info(
    pairs.length === 0
      ? 'no likely duplicates'
      : `${pairs.length} likely ${pairs.length === 1 ? 'duplicate' : 'duplicates'}; check each, then join them with: aicop members merge <keep> <drop>`,
  );
  if (skippedNameGroups > 0) {
    ctx.info(`${skippedNameGroups} names shared by more than ${MAX_NAME_GROUP} members of one agency were left out (common names, not likely one person)`);
  }
  return pairs;
}
