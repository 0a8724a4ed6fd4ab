import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// DefaultCatalogProcessingOrchestrator checks every entity a Location emits against catalog.rules and throws
// NotAllowedError for the first one refused, inside the processing of that Location: the Location's result is
// not ok, so it stores nothing it read. Measured against catalog-backend 4.0.0 (differential runs): a root file
// holding a Group, a User and a Component beside a kind the rules refuse ingested none of them.
const entity = (kind: string, name: string, spec: string) => `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const component = (name: string) => entity('Component', name, '  type: service\n  lifecycle: production\n  owner: group:team-a\n');
const group = (name: string) => entity('Group', name, '  type: team\n  children: []\n');
const GITOPS = 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [all.yaml]\n  rootLocationType: url\n  appConfig: app-config.yaml\n';
const APP_CONFIG = 'catalog:\n  rules:\n    - allow: [Component, API, Location]\n';

type Finding = { ruleId: string; file: string; message: string };

describe('catalog-rule-denied', () => {
  it('says the Location that reads the file fails with it, as ingestion does, not just the refused entity', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'app-config.yaml': APP_CONFIG,
      'all.yaml': `${component('orders')}---\n${group('team-a')}---\n${entity('Location', 'teams', '  targets: [./teams.yaml]\n')}`,
      'teams.yaml': `${component('billing')}---\n${group('team-b')}`,
    });
    const run = await runBin(['check', '--format', 'json'], root);
    await rm(root, { recursive: true, force: true });
    const denied = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'catalog-rule-denied');
    expect(denied.map(d => d.file)).toEqual(['all.yaml', 'teams.yaml']);
    expect(denied[0].message).toMatch(/do not allow Group here\. Backstage then fails this whole root Location: every entity in this file and the Locations it lists is lost \(new ones never appear, existing ones stop updating\), not just this one\.$/);
    expect(denied[1].message).toMatch(/do not allow Group here\. Backstage then fails the whole Location in all\.yaml that reads this file: every entity that Location reads is lost /);
    expect(run.status).toBe(1);
  }, 60_000);
});
