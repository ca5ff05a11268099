#!/usr/bin/env node
// npm run bench:domains [-- --addresses 1000000 --runs 3] — `aicop domains check -` on the
// addresses of a generated roster (one per line on stdin, ~3% ineligible), against a baseline
// that only pattern-matches the suffix: the sqlite3 CLI (`.import` + a `LIKE` count) and
// `grep -cE '@([a-z0-9-]+\.)+(gov|mil)$'`.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { aicop, benchData, ensureGnuTime, ensureTool, fmtMb, fmtRate, fmtSeconds, hasCommand, machine, measure, numberFlags, printResult, requireBuild, scratch } from './lib.mjs';

/** The first column of members.csv, one address per line (the generator never quotes it). */
function addressesFile(data, n) {
  const file = path.join(data, 'addresses.txt');
  if (!fs.existsSync(file)) {
    const text = fs.readFileSync(path.join(data, 'members.csv'), 'utf8');
    const out = [];
    let pos = text.indexOf('\n') + 1;
    while (pos < text.length && out.length < n) {
      const end = text.indexOf('\n', pos);
      const line = text.slice(pos, end < 0 ? text.length : end);
      out.push(line.slice(0, line.indexOf(',')));
      pos = end < 0 ? text.length : end + 1;
    }
    fs.writeFileSync(file, `${out.join('\n')}\n`);
  }
  return file;
}

export async function run({ addresses = 1_000_000, runs = 3 } = {}) {
  ensureGnuTime();
  const haveSqlite = ensureTool('sqlite3');
  if (!hasCommand('domains', 'check')) {
    return { title: 'Domain check', header: ['command', 'note'], rows: [['`aicop domains check -`', 'not in this build yet: skipped']], summary: { name: 'domains', skipped: true } };
  }
  const data = await benchData({ members: addresses });
  const file = addressesFile(data, addresses);
  const work = scratch('domains');
  const db = path.join(work, 'aicop.db');
  try {
    const ours = measure('aicop domains check -', ...aicop('--db', db, '-q', '--format', 'csv', 'domains', 'check', '-'), { runs, stdinFile: file, okCodes: [0, 3] });
    const grep = measure('grep', 'grep', ['-cE', '@([a-z0-9-]+\\.)+(gov|mil)$', file], { runs, okCodes: [0, 1] });
    const sqlite = haveSqlite
      ? measure('sqlite3', 'sqlite3', [':memory:', 'CREATE TABLE a(email TEXT)', `.import --csv ${file} a`, "SELECT count(*) FROM a WHERE email LIKE '%.gov' OR email LIKE '%.mil'"], { runs })
      : null;
    const row = (name, m) => [name, m.runs, fmtSeconds(m.median), fmtRate(addresses, m.median), fmtMb(m.peakRssMb), `${(m.median / ours.median).toFixed(3)}×`];
    return {
      title: `Domain check (${addresses.toLocaleString('en-US')} addresses on stdin)`,
      header: ['command', 'runs', 'median', 'rate', 'peak RSS', 'aicop speed ÷ this'],
      rows: [
        row('`aicop domains check -`', ours),
        ...(sqlite ? [row("`sqlite3`: `.import` + `LIKE '%.gov'` count", sqlite)] : []),
        row("`grep -cE` suffix match", grep),
      ],
      notes: ['The baselines only match the suffix; aicop also checks syntax, allow/deny rules and look-alikes, maps each address to its agency and writes one result row per address.'],
      summary: { name: 'domains', aicop: ours.median, baseline: (sqlite ?? grep).median, ratio: (sqlite ?? grep).median / ours.median, rssMb: ours.peakRssMb, rowsPerSecond: addresses / ours.median },
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  requireBuild();
  printResult(await run(numberFlags({ addresses: 1_000_000, runs: 3 })));
  console.log(machine());
}
