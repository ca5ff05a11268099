import { Option, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { withExamples } from '../../help.js';
import type { RawFlags as ImportMembersFlags } from './members.js';

// Registration only: each kind's run code is imported when it runs, to keep start-up quick.

/** The flags every import shares (members, events, attendance). */
export interface CommonImportFlags {
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  dryRun: boolean;
  strict: boolean;
  maxRejectRate: string;
  rejects?: string;
  force: boolean;
  map?: string[];
  bom: boolean;
  headerLine?: string;
}

/** Adds the flags every import shares: same names, meaning and help. */
function addCommonImportFlags(cmd: Command): Command {
  return cmd
    .option('--encoding <name>', 'the file encoding (default: detected: UTF-8, UTF-16 with BOM, else Windows-1252)')
    .option('--delimiter <char>', 'the field delimiter (default: sniffed among , ; tab |)')
    .option('--sheet <name>', 'the worksheet of an Excel workbook (.xlsx) to read (default: the first)')
    .option('--map <Header=field>', 'map a column header to a field (repeatable; field "ignore" skips it)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--dry-run', 'do everything but commit, and print the same summary', false)
    .option('--strict', 'any rejected row makes the import fail (exit 4) with nothing changed', false)
    .option('--max-reject-rate <pct>', 'when more than this % of rows are rejected, apply nothing (exit 4)', '100')
    .option('--rejects <file>', 'where to write rejected rows (default: <input>.rejects.csv beside the input; none for stdin)')
    .option('--force', 'import a file again even if the same file (sha256, with the same column mapping) was imported before', false)
    .option('--bom', 'start the rejects file with a UTF-8 BOM, for Excel (default: when the input had one)', false)
    .option('--header-line <n>', 'the line holding the column names (default: line 1; attendee reports: found)');
}

function registerImportMembers(noun: Command, ctx: CliContext): Command {
  const cmd = addCommonImportFlags(
    noun
      .command('members')
      .description('import a roster CSV or Excel workbook (file, or - for CSV on stdin) in one transaction; rejected rows go to a rejects file')
      .argument('<file>', 'the CSV or .xlsx file, or - for CSV on standard input')
      .addOption(new Option('--on-duplicate <mode>', 'existing members: update (non-empty values overwrite), skip, or fill (only empty fields)').default('update'))
      .option('--sync', 'the file is the complete roster: deactivate active members absent from it', false)
      .option('--max-deactivate <pct>', 'with --sync: refuse (exit 4, nothing changed) to deactivate more than this % of active members; on a terminal, ask instead (--yes does not lift it)', '20'),
  )
    .option('--mapping <file.json>', 'column mapping as JSON: {"Courriel": "email", "Nom": "last_name"}')
    .option('--correct-history', 'a join date that differs from the member\'s current period moves its start (lists each member and fiscal year changed); without it such dates are kept', false)
    .option('--effective <date>', 'when changed member types take effect, for rows without an effective_on column (default: the import date)')
    .action(async (file: string, flags: ImportMembersFlags) => {
      const { importMembersOptions, runImportMembers } = await import('./members.js');
      await runImportMembers(importMembersOptions(file, flags), ctx);
    });
  return withExamples(
    cmd,
    'aicop import members roster.csv',
    'aicop import members export.csv --map "Courriel=email" --on-duplicate fill --dry-run',
    'cat roster.csv | aicop import members - --sync --max-deactivate 30',
    'aicop import members roster.xlsx --sheet Members',
  );
}

function registerImportEvents(parent: Command, ctx: CliContext): Command {
  const cmd = addCommonImportFlags(
    parent
      .command('events')
      .description('import events (id, title, type, held_on, track, host, government_wide) from CSV or .xlsx; re-imported ids are updated')
      .argument('<file>', 'the CSV or .xlsx file, or - for CSV on standard input'),
  ).action(async (file: string, f: CommonImportFlags) => {
    const { runImportEvents, toPipelineOptions } = await import('./events.js');
    const maps = f.map ?? [];
    await runImportEvents({ pipeline: toPipelineOptions(file, f, maps.length > 0 ? { map: maps } : {}), maps }, ctx);
  });
  return withExamples(cmd, 'aicop import events events-fy2023.csv', 'aicop import events --dry-run --strict events.csv');
}

function registerImportAttendance(parent: Command, ctx: CliContext): Command {
  const cmd = addCommonImportFlags(
    parent
      .command('attendance')
      .description('import registrations, attendance and satisfaction (event_id, email, registered, attended, satisfaction, nps, comment)')
      .argument('<file>', 'the CSV or .xlsx file, or - for CSV on standard input')
      .option('--event <id>', 'the event of every row (the file may then omit the event_id column)'),
  ).action(async (file: string, f: CommonImportFlags & { event?: string }) => {
    const eventId = f.event?.trim();
    if (eventId === '') throw new UsageError('--event needs an event id', 'e.g. --event 2023-09-CM');
    const [{ runImportAttendance }, { toPipelineOptions }] = await Promise.all([import('./attendance.js'), import('./events.js')]);
    const maps = f.map ?? [];
    const recorded = { ...(eventId !== undefined ? { event: eventId } : {}), ...(maps.length > 0 ? { map: maps } : {}) };
    await runImportAttendance({ pipeline: toPipelineOptions(file, f, recorded), maps, eventId }, ctx);
  });
  return withExamples(cmd, 'aicop import attendance attendance-fy2023.csv', 'aicop import attendance --event 2023-09-CM survey.csv');
}

// One register function and one line per kind.
export function registerImport(program: Command, ctx: CliContext): Command {
  const noun = program.command('import').description('import members, events or attendance from CSV or Excel (.xlsx)');
  registerImportMembers(noun, ctx);
  registerImportEvents(noun, ctx);
  registerImportAttendance(noun, ctx);
  return noun;
}
