import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A pre-commit hook passes the files a commit changes. Renaming an API another team's file consumes
// changes one file; the whole catalog's run (CI's `report --base`) then fails in the other file, so
// `check <that file>` must not say ✔.
const CONFIG = 'catalog:\n  roots: [catalog/all.yaml]\n';
const ROOT = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./org.yaml, ./orders.yaml, ./analytics.yaml]\n';
const ORG = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n';
const orders = (api: string) => `apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: ${api}}
spec: {type: asyncapi, lifecycle: production, owner: team-a, definition: 'asyncapi: 2.6.0'}
`;
const ANALYTICS = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ingest}
spec:
  type: service
  lifecycle: production
  owner: team-a
  consumesApis: [orders-events]
  dependsOn: [component:not-there]
`;

describe('check <changed files> when the change breaks a reference in another file', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });
  async function repo() {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog/all.yaml': ROOT, 'catalog/org.yaml': ORG, 'catalog/orders.yaml': orders('orders-events'), 'catalog/analytics.yaml': ANALYTICS });
    roots.push(root);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    await writeFile(join(root, 'catalog/orders.yaml'), orders('order-events'));
    return root;
  }

  it('before the commit (a pre-commit hook): reports the other file\'s reference to the renamed entity, and only that', async () => {
    const root = await repo();
    const run = await runBin(['check', 'catalog/orders.yaml', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const findings = JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } }[];
    // The other, older finding of analytics.yaml (component:not-there) is not the change's and stays unreported.
    expect(findings.map(d => `${d.ruleId} ${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual(['ref-unresolved catalog/analytics.yaml:8:18']);
    expect(findings[0].message).toContain('api:default/orders-events');
    expect(findings[0].hint).toContain('was defined in catalog/orders.yaml at HEAD, and the change to the files given removes or renames it');
    // The whole catalog says the same (plus the older finding).
    const whole = await runBin(['check'], root);
    expect(whole.status).toBe(1);
    expect(whole.stdout).toContain('api:default/orders-events');
  }, 60_000);

  it('after the commit, against the base branch (--base): the same finding', async () => {
    const root = await repo();
    git(root, 'checkout', '-q', '-b', 'change');
    git(root, 'commit', '-qam', 'rename the API');
    const run = await runBin(['check', '--base', 'main', 'catalog/orders.yaml'], root);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/catalog\/analytics\.yaml\n\s+8:18\s+error\s+spec\.consumesApis refers to api:default\/orders-events/);
    expect(run.stdout).not.toContain('not-there');
  }, 60_000);

  it('--cache: a replayed run follows the last commit (the same tree after committing the rename is judged anew)', async () => {
    const root = await repo();
    const cache = join(root, '..', `${root.split('/').pop()}-cache.json`);
    roots.push(cache);
    expect((await runBin(['check', 'catalog/orders.yaml', '--cache', cache], root)).status).toBe(1);
    expect((await runBin(['check', 'catalog/orders.yaml', '--cache', cache], root)).status).toBe(1);
    git(root, 'commit', '-qam', 'rename the API');
    // Committed, the file is as HEAD has it: only --base can tell what it changed (the README's `check --base`).
    const after = await runBin(['check', 'catalog/orders.yaml', '--cache', cache], root);
    expect(after.stdout).toContain('✔ 0 errors');
  }, 60_000);

  // `check $(git diff --name-only origin/main -- '*.yaml' '*.yml')` (the README's changed-files run) lists
  // a file the change deletes: the run stopped with "does not exist or holds no YAML files" (exit 2). It is
  // judged as defining nothing now, so what still names its entities is reported; a path no revision held
  // is still refused.
  it('a given file the change deletes: judged as defining nothing, the other file\'s reference reported; a path never held still refused', async () => {
    const root = await repo();
    await rm(join(root, 'catalog/orders.yaml'));
    await writeFile(join(root, 'catalog/all.yaml'), ROOT.replace('./orders.yaml, ', ''));
    const run = await runBin(['check', 'catalog/orders.yaml', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const findings = JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; hint: string; range: { start: { line: number; column: number } } }[];
    expect(findings.map(d => `${d.ruleId} ${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual(['ref-unresolved catalog/analytics.yaml:8:18']);
    expect(findings[0].hint).toContain('was defined in catalog/orders.yaml at HEAD');
    // With the Location file the change edits too (what git diff lists): all.yaml reaches analytics.yaml,
    // whose findings are then all reported.
    const both = await runBin(['check', 'catalog/orders.yaml', 'catalog/all.yaml'], root);
    expect(both.status).toBe(1);
    expect(both.stdout).toMatch(/8:18\s+error\s+spec\.consumesApis refers to api:default\/orders-events/);
    git(root, 'checkout', '-q', '-b', 'change');
    git(root, 'commit', '-qam', 'remove the API');
    const committed = await runBin(['check', '--base', 'main', 'catalog/orders.yaml'], root);
    expect(committed.status).toBe(1);
    expect(committed.stdout).toMatch(/catalog\/analytics\.yaml\n\s+8:18\s+error\s+spec\.consumesApis refers to api:default\/orders-events/);
    const typo = await runBin(['check', 'catalog/oders.yaml'], root);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe(`backstage-gitops check: ${join(root, 'catalog/oders.yaml')} does not exist or holds no YAML files\n`);
  }, 60_000);

  it('a given file that still defines what it did: nothing reported of other files', async () => {
    const root = await repo();
    await writeFile(join(root, 'catalog/orders.yaml'), orders('orders-events').replace('production', 'deprecated'));
    const run = await runBin(['check', 'catalog/orders.yaml'], root);
    expect(run.stdout).toContain('✔ 0 errors');
    expect(run.status).toBe(0);
  }, 60_000);

  // The README's hook passes `git diff --cached --name-only`, which lists a renamed file by its new path
  // only: what the old path defined was never read, and a rename that also renamed the entity passed (fresh38).
  const hookFiles = (root: string) => git(root, 'diff', '--cached', '--name-only', '-z', '--', '*.yaml', '*.yml').split('\0').filter(Boolean);

  it('a file renamed along with its entity, given by its new path as the hook gives it: the other file\'s reference reported', async () => {
    const root = await repo();
    await writeFile(join(root, 'catalog/orders.yaml'), orders('orders-events'));
    git(root, 'mv', 'catalog/orders.yaml', 'catalog/events.yaml');
    await writeFile(join(root, 'catalog/events.yaml'), orders('order-events'));
    await writeFile(join(root, 'catalog/all.yaml'), ROOT.replace('./orders.yaml', './events.yaml'));
    git(root, 'add', '-A');
    expect(hookFiles(root)).toEqual(['catalog/all.yaml', 'catalog/events.yaml']);
    // Given with all.yaml, the root reaches analytics.yaml and the whole file is judged; given alone (as
    // `check $(git diff --name-only …)` lists it when the Location file is edited in another commit), only
    // the renamed file's old path says what it defined.
    const run = await runBin(['check', '--format', 'json', 'catalog/events.yaml'], root);
    expect(run.status).toBe(1);
    const findings = JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; hint: string }[];
    const broken = findings.filter(d => d.message.includes('api:default/orders-events'));
    expect(broken.map(d => `${d.ruleId} ${d.file}`)).toEqual(['ref-unresolved catalog/analytics.yaml']);
    expect(broken[0].hint).toContain('was defined in catalog/orders.yaml at HEAD');
    // Committed, against the base branch: the same.
    git(root, 'checkout', '-q', '-b', 'change');
    git(root, 'commit', '-qm', 'rename');
    const committed = await runBin(['check', '--base', 'main', 'catalog/events.yaml'], root);
    expect(committed.status).toBe(1);
    expect(committed.stdout).toContain('api:default/orders-events');
    expect(committed.stdout).toContain('was defined in catalog/orders.yaml on main');
  }, 60_000);

  it('a file renamed as it is (same entity): nothing reported of other files', async () => {
    const root = await repo();
    await writeFile(join(root, 'catalog/orders.yaml'), orders('orders-events'));
    git(root, 'mv', 'catalog/orders.yaml', 'catalog/events.yaml');
    await writeFile(join(root, 'catalog/all.yaml'), ROOT.replace('./orders.yaml', './events.yaml'));
    git(root, 'add', '-A');
    const run = await runBin(['check', ...hookFiles(root)], root);
    expect(run.stdout).not.toContain('orders-events');
  }, 60_000);

  // Without gitops.config.yaml (discovery), the hook's run read nothing of what a change deleted or renamed:
  // "0 files, ✔" for a deleted file whose group another file still names (fresh38).
  it('a folder without gitops.config.yaml: a deleted and a renamed file are followed the same', async () => {
    // team-b keeps the folder one that defines groups: with none at all, discovery cannot judge a group ref.
    const root = await tempRepo({ 'org.yaml': ORG, 'team-b.yaml': ORG.replace('team-a', 'team-b'), 'orders.yaml': orders('orders-events'), 'analytics.yaml': ANALYTICS.replace('  dependsOn: [component:not-there]\n', '') });
    roots.push(root);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'rm', '-q', 'org.yaml');
    const deleted = await runBin(['check', ...hookFiles(root)], root);
    expect(deleted.status).toBe(1);
    expect(deleted.stdout).toContain('group:default/team-a was defined in org.yaml at HEAD');
    git(root, 'reset', '-q', '--hard');
    git(root, 'mv', 'orders.yaml', 'events.yaml');
    await writeFile(join(root, 'events.yaml'), orders('order-events'));
    git(root, 'add', '-A');
    expect(hookFiles(root)).toEqual(['events.yaml']);
    const renamed = await runBin(['check', ...hookFiles(root)], root);
    expect(renamed.status).toBe(1);
    expect(renamed.stdout).toContain('api:default/orders-events was defined in orders.yaml at HEAD');
  }, 60_000);
});
