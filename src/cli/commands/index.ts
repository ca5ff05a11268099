import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withExamples } from '../help.js';
import { registerImport } from './import/index.js';
import { registerImports } from './imports/index.js';
import { registerMembers } from './members/index.js';
import { registerDomains } from './domains/index.js';
import { registerAgencies } from './agencies/index.js';
import { registerGroups } from './groups/index.js';
import { registerEvents } from './events/index.js';
import { registerReport } from './report/index.js';
import { registerExport } from './export/index.js';
import { registerDb } from './db/index.js';

// Start-up time: these modules only register commands (names, flags, help, examples); each
// action imports its verb's run code when it runs, so the database, CSV and report code load only
// for the command that needs them.

function registerInit(program: Command, ctx: CliContext): Command {
  const cmd = program
    .command('init')
    .description('create and migrate the database, seed groups and the built-in agency directory; prints its path')
    .action(async () => {
      const { runInit } = await import('./init.js');
      runInit(ctx);
    });
  return withExamples(cmd, 'aicop init', 'aicop --db ./cop.db init');
}

/** Every top-level command, in the order --help lists them. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerInit(program, ctx);
  registerImport(program, ctx);
  registerImports(program, ctx);
  registerMembers(program, ctx);
  registerDomains(program, ctx);
  registerAgencies(program, ctx);
  registerGroups(program, ctx);
  registerEvents(program, ctx);
  registerReport(program, ctx);
  registerExport(program, ctx);
  registerDb(program, ctx);
}
