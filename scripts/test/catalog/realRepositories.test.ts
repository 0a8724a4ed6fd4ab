import { describe, expect, it } from 'vitest';
import { checkFindings, runCli } from '../helpers/runCli.ts';
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

  it('judges documents of a custom API group the config declares as entities, leaving the kind to its processor', async () => {
    const widget = 'apiVersion: acme.com/v1\nkind: Widget\nmetadata:\n  name: w1\n  tags: [Bad_Tag]\nspec:\n  owner: team-a\n';
    const withoutGroup = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  allowedLocationTypes: [url]\n', 'widgets/w1.yaml': widget });
    expect(checkFindings(withoutGroup).findings).toEqual([]);
    const withGroup = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  apiGroups: [acme.com]\n', 'widgets/w1.yaml': widget });
    expect(checkFindings(withGroup).findings).toEqual(['entity-field-format@widgets/w1.yaml:5:10']);
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
    expect({ status, findings }).toEqual({ status: 1, findings: ['ref-provided-elsewhere@catalog.yaml:16:10', 'ref-unresolved@catalog.yaml:25:10'] });
    expect(diagnostics.find(d => d.ruleId === 'ref-provided-elsewhere')).toMatchObject({
      severity: 'info',
      message: 'spec.owner refers to group:default/from-entra, which is not in this repo: the microsoftGraphOrg.default provider in app-config.yaml brings User and Group entities in the default namespace into the catalog.',
    });
    expect(diagnostics.find(d => d.ruleId === 'ref-unresolved')).toMatchObject({ severity: 'error', hint: expect.stringContaining('Did you mean group:default/team-payments?') });
  });
});

describe('messages a newcomer understands (shipped bin)', () => {
  const config = 'catalog:\n  roots: [catalog/all.yaml]\n  appConfig: deploy/app-config.production.yaml\n';
  const appConfig = 'catalog:\n  rules:\n    - allow: [Component, Group, Location]\n';
  const root = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team.yaml, ./svc.yaml]\n';
  const base = { 'gitops.config.yaml': config, 'deploy/app-config.production.yaml': appConfig, 'catalog/all.yaml': root, 'catalog/team.yaml': group('team-a') };
  const run = async (svc: string, extra: Record<string, string> = {}) => {
    const result = checkFindings(await tempRepo({ ...base, 'catalog/svc.yaml': svc, ...extra }));
    return { ...result, messages: result.diagnostics.map(d => `${d.ruleId}: ${d.message}`) };
  };

  it('annotations written as a list: one error that says it must be a mapping', async () => {
    const { findings, diagnostics } = await run(component('svc').replace('  name: svc\n', '  name: svc\n  annotations:\n    - backstage.io/techdocs-ref: dir:.\n'));
    expect(findings).toEqual(['entity-schema@catalog/svc.yaml:5:3']);
    expect(diagnostics[0].message).toBe('metadata.annotations must be a mapping of key: value pairs, but it is a list.');
    expect(JSON.stringify(diagnostics)).not.toContain('[object Object]');
  });

  it('a name over 63 characters says its length', async () => {
    const name = `svc-${'x'.repeat(69)}`;
    const { findings, diagnostics } = await run(component(name));
    expect(findings).toEqual(['entity-field-format@catalog/svc.yaml:4:9']);
    expect(diagnostics[0].message).toContain(`but found "${name}". It is 73 characters long; the limit is 63.`);
  });

  it('an unquoted numeric name says to quote it, and that Backstage drops everything the Location reads', async () => {
    const { findings, diagnostics } = await run(component('1234'));
    expect(findings).toEqual(['entity-envelope@catalog/svc.yaml:4:9']);
    expect(diagnostics[0].message).toBe(
      '/metadata/name must be string - type: string: YAML reads the unquoted 1234 as a number; quote it. Backstage then fails the whole Location in catalog/all.yaml that reads this file: every entity that Location reads is lost (new ones never appear, existing ones stop updating), not just this one.',
    );
    expect(diagnostics[0].hint).toBe('Quote it: name: "1234"');
  });

  it('a Location target that matches nothing says the whole Location is lost', async () => {
    const { findings, messages } = await run(component('svc'), { 'catalog/all.yaml': root.replace('./svc.yaml', './svcs/*.yaml') });
    expect(findings).toEqual(['location-target-missing@catalog/all.yaml:6:26']);
    expect(messages[0]).toContain('Backstage then fails this whole Location, so it reads none of its targets');
  });

  it('hints name the app-config file gitops.config.yaml configures', async () => {
    const { findings, diagnostics } = await run(`${component('svc')}---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: orders\nspec:\n  owner: team-a\n`);
    expect(findings).toEqual(['catalog-rule-denied@catalog/svc.yaml:11:7']);
    expect(diagnostics[0].hint).toBe('Allow System in catalog.rules (or in the rules of this location) in deploy/app-config.production.yaml, or register it elsewhere.');
  });
});

describe('catalog.modules (shipped bin)', () => {
  it('a module the toolkit does not have, or a package that is no catalog module, is one tool error', async () => {
    const missing = runCli(['check'], await tempRepo({ 'gitops.config.yaml': 'catalog:\n  modules: [catalog-backend-module-nothere]\n', 'a.yaml': group('team-a') }));
    expect({ status: missing.status, stderr: missing.stderr }).toEqual({ status: 2, stderr: 'backstage-gitops check: gitops.config.yaml names catalog module catalog-backend-module-nothere in catalog.modules; the toolkit needs @backstage/plugin-catalog-backend-module-nothere installed to know the model it adds.\n' });
    const foreign = runCli(['check'], await tempRepo({ 'gitops.config.yaml': 'catalog:\n  modules: ["@evil/pkg"]\n', 'a.yaml': group('team-a') }));
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toMatch(/gitops\.config\.yaml:\d+:\d+: catalog\.modules\[0\] must match pattern/);
  });
});
