import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh38: in a Backstage app's own repository (no gitops.config.yaml), a template in examples/ that the
// app registers and a plugin's sample of it with the same name were an entity-duplicate error (exit 1), as
// were cnoe-io's examples/entities.yaml and a local stack's mock copy of it. The app-config's
// catalog.locations say which files that app registers: a copy it registers beside one it does not is a
// warning that says so; copies it registers both (or neither) stay an error.
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;
const location = (targets: string[]) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: examples\nspec:\n  targets: [${targets.join(', ')}]\n`;
const BACKEND = { 'packages/backend/package.json': JSON.stringify({ name: 'backend', dependencies: { '@backstage/plugin-catalog-backend': '^3.0.0' } }) };
const appConfig = (targets: string[]) => `app:\n  title: demo\ncatalog:\n  rules:\n    - allow: [Component, System, API, Resource, Location, User, Group]\n  locations:\n${targets.map(t => `    - type: file\n      target: ${t}\n`).join('')}`;

type Finding = { ruleId: string; severity: string; file: string; message: string; hint: string };

describe('entity-duplicate in a Backstage app repository without gitops.config.yaml', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });
  async function duplicates(tree: Record<string, string>): Promise<{ status: number | null; found: Finding[] }> {
    const root = await tempRepo(tree);
    roots.push(root);
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    return { status: run.status, found: (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'entity-duplicate') };
  }

  it('a copy the app registers (through a Location it reads) beside one it does not: a warning naming both, exit 0', async () => {
    const { status, found } = await duplicates({
      ...BACKEND,
      'app-config.yaml': appConfig(['../../examples/all.yaml']),
      'examples/all.yaml': location(['./orders.yaml']),
      'examples/orders.yaml': component('orders'),
      'plugins/orders/sample.yaml': component('orders'),
    });
    expect(found.map(d => `${d.severity} ${d.file}`)).toEqual(['warning examples/orders.yaml', 'warning plugins/orders/sample.yaml']);
    expect(found[0].message).toBe("component:default/orders is also defined at plugins/orders/sample.yaml:4. This repository's app-config.yaml registers examples/orders.yaml through catalog.locations and not plugins/orders/sample.yaml: only a Backstage that registers both keeps whichever copy it processes first and refuses the other as a conflict that shows only in the backend's log.");
    expect(found[1].hint).toContain('If no Backstage registers plugins/orders/sample.yaml');
    expect(status).toBe(0);
  }, 60_000);

  it('copies the app registers both, or neither: an error, as before', async () => {
    const both = await duplicates({
      ...BACKEND,
      'app-config.yaml': appConfig(['../../examples/orders.yaml', '../../examples/copy.yaml']),
      'examples/orders.yaml': component('orders'),
      'examples/copy.yaml': component('orders'),
    });
    expect(both.found.map(d => d.severity)).toEqual(['error', 'error']);
    expect(both.status).toBe(1);
    const neither = await duplicates({
      ...BACKEND,
      'app-config.yaml': appConfig(['../../examples/other.yaml']),
      'examples/other.yaml': component('other'),
      'plugins/a/sample.yaml': component('orders'),
      'plugins/b/sample.yaml': component('orders'),
    });
    expect(neither.found.map(d => d.severity)).toEqual(['error', 'error']);
  }, 60_000);

  it('without a backend beside it, or with a glob location the toolkit cannot list: every copy counts as registered (an error)', async () => {
    const tree = { 'app-config.yaml': appConfig(['../../examples/orders.yaml']), 'examples/orders.yaml': component('orders'), 'plugins/orders/sample.yaml': component('orders') };
    expect((await duplicates(tree)).found.map(d => d.severity)).toEqual(['error', 'error']);
    const glob = await duplicates({ ...BACKEND, ...tree, 'app-config.yaml': appConfig(['../../examples/*.yaml']) });
    expect(glob.found.map(d => d.severity)).toEqual(['error', 'error']);
  }, 60_000);
});

// The same app-config's catalog.rules are what that app's catalog ingests by: a Group in a file its
// locations register without allowing Group (create-app allows User and Group only in examples/org.yaml)
// is refused by that Backstage, and was passed.
describe('catalog.rules of a Backstage app repository without gitops.config.yaml', () => {
  const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;
  const createApp = `catalog:\n  rules:\n    - allow: [Component, System, API, Resource, Location]\n  locations:\n    - type: file\n      target: ../../examples/entities.yaml\n    - type: file\n      target: ../../examples/org.yaml\n      rules:\n        - allow: [User, Group]\n`;
  it('judges the files the app registers by its rules, as its own backend keys their locations; files it does not register are not judged', async () => {
    const root = await tempRepo({
      ...BACKEND,
      'app-config.yaml': createApp,
      'examples/entities.yaml': `${component('orders').replace('user:guest', 'group:team-a')}---\n${location(['./more.yaml'])}`,
      'examples/more.yaml': group('stray'),
      'examples/org.yaml': group('team-a'),
      'plugins/x/catalog-info.yaml': group('plugin-team'),
    });
    const run = await runBin(['check', '--format', 'json'], root);
    await rm(root, { recursive: true, force: true });
    expect(run.stderr).toBe('');
    const denied = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'catalog-rule-denied');
    expect(denied.map(d => `${d.severity} ${d.file}: ${d.message}`)).toEqual([
      "error examples/more.yaml: Entity group:default/stray at examples/more.yaml, is not of an allowed kind for that location: the managed Backstage's catalog.rules do not allow Group here. Backstage then fails the whole Location in examples/entities.yaml that reads this file: every entity that Location reads is lost (new ones never appear, existing ones stop updating), not just this one.",
    ]);
    expect(denied[0].hint).toBe('Allow Group in catalog.rules (or in the rules of this location) in app-config.yaml, or register it elsewhere.');
    expect(run.status).toBe(1);
  }, 60_000);

  // alithya-oss/backstage-demo registers software-catalog/catalog-info.yaml with rules allowing Domain, Group,
  // User and Template, and that file's Location reads org/*.yaml: every Group there was catalog-rule-denied.
  // DefaultCatalogProcessingOrchestrator checks an emitted entity against context.originLocation, the
  // location app-config registered (what managed-by-origin-location carries down every nested Location), not
  // the file it was read from: a location's rules reach the whole tree under it.
  it("applies a registered location's rules to the files its Locations read too, as the backend checks the origin", async () => {
    const root = await tempRepo({
      ...BACKEND,
      'app-config.yaml': `catalog:\n  rules:\n    - allow: [Component, Location]\n  locations:\n    - type: file\n      target: ../../examples/org.yaml\n      rules:\n        - allow: [Group]\n    - type: file\n      target: ../../examples/entities.yaml\n`,
      'examples/org.yaml': location(['./teams/*.yaml']),
      'examples/teams/a.yaml': group('team-a'),
      'examples/entities.yaml': `${component('orders').replace('user:guest', 'group:team-a')}---\n${location(['./more.yaml']).replace('name: examples', 'name: more')}`,
      'examples/more.yaml': group('stray'),
    });
    const run = await runBin(['check', '--format', 'json'], root);
    await rm(root, { recursive: true, force: true });
    expect(run.stderr).toBe('');
    const denied = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'catalog-rule-denied');
    // The Group under org.yaml's tree is allowed by org.yaml's rules; the one under entities.yaml (no rules of its own) is not.
    expect(denied.map(d => `${d.file}: ${d.message}`)).toEqual([
      "examples/more.yaml: Entity group:default/stray at examples/more.yaml, is not of an allowed kind for that location: the managed Backstage's catalog.rules do not allow Group here. Backstage then fails the whole Location in examples/entities.yaml that reads this file: every entity that Location reads is lost (new ones never appear, existing ones stop updating), not just this one.",
    ]);
  }, 60_000);
});
