#!/usr/bin/env node
// npm run demo: a fresh database in a temporary folder loaded with data/sample/, then the FY2023 annual report.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'aicop.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicop-demo-'));
const db = path.join(dir, 'demo.db');

function aicop(...args) {
  console.error(`$ aicop ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [bin, '--db', db, ...args], { stdio: 'inherit' });
  return r.status ?? 1;
}

const steps = [['init'], ['db', 'check']];
for (const s of steps) {
  const code = aicop(...s);
  if (code !== 0 && code !== 3) process.exit(code);
}
console.error(`\ndemo database: ${db}`);
