import { describe, expect, it } from 'vitest';
import type { CatalogEntity } from '../../src/catalog/catalogEntity.ts';
import type { RemoteEntity } from '../../src/sync/catalogApi.ts';
import { planAdoption } from '../../src/sync/planAdoption.ts';
import { formatPlan, planSync, sourceFileOf } from '../../src/sync/planSync.ts';

const OLD = 'url:https://github.com/acme/orders/blob/main/catalog-info.yaml';
const remote = (kind: string, name: string, origin = OLD): RemoteEntity => ({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name, uid: `uid-${name}`, annotations: { 'backstage.io/managed-by-origin-location': origin } } });
const desired = (kind: string, name: string): CatalogEntity => ({ file: 'catalog/systems/orders/entities.yaml', document: 0, locate: () => ({ start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }), raw: {}, entity: {}, kind, namespace: 'default', name, ref: `${kind}:default/${name}`.toLowerCase() });
const locations = [{ id: 'loc-1', type: 'url', target: OLD.slice(4) }];

describe('planAdoption', () => {
  it('replaces a location whose every entity the repo defines (its Location entities aside)', () => {
    const held = new Map([[OLD, [remote('Component', 'orders-api'), remote('Location', 'generated-abc')]]]);
    const plan = planAdoption([{ desired: desired('Component', 'orders-api'), actual: remote('Component', 'orders-api') }], held, locations, new Set(['component:default/orders-api']));
    expect(plan.replace).toEqual([{ origin: OLD, id: 'loc-1', adopted: 1 }]);
    expect(plan.adopt.map(a => a.desired.ref)).toEqual(['component:default/orders-api']);
  });

  it('keeps a location that also holds entities the repo does not define, and adopts nothing from it', () => {
    const held = new Map([[OLD, [remote('Component', 'orders-api'), remote('Component', 'orders-worker')]]]);
    const plan = planAdoption([{ desired: desired('Component', 'orders-api'), actual: remote('Component', 'orders-api') }], held, locations, new Set(['component:default/orders-api']));
    expect(plan.adopt).toEqual([]);
    expect(plan.replace[0].blocked).toBe('it also holds 1 entity this repo does not define (component:default/orders-worker): import them too, or remove them from it first');
  });

  it('keeps a location Backstage reads from app-config (the API cannot remove it)', () => {
    const plan = planAdoption([{ desired: desired('Component', 'orders-api'), actual: remote('Component', 'orders-api') }], new Map([[OLD, [remote('Component', 'orders-api')]]]), [], new Set(['component:default/orders-api']));
    expect(plan.replace[0]).toMatchObject({ origin: OLD, adopted: 0, blocked: expect.stringContaining('app-config') });
  });

  it('the plan names the location it replaces and each adopted entity, with Backstage-supplied text made inert', () => {
    const hostile = 'url:https://x/`</code><img src=x>.yaml';
    const plan = planSync([desired('Component', 'orders-api')], [], ['url:https://new/catalog/all.yaml'], 'https://new/');
    Object.assign(plan, planAdoption([{ desired: desired('Component', 'orders-api'), actual: remote('Component', 'orders-api', hostile) }], new Map([[hostile, []]]), [{ id: 'l', type: 'url', target: hostile.slice(4) }], new Set()));
    expect(formatPlan(plan)).toBe([
      '### Backstage sync plan',
      '',
      '1 to add (1 adopted from 1 location(s) it replaces) · 0 to update · 0 to remove · 0 unchanged',
      '',
      '- 🔁 location <code>url:https:\u200b//x/&#96;&lt;/code&gt;&lt;img src=x&gt;.yaml</code> is replaced: its 1 entity moves to this repo',
      '- 🔁 <code>component:default/orders-api</code> (adopted from <code>url:https:\u200b//x/&#96;&lt;/code&gt;&lt;img src=x&gt;.yaml</code> into catalog/systems/orders/entities.yaml)',
      '',
    ].join('\n'));
  });
});

describe('sourceFileOf', () => {
  const at = (location: string): RemoteEntity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x', annotations: { 'backstage.io/managed-by-location': location } } });
  it.each([
    ['url:https://github.com/globex/c/blob/main/catalog/a.yaml', 'https://github.com/globex/c/blob/main/', 'catalog/a.yaml'],
    ['url:https://github.com/other/c/blob/main/catalog/a.yaml', 'https://github.com/globex/c/blob/main/', undefined],
    ['url:https://dev.azure.com/o/p/_git/c?version=GBmain&path=%2Fcatalog%2Fa.yaml', 'https://dev.azure.com/o/p/_git/c?version=GBmain&path=/', 'catalog/a.yaml'],
    ['url:https://dev.azure.com/o/p/_git/c?version=GBmain&path=/catalog/a.yaml', 'https://dev.azure.com/o/p/_git/c?version=GBmain&path=/', 'catalog/a.yaml'],
    ['url:https://dev.azure.com/o/p/_git/other?version=GBmain&path=/catalog/a.yaml', 'https://dev.azure.com/o/p/_git/c?version=GBmain&path=/', undefined],
    ['msgraph:default/jane', 'https://dev.azure.com/o/p/_git/c?version=GBmain&path=/', undefined],
  ])('%s under %s → %s', (location, repoUrl, file) => {
    expect(sourceFileOf(at(location), repoUrl)).toBe(file);
  });
});
