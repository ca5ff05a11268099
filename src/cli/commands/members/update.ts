import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { isoDateOf, parseDate } from '../../../core/dates.js';
import { changeFacts, correctPeriodEnd, correctPeriodStart, currentPeriod, leave, rejoin } from '../../../db/periods-repo.js';
import { findMemberByEmail, writeMember, type MemberRow } from '../../../db/members-repo.js';
import { validateMemberFlags } from './add.js';
import type { MemberFieldFlags } from './flags.js';
import { normaliseEmail } from '../../../core/email.js';

export interface MembersUpdateFlags extends MemberFieldFlags {
  readonly leftOn?: string;
  /** When a new member type takes effect (default: today). */
  readonly effective?: string;
}

export interface MembersUpdateResult {
  readonly email: string;
  readonly changed: readonly string[];
}

/**
 * `members update <email>`: sets the given fields (validated like an import row). A manual edit
 * clears updated_batch, so `imports undo` of an earlier batch refuses to overwrite it.
 */
export function runMembersUpdate(ctx: CliContext, rawEmail: string, flags: MembersUpdateFlags): MembersUpdateResult {
  const db = ctx.db();
  const email = normaliseEmail(rawEmail);
  const r = validateMemberFlags(db, email, flags);
  let leftOn: string | null | undefined;
  if (flags.leftOn !== undefined) {
    const v = flags.leftOn.trim().toLowerCase();
    if (v === '' || v === 'none') leftOn = null;
    else {
      leftOn = parseDate(flags.leftOn);
      if (leftOn === null) throw new UsageError(`--left-on: "${flags.leftOn}" is not a real date as YYYY-MM-DD, M/D/YYYY or M/D/YY (or none)`);
    }
  }
  let effective: string | undefined;
  if (flags.effective !== undefined) {
    effective = parseDate(flags.effective) ?? undefined;
    if (effective === undefined) throw new UsageError(`--effective: "${flags.effective}" is not a real date as YYYY-MM-DD, M/D/YYYY or M/D/YY`);
  }
  const today = isoDateOf(ctx.now());
  const result = db
    .transaction((): MembersUpdateResult => withHistoryGuard(ctx, db, 'members update', null, (): MembersUpdateResult => {
      const m = findMemberByEmail(db, email);
      if (!m) throw new UsageError(`${email} is not a member`, `to add them run: aicop members add --email ${email}`);
      const next: MemberRow = { ...m };
      const set = <K extends keyof MemberRow>(k: K, v: MemberRow[K] | null | undefined): void => {
        if (v !== null && v !== undefined) next[k] = v;
      };
      set('first_name', r.first_name);
      set('last_name', r.last_name);
      set('reported_agency', r.reported_agency);
      set('job_title', r.job_title);
      set('role_track', r.role_track);
      const src = { batchId: null };
      // An explicit --joined-on corrects the start of the current period (an edit by hand).
      if (r.joined_on !== null && r.joined_on !== m.joined_on) {
        const moved = correctPeriodStart(db, m.id, r.joined_on, src);
        if (typeof moved === 'string') throw new UsageError(`cannot move ${email}'s join date to ${r.joined_on}: ${moved}`);
      }
      if (leftOn === null && m.left_on !== null) {
        // Coming back opens a new period today; the earlier one and its departure stay.
        rejoin(db, m.id, today, today, { agencyId: m.agency_id, memberType: r.member_type ?? m.member_type }, src);
      } else if (leftOn !== null && leftOn !== undefined && leftOn !== m.left_on) {
        if (leftOn < (r.joined_on ?? m.joined_on)) {
          throw new UsageError(`the leaving date ${leftOn} would precede the join date ${r.joined_on ?? m.joined_on}`);
        }
        const refused = m.left_on === null ? (leave(db, m.id, leftOn, src) === null ? 'no open period' : undefined) : correctPeriodEnd(db, m.id, leftOn, src);
        if (refused !== undefined) throw new UsageError(`cannot set ${email}'s leaving date to ${leftOn}: ${refused}`);
      }
      // Member type is a dated fact: it changes from --effective (default today), SPEC §10;
      // after the period changes above, so a departure dated before it is not split by it.
      if (r.member_type !== null && r.member_type !== m.member_type) {
        changeFacts(db, m.id, effective ?? today, { memberType: r.member_type }, src);
        next.member_type = r.member_type;
      }
      const period = currentPeriod(db, m.id);
      if (period) {
        next.joined_on = period.joined_on;
        next.left_on = period.left_on;
      }
      const changed = (Object.keys(m) as (keyof MemberRow)[]).filter((k) => m[k] !== next[k]);
      if (changed.length > 0) writeMember(db, next, ctx.now().toISOString(), null);
      return { email, changed };
    }))
    .immediate();
  ctx.info(result.changed.length === 0 ? `${email}: nothing to change` : `${email}: updated ${result.changed.join(', ')}`);
  return result;
}
