import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { checkEmail, NO_RULES, type DomainRules } from '../src/core/email.js';
import { createSuffixMatcher, registeredDomain } from '../src/core/agency-match.js';
import { levelOfDomainType, parseDotgov } from '../src/core/dotgov.js';

type Expect = readonly [input: string, reason: string, email: string, domain?: string, contractor?: boolean];

const x = (n: number, c = 'x') => c.repeat(n);
// 64 + 1 + 189 = 254 characters; one more label character makes 255.
const domain189 = `${x(63, 'a')}.${x(63, 'b')}.${x(57, 'c')}.gov`;
const domain190 = `${x(63, 'a')}.${x(63, 'b')}.${x(58, 'c')}.gov`;

const TABLE: readonly Expect[] = [
  // eligible
  ['jane@nasa.gov', 'ok', 'jane@nasa.gov', 'nasa.gov', false],
  ['Jane.Doe@NASA.GOV', 'ok', 'jane.doe@nasa.gov', 'nasa.gov', false],
  ['  jane@nasa.gov\t', 'ok', 'jane@nasa.gov', 'nasa.gov', false],
  ['jane@nasa.gov\u00a0', 'ok', 'jane@nasa.gov', 'nasa.gov', false],
  ['jane@nasa.gov.', 'ok', 'jane@nasa.gov', 'nasa.gov', false],
  ['JANE@Army.Mil.', 'ok', 'jane@army.mil', 'army.mil', false],
  ['jane@mail.nih.gov', 'ok', 'jane@mail.nih.gov', 'mail.nih.gov', false],
  ['jane@us.af.mil', 'ok', 'jane@us.af.mil', 'us.af.mil', false],
  ['first.last@uscg.mil', 'ok', 'first.last@uscg.mil', 'uscg.mil', false],
  ["o'brien@state.gov", 'ok', "o'brien@state.gov", 'state.gov', false],
  ['jane+ai@gsa.gov', 'ok', 'jane+ai@gsa.gov', 'gsa.gov', false],
  ['j_doe-1@dhs.gov', 'ok', 'j_doe-1@dhs.gov', 'dhs.gov', false],
  ['info@29palms.gov', 'ok', 'info@29palms.gov', '29palms.gov', false],
  ['a@b.gov', 'ok', 'a@b.gov', 'b.gov', false],
  // contractors: a .ctr local part, on .mil only
  ['john.doe.ctr@army.mil', 'ok', 'john.doe.ctr@army.mil', 'army.mil', true],
  ['JOHN.DOE.CTR@MAIL.MIL', 'ok', 'john.doe.ctr@mail.mil', 'mail.mil', true],
  ['john.doe.ctr@nasa.gov', 'ok', 'john.doe.ctr@nasa.gov', 'nasa.gov', false],
  ['john.doectr@army.mil', 'ok', 'john.doectr@army.mil', 'army.mil', false],
  ['ctr@army.mil', 'ok', 'ctr@army.mil', 'army.mil', false],
  ['john.ctr.doe@navy.mil', 'ok', 'john.ctr.doe@navy.mil', 'navy.mil', false],
  // length limits
  [`${x(64)}@nasa.gov`, 'ok', `${x(64)}@nasa.gov`, 'nasa.gov', false],
  [`${x(65)}@nasa.gov`, 'invalid_syntax', `${x(65)}@nasa.gov`],
  [`${x(64)}@${domain189}`, 'ok', `${x(64)}@${domain189}`, domain189, false],
  [`${x(64)}@${domain190}`, 'invalid_syntax', `${x(64)}@${domain190}`],
  [`jane@${x(63, 'a')}.gov`, 'ok', `jane@${x(63, 'a')}.gov`, `${x(63, 'a')}.gov`, false],
  [`jane@${x(64, 'a')}.gov`, 'invalid_syntax', `jane@${x(64, 'a')}.gov`],
  // missing
  ['', 'missing_email', ''],
  ['   ', 'missing_email', ''],
  // syntax
  ['jane', 'invalid_syntax', 'jane'],
  ['gov', 'invalid_syntax', 'gov'],
  ['jane@', 'invalid_syntax', 'jane@'],
  ['@nasa.gov', 'invalid_syntax', '@nasa.gov'],
  ['a@b@c.gov', 'invalid_syntax', 'a@b@c.gov'],
  ['jane doe@nasa.gov', 'invalid_syntax', 'jane doe@nasa.gov'],
  ['"jane"@nasa.gov', 'invalid_syntax', '"jane"@nasa.gov'],
  ['<jane@nasa.gov>', 'invalid_syntax', '<jane@nasa.gov>'],
  ['.jane@nasa.gov', 'invalid_syntax', '.jane@nasa.gov'],
  ['jane.@nasa.gov', 'invalid_syntax', 'jane.@nasa.gov'],
  ['jane..doe@nasa.gov', 'invalid_syntax', 'jane..doe@nasa.gov'],
  ['jane@nasa..gov', 'invalid_syntax', 'jane@nasa..gov'],
  ['jane@nasa.gov..', 'invalid_syntax', 'jane@nasa.gov.'],
  ['jane@-nasa.gov', 'invalid_syntax', 'jane@-nasa.gov'],
  ['jane@nasa-.gov', 'invalid_syntax', 'jane@nasa-.gov'],
  ['jane@na_sa.gov', 'invalid_syntax', 'jane@na_sa.gov'],
  ['jane@nasa .gov', 'invalid_syntax', 'jane@nasa .gov'],
  ['jane@nasa,gov', 'invalid_syntax', 'jane@nasa,gov'],
  ['jane@gov', 'invalid_syntax', 'jane@gov'],
  ['jane@.gov', 'invalid_syntax', 'jane@.gov'],
  ['jane@mil', 'invalid_syntax', 'jane@mil'],
  ['jane@[127.0.0.1]', 'invalid_syntax', 'jane@[127.0.0.1]'],
  ['jаne@nasa.gov', 'invalid_syntax', 'jаne@nasa.gov'], // Cyrillic а in the local part
  // not .gov/.mil
  ['jane@gmial.com', 'ineligible_domain', 'jane@gmial.com'],
  ['jane@gov.example.com', 'ineligible_domain', 'jane@gov.example.com'],
  ['jane@nasa.gov.example.com', 'ineligible_domain', 'jane@nasa.gov.example.com'],
  ['jane@example-gov.com', 'ineligible_domain', 'jane@example-gov.com'],
  ['jane@nasa.gov.uk', 'ineligible_domain', 'jane@nasa.gov.uk'],
  ['jane@nasa.govt', 'ineligible_domain', 'jane@nasa.govt'],
  ['jane@nasagov.com', 'ineligible_domain', 'jane@nasagov.com'],
  ['jane@army.mil.ru', 'ineligible_domain', 'jane@army.mil.ru'],
  ['jane@127.0.0.1', 'ineligible_domain', 'jane@127.0.0.1'],
  // look-alikes: non-ASCII is judged as typed (before lower-casing) and kept as typed
  ['jane@nаsa.gov', 'non_ascii_domain', 'jane@nаsa.gov'], // Cyrillic а
  ['jane@NАSA.GOV', 'non_ascii_domain', 'jane@NАSA.GOV'], // Cyrillic А
  ['jane@nаsa.gov.', 'non_ascii_domain', 'jane@nаsa.gov'],
  ['jane@\u212Aentucky.gov', 'non_ascii_domain', 'jane@\u212Aentucky.gov'], // Kelvin sign lower-cases to k
  ['jane@ｎａｓａ.gov', 'non_ascii_domain', 'jane@ｎａｓａ.gov'], // full-width
  ['jane@nasa.gov\u200b', 'non_ascii_domain', 'jane@nasa.gov\u200b'], // zero-width space is not trimmed
  ['jane@xn--nsa-8cd.gov', 'non_ascii_domain', 'jane@xn--nsa-8cd.gov'],
  ['jane@XN--NSA-8CD.GOV', 'non_ascii_domain', 'jane@xn--nsa-8cd.gov'],
  ['jane@mail.xn--80ak6aa92e.gov', 'non_ascii_domain', 'jane@mail.xn--80ak6aa92e.gov'],
  ['a@b@nаsa.gov', 'invalid_syntax', 'a@b@nаsa.gov'],
];

describe('checkEmail: the address table', () => {
  test('has at least 50 addresses', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(50);
  });
  test.each(TABLE.map((row) => [...row]))('%j → %s', (...row) => {
    const [input, reason, email, domain, contractor] = row as unknown as Expect;
    const r = checkEmail(input);
    if (reason === 'ok') {
      expect(r).toEqual({ ok: true, email, local: email.slice(0, email.indexOf('@')), domain, contractor });
    } else {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe(reason);
        expect(r.email).toBe(email);
      }
    }
  });
});

describe('checkEmail: details name the fix', () => {
  const detail = (s: string, rules?: DomainRules) => {
    const r = checkEmail(s, rules);
    return r.ok ? '(ok)' : r.detail;
  };
  test('exact texts', () => {
    expect(detail('jane@gmial.com')).toBe('domain gmial.com is not eligible (.gov/.mil only; a typo? for an exception for this one person: aicop domains allow jane@gmial.com --reason "<who they are and why they are eligible>")');
    expect(detail('')).toBe('the email is empty (every row needs an address)');
    expect(detail('a@b@c.gov')).toBe('a@b@c.gov has more than one @ (expected name@agency.gov)');
    expect(detail('jane')).toBe('jane has no @ (expected name@agency.gov)');
    expect(detail(`${x(65)}@nasa.gov`)).toBe('the part before the @ is 65 characters, over the limit of 64');
    expect(detail(`${x(64)}@${domain190}`)).toBe('the address is 255 characters, over the limit of 254');
    expect(detail('jane@gov')).toBe('jane@gov: gov is not a valid domain name (expected name@agency.gov)');
    expect(detail('jane@')).toBe('jane@: the domain is empty (expected name@agency.gov)');
    expect(detail('jane..doe@nasa.gov')).toBe(
      'jane..doe@nasa.gov: the part before the @ has a space, quote, stray dot or other character not allowed (expected name@agency.gov)',
    );
    expect(detail('jane@nаsa.gov')).toBe('domain nаsa.gov contains non-ASCII characters (a look-alike of a real domain?); use the plain ASCII address');
    expect(detail('jane@xn--nsa-8cd.gov')).toBe(
      'domain xn--nsa-8cd.gov has a punycode (xn--) label, an encoded non-ASCII look-alike; use the plain ASCII address',
    );
    const rules: DomainRules = { allowSuffixes: [], denySuffixes: ['bad.gov'], allowAddresses: new Set() };
    expect(detail('x@sub.bad.gov', rules)).toBe('domain sub.bad.gov is denied (rule: deny bad.gov; to lift it run: aicop domains remove bad.gov)');
  });
});

describe('checkEmail: allow and deny rules', () => {
  const rules: DomainRules = {
    allowSuffixes: ['state.tx.us', 'example.org'],
    denySuffixes: ['bad.gov', 'test.army.mil', 'evil.example.org'],
    allowAddresses: new Set(['clerk@county.org', 'boss@bad.gov']),
  };
  const reason = (s: string) => {
    const r = checkEmail(s, rules);
    return r.ok ? 'ok' : r.reason;
  };
  test.each([
    ['jane@state.tx.us', 'ok'],
    ['jane@dshs.state.tx.us', 'ok'],
    ['jane@notstate.tx.us', 'ineligible_domain'],
    ['jane@tx.us', 'ineligible_domain'],
    ['jane@example.org', 'ok'],
    ['jane@evil.example.org', 'denied_domain'],
    ['jane@bad.gov', 'denied_domain'],
    ['jane@mail.bad.gov', 'denied_domain'],
    ['jane@notbad.gov', 'ok'],
    ['jane@test.army.mil', 'denied_domain'],
    ['jane@army.mil', 'ok'],
    ['clerk@county.org', 'ok'],
    ['Clerk@County.ORG.', 'ok'],
    ['other@county.org', 'ineligible_domain'],
    ['boss@bad.gov', 'ok'], // the exact-address exception wins over a deny suffix
    ['jane@nаsa.gov', 'non_ascii_domain'],
  ])('%s → %s', (input, expected) => {
    expect(reason(input)).toBe(expected);
  });

  test('NO_RULES is the default', () => {
    expect(checkEmail('jane@state.tx.us')).toMatchObject({ ok: false, reason: 'ineligible_domain' });
    expect(checkEmail('jane@state.tx.us', NO_RULES)).toMatchObject({ ok: false, reason: 'ineligible_domain' });
  });
});

describe('checkEmail: properties', () => {
  test('never throws; an eligible address is lower-case ASCII under .gov/.mil with a valid shape', () => {
    const alphabet = fc.constantFrom(...'abcXYZ09.-_@ +"а\u212A'.split(''), 'gov', 'mil', '.gov', 'xn--');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')), (s) => {
        const r = checkEmail(s);
        if (r.ok) {
          expect(r.email).toBe(`${r.local}@${r.domain}`);
          expect(r.email).toMatch(/^[\x21-\x7e]+$/);
          expect(r.email).toBe(r.email.toLowerCase());
          expect(r.domain.endsWith('.gov') || r.domain.endsWith('.mil')).toBe(true);
          expect(r.email.split('@')).toHaveLength(2);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('agency matching', () => {
  test.each([
    ['mail.nih.gov', 'nih.gov'],
    ['nih.gov', 'nih.gov'],
    ['a.b.c.army.mil', 'army.mil'],
    ['localhost', 'localhost'],
    // Under .us the state names (and k12/cc/lib under them) are public suffixes, not agencies.
    ['dot.state.tx.us', 'state.tx.us'],
    ['ci.austin.tx.us', 'austin.tx.us'],
    ['isd.k12.tx.us', 'isd.k12.tx.us'],
    ['mail.isd.k12.tx.us', 'isd.k12.tx.us'],
    ['x.school.pvt.k12.ma.us', 'school.pvt.k12.ma.us'],
    ['mail.navajo.nsn.us', 'navajo.nsn.us'],
    ['example.us', 'example.us'],
    ['tx.us', 'tx.us'],
    ['gmail.com', 'gmail.com'],
  ])('registeredDomain(%s) = %s', (d, reg) => {
    expect(registeredDomain(d)).toBe(reg);
  });

  const m = createSuffixMatcher<string>([
    ['nih.gov', 'NIH'],
    ['usda.gov', 'USDA'],
    ['fs.usda.gov', 'Forest Service'],
    ['army.mil', 'Army'],
    ['usace.army.mil', 'USACE'],
  ]);
  test.each([
    ['nih.gov', 'nih.gov', 'NIH'],
    ['mail.nih.gov', 'nih.gov', 'NIH'],
    ['a.b.mail.nih.gov', 'nih.gov', 'NIH'],
    ['usda.gov', 'usda.gov', 'USDA'],
    ['fs.usda.gov', 'fs.usda.gov', 'Forest Service'],
    ['r8.fs.usda.gov', 'fs.usda.gov', 'Forest Service'],
    ['ars.usda.gov', 'usda.gov', 'USDA'],
    ['swf.usace.army.mil', 'usace.army.mil', 'USACE'],
  ])('%s → %s (%s)', (domain, suffix, value) => {
    expect(m.match(domain)).toEqual({ suffix, value });
  });
  test.each(['notnih.gov', 'nih.gov.example.com', 'gov', 'example.com'])('%s has no match', (d) => {
    expect(m.match(d)).toBeUndefined();
  });
});

describe('.gov registry parsing', () => {
  test.each([
    ['Federal - Executive', 'federal'],
    ['Federal', 'federal'],
    ['Federal Agency - Legislative', 'federal'],
    ['State or territory', 'state'],
    ['State or territory - Election', 'state'],
    ['State/Local Govt', 'state'],
    ['City', 'local'],
    ['City - Election', 'local'],
    ['County', 'local'],
    ['County - Election', 'local'],
    ['Special district', 'local'],
    ['Special district - Election', 'local'],
    ['School district', 'local'],
    ['Independent Intrastate', 'local'],
    ['Tribal', 'tribal'],
    ['Tribal - Election', 'tribal'],
    ['Native Sovereign Nation', 'tribal'],
    ['Interstate', 'interstate'],
    ['Interstate Agency', 'interstate'],
  ])('%s → %s', (type, level) => {
    expect(levelOfDomainType(type)).toBe(level);
  });
  test('unknown domain types have no level', () => {
    expect(levelOfDomainType('Quasi-governmental')).toBeUndefined();
  });

  test('header variants, BOM, CRLF, quoted commas, (blank) and bad rows', () => {
    const text =
      '\uFEFFDomain Name,Domain Type,Agency,Suborganization,City,State,Security Contact Email\r\n' +
      'NIH.gov,Federal - Executive,Department of Health and Human Services,National Institutes of Health,Bethesda,MD,(blank)\r\n' +
      'acton-ma.gov,City,"Town of Acton, Massachusetts",(blank),Acton,MA,x@acton-ma.gov\r\n' +
      '\r\n' +
      'nаsa.gov,Federal - Executive,Fake,,,,\r\n' +
      'odd.gov,Quasi-governmental,Odd,,,,\r\n' +
      'noorg.gov,City,,,,,\r\n' +
      'acton-ma.gov,City,Again,,,,\r\n' +
      '"multi.gov",County,"Line one\nline two",,Here,(blank),\r\n' +
      'last.gov,Tribal - Election,Some Nation,,,,';
    const r = parseDotgov(text);
    expect(r).toEqual({
      ok: true,
      rows: 8,
      entries: [
        { domain: 'nih.gov', name: 'National Institutes of Health', organization: 'Department of Health and Human Services', level: 'federal', domainType: 'Federal - Executive', city: 'Bethesda', state: 'MD' },
        { domain: 'acton-ma.gov', name: 'Town of Acton, Massachusetts', organization: null, level: 'local', domainType: 'City', city: 'Acton', state: 'MA' },
        { domain: 'multi.gov', name: 'Line one\nline two', organization: null, level: 'local', domainType: 'County', city: 'Here', state: null },
        { domain: 'last.gov', name: 'Some Nation', organization: null, level: 'tribal', domainType: 'Tribal - Election', city: null, state: null },
      ],
      skipped: [
        { line: 5, detail: 'domain "nаsa.gov" is not a valid ASCII domain name' },
        { line: 6, detail: 'domain odd.gov: unknown domain type "Quasi-governmental"' },
        { line: 7, detail: 'domain noorg.gov has no organization name' },
        { line: 8, detail: 'domain acton-ma.gov appears twice (the first row wins)' },
      ],
    });
  });

  test('a missing required column names the columns found', () => {
    expect(parseDotgov('Domain name,City,State\r\nnih.gov,Bethesda,MD\r\n')).toEqual({
      ok: false,
      message: 'required columns Domain type, Organization name not found; the header has: "Domain name", "City", "State"',
      hint: 'pass the CISA .gov registry CSV (Domain name, Domain type, Organization name, Suborganization name, City, State)',
    });
  });
  test('an unterminated quote is not a readable CSV', () => {
    const r = parseDotgov('Domain name,Domain type,Organization name\nx.gov,City,"Open\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe('not a readable CSV file: line 2: a quoted field is never closed');
  });
});
