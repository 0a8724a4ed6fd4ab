import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// `check .` in this repo said 89 errors where `check` said none: walking the given folder read the toolkit's
// test fixtures (entities no root reaches, outside catalog.include) as catalog files, each one duplicating
// or breaking what the real catalog holds. With roots, the whole run judges what they reach and, unreached,
// what catalog.include names; a folder's walk judges no more than that. A file named itself is still judged.
// And a given file catalog.include names that no root reaches passed `check <it>` (a pre-commit hook) with ✔
// while CI failed it with location-unreachable: the run over given paths now says it too.
const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;
const component = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

interface Finding { ruleId: string; file: string }
const found = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`).sort();

describe('check <a folder> in a repo with roots', () => {
  const repo = () => tempRepo({
    'gitops.config.yaml': "catalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n",
    'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets: [./groups.yaml, ./shop.yaml]\n---\n${group('team-a')}`,
    'catalog/groups.yaml': group('team-b'),
    'catalog/shop.yaml': component('shop', 'group:team-a'),
    // Fixtures and examples no root reaches and catalog.include does not name: a full run never reads them.
    'test/fixtures/dup.yaml': component('shop', 'group:nobody'),
    'test/fixtures/nested/loc.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: fixture\nspec:\n  targets: [../broken.yaml]\n',
    'test/fixtures/broken.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Bad Name\n',
    'docs/example-entity.yaml': component('example', 'group:nobody'),
  });

  it('judges what the whole run judges: `check .` and `check` say the same', async () => {
    const root = await repo();
    const whole = await runBin(['check', '--format', 'json'], root);
    const dot = await runBin(['check', '.', '--format', 'json'], root);
    expect(found(whole.stdout)).toEqual([]);
    expect(found(dot.stdout)).toEqual(found(whole.stdout));
    expect(dot.status).toBe(0);
    const test = await runBin(['check', 'test', '--format', 'json'], root);
    expect(found(test.stdout)).toEqual([]);
  }, 60_000);

  it('still judges an unreached file catalog.include names, and a file named itself', async () => {
    const root = await repo();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${root}/catalog/stray.yaml`, component('stray', 'group:team-a'));
    const dot = await runBin(['check', '.', '--format', 'json'], root);
    expect(found(dot.stdout)).toContain('location-unreachable@catalog/stray.yaml');
    expect(found(dot.stdout).filter(f => !f.startsWith('location-unreachable'))).toEqual([]);
    const named = await runBin(['check', 'test/fixtures/dup.yaml', '--format', 'json'], root);
    expect(found(named.stdout).some(f => f.endsWith('@test/fixtures/dup.yaml'))).toBe(true);
    expect(named.status).toBe(1);
  }, 60_000);
});
