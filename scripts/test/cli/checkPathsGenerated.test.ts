import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A pre-commit hook's `check <changed files>` passed what CI fails when the change made a generated file
// stale: CODEOWNERS and the editor schema are generated from every entity, and the run over given paths ran
// neither (an owner changed, a Group added, CODEOWNERS edited by hand: helper-150, session 29). They are
// judged against the whole catalog when a given file holds an entity or is one of them.
const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\n  annotations:\n    github.com/team-slug: acme/${name}\nspec:\n  type: team\n  children: []\n`;
const component = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;
const location = "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets: ['./teams/*.yaml', './services/*/catalog-info.yaml']\n";

interface Finding { ruleId: string; file: string }
const found = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`).sort();

describe('check <paths> that make CODEOWNERS or the editor schema stale', () => {
  it('an owner changed, a Group added, CODEOWNERS edited: said as the whole run says it', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': "repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  file: .github/CODEOWNERS\n  platformTeam: '@acme/platform'\neditorSchema:\n  file: schemas/catalog-info.schema.json\n",
      'catalog/all.yaml': location,
      'catalog/teams/team-a.yaml': group('team-a'),
      'catalog/teams/team-b.yaml': group('team-b'),
      'catalog/services/orders/catalog-info.yaml': component('orders', 'team-a'),
      'catalog/services/billing/catalog-info.yaml': component('billing', 'team-b'),
    });
    for (const command of [['codeowners', '--write'], ['schema', '--write']]) expect((await runBin(command, root)).status).toBe(0);
    const clean = await runBin(['check', '--format', 'json'], root);
    expect([clean.status, found(clean.stdout)]).toEqual([0, []]);
    const before = (file: string) => readFileSync(join(root, file), 'utf8');
    const committed = { codeowners: before('.github/CODEOWNERS'), orders: before('catalog/services/orders/catalog-info.yaml') };

    // The owner of one service moves to the other team: CODEOWNERS routes its folder to the old team.
    writeFileSync(join(root, 'catalog/services/orders/catalog-info.yaml'), component('orders', 'team-b'));
    const whole = await runBin(['check', '--format', 'json'], root);
    expect(found(whole.stdout)).toEqual(['codeowners-stale@.github/CODEOWNERS']);
    const owner = await runBin(['check', '--format', 'json', 'catalog/services/orders/catalog-info.yaml'], root);
    expect([owner.status, found(owner.stdout)]).toEqual([1, found(whole.stdout)]);
    // Given as its folder, as `check catalog/services` does.
    expect(found((await runBin(['check', '--format', 'json', 'catalog/services'], root)).stdout)).toEqual(found(whole.stdout));
    writeFileSync(join(root, 'catalog/services/orders/catalog-info.yaml'), committed.orders);

    // A new Group: the editor schema lists the catalog's groups.
    writeFileSync(join(root, 'catalog/teams/team-c.yaml'), group('team-c'));
    const added = await runBin(['check', '--format', 'json'], root);
    expect(found(added.stdout)).toContain('schema-stale@schemas/catalog-info.schema.json');
    const newGroup = await runBin(['check', '--format', 'json', 'catalog/teams/team-c.yaml'], root);
    expect([newGroup.status, found(newGroup.stdout)]).toEqual([1, found(added.stdout)]);
    for (const command of [['codeowners', '--write'], ['schema', '--write']]) expect((await runBin(command, root)).status).toBe(0);
    committed.codeowners = before('.github/CODEOWNERS');

    // CODEOWNERS edited by hand and given itself: judged, no longer "judged only by the whole run".
    writeFileSync(join(root, '.github/CODEOWNERS'), `${committed.codeowners}/catalog/ @acme/team-a\n`);
    const edited = await runBin(['check', '--format', 'json', '.github/CODEOWNERS'], root);
    expect([edited.status, found(edited.stdout)]).toEqual([1, ['codeowners-stale@.github/CODEOWNERS']]);
    writeFileSync(join(root, '.github/CODEOWNERS'), committed.codeowners);

    // A change that leaves both as generated passes, as the whole run does.
    writeFileSync(join(root, 'catalog/services/orders/catalog-info.yaml'), committed.orders.replace('type: service', 'type: website'));
    const unrelated = await runBin(['check', '--format', 'json', 'catalog/services/orders/catalog-info.yaml'], root);
    expect([unrelated.status, found(unrelated.stdout)]).toEqual([0, []]);
  }, 120_000);
});
