import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import { emit, renderTable, resolveFormat, type Column } from '../../output.js';
import { toCsv, type CsvColumn } from '../../../csv/write.js';
import fs from 'node:fs';
import { checkEmail, isValidDomain, parseProviderList, publicProviderOf, REASON_PLACEHOLDER } from '../../../core/email.js';
import { shellQuote } from '../../../core/shell.js';
import { addDomainRule, listDomainRules, removeDomainRules, type DomainRule, type RuleAction, type RuleTargetType } from '../../../db/domains-repo.js';

export interface RuleTarget {
  readonly type: RuleTargetType;
  readonly target: string;
}

/** Normalises a rule target: an address (contains @) or a domain suffix (leading/trailing dots dropped). */
export function parseRuleTarget(raw: string): RuleTarget {
  const t = raw.trim();
  if (t.includes('@')) {
    const c = checkEmail(t);
    if (!c.ok && (c.reason === 'invalid_syntax' || c.reason === 'missing_email' || c.reason === 'non_ascii_domain')) {
      throw new UsageError(`${JSON.stringify(raw)} is not a valid address: ${c.detail}`);
    }
    return { type: 'address', target: c.email };
  }
  const suffix = t.toLowerCase().replace(/^\.+/, '').replace(/\.$/, '');
  if (!isValidDomain(suffix)) {
    throw new UsageError(
      `${JSON.stringify(raw)} is not a domain suffix of at least two labels (like state.tx.us) nor an address`,
      'pass a domain such as example.org, or one address such as jane@example.org',
    );
  }
  return { type: 'suffix', target: suffix };
}

export interface AddRuleOptions {
  readonly action: RuleAction;
  readonly target: RuleTarget;
  readonly reason: string | null;
  /** The public mail provider an allowed suffix is (or is under), allowed with --force. */
  readonly provider?: string;
}

/** ISO timestamp to the second, from the context clock. */
const stamp = (ctx: CliContext) => ctx.now().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function runAddRule(opts: AddRuleOptions, ctx: CliContext): { rule: DomainRule; created: boolean } {
  const db = ctx.db();
  const result = addDomainRule(db, {
    action: opts.action,
    targetType: opts.target.type,
    target: opts.target.target,
    reason: opts.reason,
    createdBy: ctx.user,
    createdAt: stamp(ctx),
  });
  const other = listDomainRules(db).find((r) => r.target === opts.target.target && r.action !== opts.action);
  if (other) ctx.warn(`${other.target} is also on the ${other.action} list; deny wins (remove one with: aicop domains remove ${other.target})`);
  if (opts.provider !== undefined) ctx.warn(`${opts.target.target} is a public mail provider: anyone with a mailbox there is now eligible (undo with: aicop domains remove ${opts.target.target})`);
  const what = opts.target.type === 'address' ? `address ${opts.target.target}` : `domain suffix ${opts.target.target} (and its subdomains)`;
  ctx.info(`${result.created ? '' : 'updated: '}${opts.action === 'allow' ? 'allowed' : 'denied'} ${what}, by ${ctx.user} at ${result.rule.createdAt}`);
  return result;
}

/** data/public-mail-providers.txt, read when `domains allow` runs. */
function loadProviders(): Set<string> {
  return parseProviderList(fs.readFileSync(new URL('../../../../data/public-mail-providers.txt', import.meta.url), 'utf8'));
}

/**
 * `domains allow`: every exception needs a reason (SPEC §9), and a public mail provider as a
 * suffix needs --force, since it would open a .gov/.mil community to anyone with a mailbox there.
 */
export function parseAllow(target: string, reason: string | undefined, force = false, providers: ReadonlySet<string> = loadProviders()): AddRuleOptions {
  const t = parseRuleTarget(target);
  const r = reason?.trim() ?? '';
  const example = t.type === 'address' ? `aicop domains allow ${shellQuote(t.target)} --reason "county clerk, no .gov mailbox"` : `aicop domains allow ${t.target} --reason "Texas state agencies"`;
  if (r === '') throw new UsageError(`allowing ${t.type === 'address' ? 'the address' : 'the domain suffix'} ${t.target} needs a reason (recorded with who and when)`, `pass --reason "…", e.g. ${example}`);
  if (r === REASON_PLACEHOLDER || /^<.*>$/.test(r)) {
    throw new UsageError(`--reason ${JSON.stringify(r)} is the placeholder from a hint; say who this is and why they are eligible`, `e.g. ${example}`);
  }
  const provider = t.type === 'suffix' ? publicProviderOf(t.target, providers) : undefined;
  if (provider !== undefined && !force) {
    throw new UsageError(
      `${t.target} is ${provider === t.target ? 'a public mail provider' : `under the public mail provider ${provider}`}: allowing it would admit anyone with a mailbox there`,
      `admit one person instead: aicop domains allow jane@${t.target} --reason "…" (or, if you really mean everyone there, add --force)`,
    );
  }
  return { action: 'allow', target: t, reason: r, ...(provider !== undefined ? { provider } : {}) };
}

export function parseDeny(target: string, reason: string | undefined): AddRuleOptions {
  const t = parseRuleTarget(target);
  if (t.type === 'address') throw new UsageError('domains deny takes a domain suffix, not an address', 'to drop one member run: aicop members remove <email>');
  const r = reason?.trim() ?? '';
  return { action: 'deny', target: t, reason: r === '' ? null : r };
}

export function runRemoveRule(target: RuleTarget, ctx: CliContext): DomainRule[] {
  const removed = removeDomainRules(ctx.db(), target.target);
  if (removed.length === 0) throw new UsageError(`no allow or deny rule on ${target.target}`, 'see the rules with: aicop domains list');
  for (const r of removed) ctx.info(`removed ${r.action} ${r.target}`);
  return removed;
}

const RULE_COLUMNS: readonly CsvColumn<DomainRule>[] = [
  { header: 'action', value: (r) => r.action },
  { header: 'type', value: (r) => r.targetType },
  { header: 'target', value: (r) => r.target },
  { header: 'reason', value: (r) => r.reason },
  { header: 'created_by', value: (r) => r.createdBy },
  { header: 'created_at', value: (r) => r.createdAt },
];

export function runListRules(ctx: CliContext): DomainRule[] {
  const format = resolveFormat(ctx, ['table', 'csv', 'json'] as const, 'csv');
  const rules = listDomainRules(ctx.readDb());
  if (format === 'csv') emit(ctx, toCsv(rules, RULE_COLUMNS));
  else if (format === 'json') {
    const rows = rules.map((r) => ({ action: r.action, type: r.targetType, target: r.target, reason: r.reason, created_by: r.createdBy, created_at: r.createdAt }));
    emit(ctx, `${JSON.stringify(rows, null, 2)}\n`);
  } else {
    if (rules.length === 0) ctx.info('no allow or deny rules: only .gov and .mil addresses are eligible');
    emit(ctx, renderTable(ctx, rules, RULE_COLUMNS as readonly Column<DomainRule>[]));
  }
  return rules;
}
