import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDb, tempDb, tempDir } from './helpers.js';
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

/** An agency name longer than any label limit: the chart must show it whole. */
const LONG_NAME = 'National Oceanic and Atmospheric Administration Office of Marine and Aviation Operations';

async function annualHtml(): Promise<{ dir: string; file: string; url: string }> {
  const t = tempDb();
  expect((await t.run(['init'])).code).toBe(0);
  seedFixture(t.dbPath);
  const db = openDb(t.dbPath);
  db.prepare('UPDATE agencies SET name = ? WHERE id = 9001').run(LONG_NAME);
  db.close();
  expect((await t.run(['report', 'annual', '--fy', '2023', '--compare', '-o', 'annual.html'])).code).toBe(0);
  const file = path.join(t.dir, 'annual.html');
  return { dir: t.dir, file, url: pathToFileURL(file).href };
}

/** The text of every SVG <text> element in a DOM dump, unescaped enough for names without entities. */
function svgTexts(dom: string): string[] {
  return [...dom.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => (m[1] ?? '').trim());
}

describe.skipIf(!hasChromium)('annual html in headless Chromium', () => {
  it('renders its charts with full labels and axis titles, no console error, a screenshot far from blank', async () => {
    const { dir, url } = await annualHtml();

    const dom = await chromium(['--dump-dom', url]);
    expect(dom.code).toBe(0);
    expect(dom.stdout.match(/<svg\b/g)?.length).toBe(6);
    expect(dom.stdout).toContain('class="mark-rect role-mark');
    expect(dom.stderr).not.toMatch(/CONSOLE|Uncaught|Refused to/);
    const texts = svgTexts(dom.stdout);
    // The long agency name whole (no ellipsis), and a title on every axis.
    expect(texts).toContain(LONG_NAME);
    expect(texts.filter((s) => s.endsWith('…'))).toEqual([]);
    for (const title of ['Measure', 'Members', 'Level of government', 'Agency', 'Members at end of year', 'Working group or practice area', 'Event type', 'Events', 'Satisfaction score', 'Responses', 'Fiscal year']) {
      expect(texts).toContain(title);
    }
    // The headline block comes first, before any section.
    const headline = dom.stdout.indexOf('class="headline"');
    expect(headline).toBeGreaterThan(0);
    expect(headline).toBeLessThan(dom.stdout.indexOf('id="membership"'));
    expect(dom.stdout).toContain('FY 2023: 3 members from 2 agencies, 2 events, 4 attendees, CSAT 50.0%');
    // Dates sit in cells that never wrap.
    expect(dom.stdout).toContain('<td class="d">2023-09-30</td>');

    const blankFile = path.join(dir, 'blank.html');
    fs.writeFileSync(blankFile, '<!doctype html><html><body></body></html>');
    const shots = [
      [url, path.join(dir, 'annual.png')],
      [pathToFileURL(blankFile).href, path.join(dir, 'blank.png')],
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

  it('prints to PDF on US Letter pages', async () => {
    const { dir, url } = await annualHtml();
    const pdf = path.join(dir, 'annual.pdf');
    const r = await chromium(['--no-pdf-header-footer', `--print-to-pdf=${pdf}`, url]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/CONSOLE|Uncaught|Refused to/);
    const bytes = fs.readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = bytes.toString('latin1');
    // Letter is 8.5 x 11 in = 612 x 792 pt; the @page rule sets it whatever the printer default.
    const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
    expect(boxes.length).toBeGreaterThan(1);
    expect(boxes.every(([w, h]) => w === 612 && h === 792)).toBe(true);
  }, 120_000);
});
