import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { withExamples } from '../../help.js';

// Registration only: the verbs' run code (imports/run.ts) is imported when one runs, to keep
// start-up quick.

function parseBatchId(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`batch id "${value}" is not a number`, 'see the ids with: aicop imports list');
  const id = Number(value);
  // Past 2^53 a number no longer names one id (99999999999999999999 would read as 1e20).
  if (!Number.isSafeInteger(id)) throw new UsageError(`no import batch ${value.trim()}`, 'see the ids with: aicop imports list');
  return id;
}

export function registerImports(program: Command, ctx: CliContext): Command {
  const noun = program.command('imports').description('import history: list, show and undo batches');
  withExamples(
    noun
      .command('list')
      .description('every import batch, newest first: file, who, when, counts, status')
      .action(async () => {
        const { runImportsList } = await import('./run.js');
        runImportsList(ctx);
      }),
    'aicop imports list',
    'aicop imports list --format json',
  );
  withExamples(
    noun
      .command('show')
      .description('one batch: file, sha256, options, counts and rejected rows by reason')
      .argument('<id>', 'the batch id (see imports list)')
      .action(async (id: string) => {
        const { runImportsShow } = await import('./run.js');
        runImportsShow(ctx, parseBatchId(id));
      }),
    'aicop imports show 12',
  );
  withExamples(
    noun
      .command('undo')
      .description('revert one batch exactly (members, assignments, deactivations); refuses if later changes touched the same rows')
      .argument('<id>', 'the batch id (see imports list)')
      .action(async (id: string) => {
        const { runImportsUndo } = await import('./run.js');
        await runImportsUndo(ctx, parseBatchId(id));
      }),
    'aicop imports undo 12 --yes',
  );
  return noun;
}
