import path from 'node:path';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { commandPath } from './help.js';

// docs/commands.md is generated from the command definitions (npm run docs): every command's
// --help page, as a user sees it at 100 columns. test/docs.test.ts fails when it is stale.

export const REFERENCE_WIDTH = 100;

/** A stream that keeps what is written to it, synchronously. */
export class TextSink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

function all(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(all)];
}

/**
 * The markdown reference of a program built to write its help into `sink` at REFERENCE_WIDTH
 * columns; `packageRoot` is cut from paths so the file is the same on every machine.
 */
export function renderReference(program: Command, sink: TextSink, packageRoot: string): string {
  const commands = all(program).filter((c) => c.name() !== 'help' || c.parent === program);
  const title = (c: Command): string => ['aicop', commandPath(c)].filter(Boolean).join(' ');
  const anchor = (c: Command): string => title(c).replace(/\s+/g, '-');
  const parts: string[] = [
    '# aicop command reference',
    '',
    '<!-- Generated from the command definitions by `npm run docs`; do not edit (test/docs.test.ts fails when it is stale). -->',
    '',
    'Every command\'s `--help`, as `aicop help <command>` prints it. The [README](../README.md) has a quick start, the',
    'cron recipe and the exit codes; [reference.md](reference.md) the file formats and rules. The global options',
    '(`--db`, `-o`, `-q`, `--yes`, `--wait`...) are listed under [aicop](#aicop) and work with every command.',
    '',
    ...commands.map((c) => `- [\`${title(c)}\`](#${anchor(c)})`),
  ];
  for (const c of commands) {
    sink.text = '';
    c.outputHelp();
    let page = sink.text.split(packageRoot + path.sep).join('').replace(/[ \t]+$/gm, '').trimEnd();
    // The global options are listed once, on the first page, rather than on every one.
    if (c !== program) page = page.replace(/\nGlobal Options:\n[\s\S]*?\n\n/, '\nGlobal options: see aicop --help.\n\n');
    parts.push('', `## ${title(c)}`, '', '```text', page, '```');
  }
  return `${parts.join('\n')}\n`;
}
