import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerAgenciesAdd } from './add.js';
import { registerImportDotgov } from './import-dotgov.js';
import { registerAgenciesList } from './list.js';

export function registerAgencies(program: Command, ctx: CliContext): Command {
  const noun = program.command('agencies').description('the agency directory');
  registerAgenciesList(noun, ctx);
  registerAgenciesAdd(noun, ctx);
  registerImportDotgov(noun, ctx);
  return noun;
}
