import type { Db } from '../db/open.js';
import { agenciesWithMembers, attendeeTotals, eventCells, groupCells, memberCells, tuneForReports } from '../db/report-repo.js';
import { dayBefore, fiscalYearRange } from '../core/fiscal-year.js';
import { buildFyReport, buildReport, type AgencyGrouping, type Report, type ReportData, type Section } from './model.js';

/** Reads from the database only the figures the sections need. */
export function loadReportData(db: Db, fy: number, sections: readonly Section[]): ReportData {
  const period = fiscalYearRange(fy);
  const dates = { before: dayBefore(period.start), start: period.start, end: period.end };
  const data: ReportData = { fiscal_year: fy, period };
  if (sections.includes('membership') || sections.includes('agencies')) {
    data.members = { cells: memberCells(db, dates), agencies: agenciesWithMembers(db) };
  }
  if (sections.includes('groups')) data.groups = groupCells(db, dates);
  if (sections.includes('events')) data.events = { cells: eventCells(db, fy), attendees: attendeeTotals(db, fy) };
  return data;
}

export interface ReportRequest {
  readonly fy: number;
  readonly sections: readonly Section[];
  readonly compare: boolean;
  readonly by: AgencyGrouping;
}

/** Loads and builds a report (one read transaction, so both years see the same data). */
export function produceReport(db: Db, req: ReportRequest): Report {
  tuneForReports(db);
  return db.transaction(() => {
    const current = buildFyReport(loadReportData(db, req.fy, req.sections), req.sections, req.by);
    const previous = req.compare ? buildFyReport(loadReportData(db, req.fy - 1, req.sections), req.sections, req.by) : undefined;
    return buildReport(current, previous);
  })();
}
