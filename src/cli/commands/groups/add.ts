import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { findGroup, insertGroup, type GroupKind } from '../../../db/groups-repo.js';
import { inTransaction, kindLabel, KINDS, today } from './shared.js';

export interface GroupsAddOptions {
  readonly name: string;
  readonly kind?: GroupKind;
  readonly capacity: number | null;
  readonly description: string | null;
}

export interface GroupsAddResult {
  readonly id: number;
  readonly name: string;
  readonly kind: GroupKind;
  readonly capacity: number | null;
}

export async function runGroupsAdd(opts: GroupsAddOptions, ctx: CliContext): Promise<GroupsAddResult> {
  const name = opts.name.trim().replace(/\s+/g, ' ');
  if (name.length === 0) throw new UsageError('the group name is empty', 'e.g. aicop groups add "Data Governance" --kind working_group');
  let kind = opts.kind;
  if (kind === undefined) {
    if (!ctx.canPrompt()) ctx.requireFlag('--kind working_group|practice_area', `which kind of group '${name}' is`);
    kind = await ctx.prompter.select<GroupKind>({
      message: `Kind of group '${name}'`,
      choices: KINDS.map((k) => ({ name: kindLabel(k), value: k })),
    });
  }
  const db = ctx.db();
  const chosenKind = kind;
  const id = inTransaction(db, () => {
    const existing = findGroup(db, name, today(ctx));
    if (existing) {
      throw existing.archivedOn === null
        ? new UsageError(`a group named '${existing.name}' already exists (${kindLabel(existing.kind)})`, 'choose another name; see them with: aicop groups list')
        : new UsageError(`a group named '${existing.name}' existed and was removed on ${existing.archivedOn}; names are kept for its history`, 'choose another name; see them with: aicop groups list --all');
    }
    return insertGroup(db, { name, kind: chosenKind, capacity: opts.capacity, description: opts.description, createdAt: ctx.now().toISOString() });
  });
  ctx.stdout.write(`${name}\n`);
  ctx.info(`added ${kindLabel(chosenKind)} '${name}'${opts.capacity === null ? ' (no capacity limit)' : ` with capacity ${opts.capacity}`}`);
  return { id, name, kind: chosenKind, capacity: opts.capacity };
}
