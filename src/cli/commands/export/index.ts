import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withExamples } from '../../help.js';
import type { MemberStatus } from '../../../db/members-read.js';
import { addMemberFilterOptions, memberFilterFlags } from '../members/flags.js';

// Registration only: each export's run code is imported when it runs, to keep start-up quick.

/** --raw and --bom, the same for every CSV export, and --allow-empty for every export. */
function addCsvOptions(cmd: Command): Command {
  return addAllowEmpty(cmd)
    .option('--raw', 'do not neutralise cells that a spreadsheet would run as formulas (= + - @ …)', false)
    .option('--bom', 'start with a UTF-8 byte order mark, for files opened in Excel', false);
}

function addAllowEmpty(cmd: Command): Command {
  return cmd.option('--allow-empty', 'let an empty result replace a non-empty -o file (refused by default: exit 4, file untouched)', false);
}

function parsePercent(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || n > 100) throw new InvalidArgumentError('expected a percentage from 0 to 100, e.g. --max-shrink 30');
  return n;
}

function registerExportMembers(noun: Command, ctx: CliContext): Command {
  const cmd = noun.command('members').description('export every field of the members (all statuses by default) as csv, json or xlsx');
  addCsvOptions(addMemberFilterOptions(cmd, 'all'))
    .action(async (o: { status: MemberStatus; agency?: string; group?: string; search?: string; raw: boolean; bom: boolean; allowEmpty: boolean }) => {
      const { runExportMembers } = await import('./members.js');
      await runExportMembers({ ...memberFilterFlags(o), raw: o.raw, bom: o.bom, allowEmpty: o.allowEmpty }, ctx);
    });
  return withExamples(
    cmd,
    'aicop export members -o members.csv',
    'aicop export members --status active --bom -o members-for-excel.csv',
    'aicop export members --format json > members.json',
    'aicop export members -o members.xlsx',
  );
}

function registerExportListserv(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('listserv')
    .description('export active members\' addresses, one per line, sorted, no header (for a mailing list)')
    .option('--group <name>', 'only current members of this working group or practice area')
    .addOption(new Option('--max-shrink <pct>', 'refuse (exit 4, file untouched) to replace an -o list with one more than this percent shorter').argParser(parsePercent).default(20))
    .action(async (o: { group?: string; allowEmpty: boolean; maxShrink: number }) => {
      const { runExportListserv } = await import('./listserv.js');
      await runExportListserv({ ...(o.group !== undefined ? { group: o.group } : {}), allowEmpty: o.allowEmpty, maxShrink: o.maxShrink }, ctx);
    });
  addAllowEmpty(cmd);
  return withExamples(cmd, 'aicop export listserv -o cop-list.txt', 'aicop export listserv --group "Event Planning" -o event-planning.txt', 'aicop export listserv --max-shrink 50 -o cop-list.txt');
}

function registerExportAttendance(parent: Command, ctx: CliContext): Command {
  const cmd = addCsvOptions(
    parent
      .command('attendance')
      .description('export one row per registration/attendance with its event (csv, json or xlsx)')
      .option('--fy <year>', 'only events held in this fiscal year: a year like 2023, current or previous (default: all)'),
  ).action(async (raw: { fy?: string; raw: boolean; bom: boolean; allowEmpty: boolean }) => {
    const { parseExportAttendanceOptions, runExportAttendance } = await import('./attendance.js');
    await runExportAttendance(parseExportAttendanceOptions(raw, ctx.now()), ctx);
  });
  return withExamples(cmd, 'aicop export attendance --fy 2023 -o attendance-fy2023.csv', 'aicop export attendance --fy previous --format json');
}

// One register function and one line per export.
export function registerExport(program: Command, ctx: CliContext): Command {
  const noun = program.command('export').description('exports for other systems and cron');
  registerExportMembers(noun, ctx);
  registerExportListserv(noun, ctx);
  registerExportAttendance(noun, ctx);
  return noun;
}
