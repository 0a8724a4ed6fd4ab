import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// Sweep 9, repro-3: the repo listing skipped every folder named site, dist or .cache (and node_modules), so
// a Location target, a placeholder or a techdocs-ref naming a file there was "missing", entity files there
// were never judged and a skeleton's files there never checked. Backstage has no such skip list: it reads
// whatever is named, and a template's fetch copies every skeleton file. Only .git is never read;
// node_modules is not walked, but a file in it that something names is found.
const FIXTURES = join(import.meta.dirname, 'fixtures');

type Found = { ruleId: string; file: string; message: string; range: { start: { line: number } } };

function repo(fixture?: string, files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'gitops-listed-'));
  if (fixture) cpSync(join(FIXTURES, fixture), root, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function check(root: string, args: string[] = []) {
  const run = await runBin(['check', '--root', root, '--format', 'json', ...args], root);
  expect(run.stderr).not.toMatch(/Error|at .*\.(ts|js|mjs):\d+/);
  const found = JSON.parse(run.stdout).diagnostics as Found[];
  return { status: run.status, found, summary: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`).sort() };
}

// Every YAML file below the root's own (gitops.config.yaml), dot-named folders too, must be reached.
const CONFIG = "catalog:\n  roots: [catalog-info.yaml]\n  include: ['*/**/*.yaml']\n";
const ENTITY_1234 = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: 1234\nspec: {type: service, lifecycle: production, owner: group:team-a}\n';
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const location = (target: string) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ${target}\n---\n${GROUP}`;

describe('files in folders named site, dist or .cache are the repo\'s files (check, through the bin)', () => {
  it.each([['discovery'], ['roots']])('the sweep\'s repo (%s): the Location target under site/, dir:./site and $text: ./dist/… are all found', async mode => {
    const root = repo('skipped-folders', mode === 'roots' ? { 'gitops.config.yaml': CONFIG } : {});
    const { summary, status } = await check(root);
    expect(summary).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it('the sweep\'s missed entity file under site/ is judged in discovery', async () => {
    const { summary } = await check(repo('skipped-folders-missed'));
    expect(summary).toContain('entity-envelope@site/catalog-info.yaml:4');
  }, 60_000);

  it.each([['dist'], ['.cache'], ['site']])('a Location target under %s/ is read and its entities judged (roots)', async folder => {
    const { summary } = await check(repo(undefined, { 'gitops.config.yaml': CONFIG, 'catalog-info.yaml': location(`./${folder}/entities.yaml`), [`${folder}/entities.yaml`]: ENTITY_1234 }));
    expect(summary).toEqual([`entity-envelope@${folder}/entities.yaml:4`]);
  }, 60_000);

  it('the sweep\'s skeleton: a file under the skeleton\'s dist/ is rendered by fetch:template, so its syntax error is found', async () => {
    const { summary } = await check(repo('skipped-folders-skeleton'));
    expect(summary).toContain('skeleton-syntax@skeleton/dist/app.js:1');
  }, 60_000);

  it('a skeleton\'s node_modules is copied and rendered by fetch:template too (the repo listing leaves node_modules out)', async () => {
    const { summary } = await check(repo('skipped-folders-skeleton', { 'skeleton/node_modules/x/index.js': 'module.exports = "{% if y %}";\n' }));
    expect(summary).toContain('skeleton-syntax@skeleton/node_modules/x/index.js:1');
  }, 60_000);
});

describe('node_modules: never discovered, found when named (check, through the bin)', () => {
  it('a Location target and a $text placeholder in node_modules are read; the folder\'s other YAML is not discovered', async () => {
    const api = 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: pkg-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: group:team-a\n  definition:\n    $text: ./node_modules/pkg/openapi.yaml\n';
    const root = repo(undefined, {
      'catalog-info.yaml': `${location('./node_modules/pkg/catalog-info.yaml')}---\n${api}`,
      'node_modules/pkg/catalog-info.yaml': ENTITY_1234,
      'node_modules/pkg/openapi.yaml': 'openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths: {}\n',
      'node_modules/other/catalog-info.yaml': ENTITY_1234,
    });
    const { summary } = await check(root);
    expect(summary).toEqual(['entity-envelope@node_modules/pkg/catalog-info.yaml:4']);
  }, 60_000);

  it('a name that reaches node_modules through a symbolic link is not read', async () => {
    const root = repo(undefined, { 'catalog-info.yaml': location('./node_modules/linked/catalog-info.yaml'), 'elsewhere/catalog-info.yaml': ENTITY_1234 });
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(root, 'elsewhere'), join(root, 'node_modules/linked'));
    const { summary } = await check(root);
    expect(summary).toContain('location-target-missing@catalog-info.yaml:7');
    expect(summary).not.toContain('entity-envelope@node_modules/linked/catalog-info.yaml:4');
  }, 60_000);

  it('with --cache, a run that read a named file in node_modules is not replayed: an edit there is seen', async () => {
    const root = repo(undefined, { 'catalog-info.yaml': location('./node_modules/pkg/catalog-info.yaml'), 'node_modules/pkg/catalog-info.yaml': ENTITY_1234 });
    const cache = join(root, '.cache/check.json');
    expect((await check(root, ['--cache', cache])).summary).toEqual(['entity-envelope@node_modules/pkg/catalog-info.yaml:4']);
    writeFileSync(join(root, 'node_modules/pkg/catalog-info.yaml'), ENTITY_1234.replace('name: 1234', 'name: pkg'));
    expect((await check(root, ['--cache', cache])).summary).toEqual([]);
  }, 60_000);
});

describe('a built TechDocs site is read like any other folder (check, through the bin)', () => {
  // MkDocs copies the docs folder's non-Markdown files into the site: an example entity file in docs/ is
  // copied too. A catalog that discovers **/*.yaml reads the copy as well, so its duplicate is a true
  // finding; skipping folders by a marker file let a pull request hide entity files (red11 repro-3).
  const docsExample = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: example\nspec: {type: service, lifecycle: production, owner: group:team-a}\n';
  const built = {
    'docs/example.yaml': docsExample,
    'site/default/component/portal/techdocs_metadata.json': '{"site_name":"portal"}',
    'site/default/component/portal/example.yaml': docsExample,
    'build/search/search_index.json': '{}',
    'build/example.yaml': docsExample,
  };
  it('discovery: the copies in a committed built site are read, so they are duplicates', async () => {
    const { summary } = await check(repo(undefined, { ...built, 'team.yaml': GROUP }));
    expect(summary.filter(s => s.startsWith('entity-duplicate'))).toEqual(['entity-duplicate@build/example.yaml:4', 'entity-duplicate@docs/example.yaml:4', 'entity-duplicate@site/default/component/portal/example.yaml:4']);
  }, 60_000);

  it('roots: the copies are reported unreachable like the source', async () => {
    const { summary } = await check(repo(undefined, { ...built, 'gitops.config.yaml': CONFIG, 'catalog-info.yaml': location('./org/team.yaml'), 'org/team.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: u\nspec: {memberOf: [team-a]}\n' }));
    expect(summary).toEqual(['location-unreachable@build/example.yaml:1', 'location-unreachable@docs/example.yaml:1', 'location-unreachable@site/default/component/portal/example.yaml:1']);
  }, 60_000);
});

const PAYMENTS = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: payments}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/no-such-team\n  dependsOn: [resource:default/does-not-exist]\n';

/** A git repo of `base` committed, then `head` written, `git add -f`ed (node_modules too) and committed; `report --base HEAD~1` through the bin. */
async function reportPr(base: Record<string, string>, head: Record<string, string>, untracked: Record<string, string> = {}) {
  const root = repo(undefined, base);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  for (const [path, text] of Object.entries(head)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    git(root, 'add', '-f', '--', path);
  }
  git(root, 'commit', '-qm', 'head');
  for (const [path, text] of Object.entries(untracked)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const run = await runBin(['report', '--base', 'HEAD~1', '--format', 'json', '--today', '2026-11-23'], root);
  expect(run.stderr).not.toMatch(/Error|at .*\.(ts|js|mjs):\d+/);
  const found = JSON.parse(run.stdout).diagnostics as Found[];
  return { status: run.status, summary: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`).sort() };
}

describe('red11 repro-3: a marker file a pull request adds hides nothing (report, through the bin)', () => {
  it.each([['services/techdocs_metadata.json'], ['services/search/search_index.json']])('with %s beside it, the new entity file is judged', async marker => {
    const { status, summary } = await reportPr(
      { 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n', 'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\n' },
      { [marker]: '{}\n', 'services/payments/catalog-info.yaml': PAYMENTS },
    );
    expect(summary).toEqual(['ref-unresolved@services/payments/catalog-info.yaml:7', 'ref-unresolved@services/payments/catalog-info.yaml:8']);
    expect(status).toBe(1);
  }, 60_000);
});

// Backstage reads the git tree: GithubUrlReader.doSearch filters it with Minimatch, no node_modules
// exclusion, so a committed file under node_modules that a Location glob matches is ingested.
const GLOB_REPO = {
  'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [all.yaml]\n',
  'all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./services/**/catalog-info.yaml, ./groups.yaml]\n',
  'groups.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n',
  'services/a/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {type: service, lifecycle: production, owner: group:default/platform}\n',
};
const EVIL = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: evil}\nspec: {type: service, lifecycle: production, owner: group:default/no-such-team, dependsOn: [resource:default/nope]}\n';

describe('red11 repro-5: Location globs match the files git tracks under node_modules (through the bin)', () => {
  it('report: the committed services/node_modules/evil/catalog-info.yaml is judged; an untracked one beside it is not', async () => {
    const { status, summary } = await reportPr(GLOB_REPO, { 'services/node_modules/evil/catalog-info.yaml': EVIL }, { 'services/node_modules/installed/catalog-info.yaml': EVIL.replace('name: evil', 'name: installed') });
    expect(summary).toEqual(['ref-unresolved@services/node_modules/evil/catalog-info.yaml:4', 'ref-unresolved@services/node_modules/evil/catalog-info.yaml:4']);
    expect(status).toBe(1);
  }, 60_000);

  it('discovery reads a tracked node_modules YAML file too, and still not an installed one', async () => {
    const root = repo(undefined, { 'groups.yaml': GLOB_REPO['groups.yaml'], 'node_modules/evil/catalog-info.yaml': EVIL });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-f', '-A');
    git(root, 'commit', '-qm', 'base');
    writeFileSync(join(root, 'node_modules/installed.yaml'), EVIL.replace('name: evil', 'name: installed'));
    const { summary, status } = await check(root);
    expect(summary).toEqual(['ref-unresolved@node_modules/evil/catalog-info.yaml:4', 'ref-unresolved@node_modules/evil/catalog-info.yaml:4']);
    expect(status).toBe(1);
  }, 60_000);

  it('outside a git work tree there is no tree to read: node_modules is not globbed (named files still are)', async () => {
    const root = repo(undefined, { ...GLOB_REPO, 'services/node_modules/evil/catalog-info.yaml': EVIL });
    const { summary } = await check(root);
    expect(summary).toEqual([]);
  }, 60_000);

  it('with --cache, an edit to a tracked node_modules file, and a newly tracked one, are seen (not replayed)', async () => {
    const clean = EVIL.replace('group:default/no-such-team, dependsOn: [resource:default/nope]', 'group:default/platform');
    const root = repo(undefined, { ...GLOB_REPO, 'services/node_modules/evil/catalog-info.yaml': clean });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-f', '-A');
    git(root, 'commit', '-qm', 'base');
    const cache = join(root, '.cache/check.json');
    expect((await check(root, ['--cache', cache])).summary).toEqual([]);
    expect((await check(root, ['--cache', cache])).summary).toEqual([]);
    writeFileSync(join(root, 'services/node_modules/evil/catalog-info.yaml'), EVIL);
    expect((await check(root, ['--cache', cache])).summary).toEqual(['ref-unresolved@services/node_modules/evil/catalog-info.yaml:4', 'ref-unresolved@services/node_modules/evil/catalog-info.yaml:4']);
    writeFileSync(join(root, 'services/node_modules/evil/catalog-info.yaml'), clean);
    expect((await check(root, ['--cache', cache])).summary).toEqual([]);
    mkdirSync(join(root, 'services/node_modules/late'));
    writeFileSync(join(root, 'services/node_modules/late/catalog-info.yaml'), EVIL.replace('name: evil', 'name: late'));
    git(root, 'add', '-f', '--', 'services/node_modules/late/catalog-info.yaml');
    expect((await check(root, ['--cache', cache])).summary).toEqual(['ref-unresolved@services/node_modules/late/catalog-info.yaml:4', 'ref-unresolved@services/node_modules/late/catalog-info.yaml:4']);
  }, 60_000);
});
