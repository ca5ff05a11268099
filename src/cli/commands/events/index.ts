import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerEventsList } from './list.js';

export function registerEvents(program: Command, ctx: CliContext): Command {
  const noun = program.command('events').description('events of the community of practice');
  registerEventsList(noun, ctx);
  return noun;
}
