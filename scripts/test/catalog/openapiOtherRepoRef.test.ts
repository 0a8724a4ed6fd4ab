import { describe, expect, it } from 'vitest';
import { baseTree } from './fixtureOrg.ts';
import { edit, type Tree } from './gateCases.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number } } }

// Red team, round 23: catalog-backend-module-openapi bundles a $openapi/$asyncapi definition with the backend's
// own URL reader (its GitHub/Azure credentials) and, unlike catalog-backend's $text/$json/$yaml
// (assertSameRepository), never checks that a $ref stays in the entity's repository. A team's definition with
// `$ref: https://github.com/acme/<private repo>/blob/main/x.yaml` has Backstage read that file and publish it
// in the API's definition to every catalog reader. The gate said `info` ("a web address") and passed.
function openapiTree(refs: string[], resolver = '$openapi'): Tree {
  const tree = baseTree();
  edit('catalog/orders.yaml', '$text: ./openapi.yaml', `${resolver}: ./openapi.yaml`)(tree);
  edit('gitops.config.yaml', 'catalog:\n', 'catalog:\n  placeholderResolvers: [openapi]\n')(tree);
  const schemas = refs.map((ref, i) => `    S${i}:\n      $ref: '${ref}'\n`).join('');
  edit('catalog/openapi.yaml', 'paths: {}\n', `paths: {}\ncomponents:\n  schemas:\n${schemas}`)(tree);
  return tree;
}

async function findings(tree: Tree) {
  const root = await tempRepo(tree, { policies: true });
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).toBe('');
  return { status: run.status, found: (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.severity !== 'info' && d.ruleId !== 'location-unreachable') };
}

describe('$openapi: a $ref into another git repository (check, through the bin)', () => {
  it('is placeholder-outside-repo at the $ref, as $text to that file is', async () => {
    const { status, found } = await findings(openapiTree(['https://github.com/acme/hr-private/blob/main/salaries.yaml#/Salary']));
    expect(found.map(f => `${f.ruleId}@${f.file}:${f.range.start.line}`)).toEqual(['placeholder-outside-repo@catalog/openapi.yaml:7']);
    expect(found[0].message).toContain('another git repository');
    expect(status).toBe(1);
  }, 60_000);

  it('also when the URL names this repository and climbs out of it with .. (URL resolution lands in the other)', async () => {
    const { found } = await findings(openapiTree(['https://github.com/acme/control/blob/main/../../hr-private/blob/main/salaries.yaml']));
    expect(found.map(f => `${f.ruleId}@${f.file}:${f.range.start.line}`)).toEqual(['placeholder-outside-repo@catalog/openapi.yaml:7']);
  }, 60_000);

  // A pointer into a web address was also an error: the bundler here reads the address as an empty document
  // and so missed `#/Money` ("placeholder-target-missing … https:/schemas.example.test/money.yaml does not have").
  it('a plain web URL (with a pointer too) and a URL into this same repository stay allowed', async () => {
    const { status, found } = await findings(openapiTree(['https://schemas.example.test/money.yaml', 'https://schemas.example.test/common.yaml#/Money', 'https://github.com/acme/control/blob/main/catalog/openapi.yaml#/paths']));
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it('$text hands the text over unbundled (the browser reads the $ref, with its own access): no such error', async () => {
    const { found } = await findings(openapiTree(['https://github.com/acme/hr-private/blob/main/salaries.yaml'], '$text'));
    expect(found.filter(f => f.ruleId === 'placeholder-outside-repo')).toEqual([]);
  }, 60_000);
});

// Fresh user 13 (janus-idp/backstage-showcase, whose backend adds the openapi module): the placeholder itself
// naming another repository's file was said in catalog-backend's words for $text ("Placeholder may only reference
// files from the same repository as the entity"), which the module's resolver never says: Backstage reads it.
describe('$openapi naming another git repository itself (check, through the bin)', () => {
  it('says why: the module reads it unchecked with Backstage\'s credentials, not that Backstage refuses it', async () => {
    const tree = openapiTree([]);
    edit('catalog/orders.yaml', '$openapi: ./openapi.yaml', '$openapi: https://github.com/acme/hr-private/blob/main/openapi.yaml')(tree);
    const { status, found } = await findings(tree);
    expect(found.map(f => `${f.ruleId}@${f.file}`)).toEqual(['placeholder-outside-repo@catalog/orders.yaml']);
    expect(found[0].message).toContain('catalog-backend-module-openapi reads it');
    expect(found[0].message).not.toContain('may only reference files from the same repository');
    expect(status).toBe(1);
  }, 60_000);

  it('$text naming it keeps catalog-backend\'s own refusal', async () => {
    const tree = openapiTree([]);
    edit('catalog/orders.yaml', '$openapi: ./openapi.yaml', '$text: https://github.com/acme/hr-private/blob/main/openapi.yaml')(tree);
    const { found } = await findings(tree);
    expect(found.map(f => f.ruleId)).toContain('placeholder-outside-repo');
    expect(found.find(f => f.ruleId === 'placeholder-outside-repo')?.message).toContain('may only reference files from the same repository');
  }, 60_000);
});
