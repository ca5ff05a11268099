import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withExamples } from '../../help.js';
import type { GroupKind } from '../../../db/groups-repo.js';
import type { RawAssignFlags } from './assign.js';

// Registration only: each verb's run code is imported when it runs, to keep start-up quick.

/** commander argParser for --kind. */
function parseKind(value: string): GroupKind {
  const v = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (v === 'working_group' || v === 'wg') return 'working_group';
  if (v === 'practice_area' || v === 'pa') return 'practice_area';
  throw new InvalidArgumentError('expected working_group or practice_area');
}

/** commander argParser for --capacity. */
function parseCapacity(value: string): number {
  if (!/^\s*[1-9]\d*\s*$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected a whole number of members, 1 or more');
  return Number(value);
}

/** commander argParser for a repeatable flag. */
const collect = (value: string, previous: string[]): string[] => [...previous, value];

function registerGroupsList(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('list')
    .description('list working groups and practice areas with their current members and capacity')
    .addOption(new Option('--kind <kind>', 'only working_group or practice_area').argParser(parseKind))
    .option('--all', 'include removed (archived) groups', false)
    .action(async (o: { kind?: GroupKind; all: boolean }) => {
      const { runGroupsList } = await import('./list.js');
      runGroupsList({ ...(o.kind ? { kind: o.kind } : {}), all: o.all }, ctx);
    });
  return withExamples(cmd, 'aicop groups list', 'aicop groups list --kind practice_area --format json');
}

function registerGroupsMembers(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('members')
    .description('list the active members of a group with when and how they were assigned')
    .argument('<group>', 'the group name (case-insensitive)')
    .option('--history', 'every assignment ever made, ended ones and inactive members included', false)
    .action(async (group: string, o: { history: boolean }) => {
      const { runGroupsMembers } = await import('./members.js');
      await runGroupsMembers({ group, history: o.history }, ctx);
    });
  return withExamples(cmd, 'aicop groups members "Event Planning"', 'aicop groups members "Generative AI" --history --format json');
}

function registerGroupsAdd(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('add')
    .description('add a working group or practice area, optionally with a capacity (most members at once)')
    .argument('<name>', 'the group name (unique, case-insensitive)')
    .addOption(new Option('--kind <kind>', 'working_group or practice_area (asked on a terminal when missing)').argParser(parseKind))
    .addOption(new Option('--capacity <n>', 'at most this many active members').argParser(parseCapacity))
    .option('--description <text>', 'what the group does')
    .action(async (name: string, o: { kind?: GroupKind; capacity?: number; description?: string }) => {
      const { runGroupsAdd } = await import('./add.js');
      await runGroupsAdd({ name, ...(o.kind ? { kind: o.kind } : {}), capacity: o.capacity ?? null, description: o.description?.trim() || null }, ctx);
    });
  return withExamples(cmd, 'aicop groups add "Data Governance" --kind working_group --capacity 40', 'aicop groups add "Robotics" --kind practice_area --description "embodied AI"');
}

function registerGroupsRemove(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('remove')
    .description('remove (archive) a group added with groups add, ending its open assignments; history is kept')
    .argument('<name>', 'the group name')
    .action(async (name: string) => {
      const { runGroupsRemove } = await import('./remove.js');
      await runGroupsRemove({ name }, ctx);
    });
  return withExamples(cmd, 'aicop groups remove "Data Governance"', 'aicop --yes groups remove "Data Governance"');
}

function registerGroupsAssign(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('assign')
    .description('put a member in groups (--member/--group), choose them in a checklist (--interactive), or place everyone without a working group (--auto)')
    .option('--member <email>', 'the member to assign')
    .option('--group <name>', 'a group to put the member in (repeatable)', collect, [])
    .option('-i, --interactive', 'tick the member\'s groups in a checklist (current ones pre-ticked)', false)
    .option('--auto', 'place every active member without a group of --kind, deterministically', false)
    .addOption(new Option('--kind <kind>', 'with --auto: working_group (default) or practice_area').argParser(parseKind))
    .option('--dry-run', 'with --auto: show the plan only', false)
    .action(async (o: RawAssignFlags) => {
      const { assignOptionsFrom, runGroupsAssign } = await import('./assign.js');
      await runGroupsAssign(assignOptionsFrom(o, ctx), ctx);
    });
  return withExamples(
    cmd,
    'aicop groups assign --member jane.doe@nih.gov --group "Event Planning"',
    'aicop groups assign --interactive --member jane.doe@nih.gov',
    'aicop groups assign --auto --dry-run',
    'aicop --yes groups assign --auto',
  );
}

function registerGroupsUnassign(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('unassign')
    .description('take a member out of groups; the assignment is ended (removed_on), not deleted')
    .requiredOption('--member <email>', 'the member')
    .requiredOption('--group <name>', 'a group to take the member out of (repeatable)', collect, [])
    .action(async (o: { member: string; group: string[] }) => {
      const { runGroupsUnassign } = await import('./unassign.js');
      runGroupsUnassign({ member: o.member, groups: o.group }, ctx);
    });
  return withExamples(cmd, 'aicop groups unassign --member jane.doe@nih.gov --group "Event Planning"');
}

function registerGroupsLinks(noun: Command, ctx: CliContext): void {
  withExamples(
    noun
      .command('link')
      .description('prefer a working group for members of a practice area when assigning with --auto')
      .argument('<practice-area>', 'the practice area')
      .argument('<working-group>', 'the working group')
      .action(async (practiceArea: string, workingGroup: string) => {
        const { runGroupsLink } = await import('./link.js');
        runGroupsLink({ practiceArea, workingGroup }, ctx);
      }),
    'aicop groups link "Generative AI" "Tools and Resources"',
  );
  withExamples(
    noun
      .command('unlink')
      .description('remove a practice area → working group preference')
      .argument('<practice-area>', 'the practice area')
      .argument('<working-group>', 'the working group')
      .action(async (practiceArea: string, workingGroup: string) => {
        const { runGroupsLink } = await import('./link.js');
        runGroupsLink({ practiceArea, workingGroup }, ctx, true);
      }),
    'aicop groups unlink "Generative AI" "Tools and Resources"',
  );
  withExamples(
    noun
      .command('links')
      .description('list the practice area → working group preferences used by assign --auto')
      .action(async () => {
        const { runGroupsLinks } = await import('./link.js');
        runGroupsLinks(ctx);
      }),
    'aicop groups links',
  );
}

export function registerGroups(program: Command, ctx: CliContext): Command {
  const noun = program.command('groups').description('working groups and practice areas: list, add, remove, members, assign');
  registerGroupsList(noun, ctx);
  registerGroupsMembers(noun, ctx);
  registerGroupsAdd(noun, ctx);
  registerGroupsRemove(noun, ctx);
  registerGroupsAssign(noun, ctx);
  registerGroupsUnassign(noun, ctx);
  registerGroupsLinks(noun, ctx);
  return noun;
}
