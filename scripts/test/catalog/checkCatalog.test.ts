import { describe, expect, it } from 'vitest';
import { baseTree } from './fixtureOrg.ts';
import { cases } from './gateCases.ts';
import { checkTree, summarise, tempRepo } from '../helpers/tempRepo.ts';

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
