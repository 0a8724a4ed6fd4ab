import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { makeBadPullRequest, startPullRequest } from './prChange.ts';

/**
 * A `tar` ahead of the real one on PATH that notes each extraction, and an empty TMPDIR: what the report
 * extracts, and what it leaves behind.
 */
function watchedRun() {
  const dir = mkdtempSync(join(tmpdir(), 'reads-once-'));
  const bin = join(dir, 'bin');
  const temp = join(dir, 'tmp');
  mkdirSync(bin);
  mkdirSync(temp);
  const log = join(dir, 'tar.log');
  writeFileSync(log, '');
  const realTar = process.env.PATH!.split(':').map(p => join(p, 'tar')).find(p => { try { return readFileSync(p).length > 0; } catch { return false; } })!;
  writeFileSync(join(bin, 'tar'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realTar}' "$@"\n`);
  chmodSync(join(bin, 'tar'), 0o755);
  return { env: { PATH: `${bin}:${process.env.PATH}`, TMPDIR: temp }, extractions: () => readFileSync(log, 'utf8').split('\n').filter(l => l.startsWith('-x')).length, leftovers: () => readdirSync(temp) };
}

describe('report --base: the base revision is read once, and nothing is left behind (shipped bin)', () => {
  it('extracts the base once for the gate and the report together, and removes it', async () => {
    const root = await dataRepoCopy();
    const base = makeBadPullRequest(root);
    const watched = watchedRun();
    const run = await runBin(['report', '--base', base, '--today', '2026-11-23', '--format', 'json'], root, watched.env);
    expect(run.status, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout);
    // The gate's findings and the report's own readings both came from this one extraction.
    expect(report.diagnostics.some((d: { ruleId: string }) => d.ruleId === 'ref-unresolved')).toBe(true);
    expect(report.report.changes.removed.length).toBeGreaterThan(0);
    expect(watched.extractions()).toBe(1);
    expect(watched.leftovers()).toEqual([]);
    // check --base alone: the same one extraction, removed when the gate is done.
    const alone = watchedRun();
    const gate = await runBin(['check', '--base', base, '--today', '2026-11-23', '--format', 'json'], root, alone.env);
    expect(gate.status, gate.stderr).toBe(1);
    expect(JSON.parse(gate.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId)).toContain('ref-unresolved');
    expect(alone.extractions()).toBe(1);
    expect(alone.leftovers()).toEqual([]);
  }, 120_000);

  it('ended by SIGTERM (a CI adapter\'s time limit) or SIGINT mid-run, it removes the base and still ends by that signal', async () => {
    const root = await dataRepoCopy();
    const base = makeBadPullRequest(root);
    // Several rounds: a signal that came while no listener was installed (between making the folder and
    // registering it) ended the process at once and left the folder, now and then.
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGTERM', 'SIGINT', 'SIGTERM', 'SIGINT', 'SIGTERM', 'SIGINT'] as const) {
      const watched = watchedRun();
      const child = spawn(process.execPath, [`${REPO_ROOT}scripts/bin/backstage-gitops.js`, 'report', '--base', base, '--format', 'json'], { cwd: root, env: { HOME: process.env.HOME, ...watched.env }, stdio: 'ignore' });
      const ended = new Promise<NodeJS.Signals | null>(resolve => child.on('close', (_code, got) => resolve(got)));
      // Signalled once the base's folder exists (the extraction starts before the gate runs).
      while (watched.leftovers().length === 0 && child.exitCode === null) await new Promise(r => setTimeout(r, 5));
      child.kill(signal);
      expect(await ended).toBe(signal);
      expect(watched.leftovers()).toEqual([]);
    }
  }, 120_000);

  it('a base that cannot be read is one line and exit 2, and leaves no folder', async () => {
    const root = await dataRepoCopy();
    startPullRequest(root);
    for (const command of ['report', 'check']) {
      const watched = watchedRun();
      const run = await runBin([command, '--base', 'no-such-revision', '--format', 'json'], root, watched.env);
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('Cannot read base no-such-revision');
      expect(watched.leftovers()).toEqual([]);
    }
  }, 120_000);
});
