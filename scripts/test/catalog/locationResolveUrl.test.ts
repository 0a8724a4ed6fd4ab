import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backstageResolveUrl, resolveRelative, resolveTarget, type TargetContext } from '../../src/catalog/locationTargets.ts';

const require = createRequire(import.meta.url);
const { ScmIntegrations, defaultScmResolveUrl } = require('@backstage/integration') as typeof import('@backstage/integration');
const { ConfigReader } = require('@backstage/config') as typeof import('@backstage/config');
// The reader's own parse of a resolved URL (getGithubFileFetchUrl calls it): which repository, branch and file.
const { parseGitUrlSafe } = require(join(dirname(require.resolve('@backstage/integration')), 'helpers.cjs.js')) as { parseGitUrlSafe(url: string): { source: string; owner: string; name: string; ref: string; filepathtype: string; filepath: string } };

const REPO = 'https://github.com/acme/control/blob/main/';
const files = ['catalog/a.yaml', 'catalog/all.yaml', 'host/x.yaml', 'a.yaml', 'b.yaml'];
const context = (repoUrl?: string): TargetContext => ({ repoUrl, repoFiles: files, repoFileSet: new Set(files) });

/**
 * What Backstage reads for `target` in `from`: the catalog's toAbsoluteUrl (ScmIntegrations.resolveUrl with
 * the default github.com integration), then the GitHub reader's parse of that URL (parseGitUrlSafe): the file
 * it fetches in acme/control at main (one leading `/` dropped, as getGithubFileFetchUrl does), else where it leads.
 */
function backstageReads(from: string, target: string): string {
  let url: string;
  try {
    url = ScmIntegrations.fromConfig(new ConfigReader({})).resolveUrl({ url: target, base: REPO + from });
  } catch {
    return 'invalid';
  }
  let parsed: ReturnType<typeof parseGitUrlSafe>;
  try {
    parsed = parseGitUrlSafe(url);
  } catch {
    return 'invalid';
  }
  const absolute = (() => { try { return Boolean(new URL(target)); } catch { return false; } })();
  const here = parsed.source === 'github.com' && parsed.owner === 'acme' && parsed.name === 'control' && parsed.ref === 'main' && ['blob', 'tree'].includes(parsed.filepathtype);
  if (!here) return absolute ? 'external' : 'outside';
  return `read ${JSON.stringify(parsed.filepath.replace(/^\//, ''))}`;
}

/** The gate's verdict on the same target, in the same words. */
function gateReads(from: string, target: string, repoUrl: string | undefined = REPO): string {
  const resolution = resolveTarget(from, 'url', target, context(repoUrl));
  if (resolution.kind === 'external') return 'external';
  if (resolution.kind === 'invalid') return resolution.reason.includes('leads outside this repository') ? 'outside' : 'invalid';
  return `read ${JSON.stringify(resolution.pattern)}`;
}

const TARGETS = [
  // Written from the repository root: the URL pathname setter, which keeps what a whole-URL parse trims.
  '/catalog/a.yaml', '/ catalog/a.yaml', '/catalog/a.yaml ', '/  a.yaml', '/\tcatalog/a.yaml', '/cat\talog/a.yaml', '/catalog/a.yaml\n', '/\u00a0a.yaml', '/a\u200b.yaml', '/é.yaml',
  '//host/x.yaml', '/\\host/x.yaml', '///host/x.yaml', '/a//b.yaml', '/a/./b.yaml', '/a/../b.yaml', '/a/%2e%2e/b.yaml', '/%2e%2e/x.yaml', '/../x.yaml', '/..', '/.', '/',
  '/../../other/blob/main/x.yaml', '/%20a.yaml', '/%2561.yaml', '/a%2Fb.yaml', '/a/%252e%252e/b.yaml', '/%zz.yaml', '/a.yaml?x', '/a.yaml#x', '/?x', '/#x', '/*.yaml', '/**/x.yaml', '/{a,b}.yaml', '/[ab].yaml',
  // Relative to the file: a whole relative URL, its query replaced by the base's.
  './a.yaml', 'a.yaml', ' a.yaml', 'a.yaml ', '\ta.yaml', 'a b.yaml', 'é.yaml', '../a.yaml', '../../a.yaml', '%2e%2e/a.yaml', '.%2e/a.yaml', 'a.yaml?x', 'a.yaml#x', '?x', '#x', '.', 'a//b.yaml', './*.yaml', '{a,b}.yaml', '%20a.yaml',
  // Plain characters (the gate's fast path, without @backstage/integration): the same answer as the real function.
  "a'b.yaml", 'a(b).yaml', 'a$b.yaml', 'a&b=c.yaml', 'a~b.yaml', 'a!b.yaml', 'a@b.yaml', 'a+b.yaml', 'a,b.yaml', '[ab].yaml', 'sub/../a.yaml', '..', '../..',
  ' /catalog/a.yaml', '\\catalog/a.yaml', '\\\\host\\x.yaml', '//host/x.yaml ', '../../../../control/blob/wip/x.yaml', '../../../../other/blob/main/x.yaml', '../../../../control/blob/main/a.yaml',
  // Absolute URLs.
  'https://github.com/acme/control/blob/main/a.yaml', 'HTTPS://GitHub.com/acme/control/blob/main/a.yaml', 'https://github.com/acme/other/blob/main/a.yaml', 'https://example.com/a.yaml',
];

describe('url targets resolve as Backstage resolves and reads them (toAbsoluteUrl, ScmIntegrations.resolveUrl, the GitHub reader)', () => {
  it.each(TARGETS.flatMap(target => [['catalog/all.yaml', target], ['catalog-info.yaml', target]]))('from %s: %j', (from, target) => {
    expect(gateReads(from, target)).toBe(backstageReads(from, target));
  });

  it('a folder without a repoUrl reads every relative or root-relative target as a repository with one would', () => {
    const relative = TARGETS.filter(t => !/^[a-z]+:/i.test(t));
    expect(relative.map(t => gateReads('catalog/all.yaml', t, undefined))).toEqual(relative.map(t => gateReads('catalog/all.yaml', t)));
  });

  it('resolveRelative (placeholders, techdocs dir:) agrees with Location targets on a file', () => {
    for (const target of TARGETS) {
      const verdict = gateReads('catalog/all.yaml', target);
      // '.' and '' both name the repository's root folder (the callers read them alike).
      const path = ((p: string | null | undefined) => (p === '.' ? '' : p))(resolveRelative('catalog/all.yaml', target, REPO));
      if (verdict.startsWith('read ') && !/[*?[{]/.test(target)) expect([target, path]).toEqual([target, JSON.parse(verdict.slice(5))]);
    }
  });

  it('backstageResolveUrl is @backstage/integration\'s own defaultScmResolveUrl', () => {
    backstageResolveUrl({ url: '/x', base: REPO });
    expect(require(join(dirname(require.resolve('@backstage/integration')), 'helpers.cjs.js')).defaultScmResolveUrl).toBe(defaultScmResolveUrl);
  });
});
