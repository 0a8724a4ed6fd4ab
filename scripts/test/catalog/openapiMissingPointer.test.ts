import { describe, expect, it } from 'vitest';
import { baseTree } from './fixtureOrg.ts';
import { edit, type Tree } from './gateCases.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }

// catalog-backend-module-openapi bundles a $openapi definition with json-schema-ref-parser: a $ref whose file
// exists but whose pointer does not (`./common.yaml#/Nope`) stops the bundle with MissingPointerError, and
// Backstage refuses the entity. The gate reported only missing files.
function openapiTree(ref: string, files: Record<string, string> = {}): Tree {
  const tree = baseTree();
  edit('catalog/orders.yaml', '$text: ./openapi.yaml', '$openapi: ./openapi.yaml')(tree);
  edit('gitops.config.yaml', 'catalog:\n', 'catalog:\n  placeholderResolvers: [openapi]\n')(tree);
  edit('catalog/openapi.yaml', 'paths: {}\n', `paths: {}\ncomponents:\n  schemas:\n    Order:\n      $ref: '${ref}'\n`)(tree);
  return Object.assign(tree, { 'catalog/common.yaml': 'Order:\n  type: object\n' }, files);
}

async function findings(tree: Tree) {
  const root = await tempRepo(tree, { policies: true });
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).toBe('');
  return { status: run.status, found: (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId !== 'location-unreachable') };
}

describe('$openapi: a $ref pointer the bundler cannot find (check, through the bin)', () => {
  it.each([
    ['in another file', './common.yaml#/Nope', {}, 'catalog/openapi.yaml:7:13', 'catalog/common.yaml'],
    ['inside the definition itself', '#/components/schemas/Nope', {}, 'catalog/openapi.yaml:7:13', 'catalog/openapi.yaml'],
    ['below a key that is no mapping', './common.yaml#/Order/type/x', {}, 'catalog/openapi.yaml:7:13', 'catalog/common.yaml'],
    ['two files down', './schemas/x.yaml#/A', { 'catalog/schemas/x.yaml': 'A:\n  $ref: ../common.yaml#/Zip\n' }, 'catalog/schemas/x.yaml:2:9', 'catalog/common.yaml'],
  ])('%s: placeholder-target-missing at the $ref, as Backstage refuses the entity', async (_, ref, files, at, target) => {
    const { status, found } = await findings(openapiTree(ref, files));
    expect(found.map(f => `${f.ruleId}@${f.file}:${f.range.start.line}:${f.range.start.column}`)).toEqual([`placeholder-target-missing@${at}`]);
    expect(found[0].message).toContain(`which ${target} does not have`);
    expect(found[0].message).toContain('Missing $ref pointer');
    expect(status).toBe(1);
  }, 60_000);

  it('a malformed pointer (no leading /): InvalidPointerError, at the $ref', async () => {
    const { found } = await findings(openapiTree('./common.yaml#Order'));
    expect(found.map(f => `${f.ruleId}@${f.file}:${f.range.start.line}`)).toEqual(['placeholder-target-missing@catalog/openapi.yaml:7']);
    expect(found[0].message).toContain('a pointer that does not start with #/');
  }, 60_000);

  it('pointers that exist (escaped ones too) are quiet', async () => {
    const { status, found } = await findings(openapiTree('./common.yaml#/a~1b', { 'catalog/common.yaml': 'a/b:\n  type: object\n' }));
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);
});

describe('$openapi: a $ref to a misspelt file (check, through the bin)', () => {
  it('the $ref says which file was meant, and that file, stranded, points back at the $ref', async () => {
    const root = await tempRepo(openapiTree('./comon.yaml#/Order'), { policies: true });
    const run = await runBin(['check', '--format', 'json'], root);
    const all = JSON.parse(run.stdout).diagnostics as (Finding & { hint?: string })[];
    const missing = all.filter(d => d.ruleId === 'placeholder-target-missing');
    expect(missing.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual(['catalog/openapi.yaml:7:13']);
    expect(missing[0].hint).toMatch(/^Did you mean \.\/common\.yaml\? /);
    const stranded = all.filter(d => d.ruleId === 'location-unreachable');
    expect(stranded.map(d => d.file)).toEqual(['catalog/common.yaml']);
    expect(stranded[0].hint).toBe('The $ref at catalog/openapi.yaml:7:13 names "./comon.yaml#/Order", which does not exist: point it at this file (./common.yaml). Do not list this file as a Location target: Backstage fails a Location whose file holds no entity.');
  }, 60_000);
});
