import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string; hint?: string }

// A Backstage app's repository whose groups come from Entra ID (the app-config's microsoftGraphOrg provider).
const APP_CONFIG = 'catalog:\n  providers:\n    microsoftGraphOrg:\n      default:\n        tenantId: ${AZURE_TENANT_ID}\n        clientId: ${AZURE_CLIENT_ID}\n        clientSecret: ${AZURE_CLIENT_SECRET}\n';
const components = (owners: string[]) => owners.map((owner, i) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-${i}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`).join('---\n');

async function ownerWarnings(owners: string[]): Promise<Finding[]> {
  const root = await tempRepo({ 'app-config.yaml': APP_CONFIG, 'packages/backend/package.json': '{"name":"backend","dependencies":{}}\n', 'catalog-info.yaml': components(owners) });
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.status).toBe(0);
  return (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'ref-provided-elsewhere' && d.severity === 'warning');
}

describe('ref-provided-elsewhere near misses (through the bin)', () => {
  it('does not take a name with one more segment (team-a.c beside team-c) for a misspelling', async () => {
    expect(await ownerWarnings(['team-a.c', 'team-c', 'team-c', 'team-c', 'team-a.c'])).toEqual([]);
    expect(await ownerWarnings(['squad', 'squad-a', 'squad-a', 'squad-a'])).toEqual([]);
  });

  it('still offers a letter left out or a separator left out', async () => {
    const letter = await ownerWarnings(['biling-team', 'billing-team', 'billing-team']);
    expect(letter.map(d => d.hint)).toEqual(['Did you mean group:default/billing-team? If both exist there, nothing to fix; `--catalog-url` checks it against the live catalog.']);
    const separator = await ownerWarnings(['dataeng', 'data-eng', 'data-eng']);
    expect(separator.map(d => d.hint)).toEqual(['Did you mean group:default/data-eng? If both exist there, nothing to fix; `--catalog-url` checks it against the live catalog.']);
  });
});
