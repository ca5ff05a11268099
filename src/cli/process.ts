import os from 'node:os';
import { CliContext, clockFromEnv, currentUser } from './context.js';
import { InterruptedError } from '../errors.js';
import { main } from './main.js';
import { inquirerPrompter } from './prompter.js';

/**
 * Runs aicop for the real process: real streams, environment and clock. The first Ctrl-C or
 * SIGTERM aborts the running command (which rolls back); a second one, or a command that does
 * not stop within 5 s, ends the process with 130 (SQLite discards the uncommitted transaction).
 */
export async function runFromProcess(): Promise<number> {
  const controller = new AbortController();
  const ctx = new CliContext({
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
    home: os.homedir(),
    user: currentUser(process.env),
    now: clockFromEnv(process.env.AICOP_NOW),
    prompter: inquirerPrompter(process.stdin, process.stderr),
    signal: controller.signal,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      ctx.close();
      process.exit(130);
    }
    controller.abort(new InterruptedError(`interrupted by ${signal}; the open transaction was rolled back, nothing was changed`));
    setTimeout(() => {
      ctx.close();
      process.stderr.write('aicop: interrupted; nothing was changed\n');
      process.exit(130);
    }, 5000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed pipe (aicop ... | head) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const code = await main(process.argv.slice(2), ctx);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return code;
}
