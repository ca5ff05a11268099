import { Option, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withExamples } from '../../help.js';
import type { ReportKind } from '../../../report/model.js';
import type { RawReportFlags } from './flags.js';
import { formatsOf, pipedDefaultOf } from './formats.js';

// Registration only: the report code (report/run.ts and src/report/) is imported when a report
// runs, to keep start-up quick.

const DESCRIPTIONS: Readonly<Record<ReportKind, string>> = {
  membership: 'members at the start and end of a fiscal year, joined, left, growth, by member type and level',
  agencies: 'agencies with members at the end of a fiscal year (--by agency or organization)',
  groups: 'members per working group and practice area at the end of a fiscal year, joined in it',
  events: 'events of a fiscal year: counts by type, attendance, satisfaction, NPS, one row per event',
  annual: 'the annual report: membership, agencies, groups and events in one document (html with charts)',
};

function registerVerb(noun: Command, ctx: CliContext, kind: ReportKind): void {
  const cmd = noun
    .command(kind)
    .description(DESCRIPTIONS[kind])
    .option('--fy <year>', 'fiscal year: 2023, FY2023, current or previous (FY N = 1 Oct N-1 to 30 Sep N)')
    .option('--quarter <q>', 'one fiscal quarter of the year: Q1 (Oct-Dec), Q2 (Jan-Mar), Q3 (Apr-Jun) or Q4 (Jul-Sep)')
    .option('--compare', 'add the previous fiscal year (with --quarter: the same quarter a year earlier)')
    .option('--recompute', "for a closed fiscal year, show today's data instead of the figures as closed");
  if (kind === 'agencies' || kind === 'annual') cmd.addOption(new Option('--by <grouping>', 'agency or organization').choices(['agency', 'organization']));
  cmd.addHelpText('after', `\nFormats: ${formatsOf(kind).join(', ')} (--format; default table on a terminal, ${pipedDefaultOf(kind)} when piped or written with -o unless the -o extension names one).`);
  cmd.action(async (flags: RawReportFlags) => {
    const [{ parseReportFlags }, { runReport }] = await Promise.all([import('./flags.js'), import('./run.js')]);
    await runReport(parseReportFlags(kind, flags, ctx.now()), ctx);
  });
  const examples: Record<ReportKind, string[]> = {
    membership: ['aicop report membership --fy 2023', 'aicop report membership --fy previous --compare --format json'],
    agencies: ['aicop report agencies --fy 2023 --by organization', 'aicop report agencies --fy current -o agencies.csv'],
    groups: ['aicop report groups --fy 2023'],
    events: ['aicop report events --fy 2023 --format md', 'aicop report events --fy previous -o events.csv', 'aicop report events --fy 2024 --quarter Q1 --compare'],
    annual: ['aicop report annual --fy 2023 --compare -o fy2023.html', 'aicop report annual --fy previous --format md | mail -s "FY report" team@agency.gov'],
  };
  withExamples(cmd, ...examples[kind]);
}

/** report close / diff / reopen: closed fiscal years (SPEC §10). */
function registerHistoryVerbs(noun: Command, ctx: CliContext): void {
  const close = noun
    .command('close')
    .description("close a fiscal year once it has ended: store its annual figures (who, when, a fingerprint); later reports of that year show them")
    .option('--fy <year>', 'the fiscal year to close: 2023, FY2023 or previous');
  close.action(async (flags: { fy?: string }) => {
    const { runReportClose } = await import('./history.js');
    runReportClose(ctx, flags);
  });
  withExamples(close, 'aicop report close --fy 2023', 'aicop report close --fy previous');

  const diff = noun
    .command('diff')
    .description("list each figure of a closed fiscal year that today's data changed, with the imports and edits that changed it")
    .option('--fy <year>', 'the closed fiscal year');
  diff.action(async (flags: { fy?: string }) => {
    const { runReportDiff } = await import('./history.js');
    runReportDiff(ctx, flags);
  });
  withExamples(diff, 'aicop report diff --fy 2023', 'aicop report diff --fy 2023 --format json');
  diff.addHelpText('after', '\nFormats: table, csv, json (--format; default table on a terminal, csv when piped).');

  const reopen = noun
    .command('reopen')
    .description('reopen a closed fiscal year (recorded with who, when and why); reports then show today\'s data until it is closed again')
    .option('--fy <year>', 'the closed fiscal year')
    .option('--reason <text>', 'why the year is reopened (required)');
  reopen.action(async (flags: { fy?: string; reason?: string }) => {
    const { runReportReopen } = await import('./history.js');
    runReportReopen(ctx, flags);
  });
  withExamples(reopen, 'aicop report reopen --fy 2023 --reason "late attendance data from the training series"');
}

export function registerReport(program: Command, ctx: CliContext): Command {
  const noun = program.command('report').description('fiscal-year reports: membership, agencies, groups, events, annual');
  for (const kind of ['membership', 'agencies', 'groups', 'events', 'annual'] as const) registerVerb(noun, ctx, kind);
  registerHistoryVerbs(noun, ctx);
  return noun;
}
