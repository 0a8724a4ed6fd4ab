import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A pre-commit hook (or `check $(git diff --name-only main -- '*.yaml')`) passes every changed YAML file:
// API definitions, mkdocs.yml and skeleton files among them. Each must be judged as a full run judges it.
const CONFIG = 'catalog:\n  roots: [catalog/all.yaml]\n';
const ROOT = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./org.yaml, ./orders/catalog-info.yaml, ./templates/*/template.yaml]\n';
const ORG = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n';
const orders = (tags: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders
  tags: ${tags}
  annotations:
    backstage.io/techdocs-ref: dir:.
spec: {type: service, lifecycle: production, owner: team-a, providesApis: [orders-api]}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: orders-api}
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ./openapi.yaml
`;
const OPENAPI = "openapi: 3.0.3\ninfo: {title: Orders, version: 1.0.0}\npaths: {}\n";
const TEMPLATE = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: svc}\nspec:\n  owner: team-a\n  type: service\n  steps:\n    - id: fetch\n      name: Fetch\n      action: fetch:template\n      input: {url: ./skeleton}\n';

interface Finding { ruleId: string; severity: string; file: string }

describe('check on the changed files a hook passes', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });
  async function repo(tags = '[java]') {
    const root = await tempRepo({
      'gitops.config.yaml': CONFIG,
      'catalog/all.yaml': ROOT,
      'catalog/org.yaml': ORG,
      'catalog/orders/catalog-info.yaml': orders(tags),
      'catalog/orders/openapi.yaml': OPENAPI,
      'catalog/orders/mkdocs.yml': 'site_name: orders\nnav:\n  - Home: index.md\n',
      'catalog/orders/docs/index.md': '# Orders\n',
      'catalog/templates/svc/template.yaml': TEMPLATE,
      'catalog/templates/svc/skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec: {type: service, lifecycle: experimental, owner: team-a}\n',
      'catalog/new.yaml': 'kind: Component\nmetadata: {name: forgot-api-version}\nspec: {type: service, lifecycle: production, owner: team-a}\n',
    });
    roots.push(root);
    return root;
  }

  it('an API definition, an mkdocs.yml and a skeleton file are not judged as broken entities', async () => {
    const root = await repo();
    const run = await runBin(['check', '--format', 'json', 'catalog/orders/openapi.yaml', 'catalog/orders/mkdocs.yml'], root);
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`)).toEqual([]);
    expect(run.status).toBe(0);
    // A skeleton's file is judged through the template that fetches it, as a full run judges it: the
    // template passes no `values.name`, which the skeleton uses (a template finding, not a broken entity).
    const skeleton = await runBin(['check', '--format', 'json', 'catalog/templates/svc/skeleton/catalog-info.yaml'], root);
    expect((JSON.parse(skeleton.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`)).toEqual(['skeleton-unknown-value@catalog/templates/svc/skeleton/catalog-info.yaml']);
  }, 60_000);

  it('a changed definition is judged through the entity that names it, as a full run reports it', async () => {
    const root = await repo('[Java]');
    const run = await runBin(['check', '--format', 'json', 'catalog/orders/openapi.yaml'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`);
    expect(found).toEqual(['entity-field-format@catalog/orders/catalog-info.yaml']);
    expect(run.status).toBe(1);
  }, 60_000);

  it('a named file that is not YAML and that nothing reads is not judged as a broken catalog file', async () => {
    const root = await repo();
    await writeFile(join(root, 'README.md'), '# Orders\n\nSee `docs/`:\n  - one: two\n');
    const run = await runBin(['check', '--format', 'json', 'README.md'], root);
    expect((JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`)).toEqual([]);
    expect(run.status).toBe(0);
  }, 60_000);

  it('a named file that nothing reads as anything else is still judged as an entity (a forgotten apiVersion)', async () => {
    const root = await repo();
    const run = await runBin(['check', '--format', 'json', 'catalog/new.yaml'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`);
    expect(found).toContain('entity-envelope@catalog/new.yaml');
    expect(run.status).toBe(1);
  }, 60_000);
  // A hook's every changed *.yaml, or the README's `check $(git diff --name-only origin/main -- '*.yaml' '*.yml')`,
  // also passes CI files and manifests: Backstage reads none of them and a full run judges none of them.
  const NOT_CATALOG: Record<string, string> = {
    '.github/workflows/ci.yml': 'name: ci\non: [pull_request]\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
    'pipelines/pr.yml': 'trigger: none\npr: [main]\npool: {vmImage: ubuntu-latest}\nsteps:\n  - script: npm test\n',
    'deploy/compose.yaml': 'services:\n  web:\n    image: nginx\n',
    'deploy/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n',
    'deploy/broken.yaml': 'services:\n  web: [nginx\n',
  };

  it.each([['with roots', true], ['without a config (discovery)', false]])('a named workflow, pipeline, compose file or Kubernetes manifest is no catalog file, %s', async (_name, withConfig) => {
    const root = await repo();
    for (const [file, text] of Object.entries(NOT_CATALOG)) {
      await mkdir(join(root, file, '..'), { recursive: true });
      await writeFile(join(root, file), text);
    }
    if (!withConfig) await rm(join(root, 'gitops.config.yaml'));
    const full = await runBin(['check', '--format', 'json'], root);
    const given = await runBin(['check', '--format', 'json', ...Object.keys(NOT_CATALOG), ...(withConfig ? ['gitops.config.yaml'] : [])], root);
    expect(given.stderr).toBe('');
    const found = (JSON.parse(given.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`);
    // gitops.config.yaml is no catalog file either; what a change to it does, only the whole run judges (info).
    expect(found).toEqual(withConfig ? ['check-paths-whole-run@gitops.config.yaml'] : []);
    expect(given.status).toBe(0);
    // The full run judges none of these files either.
    expect((JSON.parse(full.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.file in NOT_CATALOG)).toEqual([]);
    // A file that does not parse but has an entity's keys is still judged: its syntax error is reported.
    await writeFile(join(root, 'deploy/broken.yaml'), 'kind: Component\nmetadata: {name: [x\n');
    const broken = await runBin(['check', '--format', 'json', 'deploy/broken.yaml'], root);
    expect((JSON.parse(broken.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`)).toContain('yaml-syntax@deploy/broken.yaml');
    expect(broken.status).toBe(1);
  }, 90_000);

  it('a named data file under catalog.include is still judged: the full run fails it as unreachable', async () => {
    const root = await repo();
    await writeFile(join(root, 'gitops.config.yaml'), `${CONFIG}  include: ['catalog/**/*.yaml']\n`);
    await writeFile(join(root, 'catalog/notes.yaml'), 'services:\n  web:\n    image: nginx\n');
    await writeFile(join(root, 'deploy.yaml'), 'services:\n  web:\n    image: nginx\n');
    const full = await runBin(['check', '--format', 'json'], root);
    const fullFound = (JSON.parse(full.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`);
    expect(fullFound).toContain('location-unreachable@catalog/notes.yaml');
    expect(fullFound.filter(f => f.endsWith('@deploy.yaml'))).toEqual([]);
    const given = await runBin(['check', '--format', 'json', 'catalog/notes.yaml', 'deploy.yaml'], root);
    const found = (JSON.parse(given.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => d.file);
    expect(new Set(found)).toEqual(new Set(['catalog/notes.yaml']));
    expect(given.status).toBe(1);
  }, 90_000);
});
