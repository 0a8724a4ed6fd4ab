import { describe, expect, it } from 'vitest';
import { ownersOf, parseCodeowners, patternToRegex } from '../../src/codeowners/codeowners.ts';

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
  ] as const)('%s matches %s: %s', (pattern, path, expected) => {
    expect(patternToRegex(pattern).test(path)).toBe(expected);
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
