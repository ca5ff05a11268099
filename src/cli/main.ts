import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Argument, Command, CommanderError, Help, InvalidArgumentError, Option } from 'commander';
import type { CliContext, GlobalOptions } from './context.js';
import { AicopError, CancelledError, ExitCode, fromSqliteError, UsageError } from '../errors.js';
import { registerCommands } from './commands/index.js';
import { commandPath, examplesOf, formatOptionHelp, offeredFormats, usesDatabase, withExamples, withoutDatabase } from './help.js';
import { visible } from './visible.js';
import { FORMATS } from './output.js';

const require = createRequire(import.meta.url);
export const VERSION = (require('../../package.json') as { version: string }).version;
/** The installed package's folder: the docs link in --help points into it. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REFERENCE = path.join(PACKAGE_ROOT, 'docs', 'commands.md');

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
    .addOption(new Option('--wide', 'tables show every column in full').default(false).hideHelp())
    .option('--strict-history', "a write that would change a closed fiscal year's figures fails (exit 4) and changes nothing", false)
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      writeErr: (s) => void ctx.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error:/, 'aicop: error:')),
      getOutHelpWidth: () => ctx.columns ?? 80,
      getErrHelpWidth: () => ctx.columns ?? 80,
    })
    .configureHelp({
      sortSubcommands: false,
      showGlobalOptions: true,
      // --format is parsed once, for the whole program, but shown (with the command's own formats)
      // only by the commands that offer formats, and refused by the others (preAction below).
      visibleOptions(cmd: Command): Option[] {
        const own = Help.prototype.visibleOptions.call(this, cmd);
        const offered = offeredFormats(cmd);
        const format = offered ? [new Option('--format <format>', formatOptionHelp(offered))] : [];
        const wide = offered?.wide === true ? [new Option('--wide', 'on a terminal, every column and every cell in full (the table is fitted to the width: $COLUMNS, else the terminal\'s, cells cut with …)')] : [];
        return [...format, ...wide, ...own];
      },
      visibleGlobalOptions(cmd: Command): Option[] {
        return Help.prototype.visibleGlobalOptions.call(this, cmd).filter((o) => o.long !== '--format' && o.long !== '--wide');
      },
    });

  program.hook('preAction', async (_program, actionCommand) => {
    const o = program.opts<{ db?: string; format?: string; output?: string; quiet: boolean; color: boolean; yes: boolean; wait: number; verbose: boolean; strictHistory: boolean; wide: boolean }>();
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
      ...(o.wide ? { wide: true } : {}),
    };
    ctx.globals = globals;
    const offered = offeredFormats(actionCommand);
    if (o.format !== undefined && offered === undefined) {
      throw new UsageError(`--format ${o.format} is not offered by aicop ${commandPath(actionCommand)}: it has no output formats`, 'the commands that offer --format list it in their --help');
    }
    if (o.format !== undefined && offered !== undefined && !offered.formats.includes(o.format)) {
      throw new UsageError(`--format ${o.format} is not offered by aicop ${commandPath(actionCommand)}`, `choose one of: ${offered.formats.join(', ')}`);
    }
    if (o.wide && offered?.wide !== true) {
      throw new UsageError(`--wide is not offered by aicop ${commandPath(actionCommand)}: it prints no list table`, 'the commands that offer --wide list it in their --help');
    }
    ctx.offeredFormats = offered?.formats ?? [];
    await ctx.prepare({ database: usesDatabase(actionCommand) });
  });

  registerCommands(program, ctx);
  registerCompletion(program, ctx);
  registerHelp(program);
  // A noun's help shows the first example of each of its verbs.
  for (const noun of program.commands) {
    if (noun.commands.length > 0 && examplesOf(noun).length === 0) {
      withExamples(noun, ...noun.commands.flatMap((verb) => examplesOf(verb).slice(0, 1)));
    }
  }
  withExamples(
    program,
    'aicop init',
    'aicop import members roster.csv',
    'aicop members list --agency nasa.gov',
    'aicop report annual --fy 2023 -o fy2023.html',
    'aicop help import members',
  );
  program.addHelpText('after', `Full reference: ${REFERENCE}\n`);
  return program;
}

/**
 * `aicop help <noun> <verb>`: that command's page (commander's own help command reads one word
 * only, so `help members list` showed the members page). Nouns keep commander's `help <verb>`.
 */
function registerHelp(program: Command): void {
  program.helpCommand(false);
  const cmd = program
    .command('help')
    .description('show the help of a command, e.g. aicop help members list')
    .argument('[command...]', 'the command\'s words')
    .action(async (words: string[]) => {
      let at: Command = program;
      for (const word of words) {
        const next = at.commands.find((c) => c.name() === word || c.aliases().includes(word));
        if (!next) {
          const here = commandPath(at);
          const names = at.commands.map((c) => c.name());
          const { didYouMean } = await import('../core/suggest.js');
          throw new UsageError(`unknown command '${[here, word].filter(Boolean).join(' ')}'${didYouMean(word, names)}`, `see the commands with: aicop ${here ? `${here} ` : ''}--help`);
        }
        at = next;
      }
      at.outputHelp();
    });
  withoutDatabase(cmd);
  withExamples(cmd, 'aicop help members list', 'aicop help report');
}

function registerCompletion(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('completion')
    .description('print a shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { completionScript } = await import('./completion.js');
      ctx.stdout.write(completionScript(program, shell));
    });
  withoutDatabase(cmd);
  withExamples(cmd, 'aicop completion bash >> ~/.bashrc', 'aicop completion zsh > "${fpath[1]}/_aicop"', 'aicop completion fish > ~/.config/fish/completions/aicop.fish');
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
  if (err instanceof CancelledError) {
    // A declined confirmation: the user's answer, not an error; printed even with --quiet.
    ctx.stderr.write(`aicop: ${err.message}\n`);
    return err.exitCode;
  }
  const color = ctx.colorFor('stderr');
  const known = err instanceof AicopError ? err : fromSqliteError(err, ctx.hasOpenDb() ? ctx.dbPath() : undefined, ctx.globals.wait);
  if (known) {
    ctx.stderr.write(`${color.red('aicop: error:')} ${visible(known.message, true)}\n`);
    if (known.hint) ctx.stderr.write(`  ${visible(known.hint, true)}\n`);
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
