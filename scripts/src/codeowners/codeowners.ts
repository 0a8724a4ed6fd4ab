export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  regex: RegExp;
}

/** Parses a CODEOWNERS file: comments, blank lines and `\#` escapes as GitHub reads them. */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (!line) return;
    const [pattern, ...owners] = line.split(/\s+/);
    rules.push({ pattern: pattern.replace(/\\#/g, '#'), owners, line: index + 1, regex: patternToRegex(pattern.replace(/\\#/g, '#')) });
  });
  return rules;
}

/** The owners of a repo-relative path: the last matching rule wins, as on GitHub; `undefined` if none. */
export function ownersOf(rules: readonly CodeownersRule[], path: string): CodeownersRule | undefined {
  for (let i = rules.length - 1; i >= 0; i--) if (rules[i].regex.test(path)) return rules[i];
  return undefined;
}

/**
 * GitHub's CODEOWNERS patterns: gitignore-like, case-sensitive; a leading or inner `/` anchors to the
 * root, otherwise the pattern matches at any depth; a trailing `/` or a plain name covers everything
 * below; `*` stays within one segment (so `docs/*` does not reach `docs/a/b.md`), `**` crosses them.
 */
export function patternToRegex(pattern: string): RegExp {
  let p = pattern;
  const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
  p = p.replace(/^\//, '');
  const directory = p.endsWith('/');
  if (directory) p = p.slice(0, -1);
  const lastSegment = p.split('/').pop() ?? '';
  let body = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '*' && p[i + 1] === '*') {
      const slashAfter = p[i + 2] === '/';
      body += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (ch === '*') body += '[^/]*';
    else if (ch === '?') body += '[^/]';
    else body += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const prefix = anchored ? '^' : '^(?:.*/)?';
  const suffix = directory ? '/.*$' : lastSegment.includes('*') ? '$' : '(?:/.*)?$';
  // dotAll: a file name may hold a newline, and git's wildmatch lets `*` and `**` match it like any other character.
  return new RegExp(prefix + body + suffix, 's');
}
