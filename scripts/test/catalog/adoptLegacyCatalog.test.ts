import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// An existing catalog brought under the gate as it is: templates kept beside the entities, under a folder
// that catalog.include covers, each with its skeleton next to it.
const CONFIG = `repoUrl: https://github.com/globex/backstage-control/blob/main/
catalog:
  roots: [catalog/all.yaml]
  include: ['catalog/**/*.yaml']
`;
const ROOT = `apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: root}
spec:
  type: url
  targets: [./org.yaml, ./templates/*/template.yaml]
`;
const ORG = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: platform-team}
spec: {type: team, children: []}
`;
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: spring-service, title: Spring service}
spec:
  owner: platform-team
  type: service
  parameters:
    - title: Service
      properties:
        name: {type: string}
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;
const SKELETON_ENTITY = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: \${{ values.name }}
spec: {type: service, lifecycle: experimental, owner: platform-team}
`;

interface Finding { ruleId: string; file: string; hint?: string }

describe('adopting a catalog that keeps templates and skeletons under catalog/', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });

  it('a skeleton a reached template fetches is no unreachable catalog file; a forgotten entity file still is', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': CONFIG,
      'catalog/all.yaml': ROOT,
      'catalog/org.yaml': ORG,
      'catalog/templates/spring-service/template.yaml': TEMPLATE,
      'catalog/templates/spring-service/skeleton/catalog-info.yaml': SKELETON_ENTITY,
      'catalog/templates/spring-service/skeleton/k8s/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${{ values.name }}\n',
      'catalog/forgotten.yaml': ORG.replace('platform-team', 'web-team'),
    });
    roots.push(root);
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    const unreachable = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'location-unreachable');
    // Listing the skeleton as the old hint said would register `\${{ values.name }}` as an entity name.
    expect(unreachable.map(d => d.file)).toEqual(['catalog/forgotten.yaml']);
    expect(run.status).toBe(1);
  }, 60_000);

  it('a missing $text target is never guessed as another service\'s definition that another API already reads', async () => {
    const api = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: ${name}}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: platform-team\n  definition:\n    $text: ./openapi.yaml\n`;
    const openapi = 'openapi: 3.0.3\ninfo: {title: x, version: 1.0.0}\npaths: {}\n';
    const root = await tempRepo({
      'gitops.config.yaml': CONFIG,
      'catalog/all.yaml': ROOT.replace('./org.yaml', './org.yaml, ./repos/*/catalog-info.yaml'),
      'catalog/org.yaml': ORG,
      'catalog/repos/notifications-svc-015/catalog-info.yaml': api('svc-015-api'),
      'catalog/repos/notifications-svc-015/openapi.yaml': openapi,
      // The definition of svc-033 was never committed: the nearest path is svc-015's, two digits off.
      'catalog/repos/notifications-svc-033/catalog-info.yaml': api('svc-033-api'),
      // An unread definition one letter off is still the guess.
      'catalog/repos/search-svc-001/catalog-info.yaml': api('search-api').replace('./openapi.yaml', './openpai.yaml'),
      'catalog/repos/search-svc-001/openapi.yaml': openapi,
    });
    roots.push(root);
    const run = await runBin(['check', '--format', 'json'], root);
    const missing = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'placeholder-target-missing');
    expect(missing.map(d => d.file)).toEqual(['catalog/repos/notifications-svc-033/catalog-info.yaml', 'catalog/repos/search-svc-001/catalog-info.yaml']);
    expect(missing[0].hint).not.toMatch(/Did you mean/);
    expect(missing[1].hint).toMatch(/^Did you mean \.\/openapi\.yaml\? /);
  }, 60_000);

  it('a CODEOWNERS that predates the toolkit: codeowners-stale says --write replaces all of it and what to carry over first', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': `${CONFIG}codeowners:\n  platformTeam: '@globex/platform'\n`,
      'catalog/all.yaml': ROOT.replace(', ./templates/*/template.yaml', ''),
      'catalog/org.yaml': ORG,
      '.github/CODEOWNERS': '# Hand-maintained since 2023.\n*        @globex/platform\n/catalog/org.yaml  @globex/platform @globex/people-ops\n',
    });
    roots.push(root);
    const run = await runBin(['check', '--format', 'json'], root);
    const stale = (JSON.parse(run.stdout) as { diagnostics: (Finding & { message: string })[] }).diagnostics.filter(d => d.ruleId === 'codeowners-stale');
    expect(stale.map(d => d.message)).toEqual(['.github/CODEOWNERS was not generated from the catalog (it lacks the generated header): `codeowners --write` replaces all of it, hand-written lines included, with the owners the catalog names.']);
    expect(stale[0].hint).toMatch(/^Before writing, carry over what the old file says that the catalog does not: each team's GitHub team as github\.com\/team-slug on its Group, paths only the platform team reviews under codeowners\.platformPaths\. Run `npx backstage-gitops codeowners --write` and commit the result\./);
    // Once generated, a stale file reads as before.
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    expect((await runBin(['check'], root)).status).toBe(0);
  }, 60_000);

  it('a v1beta2 Template (long dropped by Backstage): the hint says the expressions must change with the apiVersion', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': CONFIG,
      'catalog/all.yaml': ROOT.replace(', ./templates/*/template.yaml', ', ./react-app.yaml'),
      'catalog/org.yaml': ORG,
      'catalog/react-app.yaml': "apiVersion: backstage.io/v1beta2\nkind: Template\nmetadata: {name: react-app}\nspec:\n  owner: platform-team\n  type: website\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skeleton\n        values: {name: '{{ parameters.name }}'}\n",
    });
    roots.push(root);
    const run = await runBin(['check', '--format', 'json'], root);
    const unknown = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'entity-kind-unknown');
    expect(unknown.map(d => d.hint)).toEqual(['Template takes apiVersion scaffolder.backstage.io/v1beta3. Changing the apiVersion alone is not enough: v1beta3 renders only ${{ … }}, so write every {{ parameters.x }} as ${{ parameters.x }}, and likewise for steps and outputs (Backstage\'s migration guide: https://backstage.io/docs/features/software-templates/migrating-from-v1beta2-to-v1beta3).']);
  }, 60_000);

  it('a skeleton folder that also holds a reached entity file is no skeleton-only folder: its other files stay judged', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': CONFIG,
      'catalog/all.yaml': ROOT.replace('./org.yaml', './org.yaml, ./templates/spring-service/skeleton/owned.yaml'),
      'catalog/org.yaml': ORG,
      'catalog/templates/spring-service/template.yaml': TEMPLATE,
      'catalog/templates/spring-service/skeleton/owned.yaml': ORG.replace('platform-team', 'web-team'),
      'catalog/templates/spring-service/skeleton/catalog-info.yaml': ORG.replace('platform-team', 'ops-team'),
    });
    roots.push(root);
    const run = await runBin(['check', '--format', 'json'], root);
    const unreachable = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'location-unreachable');
    expect(unreachable.map(d => d.file)).toEqual(['catalog/templates/spring-service/skeleton/catalog-info.yaml']);
  }, 60_000);
});
