import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// check --base told the change's findings from the base's in stylish, json, sarif and github, but the
// Markdown table (job summaries) and Azure's log mixed them, and GitHub's few annotations went to info
// the base already had.
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });
const CONFIG = 'catalog:\n  roots: [catalog/all.yaml]\nbaseline: .backstage-gitops-baseline.json\n';
const ROOT = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./org.yaml, ./svc-a.yaml, ./svc-b.yaml]\n';
const ORG = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n';
const component = (name: string, owner: string, tags = '[java]') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  tags: ${tags}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

describe('check --base: every output tells the change\'s findings from the base\'s', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });

  async function pullRequest() {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog/all.yaml': ROOT, 'catalog/org.yaml': ORG, 'catalog/svc-a.yaml': component('svc-a', 'team-gone', '[Java, Spring Boot]'), 'catalog/svc-b.yaml': component('svc-b', 'team-a') });
    roots.push(root);
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    // The change's own error in another file; main's three baselined findings stay info.
    writeFileSync(join(root, 'catalog/svc-b.yaml'), component('svc-b', 'team-a', '[Kafka]'));
    git(root, 'commit', '-qam', 'kafka');
    return root;
  }

  it('markdown: the change\'s table first, main\'s apart under its own heading', async () => {
    const root = await pullRequest();
    const md = await runBin(['check', '--base', 'main', '--format', 'markdown'], root);
    expect(md.status).toBe(1);
    const own = md.stdout.indexOf('#### Introduced by this change (1)');
    const old = md.stdout.indexOf('#### Already on <code>main</code> (3)');
    expect(own).toBeGreaterThan(0);
    expect(old).toBeGreaterThan(own);
    expect(md.stdout.slice(own, old)).toContain('catalog/svc-b.yaml');
    expect(md.stdout.slice(own, old)).not.toContain('catalog/svc-a.yaml');
    expect(md.stdout.slice(old)).toContain('Not introduced by this change.\n');
    expect(md.stdout.slice(old).match(/catalog\/svc-a\.yaml/g)).toHaveLength(3);
  }, 120_000);

  it('azure: the change\'s issue first, main\'s after it and labelled, and the closing line splits the count', async () => {
    const root = await pullRequest();
    const azure = (await runBin(['check', '--base', 'main', '--format', 'azure'], root)).stdout.trim().split('\n');
    expect(azure[0]).toMatch(/^##vso\[task\.logissue type=error;sourcepath=catalog\/svc-b\.yaml;/);
    expect(azure.slice(1, 4).every(l => l.startsWith('catalog/svc-a.yaml:') && l.includes('(already on main, not introduced by this change)'))).toBe(true);
    expect(azure[4]).toBe('##vso[task.complete result=Failed;]1 error, 0 warnings in 4 files (4 entities); 3 already on main, 1 introduced by this change');
  }, 120_000);

  it('github: no annotation goes to info main already has; the log says how many were left out', async () => {
    const root = await pullRequest();
    const github = (await runBin(['check', '--base', 'main', '--format', 'github'], root)).stdout;
    expect(github.match(/^::\w+ /gm)).toEqual(['::error ']);
    expect(github).toMatch(/^::error file=catalog\/svc-b\.yaml,/m);
    expect(github).toContain('\n3 info findings already on main are not annotated; the JSON report lists them.\n');
  }, 120_000);
});
