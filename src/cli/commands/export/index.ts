import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerExportMembers } from './members.js';
import { registerExportListserv } from './listserv.js';
import { registerExportAttendance } from './attendance.js';

// One import and one register line per export.
export function registerExport(program: Command, ctx: CliContext): Command {
  const noun = program.command('export').description('exports for other systems and cron');
  registerExportMembers(noun, ctx);
  registerExportListserv(noun, ctx);
  registerExportAttendance(noun, ctx);
  return noun;
}
