#!/usr/bin/env node
// npm run bench:startup — `aicop --version` and `aicop db path` (a real command that builds the
// whole command tree, parses, runs its action and prints) against `node -e 0`; target: each at
// most 2× node's own start-up (the verbs' run code, the database layer and chalk load only when a
// command needs them). Median of ≥ 10 runs each, the three commands taking turns.
import { pathToFileURL } from 'node:url';
import { aicop, ensureGnuTime, fmtMb, fmtSeconds, machine, measure, median, printResult, requireBuild } from './lib.mjs';

export function run({ runs = 15 } = {}) {
  ensureGnuTime();
  const runsN = Math.max(10, runs);
  const commands = [
    { label: 'node -e 0', argv: [process.execPath, ['-e', '0']] },
    { label: 'aicop --version', argv: aicop('--version') },
    { label: 'aicop db path', argv: aicop('db', 'path') },
  ];
  // One warm-up of each so the file cache is not what we measure.
  for (const c of commands) measure('warm-up', ...c.argv, { runs: 1 });
  // Taking turns, one run at a time, so a burst of load on the machine hits all three alike.
  const seconds = commands.map(() => []);
  const rss = commands.map(() => null);
  for (let i = 0; i < runsN; i++) {
    commands.forEach((c, k) => {
      const m = measure(c.label, ...c.argv, { runs: 1 });
      seconds[k].push(m.median);
      if (m.peakRssMb !== null) rss[k] = Math.max(rss[k] ?? 0, m.peakRssMb);
    });
  }
  const [node, ...clis] = commands.map((c, k) => ({ label: c.label, runs: runsN, median: median(seconds[k]), peakRssMb: rss[k] }));
  const rows = [['`node -e 0`', node.runs, fmtSeconds(node.median), fmtMb(node.peakRssMb), '1.00×', '']];
  for (const cli of clis) {
    const ratio = cli.median / node.median;
    rows.push([`\`${cli.label}\``, cli.runs, fmtSeconds(cli.median), fmtMb(cli.peakRssMb), `${ratio.toFixed(2)}×`, `≤ 2× ${ratio <= 2 ? '✓' : '✗'}`]);
  }
  // The summary carries the slower command, so "ok" means both are within the target.
  const worst = clis.reduce((a, b) => (b.median > a.median ? b : a));
  const ratio = worst.median / node.median;
  return {
    title: 'Start-up',
    header: ['command', 'runs', 'median', 'peak RSS', 'ratio', 'target'],
    rows,
    summary: { name: 'startup', aicop: worst.median, baseline: node.median, ratio, rssMb: worst.peakRssMb, ok: ratio <= 2 },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  requireBuild();
  const res = run();
  printResult(res);
  console.log(machine());
}
