import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteStore, techdocsPublisher } from '../../src/techdocs/siteStore.ts';
import { startStorageEmulators, type Emulators } from '../backstage/storageEmulators.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    backstage.io/techdocs-ref: dir:./docs-site\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n`;
const site = (title: string) => ({ 'docs-site/mkdocs.yml': `site_name: ${title}\nnav:\n  - Home: index.md\n`, 'docs-site/docs/index.md': `# ${title}\n` });
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();

// Red team, round 13: a pull request adds an entity under the name of one that lives in another repository
// (registered by discovery; the gate runs offline and cannot know). Sync refuses that entity after merge,
// but publish ran first and replaced the other entity's published docs, pruning its files.
describe('techdocs publish never replaces a site another source published', () => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startStorageEmulators();
  }, 60_000);
  afterAll(() => emulators?.stop());

  it('refuses a site whose etag is not a commit of this repository, and replaces it only with --adopt-site', async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: emulators.azureConnectionString };
    const publish = ['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs'];
    const elsewhere = await tempRepo({ 'catalog-info.yaml': component('red13-billing'), ...site('Billing, the real one') });
    git(elsewhere, 'init', '-q');
    git(elsewhere, 'add', '-A');
    git(elsewhere, '-c', 'user.email=a@example.test', '-c', 'user.name=a', 'commit', '-qm', 'billing docs');
    expect((await runBin(publish, elsewhere, env)).status).toBe(0);

    const hostile = await tempRepo({ 'catalog-info.yaml': component('red13-billing'), ...site('Billing, replaced') });
    git(hostile, 'init', '-q');
    git(hostile, 'add', '-A');
    git(hostile, '-c', 'user.email=m@example.test', '-c', 'user.name=m', 'commit', '-qm', 'takes billing');
    const refused = await runBin(publish, hostile, env);
    expect(refused.status, refused.stderr).toBe(1);
    expect(refused.stdout).toBe('0 published, 0 up to date, 0 to publish, 1 failed\n');
    expect(refused.stderr).toMatch(/default\/component\/red13-billing: FAILED: a site is already published at default\/component\/red13-billing from "[0-9a-f]{40}", which is not a commit of this repository's history/);
    const target = { type: 'azureBlobStorage' as const, containerName: 'techdocs', connectionString: emulators.azureConnectionString };
    const metadata = await (await techdocsPublisher(target)).fetchTechDocsMetadata({ namespace: 'default', kind: 'component', name: 'red13-billing' });
    expect(metadata).toMatchObject({ site_name: 'Billing, the real one', etag: git(elsewhere, 'rev-parse', 'HEAD') });

    const adopted = await runBin([...publish, '--adopt-site', 'default/component/red13-billing'], hostile, env);
    expect(adopted.status, adopted.stderr).toBe(0);
    expect(adopted.stdout).toBe('1 published, 0 up to date, 0 to publish, 0 failed\n');
    // Once published from here, later commits of this repository replace it as usual.
    const again = await runBin([...publish, '--force'], hostile, env);
    expect(again.stdout).toBe('1 published, 0 up to date, 0 to publish, 0 failed\n');
    expect(await siteStore(target).list('default/component/red13-billing/')).toContain('default/component/red13-billing/index.html');
    expect((await runBin([...publish, '--adopt-site', 'billing'], hostile, env)).status).toBe(2);
  }, 180_000);

  // Red team, round 14: the other source's commit made an ancestor of this repository's merge. A pull request
  // merges the other repository's history with `git merge --allow-unrelated-histories -s ours` (no file
  // changes to review); once merged, that commit is an ancestor of main, yet main never published from it.
  it('does not count a commit merged in from another history as this repository\'s', async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: emulators.azureConnectionString };
    const publish = ['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs'];
    const id = ['-c', 'user.email=a@example.test', '-c', 'user.name=a'];
    const elsewhere = await tempRepo({ 'catalog-info.yaml': component('red14-ledger'), ...site('Ledger, the real one') });
    git(elsewhere, 'init', '-q');
    git(elsewhere, 'add', '-A');
    git(elsewhere, ...id, 'commit', '-qm', 'ledger docs');
    expect((await runBin(publish, elsewhere, env)).status).toBe(0);

    const hostile = await tempRepo({ 'README.md': 'control repo\n' });
    git(hostile, 'init', '-q', '-b', 'main');
    git(hostile, 'add', '-A');
    git(hostile, ...id, 'commit', '-qm', 'start');
    git(hostile, 'checkout', '-qb', 'pr');
    git(hostile, 'fetch', '-q', elsewhere, 'HEAD');
    git(hostile, ...id, 'merge', '-q', '--allow-unrelated-histories', '-s', 'ours', '-m', 'history', 'FETCH_HEAD');
    await writeFile(join(hostile, 'catalog-info.yaml'), component('red14-ledger'));
    await mkdir(join(hostile, 'docs-site', 'docs'), { recursive: true });
    for (const [file, text] of Object.entries(site('Ledger, replaced'))) await writeFile(join(hostile, file), text);
    git(hostile, 'add', '-A');
    git(hostile, ...id, 'commit', '-qm', 'takes ledger');
    git(hostile, 'checkout', '-q', 'main');
    git(hostile, ...id, 'merge', '-q', '--no-ff', '-m', 'Merge pull request', 'pr');
    expect(git(hostile, 'merge-base', '--is-ancestor', git(elsewhere, 'rev-parse', 'HEAD'), 'HEAD')).toBe('');

    const refused = await runBin(publish, hostile, env);
    expect(refused.stdout, refused.stderr).toBe('0 published, 0 up to date, 0 to publish, 1 failed\n');
    expect(refused.stderr).toMatch(/red14-ledger: FAILED: a site is already published at default\/component\/red14-ledger from "[0-9a-f]{40}", which is not a commit of this repository's history/);
    const target = { type: 'azureBlobStorage' as const, containerName: 'techdocs', connectionString: emulators.azureConnectionString };
    const metadata = await (await techdocsPublisher(target)).fetchTechDocsMetadata({ namespace: 'default', kind: 'component', name: 'red14-ledger' });
    expect(metadata).toMatchObject({ site_name: 'Ledger, the real one' });

    // A site main published before is main's own: later merges replace it as usual.
    const adopted = await runBin([...publish, '--adopt-site', 'default/component/red14-ledger'], hostile, env);
    expect(adopted.status, adopted.stderr).toBe(0);
    await writeFile(join(hostile, 'docs-site', 'docs', 'index.md'), '# Ledger, edited\n');
    git(hostile, 'checkout', '-qb', 'edit');
    git(hostile, ...id, 'commit', '-qam', 'edit');
    git(hostile, 'checkout', '-q', 'main');
    git(hostile, ...id, 'merge', '-q', '--no-ff', '-m', 'Merge pull request 2', 'edit');
    const later = await runBin(publish, hostile, env);
    expect(later.stdout, later.stderr).toBe('1 published, 0 up to date, 0 to publish, 0 failed\n');
  }, 180_000);
  // Red team, round 15: a metadata read that fails (the file deleted or corrupt, a storage error) counted as
  // "no site here", so publish overwrote the other source's files and pruned them.
  it('does not replace files published without readable metadata', async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: emulators.azureConnectionString };
    const publish = ['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs'];
    const id = ['-c', 'user.email=a@example.test', '-c', 'user.name=a'];
    const target = { type: 'azureBlobStorage' as const, containerName: 'techdocs', connectionString: emulators.azureConnectionString };
    const elsewhere = await tempRepo({ 'catalog-info.yaml': component('red15-audit'), ...site('Audit, the real one') });
    git(elsewhere, 'init', '-q');
    git(elsewhere, 'add', '-A');
    git(elsewhere, ...id, 'commit', '-qm', 'audit docs');
    expect((await runBin(publish, elsewhere, env)).status).toBe(0);
    await siteStore(target).remove(['default/component/red15-audit/techdocs_metadata.json']);
    const before = await siteStore(target).list('default/component/red15-audit/');
    expect(before).toContain('default/component/red15-audit/index.html');

    const hostile = await tempRepo({ 'catalog-info.yaml': component('red15-audit'), ...site('Audit, replaced') });
    git(hostile, 'init', '-q');
    git(hostile, 'add', '-A');
    git(hostile, ...id, 'commit', '-qm', 'takes audit');
    const refused = await runBin(publish, hostile, env);
    expect(refused.stdout).toBe('0 published, 0 up to date, 0 to publish, 1 failed\n');
    expect(refused.stderr).toMatch(/default\/component\/red15-audit: FAILED: files are published at default\/component\/red15-audit but their techdocs_metadata.json cannot be read/);
    expect(await siteStore(target).list('default/component/red15-audit/')).toEqual(before);
    // A site nothing was ever published at still publishes.
    const fresh = await tempRepo({ 'catalog-info.yaml': component('red15-new'), ...site('New') });
    git(fresh, 'init', '-q');
    git(fresh, 'add', '-A');
    git(fresh, ...id, 'commit', '-qm', 'new docs');
    expect((await runBin(publish, fresh, env)).stdout).toBe('1 published, 0 up to date, 0 to publish, 0 failed\n');
  }, 180_000);
});
