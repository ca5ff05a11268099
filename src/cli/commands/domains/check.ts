import readline from 'node:readline';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../errors.js';
import { withExamples } from '../../help.js';
import { openResultSink, renderTable, resolveFormat, type Column } from '../../output.js';
import { CsvWriter, type CsvColumn } from '../../../csv/write.js';
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
export function checkRow(raw: string, rules: DomainRules, agencies: AgencyLookup): CheckRow {
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

const CSV_COLUMNS: readonly CsvColumn<CheckRow>[] = [
  { header: 'email', value: (r) => r.email },
  { header: 'eligible', value: (r) => (r.eligible ? 'yes' : 'no') },
  { header: 'reason', value: (r) => r.reason },
  { header: 'agency', value: (r) => r.agency },
  { header: 'organization', value: (r) => r.organization },
  { header: 'member_type', value: (r) => r.memberType },
  { header: 'detail', value: (r) => r.detail },
];
const TABLE_COLUMNS: readonly Column<CheckRow>[] = CSV_COLUMNS.map((c) => ({ header: c.header, value: (r: CheckRow) => c.value(r) as string }));

const toJson = (r: CheckRow) =>
  JSON.stringify({ email: r.email, eligible: r.eligible, reason: r.reason, agency: r.agency || null, organization: r.organization || null, member_type: r.memberType || null, detail: r.detail || null });

async function* inputLines(opts: DomainsCheckOptions, ctx: CliContext): AsyncIterable<string> {
  if (!opts.stdin) {
    yield* opts.emails;
    return;
  }
  const rl = readline.createInterface({ input: ctx.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    // Blank lines separate nothing: they are not addresses.
    if (line.trim() !== '') yield line;
  }
}

/**
 * Prints eligibility, reason and agency of each address, streaming (stdin may hold millions of
 * lines). Sets exit code 3 when any address is not eligible.
 */
export async function runDomainsCheck(opts: DomainsCheckOptions, ctx: CliContext): Promise<DomainsCheckResult> {
  const format = resolveFormat(ctx, FORMATS, 'csv');
  const db = ctx.db();
  const rules = loadDomainRules(db);
  const agencies = createAgencyLookup(db);
  const sink = openResultSink(ctx);
  let checked = 0;
  let eligible = 0;
  const tableRows: CheckRow[] = [];
  const csv = new CsvWriter(CSV_COLUMNS, {}, (s) => sink.write(s));
  let jsonParts: string[] = [];
  try {
    if (format === 'json') sink.write('[');
    for await (const line of inputLines(opts, ctx)) {
      const row = checkRow(line, rules, agencies);
      checked++;
      if (row.eligible) eligible++;
      if (format === 'csv') csv.row(row);
      else if (format === 'table') tableRows.push(row);
      else {
        jsonParts.push(`${checked === 1 ? '\n  ' : ',\n  '}${toJson(row)}`);
        if (jsonParts.length >= 1000) {
          sink.write(jsonParts.join(''));
          jsonParts = [];
        }
      }
    }
    if (format === 'csv') csv.end();
    else if (format === 'table') sink.write(renderTable(ctx, tableRows, TABLE_COLUMNS));
    else sink.write(`${jsonParts.join('')}${checked > 0 ? '\n' : ''}]\n`);
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

export function registerDomainsCheck(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('check')
    .description('show the eligibility, reason code and agency of addresses; exit 0 if all are eligible, 3 otherwise')
    .argument('[email...]', 'addresses to check, or - to read one per line from stdin')
    .action(async (emails: string[]) => {
      await runDomainsCheck(parseDomainsCheck(emails), ctx);
    });
  return withExamples(cmd, 'aicop domains check jane@mail.nih.gov john.doe.ctr@army.mil', 'cut -d, -f3 roster.csv | aicop domains check - --format csv > checked.csv');
}
