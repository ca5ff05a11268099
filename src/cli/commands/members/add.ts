import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { isoDateOf } from '../../../core/dates.js';
import { isRowError, resolveRosterLayout, validateRosterRow, type GroupInfo, type RosterField, type RosterRecord } from '../../../core/roster.js';
import { createAgencyResolver } from '../../../db/agencies-repo.js';
import { loadDomainRules } from '../../../db/domains-repo.js';
import { loadGroups, openAssignment } from '../../../db/groups-repo.js';
import { findAlias, memberById } from '../../../db/identity-repo.js';
import { findMemberByEmail, insertMember, newMemberFrom, writeMember } from '../../../db/members-repo.js';
import { currentPeriod, rejoin } from '../../../db/periods-repo.js';
import { linkAttendanceToMembers } from '../../../db/events-repo.js';
import type { Db } from '../../../db/open.js';
import type { MemberFieldFlags } from './flags.js';

const FLAG_FIELDS: ReadonlyArray<readonly [keyof MemberFieldFlags, RosterField, string]> = [
  ['firstName', 'first_name', '--first-name'],
  ['lastName', 'last_name', '--last-name'],
  ['agency', 'agency', '--agency'],
  ['type', 'member_type', '--type'],
  ['title', 'job_title', '--title'],
  ['track', 'role_track', '--track'],
  ['groups', 'working_groups', '--groups'],
  ['joinedOn', 'joined_on', '--joined-on'],
];

/**
 * Validates an email and field flags exactly like an import row (checkEmail, member type, role
 * track, dates, group names); a rejected value is a usage error naming the flag.
 */
export function validateMemberFlags(db: Db, email: string, flags: MemberFieldFlags): RosterRecord {
  const header = ['email', ...FLAG_FIELDS.map(([, f]) => f)];
  const fields = [email, ...FLAG_FIELDS.map(([k]) => flags[k] ?? '')];
  const layout = resolveRosterLayout(header);
  const groups = new Map<string, GroupInfo>(loadGroups(db).map((g) => [g.name.toLowerCase(), { id: g.id, name: g.name, kind: g.kind }]));
  const r = validateRosterRow(fields, layout, { rules: loadDomainRules(db), groups });
  if (isRowError(r)) {
    const flag =
      r.reason === 'bad_date' ? '--joined-on' : r.reason === 'unknown_group' ? '--groups' : r.reason === 'bad_value' ? (r.detail.startsWith('member type') ? '--type' : '--track') : '--email';
    throw new UsageError(`${flag}: ${r.detail} (${r.reason})`);
  }
  return r;
}

export interface MembersAddResult {
  readonly id: number;
  readonly email: string;
  readonly status: 'added' | 'reactivated';
}

/** `members add`: a new member (or a returning one, reactivated), with groups opened manually. */
export function runMembersAdd(ctx: CliContext, email: string, flags: MemberFieldFlags): MembersAddResult {
  const db = ctx.db();
  const r = validateMemberFlags(db, email, flags);
  const now = ctx.now();
  const today = isoDateOf(now);
  const result = db
    .transaction((): MembersAddResult => withHistoryGuard(ctx, db, 'members add', null, (): MembersAddResult => {
      const existing = findMemberByEmail(db, r.email);
      if (!existing) {
        // A former address names its member: adding it again would make a second record of them.
        const alias = findAlias(db, r.email);
        const owner = alias ? memberById(db, alias.member_id) : undefined;
        if (owner) {
          throw new UsageError(
            `${r.email} is a former address of ${owner.email}; adding it would make a second record of one person`,
            `to give them this address again: aicop members rename ${owner.email} ${r.email}`,
          );
        }
      }
      if (existing && existing.left_on === null) {
        throw new UsageError(`${r.email} is already an active member`, `to change it run: aicop members update ${r.email} --first-name …`);
      }
      const groups = r.working_groups ?? [];
      if (existing) {
        // A former member comes back: a new period from the later of today and --joined-on;
        // the earlier period and its departure stay (SPEC §10).
        const memberType = r.member_type ?? existing.member_type;
        const start = r.joined_on !== null && r.joined_on > today ? r.joined_on : today;
        rejoin(db, existing.id, start, today, { agencyId: existing.agency_id, memberType }, { batchId: null });
        const period = currentPeriod(db, existing.id);
        writeMember(
          db,
          {
            ...existing,
            joined_on: period?.joined_on ?? start,
            left_on: period?.left_on ?? null,
            first_name: r.first_name ?? existing.first_name,
            last_name: r.last_name ?? existing.last_name,
            reported_agency: r.reported_agency ?? existing.reported_agency,
            member_type: memberType,
            job_title: r.job_title ?? existing.job_title,
            role_track: r.role_track ?? existing.role_track,
          },
          now.toISOString(),
          null,
        );
        for (const g of groups) openAssignment(db, { memberId: existing.id, groupId: g.id, on: today, source: 'manual', batchId: null });
        return { id: existing.id, email: r.email, status: 'reactivated' };
      }
      const joined = r.joined_on ?? today;
      const id = insertMember(db, newMemberFrom(r, createAgencyResolver(db).resolve(r.domain), joined), now.toISOString(), null);
      for (const g of groups) openAssignment(db, { memberId: id, groupId: g.id, on: joined, source: 'manual', batchId: null });
      linkAttendanceToMembers(db);
      return { id, email: r.email, status: 'added' };
    }))
    .immediate();
  ctx.stdout.write(`${result.email}\n`);
  ctx.info(result.status === 'added' ? `added ${result.email}` : `reactivated ${result.email} (they had left)`);
  return result;
}
