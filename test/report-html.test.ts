import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDb, tempDir } from './helpers.js';
import { seedFixture } from './report-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`report-html.test.ts: SKIPPED: ${CHROMIUM} is absent (install it with: apt-get install -y chromium)`);
}

function chromium(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const profile = tempDir('aicop-chromium-');
    const child = spawn(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-logging=stderr', '--v=0', `--user-data-dir=${profile}`, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

describe.skipIf(!hasChromium)('annual html in headless Chromium', () => {
  it('renders its charts: SVGs in the DOM, no console error, a screenshot far from blank', async () => {
    const t = tempDb();
    expect((await t.run(['init'])).code).toBe(0);
    seedFixture(t.dbPath);
    expect((await t.run(['report', 'annual', '--fy', '2023', '--compare', '-o', 'annual.html'])).code).toBe(0);
    const url = pathToFileURL(path.join(t.dir, 'annual.html')).href;

    const dom = await chromium(['--dump-dom', url]);
    expect(dom.code).toBe(0);
    expect(dom.stdout.match(/<svg\b/g)?.length).toBe(6);
    expect(dom.stdout).toContain('class="mark-rect role-mark');
    expect(dom.stderr).not.toMatch(/CONSOLE|Uncaught|Refused to/);

    const blankFile = path.join(t.dir, 'blank.html');
    fs.writeFileSync(blankFile, '<!doctype html><html><body></body></html>');
    const shots = [
      [url, path.join(t.dir, 'annual.png')],
      [pathToFileURL(blankFile).href, path.join(t.dir, 'blank.png')],
    ] as const;
    for (const [u, png] of shots) {
      const r = await chromium(['--hide-scrollbars', `--screenshot=${png}`, '--window-size=1200,2000', u]);
      expect(r.code).toBe(0);
      expect(fs.existsSync(png)).toBe(true);
    }
    const report = fs.statSync(shots[0][1]).size;
    const blank = fs.statSync(shots[1][1]).size;
    // A white 1200x2000 page compresses to a few KB; the report (tables, bars, text) is far larger.
    expect(report).toBeGreaterThan(blank * 10);
    expect(report).toBeGreaterThan(50_000);
  }, 120_000);
});
