import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliContext } from '../src/cli/context.js';
import { renderReference, REFERENCE_WIDTH, TextSink } from '../src/cli/docs.js';
import { buildProgram, PACKAGE_ROOT } from '../src/cli/main.js';
import { scriptedPrompter } from '../src/cli/prompter.js';
import { ROOT } from './helpers.js';

describe('docs/commands.md', () => {
  it('is what npm run docs generates from the command definitions (run it after changing a command)', () => {
    const sink = new TextSink();
    const ctx = new CliContext({
      stdin: Readable.from([]), stdout: sink, stderr: sink, stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false,
      env: {}, cwd: ROOT, home: ROOT, user: 'docs', now: () => new Date(0), prompter: scriptedPrompter([]),
      signal: new AbortController().signal, columns: REFERENCE_WIDTH,
    });
    const generated = renderReference(buildProgram(ctx), sink, PACKAGE_ROOT);
    const committed = fs.readFileSync(path.join(ROOT, 'docs', 'commands.md'), 'utf8');
    // One assertion with the whole text: the diff shows what changed; `npm run docs` fixes it.
    expect(committed, 'docs/commands.md is stale: run npm run docs').toBe(generated);
    expect(generated).toContain('## aicop members list');
    expect(generated).toContain('$ aicop members list --agency nasa.gov --group "Event Planning"');
    expect(generated).not.toContain(PACKAGE_ROOT);
  });
});
