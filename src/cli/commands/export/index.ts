import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

export function registerExport(program: Command, _ctx: CliContext): Command {
  const noun = program.command('export').description('exports for other systems and cron');
  return noun;
}
