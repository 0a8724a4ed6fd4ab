import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// s40 (mikeybeezy/goldenpath-idp-infra): three catalog-info.yaml files left with `name: {{ values.app_name }}`
// got entity-duplicate each, "whichever Backstage processes first keeps the entity", though Backstage's
// FieldFormatEntityPolicy refuses every one of them: none reaches the catalog, and the name is the fix.

type Finding = { ruleId: string; severity: string; message: string; file: string };
const component = (name: string, spec = 'type: service\n  lifecycle: production\n  owner: user:guest') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${JSON.stringify(name)}\nspec:\n  ${spec}\n`;

async function check(files: Record<string, string>): Promise<Finding[]> {
  const root = await tempRepo(files);
  const run = await runBin(['check', '--format', 'json'], root);
  await rm(root, { recursive: true, force: true });
  return (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics;
}

describe('entity-duplicate and references among entities Backstage refuses', () => {
  it('copies Backstage refuses all of (a name no entity can have) are no duplicates: each says its name', async () => {
    const found = await check(Object.fromEntries(['a', 'b', 'c'].map(app => [`apps/${app}/catalog-info.yaml`, component('{{ values.app_name }}')])));
    expect(found.filter(d => d.ruleId === 'entity-duplicate')).toEqual([]);
    expect(found.filter(d => d.ruleId === 'entity-field-format').map(d => d.file).sort()).toEqual(['apps/a/catalog-info.yaml', 'apps/b/catalog-info.yaml', 'apps/c/catalog-info.yaml']);
  }, 60_000);

  it('a refused copy beside an accepted one is still a duplicate: read first, it claims the ref and keeps the other out', async () => {
    const found = await check({ 'a/catalog-info.yaml': component('orders', 'lifecycle: production\n  owner: user:guest'), 'b/catalog-info.yaml': component('orders') });
    expect(found.some(d => d.ruleId === 'entity-kind-schema' && d.file === 'a/catalog-info.yaml')).toBe(true);
    expect(found.filter(d => d.ruleId === 'entity-duplicate').map(d => d.file).sort()).toEqual(['a/catalog-info.yaml', 'b/catalog-info.yaml']);
  }, 60_000);

  it('a reference to an entity Backstage refuses does not resolve: it follows from that refusal', async () => {
    const found = await check({
      'broken/catalog-info.yaml': component('orders-db', 'lifecycle: production\n  owner: user:guest'),
      'app/catalog-info.yaml': component('orders', 'type: service\n  lifecycle: production\n  owner: user:guest\n  dependsOn: [component:orders-db]'),
    });
    const refusal = found.find(d => d.ruleId === 'entity-kind-schema' && d.file === 'broken/catalog-info.yaml');
    expect(refusal).toBeDefined();
    const reference = found.filter(d => d.file === 'app/catalog-info.yaml' && d.ruleId === 'ref-unresolved' && d.message.startsWith('spec.dependsOn'));
    expect(reference).toEqual([expect.objectContaining({ severity: 'info', message: expect.stringMatching(/^spec\.dependsOn refers to component:default\/orders-db, which its definition fails Backstage's own checks \(the entity-kind-schema finding at broken\/catalog-info\.yaml:\d+:\d+\), so the catalog never holds it\.$/) })]);
  }, 60_000);

  it('a reference to a name no entity can have is its own error, not only a follow-up', async () => {
    const found = await check({
      'broken/catalog-info.yaml': component('{{ values.app_name }}'),
      'app/catalog-info.yaml': component('orders', "type: service\n  lifecycle: production\n  owner: user:guest\n  dependsOn: ['component:{{ values.app_name }}']"),
    });
    expect(found.filter(d => d.file === 'app/catalog-info.yaml' && d.ruleId === 'ref-unresolved' && d.message.startsWith('spec.dependsOn')).map(d => d.severity)).toEqual(['error']);
  }, 60_000);
});
