import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { openResultSink, renderTable, resolveFormat, yesNo, type Column } from '../../output.js';
import { neutraliseFormula, quoteCsvField } from '../../../csv/write.js';
import { checkEmail, type DomainRules } from '../../../core/email.js';
import { registeredDomain } from '../../../core/agency-match.js';
import { loadDomainRules } from '../../../db/domains-repo.js';
import { createAgencyLookup, type AgencyLookup } from '../../../db/agencies-repo.js';

export interface DomainsCheckOptions {
  /** The addresses given as arguments; empty when reading stdin. */
  readonly emails: readonly string[];
  readonly stdin: boolean;
}

export interface CheckRow {
  readonly email: string;
  readonly eligible: boolean;
  /** `ok` or the reject reason code. */
  readonly reason: string;
  /** The agency name; `(unmapped: example.gov)` when no directory entry covers the domain. */
  readonly agency: string;
  readonly organization: string;
  readonly memberType: string;
  readonly detail: string;
}

export interface DomainsCheckResult {
  readonly checked: number;
  readonly eligible: number;
  readonly ineligible: number;
}

const FORMATS = ['table', 'csv', 'json'] as const;

/** Judges one address; read-only (never creates an unmapped agency). */
function checkRow(raw: string, rules: DomainRules, agencies: AgencyLookup): CheckRow {
  const c = checkEmail(raw, rules);
  if (!c.ok) return { email: c.email, eligible: false, reason: c.reason, agency: '', organization: '', memberType: '', detail: c.detail };
  const a = agencies.lookup(c.domain);
  const directory = a !== undefined && a.source !== 'unmapped';
  return {
    email: c.email,
    eligible: true,
    reason: 'ok',
    agency: directory ? a.name : `(unmapped: ${registeredDomain(c.domain)})`,
    organization: directory ? (a.organization ?? '') : '',
    memberType: c.contractor ? 'contractor' : 'employee',
    detail: '',
  };
}

const TABLE_COLUMNS: readonly Column<CheckRow>[] = [
  { header: 'email', value: (r) => r.email },
  { header: 'eligible', value: (r) => yesNo(r.eligible) },
  { header: 'reason', value: (r) => r.reason },
  { header: 'agency', value: (r) => r.agency },
  { header: 'organization', value: (r) => r.organization },
  { header: 'member_type', value: (r) => r.memberType },
  { header: 'detail', value: (r) => r.detail },
];
const CSV_HEADER = TABLE_COLUMNS.map((c) => c.header).join(',');

const toJson = (r: CheckRow) =>
  JSON.stringify({ email: r.email, eligible: r.eligible, reason: r.reason, agency: r.agency || null, organization: r.organization || null, member_type: r.memberType || null, detail: r.detail || null });

/** Lines of stdin, split by hand: several times faster than readline on million-line input. */
async function* stdinLines(ctx: CliContext): AsyncIterable<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of ctx.stdin as AsyncIterable<Buffer | string>) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    yield lines;
  }
  const last = rest + decoder.end();
  if (last !== '') yield [last];
}

async function* inputLines(opts: DomainsCheckOptions, ctx: CliContext): AsyncIterable<string[]> {
  if (!opts.stdin) {
    yield [...opts.emails];
    return;
  }
  yield* stdinLines(ctx);
}

/** A CSV cell: formula-like text neutralised (as every aicop CSV), quoted only when needed. */
function csvCell(v: string): string {
  return quoteCsvField(neutraliseFormula(v));
}

// Rows are written by hand rather than through csv-stringify: on a million addresses the generic
// writer costs more than the checks themselves. Same output: RFC 4180 quoting, LF records.
const csvLine = (r: CheckRow) =>
  `${csvCell(r.email)},${yesNo(r.eligible)},${r.reason},${csvCell(r.agency)},${csvCell(r.organization)},${r.memberType},${csvCell(r.detail)}\n`;

/** Agency lookups cached per domain: real rosters repeat a few hundred domains. */
function cachedAgencies(agencies: AgencyLookup): AgencyLookup {
  const cache = new Map<string, ReturnType<AgencyLookup['lookup']>>();
  return {
    lookup(domain: string) {
      if (cache.has(domain)) return cache.get(domain);
      if (cache.size >= 100_000) cache.clear();
      const a = agencies.lookup(domain);
      cache.set(domain, a);
      return a;
    },
  };
}

/**
 * Prints eligibility, reason and agency of each address, streaming (stdin may hold millions of
 * lines). Sets exit code 3 when any address is not eligible.
 */
export async function runDomainsCheck(opts: DomainsCheckOptions, ctx: CliContext): Promise<DomainsCheckResult> {
  const format = resolveFormat(ctx, FORMATS, 'csv');
  const db = ctx.readDb();
  const rules = loadDomainRules(db);
  const agencies = cachedAgencies(createAgencyLookup(db));
  const sink = openResultSink(ctx);
  let checked = 0;
  let eligible = 0;
  const tableRows: CheckRow[] = [];
  let out = '';
  const toStdout = ctx.globals.output === undefined || ctx.globals.output === '-';
  // Waits for a slow reader of stdout (a pipe) instead of queueing a million rows in memory.
  const flush = async () => {
    if (out.length === 0) return;
    const chunk = out;
    out = '';
    if (toStdout) {
      if (!ctx.stdout.write(chunk)) await once(ctx.stdout, 'drain');
    } else sink.write(chunk);
  };
  try {
    if (format === 'csv') out = `${CSV_HEADER}\n`;
    else if (format === 'json') out = '[';
    for await (const batch of inputLines(opts, ctx)) {
      ctx.throwIfInterrupted();
      for (const line of batch) {
        // Blank lines separate nothing: they are not addresses.
        if (opts.stdin && line.trim() === '') continue;
        const row = checkRow(line, rules, agencies);
        checked++;
        if (row.eligible) eligible++;
        if (format === 'csv') out += csvLine(row);
        else if (format === 'table') tableRows.push(row);
        else out += `${checked === 1 ? '\n  ' : ',\n  '}${toJson(row)}`;
        if (out.length >= 65_536) await flush();
      }
    }
    if (format === 'table') out = renderTable(ctx, tableRows, TABLE_COLUMNS);
    else if (format === 'json') out += `${checked > 0 ? '\n' : ''}]\n`;
    await flush();
    sink.commit();
  } catch (err) {
    sink.abort();
    throw err;
  }
  const result = { checked, eligible, ineligible: checked - eligible };
  if (checked === 0 && opts.stdin) ctx.warn('no addresses on stdin');
  ctx.info(`${checked} address${checked === 1 ? '' : 'es'} checked: ${eligible} eligible, ${result.ineligible} not eligible`);
  if (result.ineligible > 0) ctx.exitCode = 3;
  return result;
}

export function parseDomainsCheck(emails: readonly string[]): DomainsCheckOptions {
  if (emails.length === 0) throw new UsageError('domains check needs at least one address, or - to read them from stdin', 'e.g. aicop domains check jane@nasa.gov');
  if (emails.includes('-')) {
    if (emails.length > 1) throw new UsageError('- (read stdin) cannot be combined with addresses', 'pass either addresses or -');
    return { emails: [], stdin: true };
  }
  return { emails, stdin: false };
}
