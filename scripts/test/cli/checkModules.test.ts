import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';

describe('check on this repo, through the bin', () => {
  it("passes without evaluating catalog-model's index or kinds, or any scaffolder code (only its Template schema, as data)", async () => {
    const record = join(await mkdtemp(join(tmpdir(), 'gitops-loaded-')), 'loaded.json');
    const run = () => gitops(REPO_ROOT, ['check', '--format', 'json'], { NODE_OPTIONS: `--require ${join(REPO_ROOT, 'scripts/test/templates/recordLoadedModules.cjs')}`, LOADED_MODULES: record });
    // The first run after a build computes what later runs read back (remembered filter names, config findings).
    const first = await run();
    const result = await run();
    expectCleanStderr(result);
    const findings = (stdout: string) => JSON.parse(stdout).diagnostics;
    expect(findings(result.stdout)).toEqual([]);
    expect(findings(result.stdout)).toEqual(findings(first.stdout));
    expect([result.status, first.status]).toEqual([0, 0]);
    const loaded = (JSON.parse(await readFile(record, 'utf8')) as string[]).map(file => file.replace(/^.*node_modules\//, ''));
    // It did judge entities with catalog-model's own policies.
    expect(loaded).toContain('@backstage/catalog-model/dist/entity/policies/FieldFormatEntityPolicy.cjs.js');
    expect(loaded.filter(file => /^@backstage\/(catalog-model\/dist\/(index|alpha|kinds\/)|plugin-scaffolder-(backend|node|common)\/dist\/(?!.*\.schema\.json\.cjs\.js$)|plugin-techdocs-node\/(?!dist\/stages\/generate\/(mkdocsPatchers|helpers)\.cjs\.js$)|backend-plugin-api\/)|^@azure\/identity\//.test(file))).toEqual([]);
    // TechDocs' own sanitizer judges the sites' mkdocs.yml: its module and the helpers it needs, nothing they defer.
    expect(loaded.filter(file => file.startsWith('@backstage/plugin-techdocs-node/'))).toEqual(['@backstage/plugin-techdocs-node/dist/stages/generate/mkdocsPatchers.cjs.js', '@backstage/plugin-techdocs-node/dist/stages/generate/helpers.cjs.js']);
  }, 90_000);

  it('on a plain catalog without org policies, scorecards, templates or findings: neither yaml, nor json-rules-engine, nor Ajv beyond its run-time helpers', async () => {
    const entity = (kind: string, name: string, spec: string) => `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/bench/blob/main/\ncatalog:\n  roots:\n    - catalog/all.yaml\n  include:\n    - catalog/entities/*.yaml\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets:\n    - ./entities/team.yaml\n    - ./entities/shop.yaml\n',
      'catalog/entities/team.yaml': entity('Group', 'team', '  type: team\n  children: []\n'),
      'catalog/entities/shop.yaml': entity('Component', 'shop', '  type: service\n  lifecycle: production\n  owner: group:default/team\n'),
    });
    const record = join(await mkdtemp(join(tmpdir(), 'gitops-loaded-')), 'loaded.json');
    const result = await gitops(root, ['check', '--format', 'json'], { NODE_OPTIONS: `--require ${join(REPO_ROOT, 'scripts/test/templates/recordLoadedModules.cjs')}`, LOADED_MODULES: record });
    expectCleanStderr(result);
    expect(JSON.parse(result.stdout).diagnostics).toEqual([]);
    expect(result.status).toBe(0);
    const loaded = (JSON.parse(await readFile(record, 'utf8')) as string[]).map(file => file.replace(/^.*node_modules\//, ''));
    expect(loaded).toContain('@backstage/catalog-model/dist/entity/policies/SchemaValidEntityPolicy.cjs.js');
    expect(loaded.filter(file => /^(yaml|json-rules-engine|ajv-errors|ajv-formats)\/(?!package\.json$)|^ajv\/dist\/(?!runtime\/)/.test(file))).toEqual([]);
  }, 90_000);
});
