import { spawnSync } from 'node:child_process';
import { childEnv } from '../process/childEnv.ts';

/**
 * Which paths under `folder` (relative to `root`, posix) git ignores and does not track: files Backstage
 * never reads, since it reads a template's files from the git host (a tree as the host's archive, a file by
 * its URL), which holds only what was committed. A working tree holds them all the same (a skeleton's
 * node_modules after trying it out, a .env), and an offline render that copies them writes files the task
 * never writes. Returns a test of a repo-relative posix path (a folder git lists as ignored covers all it
 * holds); the test is false for every path outside a git work tree or without git.
 */
export function gitIgnoredUnder(root: string, folder: string): (path: string) => boolean {
  const spec = folder === '' || folder === '.' ? '.' : `:(literal)${folder}`;
  const listed = spawnSync('git', ['-C', root, 'ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', spec], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: childEnv() });
  if (listed.status !== 0) return () => false;
  const files = new Set<string>();
  const folders: string[] = [];
  for (const entry of listed.stdout.split('\0').filter(Boolean)) {
    if (entry.endsWith('/')) folders.push(entry);
    else files.add(entry);
  }
  return path => files.has(path) || folders.some(f => path === f.slice(0, -1) || path.startsWith(f));
}
