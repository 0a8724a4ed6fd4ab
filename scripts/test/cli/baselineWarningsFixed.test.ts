import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// The baseline recorded only failing findings, so a legacy estate's warnings showed in every pull request's
// report; and a pull request that fixed baselined findings was told nothing, so the counts kept room for the
// same mistakes to come back unnoticed (ESLint's bulk suppressions say so, and --prune-suppressions shrinks them).
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });
const CONFIG = 'catalog:\n  roots: [catalog/all.yaml]\nbaseline: .backstage-gitops-baseline.json\n';
const ROOT = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./org.yaml, ./svc-a.yaml, ./svc-b.yaml]\n';
const ORG = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n';
const component = (name: string, tags: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  tags: ${tags}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-gone\n  dependsOn: [component:${name}]\n`;

interface Finding { ruleId: string; severity: string; file: string; message: string; hint?: string }
const parse = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;

describe('the baseline records warnings, and a pull request that fixes baselined findings is told to shrink it', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });

  async function legacy() {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog/all.yaml': ROOT, 'catalog/org.yaml': ORG, 'catalog/svc-a.yaml': component('svc-a', '[Java, Spring Boot]'), 'catalog/svc-b.yaml': component('svc-b', '[java]') });
    roots.push(root);
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    return root;
  }

  it('--write-baseline counts the legacy warnings too: an unrelated pull request sees none of them', async () => {
    const root = await legacy();
    const baseline = JSON.parse(readFileSync(join(root, '.backstage-gitops-baseline.json'), 'utf8'));
    expect(baseline.findings['catalog/svc-a.yaml']['ref-self']).toBe(1);
    expect(baseline.findings['catalog/svc-b.yaml']).toEqual({ 'ref-self': 1, 'ref-unresolved': 1 });
    writeFileSync(join(root, 'catalog/org.yaml'), `${ORG}---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-b}\nspec: {type: team, children: []}\n`);
    git(root, 'commit', '-qam', 'team-b');
    const gate = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(parse(gate.stdout).filter(d => d.severity !== 'info')).toEqual([]);
    expect(gate.status).toBe(0);
    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.stdout).toContain(' · 0 errors · 0 warnings\n');
  }, 120_000);

  it('fixing baselined findings gives one "fixed N" info that says to shrink the baseline; shrunk beside the fix, it passes and the line is gone', async () => {
    const root = await legacy();
    writeFileSync(join(root, 'catalog/svc-a.yaml'), component('svc-a', '[java, spring-boot]'));
    git(root, 'commit', '-qam', 'tags');
    const gate = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(gate.status).toBe(0);
    const fixed = parse(gate.stdout).filter(d => d.ruleId === 'baseline-fixed');
    expect(fixed.map(d => `${d.severity} ${d.file} ${d.message}`)).toEqual(['info .backstage-gitops-baseline.json This change fixes 2 findings that .backstage-gitops-baseline.json still counts (catalog/svc-a.yaml: 2 entity-field-format): while it counts them, the same mistakes can come back in those files unnoticed.']);
    expect(fixed[0].hint).toMatch(/^Shrink it: run `npx backstage-gitops check --write-baseline` and commit \.backstage-gitops-baseline\.json with this change/);
    // The same with the cache, first and replayed.
    const cache = join(root, '..', `${root.split('/').pop()}.cache`);
    for (let i = 0; i < 2; i++) expect(parse((await runBin(['check', '--base', 'main', '--format', 'json', '--cache', cache], root)).stdout)).toEqual(parse(gate.stdout));
    await rm(cache, { force: true });
    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.stdout).toContain('- ✨ This change fixes 2 findings that .backstage\\-gitops\\-baseline.json still counts \\(catalog/svc\\-a.yaml\\: 2 entity\\-field\\-format\\)');
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'commit', '-qam', 'shrink');
    const shrunk = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(parse(shrunk.stdout).filter(d => d.ruleId === 'baseline-fixed' || d.ruleId === 'config-weakened')).toEqual([]);
    expect(shrunk.status).toBe(0);
  }, 120_000);
});
