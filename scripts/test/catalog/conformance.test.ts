import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { collectEntities } from '../../src/catalog/catalogEntity.ts';
import { checkBackstageModel } from '../../src/catalog/checkBackstageModel.ts';
import { parseYaml } from '../../src/load/parseYaml.ts';

// Valid and broken entities, each judged by our gate and by a real Backstage's validate-entity.
const base = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'svc' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } };
const m = (patch: (e: any) => void) => {
  const e = structuredClone(base) as any;
  patch(e);
  return e;
};
const corpus: [string, unknown][] = [
  ['valid component', base],
  ['valid v1beta1', m(e => (e.apiVersion = 'backstage.io/v1beta1'))],
  ['lowercase kind', m(e => (e.kind = 'component'))],
  ['unknown kind', m(e => (e.kind = 'Widget'))],
  ['missing owner', m(e => delete e.spec.owner)],
  ['owner not a string', m(e => (e.spec.owner = 42))],
  ['bad name', m(e => (e.metadata.name = 'Bad Name!'))],
  ['name too long', m(e => (e.metadata.name = 'a'.repeat(64)))],
  ['namespace uppercase', m(e => (e.metadata.namespace = 'Team_A'))],
  ['uppercase tag', m(e => (e.metadata.tags = ['Java']))],
  ['tag with colon', m(e => (e.metadata.tags = ['lang:go']))],
  ['bad link url', m(e => (e.metadata.links = [{ url: 'not a url' }]))],
  ['empty title', m(e => (e.metadata.title = ''))],
  ['numeric annotation', m(e => (e.metadata.annotations = { 'a.io/port': 8080 }))],
  ['bad label key', m(e => (e.metadata.labels = { 'a/b/c': 'x' }))],
  ['foreign root field', m(e => (e.status = {}))],
  ['custom metadata key', m(e => (e.metadata.owner_email = 'x@y.z'))],
  ['dependsOn without kind', m(e => (e.spec.dependsOn = ['orders-db']))],
  ['dependsOn with kind', m(e => (e.spec.dependsOn = ['resource:orders-db']))],
  ['owner of another kind', m(e => (e.spec.owner = 'component:other'))],
  ['empty system', m(e => (e.spec.system = ''))],
  ['api without definition', { apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: 'a' }, spec: { type: 'openapi', lifecycle: 'production', owner: 'x' } }],
  ['api with object definition', { apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: 'a' }, spec: { type: 'openapi', lifecycle: 'production', owner: 'x', definition: { openapi: '3.0.0' } } }],
  ['group without children', { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'g' }, spec: { type: 'team' } }],
  ['group with empty children', { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'g' }, spec: { type: 'team', children: [] } }],
  ['user without memberOf', { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'u' }, spec: {} }],
  ['location without spec', { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'l' } }],
  ['location with targets', { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'l' }, spec: { targets: ['./a.yaml'] } }],
  ['system without owner', { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 's' }, spec: {} }],
  ['domain', { apiVersion: 'backstage.io/v1alpha1', kind: 'Domain', metadata: { name: 'd' }, spec: { owner: 'x' } }],
  ['resource without type', { apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'r' }, spec: { owner: 'x' } }],
  ['template v1beta3', { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 't' }, spec: { type: 'service', steps: [{ action: 'debug:log' }] } }],
  ['template step without action', { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 't' }, spec: { type: 'service', steps: [{ id: 'x' }] } }],
  ['template wrong apiVersion', { apiVersion: 'backstage.io/v1alpha1', kind: 'Template', metadata: { name: 't' }, spec: { type: 'service', steps: [] } }],
  ['yaml 1.1 boolean-looking value', parse('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: svc}\nspec: {type: service, lifecycle: yes, owner: team-a}\n')],
];

async function ourVerdict(entity: unknown): Promise<boolean> {
  const text = JSON.stringify(entity);
  const parsed = parseYaml(text, 'e.yaml');
  const { entities } = collectEntities([{ file: 'e.yaml', ...parsed }], { placeholderSources: new Map() });
  return (await checkBackstageModel(entities[0])).length === 0;
}

describe('conformance with a real Backstage catalog (validate-entity)', () => {
  const { baseUrl, token, fixturesUrl, fixturesDir } = inject('backstage');
  // Location targets are read by the real catalog, so the one the corpus names must exist.
  beforeAll(() => writeFile(join(fixturesDir, 'a.yaml'), JSON.stringify(base)));

  it.each(corpus)('%s', async (_name, entity) => {
    const response = await fetch(`${baseUrl}/api/catalog/validate-entity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ entity, location: `url:${fixturesUrl}/catalog-info.yaml` }),
    });
    expect([200, 400]).toContain(response.status);
    expect(await ourVerdict(entity)).toBe(response.status === 200);
  });
});

describe('the example organisation in a real Backstage', () => {
  const { baseUrl, token } = inject('backstage');
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  it('ingests every entity the gate sees, with no processing errors', async () => {
    const { loadEntities } = await import('../../src/scorecards/prepareScorecards.ts');
    const { REPO_ROOT } = await import('../helpers/tempRepo.ts');
    const refs = (await loadEntities(REPO_ROOT)).entities.map(e => e.ref!);
    const deadline = Date.now() + 60_000;
    let missing: string[] = refs;
    while (missing.length > 0 && Date.now() < deadline) {
      const res = await fetch(`${baseUrl}/api/catalog/entities/by-refs`, { method: 'POST', headers, body: JSON.stringify({ entityRefs: refs, fields: ['kind', 'metadata.name'] }) });
      const { items } = (await res.json()) as { items: unknown[] };
      missing = refs.filter((_, i) => items[i] === null);
      if (missing.length) await new Promise(r => setTimeout(r, 500));
    }
    expect(missing).toEqual([]);
    const pending = await (await fetch(`${baseUrl}/api/catalog/entities/unprocessed/pending`, { headers })).json() as { entities: { entity_ref: string; errors: unknown[] }[] };
    expect(pending.entities.filter(e => e.errors?.length && refs.includes(e.entity_ref))).toEqual([]);
  }, 90_000);
});
