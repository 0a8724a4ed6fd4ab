import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownersOf, parseCodeowners } from '../../src/codeowners/codeowners.ts';
import { codeownersFor } from '../../src/codeowners/codeownersGate.ts';
import { loadConfig } from '../../src/config/gitopsConfig.ts';
import { loadEntities } from '../../src/scorecards/prepareScorecards.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

describe('CODEOWNERS generated from the catalog', () => {
  it('is current in this repo and routes each file to its owning team', async () => {
    const config = await loadConfig(REPO_ROOT);
    const { entities } = await loadEntities(REPO_ROOT);
    const generated = codeownersFor(config, entities)!;
    expect(readFileSync(join(REPO_ROOT, generated.file), 'utf8')).toBe(generated.text);
    const rules = parseCodeowners(generated.text);
    expect(ownersOf(rules, 'catalog/systems/orders/entities.yaml')?.owners).toEqual(['@acme/commerce-team']);
    expect(ownersOf(rules, 'catalog/systems/orders/definitions/orders-openapi.yaml')?.owners).toEqual(['@acme/commerce-team']);
    expect(ownersOf(rules, 'catalog/systems/payments-core/docs-site/docs/index.md')?.owners).toEqual(['@acme/payments-team']);
    expect(ownersOf(rules, 'scripts/src/cli/main.ts')?.owners).toEqual(['@acme/platform-team']);
    expect(ownersOf(rules, 'catalog/org/users.yaml')?.owners).toEqual(['@acme/platform-team']);
  });
});

describe('CODEOWNERS for templates', () => {
  it("routes a template and its skeleton to the template's owner and the platform team", async () => {
    const { generateCodeowners } = await import('../../src/codeowners/generateCodeowners.ts');
    const { entities } = await loadEntities(REPO_ROOT);
    const text = generateCodeowners({ entities, templates: [{ folder: 'templates/orders-job', owner: 'commerce-team', skeletons: [{ folder: 'skeletons/orders-job' }] }], platformTeam: '@acme/platform-team', platformPaths: [] });
    const rules = parseCodeowners(text);
    expect(ownersOf(rules, 'templates/orders-job/template.yaml')?.owners).toEqual(['@acme/commerce-team', '@acme/platform-team']);
    expect(ownersOf(rules, 'skeletons/orders-job/src/index.ts')?.owners).toEqual(['@acme/commerce-team', '@acme/platform-team']);
  });
});
