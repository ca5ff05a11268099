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
