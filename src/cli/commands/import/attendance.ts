import { bulkAttendanceRollups, resumeRollups, suspendRollups } from '../../../db/rollups.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../errors.js';
import {
  ATTENDANCE_FIELDS,
  ATTENDEE_REPORT_IGNORED,
  REQUIRED_ATTENDANCE_FIELDS,
  guessSurveyField,
  isEmailHeaderCell,
  pickFields,
  validateAttendanceRow,
  type AttendanceField,
} from '../../../core/events.js';
import { normalizeHeader } from '../../../core/roster.js';
import { createChangeRecorder } from '../../../db/imports-repo.js';
import { createAttendanceSeen, eventsRepo, type AttendanceKeepable } from '../../../db/events-repo.js';
import { mappingOf, runImportPipeline, type ImportKindHandler, type ImportResult, type PipelineOptions } from './pipeline.js';
import { layoutOf } from './events.js';

export interface ImportAttendanceOptions {
  readonly pipeline: PipelineOptions;
  readonly maps: readonly string[];
  /** `--event <id>`: the event of every row; the file may then omit event_id. */
  readonly eventId: string | undefined;
}

/**
 * The attendance kind for the shared import pipeline: one row per (event, email); re-importing
 * a row updates it; attendees are linked to members by email.
 */
function attendanceImportHandler(ctx: CliContext, maps: readonly string[], eventId: string | undefined, strict: boolean): ImportKindHandler {
  const ignored = new Set(ATTENDEE_REPORT_IGNORED.map(normalizeHeader));
  const explicitEmail = new Set(maps.filter((m) => /=\s*email\s*$/i.test(m)).map((m) => normalizeHeader(m.slice(0, m.lastIndexOf('=')))));
  return {
    kind: 'attendance',
    isHeader: (cells) => cells.some((c) => isEmailHeaderCell(c) || explicitEmail.has(normalizeHeader(c))),
    async prepare(csv) {
      const required = eventId === undefined ? REQUIRED_ATTENDANCE_FIELDS : REQUIRED_ATTENDANCE_FIELDS.filter((f) => f !== 'event_id');
      const guess = (h: string): AttendanceField | 'ignore' | undefined => guessSurveyField(h) ?? (ignored.has(normalizeHeader(h)) ? 'ignore' : undefined);
      const layout = layoutOf<AttendanceField>(csv, ATTENDANCE_FIELDS, required, maps, ctx, guess, strict);
      // An attendee report lists a person once per join (Zoom without "unique users"): a later
      // row for the same person is the same attendance, not a duplicate to reject.
      const attendeeReport = layout.index.join_time !== -1 || layout.index.duration !== -1;
      // A column the file does not have leaves the stored value alone on re-import, so that a
      // survey file (email, satisfaction) does not wipe registrations or comments. Without an
      // attended column, a row with a score still marks the person as attended.
      const keep = new Set<AttendanceKeepable>((['registered', 'satisfaction', 'nps', 'comment'] as const).filter((f) => layout.index[f] === -1));
      const keepWithAttended = new Set<AttendanceKeepable>(layout.index.attended === -1 ? [...keep, 'attended'] : keep);
      return {
        mapping: mappingOf(csv.header, layout.index),
        begin(db, batchId) {
          const repo = eventsRepo(db);
          if (eventId !== undefined && !repo.eventExists(eventId)) {
            throw new UsageError(`--event ${eventId}: no such event`, 'import it first (aicop import events <file>) or check the id with: aicop events list');
          }
          // Attendees who became members since their event was imported get linked now.
          repo.linkNewMembers();
          // New rows reach the report rollups in grouped statements at finish(), not one trigger each.
          suspendRollups(db, 'attendance');
          const rollups = bulkAttendanceRollups(db);
          const changes = createChangeRecorder(db, batchId);
          const known = new Map<string, boolean>();
          const eventExists = (id: string): boolean => {
            let yes = known.get(id);
            if (yes === undefined) {
              yes = repo.eventExists(id);
              known.set(id, yes);
            }
            return yes;
          };
          const seen = createAttendanceSeen(db);
          return {
            row(fields) {
              const raw = pickFields(fields, layout);
              const v = validateAttendanceRow(raw, { defaultEventId: eventId, eventExists });
              if (!v.ok) return { reason: v.reason, detail: v.detail, email: (raw.email ?? '').trim().toLowerCase() || null };
              const rec = v.record;
              // A pair met earlier in this file: this batch added or updated its row, or, for a row
              // stored before the import, the seen set has it (only those go in: most are new).
              const before = repo.getAttendance(rec.eventId, rec.email);
              if (before !== undefined && (before.created_batch === batchId || before.updated_batch === batchId || !seen.add(rec.eventId, rec.email))) {
                if (attendeeReport) return 'unchanged';
                return { reason: 'duplicate_in_file', detail: `${rec.email} at ${rec.eventId} appears earlier in the file (the first row wins)`, email: rec.email };
              }
              const chosen = rec.satisfaction === null && rec.nps === null ? keepWithAttended : keep;
              if (!rec.attended && !chosen.has('attended') && (chosen.has('satisfaction') || chosen.has('nps'))) {
                // attended=no must not leave a stored score behind (a response without attendance).
                if (before && ((chosen.has('satisfaction') && before.satisfaction !== null) || (chosen.has('nps') && before.nps !== null))) {
                  return {
                    reason: 'bad_value',
                    detail: `${rec.email}: attended is no but a score from an earlier import is stored for ${rec.eventId} (add blank satisfaction and nps columns to clear it)`,
                    email: rec.email,
                  };
                }
              }
              const r = repo.upsertAttendance(rec, batchId, chosen, before);
              if (r.outcome === 'added') rollups.add(rec, r.memberId);
              else if (r.outcome === 'updated' && r.before) changes.record('attendance', [rec.eventId, rec.email], 'update', r.before);
              return r.outcome;
            },
            finish() {
              rollups.finish();
              resumeRollups(db, 'attendance');
              seen.drop();
              return {};
            },
          };
        },
      };
    },
  };
}

export async function runImportAttendance(opts: ImportAttendanceOptions, ctx: CliContext): Promise<ImportResult> {
  return runImportPipeline(ctx, opts.pipeline, attendanceImportHandler(ctx, opts.maps, opts.eventId, opts.pipeline.strict));
}
