import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; file: string; hint?: string }

// A workshop: each chapter's folder holds a complete catalog of the same entities.
const CHAPTER = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: shop}\nspec: {type: service, lifecycle: experimental, owner: platform}\n';
const workshop = () => tempRepo({ 'workshop/step1/catalog-info.yaml': CHAPTER, 'workshop/step2/catalog-info.yaml': CHAPTER });

describe('entity-duplicate across files without roots (check --root, through the bin)', () => {
  it('names catalog.roots, the setting that says which files Backstage registers', async () => {
    const root = await workshop();
    const run = await runBin(['check', '--root', root, '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]);
    expect(found.map(d => `${d.ruleId}@${d.file}`)).toEqual(Array(2).fill('entity-duplicate@workshop/step1/catalog-info.yaml').concat(Array(2).fill('entity-duplicate@workshop/step2/catalog-info.yaml')));
    for (const d of found) expect(d.hint).toContain('Without catalog.roots every catalog file in the repo that no other file\'s Location reaches counts as registered');
    expect(found[0].hint).toContain('e.g. catalog: {roots: [workshop/step1/catalog-info.yaml]}');
    expect(run.status).toBe(1);
    // As the hint says: with roots naming the chapter Backstage registers, the others are not judged as registered.
    await writeFile(join(root, 'gitops.config.yaml'), 'catalog:\n  roots: [workshop/step2/catalog-info.yaml]\n');
    const rooted = await runBin(['check', '--format', 'json'], root);
    expect(JSON.parse(rooted.stdout).diagnostics).toEqual([]);
    expect(rooted.status).toBe(0);
  });

  it('keeps the plain hint where roots say what is registered, or the copy is in the same file', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [all.yaml]\n', 'all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./a.yaml, ./b.yaml]\n', 'a.yaml': CHAPTER, 'b.yaml': CHAPTER });
    const found = JSON.parse((await runBin(['check', '--format', 'json'], root)).stdout).diagnostics as Finding[];
    expect(found.length).toBe(4);
    for (const d of found) expect(d.hint).toBe('Entity refs are case-insensitive: rename one entity or remove the copy.');
    const same = await tempRepo({ 'catalog-info.yaml': `${CHAPTER}---\n${CHAPTER}` });
    const inFile = JSON.parse((await runBin(['check', '--root', same, '--format', 'json'], same)).stdout).diagnostics as Finding[];
    expect(inFile.filter(d => d.ruleId === 'entity-duplicate').map(d => d.hint)).toEqual(Array(4).fill('Entity refs are case-insensitive: rename one entity or remove the copy.'));
  });

  // Fresh user 13 (benwilcock/backstage-catalogs): enterprise/*.yaml are read through enterprise-catalog-index.yaml,
  // a Location the app-config registers; the hint's example named the copy itself as the root, which would leave
  // every other file of that Location unjudged. It names the topmost Location file that reads the copy.
  it('names, as the example root, the Location file that reads the copy (through a nested Location too)', async () => {
    const location = (name: string, target: string) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: ${name}}\nspec:\n  targets: [${target}]\n`;
    const root = await tempRepo({
      'index.yaml': location('index', './enterprise/all.yaml'),
      'enterprise/all.yaml': location('enterprise', './platform.yaml'),
      'enterprise/platform.yaml': CHAPTER,
      'system.yaml': CHAPTER,
    });
    const found = JSON.parse((await runBin(['check', '--root', root, '--format', 'json'], root)).stdout).diagnostics as Finding[];
    const roots = found.filter(d => d.ruleId === 'entity-duplicate').map(d => `${d.file} => ${/roots: \[[^\]]*\]/.exec(d.hint ?? '')?.[0]}`);
    expect(roots).toEqual([...Array(2).fill('enterprise/platform.yaml => roots: [index.yaml]'), ...Array(2).fill('system.yaml => roots: [system.yaml]')]);
  });
});
