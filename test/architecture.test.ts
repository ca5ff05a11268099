import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

// STYLE §12: lower layers never import upward; one home per rule.

const SRC = path.join(ROOT, 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)) found.push(m[1]!);
  return found;
}

const LOWER = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'cli').map((e) => e.name);

describe('layers', () => {
  it('the layers below cli (core, csv, db, report, xlsx...) import nothing from src/cli, nor commander, chalk or inquirer', () => {
    const offending: string[] = [];
    for (const layer of LOWER) {
      for (const file of sources(path.join(SRC, layer))) {
        for (const spec of importsOf(file)) {
          const upward = spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(path.join(SRC, 'cli') + path.sep);
          if (upward || /^(commander|chalk|@inquirer\/)/.test(spec)) offending.push(`${path.relative(ROOT, file)} → ${spec}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('the errors and exit codes module imports nothing of aicop, so every layer may use it', () => {
    expect(importsOf(path.join(SRC, 'errors.ts')).filter((s) => s.startsWith('.'))).toEqual([]);
  });

  it('email normalisation has one definition, in core/email.ts', () => {
    const defining = sources(SRC)
      .filter((f) => /export function normaliseEmail\b|function normali[sz]eEmail\b/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    expect(defining).toEqual([path.join('core', 'email.ts')]);
  });
});
