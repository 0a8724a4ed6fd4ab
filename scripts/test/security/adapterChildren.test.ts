import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAzureTask } from '../helpers/ciRuns.ts';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// Red team 27: the Azure PR task, which holds $(System.AccessToken), made the JUnit folder with
// spawnSync('mkdir', ['-p', …]) and no env: whatever `mkdir` PATH found first (a step earlier in the job can
// prepend to PATH with ##vso[task.prependpath]) started with the step's whole environment, the token in it.
// scripts/src is held to childEnv() by processEnv.test.ts; the adapters around it were never looked at.
describe('the CI adapters start no program with their own environment', () => {
  let repo: string;
  let base: string;
  let bin: string;
  let seen: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
    base = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '-q', '-b', 'change');
    bin = mkdtempSync(join(tmpdir(), 'adapter-path-'));
    seen = join(bin, 'seen.txt');
    // Programs a step may find first on PATH: each records the environment it started with, then does the real work.
    for (const name of ['mkdir', 'git', 'sh', 'cp', 'rm']) {
      const real = (process.env.PATH ?? '').split(delimiter).map(dir => join(dir, name)).find(existsSync);
      if (!real) continue;
      writeFileSync(join(bin, name), `#!/bin/sh\nenv >> '${seen}'\nexec '${real}' "$@"\n`);
      chmodSync(join(bin, name), 0o755);
    }
  }, 60_000);

  it('the Azure task: no child of the task process sees SYSTEM_ACCESSTOKEN', async () => {
    const run = await runAzureTask(repo, base, { PATH: `${bin}${delimiter}${process.env.PATH}` });
    expect(run.status, run.stdout + run.stderr).not.toBe(2);
    const recorded = existsSync(seen) ? readFileSync(seen, 'utf8') : '';
    // The recording programs did run (the gate's git), so an absent token is not an absent recording.
    expect(recorded).toMatch(/^PATH=/m);
    expect(recorded).not.toContain('fake-ado-token');
    expect(recorded).not.toMatch(/^SYSTEM_ACCESSTOKEN=/m);
  }, 180_000);

  it('every process the adapters start is given an environment of its own choosing', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === 'dist' || entry.name === 'node_modules') continue;
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.endsWith('.ts')) files.push(join(dir, entry.name));
      }
    };
    walk(join(REPO_ROOT, 'actions'));
    walk(join(REPO_ROOT, 'pipelines'));
    const calls: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (!text.includes("from 'node:child_process'")) continue;
      for (const match of text.matchAll(/(?<![.\w])(spawn|spawnSync|execFile|execFileSync|exec|execSync|fork)\(([^\n]*)/g)) {
        // Only node itself (the toolkit's CLI), with an env named in the call.
        const ok = match[2].startsWith('process.execPath,') && /\benv(?:: \w+)?[,\s}]/.test(match[2]);
        calls.push(`${file.slice(REPO_ROOT.length)}: ${match[1]} ${ok ? 'ok' : 'STARTS A PROGRAM WITH THE STEP ENVIRONMENT'}`);
      }
    }
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.filter(c => !c.endsWith(' ok'))).toEqual([]);
  });
});
