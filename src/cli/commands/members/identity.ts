import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { didYouMean } from '../../../core/suggest.js';
import { memberEmailCandidates } from '../../../db/groups-repo.js';
import { findAlias, memberById } from '../../../db/identity-repo.js';
import { findMemberByEmail, type MemberRow } from '../../../db/members-repo.js';
import type { Db } from '../../../db/open.js';
import { normaliseEmail } from '../../../core/email.js';

/**
 * The member an argument names by their current address. A former address (an alias) or an
 * unknown one is a usage error that names the current address or the closest known one.
 */
export function requireMember(ctx: CliContext, db: Db, raw: string): MemberRow {
  const email = normaliseEmail(raw);
  const m = findMemberByEmail(db, email);
  if (m) return m;
  const alias = findAlias(db, email);
  const owner = alias ? memberById(db, alias.member_id) : undefined;
  if (owner) {
    throw new UsageError(`${email} is a former address of ${owner.email} (${alias?.reason === 'merge' ? 'merged' : 'renamed'}); use the member's current address`, `see: aicop members show ${owner.email}`);
  }
  void ctx;
  throw new UsageError(`no member with email '${email}'${didYouMean(email, memberEmailCandidates(db, email))}`, 'see them with: aicop members list --status all --search <text>');
}
