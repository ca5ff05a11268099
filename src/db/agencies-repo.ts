import type { Statement } from 'better-sqlite3';
import { AGENCY_LEVELS, createSuffixMatcher, registeredDomain, type AgencyLevel, type SuffixMatcher } from '../core/agency-match.js';
import type { Db } from './open.js';
import { changeFacts } from './periods-repo.js';

export { AGENCY_LEVELS, type AgencyLevel };
export type AgencySource = 'builtin' | 'dotgov' | 'manual' | 'unmapped';
export type DomainSource = Exclude<AgencySource, 'unmapped'>;

/** Number of agencies in the directory. */
export function countAgencies(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM agencies').get() as { n: number }).n;
}

export interface AgencyInfo {
  readonly id: number;
  readonly name: string;
  readonly organization: string | null;
  readonly level: AgencyLevel | null;
  readonly source: AgencySource;
}

function loadDirectory(db: Db): SuffixMatcher<number> {
  const rows = db.prepare<[], [string, number]>('SELECT domain, agency_id FROM agency_domains').raw().all();
  return createSuffixMatcher(rows);
}

/** Maps a member's domain to an agency id, creating the "unmapped" agency when needed. */
export interface AgencyResolver {
  resolve(domain: string): number;
}

/**
 * A resolver over the directory as it is now: longest matching suffix in agency_domains, else
 * the 'unmapped' agency named after the registered domain (got or created; level federal for
 * .mil, else unknown). Loads the directory once; call inside the caller's transaction.
 */
export function createAgencyResolver(db: Db): AgencyResolver {
  const matcher = loadDirectory(db);
  const unmapped = new Map<string, number>();
  const find = db.prepare<[string], { id: number }>("SELECT id FROM agencies WHERE source = 'unmapped' AND name = ? AND organization IS NULL");
  const insert = db.prepare<[string, string | null]>("INSERT INTO agencies (name, organization, level, source) VALUES (?, NULL, ?, 'unmapped')");
  return {
    resolve(domain: string): number {
      const hit = matcher.match(domain);
      if (hit) return hit.value;
      const reg = registeredDomain(domain);
      let id = unmapped.get(reg);
      if (id === undefined) {
        id = find.get(reg)?.id ?? Number(insert.run(reg, reg.endsWith('.mil') ? 'federal' : null).lastInsertRowid);
        unmapped.set(reg, id);
      }
      return id;
    },
  };
}

/** Read-only agency lookup for a domain (never creates anything). */
export interface AgencyLookup {
  /** The directory agency, or the existing unmapped one, or undefined (an unmapped domain with no members yet). */
  lookup(domain: string): AgencyInfo | undefined;
}

export function createAgencyLookup(db: Db): AgencyLookup {
  const agencies = new Map<number, AgencyInfo>();
  const unmapped = new Map<string, AgencyInfo>();
  for (const a of db.prepare<[], AgencyInfo>('SELECT id, name, organization, level, source FROM agencies').all()) {
    agencies.set(a.id, a);
    if (a.source === 'unmapped') unmapped.set(a.name, a);
  }
  const matcher = loadDirectory(db);
  return {
    lookup(domain: string): AgencyInfo | undefined {
      const hit = matcher.match(domain);
      if (hit) return agencies.get(hit.value);
      return unmapped.get(registeredDomain(domain));
    },
  };
}

/**
 * After a directory change: re-resolves every member's agency, then deletes unmapped agencies
 * left without members. Returns the number of members whose agency changed. Runs in one
 * transaction (nested safely inside the caller's).
 */
/**
 * Deletes 'unmapped' agencies no member belongs to any more. They exist only to group the members
 * of a domain the directory does not know, so once the last such member has gone (re-mapped, or
 * removed by `imports undo`) they are noise in reports and lists.
 */
export function dropOrphanUnmappedAgencies(db: Db): number {
  // A past membership span naming the agency keeps it: closed years still report it.
  return db
    .prepare(
      `DELETE FROM agencies WHERE source = 'unmapped' AND NOT EXISTS (SELECT 1 FROM members m WHERE m.agency_id = agencies.id)
         AND id NOT IN (SELECT agency_id FROM member_spans WHERE agency_id IS NOT NULL)`,
    )
    .run().changes;
}

/**
 * Deletes registry agencies left with no domain and no member (active or not), e.g. one whose
 * domains a registry import has moved to agencies now told apart by state. Returns how many.
 */
export function dropEmptyDotgovAgencies(db: Db): number {
  return db
    .prepare(
      `DELETE FROM agencies WHERE source = 'dotgov'
          AND NOT EXISTS (SELECT 1 FROM agency_domains d WHERE d.agency_id = agencies.id)
          AND NOT EXISTS (SELECT 1 FROM members m WHERE m.agency_id = agencies.id)
          AND id NOT IN (SELECT agency_id FROM member_spans WHERE agency_id IS NOT NULL)`,
    )
    .run().changes;
}

/**
 * After a directory change, members whose domain now belongs to another agency move to it from
 * `today` (a dated fact, SPEC §10): the spans before today keep the agency they had, so closed
 * years keep their figures.
 */
export function remapMemberAgencies(db: Db, today: string): number {
  return db.transaction(() => {
    const resolver = createAgencyResolver(db);
    const update: Statement<[number, number]> = db.prepare('UPDATE members SET agency_id = ? WHERE id = ?');
    // In slices of ids: all members at once held a million rows in memory (about 100 MB), and
    // an open iterator would forbid the updates on this connection.
    const slice = db.prepare<[number], [number, string, number | null]>('SELECT id, domain, agency_id FROM members WHERE id > ? ORDER BY id LIMIT 8192').raw();
    let changed = 0;
    let last = 0;
    // Members share a few thousand domains: each is resolved once (2 µs a member otherwise).
    const byDomain = new Map<string, number>();
    for (let rows = slice.all(last); rows.length > 0; rows = slice.all(last)) {
      for (const [id, domain, agencyId] of rows) {
        let next = byDomain.get(domain);
        if (next === undefined) byDomain.set(domain, (next = resolver.resolve(domain)));
        if (next !== agencyId) {
          changeFacts(db, id, today, { agencyId: next }, { batchId: null });
          update.run(next, id);
          changed++;
        }
        last = id;
      }
    }
    dropOrphanUnmappedAgencies(db);
    return changed;
  }).immediate();
}

/** One domain of the directory with the agency it belongs to. */
export interface DirectoryEntry {
  readonly domain: string;
  readonly name: string;
  readonly organization: string | null;
  readonly level: AgencyLevel;
  readonly domainType?: string | null;
  readonly city?: string | null;
  readonly state?: string | null;
}

export interface UpsertSummary {
  /** Domains new to the directory. */
  added: number;
  /** Domains that now point at another agency or have another type. */
  updated: number;
  unchanged: number;
  /** Domains left alone because a higher-priority source owns them (builtin/manual over dotgov). */
  kept: number;
}

interface AgencyRow {
  id: number;
  level: AgencyLevel | null;
  source: AgencySource;
  city: string | null;
  state: string | null;
}

const agencyKey = (name: string, organization: string | null) => `${name}\u0000${organization ?? ''}`;

/**
 * Adds or updates directory entries from `source`. Agencies are shared by (name, organization);
 * a dotgov entry never overrides a domain that a builtin or manual entry owns, while builtin and
 * manual entries take over any domain. Never deletes. Call inside a transaction; it does not remap members.
 */
export function upsertDirectory(db: Db, entries: Iterable<DirectoryEntry>, source: DomainSource): UpsertSummary {
  const agencies = new Map<string, AgencyRow>();
  for (const a of db
    .prepare<[], AgencyRow & { name: string; organization: string | null }>('SELECT id, name, organization, level, source, city, state FROM agencies')
    .all()) {
    agencies.set(agencyKey(a.name, a.organization), { id: a.id, level: a.level, source: a.source, city: a.city, state: a.state });
  }
  const domains = new Map<string, { agencyId: number; domainType: string | null; source: DomainSource }>();
  for (const [domain, agencyId, domainType, src] of db
    .prepare<[], [string, number, string | null, DomainSource]>('SELECT domain, agency_id, domain_type, source FROM agency_domains')
    .raw()
    .all()) {
    domains.set(domain, { agencyId, domainType, source: src });
  }
  const insertAgency = db.prepare<[string, string | null, AgencyLevel, AgencySource, string | null, string | null]>(
    'INSERT INTO agencies (name, organization, level, source, city, state) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const updateAgency = db.prepare<[AgencyLevel, AgencySource, string | null, string | null, number]>(
    'UPDATE agencies SET level = ?, source = ?, city = ?, state = ? WHERE id = ?',
  );
  const insertDomain = db.prepare<[string, number, string | null, DomainSource]>(
    'INSERT INTO agency_domains (domain, agency_id, domain_type, source) VALUES (?, ?, ?, ?)',
  );
  const updateDomain = db.prepare<[number, string | null, DomainSource, string]>(
    'UPDATE agency_domains SET agency_id = ?, domain_type = ?, source = ? WHERE domain = ?',
  );
  const summary: UpsertSummary = { added: 0, updated: 0, unchanged: 0, kept: 0 };
  for (const e of entries) {
    const current = domains.get(e.domain);
    if (current && source === 'dotgov' && current.source !== 'dotgov') {
      summary.kept++;
      continue;
    }
    const key = agencyKey(e.name, e.organization);
    const city = e.city ?? null;
    const state = e.state ?? null;
    let agency = agencies.get(key);
    if (!agency) {
      const id = Number(insertAgency.run(e.name, e.organization, e.level, source, city, state).lastInsertRowid);
      agency = { id, level: e.level, source, city, state };
      agencies.set(key, agency);
    } else if (agency.source === 'unmapped' || (agency.source === source && (agency.level !== e.level || agency.city !== city || agency.state !== state))) {
      // A directory entry now covers it (unmapped), or the same source revised its facts.
      agency.level = e.level;
      agency.source = source;
      agency.city = city;
      agency.state = state;
      updateAgency.run(e.level, source, city, state, agency.id);
    }
    const domainType = e.domainType ?? null;
    if (!current) {
      insertDomain.run(e.domain, agency.id, domainType, source);
      domains.set(e.domain, { agencyId: agency.id, domainType, source });
      summary.added++;
    } else if (current.agencyId !== agency.id || current.domainType !== domainType || current.source !== source) {
      updateDomain.run(agency.id, domainType, source, e.domain);
      domains.set(e.domain, { agencyId: agency.id, domainType, source });
      summary.updated++;
    } else {
      summary.unchanged++;
    }
  }
  return summary;
}

export interface AgencyListRow {
  readonly id: number;
  readonly name: string;
  readonly organization: string | null;
  readonly level: AgencyLevel | null;
  readonly source: AgencySource;
  readonly domains: number;
  readonly members: number;
}

export interface AgencyListFilter {
  readonly level?: AgencyLevel;
  /** Case-insensitive substring of the name, organization or one of its domains. */
  readonly search?: string;
}

/** Directory agencies (not the unmapped ones) with domain and active-member counts, by name. */
export function listAgencies(db: Db, filter: AgencyListFilter = {}): AgencyListRow[] {
  const where: string[] = ["a.source <> 'unmapped'"];
  const params: string[] = [];
  if (filter.level) {
    where.push('a.level = ?');
    params.push(filter.level);
  }
  if (filter.search) {
    where.push(
      `(instr(lower(a.name), ?) > 0 OR instr(lower(coalesce(a.organization, '')), ?) > 0
        OR EXISTS (SELECT 1 FROM agency_domains s WHERE s.agency_id = a.id AND instr(s.domain, ?) > 0))`,
    );
    const s = filter.search.toLowerCase();
    params.push(s, s, s);
  }
  return db
    .prepare<string[], AgencyListRow>(
      `SELECT a.id, a.name, a.organization, a.level, a.source,
              (SELECT count(*) FROM agency_domains d WHERE d.agency_id = a.id) AS domains,
              (SELECT count(*) FROM members m WHERE m.agency_id = a.id AND m.left_on IS NULL) AS members
         FROM agencies a WHERE ${where.join(' AND ')}
        ORDER BY a.name COLLATE NOCASE, coalesce(a.organization, '') COLLATE NOCASE`,
    )
    .all(...params);
}

export interface UnmappedRow {
  readonly domain: string;
  readonly level: AgencyLevel | null;
  readonly members: number;
}

/** Unmapped agencies (registered domains no directory entry covers) with active-member counts, most first. */
export function listUnmapped(db: Db): UnmappedRow[] {
  return db
    .prepare<[], UnmappedRow>(
      `SELECT a.name AS domain, a.level,
              (SELECT count(*) FROM members m WHERE m.agency_id = a.id AND m.left_on IS NULL) AS members
         FROM agencies a WHERE a.source = 'unmapped'
        ORDER BY members DESC, a.name`,
    )
    .all();
}
