import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

export function registerReport(program: Command, _ctx: CliContext): Command {
  const noun = program.command('report').description('fiscal-year reports');
  return noun;
}
