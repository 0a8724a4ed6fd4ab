import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Sweep 9, repro-4: a Location glob matched a file in a dot-named folder, but every Backstage reader that
// globs (GithubUrlReader, GitLab, Azure, Bitbucket, Gerrit: `new Minimatch(path)`; FileReaderProcessor:
// node-glob) leaves dot-named files and folders out of `*` and `**`. With no match the reader emits
// "no matching files found" and the whole Location fails. And only GitHub's reader takes a path with braces
// or a class but no `*`/`?` as a pattern (is-glob); the others read it as that very file name.
const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;
const COMPONENT = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n';
const location = (target: string) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ${target}\n    - ./components.yaml\n`;

const MISSED_BRACES = ['location-target-missing@catalog/all.yaml:7', 'location-unreachable@catalog/teams/a.yaml:1', 'ref-unresolved@catalog/components.yaml:8'];

type Found = { ruleId: string; file: string; message: string; hint: string; range: { start: { line: number } } };

async function check(target: string, repoUrl = 'https://github.com/acme/catalog/blob/main/', extra: Record<string, string> = {}) {
  const root = await tempRepo({
    'gitops.config.yaml': `repoUrl: ${repoUrl}\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n  include: ['catalog/**/*.yaml']\n`,
    'catalog/all.yaml': location(target),
    'catalog/components.yaml': COMPONENT,
    ...extra,
  });
  const run = await runBin(['check', '--root', root, '--format', 'json'], root);
  const found = JSON.parse(run.stdout).diagnostics as Found[];
  return { status: run.status, found, summary: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`).sort() };
}

describe('Location glob targets and dot-named folders (check, through the bin)', () => {
  it.each([['./*/org.yaml'], ['./**/org.yaml'], ['./*/*.yaml'], ['./.org/*']])('%s misses catalog/.org/org.yaml only where a wildcard stands for the dot-named folder', async target => {
    const { found, summary, status } = await check(target, undefined, { 'catalog/.org/org.yaml': group('team-a') });
    if (target === './.org/*') {
      // A dot-named folder written out is matched; only `*` and `**` skip it.
      expect(summary).toEqual([]);
      expect(status).toBe(0);
      return;
    }
    // No match: the Location fails on its target's line, and team-a (in the skipped file) is never defined.
    expect(summary).toEqual(['location-target-missing@catalog/all.yaml:7', 'location-unreachable@catalog/.org/org.yaml:1', 'ref-unresolved@catalog/components.yaml:8']);
    const missing = found.find(d => d.ruleId === 'location-target-missing')!;
    expect(missing.message).toContain('Backstage then fails this whole Location');
    expect(missing.hint).toContain('without dot-named files and folders');
    expect(missing.hint).toContain('./.org/org.yaml');
    expect(status).toBe(1);
  }, 60_000);

  it('a dot-named file is skipped by `*` too', async () => {
    const { summary } = await check('./teams/*.yaml', undefined, { 'catalog/teams/.team-a.yaml': group('team-a') });
    expect(summary).toEqual(['location-target-missing@catalog/all.yaml:7', 'location-unreachable@catalog/teams/.team-a.yaml:1', 'ref-unresolved@catalog/components.yaml:8']);
  }, 60_000);

  it.each([
    ['https://github.com/acme/catalog/blob/main/', []],
    ['https://gitlab.com/acme/catalog/-/blob/main/', MISSED_BRACES],
    ['https://bitbucket.org/acme/catalog/src/main/', MISSED_BRACES],
  ])('a target with braces but no * or ? on %s: a pattern only for GitHub\'s reader', async (repoUrl, expected) => {
    const { summary } = await check('./teams/{a,b}.yaml', repoUrl, { 'catalog/teams/a.yaml': group('team-a') });
    expect(summary).toEqual(expected);
  }, 60_000);

  it('the same target on GitLab reads the file of that very name', async () => {
    const { summary } = await check('./teams/{a,b}.yaml', 'https://gitlab.com/acme/catalog/-/blob/main/', { 'catalog/teams/{a,b}.yaml': group('team-a') });
    expect(summary).toEqual([]);
  }, 60_000);
});
