import { isoDateOf } from '../../../core/dates.js';
import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import type { AgencyLevel } from '../../../core/agency-match.js';
import { isValidDomain } from '../../../core/email.js';
import { remapMemberAgencies, upsertDirectory, type UpsertSummary } from '../../../db/agencies-repo.js';

export interface AgenciesAddOptions {
  readonly domain: string;
  readonly name: string;
  readonly organization: string | null;
  readonly level: AgencyLevel;
}

export interface AgenciesAddResult extends UpsertSummary {
  readonly remapped: number;
}

export function parseAgenciesAdd(o: { domain: string; name: string; organization?: string; level: AgencyLevel }): AgenciesAddOptions {
  const domain = o.domain.trim().toLowerCase().replace(/^\.+/, '').replace(/\.$/, '');
  if (!isValidDomain(domain)) throw new UsageError(`--domain ${JSON.stringify(o.domain)} is not a valid ASCII domain name`, 'e.g. --domain nih.gov');
  const name = o.name.trim();
  if (name === '') throw new UsageError('--name is empty', 'e.g. --name "National Institutes of Health"');
  const organization = o.organization?.trim() || null;
  return { domain, name, organization, level: o.level };
}

/** Adds (or re-points) a directory domain as a manual entry, then re-resolves members' agencies. */
export function runAgenciesAdd(opts: AgenciesAddOptions, ctx: CliContext): AgenciesAddResult {
  const db = ctx.db();
  const result = db.transaction(() => withHistoryGuard(ctx, db, `agencies add ${opts.domain}`, null, () => {
    const summary = upsertDirectory(db, [opts], 'manual');
    return { ...summary, remapped: remapMemberAgencies(db, isoDateOf(ctx.now())) };
  })).immediate();
  const verb = result.added > 0 ? 'added' : result.updated > 0 ? 'updated' : 'unchanged';
  ctx.info(`${verb}: ${opts.domain} → ${opts.name}${opts.organization ? ` (${opts.organization})` : ''}, ${opts.level}; ${result.remapped} member${result.remapped === 1 ? '' : 's'} remapped`);
  return result;
}
