import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

export function registerMembers(program: Command, _ctx: CliContext): Command {
  const noun = program.command('members').description('list, show, add, update and remove members');
  return noun;
}
