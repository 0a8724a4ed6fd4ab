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

  // Numbered and lettered naming schemes: one team per number or letter, not typos of each other.
  it.each([
    ['squad-1', 'squad-12'],
    ['team-a', 'team-ab'],
    ['platform', 'platform2'],
    ['squad-12', 'squad-1'],
  ])('does not offer %s a sibling in its naming scheme (%s)', async (once, often) => {
    expect(await ownerWarnings([once, often, often, often])).toEqual([]);
  });

  it.each([
    ['platfrom', 'platform'],
    ['paltform-team', 'platform-team'],
    ['team-plaform', 'team-platform'],
  ])('still offers a real misspelling: %s for %s', async (once, often) => {
    const found = await ownerWarnings([once, often, often]);
    expect(found.map(d => d.hint)).toEqual([`Did you mean group:default/${often}? If both exist there, nothing to fix; \`--catalog-url\` checks it against the live catalog.`]);
  });
});

// The repo defines the group; a provider could bring the one named. Only a near miss of the repo's own is an error.
describe('ref-unresolved suggestions of a group the repo defines (through the bin)', () => {
  const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;
  async function run(defined: string, owner: string): Promise<Finding[]> {
    const root = await tempRepo({ 'app-config.yaml': APP_CONFIG, 'packages/backend/package.json': '{"name":"backend","dependencies":{}}\n', 'catalog-info.yaml': `${components([owner])}---\n${group(defined)}` });
    const result = await runBin(['check', '--format', 'json'], root);
    return (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId.startsWith('ref-'));
  }

  it('does not take squad-1 for a misspelling of the squad-12 the repo defines', async () => {
    expect((await run('squad-12', 'squad-1')).map(d => `${d.ruleId}:${d.severity}`)).toEqual(['ref-provided-elsewhere:info']);
    expect((await run('team-ab', 'team-a')).map(d => `${d.ruleId}:${d.severity}`)).toEqual(['ref-provided-elsewhere:info']);
  });

  it('still takes team-plaform for a misspelling of the team-platform the repo defines', async () => {
    const found = await run('team-platform', 'team-plaform');
    expect(found.map(d => `${d.ruleId}:${d.severity}:${d.hint}`)).toEqual([expect.stringMatching(/^ref-unresolved:error:Did you mean group:default\/team-platform\?/)]);
  });
});
