import type { Command, Option } from 'commander';
import { commandPath, offeredFormats } from './help.js';

// `aicop completion bash|zsh|fish`: static scripts generated from the command tree, so they
// complete exactly the commands and flags this version has (regenerate after an upgrade).

interface Node {
  readonly path: string;
  readonly subs: readonly { name: string; description: string }[];
  readonly options: readonly { flag: string; description: string; takesValue: boolean }[];
}

function optionsOf(cmd: Command): Node['options'] {
  const opts: Option[] = [...cmd.options];
  const list = opts.flatMap((o) => {
    const flags = [o.long, o.short].filter((f): f is string => f !== undefined);
    return flags.map((flag) => ({ flag, description: o.description, takesValue: o.required || o.optional }));
  });
  if (offeredFormats(cmd) && !list.some((o) => o.flag === '--format')) list.push({ flag: '--format', description: 'output format', takesValue: true });
  if (offeredFormats(cmd)?.wide === true) list.push({ flag: '--wide', description: 'every column in full', takesValue: false });
  return list;
}

function nodes(program: Command): Node[] {
  const out: Node[] = [];
  const visit = (cmd: Command): void => {
    const subs = cmd.commands.map((c) => ({ name: c.name(), description: c.description() }));
    out.push({ path: commandPath(cmd), subs, options: optionsOf(cmd) });
    cmd.commands.forEach(visit);
  };
  visit(program);
  return out;
}

/** Global options: the program's own, minus --format and --wide, which only some commands take. */
function globals(program: Command): Node['options'] {
  return optionsOf(program).filter((o) => o.flag !== '--format' && o.flag !== '--wide');
}

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(program: Command): string {
  const all = nodes(program);
  const subsCases = all.filter((n) => n.subs.length > 0).map((n) => `    ${sq(n.path)}) echo ${sq(n.subs.map((s) => s.name).join(' '))} ;;`);
  const optCases = all.filter((n) => n.path !== '' && n.options.length > 0).map((n) => `    ${sq(n.path)}) echo ${sq(n.options.map((o) => o.flag).join(' '))} ;;`);
  return `# aicop completion for bash (aicop completion bash >> ~/.bashrc, or source it)
_aicop_subs() {
  case "$1" in
${subsCases.join('\n')}
  esac
}
_aicop_opts() {
  case "$1" in
${optCases.join('\n')}
  esac
  echo ${sq(globals(program).map((o) => o.flag).join(' '))}
}
_aicop() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w i subs
  # The command words typed so far: each word that names a subcommand of the path before it.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    case " $(_aicop_subs "$path") " in *" $w "*) path="\${path:+$path }$w" ;; esac
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_aicop_opts "$path")" -- "$cur"))
    return
  fi
  subs="$(_aicop_subs "$path")"
  if [[ -n "$subs" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o default -F _aicop aicop
`;
}

function zsh(program: Command): string {
  return `#compdef aicop
# aicop completion for zsh (aicop completion zsh > "\${fpath[1]}/_aicop", or source it from ~/.zshrc)
autoload -U +X bashcompinit && bashcompinit
${bash(program).split('\n').slice(1).join('\n')}`;
}

function fish(program: Command): string {
  const all = nodes(program);
  const fq = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const subsCases = all
    .filter((n) => n.subs.length > 0)
    .map((n) => `    case ${fq(n.path)}\n${n.subs.map((s) => `      printf '%s\\t%s\\n' ${fq(s.name)} ${fq(s.description.split(/[;:(]/)[0]!.trim())}`).join('\n')}`);
  const lines: string[] = [];
  for (const n of all) {
    const cond = n.path === '' ? '' : ` -n ${fq(`test (__aicop_path) = ${fq(n.path)}`)}`;
    const opts = n.path === '' ? globals(program) : n.options;
    for (const o of opts) {
      const flag = o.flag.startsWith('--') ? `-l ${o.flag.slice(2)}` : `-s ${o.flag.slice(1)}`;
      lines.push(`complete -c aicop${cond} ${flag}${o.takesValue ? ' -r' : ''} -d ${fq(o.description.split(/[;(]/)[0]!.trim())}`);
    }
  }
  return `# aicop completion for fish (aicop completion fish > ~/.config/fish/completions/aicop.fish)
function __aicop_subs
  switch "$argv[1]"
${subsCases.join('\n')}
  end
end
function __aicop_path
  set -l path
  for w in (commandline -opc)[2..-1]
    string match -q -- '-*' $w; and continue
    if contains -- $w (__aicop_subs (string join ' ' $path) | string replace -r '\\t.*' '')
      set path $path $w
    end
  end
  string join ' ' $path
end
complete -c aicop -f
complete -c aicop -n 'test -n "$(__aicop_subs (__aicop_path))"' -a '(__aicop_subs (__aicop_path))'
${lines.join('\n')}
`;
}

/** The completion script for a shell, from the command tree. */
export function completionScript(program: Command, shell: 'bash' | 'zsh' | 'fish'): string {
  return shell === 'bash' ? bash(program) : shell === 'zsh' ? zsh(program) : fish(program);
}
