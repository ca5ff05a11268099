import type { Command } from 'commander';

const EXAMPLES = new WeakMap<Command, readonly string[]>();

/** Attaches examples to a command's --help (every command has at least one). */
export function withExamples(cmd: Command, ...examples: string[]): Command {
  EXAMPLES.set(cmd, examples);
  cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  return cmd;
}

export function examplesOf(cmd: Command): readonly string[] {
  return EXAMPLES.get(cmd) ?? [];
}

const NO_DATABASE = new WeakSet<Command>();

/** Marks a command that never opens the database: its start skips loading the database layer. */
export function withoutDatabase(cmd: Command): Command {
  NO_DATABASE.add(cmd);
  return cmd;
}

export function usesDatabase(cmd: Command): boolean {
  return !NO_DATABASE.has(cmd);
}

/** The words that name a command from the top: 'members list' (empty for the program itself). */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export interface OfferedFormats {
  readonly formats: readonly string[];
  /** The format when piped or written with -o (and the extension names none of them). */
  readonly piped: string;
  /** A list printed with renderTable: --wide is offered. */
  readonly wide?: boolean;
}

const LIST: OfferedFormats = { formats: ['table', 'csv', 'json'], piped: 'csv', wide: true };
const RECORD: OfferedFormats = { formats: ['table', 'json'], piped: 'table' };
const EXPORT: OfferedFormats = { formats: ['csv', 'json', 'xlsx'], piped: 'csv' };
const REPORT: OfferedFormats = { formats: ['table', 'csv', 'json', 'md', 'html', 'xlsx'], piped: 'csv' };

/**
 * The commands that print a result in a choice of formats, and which. --format is refused on
 * every other command and shown only in these commands' help; resolveFormat checks that a
 * command's run offers exactly these (a mismatch is a bug, caught by any test of the command).
 */
const FORMATS_BY_COMMAND: Readonly<Record<string, OfferedFormats>> = {
  'imports list': LIST,
  'imports show': RECORD,
  'members list': LIST,
  'members show': RECORD,
  'members duplicates': LIST,
  'domains check': LIST,
  'domains list': LIST,
  'agencies list': LIST,
  'agencies unmapped': LIST,
  'groups list': LIST,
  'groups members': LIST,
  'groups assign': LIST,
  'groups links': LIST,
  'events list': LIST,
  'report membership': REPORT,
  'report agencies': REPORT,
  'report groups': REPORT,
  'report events': REPORT,
  'report annual': { formats: ['table', 'json', 'md', 'html', 'xlsx'], piped: 'md' },
  'report diff': LIST,
  'export members': EXPORT,
  'export attendance': EXPORT,
};

/** The formats a command offers, or undefined when it prints no choosable result. */
export function offeredFormats(cmd: Command): OfferedFormats | undefined {
  return FORMATS_BY_COMMAND[commandPath(cmd)];
}

/** The --format line of a command's help, naming its formats and its defaults. */
export function formatOptionHelp(offered: OfferedFormats): string {
  const table = offered.formats.includes('table') ? 'table on a terminal, ' : '';
  return `output format: ${offered.formats.join(', ')} (default: ${table}${offered.piped} when piped; an -o file's extension picks one of these)`;
}
