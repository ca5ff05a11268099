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
