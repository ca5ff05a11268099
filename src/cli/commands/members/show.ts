import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { emit, resolveFormat } from '../../output.js';
import { visible } from '../../visible.js';
import { isoDateOf } from '../../../core/dates.js';
import { findAlias, memberById } from '../../../db/identity-repo.js';
import { getMemberDetail, type MemberDetail } from '../../../db/members-read.js';
import { memberJson } from './list.js';
import { kindLabel } from '../groups/shared.js';
import { normaliseEmail } from '../../../core/email.js';

export interface MembersShowOptions {
  readonly email: string;
}

/** The readable record shown on a terminal (and when piped without --format json). */
function renderMemberDetail(d: MemberDetail): string {
  const m = d.member;
  const name = [m.first_name, m.last_name].filter((s) => s !== null && s !== '').join(' ');
  const agencyBits = [m.organization, m.level ?? (d.agency_source === 'unmapped' ? 'unmapped' : null)].filter((s): s is string => s !== null && s !== '');
  const fields: [string, string][] = [
    ['email', m.email],
    ['name', name === '' ? '-' : name],
    ['status', m.status === 'active' ? `active (joined ${m.joined_on})` : `inactive (joined ${m.joined_on}, left ${m.left_on ?? '?'})`],
    ['type', m.member_type],
    ['job title', m.job_title ?? '-'],
    ['role track', m.role_track ?? '-'],
    ['agency', m.agency === null ? '-' : `${m.agency}${agencyBits.length > 0 ? ` (${agencyBits.join('; ')})` : ''}`],
    ['domain', m.domain],
    ['reported agency', m.reported_agency ?? '-'],
    ['working groups', m.working_groups === '' ? '-' : m.working_groups],
    ['practice areas', m.practice_areas === '' ? '-' : m.practice_areas],
    ['created', m.created_at],
    ['updated', m.updated_at],
  ];
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  const lines = fields.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`);
  lines.push('', 'membership periods:');
  if (d.periods.length === 0) lines.push('  none');
  for (const p of d.periods) {
    const counted = p.end_on !== null && p.end_on === p.start_on ? '  (ended before it began: counts no day)' : '';
    const changes = p.changes > 0 ? `, ${p.changes} ${p.changes === 1 ? 'change' : 'changes'} of agency or type` : '';
    lines.push(`  period ${p.period}  ${p.start_on} – ${p.end_on ?? '(open)'}  ${p.member_type}${p.agency !== null ? `, ${p.agency}` : ''}${changes}${counted}`);
  }
  if (d.aliases.length > 0) {
    lines.push('', 'former addresses:');
    for (const a of d.aliases) lines.push(`  ${a.email}  (${a.reason === 'merge' ? 'merged' : 'renamed'} ${a.since.slice(0, 10)})`);
  }
  lines.push('', 'group history:');
  if (d.groups.length === 0) lines.push('  none');
  for (const g of d.groups) {
    const when = g.removed_on === null ? `since ${g.assigned_on}` : `${g.assigned_on} to ${g.removed_on}`;
    lines.push(`  ${g.removed_on === null ? 'current' : 'past   '}  ${g.group} (${kindLabel(g.kind)}), ${when}, ${g.source}`);
  }
  lines.push('', 'imports that touched this member:');
  if (d.imports.length === 0) lines.push('  none');
  for (const b of d.imports) {
    lines.push(`  #${b.id}  ${b.started_at}  ${b.kind}  ${b.file_name}  by ${b.imported_by}${b.status === 'undone' ? '  (undone)' : ''}`);
  }
  // Every value here came from a roster or a form: none reaches the terminal as a control code.
  return `${lines.map((l) => visible(l)).join('\n')}\n`;
}

export function runMembersShow(opts: MembersShowOptions, ctx: CliContext): MemberDetail {
  const format = resolveFormat(ctx, ['table', 'json'] as const, 'table');
  const email = normaliseEmail(opts.email);
  const db = ctx.readDb();
  let detail = getMemberDetail(db, email, isoDateOf(ctx.now()));
  if (!detail) {
    // A former address shows its member, saying so.
    const alias = findAlias(db, email);
    const owner = alias ? memberById(db, alias.member_id) : undefined;
    if (owner) {
      ctx.info(`${email} is a former address of ${owner.email}`);
      detail = getMemberDetail(db, owner.email, isoDateOf(ctx.now()));
    }
  }
  if (!detail) {
    throw new UsageError(`${email}: no member with this address`, `search for it with: aicop members list --status all --search ${JSON.stringify(email.split('@')[0] ?? email)}`);
  }
  if (format === 'json') {
    const json = { ...memberJson(detail.member), periods: detail.periods, groups: detail.groups, imports: detail.imports, former_addresses: detail.aliases };
    emit(ctx, `${JSON.stringify(json, null, 2)}\n`);
  } else {
    emit(ctx, renderMemberDetail(detail));
  }
  return detail;
}
