import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

export function registerImports(program: Command, _ctx: CliContext): Command {
  const noun = program.command('imports').description('import history: list, show and undo batches');
  return noun;
}
