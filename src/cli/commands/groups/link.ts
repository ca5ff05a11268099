import type { CliContext } from '../../context.js';
import { emit, resolveFormat } from '../../output.js';
import { addLink, listLinks, removeLink, type GroupLinkRow } from '../../../db/groups-repo.js';
import { inTransaction, LIST_FORMATS, renderList, resolveGroup, today } from './shared.js';

export interface GroupsLinkOptions {
  readonly practiceArea: string;
  readonly workingGroup: string;
}

export interface GroupsLinkResult {
  readonly practiceArea: string;
  readonly workingGroup: string;
  /** False when the link already existed (link) or did not exist (unlink). */
  readonly changed: boolean;
}

/** Links a practice area to a working group: members interested in it are auto-assigned there first. */
export function runGroupsLink(opts: GroupsLinkOptions, ctx: CliContext, unlink = false): GroupsLinkResult {
  const db = ctx.db();
  const r = inTransaction(db, () => {
    const on = today(ctx);
    const pa = resolveGroup(db, opts.practiceArea, on, 'practice_area');
    const wg = resolveGroup(db, opts.workingGroup, on, 'working_group');
    const changed = unlink ? removeLink(db, pa.id, wg.id) : addLink(db, pa.id, wg.id);
    return { practiceArea: pa.name, workingGroup: wg.name, changed };
  });
  const what = `'${r.practiceArea}' → '${r.workingGroup}'`;
  if (unlink) ctx.info(r.changed ? `unlinked ${what}` : `${what} were not linked; nothing changed`);
  else ctx.info(r.changed ? `linked ${what}` : `${what} are already linked; nothing changed`);
  return r;
}

export function runGroupsLinks(ctx: CliContext): GroupLinkRow[] {
  const format = resolveFormat(ctx, LIST_FORMATS, 'csv');
  const rows = listLinks(ctx.readDb());
  emit(ctx, renderList(ctx, format, rows, [
    { header: 'practice_area', value: (l) => l.practiceArea },
    { header: 'working_group', value: (l) => l.workingGroup },
  ]));
  return rows;
}
