import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// EdLandingZone/backstage-templates mongodb-terraform: `catalog:fetch` with `optional: true` of the component
// the template is about to create, then `if: ${{ not steps['check-catalog'].output.entity }}` on the skeleton,
// publish and register steps. Backstage's catalog:fetch (supportsDryRun) answers a missing optional entity
// with `entity: null`, so a first run writes the skeleton. The render answered with the dry-run's example
// ("<unknown>", truthy): every "not created yet" step was skipped and 1 file of 32 was written, silently.

const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: check-catalog
      action: catalog:fetch
      input:
        entityRef: component:default/\${{ parameters.name }}
        optional: true
    - id: base
      if: \${{ not steps['check-catalog'].output.entity }}
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - id: env
      action: fetch:template
      input:
        url: ./env
        values:
          exists: \${{ steps['check-catalog'].output.entity.metadata.name }}
`;

const CONFIG = "repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\n";
const CATALOG = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./orders.yaml, ../t/template.yaml]\n';
const ORDERS = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

const files = {
  't/template.yaml': TEMPLATE,
  't/skeleton/README.md': '# ${{ values.name }}\n',
  't/env/env.txt': 'exists: ${{ values.exists }}\n',
  'new.yaml': 'name: payments\n',
  'old.yaml': 'name: orders\n',
};

describe('templates render: catalog:fetch with optional: true of an entity no known catalog holds', () => {
  it('answers it as absent (entity null), as Backstage does, and says so', async () => {
    const root = await tempRepo(files);
    const run = await runBin(['templates', 'render', 't/template.yaml', '--values', 'new.yaml', '--out', 'out'], root);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(await readFile(join(root, 'out/README.md'), 'utf8')).toBe('# payments\n');
    expect(await readFile(join(root, 'out/env.txt'), 'utf8')).toBe('exists: \n');
    expect(run.stdout).toContain('2 file(s) rendered');
    expect(run.stdout).not.toContain('skipped offline: catalog:fetch');
    expect(run.stdout).toContain('ℹ step check-catalog: catalog:fetch of component:default/payments, which no catalog known here holds (no gitops.config.yaml catalog.roots), answered as absent');
  }, 60_000);

  it('with the repository\'s catalog: its entity is fetched, one it lacks is absent', async () => {
    const root = await tempRepo({ ...files, 'gitops.config.yaml': CONFIG, 'catalog/all.yaml': CATALOG, 'catalog/orders.yaml': ORDERS });
    const held = await runBin(['templates', 'render', 't/template.yaml', '--values', 'old.yaml', '--out', 'out'], root);
    expect(held.status, held.stdout + held.stderr).toBe(0);
    expect(existsSync(join(root, 'out/README.md'))).toBe(false);
    expect(await readFile(join(root, 'out/env.txt'), 'utf8')).toBe('exists: orders\n');
    expect(held.stdout).not.toContain('answered as absent');
    const missing = await runBin(['templates', 'render', 't/template.yaml', '--values', 'new.yaml', '--out', 'out2'], root);
    expect(missing.status, missing.stdout + missing.stderr).toBe(0);
    expect(await readFile(join(root, 'out2/README.md'), 'utf8')).toBe('# payments\n');
    expect(missing.stdout).toContain("which this repository's catalog does not hold, answered as absent");
  }, 60_000);

  it('without optional: true, a missing entity still gets the dry-run\'s example output', async () => {
    const root = await tempRepo({ ...files, 't/template.yaml': TEMPLATE.replace('        optional: true\n', '') });
    const run = await runBin(['templates', 'render', 't/template.yaml', '--values', 'new.yaml', '--out', 'out'], root);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('(skipped offline: catalog:fetch)');
    expect(run.stdout).not.toContain('answered as absent');
    expect(existsSync(join(root, 'out/README.md'))).toBe(false);
  }, 60_000);
});
