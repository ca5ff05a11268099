import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { emit, resolveFormat } from '../../output.js';
import { describeReason, planAssignments, type AssignmentPlan, type Placement } from '../../../core/assign.js';
import type { Db } from '../../../db/open.js';
import {
  closeAssignment,
  groupFill,
  listGroups,
  loadAutoAssignInputs,
  memberGroups,
  openAssignment,
  openAssignmentSince,
  type GroupKind,
  type GroupRef,
} from '../../../db/groups-repo.js';
import { inTransaction, kindLabel, LIST_FORMATS, renderList, resolveGroup, resolveMember, today, type ListColumn } from './shared.js';

export type GroupsAssignOptions =
  | { readonly mode: 'manual'; readonly member: string; readonly groups: readonly string[] }
  | { readonly mode: 'interactive'; readonly member?: string }
  | { readonly mode: 'auto'; readonly kind: GroupKind; readonly dryRun: boolean };

export interface RawAssignFlags {
  member?: string;
  group: string[];
  interactive: boolean;
  auto: boolean;
  kind?: GroupKind;
  dryRun: boolean;
}

/** Maps flags to options; bad combinations are usage errors. Exported for parsing tests. */
export function assignOptionsFrom(o: RawAssignFlags, ctx: CliContext): GroupsAssignOptions {
  if (o.auto) {
    if (o.interactive || o.member !== undefined || o.group.length > 0) {
      throw new UsageError('--auto places every member without a group; it cannot be combined with --member, --group or --interactive');
    }
    return { mode: 'auto', kind: o.kind ?? 'working_group', dryRun: o.dryRun };
  }
  if (o.kind !== undefined) throw new UsageError('--kind goes with --auto', 'e.g. aicop groups assign --auto --kind practice_area');
  if (o.dryRun) throw new UsageError('--dry-run goes with --auto', 'e.g. aicop groups assign --auto --dry-run');
  if (o.interactive) {
    if (o.group.length > 0) throw new UsageError('--interactive asks for the groups; drop --group, or drop --interactive');
    return { mode: 'interactive', ...(o.member !== undefined ? { member: o.member } : {}) };
  }
  if (o.member !== undefined && o.group.length > 0) return { mode: 'manual', member: o.member, groups: o.group };
  // Nothing decisive given: on a terminal, ask; otherwise name what is missing.
  if (ctx.canPrompt()) return { mode: 'interactive', ...(o.member !== undefined ? { member: o.member } : {}) };
  const missing = o.member === undefined ? (o.group.length > 0 ? '--member <email>' : '--member <email> --group <name>') : '--group <name>';
  return ctx.requireFlag(missing, 'which member goes in which group');
}

export interface AssignChange {
  readonly email: string;
  readonly group: string;
  readonly change: 'assigned' | 'already' | 'unassigned';
  /** For `already`: when the open assignment began. */
  readonly since?: string;
}

export interface GroupsAssignResult {
  readonly changes: readonly AssignChange[];
  /** The plan of --auto (also for --dry-run). */
  readonly plan?: AssignmentPlan;
  /** False when --dry-run, or the user declined. */
  readonly applied: boolean;
}

function assertRoom(db: Db, g: GroupRef, on: string): void {
  if (g.capacity === null) return;
  const fill = groupFill(db, g.id, on);
  if (fill >= g.capacity) {
    throw new UsageError(
      `group '${g.name}' is full: ${fill} active members, capacity ${g.capacity}; nothing was changed`,
      `unassign someone first (aicop groups unassign --member <email> --group '${g.name}') or choose another group`,
    );
  }
}

/** Opens assignments (source manual) for one member; capacity is checked per group. */
function applyManual(db: Db, memberId: number, email: string, add: readonly GroupRef[], remove: readonly GroupRef[], on: string): AssignChange[] {
  const changes: AssignChange[] = [];
  for (const g of remove) {
    if (closeAssignment(db, { memberId, groupId: g.id, on })) changes.push({ email, group: g.name, change: 'unassigned' });
  }
  for (const g of add) {
    const since = openAssignmentSince(db, memberId, g.id);
    if (since !== undefined) {
      changes.push({ email, group: g.name, change: 'already', since });
      continue;
    }
    assertRoom(db, g, on);
    openAssignment(db, { memberId, groupId: g.id, on, source: 'manual' });
    changes.push({ email, group: g.name, change: 'assigned' });
  }
  return changes;
}

function reportChanges(ctx: CliContext, changes: readonly AssignChange[], on: string): void {
  for (const c of changes) {
    if (c.change === 'assigned') ctx.info(`assigned ${c.email} to '${c.group}' on ${on}`);
    else if (c.change === 'unassigned') ctx.info(`unassigned ${c.email} from '${c.group}' on ${on} (history kept)`);
    else ctx.info(`${c.email} is already in '${c.group}' (since ${c.since}); nothing changed`);
  }
}

async function runManual(member: string, groups: readonly string[], ctx: CliContext): Promise<GroupsAssignResult> {
  const db = ctx.db();
  const on = today(ctx);
  const changes = inTransaction(db, () => withHistoryGuard(ctx, db, 'groups assign', null, () => {
    const m = resolveMember(db, member, on, { active: true });
    const targets = groups.map((name) => resolveGroup(db, name, on));
    return applyManual(db, m.id, m.email, targets, [], on);
  }));
  reportChanges(ctx, changes, on);
  return { changes, applied: changes.some((c) => c.change !== 'already') };
}

async function runInteractive(member: string | undefined, ctx: CliContext): Promise<GroupsAssignResult> {
  if (!ctx.canPrompt()) {
    return ctx.requireFlag(member === undefined ? '--member <email> --group <name>' : '--group <name>', 'groups assign --interactive needs a terminal; to assign without one');
  }
  const db = ctx.db();
  const email = member ?? (await ctx.prompter.input({ message: 'Member email' }));
  const on = today(ctx);
  const m = resolveMember(db, email, on, { active: true });
  const current = new Set(memberGroups(db, m.id).map((g) => g.id));
  const all = listGroups(db, on);
  const chosen = new Set(
    await ctx.prompter.checkbox<number>({
      message: `Groups of ${m.email} (space toggles, enter applies)`,
      choices: all.map((g) => ({
        name: g.name,
        value: g.id,
        checked: current.has(g.id),
        description: `${kindLabel(g.kind)}, ${g.members} member${g.members === 1 ? '' : 's'}${g.capacity === null ? '' : ` of ${g.capacity}`}`,
      })),
    }),
  );
  const add = all.filter((g) => chosen.has(g.id) && !current.has(g.id));
  const remove = all.filter((g) => !chosen.has(g.id) && current.has(g.id));
  if (add.length === 0 && remove.length === 0) {
    ctx.info(`no change for ${m.email}`);
    return { changes: [], applied: false };
  }
  const changes = inTransaction(db, () => withHistoryGuard(ctx, db, 'groups assign', null, () => applyManual(db, m.id, m.email, add, remove, on)));
  reportChanges(ctx, changes, on);
  return { changes, applied: true };
}

function planRows(plan: AssignmentPlan, kind: GroupKind): { email: string; group: string | null; reason: string }[] {
  const otherLabel = kindLabel(kind === 'working_group' ? 'practice_area' : 'working_group');
  const rows = plan.placements.map((p: Placement) => ({ email: p.email, group: p.groupName as string | null, reason: describeReason(p, otherLabel) }));
  for (const u of plan.unplaced) rows.push({ email: u.email, group: null, reason: `unplaced: no ${kindLabel(kind)} has room` });
  return rows.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

const PLAN_COLUMNS: readonly ListColumn<{ email: string; group: string | null; reason: string }>[] = [
  { header: 'member', value: (r) => r.email },
  { header: 'group', value: (r) => r.group },
  { header: 'reason', value: (r) => r.reason },
];

function samePlan(a: AssignmentPlan, b: AssignmentPlan): boolean {
  const key = (p: AssignmentPlan) => JSON.stringify([p.placements.map((x) => [x.memberId, x.groupId]), p.unplaced.map((x) => x.memberId)]);
  return key(a) === key(b);
}

async function runAuto(kind: GroupKind, dryRun: boolean, ctx: CliContext): Promise<GroupsAssignResult> {
  const format = resolveFormat(ctx, LIST_FORMATS, 'csv');
  const db = ctx.db();
  const on = today(ctx);
  const label = kindLabel(kind);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const plan = (): AssignmentPlan => planAssignments(loadAutoAssignInputs(db, kind, on));
  /** Prints the plan; false when there is nothing to place. */
  const show = (p: AssignmentPlan): boolean => {
    if (p.placements.length === 0 && p.unplaced.length === 0) {
      ctx.info(`every active member is already in a ${label}; nothing to do`);
      return false;
    }
    emit(ctx, renderList(ctx, format, planRows(p, kind), PLAN_COLUMNS));
    for (const f of p.fill) {
      if (f.after !== f.before) ctx.info(`${f.name}: ${f.before} → ${f.after}${f.capacity === null ? '' : ` (capacity ${f.capacity})`}`);
    }
    if (p.unplaced.length > 0) ctx.warn(`${count(p.unplaced.length, 'member')} fit in no ${label}: every one is full`);
    return true;
  };
  const apply = (p: AssignmentPlan): void => {
    for (const x of p.placements) openAssignment(db, { memberId: x.memberId, groupId: x.groupId, on, source: 'auto' });
  };
  const done = (p: AssignmentPlan): GroupsAssignResult => {
    ctx.info(`assigned ${count(p.placements.length, 'member')} to ${label}s on ${on}`);
    return { changes: p.placements.map((x) => ({ email: x.email, group: x.groupName, change: 'assigned' })), plan: p, applied: true };
  };

  if (ctx.globals.yes && !dryRun) {
    // Nothing to wait for: plan, print and apply under one write lock, so what is printed is what is applied.
    const p = inTransaction(db, () => withHistoryGuard(ctx, db, 'groups assign', null, () => {
      const planned = plan();
      if (show(planned)) apply(planned);
      return planned;
    }));
    return p.placements.length === 0 ? { changes: [], plan: p, applied: false } : done(p);
  }
  const p = plan();
  if (!show(p)) return { changes: [], plan: p, applied: false };
  const n = p.placements.length;
  if (dryRun) {
    ctx.info(`dry run: ${count(n, 'assignment')} planned; nothing was changed`);
    return { changes: [], plan: p, applied: false };
  }
  if (n === 0) return { changes: [], plan: p, applied: false };
  if (!ctx.canPrompt()) ctx.requireFlag('--yes', `applying this plan of ${count(n, 'assignment')} needs a confirmation (--dry-run only shows it)`);
  await ctx.confirmOrCancel(`Apply this plan: ${count(n, 'member')} to ${label}s?`);
  inTransaction(db, () => withHistoryGuard(ctx, db, 'groups assign', null, () => {
    // Another command may have written while the prompt was open: apply only the plan that was shown.
    if (!samePlan(p, plan())) {
      throw new UsageError('the groups or members changed while the plan was shown; nothing was changed', 'run the command again to see the new plan');
    }
    apply(p);
  }));
  return done(p);
}

export async function runGroupsAssign(opts: GroupsAssignOptions, ctx: CliContext): Promise<GroupsAssignResult> {
  if (opts.mode === 'manual') return runManual(opts.member, opts.groups, ctx);
  if (opts.mode === 'interactive') return runInteractive(opts.member, ctx);
  return runAuto(opts.kind, opts.dryRun, ctx);
}

