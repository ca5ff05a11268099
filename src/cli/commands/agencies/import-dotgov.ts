import fs from 'node:fs';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { isoDateOf } from '../../../core/dates.js';
import { withHistoryGuard } from '../../history-guard.js';
import type { CliContext } from '../../context.js';
import { InputError } from '../../../errors.js';
import { parseDotgov } from '../../../core/dotgov.js';
import { createDecoder, detectBom } from '../../../csv/encoding.js';
import { dropEmptyDotgovAgencies, remapMemberAgencies, upsertDirectory, type UpsertSummary } from '../../../db/agencies-repo.js';

export interface ImportDotgovOptions {
  readonly file: string;
}

export interface ImportDotgovResult extends UpsertSummary {
  readonly rows: number;
  readonly skipped: number;
  readonly remapped: number;
  readonly elapsedMs: number;
}

const MAX_WARNINGS = 10;

/** UTF-8 (the registry's own), UTF-16 with a BOM, or Windows-1252 (after a trip through Excel). */
function decodeRegistry(bytes: Buffer): string {
  const bom = detectBom(bytes);
  if (bom) {
    const d = createDecoder(bom.encoding);
    return d.write(bytes.subarray(bom.length)) + d.end();
  }
  if (isUtf8(bytes)) return bytes.toString('utf8');
  const d = createDecoder('windows-1252');
  return d.write(bytes) + d.end();
}

/**
 * Loads CISA's .gov registry CSV into the directory in one transaction: domains are added or
 * updated, builtin and manual entries win over the registry; then members' agencies are
 * re-resolved, and registry agencies left with no domain and no member are dropped. Unusable rows are skipped with a warning (exit 3).
 */
export function runImportDotgov(opts: ImportDotgovOptions, ctx: CliContext): ImportDotgovResult {
  const started = performance.now();
  const file = path.resolve(ctx.cwd, opts.file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${opts.file}: cannot read the file (${code === 'ENOENT' ? 'no such file' : code ?? String(err)})`, 'check the path; the registry is current-full.csv from github.com/cisagov/dotgov-data');
  }
  const parsed = parseDotgov(decodeRegistry(bytes));
  if (!parsed.ok) throw new InputError(`${opts.file}: ${parsed.message}; nothing was changed`, parsed.hint);
  for (const s of parsed.skipped.slice(0, MAX_WARNINGS)) ctx.warn(`${opts.file}:${s.line}: skipped: ${s.detail}`);
  if (parsed.skipped.length > MAX_WARNINGS) ctx.warn(`… and ${parsed.skipped.length - MAX_WARNINGS} more skipped rows`);
  const db = ctx.db();
  const applied = db.transaction(() => withHistoryGuard(ctx, db, `agencies import-dotgov ${opts.file}`, null, () => {
    const summary = upsertDirectory(db, parsed.entries, 'dotgov');
    const remapped = remapMemberAgencies(db, isoDateOf(ctx.now()));
    // Registry agencies this import emptied (their domains moved to an agency now told apart by state).
    dropEmptyDotgovAgencies(db);
    return { ...summary, remapped };
  })).immediate();
  const result: ImportDotgovResult = { ...applied, rows: parsed.rows, skipped: parsed.skipped.length, elapsedMs: Math.round(performance.now() - started) };
  ctx.info(
    `${opts.file}: ${result.rows} rows read: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged, ` +
      `${result.kept} kept (built-in or manual entries win), ${result.skipped} skipped; ${result.remapped} member${result.remapped === 1 ? '' : 's'} remapped (${(result.elapsedMs / 1000).toFixed(2)} s)`,
  );
  if (result.skipped > 0) ctx.exitCode = 3;
  return result;
}
