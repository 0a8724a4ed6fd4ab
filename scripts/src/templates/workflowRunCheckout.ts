import { expressionsIn, headContext, type Expression } from './workflowExpressions.ts';

/** What a job's earlier run: scripts fetched of the pull request: `git checkout FETCH_HEAD` or of a fetched branch then checks it out. */
export interface FetchedHead {
  fetchHead: boolean;
  branches: Set<string>;
  /** Where a wildcard fetch of refs/pull/* put the pull requests' refs (`pr/` of +refs/pull/*:refs/remotes/pr/*). */
  prefixes?: string[];
  /** Whether the pull request's diff or patch was fetched (gh pr diff, a …/pull/N.diff download): applying it brings its code in. */
  pullDiff?: boolean;
  /** Names written to $GITHUB_ENV from the head: every later step of the job has them as variables. */
  envHead?: Set<string>;
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
  // "$(command -v git)", $(which git): git by another spelling, kept the same length so offsets hold.
  masked = masked.replace(/["']?\$\((?:command +-v|which|type +-P) +git\)["']?/g, m => 'git'.padEnd(m.length));
  masked = masked.replace(/\\\r?\n/g, m => ' '.repeat(m.length)).replace(/(^|[\s;&|(])#[^\r\n]*/g, (m, before: string) => before + ' '.repeat(m.length - before.length));
  const found: RunCheckout[] = [];
  let previousNamesHead = false;
  for (const segment of masked.matchAll(/[^\n;&|()`]+/g)) {
    const words = [...segment[0].matchAll(/\S+/g)].map(w => ({ start: segment.index + w.index, raw: w[0], word: w[0].replace(/["']/g, '') }));
    const names = (w: (typeof words)[number]) => namesHead(w, expressions, headVariables);
    // `echo "$SHA" | xargs git checkout`: the head comes down the pipe.
    const piped = masked[segment.index - 1] === '|' && masked[segment.index - 2] !== '|';
    const fromPipe = piped && previousNamesHead;
    previousNamesHead = words.some(names);
    // `echo "SHA=$HEAD_SHA" >> "$GITHUB_ENV"`: SHA holds the head in the job's later steps.
    if (fetched.envHead && />\s*["']?\$\{?GITHUB_ENV\b/.test(segment[0])) {
      const head = words.some(names);
      for (const w of words) {
        const name = /^([A-Za-z_]\w*)=/.exec(w.word)?.[1];
        if (name && head) fetched.envHead.add(name);
        else if (name) fetched.envHead.delete(name);
      }
    }
    let i = 0;
    while (i < words.length && (PREFIXES.has(words[i].word) || /^[A-Za-z_]\w*=/.test(words[i].word) || /^(ba|z|da)?sh$/.test(words[i].word) || (i > 0 && /^(ba|z|da)?sh$/.test(words[i - 1].word) && words[i].word.startsWith('-')))) i++;
    let viaXargs = false;
    if (words[i]?.word === 'xargs') {
      for (i++; i < words.length && words[i].word.startsWith('-'); i++);
      viaXargs = fromPipe;
    }
    const command = words[i];
    if (!command) continue;
    const tool = command.word.replace(/^.*\//, '');
    const rest = words.slice(i + 1);
    // `bash -c "gh pr checkout 1"`: shown from gh to the closing quote's left.
    const quote = /^["']*/.exec(command.raw)![0];
    const shown = () => {
      const text = script.slice(command.start + quote.length, segment.index + segment[0].trimEnd().length).replace(/\s+/g, ' ');
      return { command: quote && text.endsWith(quote[0]) ? text.slice(0, -1) : text, start: command.start + quote.length };
    };
    if ((tool === 'gh' || tool === 'hub') && pullRequestCheckout(rest.map(w => w.word), tool)) {
      found.push(shown());
      continue;
    }
    const pullOrHead = (w: (typeof words)[number]) => names(w) || /\/pulls?\/[^\s/]+/.test(w.word);
    if (tool === 'gh' && rest[0]?.word === 'pr' && rest[1]?.word === 'diff') fetched.pullDiff = true;
    if (tool === 'curl' || tool === 'wget' || (tool === 'gh' && rest[0]?.word === 'api')) {
      // The head's files as an archive (…/tarball/$SHA, a pull request's zipball), or its diff to apply later.
      if (rest.some(w => /(?:tarball|zipball)(?:\/|$)/.test(w.word)) && rest.some(pullOrHead)) found.push(shown());
      else if (rest.some(pullOrHead) && rest.some(w => /\.(?:diff|patch)\b|diff|patch/.test(w.word))) fetched.pullDiff = true;
      continue;
    }
    if (fetched.pullDiff && (tool === 'patch' || (tool === 'git' && rest.some(w => w.word === 'apply' || w.word === 'am')))) {
      found.push(shown());
      continue;
    }
    if (tool !== 'git') continue;
    let j = 0;
    while (j < rest.length && rest[j].word.startsWith('-')) j += GIT_OPTIONS_WITH_VALUE.has(rest[j].word) ? 2 : 1;
    const subcommand = rest[j]?.word;
    const args = rest.slice(j + 1);
    if (subcommand === 'fetch') {
      const head = args.some(names);
      fetched.fetchHead = head;
      if (head) for (const w of args) if (w.word.includes(':') && names(w)) fetched.branches.add(w.word.slice(w.word.lastIndexOf(':') + 1).replace(/^\+?(refs\/heads\/)?/, ''));
      for (const w of args) {
        const wildcard = /^\+?(?:refs\/)?pull\/\*[^:]*:(.*?)\*/.exec(w.word);
        if (!wildcard) continue;
        const into = wildcard[1];
        fetched.prefixes ??= [];
        fetched.prefixes.push(into, into.replace(/^refs\//, ''), into.replace(/^refs\/(?:remotes|heads)\//, ''));
      }
    } else if (subcommand && CHECKOUTS.has(subcommand) && (viaXargs || args.some(w => names(w) || (fetched.fetchHead && /\bFETCH_HEAD\b/.test(w.word)) || fetched.branches.has(w.word.replace(/^refs\/heads\//, '')) || fetchedPull(w.word, fetched.prefixes)))) {
      found.push(shown());
    }
  }
  return found;
}

/** Whether a ref is one a wildcard fetch of refs/pull/* put at one of `prefixes` (pr/123/head, pr/$PR/head). */
function fetchedPull(word: string, prefixes: readonly string[] | undefined): boolean {
  return !!prefixes?.some(p => word.startsWith(p) && word.length > p.length && /\/(?:head|merge)$|\$|\u0001/.test(word.slice(p.length)));
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
