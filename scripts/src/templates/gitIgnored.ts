import { gitHostView } from '../load/gitHostView.ts';

/**
 * Which paths under `folder` (relative to `root`, posix) git ignores and does not track: files Backstage
 * never reads, since it reads a template's files from the git host (a tree as the host's archive, a file by
 * its URL), which holds only what was committed. A working tree holds them all the same (a skeleton's
 * node_modules after trying it out, a .env), and an offline render that copies them writes files the task
 * never writes. Returns a test of a repo-relative posix path (a folder git lists as ignored covers all it
 * holds); the test is false for every path outside a git work tree or without git. Asks git once per run
 * (gitHostView), whatever the number of folders.
 */
export function gitIgnoredUnder(root: string, folder: string): (path: string) => boolean {
  const view = gitHostView(root);
  const under = folder === '' || folder === '.' ? undefined : folder.replace(/\/+$/, '');
  return path => (under === undefined || path === under || path.startsWith(`${under}/`)) && view.ignored(path);
}
