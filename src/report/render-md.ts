import { buildDocument, type Block, type DocTable } from './document.js';
import type { Report } from './model.js';

/** Escapes text for a Markdown table cell or paragraph. */
function md(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/([*`[\]<>])/g, '\\$1').replace(/[\r\n]+/g, ' ');
}

function table(t: DocTable): string[] {
  const lines: string[] = [];
  if (t.caption) lines.push(`**${md(t.caption)}**`, '');
  lines.push(`| ${t.columns.map(md).join(' | ')} |`);
  lines.push(`|${t.numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`);
  for (const r of t.rows) lines.push(`| ${r.map(md).join(' | ')} |`);
  return lines;
}

function block(b: Block): string[] {
  switch (b.kind) {
    case 'heading':
      return [`${'#'.repeat(b.level)} ${md(b.text)}`];
    case 'paragraph':
      return [md(b.text)];
    case 'headline':
      return [`**${md(b.text)}**`, ...(b.previous ? ['', md(b.previous)] : [])];
    case 'table':
      return table(b.table);
    case 'list':
      return b.items.map((i) => `- ${md(i)}`);
    case 'chart':
      return [];
  }
}

/** Markdown for an email or a wiki page: headings, pipe tables, a methods list. */
export function renderMarkdown(r: Report): string {
  const parts = buildDocument(r, { charts: false }).map(block).filter((p) => p.length > 0);
  return `${parts.map((p) => p.join('\n')).join('\n\n')}\n`;
}
