import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runReport } from './runReport.ts';

// A component renamed with its repository (github.com/project-slug acme/<name>) is a rename: the report
// showed it as one entity added and another removed, so the teams still pointing at the old name read as
// depending on a deleted entity and the rename never showed.
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });
const ROOT = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./org.yaml, ./svc.yaml, ./web.yaml]\n';
const ORG = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-b}\nspec: {type: team, children: []}\n';
const svc = (name: string, lifecycle = 'production') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    github.com/project-slug: acme/${name}\n    backstage.io/source-location: url:https://github.com/acme/${name}/tree/main/\nspec:\n  type: service\n  lifecycle: ${lifecycle}\n  owner: team-a\n  providesApis: [${name}-api]\n---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: ${name}-api}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition: 'openapi: 3.0.3'\n`;
const WEB = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec:\n  type: website\n  lifecycle: production\n  owner: team-b\n  dependsOn: [component:svc-ab]\n';

describe('report --base: a rename that carries the name into the entity\'s own values', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });

  async function repo() {
    const root = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n', 'catalog/all.yaml': ROOT, 'catalog/org.yaml': ORG, 'catalog/svc.yaml': svc('svc-ab'), 'catalog/web.yaml': WEB });
    roots.push(root);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    return root;
  }

  it('project-slug, source-location and <name>-api renamed along: one rename, and the dependent is told', async () => {
    const root = await repo();
    writeFileSync(join(root, 'catalog/svc.yaml'), svc('svc-payments'));
    git(root, 'commit', '-qam', 'rename');
    const { json } = await runReport(root, 'main');
    const changes = json.report.changes as { added: unknown[]; removed: unknown[]; renamed: { from: string; to: string }[] };
    expect(changes.renamed.map(r => `${r.from} -> ${r.to}`).sort()).toEqual(['api:default/svc-ab-api -> api:default/svc-payments-api', 'component:default/svc-ab -> component:default/svc-payments']);
    expect(changes.added).toEqual([]);
    expect(changes.removed).toEqual([]);
    expect(json.markdown).toContain('0 added · 0 changed · 0 removed · 2 renamed');
    expect(json.markdown).toMatch(/component:default\/svc-ab<\/code> → <code>component:default\/svc-payments/);
    // web still names the old one: said as a rename it missed, not as a dependency on a deleted entity.
    expect((json.report.impacts as { subject: string; why: string; renamedTo?: string }[]).map(i => `${i.why} ${i.subject} ${i.renamedTo}`)).toEqual(['renamed component:default/svc-ab component:default/svc-payments']);
  }, 120_000);

  it('guard: another change besides the name (lifecycle) is still an addition and a removal', async () => {
    const root = await repo();
    writeFileSync(join(root, 'catalog/svc.yaml'), svc('svc-payments', 'experimental'));
    git(root, 'commit', '-qam', 'rename and more');
    const changes = (await runReport(root, 'main')).json.report.changes as { added: unknown[]; removed: unknown[]; renamed: { from: string }[] };
    expect(changes.renamed.map(r => r.from)).toEqual(['api:default/svc-ab-api']);
    expect(changes.added).toHaveLength(1);
    expect(changes.removed).toHaveLength(1);
  }, 120_000);

  it('a dependant repointed at the new name in the same change has no new relation: the renamed entity\'s team is not asked to review it', async () => {
    const root = await repo();
    writeFileSync(join(root, 'catalog/svc.yaml'), svc('svc-payments'));
    writeFileSync(join(root, 'catalog/web.yaml'), WEB.replace('component:svc-ab', 'component:svc-payments'));
    git(root, 'commit', '-qam', 'rename, and web follows');
    const { json } = await runReport(root, 'main');
    expect(json.markdown).toContain('0 added · 1 changed · 0 removed · 2 renamed');
    expect(json.markdown).not.toContain('newly names');
  }, 120_000);
});
