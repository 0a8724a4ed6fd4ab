import { describe, expect, it } from 'vitest';
import { baseTree } from './fixtureOrg.ts';
import { edit, type Tree } from './gateCases.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; range: { start: { line: number } } }

// red24: the check for a $ref into another git repository knew it by `^https?://`, as written. Backstage
// resolves and reads the $ref as a WHATWG URL (defaultScmResolveUrl, then the URL reader's `new URL`), which
// trims leading blanks and controls and takes `https:/host`, `https:\\host` and `HTTPS://` as `https://host`:
// catalog-backend-module-openapi hands each of these spellings to the GitHub reader, which fetches
// api.github.com/repos/acme/hr-private/contents/… with the integration's token. The gate said nothing.
function openapiTree(refs: string[]): Tree {
  const tree = baseTree();
  edit('catalog/orders.yaml', '$text: ./openapi.yaml', '$openapi: ./openapi.yaml')(tree);
  edit('gitops.config.yaml', 'catalog:\n', 'catalog:\n  placeholderResolvers: [openapi]\n')(tree);
  const schemas = refs.map((ref, i) => `    S${i}:\n      $ref: ${JSON.stringify(ref)}\n`).join('');
  edit('catalog/openapi.yaml', 'paths: {}\n', `paths: {}\ncomponents:\n  schemas:\n${schemas}`)(tree);
  return tree;
}

describe('$openapi: a $ref into another git repository, however the URL is spelt (check, through the bin)', () => {
  it.each([
    ['a leading space', ' https://github.com/acme/hr-private/blob/main/salaries.yaml'],
    ['a leading tab', '\thttps://github.com/acme/hr-private/blob/main/salaries.yaml'],
    ['one slash', 'https:/github.com/acme/hr-private/blob/main/salaries.yaml'],
    ['backslashes', 'https:\\\\github.com\\acme\\hr-private\\blob\\main\\salaries.yaml'],
    ['no slash', 'https:github.com/acme/hr-private/blob/main/salaries.yaml'],
  ])('%s: placeholder-outside-repo at the $ref', async (_, ref) => {
    const root = await tempRepo(openapiTree([ref]), { policies: true });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.severity !== 'info' && d.ruleId !== 'location-unreachable');
    expect(found.map(f => `${f.ruleId}@${f.file}:${f.range.start.line}`)).toEqual(['placeholder-outside-repo@catalog/openapi.yaml:7']);
    expect(run.status).toBe(1);
  }, 60_000);
});
