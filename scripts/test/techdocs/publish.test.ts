import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { siteStore } from '../../src/techdocs/siteStore.ts';
import { techdocsPublisher } from '../../src/techdocs/siteStore.ts';
import { startStorageEmulators, type Emulators } from '../backstage/storageEmulators.ts';

const entity = (name: string, docs: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    backstage.io/techdocs-ref: dir:${docs}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-docs\n`;
const TREE: Record<string, string> = {
  'gitops.config.yaml': 'repoUrl: https://example.test/repo/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./services.yaml]\n',
  'catalog/services.yaml': `${entity('Service-A', './service-a')}---\n${entity('service-b', './service-b')}---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-docs\nspec:\n  type: team\n  children: []\n`,
  'catalog/service-a/mkdocs.yml': 'site_name: Service A\nsite_description: The first service\nnav:\n  - Home: index.md\n  - Setup: guide/Setup.md\nplugins:\n  - techdocs-core\n',
  'catalog/service-a/docs/index.md': '# Service A\n\nHello.\n',
  'catalog/service-a/docs/guide/Setup.md': '# Setup\n\nRun it.\n',
  'catalog/service-b/mkdocs.yml': 'site_name: Service B\nnav:\n  - Home: index.md\n',
  'catalog/service-b/docs/index.md': '# Service B\n',
};

async function repo(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-docs-'));
  for (const [path, text] of Object.entries(TREE)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  commit(root, 'docs');
  return root;
}
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' });
const commit = (root: string, message: string) => git(root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qam', message);

function io(cwd: string, env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { cwd, env, stdout: { write: t => void out.push(t) }, stderr: { write: t => void err.push(t) }, writeFile: async () => {}, fetch: globalThis.fetch };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

describe('techdocs publish, built with @techdocs/cli and real MkDocs, to Azurite and s3rver', () => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startStorageEmulators();
  }, 60_000);
  afterAll(() => emulators?.stop());

  it('publishes to Azure Blob Storage, reads the sites back, skips unchanged sites and prunes stale files', async () => {
    const root = await repo();
    const env = { AZURE_STORAGE_CONNECTION_STRING: emulators.azureConnectionString };
    const args = ['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs'];
    const first = io(root, env);
    expect(await run(args, first.io)).toBe(0);
    expect(first.out()).toBe('2 published, 0 up to date, 0 to publish, 0 failed\n');
    expect(first.err()).toMatch(/\[1\/2\] default\/component\/service-a: built \d+ files in [\d.]+ s, published, 0 stale removed, verified/);
    const target = { type: 'azureBlobStorage' as const, containerName: 'techdocs', connectionString: emulators.azureConnectionString };
    const keys = await siteStore(target).list('default/component/service-a/');
    expect(keys).toEqual(expect.arrayContaining(['default/component/service-a/index.html', 'default/component/service-a/guide/Setup/index.html', 'default/component/service-a/techdocs_metadata.json']));
    const publisher = await techdocsPublisher(target);
    const metadata = await publisher.fetchTechDocsMetadata({ namespace: 'default', kind: 'component', name: 'service-a' });
    expect(metadata).toMatchObject({ site_name: 'Service A', site_description: 'The first service', etag: git(root, 'rev-parse', 'HEAD').trim() });

    const again = io(root, env);
    expect(await run(args, again.io)).toBe(0);
    expect(again.out()).toBe('0 published, 2 up to date, 0 to publish, 0 failed\n');

    // Drop a page: only service-a is rebuilt, and the page's old files are pruned.
    await rm(join(root, 'catalog/service-a/docs/guide'), { recursive: true });
    await writeFile(join(root, 'catalog/service-a/mkdocs.yml'), 'site_name: Service A\nnav:\n  - Home: index.md\nplugins:\n  - techdocs-core\n');
    git(root, 'add', '-A');
    commit(root, 'drop the setup page');
    const third = io(root, env);
    expect(await run(args, third.io)).toBe(0);
    expect(third.out()).toBe('1 published, 1 up to date, 0 to publish, 0 failed\n');
    const after = await siteStore(target).list('default/component/service-a/');
    expect(after).not.toContain('default/component/service-a/guide/Setup/index.html');
    expect(third.err()).toMatch(/service-a: built \d+ files in [\d.]+ s, published, \d+ stale removed, verified/);
  }, 120_000);

  it('publishes to S3 (s3rver) and shards the work; a folder with docs/ but no mkdocs.yml gets TechDocs\' default config', async () => {
    const root = await repo();
    await rm(join(root, 'catalog/service-b/mkdocs.yml'));
    git(root, 'add', '-A');
    commit(root, 'service-b relies on the default mkdocs.yml');
    const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    const args = ['techdocs', 'publish', '--publisher', 'awsS3', '--bucket', 'techdocs', '--region', 'us-east-1', '--endpoint', emulators.s3Endpoint, '--force-path-style'];
    const shard1 = io(root, env);
    expect(await run([...args, '--shard', '1/2'], shard1.io)).toBe(0);
    expect(shard1.out()).toBe('1 published, 0 up to date, 0 to publish, 0 failed\n');
    const shard2 = io(root, env);
    expect(await run([...args, '--shard', '2/2'], shard2.io)).toBe(0);
    expect(shard2.out()).toBe('1 published, 0 up to date, 0 to publish, 0 failed\n');
    const target = { type: 'awsS3' as const, bucketName: 'techdocs', region: 'us-east-1', endpoint: emulators.s3Endpoint, forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    expect(await siteStore(target).list('default/component/service-b/')).toContain('default/component/service-b/index.html');
    const metadata = await (await techdocsPublisher(target)).fetchTechDocsMetadata({ namespace: 'default', kind: 'component', name: 'service-b' });
    // techdocs-node names a default site after the entity.
    expect(metadata.site_name).toBe('service-b');
  }, 120_000);

  it('fails loudly when a site does not build', async () => {
    const root = await repo();
    // No index.md: mkdocs exits 0 but the site has no landing page, which Backstage cannot show.
    await rm(join(root, 'catalog/service-b/docs/index.md'));
    await writeFile(join(root, 'catalog/service-b/docs/other.md'), '# Other\n');
    await writeFile(join(root, 'catalog/service-b/mkdocs.yml'), 'site_name: Service B\n');
    git(root, 'add', '-A');
    commit(root, 'break b');
    const broken = io(root, { AZURE_STORAGE_CONNECTION_STRING: emulators.azureConnectionString });
    // Another repo of this file published both sites earlier in the run: this one takes them over on purpose.
    expect(await run(['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs', '--force', '--adopt-site', 'default/component/service-a', '--adopt-site', 'default/component/service-b'], broken.io)).toBe(1);
    expect(broken.out()).toBe('1 published, 0 up to date, 0 to publish, 1 failed\n');
    expect(broken.err()).toContain('service-b: FAILED: TechDocs build of catalog/service-b/mkdocs.yml failed: no index.html was produced');
  }, 120_000);
});
