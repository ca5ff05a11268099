import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withExamples } from '../../help.js';
import type { MemberStatus } from '../../../db/members-read.js';
import { addMemberFilterOptions, memberFieldOptions, memberFilterFlags, type MemberFieldFlags } from './flags.js';
import type { MembersUpdateFlags } from './update.js';

// Registration only: each verb's run code is imported when it runs, to keep start-up quick.

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of members, 1 or more, e.g. --limit 500');
  return Number(value);
}

function registerMembersList(noun: Command, ctx: CliContext): Command {
  const cmd = noun.command('list').description('list members (active by default) with their agency and working groups; csv when piped');
  addMemberFilterOptions(cmd, 'active')
    .option('--limit <n>', 'at most n members, in any format (a terminal table shows 100 without it)', parseLimit)
    .action(async (o: { status: MemberStatus; agency?: string; group?: string; search?: string; limit?: number }) => {
      const { runMembersList } = await import('./list.js');
      await runMembersList({ ...memberFilterFlags(o), ...(o.limit !== undefined ? { limit: o.limit } : {}) }, ctx);
    });
  return withExamples(
    cmd,
    'aicop members list',
    'aicop members list --agency nasa.gov --group "Event Planning"',
    'aicop members list --status all --search smith --format json',
    'aicop members list --wide --limit 500',
  );
}

function registerMembersShow(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('show')
    .description('show one member: agency, current and past groups, and the imports that touched it')
    .argument('<email>', 'the member\'s address (any case)')
    .action(async (email: string) => {
      const { runMembersShow } = await import('./show.js');
      runMembersShow({ email }, ctx);
    });
  return withExamples(cmd, 'aicop members show jane.doe@nih.gov', 'aicop members show jane.doe@nih.gov --format json');
}

function registerMembersAdd(noun: Command, ctx: CliContext): Command {
  const cmd = memberFieldOptions(
    noun
      .command('add')
      .description('add one member (same checks as an import: eligible email, type, track, dates, groups); a former member is reactivated')
      .requiredOption('--email <address>', 'the member\'s .gov/.mil address'),
    'add',
  )
    .option('--groups <names>', 'working groups / practice areas separated by ; or |')
    .action(async (flags: MemberFieldFlags & { email: string }) => {
      const { runMembersAdd } = await import('./add.js');
      runMembersAdd(ctx, flags.email, flags);
    });
  return withExamples(cmd, 'aicop members add --email jane.doe@nasa.gov --first-name Jane --last-name Doe --groups "Event Planning"');
}

function registerMembersUpdate(noun: Command, ctx: CliContext): Command {
  const cmd = memberFieldOptions(
    noun
      .command('update')
      .description('change a member\'s fields (same checks as an import); groups are changed with groups assign/unassign')
      .argument('<email>', 'the member\'s address'),
    'update',
  )
    .option('--left-on <date>', 'the member leaves on this date (or moves the date of their last departure); none brings a former member back with a new period from today')
    .option('--effective <date>', 'when a new --type takes effect (default: today); reports before that date keep the old type')
    .action(async (email: string, flags: MembersUpdateFlags) => {
      const { runMembersUpdate } = await import('./update.js');
      runMembersUpdate(ctx, email, flags);
    });
  return withExamples(cmd, 'aicop members update jane.doe@nasa.gov --title "Data Scientist" --track Technical');
}

function registerMembersRemove(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('remove')
    .description('mark a member as having left today (kept for history and reports); --purge deletes them entirely')
    .argument('<email>', 'the member\'s address')
    .option('--purge', 'delete the member and their group history instead (asks; --yes when not on a terminal)', false)
    .action(async (email: string, flags: { purge: boolean }) => {
      const { runMembersRemove } = await import('./remove.js');
      await runMembersRemove(ctx, email, flags.purge);
    });
  return withExamples(cmd, 'aicop members remove jane.doe@nasa.gov', 'aicop members remove jane.doe@nasa.gov --purge --yes');
}

function registerMembersRename(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('rename')
    .description('move a member to a new address (periods, groups, attendance kept; the agency changes from today or --effective); the old address stays as a former address')
    .argument('<old>', 'the member\'s current address')
    .argument('<new>', 'the new address (same eligibility rules as an import)')
    .option('--effective <date>', 'when the new address\'s agency takes effect (default: today)')
    .action(async (from: string, to: string, flags: { effective?: string }) => {
      const { runMembersRename } = await import('./rename.js');
      runMembersRename(ctx, { from, to, effective: flags.effective });
    });
  return withExamples(cmd, 'aicop members rename jose.garcia@mail.nih.gov jose.garcia@nih.gov');
}

function registerMembersMerge(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('merge')
    .description('join two records of one person: periods united, groups and attendance moved, <drop> kept as a former address of <keep> (asks; --yes when not on a terminal; undo with imports undo)')
    .argument('<keep>', 'the address to keep')
    .argument('<drop>', 'the other record\'s address (becomes a former address)')
    .action(async (keep: string, drop: string) => {
      const { runMembersMerge } = await import('./merge.js');
      await runMembersMerge(ctx, keep, drop);
    });
  return withExamples(cmd, 'aicop members merge jose.garcia@nih.gov jgarcia@nih.gov --yes');
}

function registerMembersDuplicates(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('duplicates')
    .description('likely duplicates (same local part under one domain, dots or +tags, same name at one agency), most certain first; csv when piped')
    .action(async () => {
      const { runMembersDuplicates } = await import('./duplicates.js');
      await runMembersDuplicates(ctx);
    });
  return withExamples(cmd, 'aicop members duplicates', 'aicop members duplicates --format json');
}

export function registerMembers(program: Command, ctx: CliContext): Command {
  const noun = program.command('members').description('list, show, add, update, remove, rename and merge members; find likely duplicates');
  registerMembersList(noun, ctx);
  registerMembersShow(noun, ctx);
  registerMembersAdd(noun, ctx);
  registerMembersUpdate(noun, ctx);
  registerMembersRemove(noun, ctx);
  registerMembersRename(noun, ctx);
  registerMembersMerge(noun, ctx);
  registerMembersDuplicates(noun, ctx);
  return noun;
}
