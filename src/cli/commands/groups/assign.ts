import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { createHash } from 'node:crypto';
import { emit, renderTable, resolveFormat, tableOnTerminal } from '../../output.js';
import { AssignmentPlanner, describeReason, type GroupFill, type Placement } from '../../../core/assign.js';
import type { Db } from '../../../db/open.js';
import {
  closeAssignment,
  groupFill,
  listGroups,
  autoAssignCandidates,
  loadAutoAssignGroups,
  memberGroups,
  openAssignment,
  openAssignmentSince,
  type GroupKind,
  type GroupRef,
} from '../../../db/groups-repo.js';
import { inTransaction, kindLabel, LIST_FORMATS, resolveGroup, resolveMember, streamList, today, type ListColumn, type ListFormat } from './shared.js';

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
  /** What --member/--interactive changed (--auto: its counts instead, `planned`). */
  readonly changes: readonly AssignChange[];
  /** --auto (also with --dry-run): members placed and members no group had room for. */
  readonly planned?: { readonly placements: number; readonly unplaced: number };
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

interface PlanRow {
  readonly email: string;
  readonly group: string | null;
  readonly reason: string;
}

const PLAN_COLUMNS: readonly ListColumn<PlanRow>[] = [
  { header: 'member', value: (r) => r.email },
  { header: 'group', value: (r) => r.group },
  { header: 'reason', value: (r) => r.reason },
];

/** Plan rows a terminal table shows (it is aligned, so held in memory); the rest are counted. */
const TERMINAL_PLAN_ROWS = 100;

/**
 * One pass of the auto-assignment plan over the members to place (email order, read a page at a
 * time): its rows, its counts, and a digest of every decision, so a second pass can prove it
 * applies exactly the plan the first one printed. `apply` opens each placement as it is decided.
 */
class PlanPass {
  placements = 0;
  unplaced = 0;
  private readonly planner: AssignmentPlanner;
  private readonly digest = createHash('sha256');
  private readonly groupIds: readonly number[];
  private readonly otherIds: readonly number[];
  private readonly otherLabel: string;

  constructor(
    private readonly db: Db,
    private readonly kind: GroupKind,
    private readonly on: string,
    private readonly apply?: (p: Placement) => void,
  ) {
    const g = loadAutoAssignGroups(db, kind, on);
    this.planner = new AssignmentPlanner(g.groups, g.links, g.otherNames);
    this.groupIds = g.groups.map((x) => x.id);
    this.otherIds = [...g.otherNames.keys()];
    this.otherLabel = kindLabel(kind === 'working_group' ? 'practice_area' : 'working_group');
  }

  *rows(): Generator<PlanRow> {
    for (const m of autoAssignCandidates(this.db, this.on, { groupIds: this.groupIds, otherIds: this.otherIds })) {
      const e = this.planner.place(m);
      if (e.placed) {
        this.placements++;
        this.digest.update(`${m.id}>${e.placement.groupId}\n`);
        this.apply?.(e.placement);
        yield { email: m.email, group: e.placement.groupName, reason: describeReason(e.placement, this.otherLabel) };
      } else {
        this.unplaced++;
        this.digest.update(`${m.id}>\n`);
        yield { email: m.email, group: null, reason: `unplaced: no ${kindLabel(this.kind)} has room` };
      }
    }
  }

  /** Runs the pass to its end without keeping its rows. */
  drain(): void {
    for (const row of this.rows()) void row;
  }

  fill(): GroupFill[] {
    return this.planner.fill();
  }

  /** The digest of every decision (call once, after the rows). */
  decisions(): string {
    return this.digest.digest('hex');
  }
}

/**
 * Prints a pass's plan: a terminal table shows its first rows (the rest are counted and said),
 * anything else streams every row with backpressure (streamList), so memory stays flat however
 * many members the plan places. Runs the pass to its end.
 */
async function printPlan(ctx: CliContext, format: ListFormat, pass: PlanPass): Promise<void> {
  if (format !== 'table' || !tableOnTerminal(ctx)) {
    await streamList(ctx, format, pass.rows(), PLAN_COLUMNS);
    return;
  }
  const shown: PlanRow[] = [];
  for (const r of pass.rows()) {
    if (shown.length < TERMINAL_PLAN_ROWS) shown.push(r);
  }
  if (shown.length > 0) emit(ctx, renderTable(ctx, shown, tableCols));
  const total = pass.placements + pass.unplaced;
  if (total > shown.length) ctx.stderr.write(`showing ${shown.length} of ${total} plan rows; --format csv or -o plan.csv writes them all\n`);
}

const tableCols = PLAN_COLUMNS.map((c) => ({ header: c.header, value: c.value, align: c.numeric ? ('right' as const) : ('left' as const) }));

/**
 * --auto: a first pass prints the plan (inside one read transaction, so it is one snapshot); a
 * second pass, in the write transaction, places the same members again and opens each
 * assignment, and is rolled back unless its decisions are exactly the printed ones (another
 * command may write between the two, or while a confirmation is open).
 */
async function runAuto(kind: GroupKind, dryRun: boolean, ctx: CliContext): Promise<GroupsAssignResult> {
  const format = resolveFormat(ctx, LIST_FORMATS, 'csv');
  const db = ctx.db();
  const on = today(ctx);
  const label = kindLabel(kind);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const shown = new PlanPass(db, kind, on);
  const empty = (): boolean => shown.placements === 0 && shown.unplaced === 0;
  db.exec('BEGIN');
  try {
    // Nothing to place prints nothing, not even a header: find out before printing.
    if (!autoAssignCandidates(db, on, { groupIds: loadAutoAssignGroups(db, kind, on).groups.map((g) => g.id), otherIds: [] }, 1).next().done) {
      await printPlan(ctx, format, shown);
    }
  } finally {
    db.exec('COMMIT');
  }
  const planned = { placements: shown.placements, unplaced: shown.unplaced };
  if (empty()) {
    ctx.info(`every active member is already in a ${label}; nothing to do`);
    return { changes: [], planned, applied: false };
  }
  for (const f of shown.fill()) {
    if (f.after !== f.before) ctx.info(`${f.name}: ${f.before} → ${f.after}${f.capacity === null ? '' : ` (capacity ${f.capacity})`}`);
  }
  if (shown.unplaced > 0) ctx.warn(`${count(shown.unplaced, 'member')} fit in no ${label}: every one is full`);
  const n = shown.placements;
  if (dryRun) {
    ctx.info(`dry run: ${count(n, 'assignment')} planned; nothing was changed`);
    return { changes: [], planned, applied: false };
  }
  if (n === 0) return { changes: [], planned, applied: false };
  const printed = shown.decisions();
  if (!ctx.globals.yes) {
    if (!ctx.canPrompt()) ctx.requireFlag('--yes', `applying this plan of ${count(n, 'assignment')} needs a confirmation (--dry-run only shows it)`);
    await ctx.confirmOrCancel(`Apply this plan: ${count(n, 'member')} to ${label}s?`);
  }
  inTransaction(db, () => withHistoryGuard(ctx, db, 'groups assign', null, () => {
    const applied = new PlanPass(db, kind, on, (x) => openAssignment(db, { memberId: x.memberId, groupId: x.groupId, on, source: 'auto' }));
    applied.drain();
    if (applied.decisions() !== printed) {
      throw new UsageError(`the groups or members changed while the plan was ${ctx.globals.yes ? 'printed' : 'shown'}; nothing was changed`, 'run the command again to see the new plan');
    }
  }));
  ctx.info(`assigned ${count(n, 'member')} to ${label}s on ${on}`);
  return { changes: [], planned, applied: true };
}

export async function runGroupsAssign(opts: GroupsAssignOptions, ctx: CliContext): Promise<GroupsAssignResult> {
  if (opts.mode === 'manual') return runManual(opts.member, opts.groups, ctx);
  if (opts.mode === 'interactive') return runInteractive(opts.member, ctx);
  return runAuto(opts.kind, opts.dryRun, ctx);
}

