import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteStore } from '../../src/techdocs/siteStore.ts';
import { startStorageEmulators, type Emulators } from '../backstage/storageEmulators.ts';
import { runBin } from '../helpers/runBin.ts';

// Sites of entities that left the repo (removed, renamed) stay published, and techdocs-backend serves
// /static/docs/<triplet>/ for them as long as the files exist (it only asks the catalog when the
// permission framework is on). Publish removes them, but only its own (etag on this repo's mainline) and
// only while every catalog file loads.
const require = createRequire(import.meta.url);
const entity = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    backstage.io/techdocs-ref: dir:./${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-docs\n`;
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-docs\nspec:\n  type: team\n  children: []\n';
const site = (name: string) => ({ [`catalog/${name}/mkdocs.yml`]: `site_name: ${name}\nnav:\n  - Home: index.md\nplugins:\n  - techdocs-core\n`, [`catalog/${name}/docs/index.md`]: `# ${name}\n` });
const names = ['stale-a', 'stale-b', 'stale-c', 'stale-d', 'stale-e', 'stale-f'];

async function write(root: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });

describe('techdocs publish removes the sites of entities that left the repo', () => {
  let emulators: Emulators;
  let root: string;
  beforeAll(async () => {
    emulators = await startStorageEmulators();
    root = await mkdtemp(join(tmpdir(), 'gitops-stale-'));
    await write(root, {
      'gitops.config.yaml': 'repoUrl: https://example.test/repo/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./services.yaml, ./org.yaml]\n',
      'catalog/org.yaml': group,
      'catalog/services.yaml': names.map(entity).join('---\n'),
      ...Object.assign({}, ...names.map(site)),
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'docs');
  }, 60_000);
  afterAll(async () => {
    await emulators?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it.each(['azureBlobStorage', 'awsS3'] as const)('%s: a removed entity\'s site goes, another source\'s site and a site hidden by an unreadable file stay', async publisher => {
    const storage = publisher === 'azureBlobStorage'
      ? { args: ['--publisher', 'azureBlobStorage', '--container', 'techdocs'], env: { AZURE_STORAGE_CONNECTION_STRING: emulators.azureConnectionString }, target: { type: 'azureBlobStorage' as const, containerName: 'techdocs', connectionString: emulators.azureConnectionString } }
      : { args: ['--publisher', 'awsS3', '--bucket', 'techdocs', '--region', 'us-east-1', '--endpoint', emulators.s3Endpoint, '--force-path-style'], env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' }, target: { type: 'awsS3' as const, bucketName: 'techdocs', region: 'us-east-1', endpoint: emulators.s3Endpoint, forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
    const store = siteStore(storage.target);
    const publish = (...extra: string[]) => runBin(['techdocs', 'publish', ...storage.args, ...extra], root, storage.env);
    git(root, 'checkout', '-q', '--force', git(root, 'rev-list', '--max-parents=0', 'HEAD').trim());
    git(root, 'checkout', '-q', '-B', 'main');
    const first = await publish('--force');
    expect(first.status, first.stderr).toBe(0);
    // Another repository's pipeline publishes this entity's docs: its etag is none of this repo's commits.
    if (publisher === 'azureBlobStorage') {
      const { BlobServiceClient } = require('@azure/storage-blob');
      const container = BlobServiceClient.fromConnectionString(emulators.azureConnectionString).getContainerClient('techdocs');
      for (const [key, text] of [['default/component/elsewhere/index.html', '<p>x</p>'], ['default/component/elsewhere/techdocs_metadata.json', JSON.stringify({ site_name: 'Elsewhere', etag: 'f'.repeat(40), build_timestamp: 1, files: ['index.html'] })]]) {
        await container.getBlockBlobClient(key).upload(text, text.length);
      }
    } else {
      const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
      const client = new S3Client({ region: 'us-east-1', endpoint: emulators.s3Endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      for (const [Key, Body] of [['default/component/elsewhere/index.html', '<p>x</p>'], ['default/component/elsewhere/techdocs_metadata.json', JSON.stringify({ site_name: 'Elsewhere', etag: 'f'.repeat(40), build_timestamp: 1, files: ['index.html'] })]]) {
        await client.send(new PutObjectCommand({ Bucket: 'techdocs', Key, Body }));
      }
    }

    // A merge renames stale-b: stale-bee is published, stale-b's site removed; the other source's stays.
    await write(root, { 'catalog/services.yaml': names.map(n => (n === 'stale-b' ? entity('stale-b').replace('name: stale-b', 'name: stale-bee') : entity(n))).join('---\n') });
    git(root, 'commit', '-qam', 'rename stale-b');
    const dry = await publish('--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('stale site default/component/stale-b: would remove');
    expect(await store.list('default/component/stale-b/')).not.toEqual([]);
    const second = await publish();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^1 published, 5 up to date, 0 to publish, 1 stale site\(s\) removed, 0 failed\n$/);
    expect(await store.list('default/component/stale-b/')).toEqual([]);
    expect(await store.list('default/component/stale-bee/')).toContain('default/component/stale-bee/index.html');
    expect(await store.list('default/component/elsewhere/')).toHaveLength(2);

    // Red team, round 18: a Location stops reaching a file (a team's Location file drops another team's
    // target; without catalog.include nothing calls it unreachable, and location-unreachable names a file
    // the catalog does not read, which the guard left out): the catalog loads cleanly without stale-c, whose
    // entity is still written in the repo. Hidden is not removed: its site stays.
    await write(root, {
      'catalog/services.yaml': names.filter(n => n !== 'stale-c').map(n => (n === 'stale-b' ? entity('stale-b').replace('name: stale-b', 'name: stale-bee') : entity(n))).join('---\n'),
      'catalog/team-c.yaml': entity('stale-c'),
    });
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'stale-c in a file no Location reads');
    const hidden = await publish();
    expect(hidden.status, hidden.stderr).toBe(0);
    expect(hidden.stderr).not.toContain('stale site default/component/stale-c');
    expect(await store.list('default/component/stale-c/')).toContain('default/component/stale-c/index.html');

    // A catalog file that does not parse hides its entities: nothing is taken for stale then.
    await write(root, { 'catalog/services.yaml': `${entity('stale-a')}---\nkind: [unclosed\n` });
    git(root, 'commit', '-qam', 'break services.yaml');
    const third = await publish();
    expect(third.stderr).toContain('stale sites not looked for');
    expect(third.stdout).toContain(' 0 failed');
    for (const name of ['stale-c', 'stale-d', 'stale-bee']) expect(await store.list(`default/component/${name}/`)).not.toEqual([]);
  }, 180_000);
});
