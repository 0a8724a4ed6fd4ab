import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

describe('a built TechDocs site is no catalog input (check, through the bin)', () => {
  // MkDocs copies the docs folder's non-Markdown files into the site: an example entity file in docs/ is
  // copied too. Discovery reads the source, not the copy; roots mode does not call the copy unreachable.
  const docsExample = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: example\nspec: {type: service, lifecycle: production, owner: group:team-a}\n';
  const built = {
    'docs/example.yaml': docsExample,
    'site/default/component/portal/techdocs_metadata.json': '{"site_name":"portal"}',
    'site/default/component/portal/example.yaml': docsExample,
    'build/search/search_index.json': '{}',
    'build/example.yaml': docsExample,
  };
  it('discovery: the copies in the built sites make no duplicates', async () => {
    const { summary } = await check(repo(undefined, { ...built, 'team.yaml': GROUP }));
    expect(summary).toEqual([]);
  }, 60_000);

  it('roots: the copies are not reported unreachable (the source is)', async () => {
    const { summary } = await check(repo(undefined, { ...built, 'gitops.config.yaml': CONFIG, 'catalog-info.yaml': location('./org/team.yaml'), 'org/team.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: u\nspec: {memberOf: [team-a]}\n' }));
    expect(summary).toEqual(['location-unreachable@docs/example.yaml:1']);
  }, 60_000);
});
