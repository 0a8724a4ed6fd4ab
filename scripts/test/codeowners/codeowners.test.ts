import { describe, expect, it } from 'vitest';
import { codeownersMatcher, ownersOf, parseCodeowners } from '../../src/codeowners/codeowners.ts';

// GitHub's documented CODEOWNERS examples ("About code owners", the example file) as a table.
describe('CODEOWNERS patterns, as GitHub matches them', () => {
  it.each([
    ['*', 'README.md', true],
    ['*', 'a/b/c.js', true],
    ['*.js', 'src/app.js', true],
    ['*.js', 'src/app.ts', false],
    ['*.go', 'deep/nested/main.go', true],
    ['/build/logs/', 'build/logs/today.log', true],
    ['/build/logs/', 'x/build/logs/today.log', false],
    ['docs/*', 'docs/getting-started.md', true],
    ['docs/*', 'docs/build-app/troubleshooting.md', false],
    ['apps/', 'apps/web/index.js', true],
    ['apps/', 'services/apps/web/index.js', true],
    ['/docs/', 'docs/a/b.md', true],
    ['/docs/', 'src/docs/a.md', false],
    ['/scripts/', 'scripts/x.sh', true],
    ['**/logs', 'logs/a.log', true],
    ['**/logs', 'deeply/nested/logs/a.log', true],
    ['/apps/github', 'apps/github/x', true],
    ['/apps/github', 'apps/github', true],
    ['catalog/all.yaml', 'catalog/all.yaml', true],
    ['/catalog/all.yaml', 'catalog/all.yaml.bak', false],
    ['Docs/', 'docs/a.md', false],
    ['a?c.txt', 'abc.txt', true],
    ['a?c.txt', 'a/c.txt', false],
    // gitignore: `**` crosses folders only as a whole segment; elsewhere a run of asterisks is one `*`.
    ['foo**bar', 'fooxbar', true],
    ['foo**bar', 'foo/x/bar', false],
    ['a/**', 'a/b/c', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['**/b', 'x/y/b', true],
    ['a/***/b', 'a/x/y/b', false],
  ] as const)('%s matches %s: %s', (pattern, path, expected) => {
    expect(codeownersMatcher(pattern)(path)).toBe(expected);
  });

  // The same patterns as a (backtracking) regular expression, the way GitHub's rules read as one: the
  // matcher must agree with it on every pattern and path of this table, only without its blow-up.
  const asRegex = (pattern: string) => {
    let p = pattern;
    const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
    p = p.replace(/^\//, '');
    const directory = p.endsWith('/');
    if (directory) p = p.slice(0, -1);
    const body = p.replace(/\*\*\/|\*\*|\*|\?|[.+^${}()|[\]\\]/g, t => ({ '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' })[t] ?? `\\${t}`);
    return new RegExp(`${anchored ? '^' : '^(?:.*/)?'}${body}${directory ? '/.*$' : (p.split('/').pop() ?? '').includes('*') ? '$' : '(?:/.*)?$'}`, 's');
  };
  const PATTERNS = ['*', '*.js', '/build/logs/', 'docs/*', 'apps/', '**/logs', '/apps/github', 'a?c.txt', 'docs/**/*.md', '/a/**/b/', '**', '**/', 'a/**', '*/x', '/*', 'x*y*z', '**/a/**/b', 'a.b', '/', 'c++/', 'x\ny'];
  const PATHS = ['README.md', 'a/b/c.js', 'docs/a.md', 'docs/a/b.md', 'build/logs/x', 'x/build/logs/x', 'apps/github', 'apps/github/x', 'apps/githubx', 'abc.txt', 'a/c.txt', 'a/x/y/b/z', 'a/b/', 'q/x', 'xyz', 'x/y/z', 'xaybz', 'a.b', 'axb', 'c++/a', 'x\ny', 'x\ny/z', 'aab', 'a/a/b', 'logs', 'deep/logs/a', ''];
  it.each(PATTERNS)('%j agrees with its regular expression on every path', pattern => {
    const regex = asRegex(pattern);
    const matches = codeownersMatcher(pattern);
    for (const path of PATHS) expect({ path, match: matches(path) }).toEqual({ path, match: regex.test(path) });
  });

  it('matches a pattern written to backtrack in time linear in the path (a pull request writes both)', () => {
    const matches = codeownersMatcher('**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**b');
    // A backtracking regular expression of this pattern does not finish on this path within minutes.
    expect(matches(`catalog/platform/${'a'.repeat(4000)}.yaml`)).toBe(false);
    expect(matches(`${'a'.repeat(30)}b`)).toBe(true);
    // Not a whole segment, so not a globstar (gitignore): the run stays within one folder.
    expect(matches(`${'a/'.repeat(30)}b`)).toBe(false);
  });

  it('lets the last matching rule win, and skips comments and blank lines', () => {
    const rules = parseCodeowners('# owners\n*       @acme/platform\n\n/catalog/  @acme/catalog-admins  # inline\n/catalog/systems/orders/ @acme/commerce\n\\#odd @acme/odd\n');
    expect(ownersOf(rules, 'catalog/systems/orders/entities.yaml')?.owners).toEqual(['@acme/commerce']);
    expect(ownersOf(rules, 'catalog/org/users.yaml')?.owners).toEqual(['@acme/catalog-admins']);
    expect(ownersOf(rules, 'package.json')?.owners).toEqual(['@acme/platform']);
    expect(ownersOf(rules, '#odd')?.line).toBe(6);
  });

  it('treats a rule without owners as unowned (GitHub: no review required)', () => {
    const rules = parseCodeowners('* @acme/platform\n/catalog/generated/\n');
    expect(ownersOf(rules, 'catalog/generated/x.yaml')?.owners).toEqual([]);
  });
});
