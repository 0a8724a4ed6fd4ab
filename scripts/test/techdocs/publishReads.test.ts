import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteStore, techdocsPublisher } from '../../src/techdocs/siteStore.ts';
import { startStorageEmulators, type Emulators } from '../backstage/storageEmulators.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from '../helpers/runBin.ts';

const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = (name: string, title: string, docs: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  title: ${title}\n  annotations:\n    backstage.io/techdocs-ref: dir:${docs}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n`;
const entities = (generatedTitle: string) => `${component('red23-inherits', 'Inherits', './inherits')}---\n${component('red23-generated', generatedTitle, './generated')}---\n${group}`;
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=a@example.test', '-c', 'user.name=a', ...args], { encoding: 'utf8' }).trim();

// Red team, round 23: publish skipped a site as "up to date" when neither mkdocs.yml nor docs_dir changed since
// its etag, though the build reads more: the config mkdocs.yml INHERITs (nav, theme, extensions), a nav
// `!include`d config and its docs, plantuml `source=` files beside docs/, the README.md that
// legacyCopyReadmeMdToIndexMd makes the index, and the entity's title for a generated mkdocs.yml. A merged
// change to any of them never reached the published site (techdocs build --changed-since built it in the PR).
describe('techdocs publish republishes a site when anything its build reads changed', () => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startStorageEmulators();
  }, 60_000);
  afterAll(() => emulators?.stop());

  it('a config mkdocs.yml INHERITs, and the entity title a generated mkdocs.yml takes, count as the site\'s sources', async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: emulators.azureConnectionString };
    const publish = ['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs'];
    const root = await tempRepo({
      'catalog-info.yaml': entities('Generated docs'),
      'inherits/mkdocs.yml': 'INHERIT: base.yml\nsite_name: Inherits\n',
      'inherits/base.yml': 'nav:\n  - Home: index.md\n  - Guide: guide.md\n',
      'inherits/docs/index.md': '# Inherits\n',
      'inherits/docs/guide.md': '# Guide\n',
      'generated/docs/index.md': '# Generated\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'docs');
    const target = { type: 'azureBlobStorage' as const, containerName: 'techdocs', connectionString: emulators.azureConnectionString };
    const first = await runBin(publish, root, env);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe('2 published, 0 up to date, 0 to publish, 0 failed\n');

    // Only the inherited config and the entity's title change: no mkdocs.yml, no page.
    await writeFile(join(root, 'inherits/base.yml'), 'nav:\n  - Start here: index.md\n  - Guide: guide.md\n');
    await writeFile(join(root, 'catalog-info.yaml'), entities('Generated handbook'));
    git(root, 'commit', '-qam', 'rename the nav entry and the title');
    const second = await runBin(publish, root, env);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toBe('2 published, 0 up to date, 0 to publish, 0 failed\n');
    const publisher = await techdocsPublisher(target);
    expect(await publisher.fetchTechDocsMetadata({ namespace: 'default', kind: 'component', name: 'red23-generated' })).toMatchObject({ site_name: 'Generated handbook', etag: git(root, 'rev-parse', 'HEAD') });
    expect(await siteStore(target).list('default/component/red23-inherits/')).toContain('default/component/red23-inherits/index.html');
    expect((await publisher.fetchTechDocsMetadata({ namespace: 'default', kind: 'component', name: 'red23-inherits' })).etag).toBe(git(root, 'rev-parse', 'HEAD'));

    // Nothing of either site changed: both stay up to date.
    await writeFile(join(root, 'NOTES.md'), 'elsewhere\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'unrelated');
    const third = await runBin(publish, root, env);
    expect(third.stdout).toBe('0 published, 2 up to date, 0 to publish, 0 failed\n');
  }, 240_000);
});
