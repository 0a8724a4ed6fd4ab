import { chownSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A run in a git work tree leaves out what git ignores and does not track (gitHostView). When git refuses
// the work tree (another user's checkout, "detected dubious ownership", as in CI containers that mount the
// runner's checkout; or a `.git` file naming a folder that is gone), the run read every file, ignored ones
// included, and said nothing: a user saw findings on files CI's checkout never has, with no clue why.

const FILES = {
  'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./platform.yaml, ./services/*.yaml]\n',
  'catalog/platform.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n',
  'catalog/services/orders.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: orders}\nspec: {type: service, lifecycle: production, owner: group:platform}\n',
  '.gitignore': 'catalog/services/generated.yaml\n',
};
// What a local build left: ignored, and read only when git's answer is missing.
const GENERATED = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: generated}\nspec: {type: service, lifecycle: production, owner: group:nobody}\n';

async function repo(): Promise<string> {
  const root = await tempRepo(FILES);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  writeFileSync(join(root, 'catalog/services/generated.yaml'), GENERATED);
  return root;
}

function chownAll(path: string, uid: number) {
  chownSync(path, uid, uid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) chownAll(join(path, entry.name), uid);
    else chownSync(join(path, entry.name), uid, uid);
  }
}

const notes = (stderr: string) => stderr.split('\n').filter(line => line.includes('note: git would not list'));

describe('git refusing the work tree', () => {
  it('trusted: the ignored file is not read, and nothing is said', async () => {
    const root = await repo();
    const run = await runBin(['check', '--format', 'json'], root);
    await rm(root, { recursive: true, force: true });
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('catalog/services/generated.yaml');
    expect(run.status).toBe(0);
  }, 60_000);

  it.skipIf(process.getuid?.() !== 0)("another user's checkout (dubious ownership): one note on stderr naming git's reason; findings as before", async () => {
    const root = await repo();
    chownAll(root, 54321);
    // An empty HOME: no global safe.directory of this machine's can trust the folder.
    const home = mkdtempSync(join(tmpdir(), 'gitops-home-'));
    const run = await runBin(['check', '--format', 'json'], root, { HOME: home });
    await rm(root, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
    expect(notes(run.stderr)).toEqual([`backstage-gitops check: note: git would not list ${root} (fatal: detected dubious ownership in repository at '${root}'), so files it ignores were read too; \`git status\` there says why (another user's checkout: \`git config --global --add safe.directory <folder>\`).`]);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    // The ignored file was read, as the note says.
    expect(run.stdout).toContain('catalog/services/generated.yaml');
  }, 60_000);

  it('a .git file naming a gone folder: one note, for templates test too', async () => {
    const root = await repo();
    await rm(join(root, '.git'), { recursive: true, force: true });
    writeFileSync(join(root, '.git'), 'gitdir: /nonexistent/worktrees/x\n');
    const run = await runBin(['check', '--format', 'json'], root);
    const templates = await runBin(['templates', 'test'], root);
    await rm(root, { recursive: true, force: true });
    expect(notes(run.stderr)).toHaveLength(1);
    expect(notes(run.stderr)[0]).toContain(`git would not list ${root} (fatal: not a git repository: /nonexistent/worktrees/x)`);
    expect(run.stdout).toContain('catalog/services/generated.yaml');
    expect(notes(templates.stderr)).toHaveLength(1);
  }, 60_000);
});
