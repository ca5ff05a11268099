#!/usr/bin/env node
// npm run bench:startup — `aicop --version` against `node -e 0` (target: at most 2× node's own
// start-up; heavy modules must load lazily). Median of ≥ 10 runs each.
import { pathToFileURL } from 'node:url';
import { aicop, ensureGnuTime, fmtMb, fmtSeconds, machine, measure, printResult, requireBuild } from './lib.mjs';

export function run({ runs = 15 } = {}) {
  ensureGnuTime();
  const runsN = Math.max(10, runs);
  // One warm-up of each so the file cache is not what we measure.
  measure('warm-up', process.execPath, ['-e', '0'], { runs: 1 });
  measure('warm-up', ...aicop('--version'), { runs: 1 });
  const node = measure('node -e 0', process.execPath, ['-e', '0'], { runs: runsN });
  const cli = measure('aicop --version', ...aicop('--version'), { runs: runsN });
  const ratio = cli.median / node.median;
  return {
    title: 'Start-up',
    header: ['command', 'runs', 'median', 'peak RSS', 'ratio', 'target'],
    rows: [
      ['`node -e 0`', node.runs, fmtSeconds(node.median), fmtMb(node.peakRssMb), '1.00×', ''],
      ['`aicop --version`', cli.runs, fmtSeconds(cli.median), fmtMb(cli.peakRssMb), `${ratio.toFixed(2)}×`, `≤ 2× ${ratio <= 2 ? '✓' : '✗'}`],
    ],
    summary: { name: 'startup', aicop: cli.median, baseline: node.median, ratio, rssMb: cli.peakRssMb, ok: ratio <= 2 },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  requireBuild();
  const res = run();
  printResult(res);
  console.log(machine());
}
