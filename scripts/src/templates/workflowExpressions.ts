/**
 * The contexts GitHub's "Security hardening for GitHub Actions" (now "Script injections",
 * https://docs.github.com/en/actions/concepts/security/script-injections, section "Understanding the risk of
 * script injections") lists as untrusted input: text anyone who opens an issue or pull request, comments,
 * reviews, names a branch or writes a commit chooses. `*` is any element of an array. review_comment and
 * discussion come from GitHub Security Lab's "Untrusted input" list (which the docs link); workflow_run's head
 * branch and commit are the same fork's names seen through workflow_run.
 */
const UNTRUSTED: readonly (readonly string[])[] = [
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.pages.*.page_name',
  'github.event.commits.*.message',
  'github.event.head_commit.message',
  'github.event.head_commit.author.email',
  'github.event.head_commit.author.name',
  'github.event.commits.*.author.email',
  'github.event.commits.*.author.name',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.head_commit.author.name',
  'github.head_ref',
].map(p => p.split('.'));

/**
 * What names the pull request's (or the triggering run's) own code: its head commit, branch or repository, and
 * the test merge commit GitHub builds from it (merge_commit_sha, refs/pull/N/merge: the head's files with the
 * base merged in), as GitHub Security Lab's "Preventing pwn requests" and zizmor's dangerous-triggers count them.
 * A workflow_run's pull_requests list names the same heads.
 */
const PR_HEAD: readonly (readonly string[])[] = [
  'github.event.pull_request.head.*',
  'github.event.pull_request.head.repo.*',
  'github.event.pull_request.merge_commit_sha',
  'github.head_ref',
  'github.event.workflow_run.head_sha',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.head_commit.id',
  'github.event.workflow_run.head_repository.*',
  'github.event.workflow_run.pull_requests.*.head.*',
].map(p => p.split('.'));

export interface Expression {
  /** The whole `${{ … }}` as written, whitespace runs shown as one space. */
  text: string;
  /** Index of its `${{` among those of the string (0 for the first). */
  index: number;
  /** Offset of its `${{` in the string. */
  start: number;
  /** Offset just past its `}}` (the string's end for one left open). */
  end: number;
}

/**
 * The `${{ … }}` expressions of a string, each ending at the first `}}` outside a '…' string literal (as
 * GitHub's expression lexer reads them); one left open runs to the end. One pass over the text.
 */
export function expressionsIn(value: string): Expression[] {
  const found: Expression[] = [];
  for (let start = value.indexOf('${{'); start !== -1; start = value.indexOf('${{', start)) {
    let i = start + 3;
    let quoted = false;
    for (; i < value.length; i++) {
      if (value[i] === "'") quoted = !quoted;
      else if (!quoted && value[i] === '}' && value[i + 1] === '}') break;
    }
    const end = Math.min(value.length, i + 2);
    found.push({ text: value.slice(start, end).replace(/\s+/g, ' '), index: found.length, start, end });
    start = end;
  }
  return found;
}

/** The untrusted context an expression expands (as the docs name it, `*` for an index), or undefined. */
export function untrustedContext(expression: string): string | undefined {
  return contextPaths(expression).find(p => matches(p.path, UNTRUSTED, p.dumped))?.shown;
}

/** The context of an expression that names the pull request's head (commit, branch, fork), or undefined. */
export function headContext(expression: string): string | undefined {
  return contextPaths(expression).find(p => matches(p.path, PR_HEAD, false))?.shown;
}

/**
 * Whether an expression reads the secrets context whole (`toJSON(secrets)`, `secrets` alone): every secret the
 * workflow can see, rather than one by name. contains(secrets, …) gives true or false and does not count.
 */
export function readsAllSecrets(expression: string): boolean {
  if (contextPaths(expression).some(p => p.path.length === 1 && p.path[0] === 'secrets')) return true;
  // An object filter, secrets.* (join(secrets.*, ' '), toJSON(secrets.*)): every value, as an array. A
  // computed index, secrets[format(…)], reads one and does not count.
  const body = withoutBooleanCalls(blankLiterals(expression.replace(/^\$\{\{|\}\}$/g, ''), []));
  return /(?<![\w.-])secrets ?\. ?\*/i.test(body);
}

/**
 * The context paths an expression reads, lower-cased (GitHub reads property names without regard to case):
 * `github['head_ref']` as github.head_ref, `commits[0]` as commits.*. String literals are no paths, and
 * neither is what contains(), startsWith() or endsWith() reads (they give true or false, which injects
 * nothing). `dumped` marks a path that toJSON() writes out whole (every field under it).
 */
function contextPaths(expression: string): { path: string[]; shown: string; dumped: boolean }[] {
  const literals: string[] = [];
  let body = blankLiterals(expression.replace(/^\$\{\{|\}\}$/g, ''), literals);
  body = body.replace(/\[ ?\u0000(\d+)\u0000 ?\]/g, (_, k: string) => `.${literals[Number(k)]}`).replace(/\u0000\d+\u0000/g, "''");
  body = withoutBooleanCalls(body);
  body = body.replace(/\[[^[\]]*\]/g, '.*').replace(/ ?\. ?/g, '.');
  const paths: { path: string[]; shown: string; dumped: boolean }[] = [];
  for (const m of body.matchAll(/(?<![\w.-])[A-Za-z_][\w-]*(?:\.(?:[A-Za-z_][\w-]*|\*))*/g)) {
    // Whitespace runs are one space here (expressionsIn), so `toJSON (` fits in the few characters before.
    const dumped = /tojson ?\( ?$/i.test(body.slice(Math.max(0, m.index - 10), m.index));
    paths.push({ path: m[0].toLowerCase().split('.'), shown: m[0], dumped });
  }
  return paths;
}

/**
 * The text with each '…' literal ('' inside one is a quote) replaced by NUL, its number in `literals`, NUL:
 * one pass, so no pattern rescans an unclosed quote from every bracket.
 */
function blankLiterals(text: string, literals: string[]): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "'") {
      out += text[i] === '\u0000' ? ' ' : text[i];
      continue;
    }
    let literal = '';
    for (i++; i < text.length; i++) {
      if (text[i] !== "'") literal += text[i];
      else if (text[i + 1] === "'") literal += text[i++];
      else break;
    }
    out += `\u0000${literals.push(literal) - 1}\u0000`;
  }
  return out;
}

/** The expression with each contains(…), startsWith(…), endsWith(…) call replaced by `true`. Strings already blanked. */
function withoutBooleanCalls(body: string): string {
  let out = '';
  let from = 0;
  const call = /\b(?:contains|startswith|endswith)\s*\(/gi;
  for (let m = call.exec(body); m; m = call.exec(body)) {
    if (m.index < from) continue;
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < body.length && depth > 0; i++) {
      if (body[i] === '(') depth++;
      else if (body[i] === ')') depth--;
    }
    out += `${body.slice(from, m.index)}true`;
    from = i;
    call.lastIndex = i;
  }
  return out + body.slice(from);
}

/**
 * Whether a path is one of `patterns` (`*` on either side matches any one name), or, when `dumped`, an
 * object that holds one of them.
 */
function matches(path: readonly string[], patterns: readonly (readonly string[])[], dumped: boolean): boolean {
  return patterns.some(pattern => (path.length === pattern.length || (dumped && path.length < pattern.length)) && path.every((name, i) => name === pattern[i] || name === '*' || pattern[i] === '*'));
}
