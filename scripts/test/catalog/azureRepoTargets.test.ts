import { describe, expect, it } from 'vitest';
import { resolveRelative, resolveTarget } from '../../src/catalog/locationTargets.ts';

const AZURE = 'https://dev.azure.com/contoso/Platform/_git/backstage-control?version=GBmain&path=/';
const context = { repoUrl: AZURE, repoFiles: ['catalog/all.yaml', 'catalog/systems/a/entities.yaml', 'templates/all.yaml', 'templates/x/template.yaml'], repoFileSet: new Set(['catalog/all.yaml', 'catalog/systems/a/entities.yaml', 'templates/all.yaml', 'templates/x/template.yaml']) };

describe('Location targets in an Azure Repos repo (files addressed by ?path=), resolved as the Azure integration resolves them', () => {
  it.each([
    ['templates/all.yaml', './x/template.yaml', { kind: 'files', files: ['templates/x/template.yaml'], pattern: 'templates/x/template.yaml' }],
    ['catalog/all.yaml', './systems/a/entities.yaml', { kind: 'files', files: ['catalog/systems/a/entities.yaml'], pattern: 'catalog/systems/a/entities.yaml' }],
    ['catalog/all.yaml', '../templates/all.yaml', { kind: 'files', files: ['templates/all.yaml'], pattern: 'templates/all.yaml' }],
    ['catalog/all.yaml', `${AZURE}catalog/systems/a/entities.yaml`, { kind: 'files', files: ['catalog/systems/a/entities.yaml'], pattern: 'catalog/systems/a/entities.yaml' }],
    ['catalog/all.yaml', 'https://dev.azure.com/contoso/Platform/_git/other?version=GBmain&path=/x.yaml', { kind: 'external', url: 'https://dev.azure.com/contoso/Platform/_git/other?version=GBmain&path=/x.yaml' }],
    ['catalog/all.yaml', 'https://dev.azure.com/contoso/Platform/_git/backstage-control?version=GBdev&path=/x.yaml', { kind: 'external', url: 'https://dev.azure.com/contoso/Platform/_git/backstage-control?version=GBdev&path=/x.yaml' }],
  ])('%s → %s', (from, target, expected) => {
    expect(resolveTarget(from, 'url', target, context)).toEqual(expected);
  });

  it('a placeholder beside the file resolves into the repo', () => {
    expect(resolveRelative('catalog/systems/a/entities.yaml', './openapi.yaml', AZURE)).toBe('catalog/systems/a/openapi.yaml');
  });
});
