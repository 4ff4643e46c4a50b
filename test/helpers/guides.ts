// Reading the runbook guides (docs/runbooks/*.md) the way test/e2e/runbooks.test.ts checks
// them: their fenced code blocks, the `warden` command lines in them, commander's --help text
// of each subcommand (its flags, subcommands and arguments), a command line checked against
// it, a guide's "```text output" block matched against what its commands really printed, and
// the bash script that runs a guide's runnable blocks (with the reading of what it printed).
// Pure functions over text: no process is started here.
import path from 'node:path';

export interface CodeBlock {
  file: string;
  /** 1-based line, in the file, of the block's first content line. */
  line: number;
  /** The fence's info string, split: e.g. ['sh', 'runnable'] or ['text', 'output']. */
  info: string[];
  lines: string[];
}

/** Every fenced code block of a markdown file, in order. */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trim().startsWith(fence)) body.push(lines[j++]!);
    out.push({ file, line: i + 2, info: open[3]!.trim().split(/\s+/).filter(Boolean), lines: body });
    i = j;
  }
  return out;
}

export const isRunnable = (b: CodeBlock): boolean => b.info[0] === 'sh' && b.info[1] === 'runnable';
/** A ```sh runnable fails block: its last command must fail, every command before it succeed. */
export const mustFail = (b: CodeBlock): boolean => isRunnable(b) && b.info.slice(2).includes('fails');
export const isOutput = (b: CodeBlock): boolean => b.info[0] === 'text' && b.info[1] === 'output';
/** The cluster a runnable block runs on: `cluster=NAME` in its fence, else `main`. */
export const clusterOf = (b: CodeBlock): string => b.info.slice(2).find((w) => w.startsWith('cluster='))?.slice('cluster='.length) || 'main';

/** The markdown headings of a file (outside code blocks) as GitHub makes their anchors. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (f && (!fence || f.startsWith(fence))) {
      fence = fence ? undefined : f;
      continue;
    }
    if (fence) continue;
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const base = h[1]!.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** Relative links of a markdown file (outside code blocks): [text](target). */
export function relativeLinks(text: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, i) => {
    const f = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (f && (!fence || f.startsWith(fence))) {
      fence = fence ? undefined : f;
      return;
    }
    if (fence) return;
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z]+:/i.test(m[1]!)) out.push({ target: m[1]!, line: i + 1 });
    }
  });
  return out;
}

/** A link's file (resolved from the file it is in) and anchor. */
export function linkTarget(from: string, target: string): { file: string; anchor?: string } {
  const [p = '', anchor] = target.split('#');
  return { file: p ? path.resolve(path.dirname(from), p) : from, ...(anchor ? { anchor } : {}) };
}

type Token = { word: string } | { op: string };

/**
 * Splits one logical shell line (continuations joined) into words and operators, enough for the
 * command lines of the guides: quotes, backslashes, comments, `$(...)` (whose inside is given to
 * `inner`), redirections and the list operators.
 */
export function tokenize(line: string, inner: (cmd: string) => void = () => undefined): Token[] {
  const out: Token[] = [];
  let word: string | undefined;
  const flush = () => {
    if (word !== undefined) out.push({ word });
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '#' && word === undefined) break;
    if (/\s/.test(ch)) {
      flush();
      continue;
    }
    if (ch === '$' && line[i + 1] === '(') {
      const end = closing(line, i + 1);
      inner(line.slice(i + 2, end));
      word = `${word ?? ''}$(...)`;
      i = end;
      continue;
    }
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      word = `${word ?? ''}${line.slice(i + 1, end < 0 ? line.length : end)}`;
      i = end < 0 ? line.length : end;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let text = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length) {
          text += line[j + 1];
          j += 2;
        } else if (line[j] === '$' && line[j + 1] === '(') {
          const end = closing(line, j + 1);
          inner(line.slice(j + 2, end));
          text += '$(...)';
          j = end + 1;
        } else text += line[j++];
      }
      word = `${word ?? ''}${text}`;
      i = j;
      continue;
    }
    if (ch === '\\') {
      word = `${word ?? ''}${line[i + 1] ?? ''}`;
      i++;
      continue;
    }
    const op = /^(\|\||&&|;;|[|;&()]|\d?>>|\d?>&\d|&>|\d?>|<<-?|<)/.exec(line.slice(i))?.[1];
    if (op && !(op === '&' && word !== undefined)) {
      flush();
      out.push({ op });
      i += op.length - 1;
      continue;
    }
    word = `${word ?? ''}${ch}`;
  }
  flush();
  return out;
}

/** The index of the `)` that closes the `(` at `open`, quotes and nesting considered. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'" || ch === '"') {
      const end = s.indexOf(ch, i + 1);
      i = end < 0 ? s.length : end;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return s.length;
}

export interface CommandLine {
  file: string;
  line: number;
  /** The arguments after `warden`. */
  argv: string[];
  text: string;
}

const KEYWORDS = new Set(['do', 'then', 'else', 'time', '!', '{', '(']);

/** The `warden ...` (or `./warden ...`) invocations of one logical line. */
export function wardenInvocations(line: string): string[][] {
  const found: string[][] = [];
  const scan = (text: string) => {
    const tokens = tokenize(text, scan);
    let cmd: string[] = [];
    const end = () => {
      let words = cmd;
      while (words.length && (KEYWORDS.has(words[0]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!))) words = words.slice(1);
      if (words[0] === 'warden' || words[0] === './warden') found.push(words.slice(1));
      cmd = [];
    };
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if ('word' in t) cmd.push(t.word);
      else if (/[<>]/.test(t.op)) {
        if (!/&\d$/.test(t.op)) i++; // the redirection's target is no argument
      } else end();
    }
    end();
  };
  scan(line);
  return found;
}

/** The logical lines of a shell block (continuations joined, heredoc bodies left out), with their first line. */
export function logicalLines(block: CodeBlock): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let heredoc: string | undefined;
  let current: { text: string; line: number } | undefined;
  block.lines.forEach((raw, i) => {
    if (heredoc !== undefined) {
      if (raw.trim() === heredoc) heredoc = undefined;
      return;
    }
    current = current ? { text: `${current.text} ${raw.trim()}`, line: current.line } : { text: raw, line: block.line + i };
    if (/\\$/.test(raw)) {
      current.text = current.text.replace(/\\$/, '');
      return;
    }
    const tag = /<<-?\s*['"]?([A-Za-z_]\w*)['"]?/.exec(current.text)?.[1];
    if (tag) heredoc = tag;
    out.push(current);
    current = undefined;
  });
  if (current) out.push(current);
  return out;
}

const OPENS = new Set(['for', 'while', 'until', 'if', 'case', 'select', '{']);
const CLOSES = new Set(['done', 'fi', 'esac', '}']);
/** Words after which the next word is a command again. */
const LEADS = new Set(['do', 'then', 'else', 'elif', '{', '!', 'time', 'if', 'while', 'until']);

/**
 * How much deeper in compound commands (for ... done, if ... fi, { ... }, ( ... )) a logical line
 * leaves the shell. A `case` whose `pattern)` lines span several lines is not understood: the
 * guides write a case on one line, or not at all.
 */
export function depthChange(line: string): number {
  let depth = 0;
  let start = true;
  for (const t of tokenize(line)) {
    if ('op' in t) {
      if (t.op === '(') depth++;
      else if (t.op === ')') depth--;
      if (!/[<>]/.test(t.op)) start = true;
      continue;
    }
    if (start && OPENS.has(t.word)) depth++;
    else if (start && CLOSES.has(t.word)) depth--;
    start = LEADS.has(t.word);
  }
  return depth;
}

/**
 * The commands of a shell block, in order, each as the block's lines it spans: a logical line
 * (continuations joined, with its heredoc's body), or a compound command that spans several
 * (`for ...; do` ... `done`). Blank and comment-only lines belong to no command.
 */
export function blockCommandUnits(block: CodeBlock): { line: number; lines: string[] }[] {
  const out: { line: number; lines: string[] }[] = [];
  let unit: { line: number; lines: string[] } | undefined;
  let depth = 0;
  let heredoc: string | undefined;
  let logical = '';
  block.lines.forEach((raw, i) => {
    if (heredoc !== undefined) {
      unit!.lines.push(raw);
      if (raw.trim() === heredoc) heredoc = undefined;
    } else {
      if (!unit && !logical && (raw.trim() === '' || raw.trim().startsWith('#'))) return;
      unit ??= { line: block.line + i, lines: [] };
      unit.lines.push(raw);
      if (/\\$/.test(raw)) {
        logical += `${raw.replace(/\\$/, '')} `;
        return;
      }
      logical += raw;
      heredoc = /<<-?\s*['"]?([A-Za-z_]\w*)['"]?/.exec(logical)?.[1];
      depth += depthChange(logical);
      logical = '';
    }
    if (heredoc === undefined && depth <= 0 && unit) {
      out.push(unit);
      unit = undefined;
      depth = 0;
    }
  });
  if (unit) out.push(unit);
  return out;
}

/** Every `warden` command line of a block. */
export function blockCommands(block: CodeBlock): CommandLine[] {
  return logicalLines(block).flatMap((l) => wardenInvocations(l.text).map((argv) => ({ file: block.file, line: l.line, argv, text: l.text.trim() })));
}

export interface HelpSpec {
  /** Flag name -> whether it takes a value. */
  options: Map<string, boolean>;
  commands: Set<string>;
  minArgs: number;
  maxArgs: number;
}

/** What commander's --help text of one command says it accepts. */
export function parseHelp(text: string): HelpSpec {
  const spec: HelpSpec = { options: new Map(), commands: new Set(), minArgs: 0, maxArgs: 0 };
  let section = '';
  for (const line of text.split('\n')) {
    const usage = /^Usage: (.*)$/.exec(line)?.[1];
    if (usage) {
      const args = [...usage.matchAll(/[<[]([^\]>]+)[\]>]/g)].filter((m) => m[1] !== 'options' && m[1] !== 'command');
      spec.minArgs = args.filter((m) => m[0].startsWith('<')).length;
      spec.maxArgs = args.some((m) => m[1]!.endsWith('...')) ? Infinity : args.length;
      continue;
    }
    const header = /^(\S.*):$/.exec(line)?.[1];
    if (header) {
      section = header;
      continue;
    }
    if (!/^ {2}\S/.test(line)) {
      if (line.trim() === '') section = section === 'Options' || section === 'Commands' || section === 'Arguments' ? section : '';
      continue;
    }
    const entry = line.slice(2).split(/ {2,}/)[0]!;
    if (section === 'Options' && entry.startsWith('-')) {
      const takesValue = /[<[]/.test(entry);
      for (const name of entry.replace(/\s*[<[].*$/, '').split(/,\s*/)) spec.options.set(name.trim(), takesValue);
    } else if (section === 'Commands') {
      const name = /^([a-z][\w-]*)/.exec(entry)?.[1];
      if (name && name !== 'help') spec.commands.add(name);
    }
  }
  return spec;
}

/**
 * Walks `argv` down the command tree: each subcommand must exist, each flag must be one of the
 * command's or its parents' (commander takes a parent's flags after a subcommand too), and the
 * arguments must fit the usage. Returns what is wrong, or undefined.
 */
export async function checkCommand(argv: string[], help: (path: string[]) => Promise<HelpSpec>): Promise<string | undefined> {
  const at: string[] = [];
  let spec = await help(at);
  const flags = new Map(spec.options);
  let args = 0;
  const name = () => ['warden', ...at].join(' ');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-') && a !== '-') {
      const flag = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
      const takesValue = flags.get(flag);
      if (takesValue === undefined) return `\`${name()}\` has no flag ${flag} (see \`${name()} --help\`)`;
      if (takesValue && !a.includes('=')) i++;
      continue;
    }
    if (args === 0 && spec.commands.has(a)) {
      at.push(a);
      spec = await help(at);
      for (const [k, v] of spec.options) flags.set(k, v);
      continue;
    }
    if (spec.commands.size && spec.maxArgs === 0) return `\`${name()}\` has no command ${a}: it has ${[...spec.commands].join(', ')}`;
    if (++args > spec.maxArgs) return `\`${name()}\` takes ${spec.maxArgs} argument(s), and ${a} is one more`;
  }
  if (spec.commands.size && spec.maxArgs === 0) return `\`${name()}\` needs a command: one of ${[...spec.commands].join(', ')}`;
  if (args < spec.minArgs) return `\`${name()}\` needs ${spec.minArgs} argument(s), got ${args}`;
  return undefined;
}

/** What both a shown and a real output line are compared as: no colours, table widths and spacing ignored. */
export function normalize(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\[[0-9;]*m/g, '').replace(/-{3,}/g, '---').replace(/\s+/g, ' ').trim();
}

const VARYING = /(\.\.\.)|(\/[^\s,;:()'"`]+)|(\b\d+(?:\.\d+)? ?(?:[kMGT]i?B|B)\b)|(\b\d+(?:\.\d+)?(?:ns|µs|us|ms|s|m|h)\b)|(\betcd-\d+\b)|(\b(?=[0-9a-f]*\d)[0-9a-f]{5,}\b)|(\d+)/g;

/**
 * The pattern a shown output line stands for: `...` is any text; absolute paths, sizes,
 * durations, member names, IDs and numbers are whatever the run printed in their place. A
 * word of 5 or more hex digits (a member ID, a hash: etcdctl prints them without leading zeros)
 * stands for any such word, all-decimal or not.
 */
export function outputPattern(shown: string): RegExp {
  const s = normalize(shown);
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let re = '';
  let last = 0;
  for (const m of s.matchAll(VARYING)) {
    re += escape(s.slice(last, m.index));
    if (m[1]) re += '.*';
    else if (m[2]) re += "/[^\\s,;:()'\"`]*";
    else if (m[3]) re += '\\d+(?:\\.\\d+)? ?(?:[kMGT]i?B|B)';
    else if (m[4]) re += '\\d+(?:\\.\\d+)?(?:ns|µs|us|ms|s|m|h)';
    else if (m[5]) re += 'etcd-\\d+';
    else if (m[6]) re += '[0-9a-f]+';
    else re += '\\d+';
    last = m.index + m[0].length;
  }
  return new RegExp(`^${re}${escape(s.slice(last))}$`);
}

/**
 * Each shown line (but `...` alone, for lines left out) must match a real line, in order.
 * Returns what did not match, or undefined.
 */
export function matchOutput(shown: string[], actual: string[]): string | undefined {
  const real = actual.map(normalize);
  let at = 0;
  for (const line of shown) {
    if (normalize(line) === '...' || normalize(line) === '') continue;
    const re = outputPattern(line);
    const found = real.findIndex((r, i) => i >= at && re.test(r));
    if (found < 0) return `no line${at ? ' after the previous match' : ''} matches "${line}"`;
    at = found + 1;
  }
  return undefined;
}

export interface Run {
  block: CodeBlock;
  /** The ```text output block right after it, if any. */
  output?: CodeBlock;
}

/** A guide's runnable blocks, each with the ```text output block that follows it. */
export function runsOf(blocks: CodeBlock[]): Run[] {
  const runs: Run[] = [];
  blocks.forEach((b, i) => {
    if (isRunnable(b)) runs.push({ block: b });
    else if (isOutput(b)) {
      const before = blocks[i - 1];
      if (!before || !isRunnable(before)) throw new Error(`${b.file}:${b.line}: a \`text output\` block must come right after a runnable block`);
      runs[runs.length - 1]!.output = b;
    }
  });
  return runs;
}

/**
 * One bash script for runnable blocks, in order (one session: variables carry over). Markers
 * between blocks split what it prints (sessionResult reads them). Each command's exit status is
 * checked after it, whatever `&&` or `||` it holds (errexit alone misses a failure before `&&`),
 * and errexit (with pipefail, and inherited by `$(...)`) catches a failure inside a compound
 * command or a pipeline. The last command of a `runnable fails` block must fail instead; the
 * ones before it must succeed. `lines` maps a script line to the guide line of its command.
 */
export function sessionScript(runs: Run[]): { script: string; lines: Map<number, number> } {
  const script = [
    'exec 2>&1', 'set -o pipefail', 'shopt -s inherit_errexit',
    `__fail() { printf '\\n@@runbook-fail %s %s@@\\n' "$1" "$2"; exit 1; }`,
  ];
  const lines = new Map<number, number>();
  const push = (text: string, guideLine?: number) => {
    script.push(text);
    if (guideLine !== undefined) lines.set(script.length, guideLine);
  };
  runs.forEach(({ block }, k) => {
    push(`printf '\\n@@runbook-block ${k}@@\\n'`);
    const units = blockCommandUnits(block);
    if (units.length === 0) throw new Error(`${block.file}:${block.line}: a runnable block without a command`);
    units.forEach((u, j) => {
      const expectFailure = mustFail(block) && j === units.length - 1;
      push(expectFailure ? 'set +e; trap - ERR' : `set -e; trap '__fail $LINENO $?' ERR`);
      u.lines.forEach((l, i) => push(l, u.line + i));
      if (expectFailure) push(`__s=$?; [ "$__s" -ne 0 ] || { printf '\\n@@runbook-succeeded ${k}@@\\n'; exit 1; }`);
      else push(`__s=$?; [ "$__s" -eq 0 ] || __fail $LINENO "$__s"`, u.line);
    });
    push('set +e; trap - ERR');
  });
  push(`printf '\\n@@runbook-end@@\\n'`);
  return { script: `${script.join('\n')}\n`, lines };
}

/**
 * What a session script printed, split by block (index in `runs`), and the first thing that
 * went wrong: a command that failed (`file:line: the command exited N`), a `runnable fails`
 * block whose last command succeeded, or a session that ended before its end marker.
 */
export function sessionResult(runs: Run[], lines: Map<number, number>, out: string): { printed: Map<number, string[]>; failure?: string; current?: number } {
  const printed = new Map<number, string[]>();
  let current: number | undefined;
  let failure: string | undefined;
  let ended = false;
  const where = (k: number | undefined) => (k === undefined ? '' : `${runs[k]!.block.file}:`);
  for (const line of out.split('\n')) {
    const marker = /^@@runbook-(block|fail|succeeded|end) ?(.*)@@$/.exec(line);
    if (!marker) {
      if (current !== undefined) printed.get(current)!.push(line);
      continue;
    }
    if (marker[1] === 'block') printed.set((current = Number(marker[2])), []);
    else if (marker[1] === 'fail') {
      const [scriptLine, code] = marker[2]!.split(' ');
      failure ??= `${where(current)}${lines.get(Number(scriptLine)) ?? `script line ${scriptLine}`}: the command exited ${code}`;
    } else if (marker[1] === 'succeeded') {
      const block = runs[Number(marker[2])]!.block;
      failure ??= `${block.file}:${block.line}: the last command of this \`runnable fails\` block succeeded`;
    } else ended = true;
  }
  if (!failure && !ended) failure = `${where(current)} the session ended early`;
  return { printed, ...(failure ? { failure } : {}), ...(current !== undefined ? { current } : {}) };
}
