import type { Format } from '../../output.js';
import type { ReportKind } from '../../../report/model.js';

// Used by the registration (help text) at start-up as well as by the run: kept light.

/** Formats each report offers; annual is several tables, so no csv (xlsx has a sheet per table). */
export function formatsOf(kind: ReportKind): readonly Format[] {
  return kind === 'annual' ? ['table', 'json', 'md', 'html', 'xlsx'] : ['table', 'csv', 'json', 'md', 'html', 'xlsx'];
}

/** Piped or -o default: md for the annual document (it suits an email), csv for one table. */
export function pipedDefaultOf(kind: ReportKind): Format {
  return kind === 'annual' ? 'md' : 'csv';
}
