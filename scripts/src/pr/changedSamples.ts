import { spawnSync } from 'node:child_process';
import { closeSync, readSync } from 'node:fs';
import { openRegularFile } from '../load/readSource.ts';
import { realRepoPath } from '../load/repoPath.ts';
import { childEnv } from '../process/childEnv.ts';
import type { ChangedSample } from './binaryHidden.ts';

// More than git's 8,000 bytes: enough to tell text from binary past a NUL.
const SAMPLE_BYTES = 64 * 1024;

/**
 * The first bytes of each of the repo paths `changed` (under `root`) that is a regular file inside the
 * repository, with whether `git diff --numstat` against `base` shows it as binary (`-` for its line counts:
 * git's NUL test or a `-diff`/`binary` attribute). Files that are gone or cannot be read are left out (other
 * gates name them). Never throws.
 */
export function changedSamples(root: string, base: string, changed: readonly string[]): ChangedSample[] {
  if (!changed.length) return [];
  const numstat = spawnSync('git', ['-C', root, 'diff', '--numstat', '--relative', '--no-renames', '-z', '--end-of-options', base, '--'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: childEnv() });
  // -z: `added\tdeleted\tpath` records ended by NUL; a binary file's counts are `-`.
  const binary = new Set((numstat.status === 0 ? numstat.stdout.split('\0') : []).filter(r => r.startsWith('-\t-\t')).map(r => r.slice(4)));
  const samples: ChangedSample[] = [];
  for (const file of changed) {
    try {
      const { fd, size } = openRegularFile(realRepoPath(root, file));
      try {
        const sample = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
        const n = readSync(fd, sample, 0, sample.length, 0);
        samples.push({ file, sample: sample.subarray(0, n), diffBinary: binary.has(file) });
      } finally {
        closeSync(fd);
      }
    } catch {
      // Gone, a folder (a submodule), a link leaving the repository: nothing of it to show.
    }
  }
  return samples;
}
