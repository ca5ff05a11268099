import { UsageError } from '../../../errors.js';
import { parseFyArg, parseQuarterArg, type Quarter } from '../../../core/fiscal-year.js';
import type { AgencyGrouping, ReportKind } from '../../../report/model.js';
import type { ReportOptions } from './run.js';

/** The flags of a report verb as commander parses them. */
export interface RawReportFlags {
  fy?: string;
  compare?: boolean;
  by?: string;
  recompute?: boolean;
  quarter?: string;
}

/** Parses an --fy value (2023, FY2023, current, previous); a bad one is a usage error (exit 2). */
export function parseFyFlag(value: string, now: Date): number {
  try {
    return parseFyArg(value, now);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Maps flags to typed options; bad or missing values are usage errors (exit 2). */
export function parseReportFlags(kind: ReportKind, flags: RawReportFlags, now: Date): ReportOptions {
  if (flags.fy === undefined) {
    throw new UsageError(`report ${kind} needs --fy`, 'pass --fy 2023 (or FY2023), --fy current or --fy previous');
  }
  const fy = parseFyFlag(flags.fy, now);
  let by: AgencyGrouping = 'agency';
  if (flags.by !== undefined) {
    if (kind !== 'agencies' && kind !== 'annual') throw new UsageError(`--by applies to report agencies and report annual, not report ${kind}`);
    if (flags.by !== 'agency' && flags.by !== 'organization') throw new UsageError(`--by ${JSON.stringify(flags.by)} is not a grouping`, 'use --by agency or --by organization');
    by = flags.by;
  }
  let quarter: Quarter | undefined;
  if (flags.quarter !== undefined) {
    try {
      quarter = parseQuarterArg(flags.quarter);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  return { kind, fy, compare: flags.compare === true, by, recompute: flags.recompute === true, ...(quarter ? { quarter } : {}) };
}
