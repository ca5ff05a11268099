import { createRequire } from 'node:module';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CliContext, GlobalOptions } from './context.js';
import { AicopError, ExitCode, fromSqliteError } from '../errors.js';
import { registerCommands } from './commands/index.js';
import { usesDatabase } from './help.js';
import { FORMATS } from './output.js';

const require = createRequire(import.meta.url);
export const VERSION = (require('../../package.json') as { version: string }).version;

/** SQLite's busy timeout is a 32-bit count of milliseconds: about 24 days. */
const MAX_WAIT_SECONDS = Math.floor(0x7fffffff / 1000);

function parseWait(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number of seconds, e.g. --wait 30');
  if (n > MAX_WAIT_SECONDS) throw new InvalidArgumentError(`at most ${MAX_WAIT_SECONDS} seconds`);
  return n;
}

/** Builds the whole command tree; commands read their streams and options from ctx. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('aicop');
  program
    .description('Administer the AI Community of Practice: rosters, agencies, groups, events and fiscal-year reports.')
    .version(VERSION, '-V, --version', 'print the version')
    .addOption(new Option('--db <path>', 'the SQLite database (default: $AICOP_DB, else $XDG_DATA_HOME/aicop/aicop.db)'))
    .addOption(new Option('--format <format>', 'output format, where the command offers it').choices(FORMATS))
    .option('-o, --output <file>', 'write the result to this file (atomically) instead of stdout')
    .option('-q, --quiet', 'no progress or summary on stderr (errors still print)', false)
    .option('--no-color', 'no ANSI colour (NO_COLOR and FORCE_COLOR are honoured too)')
    .option('-y, --yes', 'never prompt; answer yes to confirmations', false)
    .addOption(new Option('--wait <seconds>', 'wait this long for another writer\'s lock, then exit 5').argParser(parseWait).default(10))
    .option('--verbose', 'show stack traces of internal errors', false)
    .option('--strict-history', "a write that would change a closed fiscal year's figures fails (exit 4) and changes nothing", false)
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      writeErr: (s) => void ctx.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error:/, 'aicop: error:')),
    })
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true });

  program.hook('preAction', async (_program, actionCommand) => {
    const o = program.opts<{ db?: string; format?: string; output?: string; quiet: boolean; color: boolean; yes: boolean; wait: number; verbose: boolean; strictHistory: boolean }>();
    const globals: GlobalOptions = {
      ...(o.db !== undefined ? { db: o.db } : {}),
      ...(o.format !== undefined ? { format: o.format } : {}),
      ...(o.output !== undefined ? { output: o.output } : {}),
      quiet: o.quiet,
      color: o.color,
      yes: o.yes,
      wait: o.wait,
      verbose: o.verbose,
      ...(o.strictHistory ? { strictHistory: true } : {}),
    };
    ctx.globals = globals;
    await ctx.prepare({ database: usesDatabase(actionCommand) });
  });

  registerCommands(program, ctx);
  return program;
}

/** Runs aicop with argv (without node and script) and returns the exit code; never exits. */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return ExitCode.USAGE;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    await ctx.prepareColor();
    return reportError(err, ctx, argv);
  } finally {
    ctx.close();
  }
}

/** The one place an error becomes a message and an exit code. */
export function reportError(err: unknown, ctx: CliContext, argv: readonly string[]): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.OK;
    return ExitCode.USAGE; // commander already printed the message and suggestion
  }
  const color = ctx.colorFor('stderr');
  const known = err instanceof AicopError ? err : fromSqliteError(err, ctx.hasOpenDb() ? ctx.dbPath() : undefined, ctx.globals.wait);
  if (known) {
    ctx.stderr.write(`${color.red('aicop: error:')} ${known.message}\n`);
    if (known.hint) ctx.stderr.write(`  ${known.hint}\n`);
    return known.exitCode;
  }
  if (err instanceof Error && err.name === 'ExitPromptError') {
    ctx.stderr.write('aicop: interrupted; nothing was changed\n');
    return ExitCode.INTERRUPTED;
  }
  const message = err instanceof Error ? err.message : String(err);
  ctx.stderr.write(`${color.red('aicop: internal error:')} ${message}\n`);
  ctx.stderr.write('  this is a bug in aicop: please report it with the command you ran');
  const verbose = ctx.globals.verbose || argv.includes('--verbose');
  if (verbose && err instanceof Error && err.stack) ctx.stderr.write(`\n${err.stack}\n`);
  else ctx.stderr.write(' (--verbose shows the stack)\n');
  return ExitCode.INTERNAL;
}
