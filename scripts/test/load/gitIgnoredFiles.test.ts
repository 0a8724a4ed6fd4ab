import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Backstage reads a repository from its git host, which holds only what was committed. `check` walked the
// disk, so a developer's working tree with files git ignores and does not track (a skeleton's .env, a
// generated file a Location glob or config-less discovery matches, a build folder) gave findings that CI's
// clean checkout never gives. A run in a git work tree now sees tracked files plus untracked ones git does
// not ignore (new files about to be added); outside git, everything.

const entity = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ${name}}\nspec: {type: service, lifecycle: production, owner: group:platform}\n`;

const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t
spec:
  owner: group:default/platform
  type: service
  parameters:
    - title: Name
      required: [name]
      properties:
        name: {type: string}
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;

const ROOTS = {
  'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./platform.yaml, ../services/*.yaml, ../templates/t/template.yaml]\n',
  'catalog/platform.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n',
  'services/orders.yaml': entity('orders'),
  'templates/t/template.yaml': TEMPLATE,
  'templates/t/skeleton/README.md': '# ${{ values.name }}\n',
  '.gitignore': 'services/generated.yaml\n.env\n.cache/\n',
  // Ignored and untracked: what a local build or a try-out of the skeleton leaves.
  'services/generated.yaml': entity('Bad Name!'),
  'templates/t/skeleton/.env': 'X=${{ values.nope }}\n',
};

async function committed(files: Record<string, string>, ignoredToo: Record<string, string>): Promise<string> {
  const root = await tempRepo(files);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  for (const [path, text] of Object.entries(ignoredToo)) writeFileSync(join(root, path), text);
  return root;
}

const check = (root: string, ...args: string[]) => runBin(['check', '--format', 'json', ...args], root);
const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics.map(d => `${d.ruleId} ${d.file}`).sort();

describe('files git ignores and does not track (check through the bin)', () => {
  it('are not read in a git work tree: not by a Location glob, not as a skeleton file; new untracked files are', async () => {
    const root = await committed(ROOTS, {
      // Untracked but not ignored: the developer's new files, which the pull request will hold.
      'services/new.yaml': entity('New Name!'),
      'templates/t/skeleton/NEW.md': '${{ values.other }}\n',
    });
    expect(git(root, 'status', '--porcelain', '--ignored')).toContain('!! services/generated.yaml');
    const run = await check(root);
    expect(findings(run.stdout)).toEqual(['entity-field-format services/new.yaml', 'skeleton-unknown-value templates/t/skeleton/NEW.md']);
    expect(run.status).toBe(1);
  }, 60_000);

  it('are read outside git (a tarball), as before', async () => {
    const root = await tempRepo(ROOTS);
    const run = await check(root);
    expect(findings(run.stdout)).toEqual(['entity-field-format services/generated.yaml', 'skeleton-unknown-value templates/t/skeleton/.env']);
  }, 60_000);

  it('a root git ignores whole (a catalog exported into an ignored folder of another repository) is read whole', async () => {
    const outer = await committed({ 'README.md': '# home\n', '.gitignore': 'exports/\n' }, {});
    const root = join(outer, 'exports/catalog');
    mkdirSync(join(root, 'catalog'), { recursive: true });
    mkdirSync(join(root, 'services'));
    mkdirSync(join(root, 'templates/t/skeleton'), { recursive: true });
    for (const [path, text] of Object.entries(ROOTS)) writeFileSync(join(root, path), text);
    const run = await check(root);
    // As outside git: the exported folder's own .gitignore does not hide its files either.
    expect(findings(run.stdout)).toEqual(['entity-field-format services/generated.yaml', 'skeleton-unknown-value templates/t/skeleton/.env']);
  }, 60_000);

  it('are not found by config-less discovery (a build folder)', async () => {
    const root = await committed({
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\n',
      'catalog-info.yaml': entity('orders'),
      'platform.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n',
      '.gitignore': 'build/\n',
    }, {});
    mkdirSync(join(root, 'build'));
    writeFileSync(join(root, 'build/catalog-info.yaml'), entity('Built Copy!'));
    const run = await check(root);
    expect(findings(run.stdout)).toEqual([]);
    expect(run.status).toBe(0);
  }, 60_000);

  it('keep the --cache honest: an ignored file that becomes tracked, or an exclude edit, is a new run', async () => {
    const root = await committed(ROOTS, {});
    const cacheFile = join(root, '.cache/c.json');
    const first = await check(root, '--cache', '.cache/c.json');
    expect(findings(first.stdout)).toEqual([]);
    const written = statSync(cacheFile).ino;
    // The cache folder is ignored and created by the first run: the second still replays it.
    const second = await check(root, '--cache', '.cache/c.json');
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(cacheFile).ino).toBe(written);
    // `git add -f` changes only .git: the file is now on the git host, and its finding must show.
    git(root, 'add', '-f', 'services/generated.yaml');
    const tracked = await check(root, '--cache', '.cache/c.json');
    expect(findings(tracked.stdout)).toEqual(['entity-field-format services/generated.yaml']);
    git(root, 'rm', '-q', '--cached', 'services/generated.yaml');
    expect(findings((await check(root, '--cache', '.cache/c.json')).stdout)).toEqual([]);
    // Ignored by .git/info/exclude only (outside the walked files): dropping that line shows the file.
    writeFileSync(join(root, '.gitignore'), '.env\n.cache/\n');
    writeFileSync(join(root, '.git/info/exclude'), 'services/generated.yaml\n');
    expect(findings((await check(root, '--cache', '.cache/c.json')).stdout)).toEqual([]);
    writeFileSync(join(root, '.git/info/exclude'), '\n');
    expect(findings((await check(root, '--cache', '.cache/c.json')).stdout)).toEqual(['entity-field-format services/generated.yaml']);
  }, 120_000);
});

