import fs from 'node:fs';
import path from 'node:path';
import type { CliContext } from '../../context.js';
import { InputError, UsageError } from '../../../errors.js';
import { visible } from '../../visible.js';
import { writeFileAtomic } from '../../atomic.js';
import type { CsvFile } from '../../../csv/read.js';
import type { CommonImportFlags } from './index.js';
import {
  MappingError,
  ROSTER_FIELDS,
  isRowError,
  guessRosterField,
  normalizeHeader,
  parseMapOption,
  parseMappingJson,
  resolveRosterLayout,
  unmatchedMapWarning,
  validateRosterRow,
  type GroupInfo,
  type MappingTarget,
  type RosterEnv,
  type RosterLayout,
} from '../../../core/roster.js';
import { isoDateOf, parseDate } from '../../../core/dates.js';
import { fiscalYearOf } from '../../../core/fiscal-year.js';
import { isEmailHeaderCell } from '../../../core/events.js';
import { loadDomainRules } from '../../../db/domains-repo.js';
import { createAgencyResolver } from '../../../db/agencies-repo.js';
import { groupsOverCapacityAfterBatch, loadGroups } from '../../../db/groups-repo.js';
import { createChangeRecorder } from '../../../db/imports-repo.js';
import { createRosterApplier, dropImportTables, type DuplicateMode } from '../../../db/members-repo.js';
import { linkAttendanceToMembers } from '../../../db/events-repo.js';
import { MAX_NAME_GROUP, lookAlikeReason } from '../../../core/identity.js';
import { findLookAlikes } from '../../../db/identity-repo.js';
import { mappingOf, parseHeaderLine, parsePercentFlag, parseRejectRate, reportUnknownColumns, runImportPipeline, type ImportKindHandler, type ImportResult, type RowReject } from './pipeline.js';

export interface ImportMembersOptions {
  readonly file: string;
  readonly onDuplicate: DuplicateMode;
  readonly sync: boolean;
  /** --max-deactivate: the most a --sync may deactivate, in percent of active members. */
  readonly maxDeactivate: number;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly strict: boolean;
  readonly maxRejectRate: number;
  readonly rejects?: string | undefined;
  readonly map: ReadonlyArray<readonly [string, MappingTarget]>;
  readonly mappingFile?: string | undefined;
  readonly encoding?: string | undefined;
  readonly delimiter?: string | undefined;
  readonly sheet?: string | undefined;
  /** --correct-history: a roster's different join date moves the start of the member's current period. */
  readonly correctHistory?: boolean;
  /** --effective: when the rows' member types take effect, for rows without an effective_on column. */
  readonly effective?: string | undefined;
  readonly bom?: boolean | undefined;
  readonly headerLine?: number | undefined;
}


function mappingError(file: string, err: MappingError): InputError {
  return new InputError(`${file}: ${err.message}`, err.hint);
}

/** Up to three distinct non-empty values of column `i` from the file's first rows, quoted. */
export function sampleValues(csv: CsvFile, i: number): string {
  const seen: string[] = [];
  for (const row of csv.sample) {
    const v = (row[i] ?? '').trim();
    if (v !== '' && !seen.includes(v)) seen.push(v);
    if (seen.length === 3) break;
  }
  return seen.map((v) => JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v)).join(', ');
}

/**
 * Asks, on a terminal, what each column nothing recognised holds (every column not mapped, when
 * no column is the email), with three sample values and a best guess preselected. A field
 * another column already holds is refused on the spot, so nothing is saved or imported with one
 * field taken twice; then offers to save the answers for --mapping.
 */
async function promptMapping(ctx: CliContext, csv: CsvFile, explicit: ReadonlyArray<readonly [string, MappingTarget]>): Promise<(readonly [string, MappingTarget])[]> {
  const answers: (readonly [string, MappingTarget])[] = [...explicit];
  const mappedHeaders = new Set(explicit.map(([h]) => normalizeHeader(h)));
  const taken = new Map<string, string>();
  const ask: string[] = [];
  let layout: RosterLayout | undefined;
  try {
    layout = resolveRosterLayout(csv.header, explicit);
  } catch {
    // No email column: ask about every column not explicitly mapped.
  }
  if (layout) {
    for (const [field, i] of Object.entries(layout.index)) if (i >= 0) taken.set(field, csv.header[i] ?? '');
    ask.push(...layout.unknown);
    ctx.info(`${csv.name}: ${ask.length === 1 ? 'one column is' : `${ask.length} columns are`} not recognised; which field does each hold? (ignore leaves it out)`);
  } else {
    for (const [h, f] of explicit) if (f !== 'ignore') taken.set(f, h);
    ask.push(...csv.header.filter((h) => !mappedHeaders.has(normalizeHeader(h))));
    ctx.info(`${csv.name}: which field does each column hold? (no column is recognised as the email address)`);
  }
  const choices = [...ROSTER_FIELDS.map((f) => ({ name: f, value: f as MappingTarget })), { name: 'ignore', value: 'ignore' as MappingTarget }];
  for (const h of ask) {
    const samples = sampleValues(csv, csv.header.indexOf(h));
    const guess = guessRosterField(h, new Set(taken.keys()));
    for (;;) {
      const field = await ctx.prompter.select<MappingTarget>({ message: visible(`column "${h}"${samples === '' ? '' : ` (e.g. ${samples})`}`), choices, default: guess });
      const holder = field === 'ignore' ? undefined : taken.get(field);
      if (holder !== undefined) {
        ctx.warnAlways(`column "${holder}" already holds ${field}: choose another field for "${h}", or ignore`);
        continue;
      }
      if (field !== 'ignore') taken.set(field, h);
      answers.push([h, field]);
      break;
    }
  }
  // Checked before anything is saved: a mapping that cannot import is not offered for next time.
  try {
    resolveRosterLayout(csv.header, answers);
  } catch (err) {
    if (err instanceof MappingError) throw mappingError(csv.name, err);
    throw err;
  }
  const target = csv.path !== undefined ? `${csv.path.replace(/\.[^./]*$/, '')}.mapping.json` : path.join(ctx.cwd, 'aicop-mapping.json');
  const save = await ctx.prompter.confirm({ message: `save this mapping to ${target}?`, default: true });
  if (save) {
    writeFileAtomic(target, `${JSON.stringify(Object.fromEntries(answers), null, 2)}\n`);
    ctx.info(`saved; next time pass --mapping ${target}`);
  }
  return answers;
}

/** The roster kind for the import pipeline. */
function membersHandler(ctx: CliContext, opts: ImportMembersOptions): ImportKindHandler {
  const explicitEmail = new Set(opts.map.filter(([, f]) => f === 'email').map(([h]) => normalizeHeader(h)));
  return {
    kind: 'members',
    // A roster exported from a meeting tool may start with lines about the meeting.
    isHeader: (cells) => cells.some((c) => isEmailHeaderCell(c) || explicitEmail.has(normalizeHeader(c))),
    async prepare(csv) {
      let explicit: (readonly [string, MappingTarget])[] = [];
      if (opts.mappingFile !== undefined) {
        const file = path.resolve(ctx.cwd, opts.mappingFile);
        let textContent: string;
        try {
          textContent = fs.readFileSync(file, 'utf8');
        } catch (err) {
          throw new InputError(`${opts.mappingFile}: cannot read the mapping file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the --mapping path');
        }
        try {
          explicit = parseMappingJson(textContent, opts.mappingFile);
        } catch (err) {
          if (err instanceof MappingError) throw new InputError(err.message, err.hint);
          throw err;
        }
      }
      explicit = [...explicit, ...opts.map];
      const unmatched = unmatchedMapWarning(csv.name, csv.header, explicit);
      if (unmatched !== null) ctx.warn(unmatched);
      let layout: RosterLayout;
      try {
        layout = resolveRosterLayout(csv.header, explicit);
      } catch (err) {
        if (!(err instanceof MappingError)) throw err;
        if (!err.missingEmail || !ctx.canPrompt()) throw mappingError(csv.name, err);
        layout = resolveRosterLayout(csv.header, await promptMapping(ctx, csv, explicit));
      }
      if (layout.unknown.length > 0 && ctx.canPrompt()) layout = resolveRosterLayout(csv.header, await promptMapping(ctx, csv, explicit));
      reportUnknownColumns(ctx, csv.name, layout.unknown, opts.strict);
      return {
        mapping: mappingOf(csv.header, layout.index),
        begin(db, batchId) {
          const groups = new Map<string, GroupInfo>(loadGroups(db).map((g) => [g.name.toLowerCase(), { id: g.id, name: g.name, kind: g.kind }]));
          const env: RosterEnv = { rules: loadDomainRules(db), groups };
          const now = ctx.now();
          let joinDatesKept = 0;
          const corrected: string[] = [];
          const renamed: string[] = [];
          const applier = createRosterApplier(db, {
            batchId,
            mode: opts.onDuplicate,
            today: isoDateOf(now),
            nowIso: now.toISOString(),
            recorder: createChangeRecorder(db, batchId),
            resolver: createAgencyResolver(db),
            correctHistory: opts.correctHistory ?? false,
            effective: opts.effective,
            onJoinDateKept(email, kept, given, refused) {
              joinDatesKept++;
              if (refused !== null) ctx.warn(`${email}: join date ${given} not applied (${refused}); the period still starts ${kept}`);
            },
            onHistoryCorrected(email, from, to) {
              corrected.push(`  ${email}: joined ${from} (FY ${fiscalYearOf(from)}) → ${to} (FY ${fiscalYearOf(to)})`);
            },
            onRenamed(from, to) {
              renamed.push(`  ${from} → ${to}`);
            },
            onPreviousIsOther(email, previous, other) {
              ctx.warn(`${email}: previous_email ${previous} is another member (${other}); both kept. If they are one person: aicop members merge ${email} ${other}`);
            },
          });
          let possibleDuplicates = 0;
          return {
            row(fields, line) {
              const r = validateRosterRow(fields, layout, env);
              if (isRowError(r)) {
                if (r.email !== null && !r.reason.endsWith('_domain') && r.reason !== 'invalid_syntax' && !applier.markSeen(r.email)) {
                  return duplicate(r.email, line);
                }
                return r;
              }
              const outcome = applier.apply(r);
              return outcome === 'duplicate' ? duplicate(r.email, line) : outcome;
            },
            async finish() {
              applier.flush();
              if (joinDatesKept > 0) {
                ctx.info(`join dates kept: ${joinDatesKept} (the file's join dates differ from the members' current periods; --correct-history moves them)`);
              }
              if (corrected.length > 0) {
                ctx.info(`history corrected for ${corrected.length} ${corrected.length === 1 ? 'member' : 'members'} (--correct-history):\n${corrected.join('\n')}`);
              }
              if (renamed.length > 0) {
                ctx.info(`renamed (previous_email) ${renamed.length} ${renamed.length === 1 ? 'member' : 'members'}; the old addresses are kept as former addresses:\n${renamed.join('\n')}`);
              }
              // Attendance imported before these people became members now counts as theirs.
              linkAttendanceToMembers(db);
              // Rows that look like an existing member under another address were applied; say so.
              const look = findLookAlikes(db, applier.firstNewMember, MAX_NAME_GROUP - 1, 10);
              possibleDuplicates = look.rows;
              if (look.rows > 0) {
                const shown = look.examples.map((p) => `  ${p.added.email} ~ ${p.existing.email} (${lookAlikeReason(p)})`);
                if (look.rows > shown.length) shown.push(`  … and ${look.rows - shown.length} more`);
                ctx.warn(`${look.rows} ${look.rows === 1 ? 'row looks' : 'rows look'} like an existing member under another address (imported as given):\n${shown.join('\n')}`);
              }
              let deactivated = 0;
              if (opts.sync) {
                const { absent, active } = applier.countAbsent();
                const pct = active > 0 ? (absent / active) * 100 : 0;
                if (absent > 0 && pct > opts.maxDeactivate) {
                  // --yes only stops the question: it no longer lifts the limit, which a cron job
                  // raises on purpose with --max-deactivate (an emptied roster must not empty the CoP).
                  const what = `--sync would deactivate ${absent} of ${active} active members (${pct.toFixed(1)}%, over --max-deactivate ${opts.maxDeactivate})`;
                  if (!ctx.canPrompt()) {
                    throw new InputError(`${what}; nothing was changed`, `check that ${opts.file === '-' ? 'the input' : opts.file} is the complete roster; if it is, pass --max-deactivate ${Math.ceil(pct)}`);
                  }
                  await ctx.confirmOrCancel(`${what}. Continue?`);
                }
                deactivated = applier.deactivateAbsent();
              }
              dropImportTables(db);
              // An import does not refuse a full group (the roster is the source of truth); it says so.
              for (const g of groupsOverCapacityAfterBatch(db, batchId, isoDateOf(now))) {
                ctx.warn(`${g.name} now has ${g.members} members, over its capacity of ${g.capacity} (an import does not refuse a full group; see: aicop groups members "${g.name}")`);
              }
              return { deactivated };
            },
            notes() {
              return possibleDuplicates > 0 ? [`possible duplicates: ${possibleDuplicates}, see aicop members duplicates`] : [];
            },
          };
        },
      };
    },
  };
}

function duplicate(email: string, line: number): RowReject {
  void line;
  return { reason: 'duplicate_in_file', detail: `${email} appears earlier in the file (the first row wins)`, email };
}

/** `aicop import members`: see SPEC §4. */
export async function runImportMembers(opts: ImportMembersOptions, ctx: CliContext): Promise<ImportResult> {
  return runImportPipeline(
    ctx,
    {
      file: opts.file,
      encoding: opts.encoding,
      delimiter: opts.delimiter,
      sheet: opts.sheet,
      dryRun: opts.dryRun,
      strict: opts.strict,
      maxRejectRate: opts.maxRejectRate,
      rejects: opts.rejects,
      force: opts.force,
      bom: opts.bom,
      headerLine: opts.headerLine,
      recorded: { on_duplicate: opts.onDuplicate, sync: opts.sync, ...(opts.correctHistory ? { correct_history: true } : {}), ...(opts.effective ? { effective: opts.effective } : {}), ...(opts.dryRun ? { dry_run: true } : {}) },
    },
    membersHandler(ctx, opts),
  );
}

/** The flags of `import members` as commander parses them. */
export interface RawFlags extends CommonImportFlags {
  onDuplicate: string;
  sync: boolean;
  maxDeactivate: string;
  mapping?: string;
  correctHistory?: boolean;
  effective?: string;
}

/** Maps flags to options; bad values are usage errors. */
export function importMembersOptions(file: string, f: RawFlags): ImportMembersOptions {
  if (f.onDuplicate !== 'update' && f.onDuplicate !== 'skip' && f.onDuplicate !== 'fill') {
    throw new UsageError(`--on-duplicate ${f.onDuplicate} is not one of update, skip, fill`);
  }
  let map: (readonly [string, MappingTarget])[];
  try {
    map = (f.map ?? []).map(parseMapOption);
  } catch (err) {
    if (err instanceof MappingError) throw new UsageError(err.message, err.hint);
    throw err;
  }
  return {
    file,
    onDuplicate: f.onDuplicate,
    sync: f.sync,
    maxDeactivate: parsePercentFlag('--max-deactivate', f.maxDeactivate),
    force: f.force,
    dryRun: f.dryRun,
    strict: f.strict,
    maxRejectRate: parseRejectRate(f.maxRejectRate),
    rejects: f.rejects,
    map,
    mappingFile: f.mapping,
    encoding: f.encoding,
    delimiter: f.delimiter,
    sheet: f.sheet,
    correctHistory: f.correctHistory ?? false,
    effective: parseEffective(f.effective),
    bom: f.bom,
    headerLine: parseHeaderLine(f.headerLine),
  };
}

function parseEffective(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const d = parseDate(v);
  if (d === null) throw new UsageError(`--effective: "${v}" is not a real date as YYYY-MM-DD, M/D/YYYY or M/D/YY`);
  return d;
}
