import { buildDocument, type Block, type DocTable } from './document.js';
import type { Report } from './model.js';

export interface TableStyle {
  /** Emphasis for headings and column headers (chalk's bold on a colour terminal). */
  readonly bold: (s: string) => string;
}

const plain: TableStyle = { bold: (s) => s };

function table(t: DocTable, style: TableStyle): string[] {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
  const rows = t.rows.map((r) => r.map(clean));
  const widths = t.columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (s: string, i: number) => (t.numeric[i] ? s.padStart(widths[i] ?? 0) : s.padEnd(widths[i] ?? 0));
  const lines: string[] = [];
  if (t.caption) lines.push(t.caption);
  lines.push(style.bold(t.columns.map((c, i) => pad(c, i)).join('  ').trimEnd()));
  for (const r of rows) lines.push(r.map((v, i) => pad(v, i)).join('  ').trimEnd());
  return lines;
}

function block(b: Block, style: TableStyle): string[] {
  switch (b.kind) {
    case 'heading': {
      const t = b.level === 1 ? b.text : b.text.toUpperCase();
      return b.level === 1 ? [style.bold(t), '='.repeat(t.length)] : [style.bold(t)];
    }
    case 'paragraph':
      return [b.text];
    case 'headline':
      return [style.bold(b.text), ...(b.previous ? [b.previous] : [])];
    case 'table':
      return table(b.table, style);
    case 'list':
      return b.items.map((i) => `- ${i}`);
    case 'chart':
      return [];
  }
}

/** Aligned plain-text tables for a terminal. */
export function renderText(r: Report, style: TableStyle = plain): string {
  const parts = buildDocument(r, { charts: false }).map((b) => block(b, style)).filter((p) => p.length > 0);
  return `${parts.map((p) => p.join('\n')).join('\n\n')}\n`;
}
