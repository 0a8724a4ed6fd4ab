import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStorageEmulators, type Emulators } from '../backstage/storageEmulators.ts';
import { runBin } from '../helpers/runBin.ts';

// A re-run of an earlier merge's publish job after a newer merge published: the site's etag is a newer commit
// of this repository. Publish called it "another source (another repository's pipeline, or Backstage's own
// builder …)", failed, and told the on-call engineer to run --adopt-site, which would put the older docs back
// over the newer ones. Through the shipped bin, against Azurite.
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });
const FILES: Record<string, string> = {
  'gitops.config.yaml': 'repoUrl: https://example.test/repo/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./services.yaml]\n',
  'catalog/services.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: rerun-docs\n  annotations:\n    backstage.io/techdocs-ref: dir:./rerun-docs\nspec:\n  type: service\n  lifecycle: production\n  owner: team-docs\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-docs\nspec:\n  type: team\n  children: []\n',
  'catalog/rerun-docs/mkdocs.yml': 'site_name: Rerun docs\nnav:\n  - Home: index.md\nplugins:\n  - techdocs-core\n',
  'catalog/rerun-docs/docs/index.md': '# Old words\n',
};

describe('techdocs publish from a commit older than the one the site was published from', () => {
  let emulators: Emulators;
  let root: string;
  beforeAll(async () => {
    emulators = await startStorageEmulators();
    root = await mkdtemp(join(tmpdir(), 'gitops-rerun-'));
    for (const [path, text] of Object.entries(FILES)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'old docs');
  }, 60_000);
  afterAll(async () => {
    await emulators?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('leaves the newer site as it is, says why, exits 0 and never suggests --adopt-site', async () => {
    const publish = () => runBin(['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs'], root, { AZURE_STORAGE_CONNECTION_STRING: emulators.azureConnectionString });
    const older = git(root, 'rev-parse', 'HEAD').trim();
    await writeFile(join(root, 'catalog/rerun-docs/docs/index.md'), '# New words\n');
    git(root, 'commit', '-qam', 'new docs');
    const newer = git(root, 'rev-parse', 'HEAD').trim();
    const first = await publish();
    expect(first.status, first.stderr).toBe(0);

    // The earlier merge's job is re-run: its checkout is the older commit (fetch-depth 0 knows main's newer one).
    git(root, 'checkout', '-q', '--detach', older);
    const rerun = await publish();
    expect(rerun.stderr).not.toContain('--adopt-site');
    expect(rerun.stderr).not.toContain('another source');
    expect(rerun.stderr).toContain(`[1/1] default/component/rerun-docs: left as it is: published from ${newer.slice(0, 12)}, a newer commit of this repository than this run's ${older.slice(0, 12)}`);
    expect(rerun.stdout).toContain(' 0 failed');
    expect(rerun.status, rerun.stderr).toBe(0);
    const { BlobServiceClient } = await import('@azure/storage-blob');
    const container = BlobServiceClient.fromConnectionString(emulators.azureConnectionString).getContainerClient('techdocs');
    const metadata = JSON.parse((await container.getBlockBlobClient('default/component/rerun-docs/techdocs_metadata.json').downloadToBuffer()).toString('utf8')) as { etag: string };
    expect(metadata.etag).toBe(newer);
  }, 180_000);
});
