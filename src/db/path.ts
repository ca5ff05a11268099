import path from 'node:path';

/** Where the database lives: --db, else $AICOP_DB, else $XDG_DATA_HOME/aicop/aicop.db. */
export function resolveDbPath(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, home: string, cwd: string): string {
  const chosen = flag ?? (env.AICOP_DB && env.AICOP_DB.length > 0 ? env.AICOP_DB : undefined);
  if (chosen !== undefined) return path.resolve(cwd, chosen);
  const dataHome = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(dataHome, 'aicop', 'aicop.db');
}
