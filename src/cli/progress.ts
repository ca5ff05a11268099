import type { CliContext } from './context.js';

/** The most the bar itself takes, as cli-progress's default. */
const MAX_BAR = 40;
/** Below this the bar says too little: the rate goes first, then the bar. */
const MIN_BAR = 10;

export interface ProgressLayout {
  readonly format: string;
  readonly barsize: number;
}

/**
 * The import progress line for about `total` rows, fitted to `width` terminal columns (one left
 * free: writing the last column wraps on some terminals). The widths are taken at their largest
 * (the estimate can be passed, rates run to millions), so the line never grows past the width.
 */
export function progressLayout(total: number, width: number): ProgressLayout {
  const count = '9'.repeat(String(Math.max(0, Math.round(total))).length + 1);
  const layouts = [
    { format: 'importing [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s', text: `importing [] 100% | ${count}/${count} rows | 99999999 rows/s` },
    { format: 'importing [{bar}] {percentage}% | {value}/{total} rows', text: `importing [] 100% | ${count}/${count} rows` },
  ];
  for (const l of layouts) {
    const barsize = Math.min(MAX_BAR, width - 1 - l.text.length);
    if (barsize >= MIN_BAR) return { format: l.format, barsize };
  }
  return { format: '{percentage}% {value}/{total}', barsize: 0 };
}

/** The width the progress bar (on stderr) fits: $COLUMNS, else stderr's terminal, else 80. */
export function progressWidth(ctx: CliContext): number {
  const fromEnv = Number(ctx.env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const columns = (ctx.stderr as { columns?: unknown }).columns;
  return typeof columns === 'number' && columns > 0 ? columns : 80;
}
