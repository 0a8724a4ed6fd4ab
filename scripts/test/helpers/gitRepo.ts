import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT, tempRepo } from './tempRepo.ts';

export const git = (root: string, ...args: string[]) =>
  execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });

/** A throwaway git repo holding this repo's data, committed as the base of a pull request. */
export async function dataRepoCopy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-pr-'));
  for (const part of ['catalog', 'templates', 'skeletons', 'scorecards', 'schemas', 'backstage-config', '.github', 'gitops.config.yaml', 'mkdocs.yml', 'docs']) {
    await cp(join(REPO_ROOT, part), join(root, part), { recursive: true });
  }
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  return root;
}

/**
 * A throwaway git repo whose `base` files are committed on main and whose `head` files (added or replacing
 * them) are committed on branch `pr`, checked out: a pull request for `check --base main` / `report --base main`.
 */
export async function pullRequestRepo(base: Record<string, string>, head: Record<string, string>): Promise<string> {
  const root = await tempRepo(base);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'checkout', '-qb', 'pr');
  for (const [file, text] of Object.entries(head)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'change');
  return root;
}
