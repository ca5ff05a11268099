import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerInit } from './init.js';
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
