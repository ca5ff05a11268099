import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { parseDate } from '../../../core/dates.js';
import { findMemberByEmail, writeMember, type MemberRow } from '../../../db/members-repo.js';
import { validateMemberFlags } from './add.js';
import type { MemberFieldFlags } from './flags.js';
import { normaliseEmail } from '../../../core/email.js';

export interface MembersUpdateFlags extends MemberFieldFlags {
  readonly leftOn?: string;
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
  const result = db
    .transaction((): MembersUpdateResult => {
      const m = findMemberByEmail(db, email);
      if (!m) throw new UsageError(`${email} is not a member`, `to add them run: aicop members add --email ${email}`);
      const next: MemberRow = { ...m };
      const set = <K extends keyof MemberRow>(k: K, v: MemberRow[K] | null | undefined): void => {
        if (v !== null && v !== undefined) next[k] = v;
      };
      set('first_name', r.first_name);
      set('last_name', r.last_name);
      set('reported_agency', r.reported_agency);
      set('member_type', r.member_type);
      set('job_title', r.job_title);
      set('role_track', r.role_track);
      set('joined_on', r.joined_on);
      if (leftOn !== undefined) next.left_on = leftOn;
      if (next.left_on !== null && next.left_on < next.joined_on) {
        throw new UsageError(`the leaving date ${next.left_on} would precede the join date ${next.joined_on}`);
      }
      const changed = (Object.keys(m) as (keyof MemberRow)[]).filter((k) => m[k] !== next[k]);
      if (changed.length > 0) writeMember(db, next, ctx.now().toISOString(), null);
      return { email, changed };
    })
    .immediate();
  ctx.info(result.changed.length === 0 ? `${email}: nothing to change` : `${email}: updated ${result.changed.join(', ')}`);
  return result;
}
