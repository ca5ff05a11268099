import { createHash } from 'node:crypto';
import type { Db } from '../db/open.js';
import { currentClosure, restatementsSince } from '../db/closures-repo.js';
import { loadReportData } from './load.js';
import { buildFyReport, type AgenciesSection, type FyReport, type Report, type Section } from './model.js';

const ALL: readonly Section[] = ['membership', 'agencies', 'groups', 'events'];

/** Everything `report close` stores for a fiscal year: the annual figures, both agency groupings. */
export interface ClosedFigures {
  readonly annual: FyReport;
  readonly agencies_by_organization: AgenciesSection;
}

/** One figure that differs between the closed figures and today's data. */
export interface FigureChange {
  readonly figure: string;
  readonly closed: unknown;
  readonly current: unknown;
}

/** Today's figures for a fiscal year, in the shape `report close` stores (always the whole year). */
export function computeFigures(db: Db, fy: number): ClosedFigures {
  const data = loadReportData(db, fy, ALL);
  const { methods: _methods, ...annual } = buildFyReport(data, ALL, 'agency');
  const byOrg = buildFyReport(data, ['agencies'], 'organization').agencies;
  if (!byOrg) throw new Error('agencies section missing');
  return { annual, agencies_by_organization: byOrg };
}

/** A stable fingerprint of the figures (sha256 of their canonical JSON). */
export function fingerprintOf(f: ClosedFigures): string {
  return createHash('sha256').update(canonical(f)).digest('hex');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Every figure as "path → value": rows of tables are keyed by their name (agency, group, event
 * id) rather than position, so a figure is named the way an analyst would look for it.
 */
export function flattenFigures(f: ClosedFigures): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (prefix: string, v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((row, i) => {
        const r = row as Record<string, unknown>;
        const key = r.id ?? r.agency ?? r.organization ?? r.group ?? String(i);
        walk(`${prefix}[${String(key)}]`, row);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(prefix === '' ? k : `${prefix}.${k}`, x);
    } else {
      out.set(prefix, v);
    }
  };
  walk('', { ...f.annual, agencies_by_organization: f.agencies_by_organization });
  return out;
}

/**
 * Every figure's path with its shape: the path with each row's name left out (`agencies.rows[].members`),
 * and the containers around it, innermost first, each an object or an array of rows.
 */
interface FigureShape {
  readonly shape: string;
  readonly around: readonly { readonly shape: string; readonly array: boolean }[];
}

/** The shapes of a set of figures: of every figure, and of every object and array that holds them. */
function shapesOf(f: ClosedFigures): { figures: Map<string, FigureShape>; leaves: Set<string>; containers: Set<string> } {
  const figures = new Map<string, FigureShape>();
  const leaves = new Set<string>();
  const containers = new Set<string>();
  const walk = (prefix: string, shape: string, v: unknown, around: FigureShape['around']): void => {
    if (Array.isArray(v)) {
      containers.add(shape);
      const inner = [{ shape, array: true }, ...around];
      v.forEach((row, i) => {
        const r = row as Record<string, unknown>;
        const key = r.id ?? r.agency ?? r.organization ?? r.group ?? String(i);
        walk(`${prefix}[${String(key)}]`, `${shape}[]`, row, inner);
      });
    } else if (v !== null && typeof v === 'object') {
      containers.add(shape);
      const inner = [{ shape, array: false }, ...around];
      for (const [k, x] of Object.entries(v)) walk(prefix === '' ? k : `${prefix}.${k}`, shape === '' ? k : `${shape}.${k}`, x, inner);
    } else {
      figures.set(prefix, { shape, around });
      leaves.add(shape);
    }
  };
  walk('', '', { ...f.annual, agencies_by_organization: f.agencies_by_organization }, []);
  return { figures, leaves, containers };
}

/**
 * Whether the closed figures could have had this figure of today's: a figure of a kind they hold
 * (a new agency's members), or one in a list they hold empty (rows they cannot tell apart). A
 * field their objects lack — a figure added to aicop after the year was closed, such as the
 * by-quarter table — they never had: its appearance restates nothing.
 */
function closedCouldHave(closed: { leaves: Set<string>; containers: Set<string> }, figure: FigureShape): boolean {
  if (closed.leaves.has(figure.shape)) return true;
  const known = figure.around.find((c) => closed.containers.has(c.shape));
  return known === undefined || known.array;
}

/**
 * The figures that differ (present on one side only counts as a change from/to null), but for
 * figures the closed set never had: a year closed by an earlier aicop lacks the figures added
 * since, and those are not restatements.
 */
export function diffFigures(closed: ClosedFigures, current: ClosedFigures): FigureChange[] {
  const a = flattenFigures(closed);
  const b = flattenFigures(current);
  const closedShapes = shapesOf(closed);
  const currentShapes = shapesOf(current).figures;
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const changes: FigureChange[] = [];
  for (const k of keys) {
    if (!a.has(k)) {
      const shape = currentShapes.get(k);
      if (shape !== undefined && !closedCouldHave(closedShapes, shape)) continue;
    }
    const x = a.has(k) ? a.get(k) : null;
    const y = b.has(k) ? b.get(k) : null;
    if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ figure: k, closed: x, current: y });
  }
  return changes;
}

/** The closed figures of the sections a report shows, in its agency grouping. */
export function closedReportOf(f: ClosedFigures, sections: readonly Section[], by: 'agency' | 'organization', methods: readonly string[] | undefined): FyReport {
  const r: FyReport = { fiscal_year: f.annual.fiscal_year, period: f.annual.period };
  if (sections.includes('membership') && f.annual.membership) r.membership = f.annual.membership;
  if (sections.includes('agencies')) r.agencies = by === 'organization' ? f.agencies_by_organization : f.annual.agencies;
  if (sections.includes('groups') && f.annual.groups) r.groups = f.annual.groups;
  if (sections.includes('events') && f.annual.events) r.events = f.annual.events;
  if (methods) r.methods = methods;
  return r;
}

/**
 * A report of a closed year shows the closed figures (or, with `recompute`, today's) and says
 * when the year was closed and whether today's data differ (`restated`, with each changed
 * figure). Years that are not closed are returned as built.
 */
export function applyClosures(db: Db, report: Report, sections: readonly Section[], by: 'agency' | 'organization', recompute: boolean): Report {
  const one = (built: FyReport): FyReport => {
    const c = currentClosure(db, built.fiscal_year);
    if (!c) return built;
    // The stored figures are annual: a quarter of a closed year is computed from today's data.
    if (built.quarter) {
      const note = `FY ${built.fiscal_year} was closed on ${c.closed_at.slice(0, 10)}; its stored figures are annual, so ${built.quarter} is computed from today's data`;
      return { ...built, closed_on: c.closed_at.slice(0, 10), note };
    }
    const closed = JSON.parse(c.figures) as ClosedFigures;
    // Every write through aicop that moves a closed year logs it (the history guard), so without
    // a log entry since the closure today's figures are the closed ones and the report need not
    // compute them twice; `report diff` always recomputes.
    const moved = restatementsSince(db, built.fiscal_year, c.closed_at).length > 0;
    const changes = moved ? diffFigures(closed, computeFigures(db, built.fiscal_year)) : [];
    const base = recompute ? built : closedReportOf(closed, sections, by, built.methods);
    return { ...base, closed_on: c.closed_at.slice(0, 10), restated: changes.length > 0, ...(changes.length > 0 ? { restatements: changes } : {}) };
  };
  const current = one(report);
  if (!report.previous) return current;
  const { methods: _m, ...prev } = one({ ...report.previous, methods: [] });
  return { ...current, previous: prev };
}
