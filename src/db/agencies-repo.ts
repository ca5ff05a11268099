import type { Statement } from 'better-sqlite3';
import { createSuffixMatcher, registeredDomain, type SuffixMatcher } from '../core/agency-match.js';
import type { Db } from './open.js';

export type AgencyLevel = 'federal' | 'state' | 'local' | 'tribal' | 'interstate';
export const AGENCY_LEVELS: readonly AgencyLevel[] = ['federal', 'state', 'local', 'tribal', 'interstate'];
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
export function remapMemberAgencies(db: Db): number {
  return db.transaction(() => {
    const resolver = createAgencyResolver(db);
    const update: Statement<[number, number]> = db.prepare('UPDATE members SET agency_id = ? WHERE id = ?');
    let changed = 0;
    const rows = db.prepare<[], [number, string, number | null]>('SELECT id, domain, agency_id FROM members').raw().all();
    for (const [id, domain, agencyId] of rows) {
      const next = resolver.resolve(domain);
      if (next !== agencyId) {
        update.run(next, id);
        changed++;
      }
    }
    db.prepare("DELETE FROM agencies WHERE source = 'unmapped' AND NOT EXISTS (SELECT 1 FROM members m WHERE m.agency_id = agencies.id)").run();
    return changed;
  })();
}
