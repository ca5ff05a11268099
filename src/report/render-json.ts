import type { Report } from './model.js';

/** JSON exactly as SPEC §8: snake_case keys, numbers as numbers, null where no denominator. */
export function renderJson(r: Report): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
