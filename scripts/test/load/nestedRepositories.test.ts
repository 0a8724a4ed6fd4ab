import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Backstage reads a repository from its git host's archive, which holds a submodule as a commit id and none
// of its files, and a repository cloned inside the work tree not at all. `check` walked the disk, so a
// checkout with its submodules (actions/checkout `submodules: true`, `git clone --recursive`) or a clone
// inside the work tree had its catalog files judged and its entities resolve references that Backstage
// leaves unresolved: false alarms about files Backstage never reads, and missed errors about the ones it
// does. Both kinds of nested repository are now left out, as files git ignores are.

const entity = (name: string, dependsOn: string[] = []) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ${JSON.stringify(name)}}\nspec: {type: service, lifecycle: production, owner: group:platform${dependsOn.length ? `, dependsOn: [${dependsOn.join(', ')}]` : ''}}\n`;

const SUPER = {
  'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\n',
  'platform.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n',
  // Depends on what only the nested repositories define: unresolved in Backstage.
  'catalog-info.yaml': entity('orders', ['component:vendored-lib', 'component:local-clone']),
};

async function repo(files: Record<string, string>): Promise<string> {
  const root = await tempRepo(files);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  return root;
}

const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: { ruleId: string; file: string; message: string }[] }).diagnostics;

describe('files of other repositories below the root (check through the bin)', () => {
  it('a checked-out submodule and a nested clone are not read: their entities are neither judged nor referable', async () => {
    const library = await repo({ 'catalog-info.yaml': entity('vendored-lib') + '---\n' + entity('Bad Name In Submodule!') });
    const root = await repo(SUPER);
    // A real submodule: a gitlink in the index, a `.git` file in its folder.
    git(root, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', library, 'third_party/lib');
    git(root, 'commit', '-qm', 'add submodule');
    // A repository cloned inside the work tree, untracked and not ignored (git lists it as one folder).
    const clone = join(root, 'scratch/clone');
    mkdirSync(clone, { recursive: true });
    writeFileSync(join(clone, 'catalog-info.yaml'), entity('local-clone') + '---\n' + entity('Bad Name In Clone!'));
    git(clone, 'init', '-q', '-b', 'main');
    const run = await runBin(['check', '--format', 'json'], root);
    const found = findings(run.stdout);
    expect(found.filter(d => d.file !== 'catalog-info.yaml'), JSON.stringify(found, null, 1)).toEqual([]);
    expect(found.map(d => d.ruleId)).toEqual(['ref-unresolved', 'ref-unresolved']);
    expect(found.map(d => d.message).join('\n')).toMatch(/vendored-lib[\s\S]*local-clone/);
    expect(run.status).toBe(1);
  }, 60_000);

  it('outside git (a tarball of the same tree) every file is read, as before', async () => {
    const root = await tempRepo({ ...SUPER, 'third_party/lib/catalog-info.yaml': entity('vendored-lib'), 'scratch/clone/catalog-info.yaml': entity('local-clone') });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout)).toEqual([]);
    expect(run.status).toBe(0);
  }, 60_000);
});
