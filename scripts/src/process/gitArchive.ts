import { spawnSync } from 'node:child_process';
import { childEnv } from './childEnv.ts';

/**
 * The files of revision `ref` of the git repository at `root`, as one tar stream (`git archive
 * --format=tar`, with the repo's attributes and config applied, as a checkout would write them).
 * Returns the bytes, or git's own message when the revision cannot be read. Never throws for a bad ref.
 */
export function gitArchive(root: string, ref: string): { tar: Buffer } | { problem: string } {
  const archive = spawnSync('git', ['-C', root, 'archive', '--format=tar', '--end-of-options', ref], { maxBuffer: 1024 * 1024 * 1024, env: childEnv() });
  if (archive.status !== 0) return { problem: (archive.stderr?.toString() ?? archive.error?.message ?? '').trim() };
  return { tar: archive.stdout };
}
