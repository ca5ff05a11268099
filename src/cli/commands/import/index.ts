import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerImportMembers } from './members.js';
import { registerImportEvents } from './events.js';
import { registerImportAttendance } from './attendance.js';

// One import and one register line per kind (events.ts and attendance.ts plug in here).
export function registerImport(program: Command, ctx: CliContext): Command {
  const noun = program.command('import').description('import members, events or attendance from CSV');
  registerImportMembers(noun, ctx);
  registerImportEvents(noun, ctx);
  registerImportAttendance(noun, ctx);
  return noun;
}
