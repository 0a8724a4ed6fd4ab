import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Findings name an entity by Backstage's ref, which stringifyEntityRef lower-cases: two copies written
// My-Service and my-service were both called 'component:default/my-service', a word line 4 never holds,
// and only the hint said refs are case-insensitive. The message now names the copies as written.
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;

describe('entity-duplicate between copies spelled in other letter cases', () => {
  it('names each spelling as written, keeping the lower-cased ref Backstage uses', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': `${component('My-Service')}---\n${component('my-service')}` });
    const run = await runBin(['check', '--format', 'json'], root);
    await rm(root, { recursive: true, force: true });
    const duplicates = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'entity-duplicate');
    expect(duplicates).toHaveLength(2);
    expect(duplicates[0].message).toMatch(/^component:default\/my-service is defined again later in this file \(line 13\)/);
    expect(duplicates[0].message).toContain('The copies are written Component:default/My-Service, Component:default/my-service: Backstage compares refs in lower case, so these are one entity.');
    expect(duplicates[1].message).toContain('The copies are written Component:default/my-service, Component:default/My-Service');
  }, 60_000);

  it('copies spelled alike say nothing more', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': `${component('orders')}---\n${component('orders')}` });
    const run = await runBin(['check', '--format', 'json'], root);
    await rm(root, { recursive: true, force: true });
    const duplicates = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'entity-duplicate');
    expect(duplicates).toHaveLength(2);
    expect(duplicates.every(d => !d.message.includes('The copies are written'))).toBe(true);
  }, 60_000);

  // Three copies in one file: the middle one was told its copies were all "later" (line 5 among them), and
  // the last one that Backstage drops "the earlier one" when it drops two.
  it('three copies in one file: each copy names which lines are earlier, which later, and the one Backstage keeps', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': [1, 2, 3].map(() => component('same')).join('---\n') });
    const run = await runBin(['check', '--format', 'json'], root);
    await rm(root, { recursive: true, force: true });
    const duplicates = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'entity-duplicate');
    expect(duplicates.map(d => d.message)).toEqual([
      'component:default/same is defined again later in this file (line 13, line 22); Backstage keeps only the last document (line 22) and drops this one without any message.',
      'component:default/same is defined again later in this file (line 22) and earlier (line 4); Backstage keeps only the last document (line 22) and drops this one without any message.',
      'component:default/same is also defined earlier in this file (line 4, line 13); Backstage keeps this later document and drops the earlier ones without any message.',
    ]);
  }, 60_000);
});

// The same for the "did you mean" of an unresolved reference: owner: Platform-Team beside a group written
// Platform-Teams was told 'Did you mean group:default/platform-teams?', a spelling no file holds.
describe('a suggestion for an unresolved reference', () => {
  it('names the suggested entity as its metadata.name writes it', async () => {
    const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: Platform-Teams\nspec:\n  type: team\n  children: []\n';
    const root = await tempRepo({ 'catalog-info.yaml': `${group}---\n${component('svc').replace('user:guest', 'Platform-Team')}` });
    const run = await runBin(['check', '--format', 'json'], root);
    await rm(root, { recursive: true, force: true });
    const unresolved = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string; hint: string }[] }).diagnostics.filter(d => d.ruleId === 'ref-unresolved');
    expect(unresolved.map(d => d.hint)).toEqual(['Did you mean group:default/Platform-Teams?']);
    expect(unresolved[0].message).toBe('spec.owner refers to group:default/platform-team, which is not defined in this catalog.');
  }, 60_000);
});
