import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliContext } from '../src/cli/context.js';
import { buildProgram } from '../src/cli/main.js';
import { scriptedPrompter } from '../src/cli/prompter.js';
import { run, spawnAicop, tempDir, writeFile } from './helpers.js';

function paths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => [[...prefix, c.name()], ...paths(c, [...prefix, c.name()])]);
}
const program = buildProgram(new CliContext({
  stdin: Readable.from([]), stdout: new PassThrough(), stderr: new PassThrough(), stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false,
  env: {}, cwd: '/', home: '/', user: 't', now: () => new Date(), prompter: scriptedPrompter([]), signal: new AbortController().signal,
}));
const ALL = paths(program);

describe('help', () => {
  it.each(ALL.map((p) => [p.join(' ')]))('aicop %s --help shows an example', async (p) => {
    const r = await run([...p.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nExamples:\n {2}\$ .*\baicop /);
  });

  it('aicop --help shows examples and the full reference, which exists', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  $ aicop import members roster.csv\n');
    const ref = /Full reference: (.+)\n/.exec(r.stdout)?.[1];
    expect(ref).toBe(path.resolve('docs', 'commands.md'));
    expect(fs.existsSync(ref!)).toBe(true);
  });

  it('aicop help <noun> <verb> shows that verb\'s page, the same as --help', async () => {
    const viaHelp = await run(['help', 'members', 'list']);
    const viaFlag = await run(['members', 'list', '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toMatch(/^Usage: aicop members list \[options\]\n/);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect((await run(['help', 'report'])).stdout).toMatch(/^Usage: aicop report \[options\] \[command\]\n/);
    expect((await run(['help'])).stdout).toMatch(/^Usage: aicop \[options\] \[command\]\n/);
  });

  it('aicop help with an unknown command is a usage error with a suggestion', async () => {
    const r = await run(['help', 'members', 'lst']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("aicop: error: unknown command 'members lst' (did you mean 'list'?)\n  see the commands with: aicop members --help\n");
  });

  it('--format is listed, with its formats, only by commands that offer formats', async () => {
    const list = (await run(['members', 'list', '--help'])).stdout;
    expect(list).toMatch(/--format <format> +output format: table, csv, json \(default: table on a/);
    expect((await run(['report', 'annual', '--help'])).stdout.replace(/\s+/g, ' ')).toContain('output format: table, json, md, html, xlsx (default: table on a terminal, md when piped');
    for (const p of [['init'], ['export', 'listserv'], ['members', 'add'], ['db', 'backup']]) {
      expect((await run([...p, '--help'])).stdout).not.toContain('--format');
    }
  });

  it('--format on a command without formats, or a format the command lacks, is a usage error before anything runs', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'x.db');
    const init = await run(['--db', db, '--format', 'json', 'init']);
    expect(init.code).toBe(2);
    expect(init.stderr).toBe('aicop: error: --format json is not offered by aicop init: it has no output formats\n  the commands that offer --format list it in their --help\n');
    expect(fs.existsSync(db)).toBe(false);
    const md = await run(['--db', db, 'members', 'list', '--format', 'md']);
    expect(md.code).toBe(2);
    expect(md.stderr).toBe('aicop: error: --format md is not offered by aicop members list\n  choose one of: table, csv, json\n');
  });

  it('through bin/aicop.js: aicop help import members', async () => {
    const r = await spawnAicop(['help', 'import', 'members']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: aicop import members \[options\] <file>/);
  });
});

const hasBash = spawnSync('bash', ['--version']).status === 0;
if (!hasBash) console.warn('skipping the bash completion tests: bash is not on the PATH');

describe('aicop completion', () => {
  /** What bash completes for the words typed so far (the last one being completed). */
  function complete(script: string, words: readonly string[]): string[] {
    const dir = tempDir();
    const file = writeFile(dir, 'aicop.bash', script);
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const r = spawnSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _aicop; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  }

  it.skipIf(!hasBash)('bash completes nouns, verbs and each verb\'s flags', async () => {
    const r = await run(['completion', 'bash']);
    expect(r.code).toBe(0);
    expect(complete(r.stdout, ['aicop', ''])).toEqual(program.commands.map((c) => c.name()));
    expect(complete(r.stdout, ['aicop', 'mem'])).toEqual(['members']);
    expect(complete(r.stdout, ['aicop', '--db', 'x.db', 'members', ''])).toEqual(program.commands.find((c) => c.name() === 'members')!.commands.map((c) => c.name()));
    expect(complete(r.stdout, ['aicop', 'members', ''])).toContain('list');
    expect(complete(r.stdout, ['aicop', 'report', 'annual', '--c'])).toEqual(['--compare']);
    expect(complete(r.stdout, ['aicop', 'members', 'list', '--sea'])).toEqual(['--search']);
    expect(complete(r.stdout, ['aicop', 'export', 'listserv', '--f'])).toEqual([]);
    expect(complete(r.stdout, ['aicop', 'members', 'list', '--form'])).toEqual(['--format']);
    // --wide only where a list table is printed, as --format.
    expect(complete(r.stdout, ['aicop', 'events', 'list', '--wi'])).toEqual(['--wide']);
    expect(complete(r.stdout, ['aicop', 'report', 'annual', '--wi'])).toEqual([]);
  });

  it('zsh loads the bash functions through bashcompinit; fish gets complete lines', async () => {
    const zsh = await run(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef aicop\n/);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain('complete -o default -F _aicop aicop');
    const fish = await run(['completion', 'fish']);
    expect(fish.stdout).toContain("complete -c aicop -n 'test (__aicop_path) = \\'members list\\'' -l status -r -d 'active, inactive or all'");
    expect(fish.stdout).toContain("      printf '%s\\t%s\\n' 'members' ");
    expect(fish.stdout).toContain("      printf '%s\\t%s\\n' 'list' ");
  });

  it('an unknown shell is a usage error', async () => {
    const r = await run(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("aicop: error: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
  });
});
