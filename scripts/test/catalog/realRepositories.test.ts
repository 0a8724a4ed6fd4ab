import { describe, expect, it } from 'vitest';
import { checkFindings } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const component = (name: string, owner = 'team-a') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;
const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;

// Shapes met in public repositories: everything with a `kind:` that is not Backstage's.
const FOREIGN = {
  'dapr/statestore.yaml': 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  type: state.redis\n  version: v1\n',
  'infra/xr.yaml': 'apiVersion: apiextensions.crossplane.io/v1\nkind: Composition\nmetadata:\n  name: db\nspec:\n  compositeTypeRef: {apiVersion: acme.io/v1, kind: XDatabase}\n---\napiVersion: kro.run/v1alpha1\nkind: ResourceGraphDefinition\nmetadata:\n  name: app\nspec:\n  schema: {apiVersion: v1alpha1, kind: Application}\n',
  'infra/location.yaml': 'apiVersion: example.com/v1\nkind: Location\nmetadata:\n  name: eu\nspec:\n  target: ./nowhere.yaml\n',
  'chart/Chart.yaml': 'apiVersion: v2\nname: svc\nversion: 0.1.0\n',
  'chart/templates/deploy.yaml': '# Registers with Backstage: see https://backstage.io/docs\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  annotations:\n    backstage.io/kubernetes-id: {{ .Values.id }}\n',
  'chart/templates/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {{ .Release.Name }}\n',
};

describe('the gate on public-repository shapes (shipped bin, no config)', () => {
  it('judges only documents of Backstage API groups, and skips Helm templates', async () => {
    const root = await tempRepo({ ...FOREIGN, 'org.yaml': group('team-a'), 'svc/catalog-info.yaml': `${component('svc')}---\n${FOREIGN['dapr/statestore.yaml']}` });
    expect(checkFindings(root)).toMatchObject({ status: 0, findings: [] });
  });

  it('still judges a broken Backstage document: unparsable with a backstage.io apiVersion, or no apiVersion at all', async () => {
    const root = await tempRepo({ ...FOREIGN, 'org.yaml': group('team-a'), 'a.yaml': `${component('a')}  bad: [\n`, 'b.yaml': 'kind: Component\nmetadata:\n  name: b\n' });
    expect(checkFindings(root).findings).toEqual(['entity-envelope@b.yaml:1:1', 'yaml-syntax@a.yaml:10:1']);
  });
});
