import { expressionsIn, headContext, type Expression } from './workflowExpressions.ts';

/** What a job's earlier run: scripts fetched of the pull request: `git checkout FETCH_HEAD` or of a fetched branch then checks it out. */
export interface FetchedHead {
  fetchHead: boolean;
  branches: Set<string>;
}

export interface RunCheckout {
  /** The command, whitespace runs shown as one space. */
  command: string;
  /** Offset of its first word in the script. */
  start: number;
}

// A pull request's refs as GitHub serves them from the base repository: refs/pull/<number>/head and /merge.
const PULL_REF = /(?:^|[^\w-])(?:refs\/)?pull\/[^\s/]+\/(?:head|merge)(?![\w-])/;
// The git commands that put a ref's files into the working tree (or a new one).
const CHECKOUTS = new Set(['checkout', 'switch', 'reset', 'restore', 'merge', 'pull', 'rebase', 'cherry-pick', 'worktree', 'clone']);
// Words that run the command after them.
const PREFIXES = new Set(['sudo', 'time', 'exec', 'command', 'nohup', 'env', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', '!']);
const GIT_OPTIONS_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path']);

/**
 * The commands of a `run:` script that check out the pull request's own code: `gh pr checkout` (or hub's), or a
 * git checkout, switch, reset, merge, pull, clone … of its head (an expression naming it, refs/pull/N/head or
 * /merge, $GITHUB_HEAD_REF or an env variable set from one of these, FETCH_HEAD or a branch after a fetch of
 * one). Fetching alone does not count: comparing against the head (git diff, a changed-files list) runs none of
 * its code. `headVariables` names the step's env variables that hold the head; `fetched` carries what the job's
 * earlier scripts fetched and is updated. Reads the shell as words split at ; && || | ( ) ` and line breaks:
 * quoting is ignored, which is enough for what a workflow writes. Pure but for `fetched`.
 */
export function runCheckouts(script: string, headVariables: ReadonlySet<string>, fetched: FetchedHead): RunCheckout[] {
  const expressions = expressionsIn(script);
  let masked = script;
  // An expression is one word whatever its spaces and operators: masked with a character no separator matches.
  for (const e of expressions) masked = masked.slice(0, e.start) + '\u0001'.repeat(e.end - e.start) + masked.slice(e.end);
  masked = masked.replace(/\\\r?\n/g, m => ' '.repeat(m.length)).replace(/(^|[\s;&|(])#[^\r\n]*/g, (m, before: string) => before + ' '.repeat(m.length - before.length));
  const found: RunCheckout[] = [];
  for (const segment of masked.matchAll(/[^\n;&|()`]+/g)) {
    const words = [...segment[0].matchAll(/\S+/g)].map(w => ({ start: segment.index + w.index, raw: w[0], word: w[0].replace(/["']/g, '') }));
    let i = 0;
    while (i < words.length && (PREFIXES.has(words[i].word) || /^[A-Za-z_]\w*=/.test(words[i].word) || /^(ba|z|da)?sh$/.test(words[i].word) || (i > 0 && /^(ba|z|da)?sh$/.test(words[i - 1].word) && words[i].word.startsWith('-')))) i++;
    const command = words[i];
    if (!command) continue;
    const rest = words.slice(i + 1);
    const names = (w: (typeof words)[number]) => namesHead(w, expressions, headVariables);
    // `bash -c "gh pr checkout 1"`: shown from gh to the closing quote's left.
    const quote = /^["']*/.exec(command.raw)![0];
    const shown = () => {
      const text = script.slice(command.start + quote.length, segment.index + segment[0].trimEnd().length).replace(/\s+/g, ' ');
      return { command: quote && text.endsWith(quote[0]) ? text.slice(0, -1) : text, start: command.start + quote.length };
    };
    if ((command.word === 'gh' || command.word === 'hub') && pullRequestCheckout(rest.map(w => w.word), command.word)) {
      found.push(shown());
      continue;
    }
    if (command.word !== 'git') continue;
    let j = 0;
    while (j < rest.length && rest[j].word.startsWith('-')) j += GIT_OPTIONS_WITH_VALUE.has(rest[j].word) ? 2 : 1;
    const subcommand = rest[j]?.word;
    const args = rest.slice(j + 1);
    if (subcommand === 'fetch') {
      const head = args.some(names);
      fetched.fetchHead = head;
      if (head) for (const w of args) if (w.word.includes(':') && names(w)) fetched.branches.add(w.word.slice(w.word.lastIndexOf(':') + 1).replace(/^\+?(refs\/heads\/)?/, ''));
    } else if (subcommand && CHECKOUTS.has(subcommand) && args.some(w => names(w) || (fetched.fetchHead && /\bFETCH_HEAD\b/.test(w.word)) || fetched.branches.has(w.word.replace(/^refs\/heads\//, '')))) {
      found.push(shown());
    }
  }
  return found;
}

/** `gh pr checkout …` (gh's -R/--repo before pr allowed) or hub's `pr checkout` / `checkout <pull request URL>`. */
function pullRequestCheckout(words: readonly string[], tool: string): boolean {
  const pr = words.indexOf('pr');
  if (pr !== -1 && pr <= 2 && words[pr + 1] === 'checkout') return true;
  return tool === 'hub' && words[0] === 'checkout' && /\/pull\/\d+/.test(words[1] ?? '');
}

/** Whether a word of the script names the pull request's head. */
function namesHead(w: { start: number; raw: string; word: string }, expressions: readonly Expression[], headVariables: ReadonlySet<string>): boolean {
  const end = w.start + w.raw.length;
  if (expressions.some(e => e.start < end && e.end > w.start && headContext(e.text) !== undefined)) return true;
  if (PULL_REF.test(w.word)) return true;
  return [...w.word.matchAll(/\$\{?([A-Za-z_]\w*)/g)].some(m => m[1] === 'GITHUB_HEAD_REF' || headVariables.has(m[1]));
}

/** Whether an env value names the pull request's head (an expression naming it, or a refs/pull/N ref). */
export function envNamesHead(value: string): boolean {
  return expressionsIn(value).some(e => headContext(e.text) !== undefined) || PULL_REF.test(value);
}
