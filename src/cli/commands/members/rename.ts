import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { isoDateOf, parseDate } from '../../../core/dates.js';
import { checkEmail } from '../../../core/email.js';
import { createAgencyResolver } from '../../../db/agencies-repo.js';
import { loadDomainRules } from '../../../db/domains-repo.js';
import { findAlias, memberById, renameMember } from '../../../db/identity-repo.js';
import { findMemberByEmail } from '../../../db/members-repo.js';
import { requireMember } from './identity.js';

export interface MembersRenameOptions {
  readonly from: string;
  readonly to: string;
  /** When the new address's agency takes effect (default: today). */
  readonly effective?: string | undefined;
}

export interface MembersRenameResult {
  readonly from: string;
  readonly to: string;
  readonly effective: string;
  readonly agencyChanged: boolean;
}

/**
 * `members rename <old> <new>` (SPEC §11): same person, new address. Periods, groups,
 * attendance and history stay; the agency changes from --effective (default today); the old
 * address becomes an alias that later rosters and attendance files resolve to the member.
 */
export function runMembersRename(ctx: CliContext, opts: MembersRenameOptions): MembersRenameResult {
  const db = ctx.db();
  let effective: string | undefined;
  if (opts.effective !== undefined) {
    effective = parseDate(opts.effective) ?? undefined;
    if (effective === undefined) throw new UsageError(`--effective: "${opts.effective}" is not a real date as YYYY-MM-DD, M/D/YYYY or M/D/YY`);
  }
  const check = checkEmail(opts.to, loadDomainRules(db));
  if (!check.ok) throw new UsageError(`new address: ${check.detail} (${check.reason})`);
  const to = check.email;
  const on = effective ?? isoDateOf(ctx.now());
  const result = db
    .transaction((): MembersRenameResult => {
      const m = requireMember(ctx, db, opts.from);
      if (to === m.email) throw new UsageError(`${to} is already ${m.email}'s address; nothing to rename`);
      const other = findMemberByEmail(db, to);
      if (other) {
        throw new UsageError(
          `${to} is already a member; a rename cannot take another member's address`,
          `if both are one person, merge them: aicop members merge ${to} ${m.email}`,
        );
      }
      const alias = findAlias(db, to);
      if (alias && alias.member_id !== m.id) {
        const owner = memberById(db, alias.member_id);
        throw new UsageError(
          `${to} is a former address of ${owner?.email ?? 'another member'}`,
          `if both are one person, merge them: aicop members merge ${owner?.email ?? to} ${m.email}`,
        );
      }
      return withHistoryGuard(ctx, db, `members rename ${m.email} ${to}`, null, (): MembersRenameResult => {
        const agencyId = createAgencyResolver(db).resolve(check.domain);
        renameMember(db, m, { email: to, domain: check.domain, agencyId }, on, { batchId: null, nowIso: ctx.now().toISOString() });
        return { from: m.email, to, effective: on, agencyChanged: agencyId !== m.agency_id };
      });
    })
    .immediate();
  ctx.stdout.write(`${result.to}\n`);
  ctx.info(
    `renamed ${result.from} → ${result.to}${result.agencyChanged ? `; the agency changes from ${result.effective}` : ''}; ${result.from} is kept as a former address (rosters and attendance files using it find the member)`,
  );
  return result;
}
