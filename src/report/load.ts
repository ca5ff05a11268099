import type { Db } from '../db/open.js';
import { QUARTER_QUERIES, REFERENCE_QUERIES, ROLLUP_QUERIES, type ReportQueries } from '../db/report-repo.js';
import { dayBefore, fiscalQuarterRange, fiscalYearRange, type Quarter } from '../core/fiscal-year.js';
import { buildFyReport, buildReport, type AgencyGrouping, type Report, type ReportData, type Section } from './model.js';

/**
 * Reads from the database only the figures the sections need (from the rollup tables; tests
 * pass REFERENCE_QUERIES to compute the same figures from the base tables). A quarter (the
 * rollups are per fiscal year) is read with QUARTER_QUERIES (rollups where they hold the figure,
 * index ranges for the rest), or with the base-table queries when those are asked for.
 */
export function loadReportData(db: Db, fy: number, sections: readonly Section[], queries: ReportQueries = ROLLUP_QUERIES, quarter?: Quarter): ReportData {
  const period = quarter ? fiscalQuarterRange(fy, quarter) : fiscalYearRange(fy);
  const q = quarter && queries !== REFERENCE_QUERIES ? QUARTER_QUERIES : queries;
  const dates = { fy, before: dayBefore(period.start), start: period.start, end: period.end };
  const data: ReportData = { fiscal_year: fy, ...(quarter ? { quarter } : {}), period };
  if (sections.includes('membership') || sections.includes('agencies')) {
    data.members = {
      cells: q.memberCells(db, dates),
      agencies: q.agenciesWithMembers(db),
      quarters: sections.includes('membership') ? q.quarterMoves(db, dates) : [],
    };
  }
  if (sections.includes('groups')) data.groups = q.groupCells(db, dates);
  if (sections.includes('events')) {
    data.events = { cells: q.eventCells(db, dates), attendees: q.attendeeTotals(db, dates), groups: q.groupAttendees(db, dates) };
  }
  return data;
}

export interface ReportRequest {
  readonly fy: number;
  readonly sections: readonly Section[];
  readonly compare: boolean;
  readonly by: AgencyGrouping;
  /** One fiscal quarter instead of the whole year (--quarter); --compare then gives the same quarter a year earlier. */
  readonly quarter?: Quarter;
  /** Defaults to the rollups; the tests' reference reads the base tables. */
  readonly queries?: ReportQueries;
}

/** Loads and builds a report (one read transaction, so both years see the same data). */
export function produceReport(db: Db, req: ReportRequest): Report {
  return db.transaction(() => {
    const current = buildFyReport(loadReportData(db, req.fy, req.sections, req.queries, req.quarter), req.sections, req.by);
    const previous = req.compare ? buildFyReport(loadReportData(db, req.fy - 1, req.sections, req.queries, req.quarter), req.sections, req.by) : undefined;
    return buildReport(current, previous);
  })();
}
