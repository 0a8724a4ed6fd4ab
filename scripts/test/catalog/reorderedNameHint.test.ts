import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Catalog sweep 18 (AndraMaximE/kolibri-backstage-catalog): two APIs name `owner: team-kolibri`, the org file
// defines the group kolibri-team. The error was right, but its hint only said "Add the entity, fix the name…":
// the name with its words swapped is too far for the edit distance the guess allows. Names that hold the same
// words in another order (same kind and namespace) are now offered.

interface Finding { ruleId: string; hint: string }
const FILES = {
  'org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: payments-platform-team\nspec:\n  type: team\n  children: []\n',
  'api.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: ledger\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-platform-payments\n  definition: "openapi: 3.0.0"\n',
};

describe('an owner with the words of a group name in another order', () => {
  it('gets "Did you mean" that group', async () => {
    const run = await runBin(['check', '--format', 'json'], await tempRepo(FILES));
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'ref-unresolved').map(d => d.hint);
    expect(found).toEqual(['Did you mean group:default/payments-platform-team?']);
  }, 60_000);
});
