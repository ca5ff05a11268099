// npm run docs: writes docs/commands.md from the command definitions (dist/, built first).
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CliContext } from '../dist/cli/context.js';
import { buildProgram, PACKAGE_ROOT } from '../dist/cli/main.js';
import { scriptedPrompter } from '../dist/cli/prompter.js';
import { renderReference, REFERENCE_WIDTH, TextSink } from '../dist/cli/docs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sink = new TextSink();
const ctx = new CliContext({
  stdin: Readable.from([]), stdout: sink, stderr: sink, stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false,
  env: {}, cwd: root, home: root, user: 'docs', now: () => new Date(0), prompter: scriptedPrompter([]),
  signal: new AbortController().signal, columns: REFERENCE_WIDTH,
});
const file = path.join(root, 'docs', 'commands.md');
fs.writeFileSync(file, renderReference(buildProgram(ctx), sink, PACKAGE_ROOT));
console.log(`wrote ${path.relative(process.cwd(), file)}`);
