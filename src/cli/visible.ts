/**
 * Control characters that a terminal would act on rather than show: C0 (but for the line break
 * and tab, which `visible` also shows when `keepLayout` is off), DEL, C1 (0x80–0x9F: a lone
 * 0x9B is CSI on many terminals), and the bidirectional overrides and isolates that reorder
 * what follows them (a "Trojan Source" name). Cells come from registration forms anyone fills in.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
// eslint-disable-next-line no-control-regex
const CONTROL_AND_LAYOUT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const show = (ch: string): string => {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * Text as it may be sent to a terminal: control characters written as escapes (`\x1b`, `\n`,
 * `\u202e`) so that a cell can neither move the cursor, recolour, retitle the window nor fake a
 * line. `keepLayout` leaves line breaks and tabs alone, for aicop's own multi-line messages.
 */
export function visible(text: string, keepLayout = false): string {
  return text.replace(keepLayout ? CONTROL : CONTROL_AND_LAYOUT, show);
}
