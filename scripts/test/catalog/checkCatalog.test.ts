import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { baseTree } from './fixtureOrg.ts';
import { cases } from './gateCases.ts';
import { checkTree, summarise, tempRepo } from '../helpers/tempRepo.ts';
import { positionMismatches } from '../helpers/positions.ts';
import { ResultCache } from '../../src/cache/resultCache.ts';

describe('catalog gate', () => {
  it('passes the valid fixture organisation', async () => {
    const root = await tempRepo(baseTree(), { policies: true });
    expect(summarise(await checkTree(root))).toEqual([]);
  });

  it.each(cases)('%s', async (_name, change, expected) => {
    const tree = baseTree();
    change(tree);
    const root = await tempRepo(tree, { policies: true });
    const actual = summarise(await checkTree(root));
    if (process.env.SHOW_ACTUAL) console.log(`CASE ${_name} => ${JSON.stringify(actual)}`);
    expect(actual).toEqual([...expected].sort());
  });
});

// The fast paths (positions without a second parse, --cache) must not change a single finding.
describe('catalog gate, the same on every path', () => {
  it.each(cases)('%s: positions equal a full parse, findings equal with a cold and a warm cache', async (_name, change) => {
    const tree = baseTree();
    change(tree);
    const root = await tempRepo(tree, { policies: true });
    for (const file of Object.keys(tree).filter(f => /\.ya?ml$/.test(f))) {
      expect(positionMismatches(await readFile(`${root}/${file}`, 'utf8'), file)).toEqual([]);
    }
    const plain = JSON.stringify(await checkTree(root));
    const cold = ResultCache.read(undefined, 'key');
    expect(JSON.stringify(await checkTree(root, [], cold))).toBe(plain);
    const warm = ResultCache.read(cold.serialize(), 'key');
    expect(warm.notice).toBeUndefined();
    expect(JSON.stringify(await checkTree(root, [], warm))).toBe(plain);
    expect(warm.hits.files).toBeGreaterThan(1);
    expect(warm.hits.entities).toBeGreaterThan(3);
    expect(warm.serialize()).toBe(cold.serialize());
    expect([cold.needsWrite(), warm.needsWrite()]).toEqual([true, false]);
  });
});
