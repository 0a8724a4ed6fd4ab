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

  it('calls a bare owner naming a User an error with the user ref, even in a folder without groups', async () => {
    const root = await tempRepo({ 'svc/catalog-info.yaml': component('svc', 'alex'), 'people/alex.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: alex\nspec:\n  memberOf: []\n' });
    const { status, findings, diagnostics } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 1, findings: ['ref-unresolved@svc/catalog-info.yaml:8:10'] });
    expect(diagnostics[0]).toMatchObject({ severity: 'error', hint: 'Did you mean user:default/alex?' });
  });
});

describe('entities from the managed Backstage\'s org providers (shipped bin)', () => {
  const config = 'catalog:\n  roots: [catalog.yaml]\n  appConfig: app-config.yaml\n';
  const appConfig = 'catalog:\n  rules:\n    - allow: [Component, Group]\n  providers:\n    microsoftGraphOrg:\n      default:\n        tenantId: t\n        clientId: c\n';
  const catalog = `${group('team-payments')}---\n${component('a', 'from-entra')}---\n${component('b', 'team-paymnts')}`;

  it('says which provider accounts for a reference, and still flags a near-miss of a repo group', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': config, 'app-config.yaml': appConfig, 'catalog.yaml': catalog });
    const { status, findings, diagnostics } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 0, findings: ['ref-near-miss@catalog.yaml:25:10', 'ref-provided-elsewhere@catalog.yaml:16:10'] });
    expect(diagnostics.find(d => d.ruleId === 'ref-provided-elsewhere')).toMatchObject({
      severity: 'info',
      message: 'spec.owner refers to group:default/from-entra, which is not in this repo: the microsoftGraphOrg.default provider in app-config.yaml brings User and Group entities in the default namespace into the catalog.',
    });
    expect(diagnostics.find(d => d.ruleId === 'ref-near-miss')).toMatchObject({ severity: 'warning', hint: expect.stringContaining('Did you mean group:default/team-payments?') });
  });
});
