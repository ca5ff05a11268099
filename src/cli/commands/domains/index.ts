import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

export function registerDomains(program: Command, _ctx: CliContext): Command {
  const noun = program.command('domains').description('email eligibility: check addresses, allow and deny lists');
  return noun;
}
