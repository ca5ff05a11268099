import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

export function registerGroups(program: Command, _ctx: CliContext): Command {
  const noun = program.command('groups').description('working groups and practice areas');
  return noun;
}
