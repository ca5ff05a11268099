import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import type { Db } from '../../../db/open.js';
import { InputError, UsageError } from '../../../errors.js';
import { emit, renderTable, resolveFormat, tableColumns } from '../../output.js';
import { visible } from '../../visible.js';
import { toCsv, type CsvColumn } from '../../../csv/write.js';
import {
  findUndoConflict,
  getBatch,
  listBatches,
  listRejects,
  rejectCountsByReason,
  undoBatch,
  type BatchListRow,
  type BatchRow,
  type UndoResult,
} from '../../../db/imports-repo.js';

function requireBatch(db: Db, id: number): BatchRow {
  const b = getBatch(db, id);
  if (!b) throw new UsageError(`no import batch ${id}`, 'see the ids with: aicop imports list');
  return b;
}

/**
 * The columns of `imports list`, one set of names for the table, CSV and JSON: the batch's own
 * field names, as `imports show --format json` and `members show` call them.
 */
const LIST_COLUMNS: readonly CsvColumn<BatchListRow>[] = [
  { header: 'id', value: (r) => r.id, numeric: true },
  { header: 'kind', value: (r) => r.kind },
  { header: 'file_name', value: (r) => r.file_name },
  { header: 'started_at', value: (r) => r.started_at },
  { header: 'imported_by', value: (r) => r.imported_by },
  { header: 'rows_read', value: (r) => r.rows_read, numeric: true },
  { header: 'added', value: (r) => r.added, numeric: true },
  { header: 'updated', value: (r) => r.updated, numeric: true },
  { header: 'rejected', value: (r) => r.rejected, numeric: true },
  { header: 'status', value: (r) => r.status },
];

/** `imports list`: every batch, newest first. */
export function runImportsList(ctx: CliContext): BatchListRow[] {
  const rows = listBatches(ctx.readDb());
  const format = resolveFormat(ctx, ['table', 'csv', 'json'], 'csv');
  if (format === 'json') emit(ctx, `${JSON.stringify(rows.map((r) => Object.fromEntries(LIST_COLUMNS.map((c) => [c.header, c.value(r)]))), null, 2)}\n`);
  else if (format === 'csv') emit(ctx, toCsv(rows, LIST_COLUMNS));
  else emit(ctx, renderTable(ctx, rows, tableColumns(LIST_COLUMNS, LIST_COLUMNS.map((c) => c.header))));
  return rows;
}

export interface ImportsShowResult {
  readonly batch: BatchRow;
  readonly rejectsByReason: { reason: string; count: number }[];
  readonly firstRejects: { line: number; reason: string; detail: string; email: string | null }[];
}

/** `imports show <id>`: counts, options and rejects by reason (with the first 20 rejected lines). */
export function runImportsShow(ctx: CliContext, id: number): ImportsShowResult {
  const batch = requireBatch(ctx.readDb(), id);
  const result: ImportsShowResult = {
    batch,
    rejectsByReason: rejectCountsByReason(ctx.readDb(), id),
    firstRejects: listRejects(ctx.readDb(), id, 20),
  };
  const format = resolveFormat(ctx, ['table', 'json'], 'table');
  if (format === 'json') {
    emit(ctx, `${JSON.stringify({ ...batch, options: JSON.parse(batch.options) as unknown, rejects_by_reason: result.rejectsByReason, first_rejects: result.firstRejects }, null, 2)}\n`);
    return result;
  }
  const lines = [
    `batch:       ${batch.id} (${batch.kind})`,
    `file:        ${batch.file_name}`,
    `sha256:      ${batch.sha256}`,
    `imported:    ${batch.started_at} by ${batch.imported_by}`,
    `options:     ${batch.options}`,
    `status:      ${batch.status}${batch.status === 'undone' ? ` (${batch.undone_at ?? ''} by ${batch.undone_by ?? ''})` : ''}`,
    `rows read:   ${batch.rows_read}`,
    `added:       ${batch.added}`,
    `updated:     ${batch.updated}`,
    `unchanged:   ${batch.unchanged}`,
    `reactivated: ${batch.reactivated}`,
    `deactivated: ${batch.deactivated}`,
    `rejected:    ${batch.rejected}`,
  ];
  for (const r of result.rejectsByReason) lines.push(`  ${r.reason}: ${r.count}`);
  if (result.firstRejects.length > 0) {
    lines.push(`first rejected lines:`);
    for (const r of result.firstRejects) lines.push(`  line ${r.line}: ${r.reason}: ${r.detail}`);
  }
  emit(ctx, `${lines.map((l) => visible(l)).join('\n')}\n`);
  return result;
}

/** `imports undo <id>`: reverts one batch exactly, refusing when later changes touched its rows. */
export async function runImportsUndo(ctx: CliContext, id: number): Promise<UndoResult> {
  const batch = requireBatch(ctx.db(), id);
  if (batch.status === 'undone') throw new UsageError(`batch ${id} was already undone on ${batch.undone_at ?? '?'}`);
  const db = ctx.db();
  const conflict = findUndoConflict(db, id);
  if (conflict) {
    throw new InputError(
      conflict.laterBatch !== null
        ? `cannot undo batch ${id}: later batch ${conflict.laterBatch} changed ${conflict.label} too; nothing was changed`
        : `cannot undo batch ${id}: ${conflict.label} was changed by hand since; nothing was changed`,
      conflict.laterBatch !== null ? `undo batch ${conflict.laterBatch} first (aicop imports undo ${conflict.laterBatch})` : 'edit the member by hand instead',
    );
  }
  const what = `undo batch ${id} (${batch.kind} from ${batch.file_name}: ${batch.added} added, ${batch.updated} updated, ${batch.reactivated} reactivated, ${batch.deactivated} deactivated)`;
  if (!ctx.globals.yes) {
    if (!ctx.canPrompt()) ctx.requireFlag('--yes', `${what} needs confirmation`);
    await ctx.confirmOrCancel(`${what}?`);
  }
  const run = db.transaction(() => {
    // Re-check under the write lock: another import may have landed meanwhile.
    const again = findUndoConflict(db, id);
    if (again) throw new InputError(`cannot undo batch ${id}: ${again.label} changed meanwhile; nothing was changed`);
    return withHistoryGuard(ctx, db, `imports undo ${id}`, id, () => undoBatch(db, id, ctx.user, ctx.now().toISOString()));
  });
  const r = run.immediate();
  ctx.info(
    `undid batch ${id}: ${r.deleted} rows removed, ${r.restored} restored, ${r.assignmentsRemoved} assignments removed, ${r.assignmentsReopened} reopened`,
  );
  return r;
}
