import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/config/gitopsConfig.ts';
import { implicitScope } from '../../src/config/repoRoot.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

describe('repoRoot: where a command stands, found as git and ESLint find theirs', () => {
  it('finds gitops.config.yaml from a folder deep inside the repo', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': 'failOn: error\n', 'catalog/systems/orders/entities.yaml': '' });
    expect(repoRoot(join(root, 'catalog/systems/orders'), undefined)).toBe(root);
  });

  it('stops at the top of the git repository: a config above it belongs to another project', async () => {
    const outer = await tempRepo({ 'gitops.config.yaml': 'failOn: error\n', 'inner/catalog-info.yaml': '' });
    mkdirSync(join(outer, 'inner/.git'));
    expect(repoRoot(join(outer, 'inner'), undefined)).toBe(join(outer, 'inner'));
  });

  // fresh39: from templates/github of a template repository, a template's `../../../skeletons/x` (which
  // Backstage reads: it reads the repository whole) "leads outside this repository", 18 false errors.
  it('without a config anywhere, the top of the git repository, the run scoped to the current folder; outside git, the current folder', async () => {
    const root = await tempRepo({ 'a/b/catalog-info.yaml': '' });
    expect(repoRoot(join(root, 'a/b'), undefined)).toBe(join(root, 'a/b'));
    mkdirSync(join(root, '.git'));
    expect(repoRoot(join(root, 'a/b'), undefined)).toBe(root);
    expect(implicitScope(join(root, 'a/b'), undefined, root)).toBe(join(root, 'a/b'));
    expect(implicitScope(root, undefined, root)).toBeUndefined();
    expect(implicitScope(join(root, 'a/b'), '.', join(root, 'a/b'))).toBeUndefined();
  });

  it('--root is taken as given, and must be a folder that exists', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': '', 'file.txt': '' });
    expect(repoRoot('/', root)).toBe(root);
    expect(() => repoRoot(root, 'missing')).toThrow('--root missing: no such folder');
    expect(() => repoRoot(root, 'file.txt')).toThrow('--root file.txt is a file');
  });
});
