import { rm, writeFile } from 'node:fs/promises';
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
});
