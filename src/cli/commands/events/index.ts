import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

export function registerEvents(program: Command, _ctx: CliContext): Command {
  const noun = program.command('events').description('events of the community of practice');
  return noun;
}
