import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Catalog sweep 18 (thatmlopsguy/dokaseca-portal-catalog, samgabrail/tekanaid-capstone-backstage): a Component
// `payment-api` with `providesApis: [payment-api]` in a folder that defines no API entities. The API lives
// elsewhere, like the `consumesApis` beside it (a warning: "this folder defines no api entities"), but this
// one was an error "Did you mean component:default/payment-api?" (the entity itself), failing the run, only
// because the Component is named like the API it provides. Backstage's parseEntityRef reads a ref written
// without a kind as the field's default kind (API for providesApis, System for system), so a same-named entity
// of another kind is no typo of it. A kind written out (`domain: group:commerce`) still gets the same name
// under the kind the field means.

interface Finding { ruleId: string; severity: string; file: string; message: string; hint: string }
const entity = (kind: string, name: string, spec: string) => `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const GROUP = entity('Group', 'team-pay', '  type: team\n  children: []\n');
const check = async (files: Record<string, string>) => {
  const run = await runBin(['check', '--format', 'json'], await tempRepo(files));
  const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'ref-unresolved');
  return { status: run.status, found: found.map(d => `${d.severity}: ${d.message} | ${d.hint}`) };
};

describe('a kindless reference named like an entity of another kind', () => {
  it('providesApis naming the component itself is an API that lives elsewhere, not a wrong kind', async () => {
    const component = entity('Component', 'payments', '  type: service\n  lifecycle: production\n  owner: team-pay\n  providesApis: [payments]\n');
    const result = await check({ 'group.yaml': GROUP, 'payments.yaml': component });
    expect(result.found).toEqual([
      'warning: spec.providesApis refers to api:default/payments; this folder defines no api entities, so it cannot be checked here. | Check against the live catalog with --catalog-url, or declare where they live under catalog.external in gitops.config.yaml.',
    ]);
    expect(result.status).toBe(0);
  }, 60_000);

  it('a kindless system gets the nearest System, not the same-named Component; a written kind still gets the same name', async () => {
    const files = {
      'group.yaml': GROUP,
      'domain.yaml': entity('Domain', 'commerce', '  owner: team-pay\n'),
      'system.yaml': entity('System', 'payment', '  owner: team-pay\n  domain: group:commerce\n'),
      'payments.yaml': entity('Component', 'payments', '  type: service\n  lifecycle: production\n  owner: team-pay\n  system: payments\n'),
    };
    const result = await check(files);
    expect(result.found.sort()).toEqual([
      'error: spec.domain refers to group:default/commerce, which is not defined in this catalog. | Did you mean domain:default/commerce?',
      'error: spec.system refers to system:default/payments, which is not defined in this catalog. | Did you mean system:default/payment?',
    ]);
    expect(result.status).toBe(1);
  }, 60_000);
});
