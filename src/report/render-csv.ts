import type { AgencyRow, BreakdownFlow, FyReport, OrganizationRow, Report, Section } from './model.js';
import { LEVELS, MEMBER_TYPES } from './model.js';
import { neutraliseFormula, quoteCsvField } from '../csv/write.js';

type Cell = string | number | boolean | null;

/** RFC 4180 quoting; text cells that a spreadsheet would run as a formula get a leading ', as in every aicop CSV. */
function cell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return quoteCsvField(neutraliseFormula(v));
}

function csv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

function years(r: Report): FyReport[] {
  return r.previous ? [r, r.previous] : [r];
}

/**
 * One flat table per report (the section's main table), one row per figure and fiscal year
 * (with --compare, the previous year's rows follow). Annual has several tables: use json.
 */
export function renderCsv(r: Report, section: Section): string {
  switch (section) {
    case 'membership':
      return csv(
        ['fiscal_year', 'segment', 'value', 'at_start', 'joined', 'rejoined', 'left', 'moved_in', 'moved_out', 'at_end', 'growth_pct'],
        years(r).flatMap((y) => {
          const m = y.membership;
          if (!m) return [];
          const row = (segment: string, value: string, f: BreakdownFlow | undefined) =>
            [y.fiscal_year, segment, value, f?.at_start ?? 0, f?.joined ?? 0, f?.rejoined ?? 0, f?.left ?? 0, f?.moved_in ?? 0, f?.moved_out ?? 0, f?.at_end ?? 0, null];
          return [
            [y.fiscal_year, 'all', 'all', m.at_start, m.joined, m.rejoined, m.left, 0, 0, m.at_end, m.growth_pct],
            ...MEMBER_TYPES.map((t) => row('member_type', t, m.by_member_type[t])),
            ...LEVELS.map((l) => row('level', l, m.by_level[l])),
          ];
        }),
      );
    case 'agencies':
      if (r.agencies?.by === 'organization') {
        return csv(
          ['fiscal_year', 'organization', 'level', 'agencies', 'members_at_end', 'joined_in_fy'],
          years(r).flatMap((y) => ((y.agencies?.rows ?? []) as OrganizationRow[]).map((a) => [y.fiscal_year, a.organization, a.level, a.agencies, a.members_at_end, a.joined_in_fy])),
        );
      }
      return csv(
        ['fiscal_year', 'agency', 'organization', 'level', 'members_at_end', 'joined_in_fy'],
        years(r).flatMap((y) => ((y.agencies?.rows ?? []) as AgencyRow[]).map((a) => [y.fiscal_year, a.agency, a.organization, a.level, a.members_at_end, a.joined_in_fy])),
      );
    case 'groups':
      return csv(
        ['fiscal_year', 'kind', 'group', 'members_at_end', 'joined_in_fy'],
        years(r).flatMap((y) => [
          ...(y.groups?.working_groups ?? []).map((g) => [y.fiscal_year, 'working_group', g.group, g.members_at_end, g.joined_in_fy]),
          ...(y.groups?.practice_areas ?? []).map((g) => [y.fiscal_year, 'practice_area', g.group, g.members_at_end, g.joined_in_fy]),
        ]),
      );
    case 'events':
      return csv(
        ['fiscal_year', 'id', 'title', 'type', 'held_on', 'track', 'government_wide', 'registrations', 'attendances', 'responses', 'mean', 'csat_pct', 'nps'],
        years(r).flatMap((y) =>
          (y.events?.rows ?? []).map((e) => [y.fiscal_year, e.id, e.title, e.type, e.held_on, e.track, e.government_wide, e.registrations, e.attendances, e.responses, e.mean, e.csat_pct, e.nps]),
        ),
      );
  }
}
