import type { Readable, Writable } from 'node:stream';

export interface Choice<T> {
  readonly name: string;
  readonly value: T;
  readonly checked?: boolean;
  readonly description?: string;
}

/** The prompts aicop uses; the real one is inquirer, tests use a scripted one. */
export interface Prompter {
  confirm(opts: { message: string; default?: boolean }): Promise<boolean>;
  input(opts: { message: string; default?: string }): Promise<string>;
  select<T>(opts: { message: string; choices: readonly Choice<T>[]; default?: T }): Promise<T>;
  checkbox<T>(opts: { message: string; choices: readonly Choice<T>[] }): Promise<T[]>;
}

/** Inquirer prompts on the given streams; the library is loaded only when a prompt is shown. */
export function inquirerPrompter(input: Readable, output: Writable): Prompter {
  const context = { input, output, clearPromptOnDone: false };
  const load = () => import('@inquirer/prompts');
  return {
    async confirm(opts) {
      return (await load()).confirm(opts, context);
    },
    async input(opts) {
      return (await load()).input(opts, context);
    },
    async select<T>(opts: { message: string; choices: readonly Choice<T>[]; default?: T }): Promise<T> {
      const { select } = await load();
      return select<T>({ message: opts.message, choices: opts.choices.map((c) => ({ ...c })), default: opts.default }, context);
    },
    async checkbox<T>(opts: { message: string; choices: readonly Choice<T>[] }): Promise<T[]> {
      const { checkbox } = await load();
      return checkbox<T>({ message: opts.message, choices: opts.choices.map((c) => ({ ...c })) }, context);
    },
  };
}

/** A record of one prompt a scripted prompter answered. */
export interface AskedPrompt {
  readonly kind: 'confirm' | 'input' | 'select' | 'checkbox';
  readonly message: string;
  readonly choices?: readonly string[];
  /** The preselected choice's name (select). */
  readonly default?: string;
}

/**
 * Answers prompts from a list, in order, and records what was asked. An answer for select and
 * checkbox may be the value itself or the choice's display name; `undefined` takes a select's
 * default (as Enter does).
 */
export function scriptedPrompter(answers: readonly unknown[]): Prompter & { readonly asked: AskedPrompt[] } {
  const queue = [...answers];
  const asked: AskedPrompt[] = [];
  const next = (kind: AskedPrompt['kind'], message: string, choices?: readonly Choice<unknown>[], defaultName?: string): unknown => {
    asked.push({ kind, message, ...(choices ? { choices: choices.map((c) => c.name) } : {}), ...(defaultName !== undefined ? { default: defaultName } : {}) });
    if (queue.length === 0) throw new Error(`scripted prompter: no answer left for ${kind} "${message}"`);
    return queue.shift();
  };
  const pick = <T>(answer: unknown, choices: readonly Choice<T>[]): T => {
    const byName = choices.find((c) => c.name === answer);
    if (byName) return byName.value;
    const byValue = choices.find((c) => c.value === answer);
    if (byValue) return byValue.value;
    throw new Error(`scripted prompter: ${String(answer)} is not among the choices`);
  };
  return {
    asked,
    async confirm(opts) {
      return Boolean(next('confirm', opts.message));
    },
    async input(opts) {
      return String(next('input', opts.message));
    },
    async select<T>(opts: { message: string; choices: readonly Choice<T>[]; default?: T }): Promise<T> {
      const preset = opts.choices.find((c) => opts.default !== undefined && c.value === opts.default);
      const answer = next('select', opts.message, opts.choices as readonly Choice<unknown>[], preset?.name);
      return answer === undefined && preset ? preset.value : pick(answer, opts.choices);
    },
    async checkbox<T>(opts: { message: string; choices: readonly Choice<T>[] }): Promise<T[]> {
      const answer = next('checkbox', opts.message, opts.choices as readonly Choice<unknown>[]);
      const list = Array.isArray(answer) ? answer : [answer];
      return list.map((a) => pick(a, opts.choices));
    },
  };
}
