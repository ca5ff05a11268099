import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, tempDir, writeFile } from './helpers.js';

// Start-up time (bench:startup) depends on what a command loads before it runs: only commander
// and the registrations. This checks the module graph, not the clock.

/** Every module URL bin/aicop.js resolves while running argv (needs `npm run build`). */
function modulesLoadedBy(argv: readonly string[]): string[] {
  const dir = tempDir();
  writeFile(dir, 'hooks.mjs', `export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  process.stderr.write('LOADED ' + r.url + '\\n');
  return r;
}
`);
  const register = writeFile(dir, 'register.mjs', `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
  const r = spawnSync(process.execPath, ['--import', register, BIN, ...argv], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, AICOP_DB: path.join(dir, 'cop.db'), FORCE_COLOR: '0' },
    encoding: 'utf8',
  });
  return r.stderr
    .split('\n')
    .filter((l) => l.startsWith('LOADED '))
    .map((l) => l.slice('LOADED '.length))
    .filter((u) => !u.startsWith('node:'));
}

const HEAVY = [/\/dist\/db\/open\.js$/, /\/dist\/db\/migrations\//, /\/dist\/(csv|report)\//, /\/dist\/core\/(events|roster|email)\.js$/, /\/node_modules\/(chalk|better-sqlite3|csv-parse|csv-stringify|iconv-lite|cli-progress|vega|vega-lite|@inquirer)\//];

describe('start-up loads only the command tree', () => {
  it.each([[['--version']], [['--help']], [['members', '--help']], [['db', 'path']], [['nope']]])('aicop %j loads no database, CSV, report or colour code', (argv) => {
    const loaded = modulesLoadedBy(argv);
    expect(loaded.some((u) => u.endsWith('/dist/cli/main.js'))).toBe(true);
    expect(loaded.filter((u) => HEAVY.some((re) => re.test(u)))).toEqual([]);
  });

  it('a command that uses the database loads it when it runs', () => {
    const loaded = modulesLoadedBy(['groups', 'list']);
    expect(loaded.some((u) => u.endsWith('/dist/db/open.js'))).toBe(true);
    expect(loaded.some((u) => u.endsWith('/dist/cli/commands/groups/list.js'))).toBe(true);
    expect(loaded.some((u) => u.includes('/dist/report/'))).toBe(false);
  });
});
