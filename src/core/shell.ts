/**
 * A word for a POSIX shell command line: as is when it holds only characters no shell treats
 * specially, else in single quotes. Hints are copied into a shell, so they must run as written.
 */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
