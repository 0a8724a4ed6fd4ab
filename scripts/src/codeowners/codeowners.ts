export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  /** Whether the pattern matches a repo-relative path (codeownersMatcher: linear in the path's length). */
  matches: (path: string) => boolean;
}

/** Parses a CODEOWNERS file: comments, blank lines and `\#` escapes as GitHub reads them. */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (!line) return;
    const [pattern, ...owners] = line.split(/\s+/);
    rules.push({ pattern: pattern.replace(/\\#/g, '#'), owners, line: index + 1, matches: codeownersMatcher(pattern.replace(/\\#/g, '#')) });
  });
  return rules;
}

/** The owners of a repo-relative path: the last matching rule wins, as on GitHub; `undefined` if none. */
export function ownersOf(rules: readonly CodeownersRule[], path: string): CodeownersRule | undefined {
  for (let i = rules.length - 1; i >= 0; i--) if (rules[i].matches(path)) return rules[i];
  return undefined;
}

// The steps a pattern compiles to: a character, one character but `/`, any run of characters but `/`
// (`*`), any run of characters (`**`), a fork to two steps, the end.
const CHAR = 0, ONE = 1, SEGMENT_RUN = 2, ANY_RUN = 3, FORK = 4, END = 5;
type Step = { op: typeof CHAR; char: string } | { op: typeof ONE | typeof SEGMENT_RUN | typeof ANY_RUN | typeof END } | { op: typeof FORK; to: number };

/**
 * GitHub's CODEOWNERS patterns: gitignore-like, case-sensitive; a leading or inner `/` anchors to the
 * root, otherwise the pattern matches at any depth; a trailing `/` or a plain name covers everything
 * below; `*` stays within one segment (so `docs/*` does not reach `docs/a/b.md`), `**` as a whole segment crosses them (elsewhere it is one `*`, as in gitignore),
 * `?` is one character but `/`; `*` and `**` match any other character, a newline too (git's wildmatch).
 * Returns a test that runs in time linear in the path's length whatever the pattern: a pull request
 * writes the CODEOWNERS file and names the files, and a backtracking regular expression of a pattern
 * such as `**a**a**a**b` took minutes on one long file name. A pattern without wildcards is compared as text.
 */
export function codeownersMatcher(pattern: string): (path: string) => boolean {
  let p = pattern;
  const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
  p = p.replace(/^\//, '');
  const directory = p.endsWith('/');
  if (directory) p = p.slice(0, -1);
  const lastSegment = p.split('/').pop() ?? '';
  if (!/[*?]/.test(p)) return literalMatcher(p, anchored, directory);
  const steps: Step[] = [];
  // `(?:.*/)?`: a fork past an any-run that ends in `/`.
  const optionalFolders = () => {
    const fork = steps.push({ op: FORK, to: -1 }) - 1;
    steps.push({ op: ANY_RUN }, { op: CHAR, char: '/' });
    (steps[fork] as { to: number }).to = steps.length;
  };
  if (!anchored) optionalFolders();
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    // gitignore: `**` crosses folders only as a whole segment (`**/x`, `x/**`, `x/**/y`); any other run of
    // asterisks is one `*`.
    const globstar = ch === '*' && p[i + 1] === '*' && p[i + 2] !== '*' && (i === 0 || p[i - 1] === '/') && (i + 2 === p.length || p[i + 2] === '/');
    if (globstar) {
      if (p[i + 2] === '/') {
        optionalFolders();
        i += 2;
      } else {
        steps.push({ op: ANY_RUN });
        i += 1;
      }
    } else if (ch === '*') {
      steps.push({ op: SEGMENT_RUN });
      while (p[i + 1] === '*') i++;
    }
    else if (ch === '?') steps.push({ op: ONE });
    else steps.push({ op: CHAR, char: ch });
  }
  if (directory) steps.push({ op: CHAR, char: '/' }, { op: ANY_RUN });
  else if (!lastSegment.includes('*')) {
    // `(?:/.*)?`: the path itself, or anything below it.
    const fork = steps.push({ op: FORK, to: -1 }) - 1;
    steps.push({ op: CHAR, char: '/' }, { op: ANY_RUN });
    (steps[fork] as { to: number }).to = steps.length;
  }
  steps.push({ op: END });
  return path => simulate(steps, path);
}

/** Runs the steps over `path` keeping the set of steps that could come next (no backtracking). */
function simulate(steps: readonly Step[], path: string): boolean {
  const seen = new Int32Array(steps.length).fill(-1);
  let current: number[] = [];
  let next: number[] = [];
  // Adds a step and every step reachable from it without reading a character, once per position.
  const add = (list: number[], at: number, position: number) => {
    const stack = [at];
    while (stack.length > 0) {
      const index = stack.pop()!;
      if (seen[index] === position) continue;
      seen[index] = position;
      const step = steps[index];
      if (step.op === FORK) stack.push(step.to, index + 1);
      else {
        list.push(index);
        // A run may also match nothing.
        if (step.op === SEGMENT_RUN || step.op === ANY_RUN) stack.push(index + 1);
      }
    }
  };
  add(current, 0, 0);
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    next.length = 0;
    for (const index of current) {
      const step = steps[index];
      if (step.op === CHAR ? ch === step.char : step.op === ONE ? ch !== '/' : false) add(next, index + 1, i + 1);
      else if (step.op === SEGMENT_RUN ? ch !== '/' : step.op === ANY_RUN) add(next, index, i + 1);
    }
    if (next.length === 0) return false;
    [current, next] = [next, current];
  }
  return current.some(index => steps[index].op === END);
}

/** A pattern without wildcards: the path itself at the root (anchored) or at any depth, and what is below it. */
function literalMatcher(body: string, anchored: boolean, directory: boolean): (path: string) => boolean {
  const rest = (path: string, end: number) => (directory ? path[end] === '/' : end === path.length || path[end] === '/');
  return path => {
    if (path.startsWith(body) && rest(path, body.length)) return true;
    if (anchored) return false;
    for (let at = path.indexOf(`/${body}`); at >= 0; at = path.indexOf(`/${body}`, at + 1)) if (rest(path, at + 1 + body.length)) return true;
    return false;
  };
}
