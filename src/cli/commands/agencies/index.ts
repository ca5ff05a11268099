import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

export function registerAgencies(program: Command, _ctx: CliContext): Command {
  const noun = program.command('agencies').description('the agency directory');
  return noun;
}
