import { execFileSync } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './tempRepo.ts';

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
