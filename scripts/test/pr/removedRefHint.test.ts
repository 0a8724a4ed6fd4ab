import { execFileSync } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A pull request that deletes an entity another team still depends on: the other team's reference was
// told "Did you mean component:default/svc-c?", a different service with a similar name, as if it were a typo.
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });
const ROOT = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./org.yaml, ./svc-a.yaml, ./svc-b.yaml, ./svc-c.yaml]\n';
const ORG = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n';
const svc = (name: string, deps = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ${name}}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n${deps}`;

interface Finding { ruleId: string; severity: string; file: string; hint?: string; message: string }

describe('check --base: a reference to an entity the change removes', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });

  it('says the change removes it and where it was, not "Did you mean" a similar name; a typo keeps its guess', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n', 'catalog/all.yaml': ROOT, 'catalog/org.yaml': ORG, 'catalog/svc-a.yaml': svc('svc-a'), 'catalog/svc-b.yaml': svc('svc-b', '  dependsOn: [component:svc-a]\n'), 'catalog/svc-c.yaml': svc('svc-c') });
    roots.push(root);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    unlinkSync(join(root, 'catalog/svc-a.yaml'));
    writeFileSync(join(root, 'catalog/all.yaml'), ROOT.replace('./svc-a.yaml, ', ''));
    // And a typo of its own, which is no removal.
    writeFileSync(join(root, 'catalog/svc-c.yaml'), svc('svc-c', '  dependsOn: [component:svc-bb]\n'));
    git(root, 'commit', '-qam', 'svc-a is gone');
    const run = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(run.status).toBe(1);
    const unresolved = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'ref-unresolved');
    expect(unresolved.map(d => d.file)).toEqual(['catalog/svc-b.yaml', 'catalog/svc-c.yaml']);
    expect(unresolved[0].hint).toBe('component:default/svc-a is defined in catalog/svc-a.yaml on main, and this change removes or renames it: keep it, or change this reference to what replaces it first (`report --base` lists everything that still uses it).');
    expect(unresolved[1].hint).toBe('Did you mean component:default/svc-b?');
    // Without --base nothing is known of a removal; svc-b and svc-c are siblings in a lettered naming scheme,
    // other services, so the plain check guesses neither.
    const plain = (JSON.parse((await runBin(['check', '--format', 'json'], root)).stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'ref-unresolved');
    expect(plain[0].hint).toMatch(/^Add the entity, fix the name/);
  }, 120_000);
});
