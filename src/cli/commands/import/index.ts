import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

export function registerImport(program: Command, _ctx: CliContext): Command {
  const noun = program.command('import').description('import members, events or attendance from CSV');
  return noun;
}
