import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withExamples } from '../../help.js';
import { EVENT_TYPES } from '../../../core/event-types.js';

// Registration only: each verb's run code is imported when it runs, to keep start-up quick.

function registerEventsList(parent: Command, ctx: CliContext): Command {
  const cmd = parent
    .command('list')
    .description('list events with registrations, attendances, survey responses and mean satisfaction')
    .option('--fy <year>', 'only events held in this fiscal year: a year like 2023, current or previous')
    .option('--type <type...>', `only these event types (${EVENT_TYPES.join(', ')})`)
    .action(async (raw: { fy?: string; type?: string[] }) => {
      const { parseEventsListOptions, renderEventsList, runEventsList } = await import('./list.js');
      const opts = parseEventsListOptions(raw, ctx.now());
      renderEventsList(runEventsList(opts, ctx), ctx);
    });
  return withExamples(cmd, 'aicop events list --fy 2023', 'aicop events list --fy current --type training --format json');
}

function registerEventsUpdate(parent: Command, ctx: CliContext): Command {
  const cmd = parent
    .command('update')
    .description('set the series an event belongs to (reports count attendees per series)')
    .argument('<id>', 'the event id, e.g. 2023-09-TR')
    .option('--series <name>', 'the series, e.g. "AI Training Series"; none clears it')
    .action(async (id: string, raw: { series?: string }) => {
      const { parseEventsUpdateOptions, runEventsUpdate } = await import('./update.js');
      runEventsUpdate(parseEventsUpdateOptions(id, raw), ctx);
    });
  return withExamples(cmd, 'aicop events update 2023-09-TR --series "AI Training Series"', 'aicop events update 2023-09-TR --series none');
}

export function registerEvents(program: Command, ctx: CliContext): Command {
  const noun = program.command('events').description('events of the community of practice');
  registerEventsList(noun, ctx);
  registerEventsUpdate(noun, ctx);
  return noun;
}
