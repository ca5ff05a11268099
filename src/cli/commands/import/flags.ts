import type { Command } from 'commander';

// Flags shared by the import verbs; loaded at start-up with the registrations, so kept light.

/** The flags every events/attendance import shares with the roster import. */
export interface CommonImportFlags {
  encoding?: string;
  delimiter?: string;
  dryRun: boolean;
  strict: boolean;
  maxRejectRate: string;
  rejects?: string;
  force: boolean;
  map?: string[];
}

/** Adds the shared import flags (same names and meaning as `import members`). */
export function addCommonImportFlags(cmd: Command): Command {
  return cmd
    .option('--encoding <name>', 'the file encoding (default: detected: UTF-8, UTF-16 with BOM, else Windows-1252)')
    .option('--delimiter <char>', 'the field delimiter (default: sniffed among , ; tab |)')
    .option('--map <Header=field>', 'map a column header to a field (repeatable; field "ignore" skips it)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--dry-run', 'do everything but commit, and print the same summary', false)
    .option('--strict', 'any rejected row makes the import fail (exit 4) with nothing changed', false)
    .option('--max-reject-rate <pct>', 'when more than this % of rows are rejected, apply nothing (exit 4)', '100')
    .option('--rejects <file>', 'where to write rejected rows (default: <input>.rejects.csv beside the input)')
    .option('--force', 'import a file again even if the same file (sha256) was imported before', false);
}
