import { describe, expect, it } from 'vitest';
import { fileFor, normaliseRef, selectEntity } from '../../src/import/planImport.ts';
import { originOf, stripEntity } from '../../src/import/stripEntity.ts';

const live = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-api', namespace: 'default', uid: 'u-1', etag: 'e-1', generation: 3,
    annotations: {
      'backstage.io/managed-by-location': 'url:https://github.com/acme/orders/blob/main/catalog-info.yaml',
      'backstage.io/managed-by-origin-location': 'url:https://github.com/acme/orders/blob/main/catalog-info.yaml',
      'backstage.io/view-url': 'https://github.com/acme/orders/tree/main/catalog-info.yaml',
      'backstage.io/edit-url': 'https://github.com/acme/orders/edit/main/catalog-info.yaml',
      'backstage.io/source-location': 'url:https://github.com/acme/orders/tree/main/',
      'github.com/project-slug': 'acme/orders',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a', system: 'orders' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
  status: { items: [] },
};

describe('stripEntity', () => {
  it('drops what Backstage adds and keeps what a team wrote', () => {
    expect(stripEntity(live)).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'orders-api', annotations: { 'github.com/project-slug': 'acme/orders' } },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a', system: 'orders' },
    });
  });

  it('keeps a source-location that points elsewhere than where the file was read (a team wrote it)', () => {
    const entity = { ...live, metadata: { ...live.metadata, annotations: { ...live.metadata.annotations, 'backstage.io/source-location': 'url:https://github.com/acme/orders-src/tree/main/' } } };
    expect(stripEntity(entity).metadata.annotations).toEqual({ 'backstage.io/source-location': 'url:https://github.com/acme/orders-src/tree/main/', 'github.com/project-slug': 'acme/orders' });
  });

  it('keeps a non-default namespace', () => {
    expect(stripEntity({ ...live, metadata: { ...live.metadata, namespace: 'payments' } }).metadata.namespace).toBe('payments');
  });
});

describe('originOf', () => {
  it.each([
    ['url:https://x/catalog-info.yaml', { kind: 'file', url: 'https://x/catalog-info.yaml' }],
    ['msgraph:default/jane', { kind: 'provider', provider: 'msgraph' }],
    ['github-org:production/team-a', { kind: 'provider', provider: 'github-org' }],
  ])('%s', (location, expected) => {
    expect(originOf({ ...live, metadata: { name: 'x', annotations: { 'backstage.io/managed-by-location': location } } })).toEqual(expected);
  });
});

describe('layout and selection', () => {
  it.each([
    [{ kind: 'Component', metadata: { name: 'a' }, spec: { system: 'system:default/Orders', owner: 'x' } }, 'systems/orders/entities.yaml'],
    [{ kind: 'API', metadata: { name: 'a', namespace: 'pay' }, spec: { owner: 'group:pay/team-b' } }, 'pay/teams/team-b/entities.yaml'],
    [{ kind: 'System', metadata: { name: 'Orders' }, spec: { owner: 'x' } }, 'systems/orders/entities.yaml'],
    [{ kind: 'Resource', metadata: { name: 'db' }, spec: { owner: '../../etc' } }, 'teams/etc/entities.yaml'],
    [{ kind: 'Domain', metadata: { name: 'd' }, spec: {} }, 'domains/domains.yaml'],
  ])('%j → %s', (entity, file) => {
    expect(fileFor({ apiVersion: 'backstage.io/v1alpha1', ...entity })).toBe(file);
  });

  it('selects by kind, owner (Backstage ref rules) and location prefix', () => {
    expect(normaliseRef('Team-A', 'group')).toBe('group:default/team-a');
    expect(selectEntity(live, { kinds: ['component'], owners: ['group:default/team-a'], locations: ['https://github.com/acme/orders/'] })).toBe(true);
    expect(selectEntity(live, { kinds: ['API'], owners: [], locations: [] })).toBe(false);
    expect(selectEntity(live, { kinds: [], owners: ['group:default/team-b'], locations: [] })).toBe(false);
    expect(selectEntity(live, { kinds: [], owners: [], locations: ['url:https://github.com/acme/other'] })).toBe(false);
  });
});
