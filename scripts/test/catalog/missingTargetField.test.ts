import { describe, expect, it } from 'vitest';
import { baseTree } from './fixtureOrg.ts';
import { edit, type Tree } from './gateCases.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; file: string; message: string; hint?: string; missingTarget?: { via: string; value: string; path: string } }

// session 12: strayDefinitions recovered a missing placeholder's value and target by matching the text of
// its message, so any rewording silently lost the "Did you mean". The finding now carries them itself, in
// every output that carries the Diagnostic (check --format json here).

async function findings(tree: Tree): Promise<Finding[]> {
  const root = await tempRepo(tree, { policies: true });
  const run = await runBin(['check', '--format', 'json'], root);
  return (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'placeholder-target-missing');
}

describe('placeholder-target-missing carries what was written and where it leads', () => {
  it('$text with a misspelt path: the fields, and the did-you-mean read from them', async () => {
    const tree = baseTree();
    edit('catalog/orders.yaml', '$text: ./openapi.yaml', '$text: ./opnapi.yaml')(tree);
    const [missing] = await findings(tree);
    expect(missing.missingTarget).toEqual({ via: '$text', value: './opnapi.yaml', path: 'catalog/opnapi.yaml' });
    expect(missing.hint).toMatch(/^Did you mean \.\/openapi\.yaml\?/);
  }, 60_000);

  it('a $ref under $openapi to a file that does not exist', async () => {
    const tree = baseTree();
    edit('catalog/orders.yaml', '$text: ./openapi.yaml', '$openapi: ./openapi.yaml')(tree);
    edit('gitops.config.yaml', 'catalog:\n', 'catalog:\n  placeholderResolvers: [openapi]\n')(tree);
    edit('catalog/openapi.yaml', 'paths: {}\n', "paths: {}\ncomponents:\n  schemas:\n    Order:\n      $ref: './comon.yaml#/Order'\n")(tree);
    Object.assign(tree, { 'catalog/common.yaml': 'Order:\n  type: object\n' });
    const [missing] = await findings(tree);
    expect(missing.missingTarget).toEqual({ via: '$ref', value: './comon.yaml#/Order', path: 'catalog/comon.yaml' });
    expect(missing.hint).toMatch(/^Did you mean \.\/common\.yaml\?/);
  }, 60_000);
});
