import type { EmailRejectReason } from './reasons.js';
import { shellQuote } from './shell.js';

/** The reason a hint suggests; domains allow refuses it until it is replaced by a real one. */
export const REASON_PLACEHOLDER = '<who they are and why they are eligible>';

/**
 * Whether a domain suffix is a public mail provider or under one (`gmail.com`,
 * `mail.gmail.com`): admitting it would admit anyone who opens a mailbox there.
 */
export function publicProviderOf(suffix: string, providers: ReadonlySet<string>): string | undefined {
  const labels = suffix.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const s = labels.slice(i).join('.');
    if (providers.has(s)) return s;
  }
  return undefined;
}

/** The providers list as shipped in data/public-mail-providers.txt: one domain a line, # comments. */
export function parseProviderList(text: string): Set<string> {
  return new Set(text.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim().toLowerCase()).filter((l) => l !== ''));
}

/** Admission rules from the database (`aicop domains allow|deny`), already normalised. */
export interface DomainRules {
  /** Domain suffixes admitted besides .gov/.mil, e.g. 'state.tx.us' (lower-case, no leading dot). */
  readonly allowSuffixes: readonly string[];
  /** Domain suffixes refused even when .gov/.mil. */
  readonly denySuffixes: readonly string[];
  /** Exact normalised addresses admitted as exceptions (they win over every suffix rule). */
  readonly allowAddresses: ReadonlySet<string>;
}

export const NO_RULES: DomainRules = Object.freeze({
  allowSuffixes: Object.freeze([]) as readonly string[],
  denySuffixes: Object.freeze([]) as readonly string[],
  allowAddresses: new Set<string>() as ReadonlySet<string>,
});

export type EmailCheck =
  | { ok: true; email: string; local: string; domain: string; contractor: boolean }
  | { ok: false; reason: EmailRejectReason; detail: string; email: string };

export const MAX_LOCAL = 64;
export const MAX_ADDRESS = 254;

// Compiled once: this runs once per CSV row on million-row files.
const NON_ASCII = /[^\x00-\x7f]/;
const PUNYCODE_LABEL = /(?:^|\.)xn--/;
// RFC 5321 dot-atom local part (the common atext set), no quoted strings.
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// At least two labels, each 1-63 of [a-z0-9-] not starting or ending with '-'.
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A syntactically valid, already lower-cased ASCII domain name of at least two labels. */
export function isValidDomain(domain: string): boolean {
  return domain.length <= 253 && DOMAIN.test(domain) && !PUNYCODE_LABEL.test(domain);
}

interface CompiledRules {
  readonly allow: ReadonlySet<string>;
  readonly deny: ReadonlySet<string>;
}
const compiled = new WeakMap<DomainRules, CompiledRules>();

function compile(rules: DomainRules): CompiledRules {
  let c = compiled.get(rules);
  if (c === undefined) {
    c = { allow: new Set(rules.allowSuffixes), deny: new Set(rules.denySuffixes) };
    compiled.set(rules, c);
  }
  return c;
}

/** The suffix in `set` that covers `domain` (itself or a parent), longest first; else undefined. */
function coveringSuffix(domain: string, set: ReadonlySet<string>): string | undefined {
  if (set.size === 0) return undefined;
  if (set.has(domain)) return domain;
  let i = domain.indexOf('.');
  while (i !== -1) {
    const parent = domain.slice(i + 1);
    if (set.has(parent)) return parent;
    i = domain.indexOf('.', i + 1);
  }
  return undefined;
}

function reject(reason: EmailRejectReason, detail: string, email: string): EmailCheck {
  return { ok: false, reason, detail, email };
}

/** An address as stored and looked up: trimmed, lower-cased, trailing dot of the domain dropped (SPEC §4). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase().replace(/\.$/, '');
}

const SYNTAX_HINT = 'expected name@agency.gov';

/**
 * Normalises an address (trim, lower-case, drop the domain's trailing dot) and judges its
 * eligibility (SPEC §5): syntax, non-ASCII/punycode look-alikes, the exact-address exceptions,
 * deny suffixes, then .gov/.mil or an allow suffix. Pure and allocation-light: the hot path of
 * every import.
 */
export function checkEmail(raw: string, rules: DomainRules = NO_RULES): EmailCheck {
  const trimmed = raw.trim();
  if (trimmed.length === 0) return reject('missing_email', 'the email is empty (every row needs an address)', '');
  const at = trimmed.indexOf('@');
  if (at === -1) return reject('invalid_syntax', `${trimmed.toLowerCase()} has no @ (${SYNTAX_HINT})`, trimmed.toLowerCase());
  if (trimmed.indexOf('@', at + 1) !== -1) {
    return reject('invalid_syntax', `${trimmed.toLowerCase()} has more than one @ (${SYNTAX_HINT})`, trimmed.toLowerCase());
  }
  let rawDomain = trimmed.slice(at + 1);
  if (rawDomain.endsWith('.')) rawDomain = rawDomain.slice(0, -1);
  // Judge non-ASCII on the text as typed: lower-casing folds some look-alikes into ASCII
  // (the Kelvin sign U+212A becomes 'k').
  if (NON_ASCII.test(rawDomain)) {
    // Kept as typed: lower-casing could make it read like the genuine domain.
    const email = `${trimmed.slice(0, at).toLowerCase()}@${rawDomain}`;
    return reject(
      'non_ascii_domain',
      `domain ${rawDomain} contains non-ASCII characters (a look-alike of a real domain?); use the plain ASCII address`,
      email,
    );
  }
  const local = trimmed.slice(0, at).toLowerCase();
  const domain = rawDomain.toLowerCase();
  const email = `${local}@${domain}`;
  if (PUNYCODE_LABEL.test(domain)) {
    return reject('non_ascii_domain', `domain ${domain} has a punycode (xn--) label, an encoded non-ASCII look-alike; use the plain ASCII address`, email);
  }
  if (local.length === 0) return reject('invalid_syntax', `${email} has nothing before the @ (${SYNTAX_HINT})`, email);
  if (local.length > MAX_LOCAL) {
    return reject('invalid_syntax', `the part before the @ is ${local.length} characters, over the limit of ${MAX_LOCAL}`, email);
  }
  if (email.length > MAX_ADDRESS) {
    return reject('invalid_syntax', `the address is ${email.length} characters, over the limit of ${MAX_ADDRESS}`, email);
  }
  if (!LOCAL.test(local)) {
    return reject('invalid_syntax', `${email}: the part before the @ has a space, quote, stray dot or other character not allowed (${SYNTAX_HINT})`, email);
  }
  if (!DOMAIN.test(domain)) {
    return reject('invalid_syntax', `${email}: ${domain === '' ? 'the domain is empty' : `${domain} is not a valid domain name`} (${SYNTAX_HINT})`, email);
  }
  const mil = domain.endsWith('.mil');
  const contractor = mil && local.endsWith('.ctr');
  if (rules.allowAddresses.size > 0 && rules.allowAddresses.has(email)) return { ok: true, email, local, domain, contractor };
  const c = compile(rules);
  const denied = coveringSuffix(domain, c.deny);
  if (denied !== undefined) {
    return reject('denied_domain', `domain ${domain} is denied (rule: deny ${denied}; to lift it run: aicop domains remove ${denied})`, email);
  }
  if (mil || domain.endsWith('.gov') || coveringSuffix(domain, c.allow) !== undefined) {
    return { ok: true, email, local, domain, contractor };
  }
  // Never a suffix: "allow gmail.com" would admit everyone. One person, with a reason; the
  // placeholder is refused by domains allow, so pasting the hint unchanged admits nobody.
  return reject(
    'ineligible_domain',
    `domain ${domain} is not eligible (.gov/.mil only; a typo? for an exception for this one person: aicop domains allow ${shellQuote(email)} --reason "${REASON_PLACEHOLDER}")`,
    email,
  );
}
