import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerDomainsCheck } from './check.js';
import { registerDomainRules } from './rules.js';

export function registerDomains(program: Command, ctx: CliContext): Command {
  const noun = program.command('domains').description('email eligibility: check addresses, allow and deny lists');
  registerDomainsCheck(noun, ctx);
  registerDomainRules(noun, ctx);
  return noun;
}
