import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerGroupsAdd } from './add.js';
import { registerGroupsAssign } from './assign.js';
import { registerGroupsLinks } from './link.js';
import { registerGroupsList } from './list.js';
import { registerGroupsMembers } from './members.js';
import { registerGroupsRemove } from './remove.js';
import { registerGroupsUnassign } from './unassign.js';

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
