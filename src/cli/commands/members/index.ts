import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerMembersList } from './list.js';
import { registerMembersShow } from './show.js';
import { registerMembersAdd } from './add.js';
import { registerMembersUpdate } from './update.js';
import { registerMembersRemove } from './remove.js';

// One import and one register line per verb (add/update/remove live in their own files).
export function registerMembers(program: Command, ctx: CliContext): Command {
  const noun = program.command('members').description('list, show, add, update and remove members');
  registerMembersList(noun, ctx);
  registerMembersShow(noun, ctx);
  registerMembersAdd(noun, ctx);
  registerMembersUpdate(noun, ctx);
  registerMembersRemove(noun, ctx);
  return noun;
}
