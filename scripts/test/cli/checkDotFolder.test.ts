import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// `check .` in this repo said 89 errors where `check` said none: walking the given folder read the toolkit's
// test fixtures (entities no root reaches, outside catalog.include) as catalog files, each one duplicating
// or breaking what the real catalog holds. With roots, the whole run judges what they reach and, unreached,
// what catalog.include names; a folder's walk judges no more than that. A file named itself is still judged.
// And a given file catalog.include names that no root reaches passed `check <it>` (a pre-commit hook) with ✔
// while CI failed it with location-unreachable: the run over given paths now says it too.
const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;
const component = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

interface Finding { ruleId: string; file: string }
const found = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`).sort();

// `check .` is the whole run (as `eslint .`): as a run over paths it skipped the whole-run gates (CODEOWNERS,
// the editor schema, scorecards) and passed what CI fails. With roots and catalog.include, a file named on
// the command line that no root reaches and the include globs do not name (a docs example, a template's test
// snapshot) is read by no full run, and a Helm chart's template is never an entity file: a pre-commit hook
// failed every commit touching one (fresh user, session 29).
describe('check . and named files the whole run never reads', () => {
  it('check . runs the whole-run gates: a stale CODEOWNERS fails it as it fails check', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': "catalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  file: .github/CODEOWNERS\n  platformTeam: '@acme/platform'\n",
      'catalog/all.yaml': group('team-a'),
    });
    const whole = await runBin(['check', '--format', 'json'], root);
    const dot = await runBin(['check', '.', '--format', 'json'], root);
    expect(found(whole.stdout)).toContain('codeowners-stale@.github/CODEOWNERS');
    expect(found(dot.stdout)).toEqual(found(whole.stdout));
    expect(dot.status).toBe(1);
  }, 60_000);

  it('a named docs example outside catalog.include and a Helm partial are not judged as entity files', async () => {
    const files = {
      'catalog/all.yaml': group('team-a'),
      'docs/examples/catalog-info.yaml': component('example', 'group:nobody'),
      'templates/x/tests/default.snapshot.yaml': `files:\n  catalog-info.yaml: |\n    ${component('x', 'group:nobody').replace(/\n/g, '\n    ')}\nmkdocs.yml: [\n`,
      'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
      'charts/app/templates/_helpers.yaml': '{{- define "app.labels" -}}\nmetadata:\n  labels:\n    app: {{ .Release.Name }}\n{{- end }}\n',
    };
    const included = await tempRepo({ ...files, 'gitops.config.yaml': "catalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n" });
    const named = await runBin(['check', '--format', 'json', 'docs/examples/catalog-info.yaml', 'templates/x/tests/default.snapshot.yaml', 'charts/app/templates/_helpers.yaml'], included);
    expect(found(named.stdout)).toEqual([]);
    expect(named.status).toBe(0);
    // Without include nothing says where catalog files live: a named entity file is judged before a Location
    // reaches it, as the README says; a Helm template still is not one.
    const rootsOnly = await tempRepo({ ...files, 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n' });
    expect(found((await runBin(['check', '--format', 'json', 'charts/app/templates/_helpers.yaml'], rootsOnly)).stdout)).toEqual([]);
    expect(found((await runBin(['check', '--format', 'json', 'docs/examples/catalog-info.yaml'], rootsOnly)).stdout)).toContain('ref-unresolved@docs/examples/catalog-info.yaml');
  }, 60_000);
});

describe('check <a folder> in a repo with roots', () => {
  const repo = () => tempRepo({
    'gitops.config.yaml': "catalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n",
    'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets: [./groups.yaml, ./shop.yaml]\n---\n${group('team-a')}`,
    'catalog/groups.yaml': group('team-b'),
    'catalog/shop.yaml': component('shop', 'group:team-a'),
    // Fixtures and examples no root reaches and catalog.include does not name: a full run never reads them.
    'test/fixtures/dup.yaml': component('shop', 'group:nobody'),
    'test/fixtures/nested/loc.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: fixture\nspec:\n  targets: [../broken.yaml]\n',
    'test/fixtures/broken.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Bad Name\n',
    'docs/example-entity.yaml': component('example', 'group:nobody'),
  });

  it('judges what the whole run judges: `check .` and `check` say the same', async () => {
    const root = await repo();
    const whole = await runBin(['check', '--format', 'json'], root);
    const dot = await runBin(['check', '.', '--format', 'json'], root);
    expect(found(whole.stdout)).toEqual([]);
    expect(found(dot.stdout)).toEqual(found(whole.stdout));
    expect(dot.status).toBe(0);
    const test = await runBin(['check', 'test', '--format', 'json'], root);
    expect(found(test.stdout)).toEqual([]);
  }, 60_000);

  it('still judges an unreached file catalog.include names, given as a folder or by name; a named fixture outside it is not judged', async () => {
    const root = await repo();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${root}/catalog/stray.yaml`, component('stray', 'group:team-a'));
    for (const given of ['catalog', 'catalog/stray.yaml']) {
      const run = await runBin(['check', given, '--format', 'json'], root);
      expect(found(run.stdout)).toEqual(['location-unreachable@catalog/stray.yaml']);
      expect(run.status).toBe(1);
    }
    // A given Location that stops reaching a file strands it: said at the file, as the whole run says it
    // (`check catalog/all.yaml` said ✔ for a target list narrowed from ./shop.yaml away).
    const { readFile } = await import('node:fs/promises');
    await writeFile(`${root}/catalog/all.yaml`, (await readFile(`${root}/catalog/all.yaml`, 'utf8')).replace('targets: [./groups.yaml, ./shop.yaml]', 'targets: [./groups.yaml]'));
    const narrowed = await runBin(['check', 'catalog/all.yaml', '--format', 'json'], root);
    const whole = await runBin(['check', '--format', 'json'], root);
    expect(found(narrowed.stdout)).toEqual(['location-unreachable@catalog/shop.yaml', 'location-unreachable@catalog/stray.yaml']);
    expect(found(narrowed.stdout)).toEqual(found(whole.stdout).filter(f => f.startsWith('location-unreachable')));
    expect(narrowed.status).toBe(1);
    const named = await runBin(['check', 'test/fixtures/dup.yaml', '--format', 'json'], root);
    expect(found(named.stdout)).toEqual([]);
    expect(named.status).toBe(0);
  }, 60_000);

  it('a given root Location leaves the API definitions the rest of the catalog names by $openapi (and the files its $refs reach) reachable', async () => {
    // `check templates/all.yaml` on this repo said seven catalog/systems/*/definitions/*.yaml unreachable while
    // the whole run passed: the given Location made every included file judged, and only the given files'
    // placeholders counted as definitions (helper-152).
    const location = (name: string, targets: string) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: ${name}\nspec:\n  targets: ${targets}\n`;
    const root = await tempRepo({
      'gitops.config.yaml': "catalog:\n  roots: [catalog/all.yaml, templates/all.yaml]\n  include: ['catalog/**/*.yaml', 'templates/*/template.yaml']\n  placeholderResolvers: [openapi]\n",
      'catalog/all.yaml': location('catalog', "['./svc/catalog-info.yaml', './groups.yaml']"),
      'catalog/groups.yaml': group('team-a'),
      'catalog/svc/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: orders\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $openapi: ./defs/openapi.yaml\n',
      'catalog/svc/defs/openapi.yaml': "openapi: 3.0.0\ninfo: {title: o, version: '1'}\npaths:\n  /a:\n    $ref: ./paths/a.yaml\n",
      'catalog/svc/defs/paths/a.yaml': 'get:\n  responses:\n    "200": {description: ok}\n',
      'templates/all.yaml': location('templates', "['./t1/template.yaml']"),
      'templates/t1/template.yaml': 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t1\nspec:\n  owner: team-a\n  type: service\n  steps:\n    - id: log\n      action: debug:log\n      input: {message: hi}\n',
    });
    const whole = await runBin(['check', '--format', 'json'], root);
    expect([whole.status, found(whole.stdout)]).toEqual([0, []]);
    for (const given of ['templates/all.yaml', 'templates', 'catalog/all.yaml']) {
      const run = await runBin(['check', given, '--format', 'json'], root);
      expect([run.status, found(run.stdout)], given).toEqual([0, []]);
    }
  }, 60_000);
});
