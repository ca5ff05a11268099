import type { Db } from '../db/open.js';
import { ROLLUP_QUERIES, type ReportQueries } from '../db/report-repo.js';
import { dayBefore, fiscalYearRange } from '../core/fiscal-year.js';
import { buildFyReport, buildReport, type AgencyGrouping, type Report, type ReportData, type Section } from './model.js';

/**
 * Reads from the database only the figures the sections need (from the rollup tables; tests
 * pass REFERENCE_QUERIES to compute the same figures from the base tables).
 */
export function loadReportData(db: Db, fy: number, sections: readonly Section[], queries: ReportQueries = ROLLUP_QUERIES): ReportData {
  const period = fiscalYearRange(fy);
  const dates = { fy, before: dayBefore(period.start), start: period.start, end: period.end };
  const data: ReportData = { fiscal_year: fy, period };
  if (sections.includes('membership') || sections.includes('agencies')) {
    data.members = { cells: queries.memberCells(db, dates), agencies: queries.agenciesWithMembers(db) };
  }
  if (sections.includes('groups')) data.groups = queries.groupCells(db, dates);
  if (sections.includes('events')) {
    data.events = { cells: queries.eventCells(db, dates), attendees: queries.attendeeTotals(db, dates), groups: queries.groupAttendees(db, dates) };
  }
  return data;
}

export interface ReportRequest {
  readonly fy: number;
  readonly sections: readonly Section[];
  readonly compare: boolean;
  readonly by: AgencyGrouping;
  /** Defaults to the rollups; the tests' reference reads the base tables. */
  readonly queries?: ReportQueries;
}

/** Loads and builds a report (one read transaction, so both years see the same data). */
export function produceReport(db: Db, req: ReportRequest): Report {
  return db.transaction(() => {
    const current = buildFyReport(loadReportData(db, req.fy, req.sections, req.queries), req.sections, req.by);
    const previous = req.compare ? buildFyReport(loadReportData(db, req.fy - 1, req.sections, req.queries), req.sections, req.by) : undefined;
    return buildReport(current, previous);
  })();
}
