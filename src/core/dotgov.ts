import type { AgencyLevel } from './agency-match.js';
import { isValidDomain } from './email.js';

/**
 * CISA's .gov registry CSV (github.com/cisagov/dotgov-data `current-full.csv`):
 * `Domain name,Domain type,Organization name,Suborganization name,City,State,Security contact email`.
 * Header spellings changed over the years (`Domain Name`, `Agency`, `Domain Type`, …), so
 * headers match case-insensitively ignoring spaces and punctuation. `(blank)` means empty.
 */

type Field = 'domain' | 'type' | 'organization' | 'suborganization' | 'city' | 'state';

const HEADER_ALIASES: Readonly<Record<string, Field>> = {
  domainname: 'domain',
  domain: 'domain',
  domaintype: 'type',
  type: 'type',
  organizationname: 'organization',
  organisationname: 'organization',
  organization: 'organization',
  organisation: 'organization',
  agency: 'organization',
  suborganizationname: 'suborganization',
  suborganisationname: 'suborganization',
  suborganization: 'suborganization',
  suborganisation: 'suborganization',
  bureau: 'suborganization',
  city: 'city',
  state: 'state',
};
const REQUIRED: readonly Field[] = ['domain', 'type', 'organization'];

export interface DotgovEntry {
  readonly domain: string;
  /**
   * The suborganization when there is one, else the organization; a state or local government
   * whose name another state (or a federal entry) also uses gets its state appended: "City of Albany (NY)".
   */
  readonly name: string;
  /** The parent organization when `name` is a suborganization, else null. */
  readonly organization: string | null;
  readonly level: AgencyLevel;
  readonly domainType: string;
  readonly city: string | null;
  readonly state: string | null;
}

export interface DotgovSkip {
  /** Physical line number in the file. */
  readonly line: number;
  readonly detail: string;
}

export type DotgovParse =
  | { readonly ok: true; readonly rows: number; readonly entries: DotgovEntry[]; readonly skipped: DotgovSkip[] }
  | { readonly ok: false; readonly message: string; readonly hint: string };

const normaliseHeader = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The level of a registry `Domain type`: Federal* → federal; State or territory* → state;
 * City, County, Special district, School district, Independent intrastate (incl. "- Election") → local;
 * Tribal / Native sovereign nation → tribal; Interstate → interstate. Undefined when unknown.
 */
export function levelOfDomainType(type: string): AgencyLevel | undefined {
  const t = type.toLowerCase().replace(/\s*-\s*election$/, '').trim();
  if (t.startsWith('federal')) return 'federal';
  if (t.startsWith('state')) return 'state';
  if (t.startsWith('tribal') || t.startsWith('native sovereign')) return 'tribal';
  if (t.startsWith('interstate')) return 'interstate';
  if (/^(city|county|special district|school district|independent intrastate|local)/.test(t)) return 'local';
  return undefined;
}

function value(v: string | undefined): string {
  const s = (v ?? '').trim();
  return s === '(blank)' ? '' : s;
}

interface CsvRecord {
  readonly record: string[];
  /** Physical line number where the record starts. */
  readonly line: number;
}

/**
 * A small RFC 4180 reader (quoted fields, doubled quotes, newlines inside quotes, CR, LF, CRLF):
 * a hand-rolled scanner is ~30x faster than csv-parse with line info on the 16k-row registry.
 * Throws a message with the line on an unterminated quote.
 */
function readCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === 34 /* " */) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) throw new Error(`line ${startLine}: a quoted field is never closed`);
          value += text.slice(from, q);
          if (text.charCodeAt(q + 1) === 34) {
            value += '"';
            from = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        for (let k = 0; k < value.length; k++) if (value.charCodeAt(k) === 10) line++;
        fields.push(value);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      // End of record: CRLF, LF, lone CR or end of text (junk after a closing quote ends it too).
      if (c === 13) i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
      else if (c === 10) i++;
      else if (i < n) {
        const eol = text.indexOf('\n', i);
        i = eol === -1 ? n : eol + 1;
      }
      line++;
      break;
    }
    if (!(fields.length === 1 && fields[0] === '')) out.push({ record: fields, line: startLine });
  }
  return out;
}

/** Parses the registry text (BOM, CRLF and quoted commas handled); bad rows are skipped, not fatal. */
export function parseDotgov(text: string): DotgovParse {
  let records: CsvRecord[];
  try {
    records = readCsv(text);
  } catch (err) {
    return { ok: false, message: `not a readable CSV file: ${(err as Error).message}`, hint: 'pass the registry file current-full.csv from github.com/cisagov/dotgov-data' };
  }
  const first = records[0];
  if (!first) return { ok: false, message: 'the file is empty (no header row)', hint: 'pass the registry file current-full.csv from github.com/cisagov/dotgov-data' };
  const header = first.record;
  const index = new Map<Field, number>();
  for (const [i, h] of header.entries()) {
    const f = HEADER_ALIASES[normaliseHeader(h)];
    if (f === undefined) continue;
    if (index.has(f)) {
      return { ok: false, message: `two columns mean ${f}: ${JSON.stringify(header[index.get(f) ?? 0])} and ${JSON.stringify(h)}`, hint: 'remove one of them' };
    }
    index.set(f, i);
  }
  const missing = REQUIRED.filter((f) => !index.has(f));
  if (missing.length > 0) {
    const names: Record<Field, string> = { domain: 'Domain name', type: 'Domain type', organization: 'Organization name', suborganization: 'Suborganization name', city: 'City', state: 'State' };
    return {
      ok: false,
      message: `required column${missing.length > 1 ? 's' : ''} ${missing.map((f) => names[f]).join(', ')} not found; the header has: ${header.map((h) => JSON.stringify(h)).join(', ')}`,
      hint: 'pass the CISA .gov registry CSV (Domain name, Domain type, Organization name, Suborganization name, City, State)',
    };
  }
  const at = (r: string[], f: Field) => {
    const i = index.get(f);
    return i === undefined ? '' : value(r[i]);
  };
  const entries: DotgovEntry[] = [];
  const skipped: DotgovSkip[] = [];
  const seen = new Set<string>();
  for (let k = 1; k < records.length; k++) {
    const rec = records[k];
    if (!rec) continue;
    const r = rec.record;
    const line = rec.line;
    const domain = at(r, 'domain').toLowerCase().replace(/\.$/, '');
    if (!isValidDomain(domain)) {
      skipped.push({ line, detail: `domain ${JSON.stringify(domain)} is not a valid ASCII domain name` });
      continue;
    }
    if (seen.has(domain)) {
      skipped.push({ line, detail: `domain ${domain} appears twice (the first row wins)` });
      continue;
    }
    const domainType = at(r, 'type');
    const level = levelOfDomainType(domainType);
    if (level === undefined) {
      skipped.push({ line, detail: `domain ${domain}: unknown domain type ${JSON.stringify(domainType)}` });
      continue;
    }
    const org = at(r, 'organization');
    if (org === '') {
      skipped.push({ line, detail: `domain ${domain} has no organization name` });
      continue;
    }
    seen.add(domain);
    const sub = at(r, 'suborganization');
    entries.push({
      domain,
      name: sub !== '' ? sub : org,
      organization: sub !== '' && sub !== org ? org : null,
      level,
      domainType,
      city: at(r, 'city') || null,
      state: at(r, 'state') || null,
    });
  }
  return { ok: true, rows: records.length - 1, entries: disambiguate(entries), skipped };
}

/** Levels whose governments belong to one state (tribes and interstate bodies may span several). */
const ONE_STATE_LEVELS: ReadonlySet<AgencyLevel> = new Set<AgencyLevel>(['state', 'local']);

/**
 * Agencies are told apart by name and organization, but the registry names many different
 * governments alike: "City of Albany" in GA, MN and NY, or Arizona's "Department of Homeland
 * Security" next to the federal one. When one name and organization come from more than one state,
 * or from a federal entry and another level, each state or local entry gets its state appended
 * ("City of Albany (NY)"), so they do not merge into one agency (or into the federal one). A name
 * seen in one state only is kept as written.
 */
function disambiguate(entries: DotgovEntry[]): DotgovEntry[] {
  const key = (e: DotgovEntry) => `${e.name}\u0000${e.organization ?? ''}`;
  const seen = new Map<string, { states: Set<string>; federal: boolean; other: boolean }>();
  for (const e of entries) {
    const k = key(e);
    let g = seen.get(k);
    if (!g) seen.set(k, (g = { states: new Set(), federal: false, other: false }));
    if (e.level === 'federal') g.federal = true;
    else {
      g.other = true;
      if (e.state !== null) g.states.add(e.state.toUpperCase());
    }
  }
  return entries.map((e) => {
    const g = seen.get(key(e));
    if (!g || e.state === null || !ONE_STATE_LEVELS.has(e.level) || (g.states.size < 2 && !(g.federal && g.other))) return e;
    return { ...e, name: `${e.name} (${e.state.toUpperCase()})` };
  });
}
