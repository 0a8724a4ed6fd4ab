import { describe, expect, it } from 'vitest';
import { claimIndex } from '../../src/codeowners/claimIndex.ts';

describe('claimIndex: another team\'s CODEOWNERS line for the same path, around it or inside it', () => {
  const index = claimIndex();
  index.add('/catalog/orders/entities.yaml', '@a/commerce');
  index.add('/catalog/orders/docs-site/', '@a/commerce');
  index.add('/skeletons/go/', '@a/platform');
  index.add('/skeletons/data/', '@a/data');
  it.each([
    ['/catalog/orders/docs-site/', '@a/data', { path: '/catalog/orders/docs-site/', team: '@a/commerce' }],
    ['/catalog/orders/docs-site/', '@a/commerce', undefined],
    ['/catalog/orders/docs-site/docs/index.md', '@a/data', { path: '/catalog/orders/docs-site/', team: '@a/commerce' }],
    ['/catalog/orders/', '@a/data', { path: '/catalog/orders/…', team: '@a/commerce' }],
    ['/catalog/', '@a/commerce', undefined],
    ['/skeletons/', '@a/data', { path: '/skeletons/…', team: '@a/platform' }],
    ['/skeletons/go/sub/', '@a/data', { path: '/skeletons/go/', team: '@a/platform' }],
    ['/skeletons/data/sub/', '@a/data', undefined],
    ['/skeletons/gone/', '@a/data', undefined],
    ['/skeletons/go-service/', '@a/data', undefined],
  ])('%s for %s', (path, team, expected) => {
    expect(index.otherTeamAt(path, team)).toEqual(expected);
  });
});
