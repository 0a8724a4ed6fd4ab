import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A fresh user on public Backstage app repositories (no gitops.config.yaml): an app-config.yaml that registers
// catalog/all.yaml with `type: file`, whose Location says `type: file` too, was a location-target-invalid error,
// though Backstage's orchestrator refuses a Location only when its type differs from the type its own file is
// read by (runSpecialLocationStep); and a Group the app's microsoftGraphOrg provider brings was ref-unresolved,
// while the same app-config named as catalog.appConfig made it ref-provided-elsewhere info.

interface Finding { ruleId: string; severity: string; file: string; message: string; hint: string }
const BACKEND = { 'packages/backend/package.json': JSON.stringify({ name: 'backend', dependencies: { '@backstage/plugin-catalog-backend': '^3.0.0', '@backstage/plugin-catalog-backend-module-msgraph': '^0.6.0' } }) };
const component = (name: string, spec = '  owner: user:guest\n') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n${spec}`;
const location = (name: string, type: string | undefined, targets: string[]) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: ${name}\nspec:\n${type ? `  type: ${type}\n` : ''}  targets: [${targets.join(', ')}]\n`;
const appConfig = (locations: { type: string; target: string }[], rest = '') => `catalog:\n  locations:\n${locations.map(l => `    - type: ${l.type}\n      target: ${l.target}\n`).join('')}${rest}`;

describe('the type a Backstage app repository reads its catalog files by, without gitops.config.yaml', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });
  async function check(tree: Record<string, string>, args: string[] = [], remote?: string): Promise<{ status: number | null; found: Finding[] }> {
    const root = await tempRepo(tree);
    roots.push(root);
    if (remote) {
      git(root, 'init', '-q', '-b', 'main');
      git(root, 'remote', 'add', 'origin', remote);
    }
    const run = await runBin(['check', '--format', 'json', ...args], root);
    expect(run.stderr).toBe('');
    return { status: run.status, found: JSON.parse(run.stdout).diagnostics as Finding[] };
  }
  const nested = {
    'catalog/all.yaml': location('all', 'file', ['./sub/catalog-info.yaml']),
    'catalog/sub/catalog-info.yaml': `${component('svc')}---\n${location('deeper', 'file', ['./more.yaml'])}`,
    'catalog/sub/more.yaml': component('more'),
  };

  it('a file the app-config registers with type: file reads its nested type: file Locations, and what they reach, as file', async () => {
    const tree = { ...BACKEND, 'app-config.yaml': appConfig([{ type: 'file', target: '../../catalog/all.yaml' }]), ...nested };
    const run = await check(tree);
    expect(run.found.filter(d => d.ruleId.startsWith('location-'))).toEqual([]);
    expect(run.status).toBe(0);
    // Given by path (a pre-commit hook), a file deep in that chain is read by the same type.
    const given = await check(tree, ['catalog/sub/catalog-info.yaml']);
    expect(given.found.filter(d => d.ruleId.startsWith('location-'))).toEqual([]);
    expect(given.status).toBe(0);
  }, 60_000);

  it('a url-registered file\'s nested type: file Location stays an error, its hint naming the app-config location', async () => {
    const tree = { ...BACKEND, 'app-config.yaml': appConfig([{ type: 'url', target: 'https://github.com/acme/app/blob/main/catalog/all.yaml' }]), ...nested };
    const run = await check(tree, [], 'https://github.com/acme/app.git');
    const invalid = run.found.filter(d => d.ruleId === 'location-target-invalid');
    // The refused Location reads nothing: the file it names is then a root of the discovery, read as url too.
    expect(invalid.map(d => d.file)).toEqual(['catalog/all.yaml', 'catalog/sub/catalog-info.yaml']);
    expect(invalid[0].message).toContain("Location type 'file' is not allowed here");
    expect(invalid[0].message).toContain('(url)');
    expect(invalid[0].hint).toContain('The gate reads this file as url, the type of the location in app-config.yaml (catalog.locations) that registers it');
    expect(invalid[0].hint).not.toContain('catalog.rootLocationType');
    expect(run.status).toBe(1);
  }, 60_000);

  it('a file the app does not register is read as url, as before: its type: file Location is an error naming catalog.rootLocationType', async () => {
    const run = await check({ ...BACKEND, 'app-config.yaml': appConfig([{ type: 'file', target: '../../catalog/other.yaml' }]), 'catalog/other.yaml': component('other'), ...nested });
    const invalid = run.found.filter(d => d.ruleId === 'location-target-invalid');
    expect(invalid.map(d => d.file)).toEqual(['catalog/all.yaml', 'catalog/sub/catalog-info.yaml']);
    expect(invalid[0].hint).toContain('set catalog.rootLocationType: file in gitops.config.yaml instead');
    expect(run.status).toBe(1);
  }, 60_000);
});

describe("org providers of a Backstage app repository's own app-config, without gitops.config.yaml", () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });
  const msgraph = '  providers:\n    microsoftGraphOrg:\n      default:\n        tenantId: ${AZURE_TENANT_ID}\n        clientId: ${AZURE_CLIENT_ID}\n        clientSecret: ${AZURE_CLIENT_SECRET}\n';
  // A Group of the repo's own: references to groups are then judged, not a warning for a kind never defined.
  const org = { 'org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: guests\nspec:\n  type: team\n  children: []\n' };
  async function refs(tree: Record<string, string>): Promise<{ status: number | null; found: string[] }> {
    const root = await tempRepo(tree);
    roots.push(root);
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    return { status: run.status, found: (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId.startsWith('ref-')).map(d => `${d.ruleId} ${d.severity} ${d.message.slice(0, d.message.indexOf(','))}`) };
  }

  it('a group the app-config.yaml provider brings is ref-provided-elsewhere info; a reference no provider covers stays an error', async () => {
    const run = await refs({ ...BACKEND, ...org, 'app-config.yaml': appConfig([{ type: 'file', target: '../../catalog-info.yaml' }], msgraph), 'catalog-info.yaml': `${component('svc', '  owner: team-a.c\n')}---\n${component('other', '  owner: group:ops/team-b\n')}` });
    expect(run.found).toEqual([
      'ref-provided-elsewhere info spec.owner refers to group:default/team-a.c',
      'ref-unresolved error spec.owner refers to group:ops/team-b',
    ]);
    expect(run.status).toBe(1);
  }, 60_000);

  it('a provider in app-config.production.yaml counts too; without any, the reference is an error', async () => {
    const tree = { ...BACKEND, ...org, 'app-config.yaml': appConfig([{ type: 'file', target: '../../catalog-info.yaml' }]), 'catalog-info.yaml': component('svc', '  owner: team-a.c\n') };
    expect(await refs({ ...tree, 'app-config.production.yaml': `catalog:\n${msgraph}` })).toEqual({ status: 0, found: ['ref-provided-elsewhere info spec.owner refers to group:default/team-a.c'] });
    expect(await refs(tree)).toEqual({ status: 1, found: ['ref-unresolved error spec.owner refers to group:default/team-a.c'] });
  }, 60_000);
});
